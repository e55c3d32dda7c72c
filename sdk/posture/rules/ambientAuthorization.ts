// Rule: whether an AuthorizationPolicy with `action: CUSTOM` (the ext-authz provider, e.g. kyverno-authz) is
// enforced in an Istio ambient mesh, and by which proxy.
//
// Encodes istio/istio at tag 1.30.3:
// - `pilot/pkg/serviceregistry/ambient/authorization.go` convertAuthorizationPolicy (L419-423: a policy with
//   targetRefs is "not intended for ztunnel"; L435-445: any action other than ALLOW/DENY, so CUSTOM, yields no
//   ztunnel policy and the status "ztunnel does not support the CUSTOM action"), and `policies.go` L168-184
//   (that status is written with `Bound: false`; `authorization.go` L51-52 skips it when sending to ztunnel).
//   So ztunnel neither enforces nor denies on a CUSTOM policy: it ignores it.
// - `pilot/pkg/model/policyattachment.go` ShouldAttachPolicy (L127-200, see policyAttachment.ts): a waypoint
//   never takes a selector policy (L143); it takes `kind: Gateway` naming itself (L195), `kind: Service` /
//   `ServiceEntry` of a service it serves (L155-174) and `GatewayClass istio-waypoint` from the root namespace
//   (L177-182); a class-`istio` gateway takes `kind: Gateway` naming itself, or a selector (L140-148).
// - `pilot/pkg/networking/core/listener_waypoint.go` L872-896 (buildWaypointHTTPFilters builds the CUSTOM
//   builder per service) and `pilot/pkg/security/authz/builder/extauthz.go` L79-90 (providers of kind
//   envoyExtAuthzHttp / envoyExtAuthzGrpc only; others are skipped, so a policy naming them gets the
//   deny-due-to-bad-CUSTOM-action rules, `builder.go` L366-373).
// - `pilot/pkg/serviceregistry/ambient/waypoints.go`: a Service (or its namespace) binds a waypoint with the
//   label `istio.io/use-waypoint` (+ `istio.io/use-waypoint-namespace`), L196-217; the waypoint serves service
//   traffic only when its traffic type (label `istio.io/waypoint-for` on the Gateway, else on its
//   GatewayClass, default `service`, L244-258) is `service` or `all` (L151-173).
// - `pilot/pkg/xds/endpoints/endpoint_builder.go` L742-752 and `ambient/services.go` L783-800: an ingress
//   gateway sends to the service's endpoints, not through its waypoint, unless `istio.io/ingress-use-waypoint`
//   is "true" on the Service or its namespace (a caveat: such requests skip a waypoint-enforced CUSTOM check).
// - `istioctl/pkg/waypoint/waypoint.go` L79-110: the waypoint Gateway istioctl generates (class
//   `istio-waypoint`, listener `mesh` port 15008 protocol `HBONE`, optional label `istio.io/waypoint-for`);
//   constants in `pkg/config/constants/constants.go` L87, L181, L210-216.
// Field names checked against kubernetes-sigs/gateway-api v1.6.1
// `config/crd/standard/gateway.networking.k8s.io_gateways.yaml` (spec.gatewayClassName, spec.listeners[].name,
// port 1-65535, protocol pattern accepting "HBONE").
// Pure: no Pulumi, no I/O.
import { matchesLabels } from "../../internal/values";
import { CHART_ISTIO_NAMESPACE } from "./istioValidationWebhook";

/** Where the facts above come from (cited in every result). */
export const AMBIENT_AUTHORIZATION_SOURCE =
    "istio/istio 1.30.3 pilot/pkg/serviceregistry/ambient/authorization.go (convertAuthorizationPolicy), pilot/pkg/model/policyattachment.go (ShouldAttachPolicy)";

/** The GatewayClass of Istio's waypoints. */
export const AMBIENT_WAYPOINT_CLASS = "istio-waypoint";

/** The GatewayClass of Istio's own Gateway API gateways (ingress). */
export const ISTIO_GATEWAY_CLASS = "istio";

