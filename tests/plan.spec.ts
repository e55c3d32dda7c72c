// `npm run plan` (meshtls plan): what the main program would create, from the stack file alone. The
// planned objects are the ones the components register (checked against a mock run, so the listing
// cannot drift from the code), the output is the same on every run and holds no key, and the committed
// sample in docs/plan-sample/ is what the dev stack plans today.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DataPlaneMode, KuadrantMtlsMode, KyvernoAuthzFlavor, MtlsPlatform, MtlsPlatformArgs, planMtlsPlatform, platformManifests, readPlatformConfig } from "../sdk";
import { planFiles, runCli } from "../sdk/cli";
import { RunOptions, liveReads, loadProgram, readStackConfig, runProgram } from "./harness";
import { liveFilters } from "./mocks/kuadrantOperator";

const ROOT = path.join(__dirname, "..");
const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const SAMPLE = path.join(ROOT, "docs", "plan-sample");

/** Resource name -> object of every Kubernetes custom resource a run registers (charts aside). */
function registered(resources: Array<{ type: string; name: string; custom: boolean; inputs: Record<string, unknown>; readId?: string }>): Map<string, Record<string, unknown>> {
    return new Map(resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !/helm\.sh|yaml\/v2/.test(r.type) && r.readId === undefined).map((r) => [r.name, r.inputs]));
}

/** Key material and values only known at deployment, as the plan shows them. */
function masked(o: unknown): unknown {
    return JSON.parse(JSON.stringify(o, (k, v: unknown) => (typeof v === "string" && (/-----BEGIN|<unknown>|<certificate>|<ec private key>|<made at deployment>/.test(v) || k.endsWith(".pem") || k === "tls.crt" || k === "tls.key" || k === "ca.crt") ? "<pem>" : v)));
}

const liveEnvoyFilters: RunOptions = liveReads(liveFilters("gw", "gw-ns"));

describe("npm run plan: the platform's objects and charts without Pulumi", () => {
    const variants: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>]> = [
        ["every integration (Operator Kuadrant, chart authorizer)", { kuadrant: {}, gloo: { istioUpstreams: [{ serviceName: "web", serviceNamespace: "shop", port: 80 }] }, authz: { targets: [{ namespace: "shop", paths: ["/admin"] }] }, policies: [{ name: "p", args: { namespace: "shop", destinationRule: {} } }] }],
        ["Manual Kuadrant, EnvoyPlugin authorizer, a revision", { istio: { revision: "canary" }, kuadrant: { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "gw", namespace: "gw-ns" }] }, authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin } }],
        // kgateway (platformManifests' kgateway part): sidecar auto mTLS (GatewayParameters, a ReferenceGrant),
        // and ambient with an existing Gateway namespace (enrolled by a patch, its pods PERMISSIVE).
        ["kgateway with sidecars", { istio: { enroll: [{ namespace: "bookinfo" }] }, kgateway: { backends: [{ serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080, hostnames: ["shop.example.com"] }] } }],
        [
            "kgateway in ambient, its Gateway in an existing namespace",
            { istio: { dataPlaneMode: DataPlaneMode.Ambient, enroll: [{ namespace: "bookinfo" }] }, kgateway: { gateway: { namespace: "edge", createNamespace: false }, backends: [{ serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 }] } },
        ],
    ];
    assert.equal(variants.length, 4);
    for (const [label, args] of variants) {
        it(`${label}: the planned objects are exactly the registered ones (resource names and content; keys masked)`, async () => {
            const run = await runProgram(() => new MtlsPlatform("p", args), liveEnvoyFilters);
            const reg = registered(run.resources);
            const planned = platformManifests(planMtlsPlatform("p", args));
            assert.ok(planned.objects.length >= 8);
            assert.deepEqual(planned.objects.map((o) => o.resource).sort(), [...reg.keys()].sort());
            for (const o of planned.objects) {
                if (o.object.kind === "EnvoyFilter") {
                    continue; // the spec is read from the cluster at deployment (the plan says so)
                }
                assert.deepEqual(masked(o.object), masked(reg.get(o.resource)), o.resource);
            }
            const charts = run.resources.filter((r) => /helm\.sh/.test(r.type));
            assert.deepEqual(planned.charts.map((c) => c.resource).sort(), charts.map((c) => c.name).sort());
            for (const c of planned.charts) {
                const r = charts.find((x) => x.name === c.resource);
                assert.deepEqual(masked(c.install.values), masked(r?.inputs.values), c.resource);
            }
        });
    }

    it("the dev stack: the same objects as the main program registers", async () => {
        const run = await runProgram(() => loadProgram(path.join(ROOT, "index.ts")), { config: readStackConfig(DEV) });
        const planned = platformManifests(planMtlsPlatform("meshtls", readPlatformConfig(readStackConfig(DEV)).platform));
        assert.deepEqual(planned.objects.map((o) => o.resource).sort(), [...registered(run.resources).keys()].sort());
    });

    it("is byte-identical across runs and writes no key material", () => {
        const a = planFiles(fs.readFileSync(DEV, "utf8"));
        const b = planFiles(fs.readFileSync(DEV, "utf8"));
        assert.deepEqual(a, b);
        assert.deepEqual(Object.keys(a.files).sort(), ["charts.yaml", "diagram.mmd", "objects.yaml", "posture.md"]);
        for (const text of Object.values(a.files)) {
            assert.doesNotMatch(text, /BEGIN|PRIVATE KEY/);
        }
        assert.match(a.summary, /^objects: 16 \(/);
        assert.match(a.summary, /\nlinks: 11 \(8 mtls, 2 tls, 1 unknown\)/);
    });

    it("docs/plan-sample is the dev stack's plan today (run: npm run plan -- --out docs/plan-sample)", () => {
        const { files } = planFiles(fs.readFileSync(DEV, "utf8"));
        const committed = fs.readdirSync(SAMPLE).sort();
        assert.deepEqual(committed, Object.keys(files).sort());
        for (const [file, text] of Object.entries(files)) {
            assert.equal(fs.readFileSync(path.join(SAMPLE, file), "utf8"), text, `docs/plan-sample/${file} is stale: run npm run plan -- --out docs/plan-sample`);
        }
    });

    it("the command writes the files and prints the summary; bad input exits 2 naming the file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-plan-"));
        try {
            let out = "";
            let err = "";
            const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) };
            assert.equal(runCli(["plan", "--stack-file", DEV, "--out", dir], io), 0, err);
            assert.match(out, /objects: 16/);
            assert.equal(fs.readdirSync(dir).length, 4);
            const bad = path.join(dir, "Pulumi.bad.yaml");
            fs.writeFileSync(bad, "config:\n  meshtls:istio:\n    mtlsMode: SOMETIMES\n");
            out = "";
            assert.equal(runCli(["plan", "--stack-file", bad, "--out", dir], io), 2);
            assert.match(err, /Pulumi\.bad\.yaml: .*meshtls:istio/s);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
