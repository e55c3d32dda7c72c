// The model of Gloo's upstream discovery naming and ownership (solo-io/gloo v1.22.1:
// projects/gloo/pkg/plugins/kubernetes/uds_convert.go and uds.go, projects/gloo/pkg/discovery/discovery.go;
// solo-io/k8s-utils kubeutils SanitizeNameV2; solo-io/solo-kit pkg/api/v1/reconcile/reconciler.go), then
// what meshtls emits checked against it: discovery leaves every default-named Upstream GlooMtls emits
// alone. Before issue 15 the default name was discovery's own, so discovery overwrote it.
import { strict as assert } from "node:assert";
import { planGlooMtls } from "../../../sdk";
import { defaultUpstreamName } from "../../../sdk/gloo/defaults";
import { glooUpstream } from "../../../sdk/gloo/manifests";
import {
    GLOO_DISCOVERY_OWNER_LABEL,
    GLOO_KUBE_UDS_NAME,
    discoveredUpstreamName,
    discoveryOwnsUpstream,
    discoveryResyncAction,
    glooSanitizeNameV2,
} from "../../../sdk/posture/rules";

const owned = { [GLOO_DISCOVERY_OWNER_LABEL]: GLOO_KUBE_UDS_NAME };

describe("posture rule: Gloo discovery's Upstream names and ownership", () => {
    describe("the model", () => {
        it("names a Service port's Upstream <ns>-<svc>-<port>, sanitized", () => {
            assert.equal(discoveredUpstreamName({ namespace: "bookinfo", name: "productpage" }, 9080), "bookinfo-productpage-9080");
            assert.equal(glooSanitizeNameV2("A.b_c:d/e*f g[h]\"i'"), "a-b-c-d-e-f-ghi");
        });

        it("shortens a name over 63 bytes to the first 31, '-', and 31 hex digits of its md5", () => {
            const ns = "n".repeat(40);
            const name = discoveredUpstreamName({ namespace: ns, name: "s".repeat(30) }, 8080);
            assert.equal(name.length, 63);
            // md5 of the 76-byte name, computed independently (printf ... | md5sum).
            assert.equal(name, `${"n".repeat(31)}-${"9e106793d5e9a769c9f54bf4c3858056".slice(0, 31)}`);
            assert.equal(discoveredUpstreamName({ namespace: "a", name: "b" }, 1).length, 5);
        });

        it("owns only Upstreams labelled discovered_by=kubernetesplugin", () => {
            assert.equal(discoveryOwnsUpstream({ name: "x", namespace: "gloo-system", labels: owned }), true);
            assert.equal(discoveryOwnsUpstream({ name: "x", namespace: "gloo-system" }), false);
            assert.equal(discoveryOwnsUpstream({ name: "x", namespace: "gloo-system", labels: { [GLOO_DISCOVERY_OWNER_LABEL]: "consulplugin" } }), false);
            assert.equal(discoveryOwnsUpstream({ name: "x", namespace: "gloo-system", labels: { "app.kubernetes.io/managed-by": "pulumi" } }), false);
        });

        it("overwrites a same-named Upstream it does not own, updates or deletes its own, leaves the rest", () => {
            const services = [{ namespace: "bookinfo", name: "productpage", ports: [9080] }];
            const at = (name: string, namespace: string, labels?: Record<string, string>) => discoveryResyncAction({ name, namespace, labels }, services, "gloo-system");
            assert.equal(at("bookinfo-productpage-9080", "gloo-system"), "overwrite");
            assert.equal(at("bookinfo-productpage-9080", "gloo-system", owned), "update");
            assert.equal(at("bookinfo-productpage-9081", "gloo-system", owned), "delete");
            assert.equal(at("bookinfo-productpage-9081", "gloo-system"), "leave");
            assert.equal(at("bookinfo-productpage-9080", "edge"), "leave");
            assert.equal(at("bookinfo-productpage-9080-mtls", "gloo-system"), "leave");
        });
    });

    describe("what meshtls emits", () => {
        const upstreams = [
            { serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 },
            { serviceName: "a", serviceNamespace: "shop", port: 80 },
            { serviceName: "s".repeat(63), serviceNamespace: "n".repeat(63), port: 65535 },
        ];

        it("discovery leaves every default-named Upstream GlooMtls emits alone (fails with the old <ns>-<svc>-<port> default)", () => {
            const plan = planGlooMtls("gloo", { istio: { istioVersion: "1.30.3", upstreams } });
            const emitted = (plan.istio?.upstreams ?? []).map((u) => glooUpstream(plan, u));
            assert.equal(emitted.length, 3);
            // Discovery sees exactly the Services meshtls routes to, and writes into the Gloo namespace.
            const services = upstreams.map((u) => ({ namespace: u.serviceNamespace, name: u.serviceName, ports: [u.port] }));
            const actions = emitted.map((m) => discoveryResyncAction({ name: m.metadata.name, namespace: m.metadata.namespace }, services, plan.namespace));
            assert.deepEqual(actions, ["leave", "leave", "leave"]);
        });

        it("no Service port is discovered under a default name: it ends in a letter, discovered names in digits or hex", () => {
            assert.equal(upstreams.length, 3);
            for (const u of upstreams) {
                const n = defaultUpstreamName(u);
                assert.match(n, /[g-z]$/);
                assert.notEqual(n, discoveredUpstreamName({ namespace: u.serviceNamespace, name: u.serviceName }, u.port));
            }
            assert.match(discoveredUpstreamName({ namespace: "n".repeat(63), name: "s".repeat(63) }, 65535), /[0-9a-f]$/);
            assert.match(discoveredUpstreamName({ namespace: "shop", name: "a" }, 80), /[0-9]$/);
        });
    });
});
