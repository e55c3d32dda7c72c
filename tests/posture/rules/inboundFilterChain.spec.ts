// The model of Istio 1.30.3's inbound filter-chain choice (sdk/posture/rules/inboundFilterChain.ts),
// case by case, and that the client TLS KuadrantMtls's Manual mode puts in the gateway's EnvoyFilters is
// taken as mesh mTLS by Authorino's and Limitador's sidecars at every step of enabling and disabling.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { KuadrantMtlsArgs, KuadrantMtlsMode, KuadrantMtlsPlan, KuadrantStep, kuadrantEnvoyFilterPatchSpec, planKuadrantMtls } from "../../../sdk";
import { ClientTransport, ISTIO_ALPNS, InboundChain, InboundPortProtocol, PeerAuthenticationModeName, inboundFilterChain } from "../../../sdk/posture/rules";

const plaintext: ClientTransport = { kind: "plaintext" };
const tls = (...alpn: string[]): ClientTransport => ({ kind: "tls", alpn });

describe("posture rule: inbound filter chain (Istio 1.30.3 filterchain_options.go)", () => {
    it("uses Istio's ALPN lists (pilot/pkg/networking/core/listener.go)", () => {
        assert.deepEqual(ISTIO_ALPNS.allIstioMtls, ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"]);
        assert.deepEqual(ISTIO_ALPNS.mtlsHTTP, ["istio-http/1.0", "istio-http/1.1", "istio-h2"]);
        assert.deepEqual(ISTIO_ALPNS.mtlsTCPWithMxc, ["istio-peer-exchange", "istio"]);
        assert.deepEqual(ISTIO_ALPNS.plaintextHTTP, ["http/1.1", "h2c"]);
    });

    // [mode, port protocol, client, chain]
    const cases: Array<[PeerAuthenticationModeName, InboundPortProtocol, ClientTransport, InboundChain]> = [
        // STRICT: every chain is `tls` and terminates; no ALPN needed; plain text has no chain.
        ["STRICT", "http", tls(), "mtls"],
        ["STRICT", "http", tls("istio"), "mtls"],
        ["STRICT", "http", tls("h2"), "mtls"],
        ["STRICT", "http", plaintext, "none"],
        ["STRICT", "tcp", tls(), "mtls"],
        ["STRICT", "tcp", plaintext, "none"],
        ["STRICT", "auto", tls("istio-http/1.1"), "mtls"],
        ["STRICT", "auto", tls(), "mtls"],
        ["STRICT", "auto", plaintext, "none"],
        // PERMISSIVE: mTLS only with an Istio ALPN; plain text on `raw_buffer`.
        ["PERMISSIVE", "http", tls("istio"), "mtls"],
        ["PERMISSIVE", "http", tls("istio-peer-exchange", "istio"), "mtls"],
        ["PERMISSIVE", "http", tls("istio-h2"), "mtls"],
        ["PERMISSIVE", "http", tls("h2", "istio"), "mtls"],
        ["PERMISSIVE", "http", tls(), "none"],
        ["PERMISSIVE", "http", tls("h2", "http/1.1"), "none"],
        ["PERMISSIVE", "http", plaintext, "plaintext"],
        ["PERMISSIVE", "tcp", tls("istio"), "mtls"],
        ["PERMISSIVE", "tcp", tls(), "tls-passthrough"],
        ["PERMISSIVE", "tcp", tls("h2"), "tls-passthrough"],
        ["PERMISSIVE", "tcp", plaintext, "plaintext"],
        ["PERMISSIVE", "auto", tls("istio-http/1.1"), "mtls"],
        ["PERMISSIVE", "auto", tls("istio"), "mtls"],
        ["PERMISSIVE", "auto", tls("istio-peer-exchange"), "mtls"],
        ["PERMISSIVE", "auto", tls(), "tls-passthrough"],
        ["PERMISSIVE", "auto", tls("h2"), "tls-passthrough"],
        ["PERMISSIVE", "auto", plaintext, "plaintext"],
        // DISABLE: only `raw_buffer` chains and no TLS inspector on the port, so TLS goes in as bytes.
        ["DISABLE", "http", plaintext, "plaintext"],
        ["DISABLE", "http", tls("istio"), "plaintext"],
        ["DISABLE", "tcp", plaintext, "plaintext"],
        ["DISABLE", "tcp", tls(), "plaintext"],
        ["DISABLE", "auto", plaintext, "plaintext"],
        ["DISABLE", "auto", tls("istio"), "plaintext"],
    ];

    it("covers every mode x port protocol with plain text and TLS", () => {
        const covered = new Set(cases.map(([mode, protocol, client]) => `${mode}/${protocol}/${client.kind}`));
        assert.equal(covered.size, 3 * 3 * 2);
    });

    assert.equal(cases.length, 32);
    for (const [mode, protocol, client, expected] of cases) {
        const what = client.kind === "plaintext" ? "plain text" : `TLS with ALPN [${client.alpn.join(", ")}]`;
        it(`${mode}, ${protocol} port, ${what}: ${expected}`, () => {
            assert.equal(inboundFilterChain(mode, client, protocol), expected);
        });
    }
});

describe("posture rule: inbound filter chain x KuadrantMtls Manual mode", () => {
    const CLUSTERS = ["kuadrant-auth-service", "kuadrant-ratelimit-service"];
    // Authorino's and Limitador's Services name the port `grpc` (authorino-operator v0.25.2
    // pkg/resources/k8s_services.go, limitador-operator pkg/limitador/k8s_objects.go): an `http` listener
    // port for Istio. The other protocols are checked too, so a rename of the port changes nothing.
    const PROTOCOLS: InboundPortProtocol[] = ["http", "tcp", "auto"];

    /** The operator's EnvoyFilter spec for one cluster, as the Kuadrant operator writes it (no TLS). */
    const liveSpec = (cluster: string) => ({
        configPatches: [{ applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: cluster, type: "STRICT_DNS", http2_protocol_options: {} } } }],
    });

    const args = (enabled: boolean): pulumi.Unwrap<KuadrantMtlsArgs> => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", enabled, gateways: [{ name: "external", namespace: "gateway-system" }] });

    /** What the gateway sends on `cluster` under this plan: the transport socket meshtls emits, read as Envoy would. */
    function clientOf(plan: KuadrantMtlsPlan, cluster: string): ClientTransport {
        const filter = plan.manual?.envoyFilters.find((f) => f.cluster === cluster);
        assert.ok(filter, `an EnvoyFilter plan for ${cluster}`);
        const spec = kuadrantEnvoyFilterPatchSpec(plan, filter, liveSpec(cluster)) as { configPatches: Array<{ patch: { value: { transport_socket?: unknown } } }> };
        assert.equal(spec.configPatches.length, 1);
        return transportOf(spec.configPatches[0].patch.value.transport_socket);
    }

    /** An Envoy cluster transport socket as the client transport it produces. */
    function transportOf(socket: unknown): ClientTransport {
        if (socket === undefined) {
            return plaintext;
        }
        const s = socket as { name: string; typed_config: { "@type": string; common_tls_context: { alpn_protocols?: string[] } } };
        assert.equal(s.name, "envoy.transport_sockets.tls");
        assert.equal(s.typed_config["@type"], "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
        return { kind: "tls", alpn: s.typed_config.common_tls_context.alpn_protocols ?? [] };
    }

    /** The server's mode under this plan (one namespace-wide PeerAuthentication when both are protected). */
    function modeOf(plan: KuadrantMtlsPlan): PeerAuthenticationModeName {
        assert.ok(plan.manual);
        assert.equal(plan.manual.peerAuthentications.length, 1);
        return plan.manual.peerAuthentications[0].mode as PeerAuthenticationModeName;
    }

    /** Every state a transition from `from` to `to` passes through, steps applied in `to`'s order. */
    function states(from: KuadrantMtlsPlan, to: KuadrantMtlsPlan, cluster: string): Array<{ after: string; mode: PeerAuthenticationModeName; client: ClientTransport }> {
        const order = to.manual?.order ?? [];
        assert.equal(order.length, 3);
        const done = new Set<KuadrantStep>();
        const at = (after: string) => ({ after, mode: modeOf(done.has("serverPolicy") ? to : from), client: clientOf(done.has("clientTls") ? to : from, cluster) });
        const out = [at("start")];
        for (const step of order) {
            done.add(step);
            out.push(at(step));
        }
        return out;
    }

    const on = planKuadrantMtls("kuadrant", args(true));
    const off = planKuadrantMtls("kuadrant", args(false));

    it("emits TLS with the Istio ALPN `istio` on both clusters", () => {
        assert.equal(CLUSTERS.length, 2);
        for (const cluster of CLUSTERS) {
            assert.deepEqual(clientOf(on, cluster), tls("istio"));
            assert.deepEqual(clientOf(off, cluster), plaintext);
        }
    });

    assert.equal(PROTOCOLS.length, 3);
    for (const protocol of PROTOCOLS) {
        it(`${protocol} port: the emitted client TLS is taken as mesh mTLS under PERMISSIVE and STRICT`, () => {
            assert.equal(modeOf(on), "STRICT");
            assert.equal(modeOf(off), "PERMISSIVE");
            for (const cluster of CLUSTERS) {
                const client = clientOf(on, cluster);
                assert.equal(inboundFilterChain("PERMISSIVE", client, protocol), "mtls");
                assert.equal(inboundFilterChain("STRICT", client, protocol), "mtls");
            }
        });
    }

    for (const [name, from, to] of [["enabling", off, on], ["disabling", on, off]] as const) {
        it(`${name}: every intermediate state is served (mTLS or plain text), never refused`, () => {
            for (const cluster of CLUSTERS) {
                const seen = states(from, to, cluster);
                assert.equal(seen.length, 4);
                // The window the issue names: TLS from the gateway while the servers are PERMISSIVE.
                assert.ok(seen.some((s) => s.mode === "PERMISSIVE" && s.client.kind === "tls"), "the transition has a PERMISSIVE step with client TLS");
                for (const s of seen) {
                    assert.notEqual(inboundFilterChain(s.mode, s.client, "http"), "none", `${cluster} after ${s.after}: ${s.mode} with ${JSON.stringify(s.client)}`);
                }
                assert.equal(inboundFilterChain(seen[3].mode, seen[3].client, "http"), name === "enabling" ? "mtls" : "plaintext");
            }
        });
    }

    it("the seed's socket (no ALPN), which meshtls emitted before, is refused in that PERMISSIVE window", () => {
        const seed = transportOf({
            name: "envoy.transport_sockets.tls",
            typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", common_tls_context: {} },
        });
        assert.deepEqual(seed, tls());
        assert.equal(inboundFilterChain("PERMISSIVE", seed, "http"), "none");
        assert.equal(inboundFilterChain("STRICT", seed, "http"), "mtls");
    });
});
