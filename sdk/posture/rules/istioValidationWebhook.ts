// Rule: which Istio chart renders which config-validation webhook, which values key sets its
// `failurePolicy`, and what istiod does to it at runtime (so: does a re-applied render fight istiod?).
//
// Encodes istio/istio 1.30.3 (commit 56df41f6):
// - `manifests/charts/base/templates/defaultrevision-validatingwebhookconfiguration.yaml`: the BASE chart
//   renders `istiod-default-validator` when `global.resourceScope` is `all` or `cluster` and
//   `defaultRevision` is not "" (base's values.yaml defaults it to "default"); labelled
//   `istio.io/rev: <defaultRevision>`; `failurePolicy` is `Fail` with `base.validationCABundle`, else
//   `base.validationFailurePolicy` when set, else `Ignore` on install and absent on upgrade. The key
//   `base.validationFailurePolicy` is read by this template although `manifests/charts/base/values.yaml`
//   does not list it.
// - `manifests/charts/istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml`: the
//   ISTIOD chart renders `istio-validator[-<revision>]-<global.istioNamespace>` when `global.resourceScope`
//   is `all` or `cluster`, istiod is not remote and `global.configValidation` is true; labelled
//   `istio.io/rev: <revision or "default">`; the same `failurePolicy` choice. Its values.yaml documents
//   `base.validationFailurePolicy` as a commented-out key ("Set to "Fail" to avoid the flip-flop").
// - `manifests/charts/istio-control/istio-discovery/templates/deployment.yaml`: istiod's `REVISION` env is
//   `revision | default "default"`.
// - `pkg/webhooks/validation/controller/controller.go` (started from `pilot/pkg/bootstrap/validation.go`):
//   istiod watches ValidatingWebhookConfigurations labelled `istio.io/rev=<its REVISION>` and, once ready,
//   sets every webhook's `failurePolicy` to `Fail`.
// meshtls renders charts (helm.v4.Chart) like `helm template`: never an upgrade, so an unset key renders
// `Ignore`, istiod flips it to `Fail`, and the next apply flips it back: a diff on every preview.
// Pure: no Pulumi resources, no I/O.

/** The Istio charts that render a config-validation webhook. */
/**
 * The charts' own `global.istioNamespace` default (istio-discovery and base values.yaml at 1.30.3). A rule
 * states the upstream fact itself; a test checks meshtls's default namespace agrees.
 */
export const CHART_ISTIO_NAMESPACE = "istio-system";

export type IstioWebhookChart = "base" | "istiod";

/** A webhook `failurePolicy`. */
export type WebhookFailurePolicy = "Fail" | "Ignore";

/** Where a chart's validation webhook comes from and which values key sets its `failurePolicy`. */
export interface IstioValidationWebhookSource {
    /** The chart. */
    chart: IstioWebhookChart;
    /** The template that renders it, relative to the chart repository root at 1.30.3. */
    template: string;
    /** The values key its `failurePolicy` reads. */
    failurePolicyKey: string;
    /** Whether the chart's own values.yaml lists that key (uncommented). */
    keyListedInChartValues: boolean;
}

/** Which chart renders which validation webhook (istio/istio 1.30.3). */
export const ISTIO_VALIDATION_WEBHOOK_SOURCES: readonly IstioValidationWebhookSource[] = [
    {
        chart: "base",
        template: "manifests/charts/base/templates/defaultrevision-validatingwebhookconfiguration.yaml",
        failurePolicyKey: "base.validationFailurePolicy",
        keyListedInChartValues: false,
    },
    {
        chart: "istiod",
        template: "manifests/charts/istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml",
        failurePolicyKey: "base.validationFailurePolicy",
        keyListedInChartValues: false,
    },
];

/** A validation webhook as the chart renders it. */
export interface RenderedValidationWebhook {
    /** The chart that renders it. */
    chart: IstioWebhookChart;
    /** `metadata.name` of the ValidatingWebhookConfiguration. */
    name: string;
    /** Its `istio.io/rev` label (the istiod revision that patches it). */
    revisionLabel: string;
    /** The rendered `failurePolicy`; absent when the template renders none (upgrade without a value). */
    failurePolicy?: WebhookFailurePolicy;
}

