// The posture folder: models of upstream rules (rules/), the engine built on them, transition safety,
// and reading / printing posture input and results (the CLI's).
export * from "./rules";
export * from "./model";
export * from "./engine";
export * from "./transitions";
export * from "./load";
export * from "./format";
export * from "./documents";
export * from "./diagram";
