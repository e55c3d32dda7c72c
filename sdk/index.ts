// Public exports only. Everything exported here is the package's contract.
export * from "./pki";
export * from "./istio";
export * from "./kuadrant";
export * from "./gloo";
export * from "./authz";
export * from "./platform";
export { HelmMode } from "./internal/helm";
export { ArgsError } from "./internal/validation";
export type { ArgsProblem } from "./internal/validation";
