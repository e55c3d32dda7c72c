// One home per default: every default, provider name, version comparison and fingerprint computation is
// defined in exactly one place under sdk/. A source scan (TypeScript's own scanner, so comments and
// JSDoc `@default` lines do not count) fails when one shows up anywhere else.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const SDK = path.join(__dirname, "..", "sdk");

/** A token of a source file outside comments: its kind, text and the text of the next token. */
interface Token {
    kind: ts.SyntaxKind;
    text: string;
    next: string;
    prev: string;
}

function tokens(source: string): Token[] {
    const scanner = ts.createScanner(ts.ScriptTarget.ES2022, /* skipTrivia */ true, ts.LanguageVariant.Standard, source);
    const raw: Array<{ kind: ts.SyntaxKind; text: string }> = [];
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
        // Template literals: the scanner needs to be told when a `}` closes a substitution.
        if (kind === ts.SyntaxKind.CloseBraceToken && raw.some((t) => t.kind === ts.SyntaxKind.TemplateHead || t.kind === ts.SyntaxKind.TemplateMiddle)) {
            const open = raw.filter((t) => t.kind === ts.SyntaxKind.TemplateHead).length - raw.filter((t) => t.kind === ts.SyntaxKind.TemplateTail).length;
            if (open > 0) {
                kind = scanner.reScanTemplateToken(false);
            }
        }
        raw.push({ kind, text: kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ? scanner.getTokenValue() : scanner.getTokenText() });
    }
    return raw.map((t, i) => ({ ...t, next: raw[i + 1]?.text ?? "", prev: raw[i - 1]?.text ?? "" }));
}

function sdkFiles(dir = SDK): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            return sdkFiles(p);
        }
        return e.name.endsWith(".ts") && !e.name.endsWith(".generated.ts") ? [p] : [];
    });
}

/** What may appear in one home only. */
interface Rule {
    what: string;
    /** The one file (relative to sdk/) allowed to hold the token. */
    home: string | string[];
    /** Whether a token is this rule's. */
    matches(t: Token): boolean;
}

const literal = (value: string | number, home: string, what: string): Rule => ({
    what,
    home,
    matches: (t) =>
        typeof value === "number"
            ? t.kind === ts.SyntaxKind.NumericLiteral && Number(t.text) === value
            : (t.kind === ts.SyntaxKind.StringLiteral || t.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) && t.text === value,
});

const ENUMS = ["MtlsMode", "GlooCertRotation", "HelmMode", "KeyAlgorithm", "RotationPhase", "KyvernoAuthzFlavor", "KuadrantMtlsMode", "MtlsScope"];

