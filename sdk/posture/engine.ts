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
import { isSidecarInjected } from "./rules/sidecarInjection";
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
}

/** A pod template (or a chart's pods) as the engine reads it. */
interface WorkloadView {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    hostNetwork: boolean;
    containerPorts: Array<{ name?: string; containerPort: number }>;
    ref: string;
}

/** Everything indexed once. */
interface Index {
    mesh?: MeshFacts;
    namespaces: Map<string, Record<string, string>>;
    namespaceRefs: Map<string, string>;
    peerAuthentications: PeerAuthenticationObject[];
    destinationRules: Array<DestinationRuleView & { ref: string; portTls: Map<number, ClientTlsMode>; hasWorkloadSelector: boolean }>;
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
    /** The first Service of each `namespace/name`. */
    serviceByName: Map<string, ServiceView>;
    /** The first Service each host form (`name.ns`, `name.ns.svc`, the FQDN) names. */
    serviceByHost: Map<string, ServiceView>;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);
/** Istio kinds that change sidecar traffic and that the engine does not model. */
const UNMODELLED_MESH_KINDS = new Set(["Sidecar", "ServiceEntry", "WorkloadEntry", "WorkloadGroup", "ProxyConfig"]);
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
function podTemplate(o: KubeObject): { labels: Record<string, string>; spec: Record<string, unknown> } {
    if (o.kind === "Pod") {
        return { labels: o.metadata.labels ?? {}, spec: record(o.spec) };
    }
    let spec = record(o.spec);
    if (o.kind === "CronJob") {
        spec = record(record(spec.jobTemplate).spec);
    }
    const template = record(spec.template);
    return { labels: stringMap(record(template.metadata).labels), spec: record(template.spec) };
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
        serviceByName: new Map(),
        serviceByHost: new Map(),
    };
    const domain = input.mesh?.clusterDomain ?? "cluster.local";
    for (const o of input.objects) {
        const g = group(o.apiVersion);
        const ns = o.metadata.namespace ?? "";
        if (o.kind === "Namespace" && g === "") {
            ix.namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
            ix.namespaceRefs.set(o.metadata.name, ref(o));
        } else if (o.kind === "PeerAuthentication" && g === "security.istio.io") {
            const spec = record(o.spec);
            const portLevel: Record<number, PeerAuthenticationModeName | "UNSET"> = {};
            for (const [p, v] of Object.entries(record(spec.portLevelMtls))) {
                const m = modeName(record(v).mode);
                portLevel[Number(p)] = m ?? "UNSET";
            }
            const selector = stringMap(record(spec.selector).matchLabels);
            ix.peerAuthentications.push({
                name: o.metadata.name,
                namespace: ns,
                selector: Object.keys(selector).length ? selector : undefined,
                mode: modeName(record(spec.mtls).mode) ?? "UNSET",
                portLevelMtls: portLevel,
                createdAt: createdAt(o),
            });
        } else if (o.kind === "DestinationRule" && g === "networking.istio.io") {
            const spec = record(o.spec);
            const tp = record(spec.trafficPolicy);
            const portTls = new Map<number, ClientTlsMode>();
            for (const s of list(tp.portLevelSettings).map(record)) {
                const m = tlsMode(record(s.tls).mode);
                const n = record(s.port).number;
                if (m !== undefined && typeof n === "number") {
                    portTls.set(n, m);
                }
            }
            const host = typeof spec.host === "string" ? spec.host : "";
            ix.destinationRules.push({
                namespace: ns,
                host: host.includes(".") || host === "*" ? host : `${host}.${ns}.svc.${domain}`,
                exportTo: Array.isArray(spec.exportTo) ? spec.exportTo.map(String) : undefined,
                tlsMode: tlsMode(record(tp.tls).mode),
                ref: ref(o),
                portTls,
                hasWorkloadSelector: spec.workloadSelector !== undefined,
            });
        } else if (o.kind === "Service" && g === "") {
            const spec = record(o.spec);
            const selector = stringMap(spec.selector);
            ix.services.push({
                namespace: ns,
                name: o.metadata.name,
                selector: Object.keys(selector).length ? selector : undefined,
                ports: list(spec.ports)
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
    const nsLabels = ix.namespaces.get(w.namespace);
    if (nsLabels === undefined) {
        return undefined;
    }
    const d = isSidecarInjected({
        controlPlanes: [{ revision: mesh.revision, revisionTags: mesh.revisionTags, enableNamespacesByDefault: mesh.enableNamespacesByDefault }],
        namespace: w.namespace,
        namespaceLabels: nsLabels,
        podLabels: w.labels,
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
    if (!inj.injected || mesh === undefined) {
        if (client.transport.kind === "plaintext") {
            return { state: "plaintext", reason: `${w.name} has no sidecar and the client sends plain text (${client.describe})`, decidedBy };
        }
        if (client.meshCert) {
            return { state: "refused", reason: `the client sends mesh mTLS (${client.describe}) to ${w.name}, which has no sidecar to terminate it`, decidedBy };
        }
        return client.appTerminatesTls
            ? { state: "tls", reason: `${w.name} has no sidecar and terminates the client's TLS itself (${client.describe})`, decidedBy }
            : { state: "unknown", reason: `the client sends TLS (${client.describe}) to ${w.name}, which has no sidecar; whether the application terminates TLS is not declared`, decidedBy };
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

/** What an injected mesh sidecar sends to `svc:port` on an endpoint of `w` (DestinationRule, else auto-mTLS). */
function meshClient(ix: Index, svc: ServiceView, port: number, w: WorkloadView): ClientSide | Outcome {
    const mesh = ix.mesh;
    if (mesh === undefined) {
        return { state: "unknown", reason: "no Istio installation is declared, so mesh clients are unknown", decidedBy: [svc.ref] };
    }
    const host = serviceHost(ix, svc);
    // applicableDestinationRule reads the client's, the service's and the root namespace's rules only.
    const rules = inNamespaces(ix.byNamespace.destinationRules, [NEUTRAL_CLIENT_NAMESPACE, svc.namespace, mesh.rootNamespace]);
    const rule = applicableDestinationRule({ clientNamespace: NEUTRAL_CLIENT_NAMESPACE, host, serviceNamespace: svc.namespace, rootNamespace: mesh.rootNamespace }, rules);
    const dr = rule === undefined ? undefined : rules.find((d) => d === rule);
    if (dr?.hasWorkloadSelector) {
        return { state: "unknown", reason: `${dr.ref} has a workloadSelector, which the engine does not model`, decidedBy: [dr.ref] };
    }
    const mode = dr?.portTls.get(port) ?? dr?.tlsMode;
    if (dr !== undefined && mode !== undefined) {
        return clientForMode(mode, `${mode} from ${dr.ref}`, [dr.ref]);
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

function serviceLinks(ix: Index): PostureLink[] {
    const mesh = ix.mesh;
    const out: PostureLink[] = [];
    for (const svc of ix.services) {
        // istiod's own Service: proxies reach it through their bootstrap, not as a mesh service (istiod-xds).
        if (mesh !== undefined && svc.namespace === mesh.istioNamespace && svc.selector?.app === "istiod") {
            continue;
        }
        for (const p of svc.ports) {
            out.push(link("service", "mesh", `${svc.namespace}/${svc.name}:${p.port}`, serviceOutcome(ix, svc, p.port, (w) => meshClient(ix, svc, p.port, w))));
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
 * the mesh's when it comes from the istio-proxy sidecar's SDS (`istio_server_cert`). Gloo's own Istio
 * auto-mTLS (Settings) is not among the objects, so an Upstream without `sslConfig` is taken as plain text.
 */
function glooUpstreamClient(up: KubeObject): ClientSide | Outcome {
    const spec = record(up.spec);
    const upRef = ref(up);
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
        const c = glooUpstreamClient(up);
        out.push(link("gloo-upstream", client, server, "state" in c ? c : serviceOutcome(ix, svc, port, () => c)));
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
