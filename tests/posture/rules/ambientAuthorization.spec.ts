// The rule "a CUSTOM AuthorizationPolicy in ambient" (istio 1.30.3 pilot/pkg/serviceregistry/ambient/authorization.go,
// pilot/pkg/model/policyattachment.go, pilot/pkg/serviceregistry/ambient/waypoints.go) and the waypoint objects
// (istioctl/pkg/waypoint/waypoint.go), the Gateway checked against gateway-api v1.6.1's Gateway CRD when present.
import { strict as assert } from "node:assert";
import {
    AmbientAuthorizationFacts,
    customAuthorizationInAmbient,
    useWaypointLabels,
    waypointGatewayObject,
} from "../../../sdk/posture/rules/ambientAuthorization";
import { loadCrd, schemaErrors } from "../../schema";

const facts: AmbientAuthorizationFacts = {
    rootNamespace: "istio-system",
    gateways: [
        { namespace: "demo", name: "waypoint", gatewayClassName: "istio-waypoint" },
        { namespace: "demo", name: "wp-none", gatewayClassName: "istio-waypoint", waypointFor: "none" },
        { namespace: "demo", name: "wp-workload", gatewayClassName: "istio-waypoint", waypointFor: "workload" },
        { namespace: "demo", name: "ingress", gatewayClassName: "istio", podLabels: { "gateway.networking.k8s.io/gateway-name": "ingress", app: "ingress" } },
        { namespace: "demo", name: "other", gatewayClassName: "envoy-gateway" },
    ],
    services: [
        { namespace: "demo", name: "app", waypoint: { name: "waypoint", namespace: "demo" } },
        { namespace: "demo", name: "app-ingress", waypoint: { name: "waypoint", namespace: "demo" }, ingressUseWaypoint: true },
        { namespace: "demo", name: "plain" },
        { namespace: "demo", name: "to-none", waypoint: { name: "wp-none", namespace: "demo" } },
        { namespace: "demo", name: "to-workload", waypoint: { name: "wp-workload", namespace: "demo" } },
        { namespace: "demo", name: "missing-wp", waypoint: { name: "gone", namespace: "demo" } },
    ],
    sidecarPodLabels: [],
};

