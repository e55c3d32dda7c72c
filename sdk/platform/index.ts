export { MtlsPlatform } from "./mtlsPlatform";
export type { MtlsPlatformArgs, PlatformIstioArgs, PlatformGlooArgs, PlatformMtlsPolicy, CertificateInfo } from "./mtlsPlatform";
export { DeployTarget, readPlatformConfig, PLATFORM_CONFIG_SCHEMA } from "./config";
export type { PlatformStackConfig } from "./config";
export { planMtlsPlatform } from "./plan";
export type { MtlsPlatformPlan, PlatformChild } from "./plan";
export { platformPosture, platformPostureInput } from "./posture";
export type { PlatformPostureChildren } from "./posture";
export { platformTrust } from "./diagram";
