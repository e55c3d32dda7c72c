// The rule "kube-apiserver -> kyverno-authz v0.4.0 validation webhook": controller-runtime v0.22.4's default
// webhook server asks for no client certificate (pkg/webhook/server.go: ClientAuth only with ClientCAName),
// so the link is server-authenticated TLS when caBundle trusts the served chain, and refused otherwise.
import { strict as assert } from "node:assert";
import type { LinkState } from "../../../sdk/posture/model";
import { InboundChain, inboundFilterChain, servicePortProtocol, webhookLinkState } from "../../../sdk/posture/rules";

describe("posture rule: API server -> kyverno-authz validation webhook", () => {
    it("trusted: tls (never mtls); not trusted: refused", () => {
        assert.equal(webhookLinkState(true).state, "tls");
        assert.equal(webhookLinkState(false).state, "refused");
        assert.notEqual(webhookLinkState(true).state, "mtls");
    });

    it("an injected webhook pod: the sidecar's chain for the API server's TLS decides first", () => {
        // The chart's Service port is named `webhook` (no appProtocol): sniffed (`auto`).
        const protocol = servicePortProtocol({ port: 9443, name: "webhook" });
        assert.equal(protocol, "auto");
        const apiServer = { kind: "tls", alpn: ["h2", "http/1.1"] } as const;
        const cases: Array<["STRICT" | "PERMISSIVE" | "DISABLE", boolean, LinkState]> = [
            ["STRICT", true, "refused"],
            ["PERMISSIVE", true, "tls"],
            ["PERMISSIVE", false, "refused"],
            ["DISABLE", true, "tls"],
        ];
        assert.equal(cases.length, 4);
        for (const [mode, trusted, state] of cases) {
            const chain: InboundChain = inboundFilterChain(mode, apiServer, protocol);
            assert.equal(webhookLinkState(trusted, chain).state, state, `${mode} trusted=${trusted}`);
        }
        assert.equal(webhookLinkState(true, "mtls").state, "refused");
        assert.equal(webhookLinkState(true, "plaintext").state, "tls");
        assert.equal(webhookLinkState(true, "tls-passthrough").state, "tls");
    });
});
