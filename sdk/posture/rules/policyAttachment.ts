// Rule: which proxies a `selector` / `targetRefs` policy (AuthorizationPolicy and the other targetable
// Istio policies) attaches to.
//
// Encodes istio/istio 1.30.3 `pilot/pkg/model/policyattachment.go` (WorkloadPolicyMatcher.ShouldAttachPolicy,
// matchesGroupKind; `config.CanonicalGroup` in pkg/config/model.go maps "" to "core";
// `features.EnableSelectorBasedK8sGatewayPolicy` defaults to true in pilot/pkg/features/pilot.go), as
// documented in istio/api 1.30.3 `security/v1beta1/authorization_policy.proto` (`targetRefs`):
// - a proxy that is not a Gateway API gateway (a sidecar: no `gateway.networking.k8s.io/gateway-name`
//   label) ignores any policy with targetRefs, and otherwise takes it when `selector` is unset or a subset
//   of its labels (policies in the root namespace reach every namespace: the caller passes those);
// - a Gateway API gateway takes `kind: Gateway` (group gateway.networking.k8s.io) naming it, from its own
//   namespace; `Service`, `ServiceEntry` and `GatewayClass` (istio-waypoint, root namespace) attach only
//   to waypoints.
// Pure: no Pulumi, no I/O.
import { matchesLabels } from "../../internal/values";

/** A `targetRefs[]` entry. */
export interface AttachmentTargetRef {
    /** API group ("" is the core group). */
    group: string;
    /** Kind. */
    kind: string;
    /** Name. */
    name: string;
    /** Namespace ("" or unset: the policy's). */
    namespace?: string;
}

/** The policy as the rule reads it. */
export interface AttachmentPolicy {
    /** Namespace of the policy. */
    namespace: string;
    /** `selector.matchLabels`, when set. */
    selector?: Record<string, string>;
    /** `targetRefs`, when set. */
    targetRefs?: AttachmentTargetRef[];
}

/** The proxy as the rule reads it. */
export interface AttachmentProxy {
    /** The proxy's config namespace. */
    namespace: string;
    /** The proxy's pod labels (a Gateway API gateway carries `gateway.networking.k8s.io/gateway-name`). */
    labels: Record<string, string>;
    /** Whether the proxy is a waypoint. */
    isWaypoint: boolean;
    /** The mesh root namespace. */
    rootNamespace: string;
    /** Services the proxy serves, for waypoints (`Kubernetes` Services or `External` ServiceEntries). */
    services?: Array<{ name: string; namespace: string; registry: "Kubernetes" | "External" }>;
    /** `ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY` of istiod (default true). */
    selectorBasedGatewayPolicy?: boolean;
}

/** The label naming the Gateway API gateway a pod belongs to. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** The GatewayClass of Istio's waypoints. */
export const WAYPOINT_GATEWAY_CLASS = "istio-waypoint";

const canonicalGroup = (group: string) => (group === "" ? "core" : group);
const matchesGroupKind = (ref: AttachmentTargetRef, group: string, kind: string) => canonicalGroup(ref.group) === canonicalGroup(group) && ref.kind === kind;
const isSelected = (policy: AttachmentPolicy, labels: Record<string, string>) =>
    policy.selector === undefined || matchesLabels(policy.selector, labels);

/** Whether istiod attaches `policy` to `proxy` (ShouldAttachPolicy). */
export function shouldAttachPolicy(proxy: AttachmentProxy, policy: AttachmentPolicy): boolean {
    const gatewayName = proxy.labels[GATEWAY_NAME_LABEL] as string | undefined;
    const refs = policy.targetRefs ?? [];
    if (gatewayName === undefined) {
        // A sidecar: a policy with targetRefs is ignored altogether.
        return refs.length === 0 && isSelected(policy, proxy.labels);
    }
    if (refs.length === 0) {
        return !proxy.isWaypoint && (proxy.selectorBasedGatewayPolicy ?? true) && isSelected(policy, proxy.labels);
    }
    const services = proxy.services ?? [];
    return refs.some((ref) => {
        if (proxy.isWaypoint && matchesGroupKind(ref, "", "Service") && services.some((s) => s.name === ref.name && s.namespace === policy.namespace && s.registry === "Kubernetes")) {
            return true;
        }
        if (proxy.isWaypoint && matchesGroupKind(ref, "networking.istio.io", "ServiceEntry") && services.some((s) => s.name === ref.name && s.namespace === policy.namespace && s.registry === "External")) {
            return true;
        }
        if (policy.namespace === proxy.rootNamespace && proxy.isWaypoint && matchesGroupKind(ref, "gateway.networking.k8s.io", "GatewayClass") && ref.name === WAYPOINT_GATEWAY_CLASS) {
            return true;
        }
        if (proxy.namespace !== policy.namespace || !(ref.namespace === undefined || ref.namespace === "" || ref.namespace === proxy.namespace)) {
            return false;
        }
        return matchesGroupKind(ref, "gateway.networking.k8s.io", "Gateway") && ref.name === gatewayName;
    });
}

/**
 * Whether a `targetRefs[]` entry can attach the policy to any proxy that is not a waypoint (sidecars and
 * Gateway API gateways): only `kind: Gateway` of group gateway.networking.k8s.io in the policy's namespace.
 */
export function targetRefReachesNonWaypoint(ref: AttachmentTargetRef, policyNamespace: string): boolean {
    return matchesGroupKind(ref, "gateway.networking.k8s.io", "Gateway") && (ref.namespace === undefined || ref.namespace === "" || ref.namespace === policyNamespace);
}
