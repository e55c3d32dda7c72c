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
