// Small hand-written Kubernetes objects for the posture engine's specs (one home, shared by the sidecar and
// ambient engine specs).
import { strict as assert } from "node:assert";
import { KubeObject, PostureInput, PostureLink, computePosture } from "../../sdk/posture";

/** A Namespace with labels. */
export const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });

/** A Deployment whose pod template has `labels` and one container port `http`. */
export const deployment = (namespace: string, name: string, labels: Record<string, string>, port = 8080): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: port }] }] } } },
});

/** A Service with one port. */
export const service = (
    namespace: string,
    name: string,
    selector: Record<string, string>,
    port = 80,
    targetPort: number | string = 8080,
    portName = "http",
    labels: Record<string, string> = {},
): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
    spec: { selector, ports: [{ name: portName, port, targetPort }] },
});

/** A PeerAuthentication (`mode` undefined: no `mtls`, i.e. UNSET). */
export const pa = (
    namespace: string,
    name: string,
    mode: string | undefined,
    extra: { selector?: Record<string, string>; created?: string; portLevelMtls?: Record<number, { mode: string }> } = {},
): KubeObject => ({
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name, namespace, ...(extra.created ? { creationTimestamp: extra.created } : {}) },
    spec: { ...(mode ? { mtls: { mode } } : {}), ...(extra.selector ? { selector: { matchLabels: extra.selector } } : {}), ...(extra.portLevelMtls ? { portLevelMtls: extra.portLevelMtls } : {}) },
});

/** A DestinationRule with `trafficPolicy.tls.mode`. */
export const dr = (namespace: string, name: string, host: string, mode: string): KubeObject => ({
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: { name, namespace },
    spec: { host, trafficPolicy: { tls: { mode } } },
});

/** The one link `id` of the engine's result (asserted to be exactly one). */
/**
 * The Kuadrant operator's ext_authz cluster patch in a gateway's namespace (what the kuadrantTransport rule
 * reads), with the seed's TLS transport socket when `alpn` is given (its ALPN protocols; `[]` for none).
 */
export const kuadrantAuthEnvoyFilter = (namespace: string, alpn: string[] | undefined): KubeObject => ({
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    metadata: { name: "kuadrant-auth-gw", namespace },
    spec: {
        configPatches: [
            {
                applyTo: "CLUSTER",
                patch: {
                    operation: "ADD",
                    value: {
                        name: "kuadrant-auth-service",
                        type: "STRICT_DNS",
                        load_assignment: { endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "authorino-authorino-authorization.kuadrant-system.svc.cluster.local", port_value: 50051 } } } }] }] },
                        ...(alpn === undefined
                            ? {}
                            : {
                                  transport_socket: {
                                      name: "envoy.transport_sockets.tls",
                                      typed_config: {
                                          "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                                          common_tls_context: { tls_certificate_sds_secret_configs: [{ name: "default" }], validation_context_sds_secret_config: { name: "ROOTCA" }, alpn_protocols: alpn },
                                      },
                                  },
                              }),
                    },
                },
            },
        ],
    },
});

export function onlyLink(input: PostureInput, id: string): PostureLink {
    const links = computePosture(input).links.filter((l) => l.id === id);
    assert.equal(links.length, 1, `one link ${id}`);
    return links[0];
}
