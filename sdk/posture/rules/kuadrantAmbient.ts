// Rule: the state of the link gateway -> Authorino (50051) / Limitador (8081) through the Kuadrant operator's
// static clusters when Istio runs in ambient mode.
//
// Encodes:
// - Kuadrant/kuadrant-operator v1.5.2: no ambient awareness (no "ambient", "ztunnel", "waypoint" or
//   "dataplane-mode" outside `charts/kuadrant-operator/README.md` L12, a docs link). Its clusters are
//   `STRICT_DNS` clusters to the Service host (`internal/controller/cluster_patch_helpers.go` L5-30), with the
//   Istio-SDS TLS socket only when `spec.mtls` is on (L35-37; kuadrantClusterTransport.ts).
// - istio/istio 1.30.3 `pilot/pkg/xds/endpoints/endpoint_builder.go` L708-772: HBONE is originated only for
//   endpoints istiod itself builds (EDS); an EnvoyFilter-added STRICT_DNS cluster never tunnels, so the
//   gateway's Envoy connects straight to the pod port.
// - istio/istio 1.30.3 `cni/pkg/iptables/iptables.go` L319-333: in an ambient-captured pod every inbound TCP
//   connection not to 15008 is redirected to ztunnel's plaintext inbound port; ztunnel 1.30.3
//   `src/proxy/inbound_passthrough.rs` L154-156 evaluates it with `src_identity: None`.
// - istio/istio 1.30.3 `pilot/pkg/serviceregistry/ambient/policies.go` L255-285: the static STRICT policy is
//   DENY for connections without a principal, so under STRICT that connection is refused; under PERMISSIVE
//   (and DISABLE, which ztunnel treats the same: `authorization.go` L105-135 only tracks STRICT or not) the
//   bytes pass through untouched, TLS included, and the server sees whatever the gateway sent.
// - istio/istio 1.30.3 `cni/pkg/util/enablement_selector.go` L76-88 with `manifests/charts/istio-cni/values.yaml`
//   L59-66: a pod is captured when its namespace has `istio.io/dataplane-mode=ambient` (pod not `none`) or the
//   pod itself has it, and never when it has a sidecar (`sidecar.istio.io/status`). The class-`istio` gateway
//   template (`manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml` L59-71) sets no
//   `istio.io/dataplane-mode: none` (the waypoint template does, `waypoint.yaml` L63), so a gateway in an
//   ambient namespace is captured: its plaintext connection leaves through ztunnel, which sends HBONE (mTLS)
//   to an ambient destination.
// - A sidecar server (Operator-mode `spec.mtls` labels Authorino/Limitador `sidecar.istio.io/inject`, which
//   takes them out of ztunnel when injected) is decided by the sidecar chains (inboundFilterChain.ts).
// Not confirmed (returned as "unknown"): whether Authorino / Limitador accept the gateway's TLS when ztunnel
// passes it through (their own listener TLS is not Istio's); what a ztunnel-captured gateway's connection to a
// sidecar server becomes.
// Pure: no Pulumi, no I/O.
import { inboundFilterChain } from "./inboundFilterChain";
import type { InboundPortProtocol, PeerAuthenticationModeName } from "./inboundFilterChain";
import { kuadrantClusterTransport } from "./kuadrantClusterTransport";

/** The link state (the posture engine's vocabulary). */
export type KuadrantAmbientLinkState = "mtls" | "tls" | "plaintext" | "refused" | "unknown";

/** How the Authorino / Limitador pod is in the mesh. */
export type KuadrantServerDataplane = "ambient" | "sidecar" | "none";

