import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { HelmMode, MtlsPlatform, RotationPhase, planMtlsPlatform, readPlatformConfig } from "../sdk";
import { ProgramResult, loadProgram, runProgram, valueOf, readStackConfig, registrationView } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds } from "./schema";
import { postureStates } from "./posture/states";
import type { LinkPosture } from "../sdk/posture";

loadIstioCrds();
loadCrd("gloo/Upstream.crd.yaml");
loadCrd("kuadrant/Kuadrant.crd.yaml");

const ROOT = path.join(__dirname, "..");

/** Stack config from a stack file at the repository root. */
const stackConfig = (file: string, overrides: Record<string, unknown> = {}) => readStackConfig(path.join(ROOT, file), overrides);

const main = () => loadProgram(path.join(ROOT, "index.ts"));
const PROVIDER = "pulumi:providers:kubernetes";

function componentTypes(result: ProgramResult<unknown>): string[] {
    return [...new Set(result.resources.filter((r) => r.type.startsWith("meshtls:")).map((r) => r.type))].sort();
}

describe("platform: the root program with Pulumi.dev.yaml", () => {
    it("renders every manifest to ./rendered through one provider, with Istio and every integration", async () => {
        const result = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        const provider = result.get(PROVIDER, "k8s");
        assert.equal(provider.inputs.renderYamlToDirectory, "rendered");
        assert.deepEqual(componentTypes(result), [
            "meshtls:index:Certificate",
            "meshtls:index:CertificateAuthority",
            "meshtls:index:GlooMtls",
            "meshtls:index:IstioMesh",
            "meshtls:index:KuadrantMtls",
            "meshtls:index:KyvernoAuthz",
            "meshtls:index:MtlsPlatform",
            "meshtls:index:MtlsPolicy",
        ]);
        const k8sResources = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sResources.length > 10);
        for (const r of k8sResources) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.type} ${r.name} uses the render provider`);
        }
        // Render mode: every chart is a helm.v4.Chart (a Release cannot be rendered).
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v3:Release"), []);
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v4:Chart").map((r) => r.name).sort(), ["meshtls-authz-server", "meshtls-gloo-gloo", "meshtls-istio-base", "meshtls-istio-gateway", "meshtls-istio-istiod"]);
        assertValidObjects(result.k8sObjects(), [...ISTIO_GROUPS, "gloo.solo.io", "kuadrant.io"]);
    });

    it("exports a certificate entry per managed certificate, with real fingerprints", async () => {
        const result = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        const certs = (await valueOf(result.value.certificates)) as Record<string, { fingerprintSha256: string; notAfter: string; serialNumber: string }>;
        assert.deepEqual(Object.keys(certs).sort(), ["ca", "ca-root", "gloo-xds", "kyverno-webhook"]);
        const gloo = result.k8sObject("Secret", "gloo-mtls-certs", "gloo-system").stringData as Record<string, string>;
        assert.equal(certs["gloo-xds"].fingerprintSha256, new X509Certificate(gloo["tls.crt"]).fingerprint256);
        const cacerts = result.k8sObject("Secret", "cacerts", "istio-system").stringData as Record<string, string>;
        assert.equal(certs.ca.fingerprintSha256, new X509Certificate(cacerts["ca-cert.pem"]).fingerprint256);
        assert.equal(certs["ca-root"].fingerprintSha256, new X509Certificate(cacerts["root-cert.pem"]).fingerprint256);
        for (const c of Object.values(certs)) {
            assert.match(c.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
            assert.match(c.notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
            assert.match(c.serialNumber, /^[0-9A-F]+$/);
        }
    });

    it("certificate entries carry notBefore and the issuer's name, read from the real certificates", async () => {
        const result = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        const certs = (await valueOf(result.value.certificates)) as Record<string, { notBefore: string; notAfter: string; issuer: string }>;
        const cacerts = result.k8sObject("Secret", "cacerts", "istio-system").stringData as Record<string, string>;
        const intermediate = new X509Certificate(cacerts["ca-cert.pem"]);
        const root = new X509Certificate(cacerts["root-cert.pem"]);
        const cn = (name: string) => /^CN=(.*)$/m.exec(name)?.[1];
        const iso = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");
        assert.ok(cn(root.subject) !== undefined && cn(root.subject) !== cn(intermediate.subject));
        assert.deepEqual(certs["ca-root"].issuer, cn(root.subject), "a root names itself");
        assert.equal(certs["ca-root"].notBefore, iso(root.validFrom));
        assert.equal(certs.ca.issuer, cn(root.subject));
        assert.equal(certs.ca.notBefore, iso(intermediate.validFrom));
        // The platform CA's intermediate signs Gloo's xDS and the kyverno webhook certificates.
        const gloo = new X509Certificate((result.k8sObject("Secret", "gloo-mtls-certs", "gloo-system").stringData as Record<string, string>)["tls.crt"]);
        assert.equal(cn(gloo.issuer), cn(intermediate.subject));
        assert.equal(certs["gloo-xds"].issuer, cn(gloo.issuer));
        assert.equal(certs["kyverno-webhook"].issuer, cn(intermediate.subject));
        assert.equal(certs["gloo-xds"].notBefore, iso(gloo.validFrom));
        const webhook = certs["kyverno-webhook"];
        assert.match(webhook.notBefore, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.ok(Date.parse(webhook.notBefore) < Date.parse(webhook.notAfter));
    });

    it("exports the posture the engine computes from the platform's plan (the expected links: tests/posture/declared.spec.ts)", async () => {
        const result = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        const exported = (await valueOf(result.value.posture)) as Record<string, LinkPosture>;
        const planned = planMtlsPlatform("meshtls", readPlatformConfig(stackConfig("Pulumi.dev.yaml")).platform).posture;
        assert.ok(Object.keys(planned).length >= 10, Object.keys(planned).join(", "));
        assert.deepEqual(exported, planned);
    });

    it("two runs give identical outputs and resources (nothing depends on the clock)", async () => {
        const a = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        const b = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml") });
        for (const key of ["certificates", "posture", "trustBundleFingerprints", "target"]) {
            assert.deepEqual(await valueOf(b.value[key]), await valueOf(a.value[key]), key);
        }
        assert.deepEqual(registrationView(b), registrationView(a));
    });

    it("target cluster: a provider for the kubeconfig context and no render directory", async () => {
        const result = await runProgram(main, { config: stackConfig("Pulumi.dev.yaml", { "meshtls:target": "cluster", "meshtls:kubeconfigContext": "prod" }) });
        const provider = result.get(PROVIDER, "k8s");
        assert.equal(provider.inputs.renderYamlToDirectory, undefined);
        assert.equal(provider.inputs.context, "prod");
        // Gloo and the authz server install as Releases again (hooks run).
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.name).sort(), ["meshtls-authz-server", "meshtls-gloo-gloo"]);
    });

    it("the platform CA's rotation phases reach istiod's cacerts and Gloo's secret", async () => {
        const result = await runProgram(main, {
            config: stackConfig("Pulumi.dev.yaml", { "meshtls:ca": { intermediate: {}, generation: 2, previousGeneration: 1, rotationPhase: "TrustNew" } }),
        });
        const roots = (bundle: string) => bundle.match(/BEGIN CERTIFICATE/g)?.length;
        assert.equal(roots((result.k8sObject("Secret", "cacerts").stringData as Record<string, string>)["root-cert.pem"]), 2);
        assert.equal(roots((result.k8sObject("Secret", "gloo-mtls-certs").stringData as Record<string, string>)["ca.crt"]), 2);
        assert.equal(((await valueOf(result.value.trustBundleFingerprints)) as string[]).length, 2);
    });
});

describe("platform: stack config errors name the key", () => {
    const dev = () => stackConfig("Pulumi.dev.yaml");
    const cases: Array<[string, Record<string, string>, RegExp]> = [
        ["an unknown top-level key", { "meshtls:istoi": "{}" }, /meshtls:istoi: unknown key; accepted: target, renderDirectory/],
        ["an unknown nested key", { "meshtls:istio": JSON.stringify({ versoin: "1.30.3" }) }, /meshtls:istio\.versoin: unknown key; accepted: enabled, version,/],
        ["a wrong type", { "meshtls:istio": JSON.stringify({ cni: "yes" }) }, /meshtls:istio\.cni: got "yes"; expected boolean/],
        ["a bad enum value", { "meshtls:target": "local" }, /meshtls:target: got "local"; expected one of "render", "cluster"/],
        ["a bad nested enum value", { "meshtls:ca": JSON.stringify({ rotationPhase: "Rolling" }) }, /meshtls:ca\.rotationPhase: got "Rolling"; expected one of "Stable", "TrustNew", "ServeNew"/],
        ["a wrong type in a list", { "meshtls:gloo": JSON.stringify({ istioUpstreams: [{ serviceName: "p", serviceNamespace: "b", port: "http" }] }) }, /meshtls:gloo\.istioUpstreams\[0\]\.port: got "http"; expected integer/],
        ["a missing required key", { "meshtls:policies": JSON.stringify([{ name: "x" }]) }, /meshtls:policies\[0\]: missing required key args/],
        ["plain text where structure is expected", { "meshtls:ca": "my-ca" }, /meshtls:ca: got "my-ca"; expected structured config/],
        ["a Release in render mode", { "meshtls:gloo": JSON.stringify({ helmMode: "Release" }) }, /meshtls:gloo\.helmMode: got "Release"; with meshtls:target render every chart is rendered with helm\.v4\.Chart/],
        ["Manual Kuadrant in render mode", { "meshtls:kuadrant": JSON.stringify({ mode: "Manual", gateways: [{ name: "g", namespace: "n" }] }) }, /meshtls:kuadrant\.mode: got "Manual"; Manual mode reads the operator's live EnvoyFilters, which needs a cluster/],
        ["CronJob rotation in render mode", { "meshtls:gloo": JSON.stringify({ xdsRotation: "CronJob" }) }, /meshtls:gloo\.xdsRotation: got "CronJob"; the chart's first certificate comes from a Helm hook/],
        ["a kubeconfig context in render mode", { "meshtls:kubeconfigContext": "prod" }, /meshtls:kubeconfigContext: got "prod"; it only applies with meshtls:target cluster/],
    ];
    for (const [what, overrides, message] of cases) {
        it(what, () => {
            assert.throws(() => readPlatformConfig({ ...dev(), ...overrides }), (err: Error) => {
                assert.match(err.message, /^invalid stack config:/);
                assert.match(err.message, message);
                return true;
            });
        });
    }

    it("reports every problem at once, and ignores other namespaces' keys", () => {
        assert.throws(
            () => readPlatformConfig({ "meshtls:target": "local", "meshtls:istoi": "{}", "kubernetes:context": "x" }),
            (err: Error) => err.message.split("\n  - ").length === 3,
        );
        assert.deepEqual(readPlatformConfig({ "aws:region": "eu-west-1" }).target, "render");
    });

    it("the program fails on bad config before registering anything", async () => {
        const { runExpectingError } = await import("./harness");
        const { error, resources } = await runExpectingError(main, { config: { "meshtls:target": "local" } });
        assert.match(error.message, /meshtls:target: got "local"/);
        assert.deepEqual(resources, []);
    });
});

describe("platform: MtlsPlatform", () => {
    it("registers the authorizer's provider in the mesh and checks it there", async () => {
        const result = await runProgram(() => new MtlsPlatform("p", { authz: {} }));
        const istiod = result.get("kubernetes:helm.sh/v4:Chart", "p-istio-istiod").inputs.values as { meshConfig: { extensionProviders: unknown } };
        assert.deepEqual(istiod.meshConfig.extensionProviders, [{ name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } }]);
        // "Checks it there": the authorizer is handed the mesh's provider list, so it can refuse to
        // name a provider the mesh lacks (KyvernoAuthz's meshExtensionProviders check).
        const authz = result.get("meshtls:index:KyvernoAuthz", "p-authz");
        assert.deepEqual(authz.inputs.meshExtensionProviders, istiod.meshConfig.extensionProviders);
    });

    it("without Istio: no mesh, and Gloo runs xDS mTLS only", async () => {
        const result = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: {} }));
        assert.deepEqual(result.ofType("meshtls:index:IstioMesh"), []);
        const values = result.get("kubernetes:helm.sh/v3:Release", "p-gloo-gloo").inputs.values as { global: unknown };
        assert.deepEqual(values.global, { glooMtls: { enabled: true } });
        // Without a mesh, the only link is Gloo's xDS (mutual: sdk/posture/rules/glooXds.ts).
        assert.deepEqual(postureStates((await valueOf(result.value.posture)) as Record<string, LinkPosture>), { "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "mtls" });
    });

    it("points Gloo's istio-proxy at a revisioned istiod", async () => {
        const result = await runProgram(() => new MtlsPlatform("p", { istio: { revision: "canary" }, gloo: { xds: false } }));
        const values = result.get("kubernetes:helm.sh/v3:Release", "p-gloo-gloo").inputs.values as { gatewayProxies: unknown };
        assert.deepEqual(values.gatewayProxies, { gatewayProxy: { istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012" } });
    });

    it("rejects contradictions with the key named", async () => {
        const { assertRejected } = await import("./harness");
        await assertRejected(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: { istioIntegration: true } }), "meshtls:index:MtlsPlatform", "p", /gloo\.istioIntegration: got true; it needs the platform's Istio/);
        await assertRejected(() => new MtlsPlatform("p", { policies: [{ name: "a", args: {} }, { name: "a", args: {} }] }), "meshtls:index:MtlsPlatform", "p", /policies\[1\]\.name: got "a"; policy names must be unique/);
    });

    it("rotation phase Stable with an intermediate: one root trusted", async () => {
        const result = await runProgram(() => new MtlsPlatform("p", { ca: { intermediate: {}, rotationPhase: RotationPhase.Stable } }));
        assert.equal((await valueOf(result.value.trustBundleFingerprints)).length, 1);
    });
});

describe("platform: npm run up", () => {
    it("keeps its state in the checkout and runs up on the dev stack (the CLI's resolution and failure: tests/up.spec.ts)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.match(pkg.scripts.up, /PULUMI_BACKEND_URL="file:\/\/\$PWD\/\.pulumi-state"/);
        assert.match(pkg.scripts.up, /"\$P" up --stack dev --yes --non-interactive/);
        assert.match(pkg.scripts.up, /https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\//);
    });

    it("usePlatformCa: false leaves istiod on its own CA; extra providers and the platform helmMode are passed on", async () => {
        const extra = { name: "opa", envoyExtAuthzHttp: { service: "opa.opa.svc.cluster.local", port: 8181 } };
        const result = await runProgram(() => new MtlsPlatform("p", { helmMode: HelmMode.Release, istio: { usePlatformCa: false, extraExtensionProviders: [extra] }, authz: {} }));
        assert.deepEqual(result.k8sObjects("Secret").filter((s) => s.metadata.name === "cacerts"), []);
        const istiod = result.get("kubernetes:helm.sh/v3:Release", "p-istio-istiod").inputs.values as { meshConfig: { extensionProviders: Array<{ name: string }> } };
        assert.deepEqual(istiod.meshConfig.extensionProviders.map((p) => p.name), ["kyverno-authz-server", "opa"]);
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v4:Chart"), [], "the platform helmMode reaches every chart");
    });
});
