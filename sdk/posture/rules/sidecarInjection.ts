// Rule: does Istio's sidecar injector mutate a pod, given its namespace's labels, its own labels and the
// revision (and revision tags) of the control plane installed?
//
// Encodes istio/istio 1.30.3:
// - `manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml`: each istiod chart
//   install renders `rev.namespace.` (namespace `istio.io/rev In [<revision or "default">]` AND
//   `istio-injection DoesNotExist`; pod `sidecar.istio.io/inject NotIn [false]`) and `rev.object.`
//   (namespace has neither label; pod `sidecar.istio.io/inject NotIn [false]` AND `istio.io/rev In [rev]`).
//   Only the default revision (`revision: ""`) also renders `namespace.` (namespace `istio-injection In
//   [enabled]`; pod not `false`) and `object.` (namespace has neither label; pod `sidecar.istio.io/inject In
//   [true]` AND no `istio.io/rev`), plus `auto.` when `sidecarInjectorWebhook.enableNamespacesByDefault`.
//   So `istio-injection` on a namespace blocks revision selection, and a revisioned control plane with no
//   default tag never answers `istio-injection: enabled` or a bare `sidecar.istio.io/inject: "true"`.
// - `manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml`: each of
//   `revisionTags` renders the same `rev.namespace.`/`rev.object.` pair for the tag name, and the tag
//   `default` also renders `namespace.`/`object.` (and `auto.`).
// - `pkg/kube/inject/inject.go` `injectRequired`: once called, the pod label `sidecar.istio.io/inject`
//   decides when present, else the (deprecated) annotation of the same name; "false" never injects,
//   "true" injects; otherwise the injector policy (chart default `enabled`) injects; host-network pods are
//   never injected. The webhook selectors above already exclude the label `false`; the annotation `false`
//   is honoured here (Never/AlwaysInjectSelector are not modelled).
// - `manifests/charts/istio-control/istio-discovery/files/injection-template.yaml` (istio-init args `-b`
//   and `-d`): the sidecar captures the inbound ports of `traffic.sidecar.istio.io/includeInboundPorts`
//   (chart default `*`: all) minus `traffic.sidecar.istio.io/excludeInboundPorts`; an uncaptured port
//   reaches the application directly, as if the pod had no sidecar.
// Pure: no Pulumi resources, no I/O.

/** A label selector requirement, as the webhook templates render them. */
export interface InjectionRequirement {
    /** Label key. */
    key: string;
    /** Operator. */
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    /** Values (In / NotIn). */
    values?: string[];
}

/** One rendered injector webhook: its name prefix and its selectors. */
export interface InjectorWebhook {
    /** The name prefix (`rev.namespace.`, `rev.object.`, `namespace.`, `object.`, `auto.`). */
    prefix: string;
    /** The revision or tag it answers for ("default" for the default revision). */
    revision: string;
    /** The namespace selector's expressions. */
    namespaceSelector: InjectionRequirement[];
    /** The object (pod) selector's expressions. */
    objectSelector: InjectionRequirement[];
}

/** The control plane installed. */
export interface InjectionControlPlane {
    /** The istiod chart's `revision` ("" = the default revision). */
    revision: string;
    /** The chart's `revisionTags` (a tag `default` makes the revision the default one). @default [] */
    revisionTags?: string[];
    /** `sidecarInjectorWebhook.enableNamespacesByDefault`. @default false */
    enableNamespacesByDefault?: boolean;
}

/** What decides injection of one pod. */
export interface SidecarInjectionInput {
    /** The control plane(s) installed (each renders its own webhooks). */
    controlPlanes: InjectionControlPlane[];
    /** The pod namespace's name (the `auto.` webhook excludes system namespaces by name). */
    namespace?: string;
    /** The pod namespace's labels. */
    namespaceLabels: Record<string, string>;
    /** The pod's labels. */
    podLabels: Record<string, string>;
    /** The pod's annotations (`sidecar.istio.io/inject` is read when the label is absent). @default {} */
    podAnnotations?: Record<string, string>;
    /** The pod's `hostNetwork`. @default false */
    hostNetwork?: boolean;
}

/** The decision: injected or not, and by which webhooks. */
export interface SidecarInjectionDecision {
    /** Whether a sidecar is injected. */
    injected: boolean;
    /** The matching webhooks, `<prefix>@<revision>`. */
    matchedBy: string[];
}

const NOT_FALSE: InjectionRequirement = { key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] };
const NO_REV: InjectionRequirement = { key: "istio.io/rev", operator: "DoesNotExist" };
const NO_LEGACY: InjectionRequirement = { key: "istio-injection", operator: "DoesNotExist" };

