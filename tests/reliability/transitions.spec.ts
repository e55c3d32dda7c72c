// Transitions a platform team walks through in pull requests: mTLS on and off (Kuadrant, Gloo) and
// each CA rotation phase. Each keeps its ordering guarantee, and moving between states only adds,
// changes or removes what the step is about (resource names are stable, so nothing is replaced).
import { strict as assert } from "node:assert";
import { GlooCertRotation, GlooMtls, KuadrantMtls, KuadrantMtlsMode, MtlsPlatform, MtlsPlatformArgs, RotationPhase } from "../../sdk";
import { ProgramResult, RunOptions, runProgram } from "../harness";


const names = (r: ProgramResult<unknown>) => new Set(r.resources.map((x) => `${x.type}::${x.name}`));
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

const liveEnvoyFilters: RunOptions = {
    newResource: (args) =>
        args.id
            ? {
                  id: args.id,
                  state: {
                      apiVersion: "networking.istio.io/v1alpha3",
                      kind: "EnvoyFilter",
                      metadata: { name: args.id.split("/")[1], namespace: args.id.split("/")[0] },
                      spec: { configPatches: [{ applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: args.id.includes("-auth-") ? "kuadrant-auth-service" : "kuadrant-ratelimit-service" } } }] },
                  },
              }
            : undefined,
};

