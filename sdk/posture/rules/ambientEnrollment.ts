// Rule: does a pod get ambient redirection (ztunnel captures its traffic), a sidecar, or neither? And is
// a namespace enrolled in both data planes at once?
//
// Encodes istio/istio 1.30.3:
// - `manifests/charts/istio-cni/values.yaml` (lines 59-66): the default `ambient.enablementSelectors` are
//   (a) pod label `istio.io/dataplane-mode=ambient` (any namespace), or (b) namespace label
//   `istio.io/dataplane-mode=ambient` AND pod label `istio.io/dataplane-mode` NotIn [none]; lines 31-32:
//   `excludeNamespaces: [kube-system]`.
// - `cni/pkg/util/enablement_selector.go` `NewCompiledEnablementSelectors` (lines 35-74: an empty pod or
//   namespace selector matches everything) and `Matches` (lines 76-89): a pod carrying the injector's
//   `sidecar.istio.io/status` annotation (`podHasSidecar`, `cni/pkg/util/podutil.go` lines 93-98) is never
//   enrolled ("Ztunnel and sidecar for a single pod is currently not supported; opt out"); otherwise
//   any (pod selector AND namespace selector) pair enrolls it.
// - `cni/pkg/plugin/plugin.go` lines 234-237 (excluded namespaces are skipped before the ambient check) and
//   `cni/pkg/nodeagent/informers.go` lines 186-188 (an ambient-labelled excluded namespace is not enrolled).
// - `pkg/config/constants/constants.go` lines 190-207: `DataplaneModeAmbient = "ambient"`,
//   `DataplaneModeNone = "none"`; `ambient.istio.io/redirection` is a STATUS annotation the CNI sets
//   (`enabled` / `pending`), never a user input.
// - Both enrollments on one namespace: the injector webhooks do not look at `istio.io/dataplane-mode`
//   (no reference in `pkg/kube/inject` nor in the istiod chart's webhook templates), so a namespace with
//   `istio-injection=enabled` (or, without `istio-injection`, an `istio.io/rev` answered by an installed
//   injector: see sidecarInjection.ts) gets sidecars, and the CNI then skips those pods (sidecar status
//   annotation): the sidecar wins and the ambient label does nothing. `istioctl analyze` reports it as
//   IST0123 NamespaceMultipleInjectionLabels ("may lead to undefined behavior. Make sure only one
//   injection label exists"; `pkg/config/analysis/analyzers/injection/injection.go` lines 73-88,
//   `pkg/config/analysis/msg/messages.yaml` lines 168-175): `istio.io/rev` and `istio.io/dataplane-mode`
//   count when `istio-injection` is absent or `enabled`. So it is not a supported configuration.
// - `istio.io/rev` on an ambient namespace does not pick a ztunnel: ztunnel is one DaemonSet per revision
//   install whose CA/XDS address comes from its chart `revision` value
//   (`manifests/charts/ztunnel/templates/daemonset.yaml` lines 110-121). The namespace label is read by the
//   revision tag watcher to decide which istiod deploys waypoints there (`pkg/revisions/tag_watcher.go`
//   `IsMine` lines 133-157, used by `pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go` line 356).
// Pure: no Pulumi resources, no I/O.

/** Namespace and pod label that enrolls a namespace or a pod in (or out of) the ambient data plane. */
export const DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";
/** `istio.io/dataplane-mode` value enrolling in ambient. */
export const DATAPLANE_MODE_AMBIENT = "ambient";
/** `istio.io/dataplane-mode` value opting a pod (or namespace) out of ambient. */
export const DATAPLANE_MODE_NONE = "none";
/** Annotation the injector writes on every injected pod; the CNI never enrolls a pod carrying it. */
export const SIDECAR_STATUS_ANNOTATION = "sidecar.istio.io/status";
/** Status annotation the CNI writes once redirection is set up (`enabled`) or half set up (`pending`). */
export const AMBIENT_REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";
/** Namespace label of sidecar injection (default revision). */
export const ISTIO_INJECTION_LABEL = "istio-injection";
/** Namespace/pod label selecting a control-plane revision (sidecar injection, waypoint deployment). */
export const ISTIO_REV_LABEL = "istio.io/rev";

/** One label selector requirement (Kubernetes `matchExpressions` entry). */
export interface SelectorRequirement {
    /** Label key. */
    key: string;
    /** Operator. */
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    /** Values (In / NotIn). */
    values?: string[];
}

/** A Kubernetes label selector; empty (no labels, no expressions) matches everything. */
export interface LabelSelectorSpec {
    /** `matchLabels`. */
    matchLabels?: Readonly<Record<string, string>>;
    /** `matchExpressions`. */
    matchExpressions?: readonly SelectorRequirement[];
}

/** One entry of the istio-cni chart's `ambient.enablementSelectors`. */
export interface EnablementSelector {
    /** Pod selector; absent or empty matches every pod. */
    podSelector?: LabelSelectorSpec;
    /** Namespace selector; absent or empty matches every namespace. */
    namespaceSelector?: LabelSelectorSpec;
}

/** The istio-cni 1.30.3 chart default `ambient.enablementSelectors` (values.yaml lines 59-66). */
export const DEFAULT_ENABLEMENT_SELECTORS: readonly EnablementSelector[] = Object.freeze([
    { podSelector: { matchLabels: { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT } } },
    {
        podSelector: { matchExpressions: [{ key: DATAPLANE_MODE_LABEL, operator: "NotIn", values: [DATAPLANE_MODE_NONE] }] },
        namespaceSelector: { matchLabels: { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT } },
    },
] as EnablementSelector[]);

