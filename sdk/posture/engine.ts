// The posture engine: every link the objects declare and its effective state, computed from the upstream
// rules in rules/ (each cites the upstream file it encodes). Pure: plain data in, plain data out.
//
// Links:
// - `service`: an injected mesh client (in a namespace without DestinationRules of its own) calling each
//   Service port; the client's TLS comes from the DestinationRule or auto-mTLS, the server's acceptance
//   from injection, PeerAuthentication and the inbound filter chains. In an ambient mesh the clients are
//   ztunnel (`mesh`), a sidecar (`mesh sidecar`, when some workload has one) and a pod outside the mesh
//   (`unenrolled`), and an ambient server's side is ztunnel's (see "Ambient mode" below);
// - `ext-authz`: the mesh's proxies calling each ext_authz extension provider (an outbound cluster to
//   the provider's service, so the same client rules as `service`);
// - `kuadrant`: a gateway calling Authorino / Limitador through the Kuadrant EnvoyFilter clusters;
// - `gloo-upstream`: Gloo's gateway-proxy calling a Service through an Upstream's `sslConfig`;
// - `gloo-xds`, `istiod-xds`, `webhook`: control-plane links the plans declare (`declaredLinks`);
// - `kgateway`: a declared kgateway Gateway's proxy calling each backendRef of the HTTPRoutes attached to it
//   (rules/kgatewayIstio.ts decides, from the ends' data planes computed here as for the other links).
// Where an object the engine does not model could change a link (a Sidecar, a foreign EnvoyFilter, a
// ServiceEntry in the server's or the root namespace), the link is `unknown` with the reason.
import type { ClientTransport, InboundPortProtocol, PeerAuthenticationModeName } from "./rules/inboundFilterChain";
import { inboundFilterChain } from "./rules/inboundFilterChain";
import { ClientTlsMode, DestinationRuleView, applicableDestinationRule } from "./rules/istioDestinationRuleTls";
import { PeerAuthenticationObject, effectivePeerAuthentication } from "./rules/peerAuthenticationPrecedence";
import { servicePortToTargetPort } from "./rules/servicePortToTargetPort";
import { servicePortProtocol } from "./rules/servicePortProtocol";
import { istiodXdsLinkState } from "./rules/istiodXds";
import { glooXdsLinkState } from "./rules/glooXds";
import { readClusterTransportSocket } from "./rules/kuadrantClusterTransport";
import { glooUpstreamTls } from "./rules/glooUpstreamTls";
import { extAuthzCluster } from "./rules/extAuthzCluster";
import { webhookLinkState } from "./rules/webhookLink";
import { inboundPortCaptured, isSidecarInjected } from "./rules/sidecarInjection";
import { namespaceEnrollmentConflict, podDataplane } from "./rules/ambientEnrollment";
import { ztunnelEnforcedMode } from "./rules/ztunnelPeerAuthentication";
import type { AmbientPeerAuthenticationSpec } from "./rules/ztunnelPeerAuthentication";
import { ambientLinkState } from "./rules/ambientTransport";
import { USE_WAYPOINT_LABEL, USE_WAYPOINT_NAMESPACE_LABEL, INGRESS_USE_WAYPOINT_LABEL, WAYPOINT_FOR_LABEL, customAuthorizationInAmbient } from "./rules/ambientAuthorization";
import type { AmbientAuthorizationFacts, AmbientCustomPolicy, AmbientCustomResult, AmbientTargetRef, WaypointTrafficType } from "./rules/ambientAuthorization";
import { kuadrantAmbientLink } from "./rules/kuadrantAmbient";
import { KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION, kgatewayBackendRefAllowed, kgatewayLinkState } from "./rules/kgatewayIstio";
import type { KgatewayIstioMode, KgatewayLinkInput, ReferenceGrantView } from "./rules/kgatewayIstio";
import { goBool, matchesLabels } from "../internal/values";
import type { DeclaredLink, KubeObject, LinkPosture, LinkState, MeshFacts, PostureInput, PostureLink, PostureResult, WorkloadFact } from "./model";

/** `ALPNInMeshWithMxc` (istio 1.30.3 pilot/pkg/networking/util/util.go): what an ISTIO_MUTUAL cluster offers. */
const ISTIO_CLIENT_ALPN: readonly string[] = Object.freeze(["istio-peer-exchange", "istio"]);

/** The namespace a generic mesh client is placed in: one without DestinationRules of its own. */
const NEUTRAL_CLIENT_NAMESPACE = "";

/** A decision: a state, why, and what decided it. */
interface Outcome {
    state: LinkState;
    reason: string;
    decidedBy: string[];
}

/** What a client sends: the transport, and whether it presents the mesh's workload certificate. */
interface ClientSide {
    transport: ClientTransport;
    /** Presents a certificate from the mesh CA (Istio SDS `default`). */
    meshCert: boolean;
    /** `ISTIO_MUTUAL`, `SIMPLE`, ... for the reason text. */
    describe: string;
    decidedBy: string[];
    /** The server application is known to terminate the client's own TLS (a webhook): pass-through then means `tls`. */
    appTerminatesTls?: boolean;
}

/** A Service as the engine reads it. */
interface ServiceView {
    namespace: string;
    name: string;
    selector?: Record<string, string>;
    /** The Service's own labels (`istio.io/use-waypoint`); a chart fact's Service has none known. @default {} */
    labels?: Record<string, string>;
    /** The Service's annotations (`kgateway.dev/disable-istio-auto-mtls`); a chart fact's Service has none known. @default {} */
    annotations?: Record<string, string>;
    ports: Array<{ port: number; targetPort?: number | string; name?: string; appProtocol?: string; protocol?: string }>;
    ref: string;
    /** Why the Service's ports cannot be read as the API server would store them (then its links are unknown). */
    invalid?: string;
}

/** A pod template (or a chart's pods) as the engine reads it. */
interface WorkloadView {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    /** The pod (template) annotations: `sidecar.istio.io/inject`, the inbound port capture lists. */
    annotations: Record<string, string>;
    hostNetwork: boolean;
    containerPorts: Array<{ name?: string; containerPort: number }>;
    ref: string;
    /**
     * A live Pod's sidecar as it is (an `istio-proxy` container, the `sidecar.istio.io/status` annotation or
     * the `security.istio.io/tlsMode: istio` label): injection happened at creation, whatever the labels say now.
     */
    liveSidecar?: boolean;
}

/** How a DestinationRule sets a port's (or the rule's) client TLS: a mode, an entry without `tls` (auto-mTLS), or a value the API server rejects. */
type RuleTls = ClientTlsMode | "auto" | { invalid: string };

/** A DestinationRule as the engine reads it. */
interface RuleView extends DestinationRuleView {
    ref: string;
    name: string;
    /** `trafficPolicy.tls`: a mode (`tls` without `mode` is DISABLE, the enum's zero value), or absent. */
    tls: RuleTls | undefined;
    /** `trafficPolicy.portLevelSettings`: an entry replaces the whole policy for its port (no inheritance). */
    portTls: Map<number, RuleTls>;
    hasTrafficPolicy: boolean;
    /** Some subset sets its own `tls` (routes that pick the subset use it). */
    subsetTls: boolean;
    hasWorkloadSelector: boolean;
    createdAt?: number;
}

/** Everything indexed once. */
interface Index {
    mesh?: MeshFacts;
    namespaces: Map<string, Record<string, string>>;
    namespaceRefs: Map<string, string>;
    peerAuthentications: PeerAuthenticationObject[];
    destinationRules: RuleView[];
    services: ServiceView[];
    workloads: WorkloadView[];
    envoyFilters: KubeObject[];
    upstreams: KubeObject[];
    /** Ambient mesh only (otherwise ignored): AuthorizationPolicies with `action: CUSTOM`, read for the ext-authz links. */
    customPolicies: KubeObject[];
    /**
     * Gateway API Gateways: in an ambient mesh every one (waypoints, Istio gateways a CUSTOM policy can target); in a
     * sidecar mesh only those a `kgateway` declared link names (otherwise ignored).
     */
    gateways: KubeObject[];
    /** HTTPRoutes with a parentRef to a Gateway a `kgateway` declared link names (the others are ignored). */
    kgatewayRoutes: KubeObject[];
    /** ReferenceGrants, read only when some `kgateway` link is declared (otherwise ignored). */
    referenceGrants: Array<ReferenceGrantView & { ref: string }>;
    /** Objects that could change mesh links and are not modelled, by namespace. */
    unmodelled: Map<string, string[]>;
    ignored: Record<string, number>;
    /**
     * The lists above by namespace (input order kept within each) and Services by `namespace/name` and by
     * host, so each link reads its own namespaces instead of every object: the engine stays linear in the
     * number of objects (bench/posture.ts). The rules read only the namespaces they are given.
     */
    byNamespace: {
        peerAuthentications: Map<string, PeerAuthenticationObject[]>;
        destinationRules: Map<string, Index["destinationRules"]>;
        workloads: Map<string, WorkloadView[]>;
    };
    /** DestinationRules by their `host` pattern (an FQDN or a `*.` wildcard), for the client namespaces that have their own. */
    rulesByHost: Map<string, RuleView[]>;
    /** The first Service of each `namespace/name`. */
    serviceByName: Map<string, ServiceView>;
    /** The first Service each host form (`name.ns`, `name.ns.svc`, the FQDN) names. */
    serviceByHost: Map<string, ServiceView>;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);
/** Istio kinds that change sidecar traffic and that the engine does not model (a VirtualService can route to a subset with its own TLS). */
const UNMODELLED_MESH_KINDS = new Set(["Sidecar", "ServiceEntry", "WorkloadEntry", "WorkloadGroup", "ProxyConfig", "VirtualService"]);
/** Gateway API routes: with a Service parent (mesh routing, GAMMA) they change where a mesh client's calls go. */
const ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute"]);
/** Kinds the engine reads that live in a namespace: without one, kubectl puts them in `default`. */
const NAMESPACED_MODELLED_KINDS = new Set(["PeerAuthentication", "DestinationRule", "Service", "EnvoyFilter", "Upstream", "ReferenceGrant", ...UNMODELLED_MESH_KINDS, ...ROUTE_KINDS]);
const KUADRANT_CLUSTERS = new Set(["kuadrant-auth-service", "kuadrant-ratelimit-service"]);
const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/**
 * The Gateways (`namespace/name`) a route's parentRefs name: Gateway API v1.6.1 ParentReference defaults `group`
 * to gateway.networking.k8s.io, `kind` to Gateway and `namespace` to the route's.
 */