describe("reliability: transitions (3 families: Kuadrant on/off, Gloo on/off, CA rotation phases)", () => {
    describe("Kuadrant mTLS on and off", () => {
        const manual = (enabled: boolean) => () => new KuadrantMtls("k", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", enabled, gateways: [{ name: "gw", namespace: "gw-ns" }] });

        it("Manual on: every client-TLS patch after every sidecar, STRICT after all of them", async () => {
            const r = await runProgram(manual(true), liveEnvoyFilters);
            const sidecars = r.ofType("kubernetes:apps/v1:DeploymentPatch");
            const tls = r.ofType("kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch");
            const strict = r.k8sResource("PeerAuthentication", "default", "kuadrant-system");
            assert.equal(sidecars.length, 2);
            assert.equal(tls.length, 2);
            for (const t of tls) {
                sidecars.forEach((s) => { assert.ok(r.dependsOn(t, s), `${t.name} after ${s.name}`); });
                assert.ok(r.dependsOn(strict, t), `STRICT after ${t.name}`);
            }
        });

        it("Manual off: PERMISSIVE first, client TLS removed after it; off and on are the same resources", async () => {
            const on = await runProgram(manual(true), liveEnvoyFilters);
            const off = await runProgram(manual(false), liveEnvoyFilters);
            const permissive = off.k8sResource("PeerAuthentication", "default", "kuadrant-system");
            assert.deepEqual((permissive.inputs.spec as { mtls: unknown }).mtls, { mode: "PERMISSIVE" });
            const tls = off.ofType("kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch");
            assert.equal(tls.length, 2);
            for (const t of tls) {
                assert.ok(off.dependsOn(t, permissive), `${t.name} after PERMISSIVE`);
            }
            assert.deepEqual(minus(names(on), names(off)), []);
            assert.deepEqual(minus(names(off), names(on)), []);
        });

        it("Operator on and off patch the same Kuadrant CR fields (an update)", async () => {
            const on = await runProgram(() => new KuadrantMtls("k", {}));
            const off = await runProgram(() => new KuadrantMtls("k", { enabled: false }));
            assert.deepEqual([...names(on)], [...names(off)]);
        });
    });

    describe("Gloo xDS mTLS on and off", () => {
        it("on: the chart waits for gloo-mtls-certs, so turning it off updates the chart before the secret goes", async () => {
            // The engine deletes in reverse dependency order: with the chart depending on the secret,
            // the chart's update (glooMtls off) lands before the secret is deleted.
            const platformOn = await runProgram(() => new MtlsPlatform("p", { istio: { enabled: false }, gloo: {} }));
            const chart = platformOn.get("kubernetes:helm.sh/v3:Release", "p-gloo-gloo");
            const secret = platformOn.k8sResource("Secret", "gloo-mtls-certs", "gloo-system");
            assert.ok(platformOn.dependsOn(chart, secret));
            const platformOff = await runProgram(() => new MtlsPlatform("p", { gloo: { xds: false } }));
            assert.deepEqual(platformOff.k8sObjects("Secret").filter((s) => s.metadata.name === "gloo-mtls-certs"), []);
            assert.ok(platformOff.resources.some((x) => x.name === "p-gloo-gloo"), "the chart stays: only its values change");
        });
    });

    it("Gloo CronJob rotation owns no secret, so the job's rotations never show as a diff", async () => {
        const r = await runProgram(() => new GlooMtls("g", { xds: { rotation: GlooCertRotation.CronJob }, istio: { istioVersion: "1.30.3" } }));
        assert.deepEqual(r.k8sObjects("Secret"), []);
    });

    describe("CA rotation phases through the platform", () => {
        /** The resources of one CA generation (root, intermediate, subject suffix), sorted like `minus`. */
        const caGeneration = (g: number) =>
            [
                `random:index/randomId:RandomId::p-ca-g${g}-id`,
                `tls:index/certRequest:CertRequest::p-ca-g${g}-intermediate-csr`,
                `tls:index/locallySignedCert:LocallySignedCert::p-ca-g${g}-intermediate`,
                `tls:index/privateKey:PrivateKey::p-ca-g${g}-intermediate-key`,
                `tls:index/privateKey:PrivateKey::p-ca-g${g}-root-key`,
                `tls:index/selfSignedCert:SelfSignedCert::p-ca-g${g}-root`,
            ].sort();
        const phase = (extra: Partial<MtlsPlatformArgs["ca"]>) => () => new MtlsPlatform("p", { ca: { intermediate: {}, ...extra }, gloo: {} });
        const phases: Array<[string, Partial<MtlsPlatformArgs["ca"]>]> = [
            ["Stable (gen 1)", {}],
            ["TrustNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew }],
            ["ServeNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew }],
            ["Stable (gen 2)", { generation: 2 }],
        ];

        assert.equal(phases.length, 4);
        for (const [label, ca] of phases) {
            it(`${label}: cacerts waits for every trusted root, istiod for cacerts, Gloo's chart for its secret`, async () => {
                const r = await runProgram(phase(ca));
                const cacerts = r.k8sResource("Secret", "cacerts", "istio-system");
                const roots = r.ofType("tls:index/selfSignedCert:SelfSignedCert");
                assert.equal(roots.length, ca?.previousGeneration ? 2 : 1);
                roots.forEach((root) => { assert.ok(r.dependsOn(cacerts, root), `cacerts after ${root.name}`); });
                assert.ok(r.dependsOn(r.get("kubernetes:helm.sh/v4:Chart", "p-istio-istiod"), cacerts));
                assert.ok(r.dependsOn(r.get("kubernetes:helm.sh/v3:Release", "p-gloo-gloo"), r.k8sResource("Secret", "gloo-mtls-certs", "gloo-system")));
            });
        }

        it("each step only adds (TrustNew), changes (ServeNew) or removes (Stable) CA resources", async () => {
            const states = [];
            for (const [, ca] of phases) {
                states.push(names(await runProgram(phase(ca))));
            }
            const [s1, trustNew, serveNew, s2] = states;
            assert.deepEqual(minus(s1, trustNew), [], "TrustNew removes nothing");
            assert.deepEqual(minus(trustNew, s1), caGeneration(2), "TrustNew adds generation 2's CA, nothing else");
            assert.deepEqual(minus(trustNew, serveNew), [], "ServeNew removes nothing");
            assert.deepEqual(minus(serveNew, trustNew), [], "ServeNew adds nothing");
            assert.deepEqual(minus(serveNew, s2), caGeneration(1), "Stable removes generation 1's CA, nothing else");
            assert.deepEqual(minus(s2, serveNew), [], "Stable adds nothing");
        });
    });
});
