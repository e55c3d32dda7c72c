// The rule "Istio proxies -> istiod on 15012" (istio 1.30.3 pilot/pkg/bootstrap/server.go
// ClientAuth VerifyClientCertIfGiven; pkg/istio-agent/xds_proxy.go and agent.go GetKeyCertsForXDS:
// a Kubernetes sidecar presents no client certificate and authenticates with its JWT; istio-discovery
// templates/service.yaml: istiod's Service name and port).
import { strict as assert } from "node:assert";
import type { LinkState } from "../../../sdk/posture/model";
import { ISTIOD_PLAINTEXT_XDS_PORT, ISTIOD_SECURE_XDS_PORT, IstiodXdsClient, KGATEWAY_ISTIO_PROXY_DEFAULTS, istiodDiscoveryAddress, istiodServiceName, istiodXdsLinkState } from "../../../sdk/posture/rules";

describe("posture rule: istio proxies -> istiod (xDS and CSR)", () => {
    it("a Kubernetes sidecar (defaults) gets server-authenticated TLS, not mTLS", () => {
        const link = istiodXdsLinkState();
        assert.equal(link.state, "tls");
        assert.match(link.reason, /JWT/);
        assert.notEqual(link.state, "mtls");
        assert.deepEqual(istiodXdsLinkState({ controlPlaneAuthPolicy: "MUTUAL_TLS", discoveryPort: 15012, clientCertificate: false, jwt: true }), link);
    });

    const cases: Array<[IstiodXdsClient, LinkState]> = [
        // PROV_CERT (VMs) or file-mounted certificates: istiod verifies the certificate it is given.
        [{ clientCertificate: true }, "mtls"],
        [{ clientCertificate: true, jwt: false }, "mtls"],
        // Neither a certificate nor a token: the TLS handshake works, the RPC is Unauthenticated.
        [{ jwt: false }, "refused"],
        // controlPlaneAuthPolicy NONE dials plain text: only the plain-text port answers.
        [{ controlPlaneAuthPolicy: "NONE", discoveryPort: ISTIOD_PLAINTEXT_XDS_PORT }, "plaintext"],
        [{ controlPlaneAuthPolicy: "NONE" }, "refused"],
        // TLS to the plain-text port fails.
        [{ discoveryPort: ISTIOD_PLAINTEXT_XDS_PORT }, "refused"],
        [{ discoveryPort: 443 }, "unknown"],
        [{ controlPlaneAuthPolicy: "NONE", discoveryPort: 443 }, "unknown"],
    ];

    it("covers certificates, tokens, the auth policy and the port", () => {
        assert.equal(ISTIOD_SECURE_XDS_PORT, 15012);
        assert.equal(cases.length, 8);
        for (const [client, state] of cases) {
            const link = istiodXdsLinkState(client);
            assert.equal(link.state, state, JSON.stringify(client));
            assert.ok(link.reason.length > 0);
        }
    });

    it("istiod's Service and address are revision aware (service.yaml: istiod[-<revision>], port 15012)", () => {
        assert.deepEqual([istiodServiceName(), istiodServiceName(""), istiodServiceName("canary")], ["istiod", "istiod", "istiod-canary"]);
        assert.equal(istiodDiscoveryAddress(), KGATEWAY_ISTIO_PROXY_DEFAULTS.istioDiscoveryAddress, "kgateway's default is the default istiod");
        assert.equal(istiodDiscoveryAddress("istio-system", ""), "istiod.istio-system.svc:15012");
        assert.equal(istiodDiscoveryAddress("mesh", "1-30-3"), `istiod-1-30-3.mesh.svc:${ISTIOD_SECURE_XDS_PORT}`);
        assert.throws(() => istiodDiscoveryAddress("istio-system", "Canary"), /revision "Canary"/);
        assert.throws(() => istiodDiscoveryAddress("Istio_System"), /istioNamespace/);
    });
});
