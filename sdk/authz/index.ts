export { KyvernoAuthz } from "./kyvernoAuthz";
export { KYVERNO_AUTHZ_TYPE, KyvernoAuthzFlavor } from "./types";
export type {
    KyvernoAuthzArgs,
    KyvernoExtensionProviderArgs,
    KyvernoPolicy,
    KyvernoAuthzTarget,
    KyvernoAppMtls,
    ValidatingPolicySpec,
    NamedExpression,
    PolicyValidation,
    PolicyTargetRef,
    AppPort,
    CertManagerIssuerRef,
    KyvernoKubernetesObject,
} from "./types";
export { DEFAULT_KYVERNO_AUTHZ_VERSION, KYVERNO_AUTHZ_CHART_REPO, DEFAULT_ENVOY_PLUGIN_IMAGE } from "./defaults";
// The plan (pure: validated, every default resolved once) and the manifests built from it.
export { planKyvernoAuthz } from "./plan";
export type { KyvernoAuthzPlan } from "./plan";
export { kyvernoExtensionProvider, resolveKyvernoProvider } from "./provider";
export type { KyvernoProviderPlan } from "./provider";
export { authzServerInstall, authzServerValues, policyCrdArgs, webhookCertificateArgs, webhookStaticCrt } from "./authzServer";
export type { AuthzServerPlan, AuthzServerWebhookPlan, WebhookCertificatePlan, WebhookCertificatePems } from "./authzServer";
export { envoyPluginObjects } from "./envoyPlugin";
export type { EnvoyPluginPlan, EnvoyPluginObjects } from "./envoyPlugin";
export { envoyPluginPolicyFiles, validatingPolicyObject } from "./policies";
export type { KyvernoPolicyPlan } from "./policies";
export { authorizationPolicyObject, authzNamespaceObject, kyvernoDestinationRule, kyvernoMtlsPolicies } from "./meshPolicies";
export type { KyvernoAppMtlsPlan, KyvernoDestinationRule, KyvernoMtlsPolicy, KyvernoTargetPlan } from "./meshPolicies";

// The posture engine's input this component declares (pure).
export { kyvernoPosture, kyvernoPostureInput } from "./posture";
