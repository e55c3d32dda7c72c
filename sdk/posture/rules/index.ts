// The upstream rules the posture engine relies on: one pure model per rule, each citing its source.
export * from "./crdServedVersion";
export * from "./webhookTrust";
export * from "./policyAttachment";
