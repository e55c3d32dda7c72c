// The posture engine's `kgateway` links (issue 19): a declared kgateway Gateway's proxy -> each backendRef of the
// HTTPRoutes attached to it. The expected states are written from the rule (sdk/posture/rules/kgatewayIstio.ts and
// the kgateway v2.4.3 / Gateway API v1.6.1 files it cites, /work/notes/kgateway-facts.md), with the ends' data
// planes from sidecarInjection / ambientEnrollment and the modes from peerAuthenticationPrecedence /
// ztunnelPeerAuthentication, not from the engine's output.
import { strict as assert } from "node:assert";
import {
    DEFAULT_MESH_FACTS,
    DeclaredLink,
    KubeObject,
    LINK_KINDS,
    MeshFacts,
    POSTURE_FACTS_API_VERSION,
    PostureInput,
    PostureLink,
    computePosture,
    documentsInput,
    postureDocuments,
    postureInputFromTexts,
} from "../../sdk/posture";

const SIDECAR: MeshFacts = { ...DEFAULT_MESH_FACTS };
const AMBIENT: MeshFacts = { ...DEFAULT_MESH_FACTS, mode: "ambient" };
const INJECTED = { "istio-injection": "enabled" };
const ENROLLED = { "istio.io/dataplane-mode": "ambient" };
const GWAPI = "gateway.networking.k8s.io";

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const deployment = (namespace: string, name: string, labels: Record<string, string>): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] } } },
});
const service = (namespace: string, name: string, annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, annotations },
    spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
});
const pa = (namespace: string, mode: string): KubeObject => ({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace }, spec: { mtls: { mode } } });
const gateway = (namespace: string, name: string): KubeObject => ({ apiVersion: `${GWAPI}/v1`, kind: "Gateway", metadata: { name, namespace }, spec: { gatewayClassName: "kgateway", listeners: [{ name: "http", protocol: "HTTP", port: 8080 }] } });
/** The HTTPRoute the KgatewayMtls component writes: in the Gateway's namespace, one backendRef. */
const route = (namespace: string, name: string, parent: { name: string; namespace?: string; kind?: string }, backend: { name: string; namespace?: string; port?: number; kind?: string; group?: string }): KubeObject => ({
    apiVersion: `${GWAPI}/v1`,
    kind: "HTTPRoute",
    metadata: { name, namespace },
    spec: { parentRefs: [parent], rules: [{ backendRefs: [{ port: 80, ...backend }] }] },
});
const grant = (namespace: string, from: { kind?: string; namespace: string }, toName?: string): KubeObject => ({
    apiVersion: `${GWAPI}/v1beta1`,
    kind: "ReferenceGrant",
    metadata: { name: "allow-gw", namespace },
    spec: { from: [{ group: GWAPI, kind: from.kind ?? "HTTPRoute", namespace: from.namespace }], to: [{ group: "", kind: "Service", ...(toName === undefined ? {} : { name: toName }) }] },
});
const kgw = (flags: { autoMtls?: boolean; istioIntegration?: boolean }, name = "gw", namespace = "gw-ns"): DeclaredLink => ({
    kind: "kgateway",
    gateway: { name, namespace },
    autoMtls: flags.autoMtls ?? false,
    istioIntegration: flags.istioIntegration ?? false,
    source: `KgatewayMtls kgw Gateway ${namespace}/${name}`,
});

const LINK = "gateway gw-ns/gw -> shop/web:80";
const AUTO = kgw({ autoMtls: true });
const AMBIENT_INTEGRATION = kgw({ istioIntegration: true });

interface Setup {
    /** null: no MeshFacts (no Istio declared). @default SIDECAR */
    mesh?: MeshFacts | null;
    link?: DeclaredLink;
    gatewayNs?: Record<string, string> | "absent";
    backendNs?: Record<string, string>;
    mode?: string;
    svcAnnotations?: Record<string, string>;
    routeBackend?: { name: string; namespace?: string; port?: number; kind?: string; group?: string };
    extra?: KubeObject[];
    withService?: boolean;
    /** The ReferenceGrants. @default [the grant in shop the component writes for routes in gw-ns] */
    grants?: KubeObject[];
}

/**
 * Gateway gw-ns/gw (class kgateway) with HTTPRoute gw-ns/web -> Service shop/web:80 (Deployment web, port 8080), and the
 * ReferenceGrant in shop that lets routes in gw-ns reference it, as the KgatewayMtls component writes them.
 */