function gatewayParents(route: KubeObject, routeNamespace: string): string[] {
    return list(record(route.spec).parentRefs)
        .map(record)
        .filter((p) => (p.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (p.kind ?? "Gateway") === "Gateway" && typeof p.name === "string")
        .map((p) => `${typeof p.namespace === "string" ? p.namespace : routeNamespace}/${p.name as string}`);
}

/** A ReferenceGrant as rules/kgatewayIstio.ts reads it (missing fields read as "", which matches nothing but the core group). */
function referenceGrantView(o: KubeObject, namespace: string): ReferenceGrantView {
    const spec = record(o.spec);
    const str = (v: unknown): string => (typeof v === "string" ? v : "");
    return {
        namespace,
        from: list(spec.from).map(record).map((f) => ({ group: str(f.group), kind: str(f.kind), namespace: str(f.namespace) })),
        to: list(spec.to).map(record).map((t) => ({ group: str(t.group), kind: str(t.kind), ...(typeof t.name === "string" ? { name: t.name } : {}) })),
    };
}

function group(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

function ref(o: KubeObject): string {
    return o.metadata.namespace ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`;
}

function record(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function stringMap(v: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(record(v))) {
        if (typeof x === "string") {
            out[k] = x;
        }
    }
    return out;
}

function list(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [];
}

function createdAt(o: KubeObject): number | undefined {
    const t = o.metadata.creationTimestamp;
    const ms = t === undefined ? NaN : Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
}

/** The pod template of a workload object (Pod: itself; CronJob: its job template's). */
function podTemplate(o: KubeObject): { labels: Record<string, string>; annotations: Record<string, string>; spec: Record<string, unknown> } {
    if (o.kind === "Pod") {
        return { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {}, spec: record(o.spec) };
    }
    let spec = record(o.spec);
    if (o.kind === "CronJob") {
        spec = record(record(spec.jobTemplate).spec);
    }
    const template = record(spec.template);
    const meta = record(template.metadata);
    return { labels: stringMap(meta.labels), annotations: stringMap(meta.annotations), spec: record(template.spec) };
}

/**
 * Whether a live Pod has a sidecar: the injector adds the `istio-proxy` container (or native-sidecar init
 * container), the `sidecar.istio.io/status` annotation and the `security.istio.io/tlsMode: istio` label
 * (istio 1.30.3 pkg/kube/inject/inject.go, injection-template.yaml).
 */
function podHasSidecar(labels: Record<string, string>, annotations: Record<string, string>, spec: Record<string, unknown>): boolean {
    const containers = [...list(spec.containers), ...list(spec.initContainers)].map(record);
    return containers.some((c) => c.name === "istio-proxy") || "sidecar.istio.io/status" in annotations || labels["security.istio.io/tlsMode"] === "istio";
}

/** A `tls` block's mode: absent block -> undefined; no `mode` -> DISABLE (the enum's zero value, istio/api destination_rule.proto). */
function ruleTls(tls: unknown): RuleTls | undefined {
    if (tls === undefined || tls === null) {
        return undefined;
    }
    const mode = record(tls).mode;
    if (mode === undefined) {
        return "DISABLE";
    }
    return tlsMode(mode) ?? { invalid: `tls.mode ${JSON.stringify(mode)}` };
}

function addUnmodelled(ix: Index, namespace: string, what: string): void {
    const l = ix.unmodelled.get(namespace) ?? [];
    l.push(what);
    ix.unmodelled.set(namespace, l);
}

/** Whether an EnvoyFilter is one the engine models: Kuadrant's cluster patches (sdk/posture/rules kuadrant rules). */
function isKuadrantEnvoyFilter(o: KubeObject): boolean {
    const patches = list(record(o.spec).configPatches).map(record);
    return patches.length > 0 && patches.every((p) => p.applyTo === "CLUSTER" && KUADRANT_CLUSTERS.has(String(record(record(p.patch).value).name)));
}

function modeName(v: unknown): PeerAuthenticationModeName | "UNSET" | undefined {
    return v === "STRICT" || v === "PERMISSIVE" || v === "DISABLE" || v === "UNSET" ? v : undefined;
}

function tlsMode(v: unknown): ClientTlsMode | undefined {
    return v === "DISABLE" || v === "SIMPLE" || v === "MUTUAL" || v === "ISTIO_MUTUAL" ? v : undefined;
}

function index(input: PostureInput): Index {
    const ix: Index = {
        mesh: input.mesh,
        namespaces: new Map(),
        namespaceRefs: new Map(),
        peerAuthentications: [],
        destinationRules: [],
        services: [],
        workloads: [],
        envoyFilters: [],
        upstreams: [],
        customPolicies: [],
        gateways: [],
        kgatewayRoutes: [],
        referenceGrants: [],
        unmodelled: new Map(),
        ignored: {},
        byNamespace: { peerAuthentications: new Map(), destinationRules: new Map(), workloads: new Map() },
        rulesByHost: new Map(),
        serviceByName: new Map(),
        serviceByHost: new Map(),
    };
    const domain = input.mesh?.clusterDomain ?? "cluster.local";
    const ambient = input.mesh?.mode === "ambient";
    // The Gateways `kgateway` links are declared for (`namespace/name`): their routes and the ReferenceGrants are read.
    const kgatewayGateways = new Set((input.declaredLinks ?? []).flatMap((d) => (d.kind === "kgateway" ? [`${d.gateway.namespace}/${d.gateway.name}`] : [])));
    for (const o of input.objects) {
        const g = group(o.apiVersion);
        const ns = o.metadata.namespace ?? (NAMESPACED_MODELLED_KINDS.has(o.kind) || WORKLOAD_KINDS.has(o.kind) ? "default" : "");
        if (o.kind === "Namespace" && g === "") {
            ix.namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
            ix.namespaceRefs.set(o.metadata.name, ref(o));
        } else if (o.kind === "PeerAuthentication" && g === "security.istio.io") {
            const spec = record(o.spec);
            const portLevel: Record<number, PeerAuthenticationModeName | "UNSET"> = {};
            // Values the CRD rejects (crd-all.gen.yaml: mode enum, port keys 1..65535) would never be stored:
            // the object is not read, and the links it could decide are unknown.
            const invalid: string[] = [];
            const mode = record(spec.mtls).mode;
            if (mode !== undefined && modeName(mode) === undefined) {
                invalid.push(`mtls.mode ${JSON.stringify(mode)}`);
            }
            for (const [p, v] of Object.entries(record(spec.portLevelMtls))) {
                const m = record(v).mode;
                if (!/^[1-9][0-9]{0,4}$/.test(p) || Number(p) > 65535) {
                    invalid.push(`portLevelMtls key ${JSON.stringify(p)}`);
                } else if (m !== undefined && modeName(m) === undefined) {
                    invalid.push(`portLevelMtls.${p}.mode ${JSON.stringify(m)}`);
                } else {
                    portLevel[Number(p)] = modeName(m) ?? "UNSET";
                }
            }
            if (invalid.length > 0) {
                addUnmodelled(ix, ns, `${ref(o)} (invalid: ${invalid.join(", ")})`);
                continue;
            }
            const selector = stringMap(record(spec.selector).matchLabels);
            ix.peerAuthentications.push({
                name: o.metadata.name,
                namespace: ns,
                selector: Object.keys(selector).length ? selector : undefined,
                mode: modeName(mode) ?? "UNSET",
                portLevelMtls: portLevel,
                createdAt: createdAt(o),
            });
        } else if (o.kind === "DestinationRule" && g === "networking.istio.io") {
            const spec = record(o.spec);
            const tp = record(spec.trafficPolicy);
            // istio 1.30.3 pilot/pkg/networking/util/util.go GetPortLevelTrafficPolicy: a matching port entry
            // replaces the policy (its `tls`, or none: auto-mTLS); the top-level `tls` is not inherited.
            const portTls = new Map<number, RuleTls>();
            for (const s of list(tp.portLevelSettings).map(record)) {
                const n = record(s.port).number;
                if (typeof n === "number") {
                    portTls.set(n, ruleTls(s.tls) ?? "auto");
                }
            }
            const subsetTls = list(spec.subsets)
                .map(record)
                .some((sub) => {
                    const stp = record(sub.trafficPolicy);
                    return stp.tls !== undefined || list(stp.portLevelSettings).some((x) => record(x).tls !== undefined);
                });
            const host = typeof spec.host === "string" ? spec.host : "";
            ix.destinationRules.push({
                namespace: ns,
                name: o.metadata.name,
                host: host.includes(".") || host === "*" ? host : `${host}.${ns}.svc.${domain}`,
                exportTo: Array.isArray(spec.exportTo) ? spec.exportTo.map(String) : undefined,
                tls: ruleTls(tp.tls),
                ref: ref(o),
                portTls,
                hasTrafficPolicy: spec.trafficPolicy !== undefined && spec.trafficPolicy !== null,
                subsetTls,
                hasWorkloadSelector: spec.workloadSelector !== undefined,
                createdAt: createdAt(o),
            });
        } else if (o.kind === "Service" && g === "") {
            const spec = record(o.spec);
            const selector = stringMap(spec.selector);
            const raw = list(spec.ports);
            const bad = raw.filter((p) => !Number.isInteger(record(p).port));
            ix.services.push({
                namespace: ns,
                name: o.metadata.name,
                selector: Object.keys(selector).length ? selector : undefined,
                labels: { ...(o.metadata.labels ?? {}) },
                annotations: { ...(o.metadata.annotations ?? {}) },
                ...(bad.length > 0 ? { invalid: `${bad.length} port entr${bad.length === 1 ? "y has" : "ies have"} no integer port` } : {}),
                ports: raw
                    .map(record)
                    .filter((p) => typeof p.port === "number")
                    .map((p) => ({
                        port: p.port as number,
                        targetPort: typeof p.targetPort === "number" || typeof p.targetPort === "string" ? p.targetPort : undefined,
                        name: typeof p.name === "string" ? p.name : undefined,
                        appProtocol: typeof p.appProtocol === "string" ? p.appProtocol : undefined,
                        protocol: typeof p.protocol === "string" ? p.protocol : undefined,
                    })),
                ref: ref(o),
            });
        } else if (WORKLOAD_KINDS.has(o.kind) && (g === "" || g === "apps" || g === "batch")) {
            const t = podTemplate(o);
            ix.workloads.push({
                namespace: ns,
                name: o.metadata.name,
                labels: t.labels,
                annotations: t.annotations,
                ...(o.kind === "Pod" ? { liveSidecar: podHasSidecar(t.labels, t.annotations, t.spec) } : {}),
                hostNetwork: t.spec.hostNetwork === true,
                containerPorts: list(t.spec.containers)
                    .map(record)
                    .flatMap((c) => list(c.ports).map(record))
                    .filter((p) => typeof p.containerPort === "number")
                    .map((p) => ({ name: typeof p.name === "string" ? p.name : undefined, containerPort: p.containerPort as number })),
                ref: ref(o),
            });
        } else if (o.kind === "EnvoyFilter" && g === "networking.istio.io") {
            if (isKuadrantEnvoyFilter(o)) {
                ix.envoyFilters.push(o);
            } else {
                addUnmodelled(ix, ns, ref(o));
            }
        } else if (o.kind === "Upstream" && g === "gloo.solo.io") {
            ix.upstreams.push(o);
        } else if (ambient && o.kind === "AuthorizationPolicy" && g === "security.istio.io" && record(o.spec).action === "CUSTOM") {
            // In a sidecar mesh the sidecar builds the ext_authz filter whatever the policy says, so these
            // decide nothing there (and stay counted as ignored); in ambient they decide who calls the provider.
            ix.customPolicies.push({ ...o, metadata: { ...o.metadata, namespace: ns || "default" } });
        } else if (o.kind === "Gateway" && g === GATEWAY_API_GROUP && (ambient || kgatewayGateways.has(`${ns || "default"}/${o.metadata.name}`))) {
            ix.gateways.push({ ...o, metadata: { ...o.metadata, namespace: ns || "default" } });
        } else if (UNMODELLED_MESH_KINDS.has(o.kind) && g === "networking.istio.io") {
            addUnmodelled(ix, ns, ref(o));
        } else if (o.kind === "HTTPRoute" && g === GATEWAY_API_GROUP && gatewayParents(o, ns).some((p) => kgatewayGateways.has(p))) {
            ix.kgatewayRoutes.push({ ...o, metadata: { ...o.metadata, namespace: ns } });
            if (list(record(o.spec).parentRefs).some((p) => record(p).kind === "Service")) {
                // Also a mesh route (GAMMA): it changes where mesh clients' calls go, as below.
                addUnmodelled(ix, ns, ref(o));
            }
        } else if (o.kind === "ReferenceGrant" && g === GATEWAY_API_GROUP && kgatewayGateways.size > 0) {
            ix.referenceGrants.push({ ...referenceGrantView(o, ns), ref: ref(o) });
        } else if (ROUTE_KINDS.has(o.kind) && g === "gateway.networking.k8s.io" && list(record(o.spec).parentRefs).some((p) => record(p).kind === "Service")) {
            addUnmodelled(ix, ns, ref(o));
        } else {
            const key = `${o.apiVersion} ${o.kind}`;
            ix.ignored[key] = (ix.ignored[key] ?? 0) + 1;
        }
    }
    for (const w of input.workloads ?? []) {
        addWorkloadFact(ix, w);
    }
    for (const n of input.namespaces ?? []) {
        if (!ix.namespaces.has(n.name)) {
            ix.namespaces.set(n.name, { ...n.labels });
            ix.namespaceRefs.set(n.name, `Namespace ${n.name} (${n.source})`);
        }
    }
    ix.rulesByHost = groupBy(ix.destinationRules, (r) => r.host);
    ix.byNamespace = { peerAuthentications: groupByNamespace(ix.peerAuthentications), destinationRules: groupByNamespace(ix.destinationRules), workloads: groupByNamespace(ix.workloads) };
    for (const s of ix.services) {
        const key = `${s.namespace}/${s.name}`;
        if (!ix.serviceByName.has(key)) {
            ix.serviceByName.set(key, s);
        }
        for (const host of [serviceHost(ix, s), `${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`]) {
            if (!ix.serviceByHost.has(host)) {
                ix.serviceByHost.set(host, s);
            }
        }
    }
    return ix;
}

/** Items by a key, in input order within each. */
function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
    const out = new Map<string, T[]>();
    for (const x of items) {
        const k = key(x);
        out.set(k, [...(out.get(k) ?? []), x]);
    }
    return out;
}

/** Items by namespace, in input order within each. */
function groupByNamespace<T extends { namespace: string }>(items: readonly T[]): Map<string, T[]> {
    const out = new Map<string, T[]>();
    for (const x of items) {
        const l = out.get(x.namespace);
        if (l === undefined) {
            out.set(x.namespace, [x]);
        } else {
            l.push(x);
        }
    }
    return out;
}

/** The items of these namespaces (each once, input order within each). */
function inNamespaces<T>(groups: Map<string, T[]>, namespaces: readonly string[]): T[] {
    const out: T[] = [];
    namespaces.forEach((ns, i) => {
        const g = namespaces.indexOf(ns) === i ? groups.get(ns) : undefined;
        if (g !== undefined) {
            out.push(...g);
        }
    });
    return out;
}

/** `effectivePeerAuthentication` reads the workload's namespace and the root namespace only. */
function peerAuthenticationsFor(ix: Index, namespace: string, rootNamespace: string): PeerAuthenticationObject[] {
    return inNamespaces(ix.byNamespace.peerAuthentications, [namespace, rootNamespace]);
}

/** A chart-deployed workload: its pods, and the Service in front of them. */
function addWorkloadFact(ix: Index, w: WorkloadFact): void {
    const ref = `Workload ${w.namespace}/${w.name} (${w.source})`;
    ix.workloads.push({
        namespace: w.namespace,
        name: w.name,
        labels: { ...w.labels },
        annotations: {},
        hostNetwork: w.hostNetwork ?? false,
        containerPorts: w.ports.map((p) => ({ name: p.name, containerPort: p.targetPort ?? p.port })),
        ref,
    });
    if (w.serviceName !== undefined) {
        ix.services.push({
            namespace: w.namespace,
            name: w.serviceName,
            selector: { ...w.labels },
            ports: w.ports.map((p) => ({ port: p.port, targetPort: p.targetPort ?? p.port, name: p.name, appProtocol: p.appProtocol })),
            ref,
        });
    }
}

/** Unmodelled objects that could change a link served in `namespace`. */
function taint(ix: Index, namespace: string): string[] {
    const root = ix.mesh?.rootNamespace;
    return [...(ix.unmodelled.get(namespace) ?? []), ...(root !== undefined && root !== namespace ? (ix.unmodelled.get(root) ?? []) : [])].sort();
}

function serviceHost(ix: Index, s: { name: string; namespace: string }): string {
    return `${s.name}.${s.namespace}.svc.${ix.mesh?.clusterDomain ?? "cluster.local"}`;
}

/** Whether the sidecar injector injects this workload's pods; undefined when the namespace's labels are unknown. */
function injected(ix: Index, w: WorkloadView): { injected: boolean; decidedBy: string[] } | undefined {
    const mesh = ix.mesh;
    if (mesh === undefined) {
        return { injected: false, decidedBy: [] };
    }
    if (w.liveSidecar !== undefined) {
        // A live Pod keeps what it was created with: the labels now decide only its replacements.
        return { injected: w.liveSidecar, decidedBy: [`${w.ref} (${w.liveSidecar ? "has" : "has no"} istio-proxy)`] };
    }
    const nsLabels = ix.namespaces.get(w.namespace);
    if (nsLabels === undefined) {
        return undefined;
    }
    const d = isSidecarInjected({
        controlPlanes: [{ revision: mesh.revision, revisionTags: mesh.revisionTags, enableNamespacesByDefault: mesh.enableNamespacesByDefault }],
        namespace: w.namespace,
        namespaceLabels: nsLabels,
        podLabels: w.labels,
        podAnnotations: w.annotations,
        hostNetwork: w.hostNetwork,
    });
    return { injected: d.injected, decidedBy: [ix.namespaceRefs.get(w.namespace) ?? `Namespace ${w.namespace}`, w.ref] };
}

function paRef(p: PeerAuthenticationObject): string {
    return `PeerAuthentication ${p.namespace}/${p.name}`;
}

/** What one server workload does with what the client sends to its `targetPort`. */
function serverOutcome(ix: Index, w: WorkloadView, targetPort: number, protocol: InboundPortProtocol, client: ClientSide): Outcome {
    const mesh = ix.mesh;
    const inj = injected(ix, w);
    if (inj === undefined) {
        return { state: "unknown", reason: `namespace ${w.namespace} is not among the objects, so whether ${w.name} has a sidecar is unknown`, decidedBy: [w.ref] };
    }
    const decidedBy = [...client.decidedBy, ...inj.decidedBy];
    // A port the sidecar does not capture reaches the application as if there were no sidecar.
    const uncaptured = inj.injected && !inboundPortCaptured(w.annotations, targetPort);
    if (!inj.injected || mesh === undefined || uncaptured) {
        const noSidecar = uncaptured ? `${w.name}'s sidecar does not capture port ${targetPort} (traffic.sidecar.istio.io annotations)` : `${w.name} has no sidecar`;
        if (client.transport.kind === "plaintext") {
            return { state: "plaintext", reason: `${noSidecar} and the client sends plain text (${client.describe})`, decidedBy };
        }
        if (client.meshCert) {
            return { state: "refused", reason: `the client sends mesh mTLS (${client.describe}) but ${noSidecar}: nothing terminates it`, decidedBy };
        }
        return client.appTerminatesTls
            ? { state: "tls", reason: `${noSidecar}; the application terminates the client's TLS itself (${client.describe})`, decidedBy }
            : { state: "unknown", reason: `the client sends TLS (${client.describe}) and ${noSidecar}; whether the application terminates TLS is not declared`, decidedBy };
    }
    const pa = effectivePeerAuthentication(peerAuthenticationsFor(ix, w.namespace, mesh.rootNamespace), w.namespace, mesh.rootNamespace, w.labels, targetPort);
    for (const chosen of [pa.mesh, pa.namespace, pa.workload]) {
        if (chosen !== undefined && chosen !== "unknown") {
            decidedBy.push(paRef(chosen));
        }
    }
    if (pa.mode === "unknown") {
        return { state: "unknown", reason: `several same-scope PeerAuthentications apply to ${w.name} and their creation order (which decides) is unknown`, decidedBy };
    }
    const chain = inboundFilterChain(pa.mode, client.transport, protocol);
    const alpn = client.transport.kind === "tls" ? ` (ALPN ${client.transport.alpn.length ? client.transport.alpn.join(",") : "none"})` : "";
    switch (chain) {
        case "mtls":
            return client.meshCert
                ? { state: "mtls", reason: `${pa.mode} on port ${targetPort}; the client sends mesh mTLS (${client.describe})${alpn}`, decidedBy }
                : { state: "refused", reason: `${pa.mode} on port ${targetPort} requires a mesh client certificate; the client (${client.describe}) presents none`, decidedBy };
        case "plaintext":
            if (client.transport.kind === "plaintext") {
                return { state: "plaintext", reason: `${pa.mode} on port ${targetPort} accepts plain text, which the client sends (${client.describe})`, decidedBy };
            }
            if (client.appTerminatesTls) {
                return { state: "tls", reason: `${pa.mode} on port ${targetPort} passes the client's TLS to ${w.name}, which terminates it (${client.describe})`, decidedBy };
            }
            return client.meshCert
                ? { state: "refused", reason: `${pa.mode} on port ${targetPort} passes the client's mesh mTLS bytes to ${w.name}, which does not terminate them`, decidedBy }
                : { state: "unknown", reason: `${pa.mode} on port ${targetPort} passes the client's TLS to the application; whether it terminates TLS is not declared`, decidedBy };
        case "tls-passthrough":
            if (client.appTerminatesTls) {
                return { state: "tls", reason: `${pa.mode} on port ${targetPort} passes TLS${alpn} through to ${w.name}, which terminates it (${client.describe})`, decidedBy };
            }
            return client.meshCert
                ? { state: "refused", reason: `${pa.mode} on port ${targetPort} takes TLS${alpn} without an Istio ALPN as pass-through, so the application gets the mesh handshake and fails it`, decidedBy }
                : { state: "unknown", reason: `${pa.mode} on port ${targetPort} passes the client's TLS${alpn} to the application; whether it terminates TLS is not declared`, decidedBy };
        case "none":
            return { state: "refused", reason: `${pa.mode} on port ${targetPort} has no filter chain for what the client sends (${client.describe}${alpn})`, decidedBy };
    }
}

/** The server side of a call to `service:port`, over every workload the Service selects. */
function serviceOutcome(ix: Index, svc: ServiceView, port: number, client: (w: WorkloadView) => ClientSide | Outcome): Outcome {
    if (ix.mesh?.mode === "ambient") {
        // A client that is neither ztunnel nor a mesh sidecar (the API server, Gloo's gateway-proxy).
        return overWorkloads(ix, svc, port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "none", side: client }));
    }
    return overWorkloads(ix, svc, port, (w, sp) => {
        const c = client(w);
        if ("state" in c) {
            return c;
        }
        const tp = targetAndProtocol(svc, sp, w);
        return "state" in tp ? tp : serverOutcome(ix, w, tp.target, tp.protocol, c);
    });
}

