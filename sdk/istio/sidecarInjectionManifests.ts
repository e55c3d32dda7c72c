// SidecarInjection's manifests: pure. The server-side-apply patch of the Deployment's pod template.
import { podInjectionLabels, REWRITE_PROBES_ANNOTATION } from "./labels";
import { SidecarInjectionPlan } from "./sidecarInjectionPlan";

/** The pod template labels and annotations a SidecarInjection owns. */
export interface SidecarPodTemplateFields {
    /** `sidecar.istio.io/inject`, and `istio.io/rev` with a revision. */
    labels: Record<string, string>;
    /** `sidecar.istio.io/rewriteAppHTTPProbers`. */
    annotations: Record<string, string>;
}

/** The pod template labels and annotations for a plan. */
export function podTemplateFields(plan: Pick<SidecarInjectionPlan, "inject" | "rewriteAppHTTPProbers" | "revision">): SidecarPodTemplateFields {
    return {
        labels: podInjectionLabels(plan.revision, plan.inject),
        annotations: { [REWRITE_PROBES_ANNOTATION]: String(plan.rewriteAppHTTPProbers) },
    };
}

/** The DeploymentPatch: its resource name and its arguments (plain data). */
export interface SidecarInjectionPatch {
    /** The Pulumi resource name (part of the URN: a public contract). */
    resourceName: string;
    /** Arguments of the `kubernetes:apps/v1:DeploymentPatch`. */
    args: {
        metadata: { name: string; namespace: string; annotations: Record<string, string> };
        spec: { template: { metadata: SidecarPodTemplateFields } };
    };
}

/** The pod-template patch for a plan. */
export function sidecarPatch(plan: SidecarInjectionPlan): SidecarInjectionPatch {
    return {
        resourceName: `${plan.name}-pod-template`,
        args: {
            metadata: {
                name: plan.deployment,
                namespace: plan.namespace,
                // Take ownership of fields set earlier by hand (kubectl label/annotate, as old runbooks do).
                annotations: { "pulumi.com/patchForce": "true" },
            },
            spec: { template: { metadata: podTemplateFields(plan) } },
        },
    };
}