describe("posture rule: CUSTOM AuthorizationPolicy in ambient (istio 1.30.3)", () => {
    it("selector or namespace-wide on ambient workloads: ztunnel ignores it (not enforced, no deny-all)", () => {
        const r = customAuthorizationInAmbient({ namespace: "demo", selector: { app: "web" } }, facts);
        assert.equal(r.enforced, false);
        assert.equal(r.by, undefined);
        assert.match(r.reason, /ztunnel does not support the CUSTOM action/);
        assert.equal(customAuthorizationInAmbient({ namespace: "apps" }, facts).enforced, false);
        // Namespace-wide in a namespace with a class-istio gateway: that gateway's pods take it.
        assert.equal(customAuthorizationInAmbient({ namespace: "demo" }, facts).by, "gateway");
    });

    it("selector: enforced by a sidecar or a class-istio gateway pod it selects; unknown without pod facts", () => {
        const sidecar = customAuthorizationInAmbient({ namespace: "demo", selector: { app: "web" } }, { ...facts, sidecarPodLabels: [{ app: "web", version: "v1" }] });
        assert.equal(sidecar.enforced, true);
        assert.equal(sidecar.by, "sidecar");
        const gw = customAuthorizationInAmbient({ namespace: "demo", selector: { app: "ingress" } }, facts);
        assert.equal(gw.enforced, true);
        assert.equal(gw.by, "gateway");
        assert.equal(customAuthorizationInAmbient({ namespace: "demo", selector: { app: "web" } }, { gateways: facts.gateways }).enforced, "unknown");
    });

    it("targetRefs to a waypoint Gateway: enforced by the waypoint, with the ingress and pod-IP caveats", () => {
        const r = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "waypoint" }] }, facts);
        assert.equal(r.enforced, true);
        assert.equal(r.by, "waypoint");
        assert.equal(r.refs.length, 1);
        assert.equal(r.caveats.length, 2);
        assert.match(r.caveats[0] ?? "", /demo\/app without the waypoint/);
        assert.doesNotMatch(r.caveats[0] ?? "", /app-ingress/);
        assert.equal(customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "wp-none" }] }, facts).enforced, false);
        const wl = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "wp-workload" }] }, facts);
        assert.equal(wl.enforced, true);
        assert.equal(wl.caveats.length, 0);
    });

    it("targetRefs to an ingress Gateway (class istio): enforced by the gateway; another class or an unknown Gateway: unknown", () => {
        const r = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "ingress" }] }, facts);
        assert.equal(r.enforced, true);
        assert.equal(r.by, "gateway");
        assert.equal(customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "other" }] }, facts).enforced, "unknown");
        assert.equal(customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "nope" }] }, facts).enforced, "unknown");
    });

    it("targetRefs to a Service: enforced only through a waypoint that serves services", () => {
        const cases: Array<[string, boolean | "unknown"]> = [
            ["app", true],
            ["app-ingress", true],
            ["plain", false],
            ["to-none", false],
            ["to-workload", false],
            ["missing-wp", "unknown"],
            ["not-listed", "unknown"],
        ];
        assert.equal(cases.length, 7);
        for (const [name, enforced] of cases) {
            const r = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ group: "", kind: "Service", name }] }, facts);
            assert.equal(r.enforced, enforced, name);
        }
        const withIngress = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Service", name: "app-ingress" }] }, facts);
        assert.equal(withIngress.caveats.length, 1);
        assert.match(withIngress.caveats[0] ?? "", /pod IPs bypass/);
    });

    it("wrong group, cross-namespace refs, GatewayClass outside the root namespace and other kinds are not enforced", () => {
        const refs = [
            { group: "apps", kind: "Service", name: "app" },
            { kind: "Gateway", name: "waypoint", namespace: "elsewhere" },
            { kind: "GatewayClass", name: "istio-waypoint" },
            { kind: "Deployment", name: "app" },
        ];
        assert.equal(refs.length, 4);
        for (const ref of refs) {
            assert.equal(customAuthorizationInAmbient({ namespace: "demo", targetRefs: [ref] }, facts).enforced, false, JSON.stringify(ref));
        }
        const cls = customAuthorizationInAmbient({ namespace: "istio-system", targetRefs: [{ kind: "GatewayClass", name: "istio-waypoint" }] }, facts);
        assert.equal(cls.enforced, true);
        assert.equal(cls.by, "waypoint");
    });

    it("several refs: false if one fails, unknown if one is unknown, by undefined when proxies differ", () => {
        const mixed = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "waypoint" }, { kind: "Service", name: "plain" }] }, facts);
        assert.equal(mixed.enforced, false);
        assert.equal(mixed.refs.length, 2);
        assert.equal(mixed.refs[0]?.enforced, true);
        assert.equal(customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "waypoint" }, { kind: "Service", name: "x" }] }, facts).enforced, "unknown");
        const both = customAuthorizationInAmbient({ namespace: "demo", targetRefs: [{ kind: "Gateway", name: "waypoint" }, { kind: "Gateway", name: "ingress" }] }, facts);
        assert.equal(both.enforced, true);
        assert.equal(both.by, undefined);
    });
});

describe("waypoint objects (istioctl 1.30.3 waypoint generate)", () => {
    it("the Gateway: class istio-waypoint, listener mesh 15008 HBONE, optional waypoint-for and revision labels", () => {
        assert.deepEqual(waypointGatewayObject("waypoint", "demo"), {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: "waypoint", namespace: "demo" },
            spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
        });
        const labelled = waypointGatewayObject("wp", "demo", "service", "canary").metadata as { labels: Record<string, string> };
        assert.deepEqual(labelled.labels, { "istio.io/rev": "canary", "istio.io/waypoint-for": "service" });
    });

    it("use-waypoint labels: the namespace label only across namespaces", () => {
        assert.deepEqual(useWaypointLabels("waypoint"), { "istio.io/use-waypoint": "waypoint" });
        assert.deepEqual(useWaypointLabels("waypoint", "demo", "demo"), { "istio.io/use-waypoint": "waypoint" });
        assert.deepEqual(useWaypointLabels("waypoint", "shared", "demo"), { "istio.io/use-waypoint": "waypoint", "istio.io/use-waypoint-namespace": "shared" });
    });

    it("the Gateway validates against gateway-api v1.6.1's Gateway CRD (tests/fixtures/gateway-api), and a bad port does not", () => {
        loadCrd("gateway-api/Gateway.crd.yaml");
        const gw = waypointGatewayObject("waypoint", "demo", "all", "canary");
        assert.deepEqual(schemaErrors(gw as never), []);
        const bad = { ...gw, spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 0, protocol: "HBONE" }] } };
        assert.ok(schemaErrors(bad as never).length > 0);
    });
});
