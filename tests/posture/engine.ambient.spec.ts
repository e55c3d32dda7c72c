// The posture engine in an ambient mesh (MeshFacts.mode "ambient"), over small hand-written inputs. The
// expected states are written from the rules (sdk/posture/rules/ambientEnrollment.ts, ztunnelPeerAuthentication.ts,
// ambientTransport.ts, ambientAuthorization.ts, kuadrantAmbient.ts and the istio 1.30.3 / ztunnel 1.30.3 files
// they cite), not from the engine's output. Before ambient was modelled every one of these links was `unknown`.
import { strict as assert } from "node:assert";
import { DEFAULT_MESH_FACTS, KubeObject, MeshFacts, PostureInput, PostureLink, computePosture } from "../../sdk/posture";
import { deployment, dr, kuadrantAuthEnvoyFilter, ns, pa, service } from "./objects";

const AMBIENT: MeshFacts = { ...DEFAULT_MESH_FACTS, mode: "ambient" };
const SIDECAR: MeshFacts = { ...DEFAULT_MESH_FACTS };

const ambientNs = (name: string) => ns(name, { "istio.io/dataplane-mode": "ambient" });

/** Service `shop/web:80` -> Deployment web (8080) in namespace `shop` with `labels`, plus `extra`. */
function shop(labels: Record<string, string>, extra: KubeObject[] = [], mesh: MeshFacts = AMBIENT): PostureInput {
    return { objects: [ns("shop", labels), deployment("shop", "web", { app: "web" }), service("shop", "web", { app: "web" }), ...extra], mesh };
}

const AMB = { "istio.io/dataplane-mode": "ambient" };
const MESH_WEB = "mesh -> shop/web:80";
const SIDECAR_WEB = "mesh sidecar -> shop/web:80";
const OUTSIDE_WEB = "unenrolled -> shop/web:80";
/** A sidecar workload elsewhere in the mesh: its presence makes the `mesh sidecar` client exist. */
const LEGACY = [ns("legacy", { "istio-injection": "enabled" }), deployment("legacy", "old", { app: "old" })];

function links(input: PostureInput): Map<string, PostureLink> {
    return new Map(computePosture(input).links.map((l) => [l.id, l]));
}

function states(input: PostureInput): Record<string, string> {
    return Object.fromEntries([...links(input)].map(([id, l]) => [id, l.state]));
}

function only(input: PostureInput, id: string): PostureLink {
    const l = links(input).get(id);
    assert.ok(l !== undefined, `link ${id} in ${[...links(input).keys()].join(", ")}`);
    return l;
}

