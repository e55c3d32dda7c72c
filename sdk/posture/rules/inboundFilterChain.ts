// A pure model of which filter chain of an Istio sidecar's inbound listener takes a connection to a
// Service port, from the port's effective PeerAuthentication mode, the port's protocol and what the
// client sends (plain text, or TLS with an ALPN list).
//
// It encodes istio/istio at tag 1.30.3:
// - pilot/pkg/networking/core/filterchain_options.go: the filter chain matches per mode and listener
//   protocol (getFilterChainMatchOptions: the inbound{Strict,Permissive,PlainText}{HTTP,TCP,}...Options),
//   and which of them terminate TLS (`TLS: true`);
// - pilot/pkg/networking/core/listener.go: the ALPN lists (mtlsHTTPALPNs, allIstioMtlsALPNs,
//   mtlsTCPWithMxcALPNs, plaintextHTTPALPNs);
// - pilot/pkg/networking/core/listener_inbound.go: buildInboundListeners builds those chains with the
//   port as `destination_port` (ToFilterChainMatch), and populateListenerFilters / buildTLSInspector
//   turn the TLS inspector on only for ports where some chain matches `transport_protocol: tls`
//   (DISABLE has none, so TLS there is seen as `raw_buffer`);
// - pilot/pkg/xds/filters/filters.go: the transport protocol names `tls` and `raw_buffer`.
// Envoy's FilterChainMatch (envoy/config/listener/v3/listener_components.proto) prunes the chains one
// criterion at a time (destination port, ..., transport protocol, application protocols), keeping at
// each step only the most specific chains that match: a chain with the exact value beats one without
// the criterion, and there is no backtracking, so when no chain survives a step the connection is closed.
// The service port's chains name its port, so the listener's catch-all passthrough chains never see it.

/** The effective PeerAuthentication mode of the server's port (UNSET already resolved by inheritance). */
export type PeerAuthenticationModeName = "STRICT" | "PERMISSIVE" | "DISABLE";

/**
 * The listener protocol Istio derives from the Service port (name prefix or `appProtocol`):
 * `http` for HTTP/HTTP2/gRPC ports, `tcp` for TCP/TLS/other declared ports, `auto` for undeclared ones.
 */
export type InboundPortProtocol = "http" | "tcp" | "auto";

/** What the client sends: plain bytes, or a TLS ClientHello offering these ALPN protocols (in order). */
export type ClientTransport = { readonly kind: "plaintext" } | { readonly kind: "tls"; readonly alpn: readonly string[] };

/**
 * The chain that takes the connection:
 * - `mtls`: a chain that terminates Istio mTLS (the client certificate is required and verified);
 * - `plaintext`: a `raw_buffer` chain; the bytes reach the workload as sent (TLS bytes included, when
 *   the port has no TLS inspector);
 * - `tls-passthrough`: a `tls` chain that does not terminate TLS; the workload gets the client's TLS;
 * - `none`: no chain matches and the sidecar closes the connection.
 */
export type InboundChain = "mtls" | "plaintext" | "tls-passthrough" | "none";

/** `TLSTransportProtocol` and `RawBufferTransportProtocol` (pilot/pkg/xds/filters/filters.go). */
const TLS = "tls";
const RAW_BUFFER = "raw_buffer";

/** The ALPN lists of pilot/pkg/networking/core/listener.go at 1.30.3. */
export const ISTIO_ALPNS = Object.freeze({
    /** `plaintextHTTPALPNs` (the `features.HTTP10` variant adds `http/1.0`; off by default). */
    plaintextHTTP: Object.freeze(["http/1.1", "h2c"]),
    /** `mtlsHTTPALPNs`. */
    mtlsHTTP: Object.freeze(["istio-http/1.0", "istio-http/1.1", "istio-h2"]),
    /** `allIstioMtlsALPNs`: the ALPNs a PERMISSIVE port's mTLS chain requires. */
    allIstioMtls: Object.freeze(["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"]),
    /** `mtlsTCPWithMxcALPNs`. */
    mtlsTCPWithMxc: Object.freeze(["istio-peer-exchange", "istio"]),
});

/** One `FilterChainMatchOptions` entry: its match and whether it terminates (m)TLS. */
interface ChainOption {
    readonly transportProtocol: string;
    readonly applicationProtocols: readonly string[];
    readonly terminatesTls: boolean;
}

