// Public exports only. Everything exported here is the package's contract.
export * from "./pki";
export * from "./istio";
export * from "./kuadrant";
export * from "./gloo";
export * from "./kgateway";
export * from "./authz";
export * from "./platform";
export { HelmMode } from "./internal/helm";
export { ArgsError } from "./internal/validation";
export type { ArgsProblem } from "./internal/validation";
// The posture engine, its rule models and the CLI's readers and formatters, as one namespace
// (`import { posture } from "meshtls"; posture.computePosture(...)`).
export * as posture from "./posture";