describe("posture engine, ambient mesh: service links (expected table from the ambient rules)", () => {
    const table: Array<{ name: string; input: PostureInput; expected: Record<string, string> }> = [
        {
            name: "ambient <-> ambient, namespace STRICT: HBONE mtls; a client outside the mesh is refused (static STRICT deny)",
            input: shop(AMB, [pa("shop", "default", "STRICT")]),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "refused" },
        },
        {
            name: "ambient server, PERMISSIVE: HBONE mtls; plain text from outside the mesh is forwarded",
            input: shop(AMB, [pa("shop", "default", "PERMISSIVE")]),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "plaintext" },
        },
        {
            name: "ambient server, no PeerAuthentication at all: ztunnel attaches no DENY policy (PERMISSIVE)",
            input: shop(AMB),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "plaintext" },
        },
        {
            name: "DISABLE behaves as PERMISSIVE in ambient: mesh clients keep HBONE mtls, plain text is accepted",
            input: shop(AMB, [pa("shop", "default", "DISABLE")]),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "plaintext" },
        },
        {
            name: "mesh-wide STRICT in the root namespace reaches the ambient server",
            input: shop(AMB, [pa("istio-system", "default", "STRICT")]),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "refused" },
        },
        {
            name: "sidecar client -> ambient STRICT server: the sidecar sends HBONE (PILOT_ENABLE_SENDING_HBONE): mtls",
            input: shop(AMB, [pa("shop", "default", "STRICT"), ...LEGACY]),
            expected: { [MESH_WEB]: "mtls", [SIDECAR_WEB]: "mtls", [OUTSIDE_WEB]: "refused" },
        },
        {
            name: "ambient client -> unenrolled server: ztunnel passes plain text through; the STRICT policy has no proxy to enforce it",
            input: shop({}, [pa("shop", "default", "STRICT")]),
            expected: { [MESH_WEB]: "plaintext", [OUTSIDE_WEB]: "plaintext" },
        },
        {
            name: "ambient client -> sidecar server (tunnel=http, HBONE listener): mtls; unenrolled -> STRICT sidecar: refused",
            input: shop({ "istio-injection": "enabled" }, [pa("shop", "default", "STRICT")]),
            expected: { [MESH_WEB]: "mtls", [SIDECAR_WEB]: "mtls", [OUTSIDE_WEB]: "refused" },
        },
        {
            name: "pod opted out with istio.io/dataplane-mode=none in an ambient namespace: outside the mesh",
            input: {
                objects: [ambientNs("shop"), deployment("shop", "web", { app: "web", "istio.io/dataplane-mode": "none" }), service("shop", "web", { app: "web" }), pa("shop", "default", "STRICT")],
                mesh: AMBIENT,
            },
            expected: { [MESH_WEB]: "plaintext", [OUTSIDE_WEB]: "plaintext" },
        },
        {
            name: "namespace enrolled both ways (ambient + istio-injection=enabled): unknown, the configuration is unsupported (IST0123)",
            input: shop({ ...AMB, "istio-injection": "enabled" }, [pa("shop", "default", "STRICT")]),
            expected: { [MESH_WEB]: "unknown", [SIDECAR_WEB]: "unknown", [OUTSIDE_WEB]: "unknown" },
        },
        {
            // ztunnelPeerAuthentication.ts quirk C: PERMISSIVE workload policy with a STRICT port under a STRICT mesh
            // and no namespace policy: istiod converts nothing for the STRICT port, so ztunnel accepts plaintext there,
            // where the sidecar model (peerAuthenticationPrecedence) would refuse it.
            name: "ztunnel's own PeerAuthentication semantics, not the sidecar's: a STRICT port-level mode that ztunnel does not enforce",
            input: shop(AMB, [pa("istio-system", "default", "STRICT"), pa("shop", "web", "PERMISSIVE", { selector: { app: "web" }, portLevelMtls: { 8080: { mode: "STRICT" } } })]),
            expected: { [MESH_WEB]: "mtls", [OUTSIDE_WEB]: "plaintext" },
        },
    ];

    for (const c of table) {
        it(c.name, () => {
            assert.deepEqual(states(c.input), c.expected);
        });
    }

    it("the expected table's cases differ from the old placeholder: every one of them but the conflict is a known state", () => {
        assert.equal(table.length, 11);
        for (const c of table.filter((x) => !x.name.startsWith("namespace enrolled both ways"))) {
            assert.ok(Object.values(c.expected).every((s) => s !== "unknown"), c.name);
        }
    });

    it("the deciding objects: the namespace's labels and the PeerAuthentication ztunnel enforces", () => {
        const l = only(shop(AMB, [pa("shop", "default", "STRICT")]), OUTSIDE_WEB);
        assert.ok(l.decidedBy.includes("Namespace shop"), l.decidedBy.join(", "));
        assert.ok(l.decidedBy.includes("PeerAuthentication shop/default"), l.decidedBy.join(", "));
        assert.match(l.reason, /ztunnel enforces STRICT on port 8080/);
        assert.match(l.reason, /istio_converted_static_strict/);
    });

    it("the conflict's reason names both labels and IST0123", () => {
        const l = only(shop({ ...AMB, "istio-injection": "enabled" }), MESH_WEB);
        assert.match(l.reason, /istio\.io\/dataplane-mode=ambient and istio-injection=enabled/);
        assert.match(l.reason, /IST0123/);
        assert.ok(l.decidedBy.includes("Namespace shop"));
    });

    it("a DestinationRule DISABLE does not reach ztunnel: still mtls, and the reason says the rule is not applied", () => {
        const l = only(shop(AMB, [pa("shop", "default", "STRICT"), dr("shop", "off", "web.shop.svc.cluster.local", "DISABLE")]), MESH_WEB);
        assert.equal(l.state, "mtls");
        assert.match(l.reason, /DestinationRule shop\/off sets tls, which ztunnel does not apply/);
        assert.ok(l.decidedBy.includes("DestinationRule shop/off"));
    });

    it("no mesh sidecar client without a sidecar workload, and no per-namespace `mesh ns/<ns>` client (ztunnel reads no DestinationRule)", () => {
        const ids = [...links(shop(AMB, [dr("other", "own", "web.shop.svc.cluster.local", "DISABLE"), ns("other")])).keys()];
        assert.deepEqual(ids, [MESH_WEB, OUTSIDE_WEB]);
    });

    it("namespace not among the objects: unknown, never a guess", () => {
        const l = only({ objects: [deployment("shop", "web", { app: "web" }), service("shop", "web", { app: "web" })], mesh: AMBIENT }, MESH_WEB);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /data plane/);
    });
});

