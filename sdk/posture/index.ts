// The posture folder: models of upstream rules (rules/), and the engine built on them.
export * from "./rules";
export * from "./model";
export * from "./engine";
export * from "./transitions";
export * from "./diagram";
