export { GlooMtls } from "./glooMtls";
export { GlooCertRotation, glooInstallSettings } from "./types";
export { GLOO_MTLS_TYPE } from "./defaults";
export type { GlooMtlsArgs, GlooInstallSettings, GlooXdsMtlsArgs, GlooXdsCertificateArgs, GlooIstioArgs, GlooIstioUpstreamArgs } from "./types";
export {
    DEFAULT_GLOO_VERSION,
    GLOO_CHART_REPO,
    GLOO_MTLS_SECRET,
    ISTIO_INTEGRATION_SINCE,
    DEFAULT_GLOO_NAMESPACE,
    DEFAULT_GLOO_ROTATION,
    resolveGlooRotation,
} from "./defaults";
export { planGlooMtls } from "./plan";
export { glooAmbientIstioRefusal } from "./plan";
export type {
    GlooMtlsPlan,
    GlooChartPlan,
    GlooXdsPlan,
    GlooXdsPulumiPlan,
    GlooXdsCronJobPlan,
    GlooXdsCertificatePlan,
    GlooIstioPlan,
    GlooIstioValuesKey,
    GlooUpstreamPlan,
} from "./plan";
export { ISTIO_UPSTREAM_SSL_CONFIG, glooHelmInstall, glooMtlsSecret, glooNamespace, glooUpstream } from "./manifests";

// The posture engine's input this component declares (pure).
export { glooPosture, glooPostureInput } from "./posture";