/** The inputs of the link. */
export interface KuadrantAmbientLinkInput {
    /** Which server. */
    component: "authorino" | "limitador";
    /** Whether the gateway's cluster carries the operator's Istio-SDS TLS socket (`spec.mtls` on, or meshtls's Manual TLS socket). */
    clusterTls: boolean;
    /** How the server pod is in the mesh: captured by ztunnel, injected with a sidecar, or neither. */
    serverDataplane: KuadrantServerDataplane;
    /** The effective PeerAuthentication mode of the server's port. */
    serverMode: PeerAuthenticationModeName;
    /** Whether the gateway pod is captured by ztunnel (its namespace ambient, pod not opted out); undefined: unknown. */
    gatewayCapturedByZtunnel?: boolean;
    /** The server port's protocol on a sidecar server (needed only for `serverDataplane: "sidecar"`). */
    serverPortProtocol?: InboundPortProtocol;
}

/** The link's state and why. */
export interface KuadrantAmbientLink {
    /** The state. */
    state: KuadrantAmbientLinkState;
    /** Why, naming the upstream rule. */
    reason: string;
}

const PASSTHROUGH_TLS =
    "ztunnel passes the gateway's TLS through as opaque bytes (plaintext inbound, no peer identity); whether the server completes that handshake depends on its own listener TLS, which Istio does not configure";

/** The state of the gateway -> Authorino / Limitador link through the Kuadrant cluster in an ambient mesh. */
export function kuadrantAmbientLink(input: KuadrantAmbientLinkInput): KuadrantAmbientLink {
    const server = input.component === "authorino" ? "Authorino" : "Limitador";
    const sent = kuadrantClusterTransport(input.clusterTls).transport;
    if (input.serverDataplane === "none") {
        if (sent.kind === "plaintext") {
            return { state: "plaintext", reason: `${server} is outside the mesh and the cluster sends plain text` };
        }
        return { state: "unknown", reason: `${server} is outside the mesh; whether it serves TLS itself is not modelled` };
    }
    if (input.serverDataplane === "sidecar") {
        if (input.gatewayCapturedByZtunnel !== false) {
            return {
                state: "unknown",
                reason: `${server} runs a sidecar; what a ztunnel-captured (or unknown) gateway's connection to a sidecar becomes is not modelled`,
            };
        }
        if (input.serverPortProtocol === undefined) {
            return { state: "unknown", reason: `${server} runs a sidecar; its port protocol is needed to pick the inbound chain` };
        }
        const chain = inboundFilterChain(input.serverMode, sent, input.serverPortProtocol);
        const byChain: Record<typeof chain, KuadrantAmbientLinkState> = { mtls: "mtls", plaintext: "plaintext", none: "refused", "tls-passthrough": "unknown" };
        return { state: byChain[chain], reason: `${server} runs a sidecar (not ztunnel): its ${input.serverMode} inbound chain for this client is ${chain} (inboundFilterChain.ts)` };
    }
    // Ambient server.
    if (input.gatewayCapturedByZtunnel === undefined) {
        return { state: "unknown", reason: "whether the gateway pod is captured by ztunnel is not known (its namespace label and istio.io/dataplane-mode decide it)" };
    }
    if (input.gatewayCapturedByZtunnel) {
        if (sent.kind === "plaintext") {
            return {
                state: "mtls",
                reason: `the gateway's plain-text connection leaves through its node's ztunnel, which carries it over HBONE (mTLS with the gateway's identity) to ${server}'s ztunnel`,
            };
        }
        return { state: "unknown", reason: `HBONE carries the gateway's own TLS inside the tunnel; ${PASSTHROUGH_TLS}` };
    }
    if (input.serverMode === "STRICT") {
        return {
            state: "refused",
            reason: `the static cluster does not originate HBONE (STRICT_DNS, not an istiod EDS endpoint), so ${server}'s ztunnel receives a connection without a peer identity and STRICT denies it (istio 1.30.3 ambient/policies.go static STRICT policy)`,
        };
    }
    if (sent.kind === "plaintext") {
        return { state: "plaintext", reason: `${input.serverMode} lets ztunnel pass the connection without identity: plain text from the gateway to ${server}` };
    }
    return { state: "unknown", reason: `${input.serverMode}: ${PASSTHROUGH_TLS}` };
}
