// The rule "what Gloo's Envoy sends to an Upstream" (solo-io/gloo v1.22.1 projects/gloo/pkg/utils/ssl.go
// ResolveUpstreamSslConfig / ResolveCommonSslConfig / handleSds, translator/clusters.go,
// plugins/istio_automtls/plugin.go), with meshtls's own Upstream checked against Istio's inbound chains.
import { strict as assert } from "node:assert";
import { ISTIO_UPSTREAM_SSL_CONFIG } from "../../../sdk/gloo";
import { ClientTransport, GlooUpstreamSpecView, GlooUpstreamTlsContext, glooUpstreamTls, inboundFilterChain } from "../../../sdk/posture/rules";

const plaintext: ClientTransport = { kind: "plaintext" };
const tls = (...alpn: string[]): ClientTransport => ({ kind: "tls", alpn });

function known(spec: GlooUpstreamSpecView, context?: GlooUpstreamTlsContext): { transport: ClientTransport; clientCertificate: boolean } {
    const r = glooUpstreamTls(spec, context);
    assert.ok(r.known, `${JSON.stringify(spec)}: ${r.known ? "" : r.reason}`);
    return r.tls;
}

describe("posture rule: Gloo Upstream sslConfig -> client TLS", () => {
    it("meshtls's Upstream (SDS istio_server_cert, ALPN istio): mesh mTLS on STRICT and PERMISSIVE ports", () => {
        const r = known({ sslConfig: ISTIO_UPSTREAM_SSL_CONFIG });
        assert.deepEqual(r, { transport: tls("istio"), clientCertificate: true });
        assert.equal(inboundFilterChain("PERMISSIVE", r.transport, "http"), "mtls");
        assert.equal(inboundFilterChain("STRICT", r.transport, "auto"), "mtls");
    });

    it("honours alpnProtocols as written: none added when empty, order kept", () => {
        const sds = { certificatesSecretName: "istio_server_cert", validationContextName: "istio_validation_context" };
        const noAlpn = known({ sslConfig: { sds } });
        assert.deepEqual(noAlpn.transport, tls());
        // Without the istio ALPN a PERMISSIVE HTTP port has no chain for it.
        assert.equal(inboundFilterChain("PERMISSIVE", noAlpn.transport, "http"), "none");
        assert.deepEqual(known({ sslConfig: { sds, alpnProtocols: ["h2", "istio"] } }).transport, tls("h2", "istio"));
    });

    // [sslConfig, context, transport, client certificate]
    const cases: Array<[unknown, GlooUpstreamTlsContext, ClientTransport, boolean]> = [
        // SDS: a certificate only with certificatesSecretName; oneWayTls does nothing.
        [{ sds: { validationContextName: "v" } }, {}, tls(), false],
        [{ sds: { certificatesSecretName: "c" }, oneWayTls: true }, {}, tls(), true],
        [{ sds: { certificatesSecretName: "c", validationContextName: "v" }, verifySubjectAltName: ["spiffe://x"] }, {}, tls(), true],
        // sslFiles: cert and key together; oneWayTls drops them.
        [{ sslFiles: { tlsCert: "/c", tlsKey: "/k", rootCa: "/ca" } }, {}, tls(), true],
        [{ sslFiles: { tlsCert: "/c", tlsKey: "/k" }, oneWayTls: true }, {}, tls(), false],
        [{ sslFiles: { rootCa: "/ca" }, alpnProtocols: ["h2"] }, {}, tls("h2"), false],
        // secretRef: what the Secret holds; oneWayTls drops it.
        [{ secretRef: { name: "s", namespace: "gloo-system" } }, { secretHasKeyPair: true }, tls(), true],
        [{ secretRef: { name: "s", namespace: "gloo-system" } }, { secretHasKeyPair: false }, tls(), false],
        [{ secretRef: { name: "s", namespace: "gloo-system" }, oneWayTls: true }, {}, tls(), false],
        // No source: TLS without a certificate.
        [{}, {}, tls(), false],
        [{ sni: "x", alpnProtocols: ["istio"] }, {}, tls("istio"), false],
    ];

    it("covers every certificate source", () => {
        assert.equal(cases.length, 11);
        for (const [sslConfig, context, transport, cert] of cases) {
            assert.deepEqual(known({ sslConfig }, context), { transport, clientCertificate: cert }, JSON.stringify(sslConfig));
        }
    });

    it("without sslConfig: plain text, unless Gloo's Istio auto-mTLS applies to a sidecar endpoint", () => {
        assert.deepEqual(known({}), { transport: plaintext, clientCertificate: false });
        assert.deepEqual(known({}, { endpointHasSidecar: true }), { transport: plaintext, clientCertificate: false });
        assert.deepEqual(known({}, { istioAutoMtls: true, endpointHasSidecar: true }), { transport: tls("istio"), clientCertificate: true });
        assert.deepEqual(known({}, { istioAutoMtls: true, endpointHasSidecar: false }), { transport: plaintext, clientCertificate: false });
        assert.deepEqual(known({ disableIstioAutoMtls: true }, { istioAutoMtls: true, endpointHasSidecar: true }), { transport: plaintext, clientCertificate: false });
        // An sslConfig turns auto-mTLS off for the Upstream.
        assert.deepEqual(known({ sslConfig: {} }, { istioAutoMtls: true, endpointHasSidecar: true }), { transport: tls(), clientCertificate: false });
    });

    it("reports what Gloo rejects, and what depends on a Secret it is not given, as not known", () => {
        const unknowns: unknown[] = [
            "x",
            { sds: {} },
            { sds: { certificatesSecretName: "c" }, verifySubjectAltName: ["a"] },
            { sslFiles: { tlsCert: "/c" } },
            { sslFiles: { tlsCert: "/c", tlsKey: "/k" }, verifySubjectAltName: ["a"] },
            { verifySubjectAltName: ["a"] },
            { secretRef: { name: "s" } },
            { secretRef: { name: "s" }, sds: { certificatesSecretName: "c" } },
            { alpnProtocols: "istio" },
        ];
        assert.equal(unknowns.length, 9);
        for (const sslConfig of unknowns) {
            const r = glooUpstreamTls({ sslConfig });
            assert.equal(r.known, false, JSON.stringify(sslConfig));
            assert.ok(r.reason.length > 0);
        }
    });
});
