// KuadrantMtls's manifests: pure functions from its plan (and the live EnvoyFilter spec) to the
// Kubernetes objects the component registers.
import { peerAuthenticationObject } from "../istio";
import { AUTH_CLUSTER, ENVOY_FILTER_API_VERSION, ISTIO_MTLS_ALPN, KUADRANT_API_VERSION, PATCH_FORCE_ANNOTATIONS } from "./defaults";
import { REVISION_LABEL } from "../istio";
import { KuadrantEnvoyFilterPlan, KuadrantMtlsPlan, KuadrantOperatorPlan, KuadrantPeerAuthenticationPlan, KuadrantRevisionLabelPlan } from "./plan";

const SDS_FROM_ISTIO_AGENT = { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } };

/**
 * The gateway's client TLS to Authorino and Limitador: certificate `default` and roots `ROOTCA` from the
 * istio-agent's SDS (the seed's snippet, the same material the sidecars use), and ALPN `istio`, which
 * the seed lacked. A PERMISSIVE sidecar port takes TLS as mesh mTLS only with an Istio ALPN and has no
 * chain for other TLS, so without it the gateway's connections were reset until STRICT was in place
 * (and again from the PERMISSIVE step of disabling); STRICT takes it either way.
 */
export const KUADRANT_TLS_TRANSPORT_SOCKET = {
    name: "envoy.transport_sockets.tls",
    typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: "default", sds_config: SDS_FROM_ISTIO_AGENT }],
            validation_context_sds_secret_config: { name: "ROOTCA", sds_config: SDS_FROM_ISTIO_AGENT },
            alpn_protocols: [...ISTIO_MTLS_ALPN],
        },
    },
};

interface ConfigPatch {
    applyTo?: string;
    patch?: { value?: { name?: string; transport_socket?: unknown } };
}

/**
 * The EnvoyFilter spec with the TLS transport socket added to (tls = true) or removed from (false) the
 * CLUSTER patch named `cluster`; every other field is kept as the operator wrote it. Throws when no
 * such patch exists.
 */
export function withTransportSocket(spec: unknown, cluster: string, tls: boolean, where: string): Record<string, unknown> {
    const s = (spec && typeof spec === "object" ? spec : {}) as { configPatches?: ConfigPatch[] };
    const patches = s.configPatches ?? [];
    const isTarget = (p: ConfigPatch) => p.applyTo === "CLUSTER" && p.patch?.value?.name === cluster;
    if (!patches.some(isTarget)) {
        throw new Error(
            `${where}: no CLUSTER patch named ${cluster}. The Kuadrant operator writes it once an ` +
                `${cluster === AUTH_CLUSTER ? "AuthPolicy" : "RateLimitPolicy"} targets the gateway; check the gateway name, or turn this component off for it.`,
        );
    }
    const configPatches = patches.map((p) => {
        if (!isTarget(p) || !p.patch) {
            return p;
        }
        const value: Record<string, unknown> = { ...p.patch.value };
        if (tls) {
            value.transport_socket = KUADRANT_TLS_TRANSPORT_SOCKET;
        } else {
            delete value.transport_socket;
        }
        return { ...p, patch: { ...p.patch, value } };
    });
    return { ...s, configPatches };
}

/** The server-side-apply patch of the Kuadrant CR: `spec.mtls` on (with the protected components) or off. */
export function kuadrantCrPatch(plan: KuadrantMtlsPlan, operator: KuadrantOperatorPlan): Record<string, unknown> {
    return {
        apiVersion: KUADRANT_API_VERSION,
        kind: "Kuadrant",
        metadata: { name: operator.kuadrantName, namespace: plan.namespace, annotations: { ...PATCH_FORCE_ANNOTATIONS } },
        // In ambient the operator's spec.mtls stays off: its sidecar labels would take the servers out of ambient.
        spec: { mtls: plan.enabled && plan.ambient === undefined ? { enable: true, authorino: plan.authorino, limitador: plan.limitador } : { enable: false } },
    };
}

/**
 * The arguments of the read of a live EnvoyFilter. Naming `spec` (undefined) is what gives the read
 * resource a `spec` output.
 */
export function kuadrantEnvoyFilterReadArgs(): { apiVersion: string; kind: string; spec: undefined } {
    return { apiVersion: ENVOY_FILTER_API_VERSION, kind: "EnvoyFilter", spec: undefined };
}

/** The patch's spec: what the operator wrote (`liveSpec`), with the transport socket per the plan. */
export function kuadrantEnvoyFilterPatchSpec(plan: KuadrantMtlsPlan, filter: KuadrantEnvoyFilterPlan, liveSpec: unknown): Record<string, unknown> {
    return withTransportSocket(liveSpec, filter.cluster, plan.enabled, filter.errorContext);
}

/** The server-side-apply patch of an EnvoyFilter around a spec (a plain value or an Output of one). */
export function kuadrantEnvoyFilterPatch<S>(filter: KuadrantEnvoyFilterPlan, spec: S): { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: S } {
    return {
        apiVersion: ENVOY_FILTER_API_VERSION,
        kind: "EnvoyFilter",
        metadata: { name: filter.name, namespace: filter.namespace, annotations: { ...PATCH_FORCE_ANNOTATIONS } },
        spec,
    };
}

/** The PeerAuthentication object of a Manual-mode policy. */
export function kuadrantPeerAuthentication(policy: KuadrantPeerAuthenticationPlan): Record<string, unknown> {
    return peerAuthenticationObject({ name: policy.name, namespace: policy.namespace, mode: policy.mode, selector: policy.selector });
}

/**
 * Operator mode with a revision: the server-side-apply patch that owns only the `istio.io/rev` label of a
 * server's pod template (the operator keeps owning `sidecar.istio.io/inject`).
 */
export function kuadrantRevisionLabelPatch(plan: KuadrantMtlsPlan, operator: KuadrantOperatorPlan, label: KuadrantRevisionLabelPlan): {
    metadata: { name: string; namespace: string; annotations: Record<string, string> };
    spec: { template: { metadata: { labels: Record<string, string> } } };
} {
    return {
        metadata: { name: label.deployment, namespace: plan.namespace, annotations: { ...PATCH_FORCE_ANNOTATIONS } },
        spec: { template: { metadata: { labels: { [REVISION_LABEL]: operator.revision } } } },
    };
}
