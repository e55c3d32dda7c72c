// The labels and annotations that enroll namespaces and pods in a mesh (istio/api label/labels.yaml,
// annotation/annotations.yaml). Pure: shared by IstioMesh's plan, SidecarInjection and other products.

/** Pod label that turns sidecar injection on or off (the annotation form is deprecated). */
export const INJECT_LABEL = "sidecar.istio.io/inject";
/** Pod annotation that rewrites HTTP probes to go through the sidecar agent. */
export const REWRITE_PROBES_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers";
/** Pod and namespace label that selects a control-plane revision. */
export const REVISION_LABEL = "istio.io/rev";
/** Namespace label that enrolls a namespace in the default revision (value `enabled`). */
export const NAMESPACE_INJECTION_LABEL = "istio-injection";

// The ambient label and value are defined with the rule that reads them (sdk/posture/rules/ambientEnrollment.ts).
import { DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL } from "../posture";
export { DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL };

/**
 * The namespace labels that enroll a namespace in the ambient data plane: `istio.io/dataplane-mode:
 * ambient` only. Never `istio.io/rev`: the revisioned sidecar injector's `rev.namespace.` webhook selects
 * any namespace with that label (istio 1.30.3 istio-discovery templates/mutatingwebhook.yaml has no
 * dataplane-mode exclusion), so the label would inject sidecars into an ambient namespace.
 */
export function ambientNamespaceLabels(): Record<string, string> {
    return { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT };
}

/**
 * The namespace labels that enroll a namespace in the control plane of `revision`: `istio-injection:
 * enabled` for the default revision (""), `istio.io/rev: <revision>` otherwise (only that one: the
 * revisioned injector skips namespaces that carry `istio-injection`).
 */
export function namespaceInjectionLabels(revision: string): Record<string, string> {
    return revision === "" ? { [NAMESPACE_INJECTION_LABEL]: "enabled" } : { [REVISION_LABEL]: revision };
}

/**
 * The pod labels that turn injection on (or off) for one workload: `sidecar.istio.io/inject`, plus
 * `istio.io/rev` for a revisioned control plane.
 */
export function podInjectionLabels(revision: string, inject: boolean): Record<string, string> {
    const labels: Record<string, string> = { [INJECT_LABEL]: String(inject) };
    if (revision !== "") {
        labels[REVISION_LABEL] = revision;
    }
    return labels;
}
