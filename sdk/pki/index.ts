export { Certificate } from "./certificate";
export type { CertificateArgs } from "./certificate";
export { CertificateAuthority } from "./certificateAuthority";
export { FleetCertificateAuthority } from "./fleetCertificateAuthority";
export type { ExternalRootArgs, FleetCertificateAuthorityArgs, FleetClusterArgs, FleetClusterInfo, SignedIntermediateArgs } from "./fleetCertificateAuthority";
export { DEFAULT_FLEET_TRUST_DOMAIN, FLEET_CERTIFICATE_AUTHORITY_TYPE, FLEET_CLUSTER_NAME_MAX, FLEET_INTERMEDIATE_COMMON_NAME_SUFFIX, fleetClusterIssuer, planFleetCertificateAuthority } from "./fleetPlan";
export type { FleetCertificateAuthorityPlan, FleetClusterPlan, FleetGenerationExport, FleetGenerationPlan, FleetIntermediateExport, FleetIntermediatePlan, FleetIssuerExport, FleetRootSource, PlainIssuer } from "./fleetPlan";
export { FleetRotationPosition, fleetPhaseProblem, fleetStepProblems, rotationPosition } from "./fleetRotation";
export type { FleetClusterProblem } from "./fleetRotation";
export type { CaRotationArgs, CertificateAuthorityArgs, GeneratedRootArgs, IntermediateCaArgs } from "./certificateAuthority";
export { bundleFingerprints, certificateFacts, joinPem, pemCertificates } from "./fingerprint";
export type { CertificateFacts } from "./fingerprint";
export { KeyAlgorithm, RotationPhase, issuerParts, publicIssuer } from "./types";
export type { CaRotationState, IssuerMaterial, IssuerParts } from "./types";
export { checkRotationStep, formatRotationState, rotationGuardProblem, rotationStateProblem, signingGenerationOf, trustedGenerationsOf } from "./rotationGuard";
export type { RotationGuardProblem, RotationStepVerdict } from "./rotationGuard";
export {
    CA_COMMON_NAME_MAX,
    CA_KEY_USAGES,
    DEFAULT_GENERATION,
    DEFAULT_KEY_ALGORITHM,
    DEFAULT_ROOT_COMMON_NAME,
    DEFAULT_ROTATION_PHASE,
    INTERMEDIATE_COMMON_NAME_SUFFIX,
    INTERMEDIATE_DEFAULTS,
    LEAF_COMMON_NAME_MAX,
    LEAF_DEFAULTS,
    LEAF_USAGE_DEFAULTS,
    MAX_GENERATION,
    MAX_VALIDITY_HOURS,
    ORGANIZATION_MAX,
    ROOT_DEFAULTS,
    SUBJECT_SUFFIX_BYTES,
} from "./defaults";
export type { ValidityDefaults } from "./defaults";
export type { PrivateKeyPlan } from "./keys";
export { CERTIFICATE_AUTHORITY_TYPE, CERTIFICATE_TYPE, caIssuancePlan, caRotationState, caSigningValidityHours, caSubjectCommonName, checkLeafWithinCa, planCertificate, planCertificateAuthority, rootRenewalWarning } from "./plan";
export type { CaCertificatePlan, CaIssuancePlan, GeneratedRootsPlan, CaGenerationPlan, CaIntermediatePlan, CertificateAuthorityPlan, CertificatePlan } from "./plan";