/** Label on a waypoint Gateway (or its GatewayClass) naming the traffic it serves. */
export const WAYPOINT_FOR_LABEL = "istio.io/waypoint-for";

/** Label on a Service or Namespace binding it to a waypoint (by name). */
export const USE_WAYPOINT_LABEL = "istio.io/use-waypoint";

/** Label naming the waypoint's namespace when it is not the labelled object's. */
export const USE_WAYPOINT_NAMESPACE_LABEL = "istio.io/use-waypoint-namespace";

/** Label making ingress gateways send a Service's traffic through its waypoint. */
export const INGRESS_USE_WAYPOINT_LABEL = "istio.io/ingress-use-waypoint";

/** The mesh extension provider kinds whose CUSTOM policies Istio builds (extauthz.go L79-90). */
export const AMBIENT_EXT_AUTHZ_PROVIDER_KINDS: readonly string[] = Object.freeze(["envoyExtAuthzGrpc", "envoyExtAuthzHttp"]);

/** Traffic a waypoint serves (`istio.io/waypoint-for`). */
export type WaypointTrafficType = "service" | "workload" | "all" | "none";

/** A `targetRefs[]` entry of the policy. */
export interface AmbientTargetRef {
    /** API group ("" or unset: the core group, except that `kind: Gateway` unset means gateway.networking.k8s.io as meshtls resolves it). */
    group?: string;
    /** Kind (Gateway, GatewayClass, Service, ServiceEntry). */
    kind: string;
    /** Name. */
    name: string;
    /** Namespace; unset or "" means the policy's (another namespace never matches). */
    namespace?: string;
}

/** The CUSTOM AuthorizationPolicy as the rule reads it. */
export interface AmbientCustomPolicy {
    /** Namespace of the policy. */
    namespace: string;
    /** `selector.matchLabels`, when set. */
    selector?: Record<string, string>;
    /** `targetRefs`, when set (wins over selector in this rule; Istio forbids both). */
    targetRefs?: AmbientTargetRef[];
}

/** A Gateway API Gateway that exists in the cluster. */
export interface AmbientGatewayFact {
    /** Namespace. */
    namespace: string;
    /** Name. */
    name: string;
    /** `spec.gatewayClassName`. */
    gatewayClassName: string;
    /** Its `istio.io/waypoint-for` label (or its class's), waypoints only. @default "service" */
    waypointFor?: WaypointTrafficType;
    /** The labels of its pods (for selector policies on class-istio gateways), when known. */
    podLabels?: Record<string, string>;
}

/** A Service (or ServiceEntry) and the waypoint it is bound to. */
export interface AmbientServiceFact {
    /** Namespace. */
    namespace: string;
    /** Name. */
    name: string;
    /** Kubernetes Service or Istio ServiceEntry. @default "Service" */
    kind?: "Service" | "ServiceEntry";
    /** The waypoint resolved from `istio.io/use-waypoint` on the object or its namespace; unset: none ("none" also means none). */
    waypoint?: { name: string; namespace: string };
    /** `istio.io/ingress-use-waypoint` resolved to a boolean (Service label, else namespace label). @default false */
    ingressUseWaypoint?: boolean;
}

/** What the cluster holds, as far as the rule needs it. Anything not listed is unknown. */
export interface AmbientAuthorizationFacts {
    /** The mesh root namespace. @default CHART_ISTIO_NAMESPACE (istio-system) */
    rootNamespace?: string;
    /** Gateway API Gateways (waypoints and ingress gateways). */
    gateways?: AmbientGatewayFact[];
    /** Services and ServiceEntries with their waypoint binding. */
    services?: AmbientServiceFact[];
    /**
     * Labels of the pods in the policy's namespace that run a sidecar (a selector policy attaches to them);
     * unset: unknown, []: none (the usual ambient namespace).
     */
    sidecarPodLabels?: Array<Record<string, string>>;
}

