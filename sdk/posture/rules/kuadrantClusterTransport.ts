// Rule: what a gateway's Envoy sends to Authorino / Limitador through the `kuadrant-auth-<gw>` /
// `kuadrant-ratelimiting-<gw>` clusters, read from the cluster's `transport_socket`; and the socket the
// Kuadrant operator itself writes there.
//
// Encodes:
// - Kuadrant/kuadrant-operator at tag v1.5.2 (commit ffa34c7d) `internal/controller/cluster_patch_helpers.go`:
//   `buildClusterPatch(name, host, port, mTLS)` adds `transport_socket = buildMTLSTransportSocket()` only
//   when mTLS is on; that socket is an UpstreamTlsContext with `tls_certificate_sds_secret_configs:
//   [default]` and `validation_context_sds_secret_config: ROOTCA`, both from the `sds-grpc` cluster (the
//   gateway's istio-agent), and NO `alpn_protocols`. `istio_auth_cluster_reconciler.go` /
//   `istio_ratelimit_cluster_reconciler.go` pass `IsMTLSAuthorinoEnabled()` / `IsMTLSLimitadorEnabled()`.
//   So the operator's clusters send TLS with the gateway's Istio certificate and NO ALPN (no `istio`): on
//   a PERMISSIVE port of Authorino's or Limitador's sidecar an HTTP (`grpc`-named) port has no chain for it
//   and an auto/TCP port passes it through undecrypted (inboundFilterChain.ts); the operator pairs it with `istio_peerauthentication_reconciler.go`, a STRICT
//   PeerAuthentication `default` in the Kuadrant namespace selecting its managed workloads (created only,
//   `CreateOnlyMutator`), and STRICT needs no ALPN.
// - envoyproxy/envoy `api/envoy/extensions/transport_sockets/tls/v3/{tls,common}.proto`: the client's ALPN
//   list is `common_tls_context.alpn_protocols` ("If empty, it is not set"); the client certificate is
//   `tls_certificates`, `tls_certificate_sds_secret_configs` or `tls_certificate_provider_instance`; the
//   socket type is chosen by `typed_config`'s `@type` (`name` only when there is no typed_config).
// - istio/istio 1.30.3 `pilot/pkg/model/envoyfilter.go` -> `pkg/config/xds/xds.go` BuildXDSObjectFromStruct:
//   a CLUSTER patch value is read into a Cluster with protobuf JSON (`protomarshal.UnmarshalAllowUnknown`),
//   which takes both field spellings (`alpn_protocols` and `alpnProtocols`).
// Not modelled: wrappers (`upstream_proxy_protocol`, `tap`, `starttls`, internal upstream) are `unknown`;
// `transport_socket_matches`; whether the SDS names exist (Istio's agent serves `default` and `ROOTCA`).
// Pure: no Pulumi, no I/O.
import type { ClientTransport } from "./inboundFilterChain";

/** What an Envoy cluster's transport socket makes the client send. */
export interface EnvoyClientTls {
    /** Plain text, or TLS with this ALPN list (in order; empty: no ALPN extension). */
    transport: ClientTransport;
    /** Whether a client certificate is configured (sent when the server asks for one). */
    clientCertificate: boolean;
}

/** The result of reading a transport socket: known, or why not. */
export type TransportSocketReading =
    | {
          /** The socket was understood. */
          known: true;
          /** What the client sends. */
          tls: EnvoyClientTls;
      }
    | {
          /** The socket is of a kind (or shape) this rule does not model. */
          known: false;
          /** Why. */
          reason: string;
      };

/** The `@type` of Envoy's TLS client context. */
export const UPSTREAM_TLS_CONTEXT_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
const RAW_BUFFER_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
const TLS_NAME = "envoy.transport_sockets.tls";
const RAW_BUFFER_NAME = "envoy.transport_sockets.raw_buffer";