/** The container port and listener protocol a Service port reaches on `w`, or why they are unknown. */
function targetAndProtocol(svc: ServiceView, sp: ServiceView["ports"][number], w: WorkloadView): { target: number; protocol: InboundPortProtocol } | Outcome {
    const target = targetPortOf(sp, w);
    if (target === undefined) {
        return { state: "unknown", reason: `the target port of ${svc.ref} port ${sp.port} is a name ${w.name} does not declare`, decidedBy: [svc.ref, w.ref] };
    }
    const protocol = servicePortProtocol(sp);
    if (protocol === undefined) {
        return { state: "unknown", reason: `${svc.ref} port ${sp.port} is ${sp.protocol ?? ""}, which the sidecar does not capture`, decidedBy: [svc.ref] };
    }
    return { target, protocol };
}

/** One decision per workload the Service selects, combined: the same state everywhere, else unknown. */
function overWorkloads(ix: Index, svc: ServiceView, port: number, decide: (w: WorkloadView, sp: ServiceView["ports"][number]) => Outcome): Outcome {
    const sp = svc.ports.find((p) => p.port === port);
    if (sp === undefined) {
        return { state: "unknown", reason: `${svc.ref} has no port ${port}`, decidedBy: [svc.ref] };
    }
    const tainted = taint(ix, svc.namespace);
    if (tainted.length > 0) {
        return { state: "unknown", reason: `objects the engine does not model may change this link: ${tainted.join(", ")}`, decidedBy: [svc.ref, ...tainted] };
    }
    if (svc.invalid !== undefined) {
        return { state: "unknown", reason: `${svc.ref}: ${svc.invalid}, which the API server rejects`, decidedBy: [svc.ref] };
    }
    if (svc.selector === undefined) {
        return { state: "unknown", reason: `${svc.ref} has no selector (its endpoints are managed outside the objects)`, decidedBy: [svc.ref] };
    }
    const selector = svc.selector;
    const workloads = (ix.byNamespace.workloads.get(svc.namespace) ?? []).filter((w) => matchesLabels(selector, w.labels));
    if (workloads.length === 0) {
        return { state: "unknown", reason: `${svc.ref} selects no workload among the objects`, decidedBy: [svc.ref] };
    }
    const outcomes = workloads.map((w) => decide(w, sp));
    const states = new Set(outcomes.map((o) => o.state));
    const decidedBy = [svc.ref, ...outcomes.flatMap((o) => o.decidedBy)];
    if (states.size === 1) {
        return { state: outcomes[0].state, reason: outcomes.length === 1 ? outcomes[0].reason : `every selected workload: ${outcomes[0].reason}`, decidedBy };
    }
    return { state: "unknown", reason: `the selected workloads differ: ${outcomes.map((o, i) => `${workloads[i].name} ${o.state}`).join(", ")}`, decidedBy };
}

