// KuadrantMtls's part of the posture engine's input: the gateway -> Authorino / Limitador links. The
// operator deploys Authorino and Limitador and writes the gateways' EnvoyFilters, so the plan describes
// them as the operator (and, in Manual mode, meshtls's patches) leave them. Pure.
//
// Encodes Kuadrant/kuadrant-operator v1.5.2:
// - internal/controller/cluster_patch_helpers.go `buildClusterPatch` and internal/istio/utils.go
//   `BuildEnvoyFilterClusterPatch`: one CLUSTER patch (ADD) per server, STRICT_DNS to the server's
//   host:port, with `buildMTLSTransportSocket` (certificate `default` and `ROOTCA` from the istio-agent
//   SDS, and NO alpn_protocols) only when mTLS is on for that server;
// - internal/controller/auth_workflow_helpers.go: Authorino at `<authorino>-authorino-authorization.<ns>
//   .svc.cluster.local:50051`; Limitador at its status service host, port 8081 (limitador-operator
//   api/v1alpha1/limitador_types.go DefaultServiceGRPCPort);
// - internal/controller/istio_peerauthentication_reconciler.go: PeerAuthentication `default` in the
//   Kuadrant namespace, STRICT, selector `kuadrant.io/managed: "true"`, while mTLS is on and a policy is
//   effective; authorino/limitador_istio_integration_reconciler.go label the pods `kuadrant.io/managed`
//   and `sidecar.istio.io/inject` (sdk/posture/rules/kuadrantOperatorMtls.ts).
// The operator writes the clusters and the PeerAuthentication only once an AuthPolicy / RateLimitPolicy
// is effective on a gateway, so the links are described in that state (without one there is no link).
import { REVISION_LABEL, INJECT_LABEL } from "../istio";
import type { KubeObject, LinkPosture, NamespaceFact, PostureInput, WorkloadFact } from "../posture";
import { DEFAULT_MESH_FACTS, kuadrantOperatorClusterTls, kuadrantOperatorSidecarLabel, ownPosture } from "../posture";
import { AUTHORINO_SELECTOR, AUTH_CLUSTER, DEFAULT_LIMITADOR_DEPLOYMENT, ENVOY_FILTER_API_VERSION, LIMITADOR_SELECTOR, RATELIMIT_CLUSTER } from "./defaults";
import { kuadrantCrPatch, kuadrantPeerAuthentication, withTransportSocket } from "./manifests";
import { KuadrantComponent, KuadrantMtlsPlan, kuadrantEnvoyFilterName } from "./plan";

/** `kuadrantManagedLabelKey` (kuadrant-operator v1.5.2 internal/controller/state_of_the_world.go). */
export const KUADRANT_MANAGED_LABEL = "kuadrant.io/managed";

/** Where each server listens, as the operator's cluster patches address it. */
export const KUADRANT_SERVER_SERVICES: Readonly<Record<KuadrantComponent, { service: string; port: number; portName: string }>> = Object.freeze({
    authorino: { service: "authorino-authorino-authorization", port: 50051, portName: "grpc" },
    // limitador-operator names the Service like the Deployment (pkg/limitador/k8s_objects.go ServiceName).
    limitador: { service: DEFAULT_LIMITADOR_DEPLOYMENT, port: 8081, portName: "grpc" },
});

/** The operator's CLUSTER patch for one server (buildClusterPatch), without a transport socket. */
function operatorClusterPatch(cluster: string, host: string, port: number): Record<string, unknown> {
    return {
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
            },
        },
    };
}

/** `buildMTLSTransportSocket`: the istio-agent's SDS certificate and roots, no ALPN. */
const OPERATOR_MTLS_TRANSPORT_SOCKET = {
    name: "envoy.transport_sockets.tls",
    typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: "default", sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } } }],
            validation_context_sds_secret_config: { name: "ROOTCA", sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } } },
        },
    },
};

