export { Certificate } from "./certificate";
export type { CertificateArgs } from "./certificate";
export { CertificateAuthority } from "./certificateAuthority";
export type { CertificateAuthorityArgs, IntermediateCaArgs } from "./certificateAuthority";
export { certificateFacts } from "./fingerprint";
export type { CertificateFacts } from "./fingerprint";
export { KeyAlgorithm, RotationPhase } from "./types";
export type { IssuerMaterial } from "./types";