// ---------------------------------------------------------------------------------------------------------
// Ambient mode (MeshFacts.mode "ambient"). Each end of a link is ambient (ztunnel captures the pod), a
// sidecar, or outside the mesh (rules/ambientEnrollment.ts); an ambient server's PeerAuthentications are
// enforced by ztunnel (rules/ztunnelPeerAuthentication.ts); what the link carries comes from
// rules/ambientTransport.ts, or from the sidecar rules when neither end is ambient. ztunnel subscribes only
// to `istio.workload.Address` and `istio.security.Authorization` (istio/ztunnel 1.30.3 src/xds/types.rs), so
// it never reads a DestinationRule.

/** A link's client in an ambient mesh: ztunnel (or a waypoint: an HBONE client), a mesh sidecar, or a client outside the mesh. */
type AmbientClient =
    | { end: "ambient"; describe: string }
    | { end: "sidecar" | "none"; side: (w: WorkloadView) => ClientSide | Outcome };

/** A workload's data plane in an ambient mesh, and what decided it. */
interface Dataplane {
    mode: "ambient" | "sidecar" | "none";
    reason: string;
    decidedBy: string[];
}

/**
 * An ambient link's server end: the workload's target port and its protocol, and its data plane; or the
 * outcome that decides the link before them (an undeclared named port, a host-network pod).
 */
function ambientEndpoint(ix: Index, svc: ServiceView, sp: ServiceView["ports"][number], w: WorkloadView): { tp: { target: number; protocol: InboundPortProtocol }; dp: Dataplane } | Outcome {
    const tp = targetAndProtocol(svc, sp, w);
    if ("state" in tp) {
        return tp;
    }
    const dp = dataplane(ix, w);
    return "state" in dp ? dp : { tp, dp };
}

/**
 * The data plane of `w` in an ambient mesh (rules/ambientEnrollment.ts podDataplane, with the injector's
 * decision from `injected`); unknown when its namespace's labels are unknown, for a host-network pod (the
 * CNI plugin is not run for it: not modelled) and in a namespace enrolled both ways (namespaceEnrollmentConflict:
 * the injector wins for its pods, but istioctl analyze calls it undefined behaviour and meshtls refuses it).
 */
function dataplane(ix: Index, w: WorkloadView): Dataplane | Outcome {
    if (w.hostNetwork) {
        return { state: "unknown", reason: `${w.name} uses hostNetwork: istio-cni does not run for it and the engine does not model its ambient capture`, decidedBy: [w.ref] };
    }
    const inj = injected(ix, w);
    const labels = ix.namespaces.get(w.namespace);
    const nsRef = ix.namespaceRefs.get(w.namespace) ?? `Namespace ${w.namespace}`;
    if (inj === undefined || (labels === undefined && !inj.injected)) {
        return { state: "unknown", reason: `namespace ${w.namespace} is not among the objects, so ${w.name}'s data plane (ambient, sidecar or none) is unknown`, decidedBy: [w.ref] };
    }
    const conflict = labels === undefined ? undefined : namespaceEnrollmentConflict(labels);
    if (conflict !== undefined) {
        return { state: "unknown", reason: `${w.namespace}: ${conflict}`, decidedBy: [nsRef, w.ref] };
    }
    const d = podDataplane({ namespace: w.namespace, namespaceLabels: labels ?? {}, podLabels: w.labels, podAnnotations: w.annotations, sidecarInjected: inj.injected });
    return { mode: d.mode, reason: d.reason, decidedBy: [...inj.decidedBy, ...(labels === undefined ? [] : [nsRef]), w.ref] };
}

/**
 * Whether the injector gives any workload among the input a sidecar (then `mesh sidecar` clients exist). The
 * injector's decision alone: it does not read `istio.io/dataplane-mode`, so it counts in a namespace enrolled
 * both ways too.
 */
function hasSidecarWorkloads(ix: Index): boolean {
    return ix.workloads.some((w) => injected(ix, w)?.injected === true);
}

/** What ztunnel enforces on `port` of an ambient workload (rules/ztunnelPeerAuthentication.ts), from the oldest PeerAuthentication per scope. */
function ztunnelMode(ix: Index, w: WorkloadView, port: number): { mode: "STRICT" | "PERMISSIVE"; reason: string; decidedBy: string[] } | Outcome {
    const root = (ix.mesh as MeshFacts).rootNamespace;
    const pa = effectivePeerAuthentication(peerAuthenticationsFor(ix, w.namespace, root), w.namespace, root, w.labels, port);
    const chosen = [pa.mesh, pa.namespace, pa.workload];
    if (chosen.includes("unknown")) {
        return { state: "unknown", reason: `several same-scope PeerAuthentications apply to ${w.name} and their creation order (which decides what ztunnel enforces) is unknown`, decidedBy: [w.ref] };
    }
    const spec = (p: PeerAuthenticationObject | undefined): AmbientPeerAuthenticationSpec | undefined =>
        p === undefined ? undefined : { mode: p.mode, ...(p.portLevelMtls === undefined ? {} : { portLevelMtls: p.portLevelMtls }), ...(p.selector === undefined ? {} : { selector: p.selector }) };
    const as = (c: typeof pa.mesh) => (c === "unknown" ? undefined : c);
    const z = ztunnelEnforcedMode({ mesh: spec(as(pa.mesh)), namespace: spec(as(pa.namespace)), workload: spec(as(pa.workload)) }, port);
    return { mode: z.mode, reason: z.reason, decidedBy: chosen.flatMap((c) => (c === undefined || c === "unknown" ? [] : [paRef(c)])) };
}

/** A DestinationRule that would set TLS for `svc:port` (a sidecar client's), which ztunnel does not apply: named in the reason. */
function ignoredRuleNote(ix: Index, svc: ServiceView, port: number): { note: string; decidedBy: string[] } {
    const found = ruleFor(ix, svc, NEUTRAL_CLIENT_NAMESPACE);
    const dr = found.rule;
    const tls = dr === undefined ? undefined : dr.portTls.has(port) ? dr.portTls.get(port) : dr.tls;
    if (dr === undefined || tls === undefined || tls === "auto") {
        return { note: "", decidedBy: [] };
    }
    return { note: `; ${dr.ref} sets tls, which ztunnel does not apply (it reads no DestinationRule)`, decidedBy: [dr.ref] };
}

/** The server side of a call from `client` to one workload `w` behind `svc` in an ambient mesh. */
function ambientServerOutcome(ix: Index, svc: ServiceView, w: WorkloadView, sp: ServiceView["ports"][number], client: AmbientClient): Outcome {
    const e = ambientEndpoint(ix, svc, sp, w);
    if ("state" in e) {
        return e;
    }
    const { tp, dp } = e;
    const side = client.end === "ambient" ? undefined : client.side(w);
    if (side !== undefined && "state" in side) {
        return side;
    }
    const clientBy = side?.decidedBy ?? [];
    const clientName = client.end === "ambient" ? client.describe : client.end === "sidecar" ? "a mesh sidecar" : `a client outside the mesh (${(side as ClientSide).describe})`;
    if (dp.mode === "ambient") {
        const z = ztunnelMode(ix, w, tp.target);
        if ("state" in z) {
            return { ...z, decidedBy: [...dp.decidedBy, ...z.decidedBy] };
        }
        const decidedBy = [...dp.decidedBy, ...z.decidedBy, ...clientBy];
        const server = `${w.name} is ambient; ztunnel enforces ${z.mode} on port ${tp.target} (${z.reason})`;
        if (client.end === "none") {
            const c = side as ClientSide;
            const r = ambientLinkState({ client: "none", clientSendsTls: c.transport.kind === "tls", server: "ambient", serverMode: z.mode });
            if (r.state === "tls" && !c.appTerminatesTls) {
                return c.meshCert
                    ? { state: "refused", reason: `${server}; ${clientName}: ${r.reason}, and the application does not terminate the mesh handshake`, decidedBy }
                    : { state: "unknown", reason: `${server}; ${clientName}: ${r.reason}; whether the application terminates TLS is not declared`, decidedBy };
            }
            return { state: r.state, reason: `${server}; ${clientName}: ${r.reason}`, decidedBy };
        }
        const r = ambientLinkState({ client: client.end, clientHbone: true, server: "ambient", serverMode: z.mode });
        const dr = client.end === "ambient" ? ignoredRuleNote(ix, svc, sp.port) : { note: "", decidedBy: [] };
        return { state: r.state, reason: `${server}; ${clientName}: ${r.reason}${dr.note}`, decidedBy: [...decidedBy, ...dr.decidedBy] };
    }
    if (client.end === "ambient") {
        // The ambient profile sets ISTIO_META_ENABLE_HBONE, so an injected server listens for HBONE (ambientTransport.ts);
        // serverMode is read only for a sidecar without HBONE.
        const r = ambientLinkState({ client: "ambient", server: dp.mode, serverHbone: true, serverMode: "STRICT" });
        const dr = ignoredRuleNote(ix, svc, sp.port);
        const server = dp.mode === "sidecar" ? `${w.name} runs a sidecar` : `${w.name} is outside the mesh (${dp.reason})`;
        return { state: r.state, reason: `${server}; ${clientName}: ${r.reason}${dr.note}`, decidedBy: [...dp.decidedBy, ...dr.decidedBy] };
    }
    // Neither end is ambient: the sidecar rules (ambientTransport.ts leaves these links to them).
    return serverOutcome(ix, w, tp.target, tp.protocol, side as ClientSide);
}