function at(values: Record<string, unknown>, key: string): unknown {
    let cur: unknown = values;
    for (const part of key.split(".")) {
        if (!cur || typeof cur !== "object" || Array.isArray(cur)) {
            return undefined;
        }
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

/**
 * A value from the user's values, else the chart default (from the chart's values.yaml; the charts'
 * `global.istioNamespace` default is CHART_ISTIO_NAMESPACE).
 */
function value<T>(values: Record<string, unknown>, key: string, chartDefault: T): T {
    const v = at(values, key);
    return v === undefined || v === null ? chartDefault : (v as T);
}

/** The `failurePolicy` branch shared by both templates. */
function failurePolicy(values: Record<string, unknown>, isUpgrade: boolean): WebhookFailurePolicy | undefined {
    if (value<string>(values, "base.validationCABundle", "") !== "") {
        return "Fail";
    }
    const set = value<string>(values, "base.validationFailurePolicy", "");
    if (set) {
        return set as WebhookFailurePolicy;
    }
    return isUpgrade ? undefined : "Ignore";
}

/**
 * The validation webhooks a chart renders from the given user values (chart defaults fill the rest),
 * as Istio 1.30.3's templates decide. `isUpgrade` is Helm's `.Release.IsUpgrade` (false for a render).
 */
export function renderedValidationWebhooks(chart: IstioWebhookChart, values: Record<string, unknown>, isUpgrade = false): RenderedValidationWebhook[] {
    const scope = value<string>(values, "global.resourceScope", "all");
    if (scope !== "all" && scope !== "cluster") {
        return [];
    }
    const istioNamespace = value<string>(values, "global.istioNamespace", CHART_ISTIO_NAMESPACE);
    const policy = failurePolicy(values, isUpgrade);
    const withPolicy = (w: RenderedValidationWebhook): RenderedValidationWebhook => (policy === undefined ? w : { ...w, failurePolicy: policy });
    if (chart === "base") {
        const defaultRevision = value<string>(values, "defaultRevision", "default");
        if (defaultRevision === "") {
            return [];
        }
        return [withPolicy({ chart, name: "istiod-default-validator", revisionLabel: defaultRevision })];
    }
    const remote = value<boolean>(values, "istiodRemote.enabled", false);
    const localForRemote = value<boolean>(values, "global.configCluster", false) || value<boolean>(values, "istiodRemote.enabledLocalInjectorIstiod", false);
    if ((remote && !localForRemote) || !value<boolean>(values, "global.configValidation", true)) {
        return [];
    }
    const revision = value<string>(values, "revision", "");
    return [withPolicy({ chart, name: `istio-validator${revision ? `-${revision}` : ""}-${istioNamespace}`, revisionLabel: revision || "default" })];
}

/** istiod's `REVISION` (what its webhook controller selects on): the chart's `revision`, or "default". */
export function istiodRevisionLabel(revision: string): string {
    return revision || "default";
}

/**
 * The `failurePolicy` the webhook has on the cluster once the istiods are ready: `Fail` when an istiod of
 * one of `istiodRevisions` (chart `revision` values, "" for the default) patches it, else what was rendered.
 */
export function liveFailurePolicy(webhook: RenderedValidationWebhook, istiodRevisions: string[]): WebhookFailurePolicy | undefined {
    return istiodRevisions.some((r) => istiodRevisionLabel(r) === webhook.revisionLabel) ? "Fail" : webhook.failurePolicy;
}

/**
 * Whether re-applying the rendered webhook changes the live object every time (a perpetual diff): the
 * render sets a `failurePolicy` that istiod then overwrites.
 */
export function validationWebhookFlipFlops(webhook: RenderedValidationWebhook, istiodRevisions: string[]): boolean {
    return webhook.failurePolicy !== undefined && liveFailurePolicy(webhook, istiodRevisions) !== webhook.failurePolicy;
}