/** The verdict for one policy (and for each of its targetRefs). */
export interface AmbientCustomVerdict {
    /** Whether a proxy builds the ext-authz check for it; "unknown" when the facts do not say. */
    enforced: boolean | "unknown";
    /** The proxy that enforces it. */
    by?: "waypoint" | "gateway" | "sidecar";
    /** Why, in words a user can act on. */
    reason: string;
    /** The upstream source of the decision. */
    source: string;
    /** Gaps the policy leaves even when enforced (traffic that does not pass the enforcing proxy). */
    caveats: string[];
}

/** The verdict for a policy: overall, and per targetRef (in order) when it has any. */
export interface AmbientCustomResult extends AmbientCustomVerdict {
    /** One verdict per `targetRefs[]` entry (empty for selector / namespace-wide policies). */
    refs: AmbientCustomVerdict[];
}

const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const canonicalGroup = (group: string | undefined, kind: string) => (group === undefined ? (kind === "Gateway" || kind === "GatewayClass" ? GATEWAY_API_GROUP : "core") : group === "" ? "core" : group);

const ZTUNNEL_IGNORES =
    "ztunnel does not support the CUSTOM action (istio 1.30.3 ambient/authorization.go L440-444: the policy is not sent to ztunnel, status Bound=false), so it neither checks nor denies";

function verdict(enforced: boolean | "unknown", reason: string, by?: "waypoint" | "gateway" | "sidecar", caveats: string[] = []): AmbientCustomVerdict {
    const v: AmbientCustomVerdict = { enforced, reason, source: AMBIENT_AUTHORIZATION_SOURCE, caveats };
    if (by !== undefined) {
        v.by = by;
    }
    return v;
}

/** The traffic types for which a waypoint serves Services (waypoints.go L166). */
const servesServices = (t: WaypointTrafficType | undefined) => (t ?? "service") === "service" || t === "all";

function waypointCaveats(services: AmbientServiceFact[], waypoint: { name: string; namespace: string }, waypointFor: WaypointTrafficType | undefined): string[] {
    const caveats: string[] = [];
    const bound = services.filter((s) => s.waypoint?.name === waypoint.name && s.waypoint.namespace === waypoint.namespace);
    const direct = bound.filter((s) => !(s.ingressUseWaypoint ?? false)).map((s) => `${s.namespace}/${s.name}`);
    if (direct.length > 0) {
        caveats.push(
            `ingress gateways reach ${direct.join(", ")} without the waypoint unless ${INGRESS_USE_WAYPOINT_LABEL}=true is set (endpoint_builder.go L742-752), so ingress traffic skips the check`,
        );
    }
    if ((waypointFor ?? "service") === "service") {
        caveats.push("a service waypoint sees only traffic addressed to the Service; calls to pod IPs bypass it (waypoint-for service, waypoints.go L175-194)");
    }
    return caveats;
}