/** What a client outside the mesh sends: plain text, no certificate. */
const UNENROLLED_CLIENT: ClientSide = Object.freeze({ transport: { kind: "plaintext" }, meshCert: false, describe: "plain text", decidedBy: [] }) as ClientSide;

/** The `service` links of one Service port in an ambient mesh: ztunnel (`mesh`), a sidecar (`mesh sidecar`, in a mixed mesh) and `unenrolled` clients. */
function ambientServiceLinks(ix: Index, svc: ServiceView, port: number, sidecars: boolean): PostureLink[] {
    const server = `${svc.namespace}/${svc.name}:${port}`;
    const out = [link("service", "mesh", server, overWorkloads(ix, svc, port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "ambient", describe: "an ambient client" })))];
    if (sidecars) {
        out.push(link("service", "mesh sidecar", server, overWorkloads(ix, svc, port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "sidecar", side: (x) => meshClient(ix, svc, port, x) }))));
    }
    out.push(link("service", "unenrolled", server, overWorkloads(ix, svc, port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "none", side: () => UNENROLLED_CLIENT }))));
    return out;
}

/** A `targetRefs[]` entry (or the older singular `targetRef`) as the ambient authorization rule reads it. */
function targetRefs(spec: Record<string, unknown>): AmbientTargetRef[] {
    return [...list(spec.targetRefs), ...(spec.targetRef === undefined ? [] : [spec.targetRef])].map(record).map((r) => ({
        ...(typeof r.group === "string" ? { group: r.group } : {}),
        kind: typeof r.kind === "string" ? r.kind : "",
        name: typeof r.name === "string" ? r.name : "",
        ...(typeof r.namespace === "string" ? { namespace: r.namespace } : {}),
    }));
}

/** A label's value, or undefined when the object does not carry it. */
function label(labels: Record<string, string>, key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

const WAYPOINT_FOR: readonly string[] = ["service", "workload", "all", "none"];

/** The facts rules/ambientAuthorization.ts reads, from the objects: Gateways, Services with their waypoint, the sidecar pods of `namespace`. */
function ambientAuthorizationFacts(ix: Index, namespace: string): AmbientAuthorizationFacts {
    const gateways = ix.gateways.map((g) => {
        const wf = g.metadata.labels?.[WAYPOINT_FOR_LABEL];
        return {
            namespace: g.metadata.namespace ?? "default",
            name: g.metadata.name,
            gatewayClassName: typeof record(g.spec).gatewayClassName === "string" ? (record(g.spec).gatewayClassName as string) : "",
            ...(wf !== undefined && WAYPOINT_FOR.includes(wf) ? { waypointFor: wf as WaypointTrafficType } : {}),
        };
    });
    const services = ix.services.map((s) => {
        // waypoints.go: the Service's label, else its namespace's; "none" binds nothing.
        const nsLabels = ix.namespaces.get(s.namespace) ?? {};
        const svcLabels = s.labels ?? {};
        const from = label(svcLabels, USE_WAYPOINT_LABEL) !== undefined ? svcLabels : nsLabels;
        const name = label(from, USE_WAYPOINT_LABEL);
        const ingress = label(svcLabels, INGRESS_USE_WAYPOINT_LABEL) ?? label(nsLabels, INGRESS_USE_WAYPOINT_LABEL);
        return {
            namespace: s.namespace,
            name: s.name,
            ...(name !== undefined && name !== "none" ? { waypoint: { name, namespace: label(from, USE_WAYPOINT_NAMESPACE_LABEL) ?? s.namespace } } : {}),
            ingressUseWaypoint: ingress === "true",
        };
    });
    const facts: AmbientAuthorizationFacts = { rootNamespace: (ix.mesh as MeshFacts).rootNamespace, gateways, services };
    const dps = (ix.byNamespace.workloads.get(namespace) ?? []).map((w) => ({ w, d: dataplane(ix, w) }));
    if (ix.namespaces.has(namespace) && dps.every((x) => !("state" in x.d))) {
        facts.sidecarPodLabels = dps.filter((x) => (x.d as Dataplane).mode === "sidecar").map((x) => x.w.labels);
    }
    return facts;
}

/**
 * The ext-authz link to provider `p` (Service `svc`) in an ambient mesh: the proxies that enforce a CUSTOM
 * policy naming `p` call it (rules/ambientAuthorization.ts). A policy no proxy enforces puts nothing on the
 * data path: with no enforced policy the link is `unknown`, its reason starting "not enforced:".
 */
function ambientExtAuthzOutcome(ix: Index, p: { name: string; port: number }, svc: ServiceView, clusterExists: boolean | undefined, cluster: string): Outcome {
    const policies = ix.customPolicies.filter((o) => record(record(o.spec).provider).name === p.name);
    if (policies.length === 0) {
        return { state: "unknown", reason: `not enforced: no CUSTOM AuthorizationPolicy names provider ${p.name} among the objects, so no proxy calls it`, decidedBy: [svc.ref] };
    }
    const verdicts: Array<{ ref: string; v: AmbientCustomResult }> = policies.map((o) => {
        const spec = record(o.spec);
        const selector = stringMap(record(spec.selector).matchLabels);
        const refs = targetRefs(spec);
        const policy: AmbientCustomPolicy = { namespace: o.metadata.namespace ?? "default", ...(Object.keys(selector).length ? { selector } : {}), ...(refs.length ? { targetRefs: refs } : {}) };
        return { ref: ref(o), v: customAuthorizationInAmbient(policy, ambientAuthorizationFacts(ix, policy.namespace)) };
    });
    const refs = verdicts.map((x) => x.ref);
    const enforced = verdicts.filter((x) => x.v.enforced === true);
    const unknown = verdicts.filter((x) => x.v.enforced === "unknown");
    if (enforced.length === 0) {
        return unknown.length > 0
            ? { state: "unknown", reason: `whether a proxy enforces ${unknown.map((x) => `${x.ref} (${x.v.reason})`).join("; ")} is unknown`, decidedBy: refs }
            : { state: "unknown", reason: `not enforced: ${verdicts.map((x) => `${x.ref}: ${x.v.reason}`).join("; ")}`, decidedBy: refs };
    }
    if (clusterExists === false) {
        return { state: "refused", reason: `${svc.ref} has no port ${p.port}, so the cluster ${cluster} does not exist and the CUSTOM policies deny`, decidedBy: [svc.ref, ...refs] };
    }
    const by = [...new Set(enforced.map((x) => x.v.by))].sort();
    const outcomes = by.map((b): Outcome => {
        const who = enforced.filter((x) => x.v.by === b).map((x) => x.ref);
        if (b === "waypoint") {
            // A waypoint is an istiod-programmed Envoy: its EDS endpoints are tunnelled (HBONE) when the endpoint supports it, whatever the
            // proxy (istio 1.30.3 pilot/pkg/xds/endpoints/endpoint_builder.go supportTunnel; only proxyless gRPC is excluded), as ztunnel does.
            const o = overWorkloads(ix, svc, p.port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "ambient", describe: `the waypoint enforcing ${who.join(", ")} (an HBONE client)` }));
            return o;
        }
        if (b === "sidecar") {
            return overWorkloads(ix, svc, p.port, (w, sp) => ambientServerOutcome(ix, svc, w, sp, { end: "sidecar", side: (x) => meshClient(ix, svc, p.port, x) }));
        }
        return { state: "unknown", reason: `${who.join(", ")} is enforced by an Istio gateway, whose connection to the provider in an ambient mesh the engine does not model`, decidedBy: [] };
    });
    const notEnforced = verdicts.filter((x) => x.v.enforced !== true).map((x) => `${x.ref} is not enforced (${x.v.reason})`);
    const extra = notEnforced.length > 0 ? `; ${notEnforced.join("; ")}` : "";
    const decidedBy = [...refs, ...outcomes.flatMap((o) => o.decidedBy)];
    if (new Set(outcomes.map((o) => o.state)).size === 1) {
        return { state: outcomes[0].state, reason: `enforced by ${by.join(", ")} (${enforced.map((x) => x.ref).join(", ")}): ${outcomes.map((o) => o.reason).join("; ")}${extra}`, decidedBy };
    }
    return { state: "unknown", reason: `the enforcing proxies differ: ${by.map((b, i) => `${b ?? "?"} ${outcomes[i].state}`).join(", ")}${extra}`, decidedBy };
}

/**
 * The gateway -> Authorino / Limitador link in an ambient mesh (rules/kuadrantAmbient.ts). The gateway pod is
 * captured by ztunnel when its namespace is ambient (the class-istio gateway template sets no
 * `istio.io/dataplane-mode: none`; the pod's own labels are not among the objects); unknown for an EnvoyFilter
 * in `*` (every gateway) or a namespace whose labels are unknown.
 */
function ambientKuadrantOutcome(ix: Index, ef: KubeObject, cluster: string, svc: ServiceView, port: number, c: ClientSide): Outcome {
    const gwNs = ef.metadata.namespace ?? "default";
    const gwLabels = ix.namespaces.get(gwNs);
    const captured = gwLabels === undefined ? undefined : podDataplane({ namespace: gwNs, namespaceLabels: gwLabels, podLabels: {} }).mode === "ambient";
    const gwBy = gwLabels === undefined ? [] : [ix.namespaceRefs.get(gwNs) ?? `Namespace ${gwNs}`];
    const component = cluster === "kuadrant-auth-service" ? "authorino" : "limitador";
    return overWorkloads(ix, svc, port, (w, sp) => {
        const e = ambientEndpoint(ix, svc, sp, w);
        if ("state" in e) {
            return e;
        }
        const { tp, dp } = e;
        let serverMode: PeerAuthenticationModeName = "PERMISSIVE";
        const by = [...c.decidedBy, ...gwBy, ...dp.decidedBy];
        if (dp.mode === "ambient") {
            const z = ztunnelMode(ix, w, tp.target);
            if ("state" in z) {
                return { ...z, decidedBy: [...by, ...z.decidedBy] };
            }
            serverMode = z.mode;
            by.push(...z.decidedBy);
        } else if (dp.mode === "sidecar") {
            const root = (ix.mesh as MeshFacts).rootNamespace;
            const pa = effectivePeerAuthentication(peerAuthenticationsFor(ix, w.namespace, root), w.namespace, root, w.labels, tp.target);
            if (pa.mode === "unknown") {
                return { state: "unknown", reason: `several same-scope PeerAuthentications apply to ${w.name} and their creation order (which decides) is unknown`, decidedBy: by };
            }
            serverMode = pa.mode;
            by.push(...[pa.mesh, pa.namespace, pa.workload].flatMap((x) => (x === undefined || x === "unknown" ? [] : [paRef(x)])));
        }
        const r = kuadrantAmbientLink({ component, clusterTls: c.transport.kind === "tls", serverDataplane: dp.mode, serverMode, gatewayCapturedByZtunnel: captured, serverPortProtocol: tp.protocol });
        const gw = captured === undefined ? `gateway namespace ${gwNs === "*" ? "* (every gateway)" : gwNs} labels unknown` : `gateway namespace ${gwNs} ${captured ? "is" : "is not"} ambient`;
        return { state: r.state, reason: `${c.describe}; ${gw}; ${w.name} is ${dp.mode === "none" ? "outside the mesh" : dp.mode}: ${r.reason}`, decidedBy: by };
    });
}

