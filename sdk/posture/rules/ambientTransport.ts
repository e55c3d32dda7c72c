// Rule: the transport of a client -> server link when either end is in the ambient data plane (ztunnel),
// in an ambient or mixed (ambient + sidecar) mesh.
//
// Encodes istio/istio 1.30.3 and istio/ztunnel 1.30.3:
// - Destinations: istiod marks a workload `TunnelProtocol HBONE` when the CNI has set
//   `ambient.istio.io/redirection=enabled` on it, or when it carries the label `networking.istio.io/tunnel=http`
//   (`pilot/pkg/serviceregistry/ambient/workloads.go` `setTunnelProtocol` lines 1199-1211). The sidecar
//   injector adds that label when `ISTIO_META_ENABLE_HBONE=true` (`manifests/charts/istio-control/
//   istio-discovery/files/injection-template.yaml` lines 35-37), which the ambient profile sets
//   (`manifests/helm-profiles/ambient.yaml` lines 2-5, with `PILOT_ENABLE_AMBIENT=true`), and such a sidecar
//   listens for HBONE (`pilot/pkg/model/context.go` `EnableHBONEListen` lines 945-946;
//   `PILOT_ENABLE_SIDECAR_LISTENING_HBONE` defaults on with ambient, `pilot/pkg/features/ambient.go` 39-42).
// - ztunnel outbound (`src/proxy/outbound.rs` lines 600-625 and 698-721; `src/state/workload.rs` lines 60-104):
//   to an HBONE destination it opens HBONE (mTLS) to port 15008; to a TCP destination, or to an address
//   with no known workload, it forwards the bytes as they are (plaintext passthrough, or the client's own TLS).
//   ztunnel has only the TCP and HBONE inbound protocols: no Istio-mTLS (non-HBONE) origination.
// - ztunnel inbound: HBONE on 15008 is mTLS (`src/config.rs` lines 626-628); anything else reaching an
//   ambient pod goes to the plaintext port 15006 (`src/proxy/inbound_passthrough.rs` lines 125-235), where
//   the connection has no source identity (lines 154-165) and is checked against the workload's policies
//   (lines 209-211): under STRICT the derived DENY "no principal" policy refuses it (see
//   ztunnelPeerAuthentication.ts), under PERMISSIVE it is forwarded byte for byte, so a client's own TLS
//   (non-HBONE) is passed to the application, which must terminate it.
// - Sidecar clients: with `PILOT_ENABLE_AMBIENT=true`, `PILOT_ENABLE_SENDING_HBONE` defaults on
//   (`pilot/pkg/features/ambient.go` lines 34-37, `registerAmbient` lines 130-140) and the sidecar gets the
//   HBONE origination cluster unless its metadata sets `DISABLE_HBONE_SEND` (`pilot/pkg/networking/core/
//   cluster.go` line 390, `pkg/model/proxy.go` lines 299-301); endpoints of an HBONE workload are tunnelled
//   (`pilot/pkg/xds/endpoints/endpoint_builder.go` `supportTunnel` lines 808-835).
// - A sidecar server reached without HBONE is the sidecar case (inboundFilterChain.ts): STRICT refuses a
//   connection without an Istio client certificate; PERMISSIVE accepts plaintext and passes non-Istio TLS on.
// Links with no ambient end (sidecar <-> sidecar, outside the mesh on both ends) are not this rule's: it
// answers `unknown` for them.
// Pure: no Pulumi, no I/O.

/** A link end's data plane. */
export type AmbientLinkEnd = "ambient" | "sidecar" | "none";

/** The transport state of a link. */
export type AmbientLinkStateName = "mtls" | "tls" | "plaintext" | "refused" | "unknown";

/** One client -> server link. */
export interface AmbientLinkInput {
    /** The client's data plane. */
    client: AmbientLinkEnd;
    /**
     * A sidecar client sends HBONE to HBONE destinations (`PILOT_ENABLE_SENDING_HBONE`, on with the ambient
     * profile; off with `DISABLE_HBONE_SEND`). Ignored for other clients.
     * @default true
     */
    clientHbone?: boolean;
    /** The application (or a non-HBONE proxy) itself sends TLS. @default false */
    clientSendsTls?: boolean;
    /** The server's data plane. */
    server: AmbientLinkEnd;
    /**
     * A sidecar server has `networking.istio.io/tunnel=http` and listens for HBONE (`ISTIO_META_ENABLE_HBONE`,
     * set by the ambient profile). Ignored for other servers.
     * @default true
     */
    serverHbone?: boolean;
    /** The PeerAuthentication mode enforced on the server port (for ambient: `ztunnelEnforcedMode`). */
    serverMode: "STRICT" | "PERMISSIVE";
}

/** A link's transport state and why. */
export interface AmbientLinkState {
    /** `mtls`: mesh mTLS (HBONE or Istio mTLS); `tls`: the client's own TLS; `plaintext`; `refused`; `unknown`. */
    state: AmbientLinkStateName;
    /** Why, naming the upstream behaviour. */
    reason: string;
}

/** The transport of a link with at least one ambient end (see the header for the sources). */
export function ambientLinkState(input: AmbientLinkInput): AmbientLinkState {
    const { client, server, serverMode } = input;
    const tls = input.clientSendsTls ?? false;
    const raw: AmbientLinkStateName = tls ? "tls" : "plaintext";
    const rawName = tls ? "the client's own TLS (not HBONE)" : "plaintext";
    if (client !== "ambient" && server !== "ambient") {
        return { state: "unknown", reason: "neither end is in the ambient data plane: use the sidecar rules" };
    }
    if (server === "ambient") {
        const hbone = client === "ambient" || (client === "sidecar" && (input.clientHbone ?? true));
        if (hbone) {
            const by = client === "ambient" ? "the client's ztunnel" : "the client's sidecar (PILOT_ENABLE_SENDING_HBONE)";
            return { state: "mtls", reason: `${by} opens HBONE (mTLS) to the server's ztunnel on 15008; PeerAuthentication never refuses it` };
        }
        if (serverMode === "STRICT") {
            return { state: "refused", reason: `${rawName} arrives at ztunnel's plaintext port 15006 with no peer identity; the STRICT derived DENY policy refuses it` };
        }
        return { state: raw, reason: `${rawName} arrives at ztunnel's plaintext port 15006; PERMISSIVE: forwarded byte for byte to the application` };
    }
    // The client is ambient and the server is not.
    if (server === "sidecar" && (input.serverHbone ?? true)) {
        return { state: "mtls", reason: "the server sidecar is labelled networking.istio.io/tunnel=http (ISTIO_META_ENABLE_HBONE): ztunnel opens HBONE (mTLS) to it on 15008" };
    }
    if (server === "sidecar") {
        if (serverMode === "STRICT") {
            return { state: "refused", reason: `ztunnel forwards ${rawName} to a sidecar without HBONE (ztunnel originates no Istio mTLS); the STRICT sidecar refuses it` };
        }
        return { state: raw, reason: `ztunnel forwards ${rawName} to a sidecar without HBONE; PERMISSIVE accepts it` };
    }
    return { state: raw, reason: `the server is outside the mesh: ztunnel passes ${rawName} through unchanged` };
}
