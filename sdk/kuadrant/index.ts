export { KuadrantMtls } from "./kuadrantMtls";
export { KuadrantMtlsMode } from "./types";
export type { KuadrantMtlsArgs, KuadrantGatewayRef } from "./types";
export {
    AUTHORINO_SELECTOR,
    AUTH_CLUSTER,
    DEFAULT_AUTHORINO_DEPLOYMENT,
    DEFAULT_KUADRANT_MTLS_ENABLED,
    DEFAULT_KUADRANT_NAME,
    DEFAULT_KUADRANT_NAMESPACE,
    DEFAULT_LIMITADOR_DEPLOYMENT,
    DEFAULT_KUADRANT_MTLS_MODE,
    DEFAULT_KUADRANT_PROTECTED,
    DEFAULT_KUADRANT_REMOVE_SIDECARS,
    DEFAULT_KUADRANT_REVISION,
    DEFAULT_KUADRANT_VERSION,
    KUADRANT_ENVOY_FILTER_RETAIN_ON_DELETE,
    LIMITADOR_SELECTOR,
    RATELIMIT_CLUSTER,
} from "./defaults";
export { KUADRANT_DISABLE_ORDER, KUADRANT_ENABLE_ORDER, KUADRANT_MTLS_TYPE, kuadrantEnvoyFilterName, planKuadrantMtls } from "./plan";
export type { KuadrantAmbientPlan, KuadrantComponent, KuadrantEnvoyFilterPlan, KuadrantManualPlan, KuadrantMtlsPlan, KuadrantOperatorPlan, KuadrantPeerAuthenticationPlan, KuadrantRevisionLabelPlan, KuadrantServerPlan, KuadrantStep } from "./plan";
export { KUADRANT_TLS_TRANSPORT_SOCKET, kuadrantEnvoyFilterPatch, kuadrantEnvoyFilterPatchSpec, kuadrantEnvoyFilterReadArgs, kuadrantCrPatch, kuadrantPeerAuthentication, kuadrantRevisionLabelPatch, withTransportSocket } from "./manifests";

// The posture engine's input this component declares (pure).
export { KUADRANT_MANAGED_LABEL, KUADRANT_SERVER_SERVICES, kuadrantPosture, kuadrantPostureInput } from "./posture";
