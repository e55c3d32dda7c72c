// The posture engine over small hand-written object sets. Each expectation is written from the upstream
// rules (cited in sdk/posture/rules/ and the engine's header), not from the engine's output.
import { strict as assert } from "node:assert";
import { DEFAULT_MESH_FACTS, KubeObject, MeshFacts, PostureInput, computePosture } from "../../sdk/posture";
import { deployment, dr, kuadrantAuthEnvoyFilter, ns, onlyLink, pa, service } from "./objects";

const MESH: MeshFacts = { ...DEFAULT_MESH_FACTS };

const injectedNs = (name: string) => ns(name, { "istio-injection": "enabled" });

/** One app Service `shop/web:80` -> Deployment web (port 8080), plus `extra`. */
function shop(extra: KubeObject[], opts: { injected?: boolean; mesh?: MeshFacts } = {}): PostureInput {
    return {
        objects: [(opts.injected ?? true) ? injectedNs("shop") : ns("shop"), deployment("shop", "web", { app: "web" }), service("shop", "web", { app: "web" }), ...extra],
        mesh: opts.mesh ?? MESH,
    };
}

const only = onlyLink;

const WEB = "mesh -> shop/web:80";

describe("posture engine: mesh service links", () => {
    it("injected server, STRICT, auto-mTLS: mtls, decided by the namespace's PeerAuthentication", () => {
        const l = only(shop([pa("shop", "default", "STRICT")]), WEB);
        assert.equal(l.state, "mtls");
        assert.ok(l.decidedBy.includes("PeerAuthentication shop/default"), l.decidedBy.join(","));
        assert.ok(l.decidedBy.includes("Namespace shop"));
    });

    it("injected server with no PeerAuthentication: PERMISSIVE by default, auto-mTLS still sends Istio mTLS: mtls", () => {
        assert.equal(only(shop([]), WEB).state, "mtls");
    });

    it("non-injected server under STRICT with the ISTIO_MUTUAL DestinationRule: refused, never plaintext", () => {
        const l = only(shop([pa("shop", "default", "STRICT"), dr("shop", "web-mtls", "*.shop.svc.cluster.local", "ISTIO_MUTUAL")], { injected: false }), WEB);
        assert.equal(l.state, "refused");
        assert.ok(l.decidedBy.includes("DestinationRule shop/web-mtls"));
    });

    it("non-injected server under STRICT without a DestinationRule: auto-mTLS sends plain text to an endpoint without a sidecar (cluster_tls.go transport-socket match)", () => {
        assert.equal(only(shop([pa("shop", "default", "STRICT")], { injected: false }), WEB).state, "plaintext");
    });

    it("DestinationRule DISABLE to a STRICT server: refused; to a PERMISSIVE server: plaintext", () => {
        assert.equal(only(shop([pa("shop", "default", "STRICT"), dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]), WEB).state, "refused");
        assert.equal(only(shop([pa("shop", "default", "PERMISSIVE"), dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]), WEB).state, "plaintext");
    });

    it("namespace DISABLE turns auto-mTLS off (BestEffortInferServiceMTLSMode): plaintext", () => {
        assert.equal(only(shop([pa("shop", "default", "DISABLE")]), WEB).state, "plaintext");
    });

    it("SIMPLE TLS (no Istio ALPN, no mesh certificate): PERMISSIVE HTTP port has no chain for it (refused); PERMISSIVE TCP port passes it to the app (unknown); STRICT: refused", () => {
        const simple = dr("shop", "s", "web.shop.svc.cluster.local", "SIMPLE");
        assert.equal(only(shop([pa("shop", "default", "PERMISSIVE"), simple]), WEB).state, "refused");
        const tcp = shop([pa("shop", "default", "PERMISSIVE"), simple]);
        tcp.objects = tcp.objects.map((o) => (o.kind === "Service" ? service("shop", "web", { app: "web" }, 80, 8080, "tcp-web") : o));
        const l = only(tcp, WEB);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /whether it terminates TLS is not declared/);
        assert.equal(only(shop([pa("shop", "default", "STRICT"), simple]), WEB).state, "refused");
    });

    it("two namespace-wide PeerAuthentications: the newer is ignored; without creation times: unknown", () => {
        const older = pa("shop", "a-strict", "STRICT", { created: "2026-01-01T00:00:00Z" });
        const newer = pa("shop", "b-disable", "DISABLE", { created: "2026-02-01T00:00:00Z" });
        const l = only(shop([older, newer, dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]), WEB);
        assert.equal(l.state, "refused", "the older STRICT decides, so DISABLE from the client is refused");
        assert.ok(l.decidedBy.includes("PeerAuthentication shop/a-strict") && !l.decidedBy.includes("PeerAuthentication shop/b-disable"));
        const undated = only(shop([pa("shop", "a", "STRICT"), pa("shop", "b", "DISABLE")]), WEB);
        assert.equal(undated.state, "unknown");
        assert.match(undated.reason, /creation order/);
    });

    it("a workload policy with a port-level DISABLE on the target port (8080) overrides a namespace STRICT", () => {
        const policy = pa("shop", "web", "STRICT", { selector: { app: "web" }, portLevelMtls: { 8080: { mode: "DISABLE" } } });
        const l = only(shop([pa("shop", "default", "STRICT"), policy, dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]), WEB);
        assert.equal(l.state, "plaintext");
    });

    it("a revisioned mesh does not inject a namespace labelled istio-injection: the server has no sidecar", () => {
        const mesh = { ...MESH, revision: "1-30" };
        assert.equal(only(shop([pa("shop", "default", "STRICT"), dr("shop", "m", "*.shop.svc.cluster.local", "ISTIO_MUTUAL")], { mesh }), WEB).state, "refused");
        const revNs: PostureInput = { ...shop([pa("shop", "default", "STRICT")], { mesh }), objects: [ns("shop", { "istio.io/rev": "1-30" }), deployment("shop", "web", { app: "web" }), service("shop", "web", { app: "web" }), pa("shop", "default", "STRICT")] };
        assert.equal(only(revNs, WEB).state, "mtls");
    });

    it("unknown, never a guess: namespace not among the objects, no selected workload, a Sidecar in the namespace, ambient mode", () => {
        const noNs: PostureInput = { objects: [deployment("shop", "web", { app: "web" }), service("shop", "web", { app: "web" })], mesh: MESH };
        assert.equal(only(noNs, WEB).state, "unknown");
        const noWl: PostureInput = { objects: [injectedNs("shop"), service("shop", "web", { app: "web" })], mesh: MESH };
        assert.match(only(noWl, WEB).reason, /selects no workload/);
        const sidecar: KubeObject = { apiVersion: "networking.istio.io/v1", kind: "Sidecar", metadata: { name: "s", namespace: "shop" }, spec: {} };
        const l = only(shop([pa("shop", "default", "STRICT"), sidecar]), WEB);
        assert.equal(l.state, "unknown");
        assert.ok(l.decidedBy.includes("Sidecar shop/s"));
    });

    it("named targetPort resolves through the container port name", () => {
        const input = shop([pa("shop", "default", "STRICT", {}), pa("shop", "web", "STRICT", { selector: { app: "web" }, portLevelMtls: { 8080: { mode: "DISABLE" } } }), dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]);
        input.objects = input.objects.map((o) => (o.kind === "Service" ? service("shop", "web", { app: "web" }, 80, "http") : o));
        assert.equal(only(input, WEB).state, "plaintext");
    });

    it("kinds it does not model are counted, not silently dropped", () => {
        const r = computePosture(shop([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" } }]));
        assert.deepEqual(r.ignored, { "v1 ConfigMap": 1 });
    });
});

describe("posture engine: integration links", () => {
    const authorino = (nsLabels: Record<string, string>, podInject: string): KubeObject[] => [
        ns("kuadrant-system", nsLabels),
        deployment("kuadrant-system", "authorino", { "authorino-resource": "authorino", "sidecar.istio.io/inject": podInject }, 50051),
        service("kuadrant-system", "authorino-authorino-authorization", { "authorino-resource": "authorino" }, 50051, 50051, "grpc"),
    ];
    const envoyFilter = (alpn: string[] | undefined): KubeObject => kuadrantAuthEnvoyFilter("gw-ns", alpn);
    const ID = "gateway gw-ns/gw -> kuadrant-system/authorino-authorino-authorization:50051";

    it("Kuadrant with ALPN istio to a PERMISSIVE Authorino: mtls; without ALPN (the seed's order): refused", () => {
        const base = authorino({}, "true");
        assert.equal(only({ objects: [...base, pa("kuadrant-system", "default", "PERMISSIVE"), envoyFilter(["istio"])], mesh: MESH }, ID).state, "mtls");
        const l = only({ objects: [...base, pa("kuadrant-system", "default", "PERMISSIVE"), envoyFilter([])], mesh: MESH }, ID);
        assert.equal(l.state, "refused");
        assert.ok(l.decidedBy.includes("EnvoyFilter gw-ns/kuadrant-auth-gw"));
    });

    it("Kuadrant without ALPN to a STRICT Authorino: mtls (STRICT takes any TLS with a mesh certificate); no transport socket to STRICT: refused", () => {
        const base = authorino({}, "true");
        assert.equal(only({ objects: [...base, pa("kuadrant-system", "default", "STRICT"), envoyFilter([])], mesh: MESH }, ID).state, "mtls");
        assert.equal(only({ objects: [...base, pa("kuadrant-system", "default", "STRICT"), envoyFilter(undefined)], mesh: MESH }, ID).state, "refused");
    });

    it("an EnvoyFilter that is not Kuadrant's makes the namespace's links unknown", () => {
        const foreign: KubeObject = { apiVersion: "networking.istio.io/v1alpha3", kind: "EnvoyFilter", metadata: { name: "x", namespace: "istio-system" }, spec: { configPatches: [{ applyTo: "LISTENER" }] } };
        const l = only(shop([pa("shop", "default", "STRICT"), foreign]), WEB);
        assert.equal(l.state, "unknown");
        assert.ok(l.decidedBy.includes("EnvoyFilter istio-system/x"), "a root-namespace EnvoyFilter reaches every namespace");
    });

    it("ext_authz provider: the outbound cluster of its service; a missing service is unknown", () => {
        const mesh = { ...MESH, extensionProviders: [{ name: "kyverno", service: "web.shop.svc.cluster.local", port: 80 }] };
        assert.equal(only(shop([pa("shop", "default", "STRICT")], { mesh }), "mesh -> ext_authz kyverno (web.shop.svc.cluster.local:80)").state, "mtls");
        const gone = { ...MESH, extensionProviders: [{ name: "x", service: "nope.shop.svc.cluster.local", port: 80 }] };
        assert.equal(only(shop([], { mesh: gone }), "mesh -> ext_authz x (nope.shop.svc.cluster.local:80)").state, "unknown");
    });

    it("Gloo Upstream with the Istio SDS sslConfig and ALPN istio: mtls under PERMISSIVE; without sslConfig: unknown to an injected endpoint (Gloo's Settings decide), plain text to one without a sidecar", () => {
        const up = (ssl: boolean): KubeObject => ({
            apiVersion: "gloo.solo.io/v1",
            kind: "Upstream",
            metadata: { name: "shop-web-80", namespace: "gloo-system" },
            spec: { kube: { serviceName: "web", serviceNamespace: "shop", servicePort: 80 }, ...(ssl ? { sslConfig: { alpnProtocols: ["istio"], sds: { certificatesSecretName: "istio_server_cert" } } } : {}) },
        });
        const ID2 = "gateway-proxy gloo-system -> shop/web:80";
        assert.equal(only(shop([up(true)]), ID2).state, "mtls");
        const l = only(shop([up(false)]), ID2);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /enableAutoMtls/);
        assert.equal(only(shop([up(false)], { injected: false }), ID2).state, "plaintext");
    });

    it("declared control-plane links: Gloo xDS with glooMtls is mtls (the chart's gateway-proxy presents gloo-mtls-certs, which gloo verifies), without it plaintext; istiod xDS is tls (JWT, no client certificate)", () => {
        const r = computePosture({ objects: [], declaredLinks: [{ kind: "gloo-xds", namespace: "gloo-system", glooMtls: true, source: "chart gloo" }, { kind: "istiod-xds", namespace: "istio-system", source: "chart istiod" }] });
        assert.equal(r.links.length, 2);
        assert.deepEqual(r.links.map((l) => [l.id, l.state]), [
            ["gateway-proxy gloo-system -> gloo gloo-system (xDS)", "mtls"],
            ["mesh -> istiod istio-system (xDS)", "tls"],
        ]);
        const off = computePosture({ objects: [], declaredLinks: [{ kind: "gloo-xds", namespace: "gloo-system", glooMtls: false, source: "chart gloo" }] });
        assert.equal(off.links[0].state, "plaintext");
    });

    it("API server -> webhook through a sidecar: port PERMISSIVE passes its TLS through (tls); STRICT refuses it (no mesh certificate); a caBundle that does not verify: refused", () => {
        const objs = (portMode: string): KubeObject[] => [
            injectedNs("kyverno"),
            deployment("kyverno", "webhook", { component: "validation-webhook" }, 9443),
            service("kyverno", "webhook", { component: "validation-webhook" }, 9443, 9443, "webhook"),
            pa("kyverno", "default", "STRICT"),
            pa("kyverno", "webhook", "STRICT", { selector: { component: "validation-webhook" }, portLevelMtls: { 9443: { mode: portMode } } }),
        ];
        const hook = (caBundleFromIssuer: boolean) => ({ kind: "webhook" as const, name: "webhook", service: "kyverno/webhook:9443", caBundleFromIssuer, source: "chart" });
        const ID3 = "kube-apiserver -> webhook (kyverno/webhook:9443)";
        assert.equal(only({ objects: objs("PERMISSIVE"), mesh: MESH, declaredLinks: [hook(true)] }, ID3).state, "tls");
        assert.equal(only({ objects: objs("STRICT"), mesh: MESH, declaredLinks: [hook(true)] }, ID3).state, "refused");
        assert.equal(only({ objects: objs("PERMISSIVE"), mesh: MESH, declaredLinks: [hook(false)] }, ID3).state, "refused");
    });
});

describe("posture engine: what the independent review found (each against Istio 1.30.3)", () => {
    const withTemplate = (meta: { labels?: Record<string, string>; annotations?: Record<string, string> }): KubeObject => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
        spec: { template: { metadata: { labels: { app: "web", ...meta.labels }, annotations: meta.annotations ?? {} }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] } } },
    });
    const replaceWeb = (input: PostureInput, d: KubeObject): PostureInput => ({ ...input, objects: input.objects.map((o) => (o.kind === "Deployment" ? d : o)) });

    it("the pod annotation sidecar.istio.io/inject: false (no label) keeps the sidecar out (inject.go injectRequired): plain text, not mtls", () => {
        const input = replaceWeb(shop([pa("istio-system", "default", "STRICT")]), withTemplate({ annotations: { "sidecar.istio.io/inject": "false" } }));
        assert.equal(only(input, WEB).state, "plaintext");
        // The label wins over the annotation when both are given.
        const both = replaceWeb(shop([pa("istio-system", "default", "STRICT")]), withTemplate({ labels: { "sidecar.istio.io/inject": "true" }, annotations: { "sidecar.istio.io/inject": "false" } }));
        assert.equal(only(both, WEB).state, "mtls");
    });

    it("a target port the sidecar does not capture (excludeInboundPorts, or not in includeInboundPorts) gets the client's mesh mTLS raw: refused", () => {
        const variants: Array<Record<string, string>> = [{ "traffic.sidecar.istio.io/excludeInboundPorts": "9090,8080" }, { "traffic.sidecar.istio.io/includeInboundPorts": "9090" }];
        assert.equal(variants.length, 2);
        for (const annotations of variants) {
            const l = only(replaceWeb(shop([pa("shop", "default", "STRICT")]), withTemplate({ annotations })), WEB);
            assert.equal(l.state, "refused", JSON.stringify(annotations));
            assert.match(l.reason, /does not capture port 8080/);
        }
        assert.equal(only(replaceWeb(shop([pa("shop", "default", "STRICT")]), withTemplate({ annotations: { "traffic.sidecar.istio.io/includeInboundPorts": "8080" } })), WEB).state, "mtls");
    });

    it("a live Pod is judged by the sidecar it has, not by today's namespace labels", () => {
        const pod = (sidecar: boolean): KubeObject => ({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "web-1", namespace: "shop", labels: { app: "web" } },
            spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }, ...(sidecar ? [{ name: "istio-proxy" }] : [])] },
        });
        const live = (sidecar: boolean): PostureInput => ({ objects: [injectedNs("shop"), pod(sidecar), service("shop", "web", { app: "web" }), pa("shop", "default", "PERMISSIVE")], mesh: MESH });
        assert.equal(only(live(true), WEB).state, "mtls");
        const l = only(live(false), WEB);
        assert.equal(l.state, "plaintext", "labelled after the pod was created: no sidecar, auto-mTLS sends plain text");
        assert.ok(l.decidedBy.includes("Pod shop/web-1 (has no istio-proxy)"), l.decidedBy.join(", "));
    });

    it("a DestinationRule tls without mode is DISABLE (the enum's zero value): refused by STRICT, never mtls; an unknown mode: unknown", () => {
        const noMode: KubeObject = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "sni", namespace: "shop" }, spec: { host: "web.shop.svc.cluster.local", trafficPolicy: { tls: { sni: "web.example" } } } };
        assert.equal(only(shop([pa("shop", "default", "STRICT"), noMode]), WEB).state, "refused");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), dr("shop", "bad", "web.shop.svc.cluster.local", "istio_mutual")]), WEB).state, "unknown");
    });

    it("a port-level entry replaces the whole policy (util.go GetPortLevelTrafficPolicy): no tls there means auto-mTLS, not the rule's tls", () => {
        const rule = (top: string | undefined, port: Record<string, unknown>): KubeObject => ({
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: { name: "web", namespace: "shop" },
            spec: { host: "web.shop.svc.cluster.local", trafficPolicy: { ...(top ? { tls: { mode: top } } : {}), portLevelSettings: [{ port: { number: 80 }, ...port }] } },
        });
        // Namespace DISABLE turns auto-mTLS off; the workload is STRICT: the port entry without tls falls to
        // auto-mTLS (plain text) and is refused, although the rule says ISTIO_MUTUAL.
        const objs = [pa("shop", "default", "DISABLE"), pa("shop", "web", "STRICT", { selector: { app: "web" } })];
        assert.equal(only(shop([...objs, rule("ISTIO_MUTUAL", { loadBalancer: { simple: "ROUND_ROBIN" } })]), WEB).state, "refused");
        // And the other way: the rule DISABLE, the port entry's own ISTIO_MUTUAL wins.
        assert.equal(only(shop([pa("shop", "default", "STRICT"), rule("DISABLE", { tls: { mode: "ISTIO_MUTUAL" } })]), WEB).state, "mtls");
    });

    it("several DestinationRules for one host: the oldest trafficPolicy wins (destination_rule.go merge); without creation times and disagreeing: unknown", () => {
        const subsetsOnly = (created?: string): KubeObject => ({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "a", namespace: "shop", ...(created ? { creationTimestamp: created } : {}) }, spec: { host: "web.shop.svc.cluster.local", subsets: [{ name: "v1", labels: { version: "v1" } }] } });
        const disable = (created?: string): KubeObject => ({ ...dr("shop", "b", "web.shop.svc.cluster.local", "DISABLE"), metadata: { name: "b", namespace: "shop", ...(created ? { creationTimestamp: created } : {}) } });
        const mtls = (created?: string): KubeObject => ({ ...dr("shop", "c", "web.shop.svc.cluster.local", "ISTIO_MUTUAL"), metadata: { name: "c", namespace: "shop", ...(created ? { creationTimestamp: created } : {}) } });
        // The oldest has no trafficPolicy: the next one's DISABLE decides; STRICT refuses it.
        assert.equal(only(shop([pa("shop", "default", "STRICT"), subsetsOnly("2026-01-01T00:00:00Z"), disable("2026-02-01T00:00:00Z")]), WEB).state, "refused");
        // The older ISTIO_MUTUAL wins over a newer DISABLE.
        assert.equal(only(shop([pa("shop", "default", "STRICT"), disable("2026-02-01T00:00:00Z"), mtls("2026-01-01T00:00:00Z")]), WEB).state, "mtls");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), disable(), mtls()]), WEB).state, "unknown");
    });

    it("routing the engine does not model makes the link unknown: a VirtualService, a mesh HTTPRoute (Service parent), a subset with its own tls", () => {
        const vs: KubeObject = { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "web", namespace: "shop" }, spec: { hosts: ["web"] } };
        const route: KubeObject = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "web", namespace: "shop" }, spec: { parentRefs: [{ kind: "Service", name: "web" }] } };
        const ingress: KubeObject = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "in", namespace: "shop" }, spec: { parentRefs: [{ kind: "Gateway", name: "gw" }] } };
        const subset: KubeObject = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "s", namespace: "shop" }, spec: { host: "web.shop.svc.cluster.local", subsets: [{ name: "v1", labels: {}, trafficPolicy: { tls: { mode: "DISABLE" } } }] } };
        assert.equal(only(shop([pa("shop", "default", "STRICT"), vs]), WEB).state, "unknown");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), route]), WEB).state, "unknown");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), ingress]), WEB).state, "mtls", "an ingress route does not change mesh calls");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), subset]), WEB).state, "unknown");
    });

    it("a DestinationRule private to a client namespace gets its own link (push_context.go looks in the client's namespace first)", () => {
        const priv: KubeObject = { ...dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE"), spec: { host: "web.shop.svc.cluster.local", exportTo: ["."], trafficPolicy: { tls: { mode: "DISABLE" } } } };
        const input = shop([pa("shop", "default", "STRICT"), priv]);
        assert.equal(only(input, WEB).state, "mtls", "clients elsewhere do not see the private rule");
        assert.equal(only(input, "mesh ns/shop -> shop/web:80").state, "refused");
        const elsewhere: KubeObject = dr("legacy", "web", "web.shop.svc.cluster.local", "DISABLE");
        assert.equal(only(shop([pa("shop", "default", "STRICT"), elsewhere]), "mesh ns/legacy -> shop/web:80").state, "refused");
        // No extra link when a namespace's rule is the one every client sees.
        const links = computePosture(shop([pa("shop", "default", "STRICT"), dr("shop", "web", "web.shop.svc.cluster.local", "ISTIO_MUTUAL")])).links.map((l) => l.id);
        assert.deepEqual(links, [WEB]);
    });

    it("objects the API server would reject are not read: their links are unknown, named", () => {
        const badMode = pa("shop", "default", "strict");
        const l = only(shop([badMode]), WEB);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /PeerAuthentication shop\/default \(invalid: mtls\.mode "strict"\)/);
        const badKey: KubeObject = { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "web", namespace: "shop" }, spec: { selector: { matchLabels: { app: "web" } }, portLevelMtls: { "8080.0": { mode: "DISABLE" } } } };
        assert.equal(only(shop([pa("shop", "default", "STRICT"), badKey]), WEB).state, "unknown");
        const badPorts: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }, { port: "81" }] } };
        const input = shop([pa("shop", "default", "STRICT")]);
        const svcInvalid = only({ ...input, objects: input.objects.map((o) => (o.kind === "Service" ? badPorts : o)) }, WEB);
        assert.equal(svcInvalid.state, "unknown");
        assert.match(svcInvalid.reason, /no integer port/);
    });

    it("namespaced objects without metadata.namespace are in default, as kubectl applies them (not in every client's namespace)", () => {
        const nons: KubeObject = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "x" }, spec: { host: "web.shop.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } } };
        const input = shop([pa("shop", "default", "STRICT"), nons]);
        assert.equal(only(input, WEB).state, "mtls");
        assert.equal(only(input, "mesh ns/default -> shop/web:80").state, "refused");
    });
});
