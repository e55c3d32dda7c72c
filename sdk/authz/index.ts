export {
    KyvernoAuthz,
    KyvernoAuthzFlavor,
    kyvernoExtensionProvider,
    DEFAULT_KYVERNO_AUTHZ_VERSION,
    KYVERNO_AUTHZ_CHART_REPO,
    DEFAULT_ENVOY_PLUGIN_IMAGE,
} from "./kyvernoAuthz";
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
} from "./kyvernoAuthz";
