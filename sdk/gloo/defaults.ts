// Every default and fixed name of GlooMtls, defined here once. The plan resolves each of them exactly
// once; nothing else in the package restates them.
import { HelmMode } from "../internal/chartValues";
import { DEFAULT_KEY_ALGORITHM, KeyAlgorithm } from "../pki";
import { GlooCertRotation } from "./types";
import { CERTGEN_RENEW_BEFORE_DEFAULT, CERTGEN_RENEW_BEFORE_HOURS } from "../posture";

/** GlooMtls's type token. */
export const GLOO_MTLS_TYPE = "meshtls:index:GlooMtls";

/** The Gloo Edge chart installed by default (latest 1.22 patch). */
export const DEFAULT_GLOO_VERSION = "1.22.1";
/** The Gloo Edge chart repository. */
export const GLOO_CHART_REPO = "https://storage.googleapis.com/solo-public-helm";
/** The chart's name in the repository. */
export const GLOO_CHART = "gloo";
/** Install namespace when none is given. */
export const DEFAULT_GLOO_NAMESPACE = "gloo-system";
/** Helm release name when none is given. */
export const DEFAULT_GLOO_RELEASE_NAME = "gloo";
/** Whether the chart is installed when `install` is not given. */
export const DEFAULT_GLOO_INSTALL = true;
/** How the chart is installed: a Release, because the chart relies on Helm hooks (the certgen jobs). */
export const DEFAULT_GLOO_HELM_MODE = HelmMode.Release;
/** The secret Gloo's `global.glooMtls` mode mounts (fixed by the chart). */
export const GLOO_MTLS_SECRET = "gloo-mtls-certs";
/** First chart version with `global.istioIntegration` (older charts use `global.istioSDS`). */
export const ISTIO_INTEGRATION_SINCE = "1.17.0";

/** Who rotates the xDS certificate when `xds.rotation` is not given. */
export const DEFAULT_GLOO_ROTATION = GlooCertRotation.Pulumi;
/** Schedule of the chart's certgen cron job (CronJob rotation); the chart's own, every minute, is not used. */
export const DEFAULT_GLOO_CRON_SCHEDULE = "0 3 1 * *";
/** Wait between the certgen job's stages (CronJob rotation). */
export const DEFAULT_GLOO_ROTATION_DURATION = "65s";

/** certgen's `--renew-before` (the chart never overrides it): the certgen rule's constant, one home. */
export const GLOO_CERTGEN_RENEW_BEFORE = CERTGEN_RENEW_BEFORE_DEFAULT;
/** {@link GLOO_CERTGEN_RENEW_BEFORE} in hours. */
export const GLOO_CERTGEN_RENEW_BEFORE_HOURS = CERTGEN_RENEW_BEFORE_HOURS;
/**
 * Hours the xDS leaf must keep above certgen's renew-before, both when issued and when Pulumi is about
 * to re-issue it (a week: time for the next `pulumi up`, and clock skew between the runner and the
 * cluster).
 */
export const GLOO_CERTGEN_MARGIN_HOURS = 168;

/**
 * The xDS certificate's key algorithm and validity. Not pki's leaf defaults: certgen (a Helm hook)
 * would replace a 90-day leaf at once. 180 days, re-issued in its last 120 (every 60 days, as pki's
 * leaves): Pulumi re-issues it 30 days before certgen's 90-day window opens.
 */
export const DEFAULT_GLOO_XDS_CERTIFICATE: { readonly keyAlgorithm: KeyAlgorithm; readonly validityHours: number; readonly earlyRenewalHours: number } = {
    keyAlgorithm: DEFAULT_KEY_ALGORITHM,
    validityHours: 4320,
    earlyRenewalHours: 2880,
};

/** Whether Gloo adds Istio mTLS to every Upstream when `istio.enableAutoMtls` is not given. */
export const DEFAULT_GLOO_ENABLE_AUTO_MTLS = false;
/** Whether upstream namespaces are made STRICT when `istio.strictUpstreamNamespaces` is not given. */
export const DEFAULT_GLOO_STRICT_UPSTREAM_NAMESPACES = false;

/** The label that keeps Istio from injecting sidecars into Gloo's own pods. */
export const GLOO_NAMESPACE_LABELS: Readonly<Record<string, string>> = { "istio-injection": "disabled" };

/** The rotation in effect for `rotation` as given: the one place its default is applied. */
export function resolveGlooRotation(rotation: GlooCertRotation | undefined): GlooCertRotation {
    return rotation ?? DEFAULT_GLOO_ROTATION;
}

/** The suffix of default Upstream names, which keeps them out of Gloo discovery's names. */
export const GLOO_UPSTREAM_NAME_SUFFIX = "-mtls";

/**
 * The Upstream name for a service when none is given: `<serviceNamespace>-<serviceName>-<port>-mtls`.
 * Not discovery's `<serviceNamespace>-<serviceName>-<port>`: Gloo's discovery (when enabled) writes its
 * own Upstream over any same-named one it does not own, dropping the Istio `sslConfig`, and then owns
 * it (solo-io/gloo v1.22.1 `projects/gloo/pkg/discovery/discovery.go`, solo-kit `reconcile/reconciler.go`).
 * Discovered names end in the port's digits or in hex digits (a hashed long name), never in "s", so no
 * Service can be discovered under this name (sdk/posture/rules/glooDiscoveryUpstream.ts).
 */
export function defaultUpstreamName(u: { serviceName: string; serviceNamespace: string; port: number }): string {
    return `${u.serviceNamespace}-${u.serviceName}-${u.port}${GLOO_UPSTREAM_NAME_SUFFIX}`;
}
