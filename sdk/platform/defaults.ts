// Every default of MtlsPlatform's own sections, defined once. Children's defaults live in their products.

/** MtlsPlatform's type token. */
export const MTLS_PLATFORM_TYPE = "meshtls:index:MtlsPlatform";
/** Whether the platform installs Istio when `istio.enabled` is not given. */
export const DEFAULT_ISTIO_ENABLED = true;
/** Whether istiod signs with the platform CA when `istio.usePlatformCa` is not given. */
export const DEFAULT_USE_PLATFORM_CA = true;
/** Whether Gloo gets xDS mTLS when `gloo.xds` is not given. */
export const DEFAULT_GLOO_XDS = true;
/** Whether Gloo's Istio integration is on when `gloo.istioIntegration` is not given (and Istio is enabled). */
export const DEFAULT_GLOO_ISTIO_INTEGRATION = true;