describe("posture engine, ambient label in a sidecar mesh: unchanged", () => {
    it("the ambient label does nothing without ztunnel: the sidecar model (no sidecar, auto-mTLS plain text), and no ambient clients", () => {
        const r = states(shop(AMB, [pa("shop", "default", "STRICT")], SIDECAR));
        assert.deepEqual(r, { [MESH_WEB]: "plaintext" });
    });

    it("DISABLE in a sidecar mesh turns auto-mTLS off (plain text), unlike ambient", () => {
        assert.deepEqual(states(shop({ "istio-injection": "enabled" }, [pa("shop", "default", "DISABLE")], SIDECAR)), { [MESH_WEB]: "plaintext" });
        assert.equal(only(shop(AMB, [pa("shop", "default", "DISABLE")]), MESH_WEB).state, "mtls");
    });
});

describe("posture engine, ambient mesh: ext-authz links (CUSTOM AuthorizationPolicy)", () => {
    const PROVIDER = { name: "kyverno", service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 };
    const MESH_P: MeshFacts = { ...AMBIENT, extensionProviders: [PROVIDER] };
    const ID = "mesh -> ext_authz kyverno (kyverno-authz-server.kyverno.svc.cluster.local:9081)";
    const custom = (namespace: string, target: { selector?: Record<string, string>; targetRefs?: Array<Record<string, string>> }): KubeObject => ({
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: "ext", namespace },
        spec: { action: "CUSTOM", provider: { name: "kyverno" }, rules: [{}], ...(target.selector ? { selector: { matchLabels: target.selector } } : {}), ...(target.targetRefs ? { targetRefs: target.targetRefs } : {}) },
    });
    const waypoint: KubeObject = {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "waypoint", namespace: "shop" },
        spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
    };
    const authorizer = (extra: KubeObject[]): PostureInput => ({
        objects: [
            ambientNs("kyverno"),
            deployment("kyverno", "kyverno-authz-server", { app: "authz" }, 9081),
            service("kyverno", "kyverno-authz-server", { app: "authz" }, 9081, 9081),
            pa("kyverno", "default", "STRICT"),
            ambientNs("shop"),
            deployment("shop", "web", { app: "web" }),
            service("shop", "web", { app: "web" }, 80, 8080, "http", { "istio.io/use-waypoint": "waypoint" }),
            ...extra,
        ],
        mesh: MESH_P,
    });

    it("a selector policy on ambient workloads: not enforced (ztunnel ignores CUSTOM), reported unknown with 'not enforced'", () => {
        const l = only(authorizer([custom("shop", { selector: { app: "web" } })]), ID);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /not enforced: AuthorizationPolicy shop\/ext: ztunnel does not support the CUSTOM action/);
        assert.ok(l.decidedBy.includes("AuthorizationPolicy shop/ext"));
    });

    it("a policy targeting a waypoint Gateway: enforced by the waypoint, which reaches the STRICT ambient authorizer over HBONE: mtls", () => {
        const l = only(authorizer([waypoint, custom("shop", { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }] })]), ID);
        assert.equal(l.state, "mtls");
        assert.match(l.reason, /enforced by waypoint/);
        assert.ok(l.decidedBy.includes("PeerAuthentication kyverno/default"));
    });

    it("a policy targeting a Service bound to the waypoint: enforced too; the same Service without the waypoint label: not enforced", () => {
        const svcRef = [{ kind: "Service", name: "web" }];
        assert.equal(only(authorizer([waypoint, custom("shop", { targetRefs: svcRef })]), ID).state, "mtls");
        const unbound = authorizer([waypoint, custom("shop", { targetRefs: svcRef })]);
        unbound.objects = unbound.objects.map((o) => (o.kind === "Service" && o.metadata.name === "web" ? service("shop", "web", { app: "web" }) : o));
        const l = only(unbound, ID);
        assert.equal(l.state, "unknown");
        assert.match(l.reason, /not enforced: .*has no waypoint/);
    });

    it("no CUSTOM policy names the provider: no proxy calls it (unknown, 'not enforced')", () => {
        assert.match(only(authorizer([]), ID).reason, /not enforced: no CUSTOM AuthorizationPolicy names provider kyverno/);
    });

    it("in a sidecar mesh the same policies decide nothing: the link is the sidecar's, as before", () => {
        const input = authorizer([custom("shop", { selector: { app: "web" } })]);
        const sidecarInput: PostureInput = { ...input, mesh: { ...MESH_P, mode: "sidecar" } };
        const r = computePosture(sidecarInput);
        assert.equal(r.ignored["security.istio.io/v1 AuthorizationPolicy"], 1);
        assert.doesNotMatch(r.links.filter((l) => l.id === ID)[0].reason, /not enforced/);
    });
});

