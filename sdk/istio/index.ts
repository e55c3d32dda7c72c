export { IstioMesh } from "./istioMesh";
export { DEFAULT_DATA_PLANE_MODE, DEFAULT_ISTIO_VERSION, ISTIO_CHART_REPO, DEFAULT_ISTIO_NAMESPACE } from "./defaults";
export type { IstioMeshArgs, IstioInstallSettings, IngressGatewayArgs, IstioChartValues, IstioAmbientArgs } from "./istioMeshPlan";
export { MtlsPolicy } from "./mtlsPolicy";
export { MtlsScope } from "./mtlsPolicyPlan";
export type { MtlsPolicyArgs, MtlsDestinationRuleArgs, PortMtls } from "./mtlsPolicyPlan";
export { SidecarInjection } from "./sidecarInjection";
export { NamespaceEnrollment } from "./namespaceEnrollment";
export type { NamespaceEnrollmentArgs } from "./namespaceEnrollmentPlan";
export type { SidecarInjectionArgs } from "./sidecarInjectionPlan";
export {
    INJECT_LABEL,
    REWRITE_PROBES_ANNOTATION,
    REVISION_LABEL,
    NAMESPACE_INJECTION_LABEL,
    DATAPLANE_MODE_LABEL,
    DATAPLANE_MODE_AMBIENT,
    ambientNamespaceLabels,
    namespaceInjectionLabels,
    podInjectionLabels,
} from "./labels";
export { convertLegacyIstioPolicy } from "./legacy";
export type { ConvertedPolicy, LegacyConversion, LegacyConversionOptions } from "./legacy";
// The Service port shape LegacyConversionOptions takes (its rule lives in sdk/posture).
export type { ServicePortSpec } from "../posture";
export { DataPlaneMode, MtlsMode } from "./types";
export type { EnvoyExtAuthzGrpcProvider, EnvoyExtAuthzHttpProvider, ExtAuthzRequestBody, ExtensionProvider } from "./types";

// Plans and manifests (pure): MtlsPlatform and other products build these and read resolved settings
// from them instead of restating defaults.
export { AMBIENT_MIN_ISTIO_VERSION, ISTIO_MESH_TYPE, istioInstallSettings, planIstioMesh } from "./istioMeshPlan";
export type { IngressGatewayPlan, InjectionLabels, IstioExtraValues, IstioMeshPlan } from "./istioMeshPlan";
export {
    cacertsSecret,
    computeIstioBaseValues,
    computeIstioCniValues,
    computeIstiodValues,
    computeZtunnelValues,
    istioBaseValues,
    istioCniValues,
    istioGatewayValues,
    istioMeshManifests,
    istiodValues,
    ztunnelValues,
} from "./istioMeshManifests";
export type { IstioChartInstall, IstioMeshManifests, IstioNamespaceObject, PluginCaPems } from "./istioMeshManifests";
export { MTLS_POLICY_TYPE, istioDestinationRuleHost, planMtlsPolicy } from "./mtlsPolicyPlan";
export type { MtlsDestinationRulePlan, MtlsPolicyPlan } from "./mtlsPolicyPlan";
export { mtlsPolicyObjects } from "./mtlsPolicyManifests";
export type { IstioObject } from "./mtlsPolicyManifests";
export { SIDECAR_INJECTION_TYPE, planSidecarInjection } from "./sidecarInjectionPlan";
export { NAMESPACE_ENROLLMENT_TYPE, enrollmentLabels, namespaceEnrollmentObject, planNamespaceEnrollment } from "./namespaceEnrollmentPlan";
export type { NamespaceEnrollmentObject, NamespaceEnrollmentPlan } from "./namespaceEnrollmentPlan";
export type { SidecarInjectionPlan } from "./sidecarInjectionPlan";
export { podTemplateFields, sidecarPatch } from "./sidecarInjectionManifests";
export type { SidecarPodTemplateFields, SidecarInjectionPatch } from "./sidecarInjectionManifests";

// Istio object builders for other products (import "../istio", never "../istio/resources").
export {
    AUTHORIZATION_POLICY_API,
    DESTINATION_RULE_API,
    PEER_AUTHENTICATION_API,
    istioMutualDestinationRule,
    istioMutualDestinationRuleObject,
    peerAuthentication,
    peerAuthenticationObject,
} from "./resources";
export type { IstioMutualDestinationRuleSpec, PeerAuthenticationSpec } from "./resources";

// The posture engine's input this component declares (pure).
export { istioMeshFacts, istioPosture, istioPostureInput } from "./posture";