const chain = (transportProtocol: string, applicationProtocols: readonly string[], terminatesTls = false): ChainOption => ({ transportProtocol, applicationProtocols, terminatesTls });

/** getFilterChainMatchOptions(settings, protocol) of filterchain_options.go, entry for entry. */
const FILTER_CHAIN_OPTIONS: Readonly<Record<InboundPortProtocol, Readonly<Record<PeerAuthenticationModeName, readonly ChainOption[]>>>> = {
    http: {
        // inboundStrictHTTPFilterChainMatchOptions
        STRICT: [chain(TLS, [], true)],
        // inboundPermissiveHTTPFilterChainMatchWithMxcOptions
        PERMISSIVE: [chain(TLS, ISTIO_ALPNS.allIstioMtls, true), chain(RAW_BUFFER, [])],
        // inboundPlainTextHTTPFilterChainMatchOptions
        DISABLE: [chain(RAW_BUFFER, [])],
    },
    tcp: {
        // inboundStrictTCPFilterChainMatchOptions
        STRICT: [chain(TLS, [], true)],
        // inboundPermissiveTCPFilterChainMatchWithMxcOptions
        PERMISSIVE: [chain(TLS, ISTIO_ALPNS.allIstioMtls, true), chain(TLS, []), chain(RAW_BUFFER, [])],
        // inboundPlainTextTCPFilterChainMatchOptions
        DISABLE: [chain(RAW_BUFFER, [])],
    },
    auto: {
        // inboundStrictFilterChainMatchOptions
        STRICT: [chain(TLS, ISTIO_ALPNS.mtlsHTTP, true), chain(TLS, [], true)],
        // inboundPermissiveFilterChainMatchWithMxcOptions
        PERMISSIVE: [
            chain(TLS, ISTIO_ALPNS.mtlsHTTP, true),
            chain(RAW_BUFFER, ISTIO_ALPNS.plaintextHTTP),
            chain(TLS, ISTIO_ALPNS.mtlsTCPWithMxc, true),
            chain(RAW_BUFFER, []),
            chain(TLS, []),
        ],
        // inboundPlainTextFilterChainMatchOptions
        DISABLE: [chain(RAW_BUFFER, ISTIO_ALPNS.plaintextHTTP), chain(RAW_BUFFER, [])],
    },
};

/** Envoy's "most specific value wins, else the chains without the criterion" step for one string criterion. */
function pruneByTransport(chains: readonly ChainOption[], transport: string): readonly ChainOption[] {
    const exact = chains.filter((c) => c.transportProtocol === transport);
    return exact.length > 0 ? exact : chains.filter((c) => c.transportProtocol === "");
}

/** The application-protocols step: the first of the connection's protocols some chain lists, else the chains listing none. */
function pruneByApplicationProtocols(chains: readonly ChainOption[], protocols: readonly string[]): readonly ChainOption[] {
    for (const p of protocols) {
        const exact = chains.filter((c) => c.applicationProtocols.includes(p));
        if (exact.length > 0) {
            return exact;
        }
    }
    return chains.filter((c) => c.applicationProtocols.length === 0);
}

/**
 * Which inbound filter chain of the server's sidecar takes a connection to a Service port (see the
 * file's comment for the upstream code it encodes). A plain-text client is taken as sending no
 * HTTP the HTTP inspector would tag (its ALPN never changes the outcome: every plain-text chain is `plaintext`).
 */
export function inboundFilterChain(mode: PeerAuthenticationModeName, client: ClientTransport, protocol: InboundPortProtocol): InboundChain {
    const chains = FILTER_CHAIN_OPTIONS[protocol][mode];
    // The TLS inspector runs on a port only when one of its chains matches `tls`; without it Envoy's
    // transport protocol stays `raw_buffer`, whatever the client sends.
    const inspected = chains.some((c) => c.transportProtocol === TLS);
    const transport = client.kind === "tls" && inspected ? TLS : RAW_BUFFER;
    const alpn = client.kind === "tls" && inspected ? client.alpn : [];
    const left = pruneByApplicationProtocols(pruneByTransport(chains, transport), alpn);
    if (left.length === 0) {
        return "none";
    }
    // Istio's options never leave two chains for one connection (Envoy would reject such a listener).
    const [match] = left;
    if (match.terminatesTls) {
        return "mtls";
    }
    return match.transportProtocol === TLS ? "tls-passthrough" : "plaintext";
}
