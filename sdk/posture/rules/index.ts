// Pure models of upstream decisions (one file per rule), each citing the upstream file and tag it
// encodes. The posture engine and the tests reuse them.
export {
    CERTGEN_CHART_FORCE_ROTATION_DEFAULT,
    CERTGEN_GLOO_SVC_NAME,
    CERTGEN_RENEW_BEFORE_DEFAULT,
    CERTGEN_RENEW_BEFORE_HOURS,
    CertgenAction,
    certgenFlagsFromChartValues,
    certgenServiceDnsNames,
    certgenValidForService,
    parseGoDurationMs,
    wouldCertgenRotate,
} from "./certgenRotation";
export type { CertgenCertificate, CertgenDecision, CertgenInput, CertgenSecret } from "./certgenRotation";
export { ISTIO_ALPNS, inboundFilterChain } from "./inboundFilterChain";
export type { ClientTransport, InboundChain, InboundPortProtocol, PeerAuthenticationModeName } from "./inboundFilterChain";
export * from "./istioDestinationRuleTls";
export * from "./istioValidationWebhook";
export * from "./crdServedVersion";
export * from "./webhookTrust";
export * from "./policyAttachment";
export * from "./glooDiscoveryUpstream";
export * from "./servicePortToTargetPort";
export * from "./istiodRootChange";
export * from "./kuadrantOperatorMtls";
export * from "./sidecarInjection";
export * from "./peerAuthenticationPrecedence";
export * from "./servicePortProtocol";
export * from "./istiodXds";
export * from "./glooXds";
export * from "./kuadrantClusterTransport";
export * from "./glooUpstreamTls";
export * from "./extAuthzCluster";
export * from "./webhookLink";
export * from "./ambientAuthorization";
export * from "./kuadrantAmbient";
export * from "./ambientEnrollment";
export * from "./ztunnelPeerAuthentication";
export * from "./ztunnelTrust";
export * from "./ambientTransport";
export * from "./kgatewayIstio";
