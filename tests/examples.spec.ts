// Each example program under the harness: it runs, and produces the objects its README promises.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { loadProgram, runProgram, valueOf } from "./harness";
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
});