/** The istio-cni 1.30.3 chart default `excludeNamespaces` (values.yaml lines 31-32). */
export const DEFAULT_CNI_EXCLUDE_NAMESPACES: readonly string[] = Object.freeze(["kube-system"]);

/** Kubernetes label selector semantics (NotIn and DoesNotExist match an absent key). */
export function labelSelectorMatches(selector: LabelSelectorSpec | undefined, labels: Readonly<Record<string, string>>): boolean {
    for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
        if (labels[k] !== v) {
            return false;
        }
    }
    for (const r of selector?.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, r.key);
        const inValues = has && (r.values ?? []).includes(labels[r.key]);
        const ok = r.operator === "In" ? inValues : r.operator === "NotIn" ? !inValues : r.operator === "Exists" ? has : !has;
        if (!ok) {
            return false;
        }
    }
    return true;
}

/** What decides a pod's data plane. */
export interface PodDataplaneInput {
    /** The pod's namespace name (checked against `excludeNamespaces`); absent: not checked. */
    namespace?: string;
    /** The namespace's labels. */
    namespaceLabels: Readonly<Record<string, string>>;
    /** The pod's labels. */
    podLabels: Readonly<Record<string, string>>;
    /** The pod's annotations (`sidecar.istio.io/status` means injected). @default {} */
    podAnnotations?: Readonly<Record<string, string>>;
    /** Whether the injector mutates the pod (e.g. from `isSidecarInjected`); the status annotation counts too. @default false */
    sidecarInjected?: boolean;
    /** The istio-cni `ambient.enablementSelectors`. @default DEFAULT_ENABLEMENT_SELECTORS */
    enablementSelectors?: readonly EnablementSelector[];
    /** The istio-cni `excludeNamespaces`. @default DEFAULT_CNI_EXCLUDE_NAMESPACES */
    excludeNamespaces?: readonly string[];
}

/** A pod's data plane and why. */
export interface PodDataplane {
    /** `ambient`: ztunnel captures the pod; `sidecar`: an injected proxy; `none`: outside the mesh. */
    mode: "ambient" | "sidecar" | "none";
    /** Why, naming the label, annotation or setting that decided. */
    reason: string;
}

/** The data plane istio-cni 1.30.3 and the injector give a pod (see the header for the sources). */
export function podDataplane(input: PodDataplaneInput): PodDataplane {
    const annotations = input.podAnnotations ?? {};
    if ((input.sidecarInjected ?? false) || Object.prototype.hasOwnProperty.call(annotations, SIDECAR_STATUS_ANNOTATION)) {
        return { mode: "sidecar", reason: `the pod has a sidecar (${SIDECAR_STATUS_ANNOTATION}); istio-cni never enrolls such a pod in ambient (cni/pkg/util/enablement_selector.go Matches)` };
    }
    if (input.namespace !== undefined && (input.excludeNamespaces ?? DEFAULT_CNI_EXCLUDE_NAMESPACES).includes(input.namespace)) {
        return { mode: "none", reason: `namespace ${input.namespace} is in istio-cni excludeNamespaces (cni/pkg/plugin/plugin.go)` };
    }
    const selectors = input.enablementSelectors ?? DEFAULT_ENABLEMENT_SELECTORS;
    const i = selectors.findIndex((s) => labelSelectorMatches(s.podSelector, input.podLabels) && labelSelectorMatches(s.namespaceSelector, input.namespaceLabels));
    if (i >= 0) {
        return { mode: "ambient", reason: `istio-cni ambient.enablementSelectors[${i}] matches the pod and its namespace` };
    }
    if (input.podLabels[DATAPLANE_MODE_LABEL] === DATAPLANE_MODE_NONE && input.namespaceLabels[DATAPLANE_MODE_LABEL] === DATAPLANE_MODE_AMBIENT) {
        return { mode: "none", reason: `the pod opts out with ${DATAPLANE_MODE_LABEL}=${DATAPLANE_MODE_NONE}` };
    }
    return { mode: "none", reason: "no istio-cni ambient.enablementSelectors entry matches and the pod has no sidecar" };
}

/**
 * Why a namespace's labels enroll it in both data planes (`istio.io/dataplane-mode=ambient` together with
 * `istio-injection=enabled`, or with `istio.io/rev` and no `istio-injection`), or undefined when they do not.
 * The sidecar wins for its pods and `istioctl analyze` reports IST0123; `istio-injection=disabled` next to
 * `istio.io/rev` blocks injection, so it is no conflict.
 */
export function namespaceEnrollmentConflict(labels: Readonly<Record<string, string>>): string | undefined {
    if (labels[DATAPLANE_MODE_LABEL] !== DATAPLANE_MODE_AMBIENT) {
        return undefined;
    }
    const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
    const sidecarLabel =
        labels[ISTIO_INJECTION_LABEL] === "enabled"
            ? `${ISTIO_INJECTION_LABEL}=enabled`
            : !has(ISTIO_INJECTION_LABEL) && has(ISTIO_REV_LABEL)
              ? `${ISTIO_REV_LABEL}=${labels[ISTIO_REV_LABEL]}`
              : undefined;
    if (sidecarLabel === undefined) {
        return undefined;
    }
    return (
        `namespace has both ${DATAPLANE_MODE_LABEL}=${DATAPLANE_MODE_AMBIENT} and ${sidecarLabel}: the injector adds sidecars and istio-cni ` +
        "then skips those pods, so the ambient label does nothing (istioctl analyze IST0123 NamespaceMultipleInjectionLabels; " +
        "istio/istio 1.30.3 cni/pkg/util/enablement_selector.go, pkg/config/analysis/analyzers/injection/injection.go); keep one enrollment"
    );
}
