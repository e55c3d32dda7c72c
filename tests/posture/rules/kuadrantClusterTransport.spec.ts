// The rule "what the gateway sends through the Kuadrant clusters" (Kuadrant/kuadrant-operator v1.5.2
// internal/controller/cluster_patch_helpers.go buildMTLSTransportSocket: SDS certificate, no ALPN) and the
// reader of a cluster's transport_socket (Envoy UpstreamTlsContext), checked against the inbound chains of
// Istio 1.30.3 (inboundFilterChain.ts).
import { strict as assert } from "node:assert";
import { KUADRANT_TLS_TRANSPORT_SOCKET } from "../../../sdk/kuadrant";
import {
    ClientTransport,
    InboundChain,
    KUADRANT_OPERATOR_TRANSPORT_SOCKET,
    PeerAuthenticationModeName,
    UPSTREAM_TLS_CONTEXT_TYPE,
    inboundFilterChain,
    kuadrantClusterTransport,
    readClusterTransportSocket,
} from "../../../sdk/posture/rules";

function known(socket: unknown): { transport: ClientTransport; clientCertificate: boolean } {
    const r = readClusterTransportSocket(socket);
    assert.ok(r.known, JSON.stringify(socket));
    return r.tls;
}

describe("posture rule: Kuadrant cluster transport socket", () => {
    describe("the operator's clusters (v1.5.2)", () => {
        it("mTLS on: TLS with the gateway's SDS certificate and NO ALPN; off: plain text", () => {
            assert.deepEqual(kuadrantClusterTransport(true), { transport: { kind: "tls", alpn: [] }, clientCertificate: true });
            assert.deepEqual(kuadrantClusterTransport(false), { transport: { kind: "plaintext" }, clientCertificate: false });
        });

        it("is mesh mTLS on a STRICT port; on PERMISSIVE (no istio ALPN) an HTTP port has no chain and auto/TCP pass the TLS through", () => {
            const client = kuadrantClusterTransport(true).transport;
            const cases: Array<[PeerAuthenticationModeName, "http" | "tcp" | "auto", InboundChain]> = [
                ["STRICT", "http", "mtls"],
                ["STRICT", "auto", "mtls"],
                ["PERMISSIVE", "http", "none"],
                ["PERMISSIVE", "auto", "tls-passthrough"],
                ["PERMISSIVE", "tcp", "tls-passthrough"],
            ];
            assert.equal(cases.length, 5);
            for (const [mode, protocol, chain] of cases) {
                assert.equal(inboundFilterChain(mode, client, protocol), chain, `${mode}/${protocol}`);
            }
        });
    });

    describe("reading a transport socket", () => {
        it("meshtls's Manual-mode socket: TLS with the Istio ALPNs and a client certificate, mesh mTLS on PERMISSIVE", () => {
            const tls = known(KUADRANT_TLS_TRANSPORT_SOCKET);
            assert.equal(tls.clientCertificate, true);
            assert.deepEqual(tls.transport, { kind: "tls", alpn: ["istio"] });
            assert.equal(inboundFilterChain("PERMISSIVE", tls.transport, "http"), "mtls");
        });

        it("absent or raw_buffer: plain text", () => {
            assert.deepEqual(known(undefined), { transport: { kind: "plaintext" }, clientCertificate: false });
            assert.deepEqual(known(null), { transport: { kind: "plaintext" }, clientCertificate: false });
            assert.deepEqual(known({ name: "envoy.transport_sockets.raw_buffer" }), { transport: { kind: "plaintext" }, clientCertificate: false });
            assert.deepEqual(known({ name: "x", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" } }), {
                transport: { kind: "plaintext" },
                clientCertificate: false,
            });
        });

        it("TLS: the ALPN list in order, a certificate from any of the three fields, both JSON spellings", () => {
            const tlsSocket = (common: Record<string, unknown>, camel = false) =>
                camel
                    ? { name: "envoy.transport_sockets.tls", typedConfig: { "@type": UPSTREAM_TLS_CONTEXT_TYPE, commonTlsContext: common } }
                    : { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE, common_tls_context: common } };
            assert.deepEqual(known(tlsSocket({ alpn_protocols: ["h2", "istio"] })), { transport: { kind: "tls", alpn: ["h2", "istio"] }, clientCertificate: false });
            assert.deepEqual(known(tlsSocket({ alpnProtocols: ["istio"], tlsCertificateSdsSecretConfigs: [{ name: "default" }] }, true)), {
                transport: { kind: "tls", alpn: ["istio"] },
                clientCertificate: true,
            });
            assert.equal(known(tlsSocket({ tls_certificates: [{ certificate_chain: { filename: "/c" } }] })).clientCertificate, true);
            assert.equal(known(tlsSocket({ tls_certificate_provider_instance: { instance_name: "x" } })).clientCertificate, true);
            assert.equal(known(tlsSocket({ tls_certificate_sds_secret_configs: [] })).clientCertificate, false);
            assert.deepEqual(known({ name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE } }), {
                transport: { kind: "tls", alpn: [] },
                clientCertificate: false,
            });
            // typed_config decides the type; the name is only read without it.
            assert.equal(known({ name: "anything", typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE } }).transport.kind, "tls");
            assert.deepEqual(known({ name: "envoy.transport_sockets.tls" }), { transport: { kind: "tls", alpn: [] }, clientCertificate: false });
        });

        it("does not guess: wrappers, unknown types and malformed fields are not known", () => {
            const unknowns: unknown[] = [
                "tls",
                [],
                { name: "envoy.transport_sockets.upstream_proxy_protocol", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport" } },
                { name: "envoy.transport_sockets.starttls" },
                { name: "envoy.transport_sockets.tls", typed_config: "x" },
                { typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE, common_tls_context: [] } },
                { typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE, common_tls_context: { alpn_protocols: "istio" } } },
                { typed_config: { "@type": UPSTREAM_TLS_CONTEXT_TYPE, common_tls_context: { alpn_protocols: [1] } } },
            ];
            assert.equal(unknowns.length, 8);
            for (const u of unknowns) {
                const r = readClusterTransportSocket(u);
                if (r.known) {
                    assert.fail(`read as known: ${JSON.stringify(u)}`);
                }
                assert.ok(r.reason.length > 0);
            }
        });

        it("the transcribed operator socket names Istio's SDS secrets and no ALPN", () => {
            const typed = KUADRANT_OPERATOR_TRANSPORT_SOCKET.typed_config as { common_tls_context: Record<string, unknown> };
            assert.equal("alpn_protocols" in typed.common_tls_context, false);
            assert.deepEqual(
                (typed.common_tls_context.tls_certificate_sds_secret_configs as Array<{ name: string }>).map((c) => c.name),
                ["default"],
            );
        });
    });
});