function input(s: Setup): PostureInput {
    const backend = s.routeBackend ?? { name: "web", namespace: "shop" };
    const objects: KubeObject[] = [
        ...(s.gatewayNs === "absent" ? [] : [ns("gw-ns", s.gatewayNs ?? {})]),
        gateway("gw-ns", "gw"),
        route("gw-ns", "web", { name: "gw" }, backend),
        ns("shop", s.backendNs ?? INJECTED),
        deployment("shop", "web", { app: "web" }),
        ...(s.withService === false ? [] : [service("shop", "web", s.svcAnnotations)]),
        ...(s.mode === undefined ? [] : [pa("shop", s.mode)]),
        ...(s.grants ?? [grant("shop", { namespace: "gw-ns" })]),
        ...(s.extra ?? []),
    ];
    return { objects, ...(s.mesh === null ? {} : { mesh: s.mesh ?? SIDECAR }), declaredLinks: [s.link ?? AUTO] };
}

function kgatewayLinks(i: PostureInput): PostureLink[] {
    return computePosture(i).links.filter((l) => l.kind === "kgateway");
}

function only(i: PostureInput, id = LINK): PostureLink {
    const ls = kgatewayLinks(i);
    assert.deepEqual(
        ls.map((l) => l.id),
        [id],
    );
    return ls[0];
}