/** The transport socket `buildMTLSTransportSocket()` writes at kuadrant-operator v1.5.2 (transcribed). */
export const KUADRANT_OPERATOR_TRANSPORT_SOCKET: Readonly<Record<string, unknown>> = Object.freeze({
    name: TLS_NAME,
    typed_config: {
        "@type": UPSTREAM_TLS_CONTEXT_TYPE,
        common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: "default", sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } } }],
            validation_context_sds_secret_config: {
                name: "ROOTCA",
                sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } },
            },
        },
    },
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A field under either protobuf JSON spelling (`snake_case` or `lowerCamelCase`). */
function field(obj: Record<string, unknown>, snake: string): unknown {
    if (snake in obj) {
        return obj[snake];
    }
    return obj[snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())];
}

const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isRecord(v));

/** The client TLS of an UpstreamTlsContext (the typed_config's body). */
function readUpstreamTlsContext(ctx: Record<string, unknown>): TransportSocketReading {
    const common = field(ctx, "common_tls_context") ?? {};
    if (!isRecord(common)) {
        return { known: false, reason: "common_tls_context is not an object" };
    }
    const alpn = field(common, "alpn_protocols") ?? [];
    if (!Array.isArray(alpn) || !alpn.every((a): a is string => typeof a === "string")) {
        return { known: false, reason: "common_tls_context.alpn_protocols is not a list of strings" };
    }
    const clientCertificate = ["tls_certificates", "tls_certificate_sds_secret_configs", "tls_certificate_provider_instance"].some((f) => nonEmpty(field(common, f)));
    return { known: true, tls: { transport: { kind: "tls", alpn: [...alpn] }, clientCertificate } };
}

/**
 * What a cluster's `transport_socket` (an EnvoyFilter CLUSTER patch value's, or a Cluster's) makes Envoy
 * send: absent or raw_buffer -> plain text; the TLS socket -> TLS with its ALPN list and whether a client
 * certificate is configured; anything else -> not known.
 */
export function readClusterTransportSocket(socket: unknown): TransportSocketReading {
    if (socket === undefined || socket === null) {
        return { known: true, tls: { transport: { kind: "plaintext" }, clientCertificate: false } };
    }
    if (!isRecord(socket)) {
        return { known: false, reason: "transport_socket is not an object" };
    }
    const typed = field(socket, "typed_config");
    const name = socket.name;
    if (typed !== undefined) {
        if (!isRecord(typed)) {
            return { known: false, reason: "transport_socket.typed_config is not an object" };
        }
        const type = typed["@type"];
        if (type === UPSTREAM_TLS_CONTEXT_TYPE) {
            return readUpstreamTlsContext(typed);
        }
        if (type === RAW_BUFFER_TYPE) {
            return { known: true, tls: { transport: { kind: "plaintext" }, clientCertificate: false } };
        }
        return { known: false, reason: `transport socket type ${String(type)} is not modelled` };
    }
    if (name === TLS_NAME) {
        return { known: true, tls: { transport: { kind: "tls", alpn: [] }, clientCertificate: false } };
    }
    if (name === RAW_BUFFER_NAME) {
        return { known: true, tls: { transport: { kind: "plaintext" }, clientCertificate: false } };
    }
    return { known: false, reason: `transport socket ${String(name)} without typed_config is not modelled` };
}

/**
 * What the gateway sends to Authorino / Limitador through the cluster the Kuadrant operator v1.5.2 writes:
 * with mTLS on, TLS with the gateway's Istio certificate and no ALPN; off, plain text.
 */
export function kuadrantClusterTransport(mtlsOn: boolean): EnvoyClientTls {
    const reading = readClusterTransportSocket(mtlsOn ? KUADRANT_OPERATOR_TRANSPORT_SOCKET : undefined);
    if (!reading.known) {
        // The transcribed socket is a constant of this file; reading it cannot fail.
        throw new Error(`kuadrantClusterTransport: ${reading.reason}`);
    }
    return reading.tls;
}
