// Every default and fixed name of GlooMtls, defined here once. The plan resolves each of them exactly
// once; nothing else in the package restates them.
import { HelmMode } from "../internal/chartValues";
import { DEFAULT_KEY_ALGORITHM, KeyAlgorithm, LEAF_DEFAULTS } from "../pki";
import { GlooCertRotation } from "./types";

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
/** The secret Gloo's xDS mTLS mode mounts (fixed by the chart). */
export const GLOO_MTLS_SECRET = "gloo-mtls-certs";
/** First chart version with `global.istioIntegration` (older charts use `global.istioSDS`). */
export const ISTIO_INTEGRATION_SINCE = "1.17.0";

/** Who rotates the xDS certificate when `xds.rotation` is not given. */
export const DEFAULT_GLOO_ROTATION = GlooCertRotation.Pulumi;
/** Schedule of the chart's certgen cron job (CronJob rotation); the chart's own, every minute, is not used. */
export const DEFAULT_GLOO_CRON_SCHEDULE = "0 3 1 * *";
/** Wait between the certgen job's stages (CronJob rotation). */
export const DEFAULT_GLOO_ROTATION_DURATION = "65s";

/** The xDS certificate's key algorithm and validity: pki's leaf defaults (one home for them). */
export const DEFAULT_GLOO_XDS_CERTIFICATE: { readonly keyAlgorithm: KeyAlgorithm; readonly validityHours: number; readonly earlyRenewalHours: number } = {
    keyAlgorithm: DEFAULT_KEY_ALGORITHM,
    validityHours: LEAF_DEFAULTS.validityHours,
    earlyRenewalHours: LEAF_DEFAULTS.earlyRenewalHours,
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

/** The Upstream name for a service when none is given: `<serviceNamespace>-<serviceName>-<port>`, as Gloo's discovery names it. */
export function defaultUpstreamName(u: { serviceName: string; serviceNamespace: string; port: number }): string {
    return `${u.serviceNamespace}-${u.serviceName}-${u.port}`;
}