describe("posture engine: kgateway links (rules/kgatewayIstio.ts)", () => {
    it("is a link kind", () => {
        assert.ok(LINK_KINDS.includes("kgateway"));
    });

    // Expected table, from the rule: [case, setup, state].
    const table: Array<[string, Setup, PostureLink["state"]]> = [
        ["sidecar mesh, auto mTLS, sidecar backend STRICT", { mode: "STRICT" }, "mtls"],
        ["sidecar mesh, auto mTLS, sidecar backend PERMISSIVE", { mode: "PERMISSIVE" }, "mtls"],
        ["sidecar mesh, auto mTLS, backend Service annotated disable-istio-auto-mtls, STRICT", { mode: "STRICT", svcAnnotations: { "kgateway.dev/disable-istio-auto-mtls": "true" } }, "refused"],
        ["sidecar mesh, auto mTLS, disable annotation as Go's ParseBool reads it (\"True\"), PERMISSIVE", { mode: "PERMISSIVE", svcAnnotations: { "kgateway.dev/disable-istio-auto-mtls": "True" } }, "plaintext"],
        ["sidecar mesh, auto mTLS, disable annotation \"false\", STRICT", { mode: "STRICT", svcAnnotations: { "kgateway.dev/disable-istio-auto-mtls": "false" } }, "mtls"],
        ["sidecar mesh, auto mTLS, disable annotation not a boolean", { mode: "STRICT", svcAnnotations: { "kgateway.dev/disable-istio-auto-mtls": "yes" } }, "unknown"],
        ["sidecar mesh, auto mTLS, backend outside the mesh", { backendNs: {} }, "plaintext"],
        ["sidecar mesh, auto mTLS, injected gateway namespace (kgateway#14493)", { gatewayNs: INJECTED, mode: "STRICT" }, "refused"],
        ["sidecar mesh, neither setting, sidecar backend STRICT", { link: kgw({}), mode: "STRICT" }, "refused"],
        ["sidecar mesh, neither setting, sidecar backend PERMISSIVE", { link: kgw({}), mode: "PERMISSIVE" }, "plaintext"],
        ["sidecar mesh, both settings: auto mTLS decides the transport", { link: kgw({ autoMtls: true, istioIntegration: true }), mode: "STRICT" }, "mtls"],
        ["sidecar mesh, the ambient label does nothing: integration, 'enrolled' gateway, STRICT sidecar", { link: AMBIENT_INTEGRATION, gatewayNs: ENROLLED, mode: "STRICT" }, "refused"],
        ["sidecar mesh, DISABLE on the backend (not in the rule's domain)", { mode: "DISABLE" }, "unknown"],
        ["sidecar mesh, gateway namespace not among the objects", { gatewayNs: "absent", mode: "STRICT" }, "unknown"],
        ["no Istio installation declared", { mesh: null, mode: "STRICT" }, "unknown"],
        ["the backend Service is not among the objects", { withService: false, mode: "STRICT" }, "unknown"],
        ["ambient mesh, auto mTLS, gateway not enrolled, ambient backend STRICT", { mesh: AMBIENT, backendNs: ENROLLED, mode: "STRICT" }, "refused"],
        ["ambient mesh, auto mTLS, sidecar backend STRICT", { mesh: AMBIENT, backendNs: INJECTED, mode: "STRICT" }, "mtls"],
        ["ambient mesh, auto mTLS, injected gateway namespace", { mesh: AMBIENT, gatewayNs: INJECTED, backendNs: INJECTED, mode: "STRICT" }, "refused"],
        ["ambient mesh, integration, gateway enrolled, ambient backend STRICT", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, gatewayNs: ENROLLED, backendNs: ENROLLED, mode: "STRICT" }, "mtls"],
        ["ambient mesh, integration, gateway enrolled, sidecar backend STRICT (HBONE to the sidecar)", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, gatewayNs: ENROLLED, backendNs: INJECTED, mode: "STRICT" }, "mtls"],
        ["ambient mesh, integration, gateway not enrolled, ambient backend STRICT", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, backendNs: ENROLLED, mode: "STRICT" }, "refused"],
        ["ambient mesh, integration, gateway not enrolled, ambient backend PERMISSIVE", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, backendNs: ENROLLED, mode: "PERMISSIVE" }, "plaintext"],
        ["ambient mesh, integration, gateway not enrolled, ambient backend DISABLE (ztunnel: PERMISSIVE)", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, backendNs: ENROLLED, mode: "DISABLE" }, "plaintext"],
        ["ambient mesh, gateway namespace enrolled both ways", { mesh: AMBIENT, link: AMBIENT_INTEGRATION, gatewayNs: { ...ENROLLED, ...INJECTED }, backendNs: ENROLLED, mode: "STRICT" }, "unknown"],
    ];
    it("the expected table", () => {
        assert.equal(table.length, 25);
        for (const [name, setup, state] of table) {
            assert.equal(only(input(setup)).state, state, name);
        }
    });

    it("the reasons name the rule's cause", () => {
        assert.match(only(input({ mode: "STRICT" })).reason, /^the gateway namespace gw-ns is not sidecar-injected; web runs a sidecar; STRICT on port 8080: auto mTLS: .*security\.istio\.io\/tlsMode/);
        assert.match(only(input({ gatewayNs: INJECTED, mode: "STRICT" })).reason, /kgateway-dev\/kgateway#14493/);
        assert.match(only(input({ mesh: AMBIENT, link: AMBIENT_INTEGRATION, backendNs: ENROLLED, mode: "STRICT" })).reason, /^the gateway pods in gw-ns are outside the mesh .*; web is ambient; ztunnel enforces STRICT on port 8080 .*KGW_ENABLE_ISTIO_INTEGRATION does not change .*not enrolled/);
        assert.match(only(input({ withService: false })).reason, /Service shop\/web, which is not among the objects/);
    });

    it("decidedBy names the declared link, the HTTPRoute, the Gateway, the namespaces, the PeerAuthentication and the Service", () => {
        const l = only(input({ mode: "STRICT" }));
        assert.deepEqual(l.decidedBy, [
            "Deployment shop/web",
            "Gateway gw-ns/gw",
            "HTTPRoute gw-ns/web",
            "KgatewayMtls kgw Gateway gw-ns/gw",
            "Namespace gw-ns",
            "Namespace shop",
            "PeerAuthentication shop/default",
            "ReferenceGrant shop/allow-gw",
            "Service shop/web",
        ]);
        assert.equal(l.client, "gateway gw-ns/gw");
        assert.equal(l.server, "shop/web:80");
    });

    describe("cross-namespace backendRefs (kgatewayBackendRefAllowed)", () => {
        // The route is in gw-ns and the backend in shop, so every case below crosses namespaces.
        const cases: Array<[string, KubeObject[], PostureLink["state"]]> = [
            ["no ReferenceGrant: the backend is not configured, its requests get HTTP 500", [], "refused"],
            ["a ReferenceGrant in shop from HTTPRoutes in gw-ns", [grant("shop", { namespace: "gw-ns" })], "mtls"],
            ["a ReferenceGrant naming this Service", [grant("shop", { namespace: "gw-ns" }, "web")], "mtls"],
            ["a ReferenceGrant naming another Service", [grant("shop", { namespace: "gw-ns" }, "api")], "refused"],
            ["a ReferenceGrant from another namespace", [grant("shop", { namespace: "other" })], "refused"],
            ["a ReferenceGrant from GRPCRoutes", [grant("shop", { kind: "GRPCRoute", namespace: "gw-ns" })], "refused"],
            ["a ReferenceGrant in the route's namespace (the wrong side)", [grant("gw-ns", { namespace: "gw-ns" })], "refused"],
        ];
        it("the grant decides", () => {
            assert.equal(cases.length, 7);
            for (const [name, extra, state] of cases) {
                assert.equal(only(input({ mode: "STRICT", grants: extra })).state, state, name);
            }
        });
        it("refused names the missing grant and HTTP 500, whatever the ends; a grant that allows is a deciding object", () => {
            const refused = only(input({ mode: "STRICT", withService: false, grants: [] }));
            assert.equal(refused.state, "refused");
            assert.match(refused.reason, /^HTTPRoute gw-ns\/web -> shop\/web: no ReferenceGrant in shop allows it; .*HTTP 500/);
            const allowed = only(input({ mode: "STRICT" }));
            assert.ok(allowed.decidedBy.includes("ReferenceGrant shop/allow-gw"), allowed.decidedBy.join(", "));
        });
        it("a backend in the route's namespace needs no grant (a backendRef without namespace is the route's)", () => {
            // An injected backend in the (uninjected) gateway namespace: the pod label opts it in (sidecarInjection).
            const extra = [deployment("gw-ns", "web", { app: "web", "sidecar.istio.io/inject": "true" }), service("gw-ns", "web"), pa("gw-ns", "STRICT")];
            const l = only(input({ mode: "STRICT", routeBackend: { name: "web" }, grants: [], extra }), "gateway gw-ns/gw -> gw-ns/web:80");
            assert.equal(l.state, "mtls");
            assert.ok(!l.decidedBy.some((x) => x.startsWith("ReferenceGrant")));
        });
        it("a route in another namespace than the Gateway: whether a listener admits it is not modelled", () => {
            const i = input({ mode: "STRICT" });
            i.objects = i.objects.map((o) => (o.kind === "HTTPRoute" ? route("shop", "web", { name: "gw", namespace: "gw-ns" }, { name: "web" }) : o));
            assert.equal(only(i).state, "unknown");
            assert.match(only(i).reason, /allowedRoutes/);
        });
    });

    describe("which routes make links", () => {
        it("a route attached to another Gateway, or to a Service, makes no kgateway link", () => {
            const i = input({ mode: "STRICT" });
            i.objects = i.objects.map((o) => (o.kind === "HTTPRoute" ? route("gw-ns", "web", { name: "other-gw" }, { name: "web", namespace: "shop" }) : o));
            assert.deepEqual(kgatewayLinks(i), []);
            assert.equal(computePosture(i).ignored[`${GWAPI}/v1 HTTPRoute`], 1);
            const mesh = input({ mode: "STRICT" });
            mesh.objects = mesh.objects.map((o) => (o.kind === "HTTPRoute" ? route("gw-ns", "web", { name: "gw", kind: "Service" }, { name: "web", namespace: "shop" }) : o));
            assert.deepEqual(kgatewayLinks(mesh), []);
        });
        it("without a declared kgateway link, the routes and grants stay ignored and nothing is linked", () => {
            const i = { ...input({ mode: "STRICT" }), declaredLinks: [] };
            assert.deepEqual(kgatewayLinks(i), []);
            const ignored = computePosture(i).ignored;
            assert.equal(ignored[`${GWAPI}/v1 HTTPRoute`], 1);
            assert.equal(ignored[`${GWAPI}/v1beta1 ReferenceGrant`], 1);
            assert.equal(ignored[`${GWAPI}/v1 Gateway`], 1);
            // Declared: the route, the grant and the Gateway are read.
            const read = computePosture(input({ mode: "STRICT" })).ignored;
            assert.deepEqual(Object.keys(read).filter((k) => k.startsWith(GWAPI)), []);
        });
        it("one link per backendRef of every rule; a non-Service backend or a missing port is unknown", () => {
            const i = input({ mode: "STRICT", extra: [ns("api-ns", INJECTED), deployment("api-ns", "api", { app: "api" }), service("api-ns", "api"), grant("api-ns", { namespace: "gw-ns" })] });
            const r = i.objects.find((o) => o.kind === "HTTPRoute") as KubeObject;
            (r.spec as { rules: unknown[] }).rules.push({
                backendRefs: [
                    { name: "api", namespace: "api-ns", port: 80 },
                    { group: "gateway.kgateway.dev", kind: "Backend", name: "ext" },
                    { name: "noport", namespace: "shop" },
                ],
            });
            const ls = kgatewayLinks(i);
            assert.deepEqual(
                ls.map((l) => [l.id, l.state]),
                [
                    ["gateway gw-ns/gw -> Backend gw-ns/ext", "unknown"],
                    ["gateway gw-ns/gw -> api-ns/api:80", "mtls"],
                    ["gateway gw-ns/gw -> shop/noport", "unknown"],
                    [LINK, "mtls"],
                ],
            );
        });
        it("two declared Gateways: each gets the links of its own routes", () => {
            const i = input({ mode: "STRICT", grants: [grant("shop", { namespace: "edge" })], extra: [ns("edge", {}), route("edge", "web", { name: "gw2" }, { name: "web", namespace: "shop" })] });
            i.declaredLinks = [AUTO, kgw({}, "gw2", "edge")];
            assert.deepEqual(
                kgatewayLinks(i).map((l) => [l.id, l.state]),
                [
                    ["gateway edge/gw2 -> shop/web:80", "refused"],
                    [LINK, "refused"],
                ],
            );
            // edge's route is allowed and refused by the STRICT sidecar (no Istio setting); gw-ns's has no grant (it is from edge).
            const [edge, gwNs] = kgatewayLinks(i);
            assert.match(edge.reason, /^the gateway namespace edge is not sidecar-injected; .*: no Istio setting; .*STRICT sidecar refuses/);
            assert.match(gwNs.reason, /no ReferenceGrant in shop/);
        });
    });

    describe("facts documents", () => {
        it("a kgateway DeclaredLink round-trips through postureDocuments / documentsInput", () => {
            const i = input({ mode: "STRICT" });
            const docs = postureDocuments(i);
            const d = docs.find((x) => x.kind === "DeclaredLink") as KubeObject;
            assert.deepEqual(d.metadata, { name: "gw", namespace: "gw-ns" });
            assert.deepEqual(d.spec, { kind: "kgateway", autoMtls: true, istioIntegration: false, source: "KgatewayMtls kgw Gateway gw-ns/gw" });
            assert.deepEqual(documentsInput(docs).declaredLinks, i.declaredLinks);
        });
        it("the loader reads it (the Gateway from metadata or spec.gateway) and checks it strictly", () => {
            const doc = (meta: string, spec: string) => `apiVersion: ${POSTURE_FACTS_API_VERSION}\nkind: DeclaredLink\nmetadata: {${meta}}\nspec: {kind: kgateway, ${spec}}\n`;
            const read = (text: string) => postureInputFromTexts([{ file: "in.yaml", text }]);
            const ok = read(doc("name: gw, namespace: gw-ns", "autoMtls: true, istioIntegration: false"));
            assert.ok(ok.ok);
            assert.deepEqual(ok.input.declaredLinks, [{ kind: "kgateway", gateway: { name: "gw", namespace: "gw-ns" }, autoMtls: true, istioIntegration: false, source: "DeclaredLink gw-ns/gw" }]);
            const fromSpec = read(doc("name: gw", "gateway: {name: gw, namespace: gw-ns}, autoMtls: false, istioIntegration: true, source: x"));
            assert.ok(fromSpec.ok);
            assert.deepEqual(fromSpec.input.declaredLinks, [{ kind: "kgateway", gateway: { name: "gw", namespace: "gw-ns" }, autoMtls: false, istioIntegration: true, source: "x" }]);
            const problems = (text: string) => {
                const r = read(text);
                return r.ok ? [] : r.errors.map((p) => `${p.at ?? ""}: ${p.message.split(";")[0]}`);
            };
            assert.deepEqual(problems(doc("name: gw, namespace: gw-ns", "autoMtls: true")), ["spec.istioIntegration: missing (required)"]);
            assert.deepEqual(problems(doc("name: gw, namespace: gw-ns", "gateway: {name: other}, autoMtls: true, istioIntegration: false")), ['spec.gateway.name: got "other" but metadata says "gw"']);
            assert.deepEqual(problems(doc("name: gw", "autoMtls: true, istioIntegration: false")), ["spec.gateway.namespace: missing (required"]);
            assert.deepEqual(problems(doc("name: gw, namespace: gw-ns", "autoMtls: true, istioIntegration: false, glooMtls: true")), ["spec.glooMtls: unknown field"]);
            assert.deepEqual(problems(doc("name: gw, namespace: gw-ns", "autoMtls: yes-please, istioIntegration: false")), ['spec.autoMtls: got "yes-please"']);
            // Read back, the link is computed like a declared one.
            assert.equal(only({ ...input({ mode: "STRICT" }), declaredLinks: fromSpec.input.declaredLinks }).state, "refused");
        });
    });
});
