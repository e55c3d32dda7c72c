export { GlooMtls, GlooCertRotation, DEFAULT_GLOO_VERSION, GLOO_CHART_REPO, GLOO_MTLS_SECRET, ISTIO_INTEGRATION_SINCE, ISTIO_UPSTREAM_SSL_CONFIG } from "./glooMtls";
export type { GlooMtlsArgs, GlooInstallSettings, GlooXdsMtlsArgs, GlooXdsCertificateArgs, GlooIstioArgs, GlooIstioUpstreamArgs } from "./glooMtls";
