// The Kuadrant operator's live EnvoyFilters (before 1.3), as the specs serve them to KuadrantMtls's reads in
// Manual mode: one place for their shape.

/** An EnvoyFilter as the Kuadrant operator writes it (istio_*_cluster_reconciler.go, cluster_patch_helpers.go). */
export function operatorEnvoyFilter(name: string, namespace: string, gateway: string, cluster: string, host: string, port: number) {
    return {
        apiVersion: "networking.istio.io/v1alpha3",
        kind: "EnvoyFilter",
        metadata: {
            name,
            namespace,
            uid: `uid-${name}`,
            resourceVersion: "4711",
            labels: { "kuadrant.io/managed": "true" },
            ownerReferences: [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: gateway, uid: "gw-uid", controller: true, blockOwnerDeletion: true }],
        },
        spec: {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway }],
            configPatches: [
                {
                    applyTo: "CLUSTER",
                    match: { cluster: { service: host } },
                    patch: {
                        operation: "ADD",
                        value: {
                            name: cluster,
                            type: "STRICT_DNS",
                            connect_timeout: "1s",
                            lb_policy: "ROUND_ROBIN",
                            load_assignment: { cluster_name: cluster, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }] },
                            http2_protocol_options: {},
                            outlier_detection: { enforcing_consecutive_gateway_failure: 100, max_ejection_percent: 100 },
                        },
                    },
                },
            ],
        },
    };
}

/** The live EnvoyFilters of a cluster with gateway `external` in `gateway-system`. */
export function liveFilters(gateway = "external", namespace = "gateway-system") {
    return {
        [`${namespace}/kuadrant-auth-${gateway}`]: operatorEnvoyFilter(`kuadrant-auth-${gateway}`, namespace, gateway, "kuadrant-auth-service", "authorino-authorino-authorization.kuadrant-system.svc.cluster.local", 50051),
        [`${namespace}/kuadrant-ratelimiting-${gateway}`]: operatorEnvoyFilter(`kuadrant-ratelimiting-${gateway}`, namespace, gateway, "kuadrant-ratelimit-service", "limitador-limitador.kuadrant-system.svc.cluster.local", 8081),
    };
}
