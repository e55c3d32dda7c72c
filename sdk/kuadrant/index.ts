export { KuadrantMtls, KuadrantMtlsMode, KUADRANT_TLS_TRANSPORT_SOCKET, AUTH_CLUSTER, RATELIMIT_CLUSTER, kuadrantEnvoyFilterName } from "./kuadrantMtls";
export type { KuadrantMtlsArgs, KuadrantGatewayRef } from "./kuadrantMtls";
