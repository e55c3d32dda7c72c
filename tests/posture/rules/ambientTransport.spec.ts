// The rule "transport of a link with an ambient end" (sdk/posture/rules/ambientTransport.ts, citing
// istio/ztunnel 1.30.3 src/proxy/outbound.rs, src/proxy/inbound_passthrough.rs, src/config.rs and istio/istio
// 1.30.3 pilot/pkg/serviceregistry/ambient/workloads.go setTunnelProtocol, pilot/pkg/features/ambient.go,
// manifests/helm-profiles/ambient.yaml, injection-template.yaml).
import { strict as assert } from "node:assert";
import { AmbientLinkInput, ambientLinkState } from "../../../sdk/posture/rules/ambientTransport";

const state = (input: AmbientLinkInput) => ambientLinkState(input).state;

describe("rule: ambient link transport (istio/ztunnel 1.30.3)", () => {
    it("ambient -> ambient is HBONE mTLS whatever the mode", () => {
        for (const serverMode of ["STRICT", "PERMISSIVE"] as const) {
            const out = ambientLinkState({ client: "ambient", server: "ambient", serverMode });
            assert.equal(out.state, "mtls", serverMode);
            assert.match(out.reason, /15008/);
        }
        assert.equal(state({ client: "ambient", server: "ambient", serverMode: "STRICT", clientSendsTls: true }), "mtls");
    });

    it("sidecar -> ambient: HBONE by default (ambient profile); without HBONE it is the plaintext port", () => {
        assert.equal(state({ client: "sidecar", server: "ambient", serverMode: "STRICT" }), "mtls");
        assert.equal(state({ client: "sidecar", server: "ambient", serverMode: "STRICT", clientHbone: false }), "refused");
        assert.equal(state({ client: "sidecar", server: "ambient", serverMode: "PERMISSIVE", clientHbone: false }), "plaintext");
        assert.equal(state({ client: "sidecar", server: "ambient", serverMode: "PERMISSIVE", clientHbone: false, clientSendsTls: true }), "tls");
    });

    it("outside the mesh -> ambient: STRICT refuses (no identity on 15006), PERMISSIVE forwards", () => {
        const refused = ambientLinkState({ client: "none", server: "ambient", serverMode: "STRICT" });
        assert.equal(refused.state, "refused");
        assert.match(refused.reason, /15006/);
        assert.equal(state({ client: "none", server: "ambient", serverMode: "PERMISSIVE" }), "plaintext");
        // clientHbone is ignored for a client outside the mesh.
        assert.equal(state({ client: "none", server: "ambient", serverMode: "STRICT", clientHbone: true }), "refused");
    });

    it("a client's own TLS (not HBONE) to an ambient port: refused under STRICT, passed to the app under PERMISSIVE", () => {
        assert.equal(state({ client: "none", server: "ambient", serverMode: "STRICT", clientSendsTls: true }), "refused");
        assert.equal(state({ client: "none", server: "ambient", serverMode: "PERMISSIVE", clientSendsTls: true }), "tls");
    });

    it("ambient -> sidecar: HBONE when the sidecar listens for it (ambient profile), else ztunnel sends the bytes as they are", () => {
        assert.equal(state({ client: "ambient", server: "sidecar", serverMode: "STRICT" }), "mtls");
        assert.equal(state({ client: "ambient", server: "sidecar", serverMode: "STRICT", serverHbone: false }), "refused");
        assert.equal(state({ client: "ambient", server: "sidecar", serverMode: "PERMISSIVE", serverHbone: false }), "plaintext");
        assert.equal(state({ client: "ambient", server: "sidecar", serverMode: "PERMISSIVE", serverHbone: false, clientSendsTls: true }), "tls");
    });

    it("ambient -> outside the mesh: passthrough, whatever the mode", () => {
        assert.equal(state({ client: "ambient", server: "none", serverMode: "STRICT" }), "plaintext");
        assert.equal(state({ client: "ambient", server: "none", serverMode: "PERMISSIVE", clientSendsTls: true }), "tls");
    });

    it("no ambient end: unknown (the sidecar rules answer)", () => {
        assert.equal(state({ client: "sidecar", server: "sidecar", serverMode: "STRICT" }), "unknown");
        assert.equal(state({ client: "none", server: "none", serverMode: "PERMISSIVE" }), "unknown");
        assert.equal(state({ client: "sidecar", server: "none", serverMode: "PERMISSIVE" }), "unknown");
    });
});
