// The docs cannot drift: the reference tables are generated from the analyzer's schema (and a test
// fails when the committed ones are stale); the README names only real exports, real config keys,
// real files, and no internal file layout.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { LINK_KINDS } from "../sdk/posture";
import { PLATFORM_CONFIG_SCHEMA } from "../sdk";
import * as sdk from "../sdk";
import { ROOT } from "./gen/analyzer";
import { COMPONENTS_DOC, CONFIG_DOC, generatedFiles } from "./gen/files";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** Whether `meshtls:<path>` names a stack-config key (`gloo.istioUpstreams[].port` or `gloo.istioUpstreams`). */
function isConfigKey(key: string): boolean {
    const [top, ...rest] = key.replace(/\[\d*\]/g, "").split(".");
    let node = PLATFORM_CONFIG_SCHEMA[top] as Record<string, unknown> | undefined;
    for (const k of rest) {
        while (node?.type === "array") {
            node = node.items as Record<string, unknown>;
        }
        node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[k];
    }
    return node !== undefined;
}

describe("docs: generated reference tables", function () {
    // One analyzer run per process, shared with tests/config/schema.spec.ts.
    this.timeout(180_000);

    for (const doc of [CONFIG_DOC, COMPONENTS_DOC]) {
        it(`${path.relative(ROOT, doc)} is what \`npm run gen:schema\` makes`, async () => {
            const expected = (await generatedFiles()).find(([f]) => f === doc)?.[1];
            assert.ok(expected, "the generator makes it");
            assert.ok(fs.readFileSync(doc, "utf8") === expected, `${path.relative(ROOT, doc)} is stale: run npm run gen:schema`);
        });
    }

    it("the component reference has every component's arguments, with defaults from the JSDoc", () => {
        const text = fs.readFileSync(COMPONENTS_DOC, "utf8");
        const names = ["CertificateAuthority", "FleetCertificateAuthority", "Certificate", "IstioMesh", "MtlsPolicy", "SidecarInjection", "NamespaceEnrollment", "KuadrantMtls", "GlooMtls", "KgatewayMtls", "KyvernoAuthz", "MtlsPlatform"];
        assert.equal(names.filter((n) => text.includes(`\n## ${n}\n`)).length, names.length);
        assert.match(text, /\| `validityHours` \| number \| 87600 \(10 years\) \|/);
        assert.match(text, /\| `issuer` \| \[IssuerMaterial\]\(#issuermaterial\) \| required \|/);
    });

    it("the config reference lists nested keys with stack-config types and the allowlist's reasons", () => {
        const text = fs.readFileSync(CONFIG_DOC, "utf8");
        assert.match(text, /\| `istioUpstreams\[\]\.port` \| port \(1-65535\) \| required \|/);
        assert.match(text, /\| `keyAlgorithm` \| one of `ECDSA_P256`.* \| `ECDSA_P256` \|/);
        assert.match(text, /\| `meshtls:authz\.webhookIssuer` \| not accepted \| the platform CA issues the webhook certificate/);
        assert.match(text, /\| `values` \| YAML mapping or YAML text \|/);
    });
});

describe("docs: the README stays true", () => {
    it("imports only what the package exports", () => {
        const imports = [...README.matchAll(/import \{([^}]+)\} from "meshtls"/g)].flatMap((m) => m[1].split(",").map((s) => s.trim()).filter(Boolean));
        assert.ok(imports.length >= 8, `imports: ${imports.length}`);
        const exported = new Set(Object.keys(sdk));
        assert.deepEqual(imports.filter((i) => !exported.has(i)), []);
    });

    it("names only real stack-config keys", () => {
        const keys = [...new Set([...README.matchAll(/meshtls:([A-Za-z][\w.[\]]*)/g)].map((m) => m[1].replace(/\.$/, "")))].filter((k) => k !== "index");
        assert.ok(keys.length >= 3, `keys: ${keys.join(", ")}`);
        assert.deepEqual(keys.filter((k) => !isConfigKey(k)), []);
    });

    it("links only to files that exist", () => {
        const links = [...README.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1]);
        assert.ok(links.length >= 4, `links: ${links.length}`);
        assert.deepEqual(links.filter((l) => !fs.existsSync(path.join(ROOT, l))), []);
        const examples = [...README.matchAll(/`(examples\/[\w-]+)\/`/g)].map((m) => m[1]);
        assert.ok(examples.length >= 5, `examples: ${examples.length}`);
        assert.deepEqual(examples.filter((e) => !fs.existsSync(path.join(ROOT, e, "index.ts"))), []);
    });

    it("has one rotation runbook and no internal file layout (sdk/ is being refactored)", () => {
        assert.equal(README.match(/^## Rotation runbook/gm)?.length, 1);
        assert.deepEqual(README.match(/\bsdk\/[\w.]/g) ?? [], []);
        assert.deepEqual(README.match(/\btests\/[\w][\w./-]*/g) ?? [], []);
    });
});

describe("docs: the posture engine reference stays true", () => {
    it("docs/reference/posture.md lists every rule file of sdk/posture/rules and every link kind", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "reference", "posture.md"), "utf8");
        const rules = fs
            .readdirSync(path.join(ROOT, "sdk", "posture", "rules"))
            .filter((f) => f.endsWith(".ts") && f !== "index.ts")
            .map((f) => f.replace(/\.ts$/, ""));
        assert.ok(rules.length >= 20);
        assert.deepEqual(rules.filter((r) => !doc.includes(`| \`${r}\` |`)), []);
        assert.equal(LINK_KINDS.length, 8);
        assert.deepEqual(LINK_KINDS.filter((k) => !doc.includes(`| \`${k}\` |`)), []);
    });
});
