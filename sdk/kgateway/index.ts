export { KgatewayMtls } from "./kgatewayMtls";
export type { KgatewayBackendArgs, KgatewayGatewayArgs, KgatewayInstallSettings, KgatewayIstioArgs, KgatewayMtlsArgs } from "./types";
export {
    DEFAULT_KGATEWAY_GATEWAY_NAME,
    DEFAULT_KGATEWAY_NAMESPACE,
    DEFAULT_KGATEWAY_VERSION,
    GATEWAY_API_STANDARD_INSTALL,
    GATEWAY_API_VERSION,
    KGATEWAY_CHART_REPO,
    KGATEWAY_MTLS_TYPE,
} from "./defaults";

// Plans and manifests (pure): MtlsPlatform builds these and reads resolved settings from them.
export { planKgatewayMtls } from "./plan";
export type { KgatewayBackendPlan, KgatewayGatewayPlan, KgatewayIstioPlan, KgatewayMtlsPlan, KgatewayReferenceGrantPlan } from "./plan";
export { computeKgatewayValues, kgatewayManifests, kgatewayReferenceGrant, kgatewayRoute, kgatewayValues } from "./manifests";
export type { KgatewayManifests, KgatewayObject } from "./manifests";

// The posture engine's input this component declares (pure).
export { kgatewayPosture, kgatewayPostureInput } from "./posture";
