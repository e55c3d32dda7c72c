// Each example program under the harness: it runs, and produces the objects its README promises.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { RunOptions, loadProgram, runProgram, valueOf } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds } from "./schema";

loadIstioCrds();

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
            for (const p of result.ofType("kubernetes:apps/v1:DeploymentPatch")) {
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
            newResource: (args) => (args.id && args.id in liveCluster ? { id: args.id, state: liveCluster[args.id] } : undefined),
        });

        it("Operator mode (default): Istio PERMISSIVE and spec.mtls on the Kuadrant CR", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({}));
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "istio-system").spec, { mtls: { mode: "PERMISSIVE" } });
            assert.deepEqual(result.k8sObject("Kuadrant", "kuadrant", "kuadrant-system").spec, { mtls: { enable: true, authorino: true, limitador: true } });
            assert.deepEqual(await valueOf(result.value.posture), { "gateway->authorino": "STRICT", "gateway->limitador": "STRICT" });
        });

        it("Manual mode: sidecars, TLS in both EnvoyFilters, STRICT in kuadrant-system", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({ mode: "Manual" }));
            assert.equal(result.ofType("kubernetes:apps/v1:DeploymentPatch").length, 2);
            for (const ef of result.k8sObjects("EnvoyFilter")) {
                const value = (ef.spec as { configPatches: Array<{ patch: { value: { transport_socket?: { name: string } } } }> }).configPatches[0].patch.value;
                assert.equal(value.transport_socket?.name, "envoy.transport_sockets.tls");
            }
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "kuadrant-system").spec, { mtls: { mode: "STRICT" } });
            assert.deepEqual(result.k8sObjects("Kuadrant"), []);
        });

        it("Manual mode disabled with removeSidecars: PERMISSIVE, no socket, inject false", async () => {
            const result = await runProgram(example("kuadrant-mtls"), run({ mode: "Manual", enabled: "false", removeSidecars: "true" }));
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "kuadrant-system").spec, { mtls: { mode: "PERMISSIVE" } });
            for (const ef of result.k8sObjects("EnvoyFilter")) {
                assert.equal(JSON.stringify(ef.spec).includes("transport_socket"), false);
            }
            for (const p of result.ofType("kubernetes:apps/v1:DeploymentPatch")) {
                assert.match(JSON.stringify(p.inputs.spec), /"sidecar.istio.io\/inject":"false"/);
            }
        });
    });
});
