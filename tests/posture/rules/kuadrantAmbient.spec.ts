// The rule "gateway -> Authorino / Limitador through the Kuadrant clusters in ambient" (kuadrant-operator v1.5.2
// cluster_patch_helpers.go; istio 1.30.3 cni iptables redirection, ambient static STRICT policy, endpoint_builder
// HBONE origination; ztunnel 1.30.3 inbound_passthrough.rs).
import { strict as assert } from "node:assert";
import { KuadrantAmbientLinkInput, KuadrantAmbientLinkState, kuadrantAmbientLink } from "../../../sdk/posture/rules/kuadrantAmbient";

const base: KuadrantAmbientLinkInput = { component: "authorino", clusterTls: false, serverDataplane: "ambient", serverMode: "STRICT", gatewayCapturedByZtunnel: true };

describe("posture rule: Kuadrant links in ambient", () => {
    it("ambient server: the table over gateway capture, cluster TLS and mode", () => {
        const cases: Array<[Partial<KuadrantAmbientLinkInput>, KuadrantAmbientLinkState]> = [
            // Captured gateway, plain-text cluster: ztunnel HBONE end to end.
            [{ gatewayCapturedByZtunnel: true, clusterTls: false, serverMode: "STRICT" }, "mtls"],
            [{ gatewayCapturedByZtunnel: true, clusterTls: false, serverMode: "PERMISSIVE" }, "mtls"],
            // Captured gateway, Istio-SDS TLS inside HBONE: the server's handshake is not modelled.
            [{ gatewayCapturedByZtunnel: true, clusterTls: true, serverMode: "STRICT" }, "unknown"],
            // Gateway not captured: no HBONE from a static cluster; STRICT denies the identity-less connection.
            [{ gatewayCapturedByZtunnel: false, clusterTls: false, serverMode: "STRICT" }, "refused"],
            [{ gatewayCapturedByZtunnel: false, clusterTls: true, serverMode: "STRICT" }, "refused"],
            [{ gatewayCapturedByZtunnel: false, clusterTls: false, serverMode: "PERMISSIVE" }, "plaintext"],
            [{ gatewayCapturedByZtunnel: false, clusterTls: false, serverMode: "DISABLE" }, "plaintext"],
            [{ gatewayCapturedByZtunnel: false, clusterTls: true, serverMode: "PERMISSIVE" }, "unknown"],
            [{ gatewayCapturedByZtunnel: undefined }, "unknown"],
        ];
        assert.equal(cases.length, 9);
        for (const [over, state] of cases) {
            const r = kuadrantAmbientLink({ ...base, ...over });
            assert.equal(r.state, state, JSON.stringify(over));
            assert.ok(r.reason.length > 0);
        }
    });

    it("sidecar server (Operator-mode spec.mtls injected it): the sidecar chains decide for an uncaptured gateway", () => {
        const side: KuadrantAmbientLinkInput = { ...base, component: "limitador", serverDataplane: "sidecar", gatewayCapturedByZtunnel: false, serverPortProtocol: "http" };
        assert.equal(kuadrantAmbientLink({ ...side, clusterTls: true, serverMode: "STRICT" }).state, "mtls");
        assert.equal(kuadrantAmbientLink({ ...side, clusterTls: true, serverMode: "PERMISSIVE" }).state, "refused");
        assert.equal(kuadrantAmbientLink({ ...side, clusterTls: true, serverMode: "PERMISSIVE", serverPortProtocol: "tcp" }).state, "unknown");
        assert.equal(kuadrantAmbientLink({ ...side, clusterTls: false, serverMode: "PERMISSIVE" }).state, "plaintext");
        assert.equal(kuadrantAmbientLink({ ...side, clusterTls: false, serverMode: "STRICT" }).state, "refused");
        assert.equal(kuadrantAmbientLink({ ...side, gatewayCapturedByZtunnel: true }).state, "unknown");
        assert.equal(kuadrantAmbientLink({ ...side, serverPortProtocol: undefined }).state, "unknown");
        assert.match(kuadrantAmbientLink({ ...side, clusterTls: true }).reason, /Limitador runs a sidecar/);
    });

    it("server outside the mesh: plain text, or unknown when the cluster sends TLS", () => {
        assert.equal(kuadrantAmbientLink({ ...base, serverDataplane: "none", clusterTls: false }).state, "plaintext");
        assert.equal(kuadrantAmbientLink({ ...base, serverDataplane: "none", clusterTls: true }).state, "unknown");
    });
});