/** The container port a Service port reaches on `w` (a named targetPort is looked up in its container ports). */
function targetPortOf(sp: ServiceView["ports"][number], w: WorkloadView): number | undefined {
    const r = servicePortToTargetPort([{ port: sp.port, targetPort: sp.targetPort, name: sp.name }], sp.port);
    if (r.kind === "number") {
        return r.port;
    }
    return r.kind === "named" ? w.containerPorts.find((p) => p.name === r.name)?.containerPort : undefined;
}

/**
 * The DestinationRule a client in `clientNamespace` uses for `svc` (push_context.go lookup), merged as
 * Istio merges several rules of one host in one namespace (istio 1.30.3 pilot/pkg/model/
 * destination_rule.go, push_context.go setDestinationRules): sorted by creation time, the oldest rule's
 * trafficPolicy wins (the next one's when it has none); `unknown` when that order is unknown and the
 * candidates' policies differ.
 */
function ruleFor(ix: Index, svc: ServiceView, clientNamespace: string): { rule?: RuleView; unknown?: Outcome } {
    const mesh = ix.mesh as MeshFacts;
    const host = serviceHost(ix, svc);
    // applicableDestinationRule reads the client's, the service's and the root namespace's rules only.
    const rules = inNamespaces(ix.byNamespace.destinationRules, [clientNamespace, svc.namespace, mesh.rootNamespace]);
    const found = applicableDestinationRule({ clientNamespace, host, serviceNamespace: svc.namespace, rootNamespace: mesh.rootNamespace }, rules) as RuleView | undefined;
    if (found === undefined) {
        return {};
    }
    const same = rules.filter((r) => r.namespace === found.namespace && r.host === found.host);
    if (same.length === 1) {
        return { rule: found };
    }
    const refs = same.map((r) => r.ref);
    const policy = (r: RuleView) => JSON.stringify([r.tls, [...r.portTls]]);
    if (same.some((r) => r.createdAt === undefined)) {
        return new Set(same.filter((r) => r.hasTrafficPolicy).map(policy)).size <= 1
            ? { rule: same.find((r) => r.hasTrafficPolicy) ?? found }
            : { unknown: { state: "unknown", reason: `several DestinationRules for ${host} (${refs.join(", ")}) set different TLS and their creation order (which decides) is unknown`, decidedBy: refs } };
    }
    const ordered = [...same].sort((a, b) => (a.createdAt as number) - (b.createdAt as number) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { rule: ordered.find((r) => r.hasTrafficPolicy) ?? ordered[0] };
}

/** What an injected mesh sidecar in `clientNamespace` sends to `svc:port` on an endpoint of `w` (DestinationRule, else auto-mTLS). */
function meshClient(ix: Index, svc: ServiceView, port: number, w: WorkloadView, clientNamespace = NEUTRAL_CLIENT_NAMESPACE): ClientSide | Outcome {
    const mesh = ix.mesh;
    if (mesh === undefined) {
        return { state: "unknown", reason: "no Istio installation is declared, so mesh clients are unknown", decidedBy: [svc.ref] };
    }
    const found = ruleFor(ix, svc, clientNamespace);
    if (found.unknown !== undefined) {
        return found.unknown;
    }
    const dr = found.rule;
    if (dr?.hasWorkloadSelector) {
        return { state: "unknown", reason: `${dr.ref} has a workloadSelector, which the engine does not model`, decidedBy: [dr.ref] };
    }
    if (dr?.subsetTls) {
        return { state: "unknown", reason: `${dr.ref} sets TLS on a subset; routes that pick it use that TLS, and routes are not modelled`, decidedBy: [dr.ref] };
    }
    // A port entry replaces the policy for its port (util.go GetPortLevelTrafficPolicy): its tls, or none.
    const tls = dr === undefined ? undefined : dr.portTls.has(port) ? dr.portTls.get(port) : dr.tls;
    if (typeof tls === "object") {
        return { state: "unknown", reason: `${dr?.ref ?? ""} has ${tls.invalid}, which the API server rejects`, decidedBy: dr ? [dr.ref] : [] };
    }
    if (dr !== undefined && tls !== undefined && tls !== "auto") {
        return clientForMode(tls, `${tls} from ${dr.ref}${dr.portTls.has(port) ? ` (port ${port})` : ""}`, [dr.ref]);
    }
    const by = dr ? [dr.ref] : [];
    if (!mesh.enableAutoMtls) {
        return { transport: { kind: "plaintext" }, meshCert: false, describe: "auto-mTLS off, no DestinationRule tls", decidedBy: by };
    }
    // istio 1.30.3 pilot/pkg/model/push_context.go BestEffortInferServiceMTLSMode: the service's namespace
    // (else mesh) PeerAuthentication mode; DISABLE turns auto-mTLS off (cluster_tls.go buildUpstreamTLSSettings).
    const nsMode = effectivePeerAuthentication(peerAuthenticationsFor(ix, svc.namespace, mesh.rootNamespace), svc.namespace, mesh.rootNamespace, {});
    if (nsMode.mode === "unknown") {
        return { state: "unknown", reason: `several namespace-wide PeerAuthentications decide auto-mTLS to ${svc.ref} and their creation order is unknown`, decidedBy: [svc.ref] };
    }
    for (const chosen of [nsMode.mesh, nsMode.namespace]) {
        if (chosen !== undefined && chosen !== "unknown") {
            by.push(paRef(chosen));
        }
    }
    if (nsMode.mode === "DISABLE") {
        return { transport: { kind: "plaintext" }, meshCert: false, describe: "auto-mTLS off: the service's namespace is DISABLE", decidedBy: by };
    }
    // Auto-mTLS is a transport-socket match on the endpoint label `security.istio.io/tlsMode: istio`,
    // which injection sets (cluster_tls.go applyUpstreamTLSSettings).
    const inj = injected(ix, w);
    if (inj === undefined) {
        return { state: "unknown", reason: `namespace ${w.namespace} is not among the objects, so whether auto-mTLS sends mTLS to ${w.name} is unknown`, decidedBy: [w.ref] };
    }
    return inj.injected
        ? { transport: { kind: "tls", alpn: ISTIO_CLIENT_ALPN }, meshCert: true, describe: "auto-mTLS, ISTIO_MUTUAL", decidedBy: by }
        : { transport: { kind: "plaintext" }, meshCert: false, describe: "auto-mTLS, endpoint without sidecar", decidedBy: by };
}

function clientForMode(mode: ClientTlsMode, describe: string, decidedBy: string[]): ClientSide {
    switch (mode) {
        case "ISTIO_MUTUAL":
            return { transport: { kind: "tls", alpn: ISTIO_CLIENT_ALPN }, meshCert: true, describe, decidedBy };
        case "DISABLE":
            return { transport: { kind: "plaintext" }, meshCert: false, describe, decidedBy };
        case "SIMPLE":
        case "MUTUAL":
            // User-supplied TLS: no Istio ALPN, and (MUTUAL) a certificate the mesh did not issue.
            return { transport: { kind: "tls", alpn: [] }, meshCert: false, describe, decidedBy };
    }
}

function findService(ix: Index, host: string): ServiceView | undefined {
    return ix.serviceByHost.get(host);
}

function link(kind: PostureLink["kind"], client: string, server: string, o: Outcome): PostureLink {
    return { id: `${client} -> ${server}`, client, server, kind, state: o.state, reason: o.reason, decidedBy: [...new Set(o.decidedBy)].sort() };
}

/**
 * The namespaces whose own clients see another DestinationRule for `svc` than a client in a namespace
 * without rules does (a rule in the client's namespace is looked up first: push_context.go): each gets
 * its own link, so a rule private to one namespace is not hidden behind `mesh`.
 */
function clientNamespacesWithOwnRule(ix: Index, svc: ServiceView): string[] {
    const mesh = ix.mesh;
    if (mesh === undefined) {
        return [];
    }
    const host = serviceHost(ix, svc);
    const labels = host.split(".");
    // The patterns that can match the host: itself, `*`, and `*.` + each of its suffixes (hostMatches).
    const patterns = [host, "*", ...labels.slice(1).map((_, i) => `*.${labels.slice(i + 1).join(".")}`)];
    const namespaces = new Set(patterns.flatMap((p) => (ix.rulesByHost.get(p) ?? []).map((r) => r.namespace)));
    const neutral = ruleFor(ix, svc, NEUTRAL_CLIENT_NAMESPACE);
    return [...namespaces].filter((ns) => {
        const own = ruleFor(ix, svc, ns);
        return own.rule !== neutral.rule || (own.unknown === undefined) !== (neutral.unknown === undefined);
    });
}

function serviceLinks(ix: Index): PostureLink[] {
    const mesh = ix.mesh;
    const out: PostureLink[] = [];
    const sidecars = mesh?.mode === "ambient" && hasSidecarWorkloads(ix);
    for (const svc of ix.services) {
        // istiod's own Service: proxies reach it through their bootstrap, not as a mesh service (istiod-xds).
        if (mesh !== undefined && svc.namespace === mesh.istioNamespace && svc.selector?.app === "istiod") {
            continue;
        }
        if (mesh?.mode === "ambient") {
            // ztunnel reads no DestinationRule, so there is no `mesh ns/<ns>` client per namespace here.
            out.push(...svc.ports.flatMap((p) => ambientServiceLinks(ix, svc, p.port, sidecars)));
            continue;
        }
        const own = clientNamespacesWithOwnRule(ix, svc);
        for (const p of svc.ports) {
            const server = `${svc.namespace}/${svc.name}:${p.port}`;
            out.push(link("service", "mesh", server, serviceOutcome(ix, svc, p.port, (w) => meshClient(ix, svc, p.port, w))));
            for (const ns of own) {
                out.push(link("service", `mesh ns/${ns}`, server, serviceOutcome(ix, svc, p.port, (w) => meshClient(ix, svc, p.port, w, ns))));
            }
        }
    }
    return out;
}

function extAuthzLinks(ix: Index): PostureLink[] {
    const out: PostureLink[] = [];
    for (const p of ix.mesh?.extensionProviders ?? []) {
        const server = `ext_authz ${p.name} (${p.service}:${p.port})`;
        // rules/extAuthzCluster.ts: the outbound cluster of the provider's service, found in the registry.
        const found = extAuthzCluster(
            p.service,
            p.port,
            ix.services.map((s) => ({ hostname: serviceHost(ix, s), namespace: s.namespace, ports: s.ports.map((x) => x.port) })),
        );
        if (!found.found) {
            out.push(link("ext-authz", "mesh", server, { state: "unknown", reason: `the provider's service ${p.service} is not among the objects (${found.error})`, decidedBy: [] }));
            continue;
        }
        const svc = ix.services.find((s) => s.namespace === found.namespace && serviceHost(ix, s) === found.hostname) as ServiceView;
        if (ix.mesh?.mode === "ambient") {
            const o = ambientExtAuthzOutcome(ix, p, svc, found.clusterExists, found.cluster);
            out.push(link("ext-authz", "mesh", server, o.state === "refused" ? o : { ...o, reason: `ext_authz uses the outbound cluster of ${svc.namespace}/${svc.name}: ${o.reason}` }));
            continue;
        }
        if (found.clusterExists === false) {
            out.push(link("ext-authz", "mesh", server, { state: "refused", reason: `${svc.ref} has no port ${p.port}, so the cluster ${found.cluster} does not exist and the CUSTOM policies deny`, decidedBy: [svc.ref] }));
            continue;
        }
        const o = serviceOutcome(ix, svc, p.port, (w) => meshClient(ix, svc, p.port, w));
        out.push(link("ext-authz", "mesh", server, { ...o, reason: `ext_authz uses the outbound cluster of ${svc.namespace}/${svc.name}: ${o.reason}` }));
    }
    return out;
}

/** What a transport socket of an Envoy cluster sends (Kuadrant's EnvoyFilter clusters; rules/kuadrantClusterTransport.ts). */
function transportSocketClient(socket: unknown, describe: string, decidedBy: string[]): ClientSide | Outcome {
    const r = readClusterTransportSocket(socket);
    if (!r.known) {
        return { state: "unknown", reason: `${describe}: ${r.reason}`, decidedBy };
    }
    // The certificate is the mesh's when it comes from the istio-agent's SDS secret `default`.
    const sds = list(record(record(record(socket).typed_config).common_tls_context).tls_certificate_sds_secret_configs).map(record);
    const meshCert = r.tls.clientCertificate && sds.some((c) => c.name === "default");
    return { transport: r.tls.transport, meshCert, describe: `${describe}: ${r.tls.transport.kind === "tls" ? "TLS transport socket" : "no transport socket"}`, decidedBy };
}

function clusterEndpoint(value: Record<string, unknown>): { host: string; port: number } | undefined {
    for (const e of list(record(value.load_assignment).endpoints).map(record)) {
        for (const le of list(e.lb_endpoints).map(record)) {
            const sa = record(record(record(record(le.endpoint).address).socket_address));
            if (typeof sa.address === "string" && typeof sa.port_value === "number") {
                return { host: sa.address, port: sa.port_value };
            }
        }
    }
    return undefined;
}

function kuadrantLinks(ix: Index): PostureLink[] {
    const out: PostureLink[] = [];
    for (const ef of ix.envoyFilters) {
        const efRef = ref(ef);
        const gw = ef.metadata.name.replace(/^kuadrant-(auth|ratelimiting)-/, "");
        const client = `gateway ${ef.metadata.namespace ?? ""}/${gw}`;
        for (const p of list(record(ef.spec).configPatches).map(record)) {
            const value = record(record(p.patch).value);
            const ep = clusterEndpoint(value);
            const server = ep === undefined ? `${String(value.name)} (no endpoint)` : `${ep.host}:${ep.port}`;
            if (ep === undefined) {
                out.push(link("kuadrant", client, server, { state: "unknown", reason: `${efRef} cluster ${String(value.name)} has no endpoint address`, decidedBy: [efRef] }));
                continue;
            }
            const svc = findService(ix, ep.host);
            if (svc === undefined) {
                out.push(link("kuadrant", client, server, { state: "unknown", reason: `${ep.host} is not a Service among the objects`, decidedBy: [efRef] }));
                continue;
            }
            const c = transportSocketClient(value.transport_socket, `${efRef} cluster ${String(value.name)}`, [efRef]);
            const outcome = "state" in c ? c : ix.mesh?.mode === "ambient" ? ambientKuadrantOutcome(ix, ef, String(value.name), svc, ep.port, c) : serviceOutcome(ix, svc, ep.port, () => c);
            out.push(link("kuadrant", client, `${svc.namespace}/${svc.name}:${ep.port}`, outcome));
        }
    }
    return out;
}

/**
 * What Gloo's Envoy sends to an Upstream from its `sslConfig` (rules/glooUpstreamTls.ts); the certificate is
 * the mesh's when it comes from the istio-proxy sidecar's SDS (`istio_server_cert`). Without `sslConfig`,
 * Gloo's Istio auto-mTLS (Settings `istioOptions.enableAutoMtls`, not among the objects) decides for an
 * endpoint with a sidecar, so that case is unknown; to one without, Gloo sends plain text either way.
 */
function glooUpstreamClient(ix: Index, up: KubeObject, w: WorkloadView): ClientSide | Outcome {
    const spec = record(up.spec);
    const upRef = ref(up);
    if (spec.sslConfig === undefined || spec.sslConfig === null) {
        const inj = injected(ix, w);
        if (inj === undefined || inj.injected) {
            return { state: "unknown", reason: `${upRef} has no sslConfig: Gloo's Settings enableAutoMtls (not among the objects) decides what it sends to ${w.name}`, decidedBy: [upRef] };
        }
    }
    const r = glooUpstreamTls({ sslConfig: spec.sslConfig, disableIstioAutoMtls: spec.disableIstioAutoMtls === true });
    if (!r.known) {
        return { state: "unknown", reason: `${upRef}: ${r.reason}`, decidedBy: [upRef] };
    }
    const meshCert = r.tls.clientCertificate && record(record(spec.sslConfig).sds).certificatesSecretName === "istio_server_cert";
    return { transport: r.tls.transport, meshCert, describe: `${upRef} ${spec.sslConfig === undefined ? "without sslConfig" : "sslConfig"}`, decidedBy: [upRef] };
}

function glooUpstreamLinks(ix: Index): PostureLink[] {
    const out: PostureLink[] = [];
    for (const up of ix.upstreams) {
        const kube = record(record(up.spec).kube);
        const client = `gateway-proxy ${up.metadata.namespace ?? ""}`;
        const ns = typeof kube.serviceNamespace === "string" ? kube.serviceNamespace : "";
        const name = typeof kube.serviceName === "string" ? kube.serviceName : "";
        const port = typeof kube.servicePort === "number" ? kube.servicePort : NaN;
        const server = `${ns}/${name}:${port}`;
        const svc = ix.serviceByName.get(`${ns}/${name}`);
        if (svc === undefined || Number.isNaN(port)) {
            out.push(link("gloo-upstream", client, server, { state: "unknown", reason: `${ref(up)} points at a Service that is not among the objects`, decidedBy: [ref(up)] }));
            continue;
        }
        out.push(link("gloo-upstream", client, server, serviceOutcome(ix, svc, port, (w) => glooUpstreamClient(ix, up, w))));
    }
    return out;
}

function declaredLinks(ix: Index, d: DeclaredLink): PostureLink[] {
    return d.kind === "kgateway" ? kgatewayLinks(ix, d) : [declaredLink(ix, d)];
}

function declaredLink(ix: Index, d: Exclude<DeclaredLink, { kind: "kgateway" }>): PostureLink {
    switch (d.kind) {
        case "gloo-xds": {
            const r = glooXdsLinkState(d.glooMtls);
            return link("gloo-xds", `gateway-proxy ${d.namespace}`, `gloo ${d.namespace} (xDS)`, { state: r.state, reason: r.reason, decidedBy: [d.source] });
        }
        case "istiod-xds": {
            const r = istiodXdsLinkState();
            return link("istiod-xds", "mesh", `istiod ${d.namespace} (xDS)`, { state: r.state, reason: r.reason, decidedBy: [d.source] });
        }
        case "webhook":
            return webhookLink(ix, d);
    }
}

// ---------------------------------------------------------------------------------------------------------
// kgateway (declared `kgateway` links): the Gateway's proxy calling each backendRef of the HTTPRoutes attached to
// it. rules/kgatewayIstio.ts decides the hop from the controller's flags, the gateway pods' data plane (their
// namespace's labels through the injector and ambientEnrollment, as for any workload) and the backend's (its
// PeerAuthentications, or ztunnel's enforced mode in ambient), after kgatewayBackendRefAllowed over the
// ReferenceGrants.

/** A declared kgateway Gateway. */
type KgatewayDeclared = Extract<DeclaredLink, { kind: "kgateway" }>;

/**
 * The labels kgateway v2.4.3's deployer puts on a Gateway's proxy pods (`pkg/kgateway/helm/envoy/templates/
 * deployment.yaml` pod labels and `_helpers.tpl` selectorLabels); none of them decides injection or enrollment.
 */
function kgatewayProxyPodLabels(gatewayName: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": gatewayName,
        "app.kubernetes.io/instance": gatewayName,
        "app.kubernetes.io/component": "proxy",
        "gateway.networking.k8s.io/gateway-name": gatewayName,
        "gateway.networking.k8s.io/gateway-class-name": "kgateway",
        kgateway: "kube-gateway",
    };
}


