// The rule "Gloo Edge gateway-proxy -> gloo xDS" (solo-io/gloo v1.22.1 19-gloo-mtls-configmap.yaml:
// validation context, no require_client_certificate; 9-gateway-proxy-configmap.yaml: the proxy presents
// server_cert from its sds sidecar; 18-settings.yaml: plain text on 0.0.0.0:9977 without glooMtls).
import { strict as assert } from "node:assert";
import { glooXdsLinkState } from "../../../sdk/posture/rules";

describe("posture rule: Gloo gateway-proxy -> gloo xDS", () => {
    it("without glooMtls: plain text, whatever the client", () => {
        assert.equal(glooXdsLinkState(false).state, "plaintext");
        assert.equal(glooXdsLinkState(false, false).state, "plaintext");
    });

    it("with glooMtls: the chart's gateway-proxy presents a certificate gloo verifies, so the link is mutual", () => {
        const link = glooXdsLinkState(true);
        assert.equal(link.state, "mtls");
        assert.equal(link.serverRequiresClientCertificate, false);
        assert.match(link.reason, /server_cert/);
    });

    it("with glooMtls: gloo does not require a certificate, so a client without one gets server-authenticated TLS", () => {
        const link = glooXdsLinkState(true, false);
        assert.equal(link.state, "tls");
        assert.equal(link.serverRequiresClientCertificate, false);
        assert.notEqual(link.state, "refused");
    });
});