function refVerdict(ref: AmbientTargetRef, policy: AmbientCustomPolicy, facts: AmbientAuthorizationFacts): AmbientCustomVerdict {
    const root = facts.rootNamespace ?? CHART_ISTIO_NAMESPACE;
    const group = canonicalGroup(ref.group, ref.kind);
    const services = facts.services ?? [];
    if (ref.kind === "GatewayClass" && group === GATEWAY_API_GROUP) {
        if (ref.name === AMBIENT_WAYPOINT_CLASS && policy.namespace === root) {
            return verdict(true, `GatewayClass ${AMBIENT_WAYPOINT_CLASS} from the root namespace ${root} attaches to every waypoint (policyattachment.go L177-182)`, "waypoint");
        }
        return verdict(false, `a GatewayClass target attaches only when it is ${AMBIENT_WAYPOINT_CLASS} and the policy is in the root namespace ${root} (policyattachment.go L177-182)`);
    }
    if (ref.namespace !== undefined && ref.namespace !== "" && ref.namespace !== policy.namespace) {
        return verdict(false, `targetRefs into another namespace (${ref.namespace}) never match (policyattachment.go L189-192)`);
    }
    if (ref.kind === "Gateway" && group === GATEWAY_API_GROUP) {
        const gw = (facts.gateways ?? []).find((g) => g.namespace === policy.namespace && g.name === ref.name);
        if (!gw) {
            return verdict("unknown", `Gateway ${policy.namespace}/${ref.name} is not among the known gateways`);
        }
        if (gw.gatewayClassName === AMBIENT_WAYPOINT_CLASS) {
            if (gw.waypointFor === "none") {
                return verdict(false, `waypoint ${gw.namespace}/${gw.name} has ${WAYPOINT_FOR_LABEL}=none: it serves no traffic`);
            }
            const self = { name: gw.name, namespace: gw.namespace };
            if (gw.waypointFor === "workload") {
                return verdict(true, `waypoint ${gw.namespace}/${gw.name} (waypoint-for workload) builds the ext-authz filter for the workloads bound to it`, "waypoint");
            }
            return verdict(true, `waypoint ${gw.namespace}/${gw.name} builds the ext-authz filter (listener_waypoint.go L872-896) for the Services bound to it with ${USE_WAYPOINT_LABEL}`, "waypoint", waypointCaveats(services, self, gw.waypointFor));
        }
        if (gw.gatewayClassName === ISTIO_GATEWAY_CLASS) {
            return verdict(true, `Istio gateway ${gw.namespace}/${gw.name} (class ${ISTIO_GATEWAY_CLASS}) builds the ext-authz filter for its routes, as in a sidecar mesh`, "gateway");
        }
        return verdict("unknown", `Gateway ${gw.namespace}/${gw.name} has class ${gw.gatewayClassName}, not one Istio programs (${AMBIENT_WAYPOINT_CLASS}, ${ISTIO_GATEWAY_CLASS})`);
    }
    const serviceKind = ref.kind === "Service" && group === "core" ? "Service" : ref.kind === "ServiceEntry" && group === "networking.istio.io" ? "ServiceEntry" : undefined;
    if (serviceKind !== undefined) {
        const svc = services.find((s) => s.namespace === policy.namespace && s.name === ref.name && (s.kind ?? "Service") === serviceKind);
        if (!svc) {
            return verdict("unknown", `${serviceKind} ${policy.namespace}/${ref.name} is not among the known services`);
        }
        if (!svc.waypoint) {
            return verdict(
                false,
                `${serviceKind} ${svc.namespace}/${svc.name} has no waypoint (${USE_WAYPOINT_LABEL}); ztunnel ignores targetRefs policies (authorization.go L419-423) and sidecars ignore them too (policyattachment.go L131-135)`,
            );
        }
        const wp = (facts.gateways ?? []).find((g) => g.namespace === svc.waypoint?.namespace && g.name === svc.waypoint.name && g.gatewayClassName === AMBIENT_WAYPOINT_CLASS);
        if (!wp) {
            return verdict("unknown", `the waypoint ${svc.waypoint.namespace}/${svc.waypoint.name} of ${svc.namespace}/${svc.name} is not among the known waypoint Gateways (istiod reports it not ready, waypoints.go L126)`);
        }
        if (!servesServices(wp.waypointFor)) {
            return verdict(false, `waypoint ${wp.namespace}/${wp.name} has ${WAYPOINT_FOR_LABEL}=${wp.waypointFor ?? "service"}, which serves no Service traffic (waypoints.go L151-173)`);
        }
        return verdict(true, `${serviceKind} ${svc.namespace}/${svc.name} is served by waypoint ${wp.namespace}/${wp.name}, which builds the ext-authz filter for it (policyattachment.go L155-174)`, "waypoint", waypointCaveats([svc], svc.waypoint, wp.waypointFor));
    }
    return verdict(false, `targetRefs kind ${ref.kind} (group ${group}) attaches to no Istio proxy (policyattachment.go L151-198)`);
}

/**
 * Whether a CUSTOM AuthorizationPolicy is enforced in an ambient mesh (no sidecars in the policy's
 * namespace unless `facts.sidecarPodLabels` lists some), and by which proxy. With targetRefs the policy is
 * enforced when every entry attaches somewhere ("unknown" if one is unknown and none fails).
 */
