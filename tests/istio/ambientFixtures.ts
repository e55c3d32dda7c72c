// Re-exports for the ambient specs, plus the package's own deep merge (the one the manifests use), so
// the tests merge profiles exactly as values are merged.
export * from "../../sdk";
export { deepMerge as deepMergeForTests } from "../../sdk/internal/chartValues";