describe("posture engine, ambient mesh: kuadrant links (kuadrantAmbient.ts)", () => {
    const ef = (namespace: string, tls: boolean): KubeObject => kuadrantAuthEnvoyFilter(namespace, tls ? ["istio"] : undefined);
    const ID = "gateway gw-ns/gw -> kuadrant-system/authorino-authorino-authorization:50051";
    const input = (gwLabels: Record<string, string>, tls: boolean): PostureInput => ({
        objects: [
            ns("gw-ns", gwLabels),
            ambientNs("kuadrant-system"),
            deployment("kuadrant-system", "authorino", { app: "authorino" }, 50051),
            { ...service("kuadrant-system", "authorino-authorino-authorization", { app: "authorino" }, 50051, 50051), spec: { selector: { app: "authorino" }, ports: [{ name: "grpc", port: 50051, targetPort: 50051 }] } },
            pa("kuadrant-system", "default", "STRICT"),
            ef("gw-ns", tls),
        ],
        mesh: AMBIENT,
    });

    it("gateway captured by ztunnel, plain-text cluster, ambient STRICT Authorino: HBONE mtls", () => {
        assert.equal(only(input(AMB, false), ID).state, "mtls");
    });

    it("gateway not captured: the static cluster sends no HBONE, STRICT refuses it", () => {
        const l = only(input({}, false), ID);
        assert.equal(l.state, "refused");
        assert.ok(l.decidedBy.includes("EnvoyFilter gw-ns/kuadrant-auth-gw"));
        assert.ok(l.decidedBy.includes("PeerAuthentication kuadrant-system/default"));
    });

    it("the cluster's own TLS inside HBONE: unknown (the server's listener TLS is not Istio's)", () => {
        assert.equal(only(input(AMB, true), ID).state, "unknown");
    });
});

describe("posture engine, ambient mesh: API server -> webhook on an ambient pod", () => {
    const hook = (mode: string): PostureInput => ({
        objects: [ambientNs("hooks"), deployment("hooks", "wh", { app: "wh" }, 9443), service("hooks", "wh", { app: "wh" }, 443, 9443), pa("hooks", "default", mode)],
        mesh: AMBIENT,
        declaredLinks: [{ kind: "webhook", name: "wh", service: "hooks/wh:443", caBundleFromIssuer: true, source: "test" }],
    });
    const ID = "kube-apiserver -> wh (hooks/wh:443)";

    it("STRICT: the API server is outside the mesh, ztunnel denies its TLS (no peer identity): refused", () => {
        assert.equal(only(hook("STRICT"), ID).state, "refused");
    });

    it("PERMISSIVE: the TLS is forwarded byte for byte and the webhook terminates it: tls", () => {
        assert.equal(only(hook("PERMISSIVE"), ID).state, "tls");
    });
});