/** The webhooks rendered for one revision or tag name (`default` also gets the legacy ones). */
function webhooksFor(rev: string, defaultOnes: boolean, enableNamespacesByDefault: boolean): InjectorWebhook[] {
    const hooks: InjectorWebhook[] = [
        { prefix: "rev.namespace.", revision: rev, namespaceSelector: [{ key: "istio.io/rev", operator: "In", values: [rev] }, NO_LEGACY], objectSelector: [NOT_FALSE] },
        { prefix: "rev.object.", revision: rev, namespaceSelector: [NO_REV, NO_LEGACY], objectSelector: [NOT_FALSE, { key: "istio.io/rev", operator: "In", values: [rev] }] },
    ];
    if (defaultOnes) {
        hooks.push(
            { prefix: "namespace.", revision: rev, namespaceSelector: [{ key: "istio-injection", operator: "In", values: ["enabled"] }], objectSelector: [NOT_FALSE] },
            { prefix: "object.", revision: rev, namespaceSelector: [NO_LEGACY, NO_REV], objectSelector: [{ key: "sidecar.istio.io/inject", operator: "In", values: ["true"] }, NO_REV] },
        );
        if (enableNamespacesByDefault) {
            hooks.push({
                prefix: "auto.",
                revision: rev,
                namespaceSelector: [
                    NO_LEGACY,
                    NO_REV,
                    { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"] },
                ],
                objectSelector: [{ key: "sidecar.istio.io/inject", operator: "DoesNotExist" }, NO_REV],
            });
        }
    }
    return hooks;
}

/** The injector webhooks a control plane renders (mutatingwebhook.yaml + revision-tags-mwc.yaml). */
export function injectorWebhooks(cp: InjectionControlPlane): InjectorWebhook[] {
    const byNs = cp.enableNamespacesByDefault ?? false;
    const hooks = webhooksFor(cp.revision === "" ? "default" : cp.revision, cp.revision === "", byNs);
    for (const tag of cp.revisionTags ?? []) {
        hooks.push(...webhooksFor(tag, tag === "default", byNs));
    }
    return hooks;
}

/** Whether labels satisfy every requirement (Kubernetes label selector semantics). */
export function matchesRequirements(labels: Record<string, string>, reqs: InjectionRequirement[]): boolean {
    return reqs.every((r) => {
        const has = Object.prototype.hasOwnProperty.call(labels, r.key);
        switch (r.operator) {
            case "In":
                return has && (r.values ?? []).includes(labels[r.key]);
            case "NotIn":
                return !has || !(r.values ?? []).includes(labels[r.key]);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
        }
    });
}

/**
 * Whether Istio 1.30.3 injects a sidecar into the pod: some rendered injector webhook's namespace and
 * object selectors match, and `injectRequired` (default policy `enabled`) agrees.
 */
export function isSidecarInjected(input: SidecarInjectionInput): SidecarInjectionDecision {
    const nsLabels: Record<string, string> = { ...input.namespaceLabels };
    if (input.namespace !== undefined) {
        // The API server sets this label on every namespace (Kubernetes >= 1.21).
        nsLabels["kubernetes.io/metadata.name"] = input.namespace;
    }
    const matchedBy = input.controlPlanes
        .flatMap(injectorWebhooks)
        .filter((h) => matchesRequirements(nsLabels, h.namespaceSelector) && matchesRequirements(input.podLabels, h.objectSelector))
        .map((h) => `${h.prefix}@${h.revision}`);
    // The label when present, else the annotation (inject.go injectRequired).
    const selector = input.podLabels["sidecar.istio.io/inject"] ?? input.podAnnotations?.["sidecar.istio.io/inject"];
    const required = !(input.hostNetwork ?? false) && selector !== "false";
    return { injected: matchedBy.length > 0 && required, matchedBy };
}

/** Pod annotation listing the inbound ports the sidecar captures (`*`: all). */
export const INCLUDE_INBOUND_PORTS_ANNOTATION = "traffic.sidecar.istio.io/includeInboundPorts";
/** Pod annotation listing inbound ports the sidecar does not capture. */
export const EXCLUDE_INBOUND_PORTS_ANNOTATION = "traffic.sidecar.istio.io/excludeInboundPorts";

/**
 * Whether an injected pod's sidecar captures inbound traffic to container port `port`
 * (injection-template.yaml istio-init `-b` / `-d`); an uncaptured port reaches the application directly.
 */
export function inboundPortCaptured(podAnnotations: Readonly<Record<string, string>>, port: number): boolean {
    const list = (v: string | undefined) => (v ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "");
    const include = podAnnotations[INCLUDE_INBOUND_PORTS_ANNOTATION] ?? "*";
    if (list(podAnnotations[EXCLUDE_INBOUND_PORTS_ANNOTATION]).includes(String(port))) {
        return false;
    }
    return include.trim() === "*" || list(include).includes(String(port));
}