/** The gateway proxy pods' side: injected and/or ambient-enrolled, and what decided it. */
interface KgatewayGatewaySide {
    injected: boolean;
    enrolled: boolean;
    describe: string;
    decidedBy: string[];
}

/** The gateway pods' data plane: the injector on their namespace (sidecar mesh), or podDataplane (ambient mesh). */
function kgatewayGatewaySide(ix: Index, d: KgatewayDeclared): KgatewayGatewaySide | Outcome {
    const { name, namespace } = d.gateway;
    const pods: WorkloadView = { namespace, name: `${name} proxy`, labels: kgatewayProxyPodLabels(name), annotations: {}, hostNetwork: false, containerPorts: [], ref: `Gateway ${namespace}/${name}` };
    if (ix.mesh?.mode === "ambient") {
        const dp = dataplane(ix, pods);
        if ("state" in dp) {
            return dp;
        }
        return { injected: dp.mode === "sidecar", enrolled: dp.mode === "ambient", describe: `the gateway pods in ${namespace} are ${dp.mode === "none" ? "outside the mesh" : dp.mode} (${dp.reason})`, decidedBy: dp.decidedBy };
    }
    const inj = injected(ix, pods);
    if (inj === undefined) {
        return { state: "unknown", reason: `namespace ${namespace} is not among the objects, so whether the injector gives the gateway pods a sidecar is unknown`, decidedBy: [pods.ref] };
    }
    return { injected: inj.injected, enrolled: false, describe: `the gateway namespace ${namespace} is ${inj.injected ? "" : "not "}sidecar-injected`, decidedBy: inj.decidedBy };
}

/** A backend workload's side for kgatewayLinkState: its data plane and the mode enforced on the target port. */
function kgatewayBackendSide(ix: Index, w: WorkloadView, target: number): { backend: KgatewayLinkInput["backend"]; backendMode: KgatewayLinkInput["backendMode"]; describe: string; decidedBy: string[] } | Outcome {
    const mesh = ix.mesh as MeshFacts;
    let plane: "ambient" | "sidecar" | "none";
    let by: string[];
    if (mesh.mode === "ambient") {
        const dp = dataplane(ix, w);
        if ("state" in dp) {
            return dp;
        }
        plane = dp.mode;
        by = dp.decidedBy;
    } else {
        const inj = injected(ix, w);
        if (inj === undefined) {
            return { state: "unknown", reason: `namespace ${w.namespace} is not among the objects, so whether ${w.name} has a sidecar is unknown`, decidedBy: [w.ref] };
        }
        plane = inj.injected ? "sidecar" : "none";
        by = inj.decidedBy;
    }
    if (plane === "none") {
        // The mode is not read for a backend outside the mesh.
        return { backend: "none", backendMode: "PERMISSIVE", describe: `${w.name} is outside the mesh`, decidedBy: by };
    }
    if (plane === "ambient") {
        const z = ztunnelMode(ix, w, target);
        if ("state" in z) {
            return { ...z, decidedBy: [...by, ...z.decidedBy] };
        }
        return { backend: "ambient", backendMode: z.mode, describe: `${w.name} is ambient; ztunnel enforces ${z.mode} on port ${target} (${z.reason})`, decidedBy: [...by, ...z.decidedBy] };
    }
    if (!inboundPortCaptured(w.annotations, target)) {
        return { state: "unknown", reason: `${w.name}'s sidecar does not capture port ${target} (traffic.sidecar.istio.io annotations), which kgatewayIstio does not model`, decidedBy: [...by, w.ref] };
    }
    const pa = effectivePeerAuthentication(peerAuthenticationsFor(ix, w.namespace, mesh.rootNamespace), w.namespace, mesh.rootNamespace, w.labels, target);
    const paBy = [pa.mesh, pa.namespace, pa.workload].flatMap((x) => (x === undefined || x === "unknown" ? [] : [paRef(x)]));
    if (pa.mode === "unknown") {
        return { state: "unknown", reason: `several same-scope PeerAuthentications apply to ${w.name} and their creation order (which decides) is unknown`, decidedBy: [...by, ...paBy] };
    }
    if (pa.mode === "DISABLE") {
        return { state: "unknown", reason: `DISABLE on port ${target} of ${w.name}'s sidecar: kgatewayIstio models a sidecar backend under STRICT or PERMISSIVE only`, decidedBy: [...by, ...paBy] };
    }
    return { backend: "sidecar", backendMode: pa.mode, describe: `${w.name} runs a sidecar; ${pa.mode} on port ${target}`, decidedBy: [...by, ...paBy] };
}

