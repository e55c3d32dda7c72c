// Each example program under the harness: it runs, and produces the objects its README promises.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import * as YAML from "yaml";
import { liveReads, RunOptions, loadProgram, resolve, runExpectingError, runProgram, valueOf } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds, schemaErrors } from "./schema";
import { OPERATOR_AUTHORINO, OPERATOR_LIMITADOR, postureStates } from "./posture/states";
import type { LinkPosture } from "../sdk/posture";
import { unknownValuesKeys } from "./schema";

loadIstioCrds();
loadCrd("gloo/Upstream.crd.yaml");
loadCrd("kyverno/ValidatingPolicy.crd.yaml");
for (const kind of ["GatewayClass", "Gateway", "HTTPRoute", "ReferenceGrant"]) {
    loadCrd(`gateway-api/${kind}.crd.yaml`);
}
loadCrd("kgateway/GatewayParameters.crd.yaml");

const example = (name: string) => () => loadProgram(path.join(__dirname, "..", "examples", name, "index.ts"));

describe("examples", () => {
    describe("istio-strict-mesh (seed 002)", () => {
        it("installs Istio with a PERMISSIVE mesh and makes bookinfo STRICT with the client DestinationRule", async () => {
            const result = await runProgram(example("istio-strict-mesh"));
            assert.deepEqual(result.ofType("kubernetes:helm.sh/v4:Chart").map((r) => r.name), ["mesh-base", "mesh-istiod"]);
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "istio-system").spec, { mtls: { mode: "PERMISSIVE" } });
            assert.deepEqual(result.k8sObject("Namespace", "bookinfo").metadata.labels, { "istio-injection": "enabled" });
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "bookinfo").spec, { mtls: { mode: "STRICT" } });
            assert.deepEqual(result.k8sObject("DestinationRule", "default", "bookinfo").spec, {
                host: "*.bookinfo.svc.cluster.local",
                trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } },
            });
            assert.deepEqual(result.k8sObject("PeerAuthentication", "productpage-legacy-port", "bookinfo").spec, {
                selector: { matchLabels: { app: "productpage" } },
                mtls: { mode: "STRICT" },
                portLevelMtls: { "9080": { mode: "PERMISSIVE" } },
            });
            const patches = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            assert.deepEqual(
                patches.map((p) => (p.inputs.metadata as { name: string }).name),
                ["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"],
            );
            for (const p of patches) {
                assert.deepEqual((p.inputs.spec as { template: unknown }).template, {
                    metadata: { labels: { "sidecar.istio.io/inject": "true" }, annotations: { "sidecar.istio.io/rewriteAppHTTPProbers": "true" } },
                });
            }
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 4);
            assert.deepEqual(await valueOf(result.value.clientHosts), ["*.bookinfo.svc.cluster.local"]);
        });

        it("orders the namespace policies after Istio and the patches after the application", async () => {
            const result = await runProgram(example("istio-strict-mesh"));
            const pa = result.k8sResource("PeerAuthentication", "default", "bookinfo");
            const istiod = result.get("kubernetes:helm.sh/v4:Chart", "mesh-istiod");
            assert.ok(pa.dependencies.includes(istiod.urn), "the namespace policy waits for istiod (and the CRDs)");
            const app = result.get("kubernetes:yaml/v2:ConfigGroup", "bookinfo-app");
            const patches = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            assert.equal(patches.length, 6, "one patch per bookinfo deployment");
            for (const p of patches) {
                assert.ok(p.dependencies.includes(app.urn), `${p.name} waits for the bookinfo deployments`);
            }
        });

        it("honours the namespace config", async () => {
            const result = await runProgram(example("istio-strict-mesh"), { project: "istio-strict-mesh", config: { "istio-strict-mesh:namespace": "shop" } });
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "shop").spec, { mtls: { mode: "STRICT" } });
        });
    });

    describe("kuadrant-mtls (seed 000)", () => {
        const live = (name: string, cluster: string): Record<string, unknown> => ({
            apiVersion: "networking.istio.io/v1alpha3",
            kind: "EnvoyFilter",
            metadata: { name, namespace: "gateway-system" },
            spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "external" }], configPatches: [{ applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: cluster, type: "STRICT_DNS" } } }] },
        });
        const liveCluster: Record<string, Record<string, unknown>> = {
            "gateway-system/kuadrant-auth-external": live("kuadrant-auth-external", "kuadrant-auth-service"),
            "gateway-system/kuadrant-ratelimiting-external": live("kuadrant-ratelimiting-external", "kuadrant-ratelimit-service"),
        };
        const run = (config: Record<string, string>): RunOptions => ({
            project: "kuadrant-mtls",
            config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`kuadrant-mtls:${k}`, v])),
            ...liveReads(liveCluster),
        });

        it("Operator mode (default): Istio PERMISSIVE and spec.mtls on the Kuadrant CR", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({}));
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "istio-system").spec, { mtls: { mode: "PERMISSIVE" } });
            assert.deepEqual(result.k8sObject("Kuadrant", "kuadrant", "kuadrant-system").spec, { mtls: { enable: true, authorino: true, limitador: true } });
            assert.deepEqual(postureStates((await valueOf(result.value.posture)) as Record<string, LinkPosture>), { [OPERATOR_AUTHORINO]: "mtls", [OPERATOR_LIMITADOR]: "mtls" });
        });

        it("Manual mode: sidecars, TLS in both EnvoyFilters, STRICT in kuadrant-system", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({ mode: "Manual", kuadrantVersion: "1.2.0" }));
            assert.equal(result.ofType("kubernetes:apps/v1:DeploymentPatch").length, 2);
            const filters = result.k8sObjects("EnvoyFilter");
            assert.deepEqual(filters.map((ef) => ef.metadata.name), ["kuadrant-auth-external", "kuadrant-ratelimiting-external"]);
            for (const ef of filters) {
                const value = (ef.spec as { configPatches: Array<{ patch: { value: { transport_socket?: { name: string } } } }> }).configPatches[0].patch.value;
                assert.equal(value.transport_socket?.name, "envoy.transport_sockets.tls");
            }
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "kuadrant-system").spec, { mtls: { mode: "STRICT" } });
            assert.deepEqual(result.k8sObjects("Kuadrant"), []);
        });

        it("Manual mode against the default Kuadrant (1.5.2) is refused: use Operator mode", async () => {
            const { error } = await runExpectingError(example("kuadrant-mtls"), run({ mode: "Manual" }));
            assert.match(error.message, /mode: got "Manual"; Manual mode only works with Kuadrant before 1\.3, and kuadrantVersion is "1\.5\.2" \(the default\).*use mode: Operator/);
        });

        it("Manual mode's EnvoyFilter patches are retained on delete (removal: enabled false, then delete)", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({ mode: "Manual", kuadrantVersion: "1.2.0", enabled: "false" }));
            const patches = result.ofType("kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch");
            assert.equal(patches.length, 2);
            for (const p of patches) {
                assert.equal(p.retainOnDelete, true, p.name);
            }
        });

        it("Manual mode disabled with removeSidecars: PERMISSIVE, no socket, inject false", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({ mode: "Manual", kuadrantVersion: "1.2.0", enabled: "false", removeSidecars: "true" }));
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "kuadrant-system").spec, { mtls: { mode: "PERMISSIVE" } });
            const filters = result.k8sObjects("EnvoyFilter");
            assert.deepEqual(filters.map((ef) => ef.metadata.name), ["kuadrant-auth-external", "kuadrant-ratelimiting-external"]);
            for (const ef of filters) {
                assert.equal(JSON.stringify(ef.spec).includes("transport_socket"), false);
            }
            const patches = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            assert.deepEqual(patches.map((p) => (p.inputs.metadata as { name: string }).name), ["authorino", "limitador-limitador"]);
            for (const p of patches) {
                assert.deepEqual((p.inputs.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels, { "sidecar.istio.io/inject": "false" });
            }
        });
    });

    describe("gloo-xds-mtls (seed 001)", () => {
        const run = (config: Record<string, string>): RunOptions => ({
            project: "gloo-xds-mtls",
            config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`gloo-xds-mtls:${k}`, v])),
        });

        it("installs gloo with glooMtls and a Pulumi-issued gloo-mtls-certs", async () => {
            const result = await runProgram(example("gloo-xds-mtls"), run({}));
            const release = result.get("kubernetes:helm.sh/v3:Release", "gloo-gloo");
            assert.deepEqual((release.inputs.values as { global: unknown }).global, { glooMtls: { enabled: true } });
            assert.equal(result.k8sObject("Secret", "gloo-mtls-certs", "gloo-system").type, "kubernetes.io/tls");
            assert.equal((await valueOf(result.value.trustedRoots) as string[]).length, 1);
        });

        it("walks the three-PR rotation by config", async () => {
            const bundle = async (config: Record<string, string>) => {
                const result = await runProgram(example("gloo-xds-mtls"), run(config));
                return { roots: (await valueOf(result.value.trustedRoots)) as string[], signing: await valueOf(result.value.signingGeneration), leaf: await valueOf(result.value.xdsCertFingerprint) };
            };
            const start = await bundle({});
            const trustNew = await bundle({ generation: "2", previousGeneration: "1", rotationPhase: "TrustNew" });
            const serveNew = await bundle({ generation: "2", previousGeneration: "1", rotationPhase: "ServeNew" });
            const stable = await bundle({ generation: "2", rotationPhase: "Stable" });
            assert.deepEqual([start.roots.length, trustNew.roots.length, serveNew.roots.length, stable.roots.length], [1, 2, 2, 1]);
            assert.deepEqual([trustNew.signing, serveNew.signing, stable.signing], [1, 2, 2]);
            assert.equal(trustNew.leaf, start.leaf, "TrustNew does not re-issue the served certificate");
            assert.notEqual(serveNew.leaf, trustNew.leaf, "ServeNew does");
            assert.deepEqual(stable.roots, [serveNew.roots[1]]);
        });
    });

    describe("gloo-istio-upstream (seed 004)", () => {
        it("Istio, an injected app namespace, Gloo with the Istio integration, an SDS upstream and STRICT", async () => {
            const result = await runProgram(example("gloo-istio-upstream"), { project: "gloo-istio-upstream" });
            assert.deepEqual(result.get("kubernetes:core/v1:NamespacePatch", "app-namespace-injection").inputs.metadata, {
                name: "default",
                labels: { "istio-injection": "enabled" },
                annotations: { "pulumi.com/patchForce": "true" },
            });
            const values = result.get("kubernetes:helm.sh/v3:Release", "gloo-gloo").inputs.values as { global: unknown };
            assert.deepEqual(values.global, { istioIntegration: { enabled: true, enableAutoMtls: false, disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.30.3" } } } });
            assert.deepEqual(result.k8sObject("Namespace", "gloo-system").metadata.labels, { "istio-injection": "disabled" });
            const upstream = result.k8sObject("Upstream", "default-productpage-9080-mtls", "gloo-system");
            assert.deepEqual((upstream.spec as { kube: unknown }).kube, { serviceName: "productpage", serviceNamespace: "default", servicePort: 9080 });
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "default").spec, { mtls: { mode: "STRICT" } });
            assert.equal(assertValidObjects(result.k8sObjects(), [...ISTIO_GROUPS, "gloo.solo.io"]), 3);
        });
    });

    describe("kyverno-extauthz (seed 003)", () => {
        const run = (flavor?: string): RunOptions => ({ project: "kyverno-extauthz", config: flavor ? { "kyverno-extauthz:flavor": flavor } : {} });

        for (const [flavor, provider, policyKind] of [
            [undefined, { name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } }, "ValidatingPolicy"],
            ["EnvoyPlugin", { name: "kyverno-ext-authz-grpc", envoyExtAuthzGrpc: { service: "ext-authz.demo.svc.cluster.local", port: 9000 } }, "ConfigMap"],
        ] as const) {
            it(`${flavor ?? "AuthzServer"}: provider registered in the mesh, the apps, policies, AuthorizationPolicy and the seed's mTLS layout`, async () => {
                const result = await runProgram(example("kyverno-extauthz"), run(flavor));
                const istiod = result.get("kubernetes:helm.sh/v4:Chart", "mesh-istiod").inputs.values as { meshConfig: { extensionProviders: unknown } };
                assert.deepEqual(istiod.meshConfig.extensionProviders, [provider]);
                assert.deepEqual(result.k8sObject("AuthorizationPolicy", provider.name, "demo").spec, {
                    action: "CUSTOM",
                    provider: { name: provider.name },
                    rules: [{ to: [{ operation: { paths: ["/book", "/movie"] } }] }],
                });
                for (const app of ["testapp-1", "testapp-2"]) {
                    assert.equal(result.k8sObject("Deployment", app, "demo").kind, "Deployment");
                    assert.deepEqual(result.k8sObject("PeerAuthentication", `mtls-${app}`, "demo").spec, {
                        selector: { matchLabels: { app } },
                        mtls: { mode: "STRICT" },
                        portLevelMtls: { "8080": { mode: "PERMISSIVE" } },
                    });
                }
                assert.deepEqual(result.k8sObject("PeerAuthentication", "mtls-demo", "demo").spec, { mtls: { mode: "STRICT" } });
                assert.equal(result.k8sObjects(policyKind).length, policyKind === "ValidatingPolicy" ? 2 : 1);
                assert.deepEqual(await valueOf(result.value.extensionProvider), provider);
                assertValidObjects(result.k8sObjects(), [...ISTIO_GROUPS, "policies.kyverno.io"]);
            });
        }

        it("the EnvoyPlugin flavor loads the seed's json policies verbatim", async () => {
            const result = await runProgram(example("kyverno-extauthz"), run("EnvoyPlugin"));
            const data = result.k8sObject("ConfigMap", "ext-authz-policies", "demo").data as Record<string, string>;
            assert.deepEqual(Object.keys(data), ["policy1.yaml", "policy2.yaml"]);
            assert.match(data["policy1.yaml"], /deny-external-calls-testapp-1/);
            assert.match(data["policy2.yaml"], /path: '\/movie'/);
        });
    });

    describe("ambient-mesh (issue 18)", () => {
        const CHART = "kubernetes:helm.sh/v4:Chart";
        const run = (config: Record<string, string> = {}): RunOptions => ({
            project: "ambient-mesh",
            config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`ambient-mesh:${k}`, v])),
        });
        const values = (result: Awaited<ReturnType<typeof runProgram>>, chart: string) => result.get(CHART, chart).inputs.values as Record<string, unknown>;

        it("installs base, istiod, cni and ztunnel in that order (ambient profile, one ztunnel name), cacerts before istiod, STRICT mesh-wide, no sidecar objects", async () => {
            const result = await runProgram(example("ambient-mesh"), run());
            const order = ["mesh-base", "mesh-istiod", "mesh-cni", "mesh-ztunnel"];
            assert.deepEqual(result.ofType(CHART).map((c) => c.name).sort(), [...order].sort());
            const charts = order.map((n) => result.get(CHART, n));
            assert.equal(charts.length, 4);
            for (let later = 1; later < charts.length; later++) {
                assert.ok(result.dependsOn(charts[later], charts[later - 1]), `${order[later]} waits for ${order[later - 1]}`);
                assert.ok(!result.dependsOn(charts[later - 1], charts[later]), `${order[later - 1]} does not wait for ${order[later]}`);
            }
            assert.ok(result.dependsOn(charts[1], result.k8sResource("Secret", "cacerts", "istio-system")), "istiod starts with the plug-in CA");
            const istiod = values(result, "mesh-istiod");
            assert.deepEqual([istiod.profile, values(result, "mesh-cni").profile], ["ambient", "ambient"]);
            assert.equal(values(result, "mesh-ztunnel").resourceName, istiod.trustedZtunnelName, "istiod trusts the ztunnel it installs");
            assert.equal(istiod.trustedZtunnelName, "ztunnel");
            // `profile` names the chart's files/profile-ambient.yaml (tests/fixtures/istio/ambient.profile.yaml), not a values.yaml key.
            assert.deepEqual(unknownValuesKeys(istiod, "istio/istiod.values.yaml", ["profile", "meshConfig", "env", "base.validationFailurePolicy"]), []);
            assert.deepEqual(unknownValuesKeys(values(result, "mesh-cni"), "istio/cni.values.yaml", ["profile"]), []);
            assert.deepEqual(unknownValuesKeys(values(result, "mesh-ztunnel"), "istio/ztunnel.values.yaml"), []);
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "istio-system").spec, { mtls: { mode: "STRICT" } });
            assert.deepEqual(result.ofType("kubernetes:apps/v1:DeploymentPatch"), [], "ambient has no sidecars to inject");
            assert.deepEqual(result.k8sObjects("DestinationRule"), [], "ztunnel originates HBONE mTLS itself");
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 1);
            assert.deepEqual(await valueOf(result.value.dataPlaneMode), "Ambient");
            assert.deepEqual(await valueOf(result.value.meshMode), "STRICT");
        });

        it("enrolls bookinfo by the ambient label alone, after the whole mesh and before the application", async () => {
            const result = await runProgram(example("ambient-mesh"), run());
            const ns = result.k8sObject("Namespace", "bookinfo");
            assert.deepEqual(ns.metadata.labels, { "istio.io/dataplane-mode": "ambient" });
            const nsResource = result.k8sResource("Namespace", "bookinfo");
            assert.equal(nsResource.parent, result.get("meshtls:index:NamespaceEnrollment", "bookinfo").urn);
            assert.ok(result.dependsOn(nsResource, result.get(CHART, "mesh-ztunnel")), "enrolled only once ztunnel is installed");
            assert.ok(result.dependsOn(result.get("kubernetes:yaml/v2:ConfigGroup", "bookinfo-app"), nsResource), "the application lands in an enrolled namespace");
            assert.deepEqual(await valueOf(result.value.enrollmentLabels), { "istio.io/dataplane-mode": "ambient" });
            assert.equal(await valueOf(result.value.enrolledNamespace), "bookinfo");
        });

        it("honours the namespace config", async () => {
            const result = await runProgram(example("ambient-mesh"), run({ namespace: "shop" }));
            assert.deepEqual(result.k8sObject("Namespace", "shop").metadata.labels, { "istio.io/dataplane-mode": "ambient" });
        });

        it("walks the plug-in CA rotation by config: root-cert.pem holds every trusted root at each step; the dwell time is exported", async () => {
            const step = async (config: Record<string, string>) => {
                const result = await runProgram(example("ambient-mesh"), run(config));
                const rootCert = (result.k8sObject("Secret", "cacerts", "istio-system").stringData as Record<string, string>)["root-cert.pem"];
                return {
                    pemRoots: (rootCert.match(/BEGIN CERTIFICATE/g) ?? []).length,
                    trusted: (await valueOf(result.value.trustedRoots)) as string[],
                    inRootCert: (await valueOf(result.value.rootCertFingerprints)) as string[],
                    signing: await valueOf(result.value.signingGeneration),
                    dwell: await valueOf(result.value.rotationDwellSeconds),
                };
            };
            const steps = [
                await step({}),
                await step({ generation: "2", previousGeneration: "1", rotationPhase: "TrustNew" }),
                await step({ generation: "2", previousGeneration: "1", rotationPhase: "ServeNew" }),
                await step({ generation: "2", rotationPhase: "Stable" }),
            ];
            assert.deepEqual(steps.map((s) => s.pemRoots), [1, 2, 2, 1]);
            assert.deepEqual(steps.map((s) => s.signing), [1, 1, 2, 2]);
            assert.equal(steps.length, 4);
            for (const s of steps) {
                assert.equal(s.trusted.length, s.pemRoots);
                assert.deepEqual(s.inRootCert, s.trusted, "root-cert.pem holds exactly the roots the CA trusts");
                assert.equal(s.dwell, 46800, "13 h between steps (ztunnel refreshes at half its 24 h certificate, plus 1 h)");
            }
        });
    });

    describe("multi-cluster (issue 20)", () => {
        const CHART = "kubernetes:helm.sh/v4:Chart";
        const S1 = { generation: 1, rotationPhase: "Stable" };
        const T2 = { generation: 2, previousGeneration: 1, rotationPhase: "TrustNew" };
        const N2 = { generation: 2, previousGeneration: 1, rotationPhase: "ServeNew" };
        const phase = (state: { generation: number; previousGeneration?: number; rotationPhase: string }): Record<string, string> =>
            Object.fromEntries(Object.entries(state).map(([k, v]) => [k, String(v)]));
        /** Runs `project` with `config`; each StackReference, by its resource name, answers with `references[name]` (else none). */
        const run = (project: string, config: Record<string, unknown> = {}, references: Record<string, Record<string, unknown>> = {}): RunOptions => ({
            project,
            config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
            newResource: (args) => (args.type === "pulumi:pulumi:StackReference" ? { id: args.name, state: { name: args.name, outputs: references[args.name] ?? {}, secretOutputNames: [] } } : undefined),
        });
        const SELF = "multi-cluster-previous-outputs";
        const sub = (dir: string) => () => loadProgram(path.join(__dirname, "..", "examples", "multi-cluster", dir, "index.ts"));
        type Result = Awaited<ReturnType<typeof runProgram>>;
        /** Each cluster's cacerts (by cluster, from its provider's name), with its secret paths. */
        const cacertsOf = (result: Result, provider: (cluster: string) => RegExp, clusters: string[]) => {
            const secrets = result.ofType("kubernetes:core/v1:Secret").filter((r) => (r.inputs.metadata as { name?: string } | undefined)?.name === "cacerts");
            assert.equal(secrets.length, clusters.length);
            return Object.fromEntries(
                clusters.map((c) => {
                    const found = secrets.filter((s) => provider(c).test(s.provider ?? ""));
                    assert.equal(found.length, 1, `one cacerts through ${c}'s provider`);
                    return [c, { data: found[0].inputs.stringData as Record<string, string>, secretPaths: found[0].secretPaths }];
                }),
            );
        };
        const roots = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
        const fleetProvider = (c: string) => new RegExp(`::fleet-${c}::`);

        it("one program: two providers rendering to rendered/east and rendered/west, two meshes with their own trust domain and a shared mesh ID, each cacerts from its own intermediate under one root, secret", async () => {
            const result = await runProgram(example("multi-cluster"), run("multi-cluster"));
            const providers = result.ofType("pulumi:providers:kubernetes");
            assert.deepEqual(providers.map((r) => [r.name, r.inputs.renderYamlToDirectory]).sort(), [
                ["fleet-east", "rendered/east"],
                ["fleet-west", "rendered/west"],
            ]);
            assert.equal(result.ofType("meshtls:index:IstioMesh").length, 2);
            const cacerts = cacertsOf(result, fleetProvider, ["east", "west"]);
            assert.match(new X509Certificate(cacerts.east.data["ca-cert.pem"]).subject, /CN=east intermediate g1 /);
            assert.match(new X509Certificate(cacerts.west.data["ca-cert.pem"]).subject, /CN=west intermediate g1 /);
            assert.equal(roots(cacerts.east.data["root-cert.pem"]).length, 1);
            assert.equal(cacerts.east.data["root-cert.pem"], cacerts.west.data["root-cert.pem"], "one root trusted by both clusters");
            for (const c of ["east", "west"]) {
                assert.ok(cacerts[c].secretPaths.includes("stringData"), `${c}: the intermediate's key stays secret`);
                assert.ok(new X509Certificate(cacerts[c].data["ca-cert.pem"]).verify(new X509Certificate(cacerts[c].data["root-cert.pem"]).publicKey), `${c}: its intermediate chains to the root`);
            }
            const istiod = (c: string) => result.get(CHART, `fleet-${c}-istio-istiod`).inputs.values as { meshConfig: Record<string, unknown>; global: { meshID: string; multiCluster: { clusterName: string } } };
            assert.deepEqual([istiod("east").meshConfig.trustDomain, istiod("east").meshConfig.trustDomainAliases], ["east.example", ["west.example"]]);
            assert.deepEqual([istiod("west").meshConfig.trustDomain, istiod("west").meshConfig.trustDomainAliases], ["west.example", ["east.example"]]);
            assert.deepEqual([istiod("east").global.meshID, istiod("west").global.meshID], ["fleet", "fleet"]);
            assert.deepEqual([istiod("east").global.multiCluster.clusterName, istiod("west").global.multiCluster.clusterName], ["east", "west"]);
            assert.deepEqual(Object.keys((await valueOf(result.value.certificates)) as Record<string, unknown>).sort(), ["ca-root", "east/ca", "west/ca"]);
            assert.equal(((await valueOf(result.value.trustBundleFingerprints)) as string[]).length, 1);
            assert.deepEqual(await valueOf(result.value.rotationState), S1);
        });

        it("one program, TrustNew by config: both roots in both clusters, still signed by generation 1; ServeNew straight from Stable is refused by the guard", async () => {
            const result = await runProgram(example("multi-cluster"), run("multi-cluster", phase(T2), { [SELF]: { rotationState: S1 } }));
            const cacerts = cacertsOf(result, fleetProvider, ["east", "west"]);
            for (const c of ["east", "west"]) {
                assert.equal(roots(cacerts[c].data["root-cert.pem"]).length, 2, `${c} trusts both roots`);
                assert.match(new X509Certificate(cacerts[c].data["ca-cert.pem"]).subject, new RegExp(`CN=${c} intermediate g1 `));
            }
            assert.equal(cacerts.east.data["root-cert.pem"], cacerts.west.data["root-cert.pem"]);
            assert.equal(((await valueOf(result.value.trustBundleFingerprints)) as string[]).length, 2);
            assert.deepEqual(await valueOf(result.value.rotationState), T2);
            const { error } = await runExpectingError(example("multi-cluster"), run("multi-cluster", phase(N2), { [SELF]: { rotationState: S1 } }));
            assert.match(error.message, /the step from previousRotationState \(generation: 1, rotationPhase: Stable\) breaks trust.*take this step first: generation: 2, previousGeneration: 1, rotationPhase: TrustNew/);
        });

        describe("stack per cluster: ca-stack and cluster-stack, the other side's outputs mocked", () => {
            const CLUSTER_STACKS = { east: "org/multi-cluster-cluster/east", west: "org/multi-cluster-cluster/west" };
            /** The CA stack at `state`: its own previous state and each cluster stack's (undefined: none exported yet). */
            const caOptions = (state: typeof S1, previous?: typeof S1, clusters: Record<string, typeof S1> = {}): RunOptions =>
                run("multi-cluster-ca", { clusterStacks: CLUSTER_STACKS, ...phase(state) }, {
                    ...(previous ? { self: { rotationState: previous } } : {}),
                    ...Object.fromEntries(Object.entries(clusters).map(([c, st]) => [`cluster-${c}`, { rotationState: st }])),
                });
            const caRun = (state: typeof S1, previous?: typeof S1, clusters?: Record<string, typeof S1>) => runProgram(sub("ca-stack"), caOptions(state, previous, clusters));
            const clusterRun = (cluster: string, state: typeof S1, material: unknown, previous?: typeof S1): RunOptions =>
                run("multi-cluster-cluster", { caStack: "org/multi-cluster-ca/fleet", cluster, ...phase(state) }, { "fleet-ca": { material }, ...(previous ? { self: { rotationState: previous } } : {}) });

            let trustNewMaterial: unknown;
            before(async () => {
                // The CA stack at TrustNew, every cluster stack (and the CA itself) at Stable g1 before it.
                const ca = await caRun(T2, S1, { east: S1, west: S1 });
                trustNewMaterial = await valueOf(ca.value.material);
            });

            it("ca-stack: exports the material (secret) and its rotation state; no Kubernetes objects", async () => {
                const ca = await caRun(S1);
                assert.deepEqual(Object.keys(ca.value), ["material", "rotationState", "trustBundleFingerprints"]);
                assert.equal((await resolve(ca.value.material)).secret, true);
                assert.deepEqual(await valueOf(ca.value.rotationState), S1);
                assert.deepEqual(ca.resources.filter((r) => r.type.startsWith("kubernetes:")), []);
                const m = (await valueOf(ca.value.material)) as { trustDomains: Record<string, string> };
                assert.deepEqual(m.trustDomains, { east: "east.example", west: "west.example" });
            });

            it("ca-stack: ServeNew is refused while a cluster stack still reports Stable g1 (clusterRotationStates)", async () => {
                const { error } = await runExpectingError(sub("ca-stack"), caOptions(N2, T2, { east: T2, west: S1 }));
                assert.match(error.message, /cluster west is at generation: 1, rotationPhase: Stable \(clusterRotationStates\.west\).*deploy that cluster's stack first/);
                assert.doesNotMatch(error.message, /clusterRotationStates\.east/, "east already trusts generation 2");
                const ok = await caRun(N2, T2, { east: T2, west: T2 });
                assert.deepEqual(await valueOf(ok.value.rotationState), N2);
            });

            it("cluster-stack at TrustNew, from the CA stack's material: its own intermediate (generation 1 signs), both roots, the other cluster's trust domain as alias, secret", async () => {
                const result = await runProgram(sub("cluster-stack"), clusterRun("west", T2, trustNewMaterial, S1));
                assert.deepEqual(result.resources.filter((r) => r.type.startsWith("tls:")), [], "no CA of its own");
                const cacerts = cacertsOf(result, () => /(?:)/, ["west"]).west;
                assert.match(new X509Certificate(cacerts.data["ca-cert.pem"]).subject, /CN=west intermediate g1 /);
                assert.equal(roots(cacerts.data["root-cert.pem"]).length, 2);
                assert.ok(cacerts.secretPaths.includes("stringData"));
                const istiod = result.get(CHART, "west-istio-istiod").inputs.values as { meshConfig: Record<string, unknown>; global: { meshID: string } };
                assert.deepEqual([istiod.meshConfig.trustDomain, istiod.meshConfig.trustDomainAliases, istiod.global.meshID], ["west.example", ["east.example"], "fleet"]);
                assert.deepEqual(await valueOf(result.value.rotationState), T2);
            });

            it("cluster-stack at TrustNew before the CA stack has taken it (CA Stable g1) is refused, naming fleetIssuer.material", async () => {
                const stable = await valueOf((await caRun(S1)).value.material);
                const { error } = await runExpectingError(sub("cluster-stack"), clusterRun("east", T2, stable, S1));
                assert.match(error.message, /fleetIssuer\.material: .*the fleet CA holds no generation 2/);
                const ok = await runProgram(sub("cluster-stack"), clusterRun("east", S1, stable, S1));
                assert.deepEqual(await valueOf(ok.value.rotationState), S1, "the same material serves the cluster at the CA's own phase");
            });

            it("cluster-stack ahead of the CA stack (ServeNew while the CA is at TrustNew) is refused, naming fleetIssuer.material", async () => {
                const { error, resources } = await runExpectingError(sub("cluster-stack"), clusterRun("west", N2, trustNewMaterial, T2));
                assert.match(error.message, /fleetIssuer\.material: .*ahead of the fleet CA/);
                assert.deepEqual(resources.filter((r) => r.type === "kubernetes:core/v1:Secret"), [], "no cacerts written");
            });
        });
    });

    describe("kgateway-mesh (issue 19)", () => {
        const CHART = "kubernetes:helm.sh/v4:Chart";
        const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
        // Gateway API v1.6.1 standard CRDs (tests/fixtures/gateway-api), kgateway v2.4.3 GatewayParameters
        // (tests/fixtures/kgateway), Istio 1.30.3 PeerAuthentication (tests/fixtures/istio).
        const GROUPS = [...ISTIO_GROUPS, "gateway.networking.k8s.io", "gateway.kgateway.dev"];
        // Free maps in kgateway v2.4.3 values.yaml: `controller.extraEnv: {}` (env name -> value, templates/
        // deployment.yaml) and `gatewayClassParametersRefs: {}` (class name -> {name, namespace}, its comment).
        const FREE_MAPS = ["controller.extraEnv", "gatewayClassParametersRefs"];
        const run = (config: Record<string, string> = {}): RunOptions => ({
            project: "kgateway-mesh",
            config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`kgateway-mesh:${k}`, v])),
        });
        const kgatewayValues = (result: Awaited<ReturnType<typeof runProgram>>) => result.get(CHART, "kgateway-kgateway").inputs.values as Record<string, unknown>;
        const modes = [
            ["Sidecar", ["mesh-base", "mesh-istiod"]],
            ["Ambient", ["mesh-base", "mesh-istiod", "mesh-cni", "mesh-ztunnel"]],
        ] as const;
        assert.equal(modes.length, 2);

        for (const [mode, istioCharts] of modes) {
            it(`${mode}: the Istio charts, then Gateway API CRDs (ConfigGroup) -> kgateway-crds -> kgateway, each waiting for the one before`, async () => {
                const result = await runProgram(example("kgateway-mesh"), run(mode === "Sidecar" ? {} : { dataPlaneMode: mode }));
                assert.deepEqual(result.ofType(CHART).map((c) => c.name).sort(), [...istioCharts, "kgateway-crds", "kgateway-kgateway"].sort());
                const crds = result.get(CONFIG_GROUP, "kgateway-gateway-api-crds");
                assert.deepEqual(crds.inputs.files, ["https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml"]);
                // Deleting the Gateway API CRDs would delete every Gateway API object: a CRD-retaining transform on both.
                assert.equal(crds.transforms, 1, "the Gateway API CRDs are retained on delete");
                assert.equal(result.get(CHART, "kgateway-crds").transforms, 1, "kgateway's CRDs are retained on delete");
                assert.equal(result.get(CHART, "kgateway-kgateway").transforms, 0);
                const order = [crds, result.get(CHART, "kgateway-crds"), result.get(CHART, "kgateway-kgateway")];
                assert.equal(order.length, 3);
                for (let later = 1; later < order.length; later++) {
                    assert.ok(result.dependsOn(order[later], order[later - 1]), `${order[later].name} waits for ${order[later - 1].name}`);
                    assert.ok(!result.dependsOn(order[later - 1], order[later]), `${order[later - 1].name} does not wait for ${order[later].name}`);
                }
                assert.equal(istioCharts.length, mode === "Sidecar" ? 2 : 4);
                for (const chart of istioCharts) {
                    assert.ok(result.dependsOn(order[0], result.get(CHART, chart)), `the kgateway install waits for ${chart}`);
                }
                for (const [chart, version] of [["kgateway-crds", "v2.4.3"], ["kgateway-kgateway", "v2.4.3"]] as const) {
                    assert.equal(result.get(CHART, chart).inputs.version, version);
                }
                assert.equal(result.get(CHART, "kgateway-kgateway").inputs.chart, "oci://cr.kgateway.dev/kgateway-dev/charts/kgateway");
                assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "istio-system").spec, { mtls: { mode: "STRICT" } });
                assert.equal(await valueOf(result.value.dataPlaneMode), mode);
            });

            it(`${mode}: one HTTPRoute on the Gateway to productpage.bookinfo:9080, a ReferenceGrant in bookinfo, every object valid against its CRD`, async () => {
                const result = await runProgram(example("kgateway-mesh"), run({ dataPlaneMode: mode }));
                assert.deepEqual(result.k8sObject("Gateway", "mesh-ingress", "kgateway-system").spec, {
                    gatewayClassName: "kgateway",
                    listeners: [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } }],
                });
                assert.deepEqual(result.k8sObjects("HTTPRoute").map((r) => `${r.metadata.namespace}/${r.metadata.name}`), ["kgateway-system/bookinfo-productpage-9080"]);
                assert.deepEqual(result.k8sObject("HTTPRoute", "bookinfo-productpage-9080").spec, {
                    parentRefs: [{ name: "mesh-ingress", namespace: "kgateway-system" }],
                    rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "productpage", namespace: "bookinfo", port: 9080 }] }],
                });
                const grant = result.k8sObject("ReferenceGrant", "kgateway-routes", "bookinfo");
                assert.equal(grant.apiVersion, "gateway.networking.k8s.io/v1beta1");
                assert.deepEqual(grant.spec, {
                    from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "kgateway-system" }],
                    to: [{ group: "", kind: "Service", name: "productpage" }],
                });
                assert.equal(result.k8sObjects("ReferenceGrant").length, 1);
                assert.ok(result.dependsOn(result.k8sResource("ReferenceGrant", "kgateway-routes", "bookinfo"), result.k8sResource("Namespace", "bookinfo")), "the grant lands in an existing bookinfo namespace");
                assert.ok(result.dependsOn(result.get(CONFIG_GROUP, "bookinfo-app"), result.k8sResource("Namespace", "bookinfo")), "the application lands in an enrolled namespace");
                // PeerAuthentications (mesh + ambient gateway), Gateway, HTTPRoute, ReferenceGrant, GatewayParameters (sidecar).
                assert.equal(assertValidObjects(result.k8sObjects(), GROUPS), 5);
                assert.deepEqual(await valueOf(result.value.gateway), "kgateway-system/mesh-ingress");
                assert.deepEqual(await valueOf(result.value.routeNames), ["bookinfo-productpage-9080"]);
            });
        }

        it("Sidecar: bookinfo injected, the gateway namespace not; auto mTLS in the controller env; GatewayParameters point the gateway's istio-proxy at this mesh", async () => {
            const result = await runProgram(example("kgateway-mesh"), run());
            assert.deepEqual(result.k8sObject("Namespace", "bookinfo").metadata.labels, { "istio-injection": "enabled" });
            // kgateway-dev/kgateway#14493: the injector and auto mTLS both own a container named istio-proxy.
            assert.equal(result.k8sObject("Namespace", "kgateway-system").metadata.labels, undefined);
            const values = kgatewayValues(result);
            assert.deepEqual(values, {
                controller: { extraEnv: { KGW_ENABLE_ISTIO_AUTO_MTLS: "true" } },
                gatewayClassParametersRefs: { kgateway: { name: "kgateway-mesh", namespace: "kgateway-system" } },
            });
            // tests/fixtures/kgateway/kgateway.values.yaml (v2.4.3).
            assert.deepEqual(unknownValuesKeys(values, "kgateway/kgateway.values.yaml", FREE_MAPS), []);
            const parameters = result.k8sObject("GatewayParameters", "kgateway-mesh", "kgateway-system");
            assert.deepEqual(parameters.spec, {
                kube: {
                    istio: {
                        istioProxyContainer: {
                            image: { registry: "docker.io/istio", repository: "proxyv2", tag: "1.30.3" },
                            istioDiscoveryAddress: "istiod.istio-system.svc:15012",
                            istioMetaMeshId: "cluster.local",
                            istioMetaClusterId: "Kubernetes",
                        },
                    },
                },
            });
            // The validator is closed: a misspelled field would be pruned by the API server, and is caught here.
            assert.deepEqual(schemaErrors(parameters), []);
            const misspelled = { ...parameters, spec: { kube: { istio: { istioProxyContainer: { istioDiscoveryAdress: "istiod.istio-system.svc:15012" } } } } };
            assert.deepEqual(schemaErrors(misspelled), ["/spec/kube/istio/istioProxyContainer must NOT have additional properties: istioDiscoveryAdress"]);
            assert.deepEqual(result.k8sObjects("PeerAuthentication").map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ["istio-system/default"]);
            assert.deepEqual(YAML.parse((await valueOf(result.value.helmValues)) as string), values);
        });

        it("Ambient: bookinfo and the gateway namespace enrolled, the Istio integration in the controller env, the gateway pods PERMISSIVE, no GatewayParameters", async () => {
            const result = await runProgram(example("kgateway-mesh"), run({ dataPlaneMode: "Ambient" }));
            assert.deepEqual(result.k8sObject("Namespace", "bookinfo").metadata.labels, { "istio.io/dataplane-mode": "ambient" });
            assert.deepEqual(result.k8sObject("Namespace", "kgateway-system").metadata.labels, { "istio.io/dataplane-mode": "ambient" });
            const values = kgatewayValues(result);
            assert.deepEqual(values, { controller: { extraEnv: { KGW_ENABLE_ISTIO_INTEGRATION: "true" } } });
            // tests/fixtures/kgateway/kgateway.values.yaml (v2.4.3).
            assert.deepEqual(unknownValuesKeys(values, "kgateway/kgateway.values.yaml", FREE_MAPS), []);
            assert.deepEqual(result.k8sObjects("GatewayParameters"), [], "no istio-proxy in ambient gateway pods: ztunnel carries the mTLS");
            // Clients outside the mesh reach the enrolled gateway in plain text; everything else stays STRICT.
            assert.deepEqual(result.k8sObject("PeerAuthentication", "mesh-ingress-ingress", "kgateway-system").spec, {
                selector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "mesh-ingress" } },
                mtls: { mode: "PERMISSIVE" },
            });
            assert.deepEqual(result.k8sObjects("PeerAuthentication").length, 2);
        });

        it("the values check reports a key the kgateway values file does not have (so it can fail)", () => {
            assert.deepEqual(unknownValuesKeys({ controller: { extraEnvs: { KGW_ENABLE_ISTIO_AUTO_MTLS: "true" } }, gatewayClassParametersRef: {} }, "kgateway/kgateway.values.yaml", FREE_MAPS), [
                "controller.extraEnvs",
                "gatewayClassParametersRef",
            ]);
        });

        it("honours the namespace config: the route, the grant and the enrollment follow it", async () => {
            const result = await runProgram(example("kgateway-mesh"), run({ namespace: "shop" }));
            assert.deepEqual(result.k8sObject("Namespace", "shop").metadata.labels, { "istio-injection": "enabled" });
            assert.deepEqual((result.k8sObject("ReferenceGrant", "kgateway-routes", "shop").spec as { to: unknown }).to, [{ group: "", kind: "Service", name: "productpage" }]);
            assert.deepEqual((result.k8sObject("HTTPRoute", "shop-productpage-9080", "kgateway-system").spec as { rules: Array<{ backendRefs: unknown }> }).rules[0].backendRefs, [{ name: "productpage", namespace: "shop", port: 9080 }]);
            assert.deepEqual(await valueOf(result.value.routeNames), ["shop-productpage-9080"]);
        });

        it("Sidecar with a revision: bookinfo injected by the revision, the gateway's istio-proxy pointed at istiod-<revision>", async () => {
            const result = await runProgram(example("kgateway-mesh"), run({ revision: "canary" }));
            assert.deepEqual(result.k8sObject("Namespace", "bookinfo").metadata.labels, { "istio.io/rev": "canary" });
            const proxy = (result.k8sObject("GatewayParameters", "kgateway-mesh", "kgateway-system").spec as { kube: { istio: { istioProxyContainer: Record<string, unknown> } } }).kube.istio.istioProxyContainer;
            assert.equal(proxy.istioDiscoveryAddress, "istiod-canary.istio-system.svc:15012");
            assert.equal(result.k8sObject("Namespace", "kgateway-system").metadata.labels, undefined, "the gateway namespace carries no injection label either");
        });

        it("refuses a data plane mode that is not Sidecar or Ambient, registering nothing of kgateway", async () => {
            const { error, resources } = await runExpectingError(example("kgateway-mesh"), run({ dataPlaneMode: "ambient" }));
            assert.match(error.message, /dataPlaneMode: got "ambient"/);
            assert.deepEqual(resources.filter((r) => r.name.startsWith("kgateway")).map((r) => r.name), []);
        });
    });
});
