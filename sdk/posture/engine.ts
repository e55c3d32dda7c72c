// The posture engine: every link the objects declare and its effective state, computed from the upstream
// rules in rules/ (each cites the upstream file it encodes). Pure: plain data in, plain data out.
//
// Links:
// - `service`: an injected mesh client (in a namespace without DestinationRules of its own) calling each
//   Service port; the client's TLS comes from the DestinationRule or auto-mTLS, the server's acceptance
//   from injection, PeerAuthentication and the inbound filter chains;
// - `ext-authz`: the mesh's proxies calling each ext_authz extension provider (an outbound cluster to
//   the provider's service, so the same client rules as `service`);
// - `kuadrant`: a gateway calling Authorino / Limitador through the Kuadrant EnvoyFilter clusters;
// - `gloo-upstream`: Gloo's gateway-proxy calling a Service through an Upstream's `sslConfig`;
// - `gloo-xds`, `istiod-xds`, `webhook`: control-plane links the plans declare (`declaredLinks`).
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
import { matchesLabels } from "../internal/values";
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
const NAMESPACED_MODELLED_KINDS = new Set(["PeerAuthentication", "DestinationRule", "Service", "EnvoyFilter", "Upstream", ...UNMODELLED_MESH_KINDS, ...ROUTE_KINDS]);
const KUADRANT_CLUSTERS = new Set(["kuadrant-auth-service", "kuadrant-ratelimit-service"]);

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
        unmodelled: new Map(),
        ignored: {},
        byNamespace: { peerAuthentications: new Map(), destinationRules: new Map(), workloads: new Map() },
        rulesByHost: new Map(),
        serviceByName: new Map(),
        serviceByHost: new Map(),
    };
    const domain = input.mesh?.clusterDomain ?? "cluster.local";
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
        } else if (UNMODELLED_MESH_KINDS.has(o.kind) && g === "networking.istio.io") {
            addUnmodelled(ix, ns, ref(o));
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
    const sp = svc.ports.find((p) => p.port === port);
    if (sp === undefined) {
        return { state: "unknown", reason: `${svc.ref} has no port ${port}`, decidedBy: [svc.ref] };
    }
    if (ix.mesh?.mode === "ambient") {
        return { state: "unknown", reason: "ambient mode is not modelled yet", decidedBy: [svc.ref] };
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
    const outcomes = workloads.map((w): Outcome => {
        const c = client(w);
        if ("state" in c) {
            return c;
        }
        const target = targetPortOf(sp, w);
        if (target === undefined) {
            return { state: "unknown", reason: `the target port of ${svc.ref} port ${port} is a name ${w.name} does not declare`, decidedBy: [svc.ref, w.ref] };
        }
        const protocol = servicePortProtocol(sp);
        if (protocol === undefined) {
            return { state: "unknown", reason: `${svc.ref} port ${port} is ${sp.protocol ?? ""}, which the sidecar does not capture`, decidedBy: [svc.ref] };
        }
        return serverOutcome(ix, w, target, protocol, c);
    });
    const states = new Set(outcomes.map((o) => o.state));
    const decidedBy = [svc.ref, ...outcomes.flatMap((o) => o.decidedBy)];
    if (states.size === 1) {
        return { state: outcomes[0].state, reason: outcomes.length === 1 ? outcomes[0].reason : `every selected workload: ${outcomes[0].reason}`, decidedBy };
    }
    return { state: "unknown", reason: `the selected workloads differ: ${outcomes.map((o, i) => `${workloads[i].name} ${o.state}`).join(", ")}`, decidedBy };
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
    for (const svc of ix.services) {
        // istiod's own Service: proxies reach it through their bootstrap, not as a mesh service (istiod-xds).
        if (mesh !== undefined && svc.namespace === mesh.istioNamespace && svc.selector?.app === "istiod") {
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
            out.push(link("kuadrant", client, `${svc.namespace}/${svc.name}:${ep.port}`, "state" in c ? c : serviceOutcome(ix, svc, ep.port, () => c)));
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

function declaredLink(ix: Index, d: DeclaredLink): PostureLink {
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
    const links = [...serviceLinks(ix), ...extAuthzLinks(ix), ...kuadrantLinks(ix), ...glooUpstreamLinks(ix), ...(input.declaredLinks ?? []).map((d) => declaredLink(ix, d))];
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