/** The `kgateway` link to one backendRef `ns/name:port` of `route`. */
function kgatewayOutcome(ix: Index, d: KgatewayDeclared, mode: KgatewayIstioMode, route: KubeObject, backend: { namespace: string; name: string; port: number }, base: string[]): Outcome {
    const routeNs = route.metadata.namespace ?? "default";
    const reference = { fromNamespace: routeNs, toNamespace: backend.namespace, toName: backend.name };
    if (!kgatewayBackendRefAllowed(reference, ix.referenceGrants)) {
        // The rule refuses before it reads either end (the backend is not configured): the placeholders are not read.
        const r = kgatewayLinkState({ mode, backend: "none", backendMode: "STRICT", referenceAllowed: false });
        return { state: r.state, reason: `${ref(route)} -> ${backend.namespace}/${backend.name}: no ReferenceGrant in ${backend.namespace} allows it; ${r.reason}`, decidedBy: base };
    }
    const grants = routeNs === backend.namespace ? [] : ix.referenceGrants.filter((g) => kgatewayBackendRefAllowed(reference, [g])).map((g) => g.ref);
    const by = [...base, ...grants];
    const svc = ix.serviceByName.get(`${backend.namespace}/${backend.name}`);
    if (svc === undefined) {
        return { state: "unknown", reason: `${ref(route)} refers to Service ${backend.namespace}/${backend.name}, which is not among the objects`, decidedBy: by };
    }
    by.push(svc.ref);
    const annotation = svc.annotations?.[KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION];
    // kgateway reads the disable annotation with Go's strconv.ParseBool (`pkg/pluginsdk/ir/backend.go` lines 786-802).
    if (annotation !== undefined && typeof goBool(annotation) !== "boolean") {
        return { state: "unknown", reason: `${svc.ref} has ${KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION}: ${JSON.stringify(annotation)}, which kgateway cannot parse as a boolean (it records a backend error)`, decidedBy: by };
    }
    if (ix.mesh === undefined) {
        return { state: "unknown", reason: "no Istio installation is declared, so the mesh ends of the kgateway link are unknown", decidedBy: by };
    }
    const gw = kgatewayGatewaySide(ix, d);
    if ("state" in gw) {
        return { ...gw, decidedBy: [...by, ...gw.decidedBy] };
    }
    const o = overWorkloads(ix, svc, backend.port, (w, sp) => {
        const tp = targetAndProtocol(svc, sp, w);
        if ("state" in tp) {
            return tp;
        }
        const b = kgatewayBackendSide(ix, w, tp.target);
        if ("state" in b) {
            return b;
        }
        const r = kgatewayLinkState({
            mode,
            gatewayInjected: gw.injected,
            gatewayEnrolled: gw.enrolled,
            backend: b.backend,
            backendMode: b.backendMode,
            backendDisablesAutoMtls: annotation !== undefined && goBool(annotation) === true,
            referenceAllowed: true,
        });
        // The rule's reason names the mode (auto mTLS, the integration flag, or no Istio setting).
        return { state: r.state, reason: `${gw.describe}; ${b.describe}: ${r.reason}`, decidedBy: [...gw.decidedBy, ...b.decidedBy] };
    });
    return { ...o, decidedBy: [...by, ...o.decidedBy] };
}

/**
 * The `kgateway` links of one declared Gateway: for each HTTPRoute attached to it (a parentRef naming it), each
 * backendRef of each rule. A route in another namespace than the Gateway attaches only if a listener's
 * `allowedRoutes` admits it (Gateway API v1.6.1; default `Same`), which is not modelled: its links are unknown.
 */
function kgatewayLinks(ix: Index, d: KgatewayDeclared): PostureLink[] {
    const gwKey = `${d.gateway.namespace}/${d.gateway.name}`;
    const client = `gateway ${gwKey}`;
    // Auto mTLS decides the proxy's transport even when the integration is on too (the integration adds ServiceEntry
    // backends and DestinationRule locality only: rules/kgatewayIstio.ts).
    const mode: KgatewayIstioMode = d.autoMtls ? "auto-mtls" : d.istioIntegration ? "ambient-integration" : "none";
    const gatewayObject = ix.gateways.find((g) => `${g.metadata.namespace ?? "default"}/${g.metadata.name}` === gwKey);
    const out: PostureLink[] = [];
    for (const route of ix.kgatewayRoutes) {
        const routeNs = route.metadata.namespace ?? "default";
        if (!gatewayParents(route, routeNs).includes(gwKey)) {
            continue;
        }
        const base = [d.source, ref(route), ...(gatewayObject === undefined ? [] : [ref(gatewayObject)])];
        for (const rule of list(record(route.spec).rules).map(record)) {
            for (const b of list(rule.backendRefs).map(record)) {
                const group = typeof b.group === "string" ? b.group : "";
                const kind = typeof b.kind === "string" ? b.kind : "Service";
                const namespace = typeof b.namespace === "string" ? b.namespace : routeNs;
                const name = typeof b.name === "string" ? b.name : "";
                const port = typeof b.port === "number" ? b.port : undefined;
                if ((group !== "" && group !== "core") || kind !== "Service") {
                    out.push(link("kgateway", client, `${kind} ${namespace}/${name}`, { state: "unknown", reason: `${ref(route)} refers to a ${kind} (group ${JSON.stringify(group)}), a backend kind the engine does not model`, decidedBy: base }));
                    continue;
                }
                if (port === undefined) {
                    out.push(link("kgateway", client, `${namespace}/${name}`, { state: "unknown", reason: `${ref(route)} refers to Service ${namespace}/${name} without a port, which the API server rejects for a Service backend`, decidedBy: base }));
                    continue;
                }
                const server = `${namespace}/${name}:${port}`;
                if (routeNs !== d.gateway.namespace) {
                    out.push(link("kgateway", client, server, { state: "unknown", reason: `${ref(route)} is in ${routeNs}, not the Gateway's namespace ${d.gateway.namespace}: whether a listener's allowedRoutes admits it is not modelled`, decidedBy: base }));
                    continue;
                }
                out.push(link("kgateway", client, server, kgatewayOutcome(ix, d, mode, route, { namespace, name, port }, base)));
            }
        }
    }
    return out;
}

/** The ALPN list Go's HTTP client (the API server's webhook client) offers: no Istio ALPN. */
const GO_HTTP_CLIENT_ALPN: readonly string[] = Object.freeze(["h2", "http/1.1"]);

/**
 * The API server calling an admission webhook: TLS without a mesh certificate, verified against the
 * webhook's caBundle. Through the webhook pod's sidecar, the port must pass that TLS through (PERMISSIVE
 * or DISABLE); STRICT requires a mesh client certificate and refuses it.
 */
function webhookLink(ix: Index, d: Extract<DeclaredLink, { kind: "webhook" }>): PostureLink {
    const client = "kube-apiserver";
    const server = `${d.name} (${d.service})`;
    const m = /^([^/]+)\/([^:]+):(\d+)$/.exec(d.service);
    const svc = m ? ix.serviceByName.get(`${m[1]}/${m[2]}`) : undefined;
    if (m === null || svc === undefined) {
        return link("webhook", client, server, { state: "unknown", reason: `the webhook Service ${d.service} is not among the objects`, decidedBy: [d.source] });
    }
    if (!d.caBundleFromIssuer) {
        return link("webhook", client, server, { ...webhookLinkState(false), decidedBy: [d.source] });
    }
    const side: ClientSide = { transport: { kind: "tls", alpn: GO_HTTP_CLIENT_ALPN }, meshCert: false, describe: "the API server's TLS, verified against the caBundle", decidedBy: [d.source], appTerminatesTls: true };
    return link("webhook", client, server, serviceOutcome(ix, svc, Number(m[3]), () => side));
}

/** The effective posture of `input`: every link, its state, and the objects that decided it. */
export function computePosture(input: PostureInput): PostureResult {
    const ix = index(input);
    const links = [...serviceLinks(ix), ...extAuthzLinks(ix), ...kuadrantLinks(ix), ...glooUpstreamLinks(ix), ...(input.declaredLinks ?? []).flatMap((d) => declaredLinks(ix, d))];
    const byId = new Map<string, PostureLink>();
    for (const l of links) {
        // Two Services reachable at one id (a chart fact and a manifest for the same Service): keep the
        // first only when they agree; otherwise the link is unknown.
        const prev = byId.get(l.id);
        if (prev === undefined) {
            byId.set(l.id, l);
        } else if (prev.state !== l.state) {
            byId.set(l.id, { ...prev, state: "unknown", reason: `two descriptions of this link disagree: ${prev.state} (${prev.reason}) and ${l.state} (${l.reason})`, decidedBy: [...new Set([...prev.decidedBy, ...l.decidedBy])].sort() });
        }
    }
    return { links: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), ignored: Object.fromEntries(Object.entries(ix.ignored).sort()) };
}

/** The states of a result, keyed by link id (what transition safety compares). */
export function linkStates(result: PostureResult): Map<string, LinkState> {
    return new Map(result.links.map((l) => [l.id, l.state]));
}

/** A result as a component's `posture` output: link id -> state, kind, reason and deciding objects (ids sorted). */
export function postureRecord(result: PostureResult): Record<string, LinkPosture> {
    return Object.fromEntries(result.links.map((l) => [l.id, { state: l.state, kind: l.kind, reason: l.reason, decidedBy: [...l.decidedBy] }]));
}

/**
 * A component's own `posture` output: the links of `kinds` the engine computes over what the component
 * declares (`input`; a mesh with the chart's default facts when the component does not know its mesh).
 */
export function ownPosture(input: PostureInput, kinds: ReadonlyArray<PostureLink["kind"]>): Record<string, LinkPosture> {
    const result = computePosture(input);
    return postureRecord({ ...result, links: result.links.filter((l) => kinds.includes(l.kind)) });
}

/** Several partial inputs as one (objects, workloads, links and namespaces concatenated; the first mesh facts). */
export function mergePostureInputs(parts: ReadonlyArray<Partial<PostureInput>>): PostureInput {
    return {
        objects: parts.flatMap((p) => p.objects ?? []),
        mesh: parts.find((p) => p.mesh !== undefined)?.mesh,
        workloads: parts.flatMap((p) => p.workloads ?? []),
        declaredLinks: parts.flatMap((p) => p.declaredLinks ?? []),
        namespaces: parts.flatMap((p) => p.namespaces ?? []),
    };
}
