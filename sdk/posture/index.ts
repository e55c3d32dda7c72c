// The posture folder: models of upstream rules (rules/); the posture engine builds on them.
export * from "./rules";
