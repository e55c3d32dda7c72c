// The `meshtls` command line (main.ts is the executable; this index is for tests and embedders).
export * from "./posture";
export * from "./run";
export * from "./render";
export * from "./plan";