export function customAuthorizationInAmbient(policy: AmbientCustomPolicy, facts: AmbientAuthorizationFacts = {}): AmbientCustomResult {
    const refs = policy.targetRefs ?? [];
    if (refs.length > 0) {
        const each = refs.map((r) => refVerdict(r, policy, facts));
        const failed = each.filter((v) => v.enforced === false);
        const unknown = each.filter((v) => v.enforced === "unknown");
        const caveats = [...new Set(each.flatMap((v) => v.caveats))];
        if (failed.length > 0) {
            return { ...verdict(false, failed.map((v) => v.reason).join("; ")), refs: each };
        }
        if (unknown.length > 0) {
            return { ...verdict("unknown", unknown.map((v) => v.reason).join("; ")), refs: each };
        }
        const bys = [...new Set(each.map((v) => v.by))];
        return { ...verdict(true, each.map((v) => v.reason).join("; "), bys.length === 1 ? bys[0] : undefined, caveats), refs: each };
    }
    // Selector or namespace-wide: ztunnel ignores it; waypoints never take selectors (policyattachment.go L143);
    // only a sidecar or a class-istio gateway pod whose labels it selects builds the filter.
    const selects = (labels: Record<string, string>) => policy.selector === undefined || matchesLabels(policy.selector, labels);
    const gateways = (facts.gateways ?? []).filter((g) => g.namespace === policy.namespace && g.gatewayClassName === ISTIO_GATEWAY_CLASS && g.podLabels !== undefined && selects(g.podLabels));
    if (facts.sidecarPodLabels === undefined) {
        return { ...verdict("unknown", `${ZTUNNEL_IGNORES}; whether sidecar pods in ${policy.namespace} match is not known`), refs: [] };
    }
    if (facts.sidecarPodLabels.some(selects)) {
        return { ...verdict(true, `${ZTUNNEL_IGNORES}; the sidecars it selects in ${policy.namespace} build the ext-authz filter`, "sidecar", ["ambient workloads it was meant to cover are not checked"]), refs: [] };
    }
    if (gateways.length > 0) {
        return {
            ...verdict(true, `${ZTUNNEL_IGNORES}; Istio gateway ${gateways.map((g) => g.name).join(", ")} pods match it (selector-based gateway policy, policyattachment.go L140-148)`, "gateway", ["ambient workloads it was meant to cover are not checked"]),
            refs: [],
        };
    }
    return { ...verdict(false, `${ZTUNNEL_IGNORES}; waypoints never take selector policies (policyattachment.go L143): target a waypoint Gateway or a Service bound to one instead`), refs: [] };
}

/** The waypoint Gateway object (as `istioctl waypoint generate` writes it, waypoint.go L79-110). */
export function waypointGatewayObject(name: string, namespace: string, waypointFor?: WaypointTrafficType, revision?: string): Record<string, unknown> {
    const labels: Record<string, string> = {};
    if (revision !== undefined && revision !== "") {
        labels["istio.io/rev"] = revision;
    }
    if (waypointFor !== undefined) {
        labels[WAYPOINT_FOR_LABEL] = waypointFor;
    }
    const metadata: Record<string, unknown> = { name, namespace };
    if (Object.keys(labels).length > 0) {
        metadata.labels = labels;
    }
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata,
        spec: { gatewayClassName: AMBIENT_WAYPOINT_CLASS, listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
    };
}

/**
 * The labels binding a Service or Namespace to a waypoint (waypoints.go L196-217): `istio.io/use-waypoint`,
 * plus `istio.io/use-waypoint-namespace` when the waypoint lives in another namespace.
 */
export function useWaypointLabels(waypointName: string, waypointNamespace?: string, objectNamespace?: string): Record<string, string> {
    const labels: Record<string, string> = { [USE_WAYPOINT_LABEL]: waypointName };
    if (waypointNamespace !== undefined && waypointNamespace !== objectNamespace) {
        labels[USE_WAYPOINT_NAMESPACE_LABEL] = waypointNamespace;
    }
    return labels;
}