/** The posture input KuadrantMtls describes: Authorino and Limitador, their policies and the gateways' clusters. */
export function kuadrantPostureInput(plan: KuadrantMtlsPlan): Required<Pick<PostureInput, "objects" | "workloads" | "namespaces">> {
    const ns = plan.namespace;
    const components: KuadrantComponent[] = [...(plan.authorino ? (["authorino"] as const) : []), ...(plan.limitador ? (["limitador"] as const) : [])];
    const host = (c: KuadrantComponent) => `${KUADRANT_SERVER_SERVICES[c].service}.${ns}.svc.cluster.local`;
    const cluster = (c: KuadrantComponent) => (c === "authorino" ? AUTH_CLUSTER : RATELIMIT_CLUSTER);
    const selector = (c: KuadrantComponent) => (c === "authorino" ? AUTHORINO_SELECTOR : LIMITADOR_SELECTOR);
    const objects: KubeObject[] = [];
    const workloads: WorkloadFact[] = [];
    const namespaces: NamespaceFact[] = plan.ambient
        ? // A gateway in Kuadrant's namespace enrolls it a second time, with the same labels: one fact per namespace.
          plan.ambient.enrollments
              .filter((e, i, all) => all.findIndex((o) => o.namespace === e.namespace) === i)
              .map((e) => ({ name: e.namespace, labels: { ...e.labels }, source: `enrolled in ambient by ${e.name}` }))
        : [{ name: ns, labels: {}, source: "created by the Kuadrant install, without injection labels" }];
    const server = (c: KuadrantComponent, labels: Record<string, string>, source: string): WorkloadFact => ({
        name: c,
        namespace: ns,
        labels: { ...selector(c), ...labels },
        serviceName: KUADRANT_SERVER_SERVICES[c].service,
        ports: [{ port: KUADRANT_SERVER_SERVICES[c].port, name: KUADRANT_SERVER_SERVICES[c].portName }],
        source,
    });
    if (plan.operator !== undefined) {
        const mtls = (kuadrantCrPatch(plan, plan.operator).spec as { mtls?: { enable: boolean; authorino?: boolean; limitador?: boolean } }).mtls;
        const revision = plan.operator.revision;
        const source = `kuadrant-operator ${plan.kuadrantVersion}, Kuadrant ${ns}/${plan.operator.kuadrantName} spec.mtls, with an effective policy`;
        for (const c of components) {
            const inject = kuadrantOperatorSidecarLabel(plan.kuadrantVersion, mtls, c, 1);
            workloads.push(server(c, { [KUADRANT_MANAGED_LABEL]: "true", ...(inject === undefined ? {} : { [INJECT_LABEL]: inject }), ...(revision ? { [REVISION_LABEL]: revision } : {}) }, source));
            const patch = operatorClusterPatch(cluster(c), host(c), KUADRANT_SERVER_SERVICES[c].port);
            if (kuadrantOperatorClusterTls(plan.kuadrantVersion, mtls, c)) {
                (patch.patch as { value: Record<string, unknown> }).value.transport_socket = OPERATOR_MTLS_TRANSPORT_SOCKET;
            }
            // The operator writes one EnvoyFilter per gateway, in the gateway's namespace; in ambient that
            // namespace decides whether ztunnel captures the gateway, so the gateways are named there.
            for (const gw of plan.ambient?.gateways ?? [{ name: "*", namespace: "*" }]) {
                objects.push({ apiVersion: ENVOY_FILTER_API_VERSION, kind: "EnvoyFilter", metadata: { name: kuadrantEnvoyFilterName(c, gw.name), namespace: gw.namespace }, spec: { configPatches: [patch] } });
            }
        }
        for (const p of plan.ambient?.peerAuthentications ?? []) {
            objects.push(kuadrantPeerAuthentication(p) as unknown as KubeObject);
        }
        if (components.length > 0 && mtls?.enable) {
            objects.push({
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "default", namespace: ns },
                spec: { mtls: { mode: "STRICT" }, selector: { matchLabels: { [KUADRANT_MANAGED_LABEL]: "true" } } },
            });
        }
    }
    if (plan.manual !== undefined) {
        const m = plan.manual;
        for (const s of m.servers) {
            workloads.push(server(s.component, { [INJECT_LABEL]: String(m.inject), ...(m.revision ? { [REVISION_LABEL]: m.revision } : {}) }, `Deployment ${ns}/${s.deployment} labelled by ${s.sidecarResourceName}`));
        }
        for (const f of m.envoyFilters) {
            const base = { configPatches: [operatorClusterPatch(f.cluster, host(f.component), KUADRANT_SERVER_SERVICES[f.component].port)] };
            objects.push({ apiVersion: ENVOY_FILTER_API_VERSION, kind: "EnvoyFilter", metadata: { name: f.name, namespace: f.namespace }, spec: withTransportSocket(base, f.cluster, plan.enabled, f.errorContext) });
        }
        for (const p of m.peerAuthentications) {
            objects.push(kuadrantPeerAuthentication(p) as unknown as KubeObject);
        }
    }
    return { objects, workloads, namespaces };
}

/**
 * KuadrantMtls's `posture` output: its gateway -> Authorino / Limitador links, computed over what it
 * declares, in a mesh with the chart's default facts and the component's revision (the component does not
 * see the mesh's own policies; MtlsPlatform's posture does).
 */
export function kuadrantPosture(plan: KuadrantMtlsPlan): Record<string, LinkPosture> {
    const revision = plan.operator?.revision ?? plan.manual?.revision ?? "";
    return ownPosture({ ...kuadrantPostureInput(plan), mesh: { ...DEFAULT_MESH_FACTS, revision } }, ["kuadrant"]);
}