/** The defaults and single-home computations, with their homes. */
export const RULES: Rule[] = [
    // The certgen-style exception: a rule of sdk/posture/rules states the upstream chart's own default.
    { ...literal("istio-system", "istio/defaults.ts", "Istio's namespace"), home: ["istio/defaults.ts", "posture/rules/istioValidationWebhook.ts"] },
    literal("1.30.3", "istio/defaults.ts", "Istio's version"),
    literal("https://istio-release.storage.googleapis.com/charts", "istio/defaults.ts", "Istio's chart repository"),
    literal("istio-ingressgateway", "istio/defaults.ts", "the ingress gateway's name"),
    literal("istio-ingress", "istio/defaults.ts", "the ingress gateway's namespace"),
    literal("gloo-system", "gloo/defaults.ts", "Gloo's namespace"),
    literal("1.22.1", "gloo/defaults.ts", "Gloo's version"),
    literal("0 3 1 * *", "gloo/defaults.ts", "Gloo's cron schedule"),
    literal("65s", "gloo/defaults.ts", "Gloo's rotation duration"),
    literal("kuadrant-system", "kuadrant/defaults.ts", "Kuadrant's namespace"),
    literal("limitador-limitador", "kuadrant/defaults.ts", "Limitador's deployment"),
    literal("0.4.0", "authz/defaults.ts", "kyverno-authz's version"),
    literal("kyverno-authz-server", "authz/defaults.ts", "the authz server's service and provider name"),
    literal("kyverno-ext-authz-grpc", "authz/defaults.ts", "the envoy plugin's provider name"),
    literal("kyverno", "authz/defaults.ts", "the authorizer's namespace"),
    literal("meshtls root CA", "pki/defaults.ts", "the root CA's common name"),
    literal(87600, "pki/defaults.ts", "root validity"),
    literal(43800, "pki/defaults.ts", "intermediate validity"),
    literal(4380, "pki/defaults.ts", "intermediate early renewal"),
    literal(2160, "pki/defaults.ts", "leaf validity"),
    literal(720, "pki/defaults.ts", "leaf early renewal"),
    {
        what: "an enum default written inline (`?? Enum.Member`); defaults are named constants in a defaults.ts",
        home: [],
        matches: (t) => t.prev === "??" && ENUMS.includes(t.text) && t.next === ".",
    },
    { what: "the version comparison", home: ["internal/values.ts", "gloo/plan.ts", "istio/istioMeshPlan.ts", "posture/rules/kuadrantOperatorMtls.ts"], matches: (t) => t.kind === ts.SyntaxKind.Identifier && t.text === "compareVersions" && t.next === "(" },
    // testing/tls.ts (meshtls/testing) is the mock tls provider: it parses the CA certificate it signs with.
    { what: "certificate parsing (fingerprints)", home: ["pki/fingerprint.ts", "pki/material.ts", "testing/tls.ts"], matches: (t) => t.kind === ts.SyntaxKind.Identifier && (t.text === "X509Certificate" || t.text === "fingerprint256") },
    {
        what: "building an ext_authz gRPC provider",
        home: "authz/provider.ts",
        matches: (t) => t.kind === ts.SyntaxKind.Identifier && t.text === "envoyExtAuthzGrpc" && t.next === ":",
    },
];

/** Every place a rule's token stands outside its home: `file: what`. */
export function violations(files: Array<{ file: string; source: string }>, rules: Rule[] = RULES): string[] {
    const out: string[] = [];
    for (const { file, source } of files) {
        const toks = tokens(source);
        for (const rule of rules) {
            const homes = Array.isArray(rule.home) ? rule.home : [rule.home];
            if (homes.includes(file)) {
                continue;
            }
            const hits = toks.filter((t) => rule.matches(t));
            if (hits.length > 0) {
                out.push(`${file}: ${rule.what} (${hits.map((h) => h.text).join(", ")})`);
            }
        }
    }
    return out;
}

const readSdk = () => sdkFiles().map((f) => ({ file: path.relative(SDK, f).split(path.sep).join("/"), source: fs.readFileSync(f, "utf8") }));

describe("one home per default (source scan of sdk/)", () => {
    it("scans every source file of sdk/ and finds each rule's home holding it", () => {
        const files = readSdk();
        assert.ok(files.length > 40, `expected the whole sdk/, got ${files.length} files`);
        const names = new Set(files.map((f) => f.file));
        assert.equal(RULES.length, 25);
        for (const rule of RULES) {
            for (const home of Array.isArray(rule.home) ? rule.home : [rule.home]) {
                assert.ok(names.has(home), `${rule.what}: home ${home} exists`);
                const source = files.find((f) => f.file === home)?.source ?? "";
                assert.ok(tokens(source).some((t) => rule.matches(t)), `${rule.what}: defined in its home ${home}`);
            }
        }
    });

    it("no default, provider, version comparison or fingerprint computation is defined outside its home", () => {
        assert.deepEqual(violations(readSdk()), []);
    });

    it("the scan sees code, not comments, and catches a planted duplicate", () => {
        const planted = [
            { file: "gloo/plan.ts", source: '// "istio-system" in a comment\n/** @default "istio-system" */\nconst ns = args.namespace ?? "istio-system";\nconst m = x ?? MtlsMode.STRICT;\nconst t = `${a}.${b}`;' },
            { file: "platform/plan.ts", source: "const h = 2160; new X509Certificate(pem);" },
        ];
        assert.deepEqual(violations(planted), [
            "gloo/plan.ts: Istio's namespace (istio-system)",
            "gloo/plan.ts: an enum default written inline (`?? Enum.Member`); defaults are named constants in a defaults.ts (MtlsMode)",
            "platform/plan.ts: leaf validity (2160)",
            "platform/plan.ts: certificate parsing (fingerprints) (X509Certificate)",
        ]);
    });
});
