// The rule "which cluster Istio 1.30.3's ext_authz filter calls" (pilot/pkg/security/authz/builder/extauthz.go
// buildExtAuthzGRPC / buildExtAuthzHTTP -> pilot/pkg/model/telemetry_logging.go LookupCluster ->
// BuildSubsetKey outbound|port||host), so the call's TLS is the mesh's usual client TLS to that service.
import { strict as assert } from "node:assert";
import { RegistryServiceView, extAuthzCluster, outboundClusterName, upstreamTls } from "../../../sdk/posture/rules";

const AUTHZ = "kyverno-authz-server.kyverno.svc.cluster.local";
const registry: RegistryServiceView[] = [
    { hostname: AUTHZ, namespace: "kyverno", ports: [9081, 9083] },
    { hostname: "shared.example.com", namespace: "a" },
    { hostname: "shared.example.com", namespace: "b" },
];

describe("posture rule: ext_authz provider cluster", () => {
    it("a bare hostname in one namespace: its outbound cluster", () => {
        const r = extAuthzCluster(AUTHZ, 9081, registry);
        assert.deepEqual(r, { found: true, hostname: AUTHZ, namespace: "kyverno", cluster: `outbound|9081||${AUTHZ}`, clusterExists: true });
        assert.equal(outboundClusterName(AUTHZ, 9081), `outbound|9081||${AUTHZ}`);
    });

    it("the outbound cluster's TLS is the mesh's: auto-mTLS to a sidecar endpoint, plain text to one without", () => {
        const r = extAuthzCluster(AUTHZ, 9081, registry);
        assert.equal(r.found, true);
        assert.equal(upstreamTls(undefined, true).mode, "ISTIO_MUTUAL");
        assert.equal(upstreamTls(undefined, false).mode, "PLAINTEXT");
    });

    it("namespace/hostname picks the namespace; a bare hostname in several namespaces is an error", () => {
        const r = extAuthzCluster("b/shared.example.com", 80, registry);
        assert.ok(r.found);
        assert.equal(r.namespace, "b");
        assert.equal(r.cluster, "outbound|80||shared.example.com");
        assert.equal(r.clusterExists, undefined, "ports not given");
        const many = extAuthzCluster("shared.example.com", 80, registry);
        assert.ok(!many.found);
        assert.match(many.error, /multiple namespaces \[a b\]/);
    });

    it("the port is not checked against the service: the named cluster may not exist", () => {
        const r = extAuthzCluster(AUTHZ, 9999, registry);
        assert.ok(r.found);
        assert.equal(r.cluster, `outbound|9999||${AUTHZ}`);
        assert.equal(r.clusterExists, false);
    });

    it("errors make the provider deny instead of calling: not found, wrong namespace, bad port, empty service", () => {
        const errors: Array<[string, number, RegExp]> = [
            ["missing.svc.cluster.local", 80, /could not find service missing.svc.cluster.local/],
            [`other/${AUTHZ}`, 9081, /could not find service/],
            [`x/y/${AUTHZ}`, 9081, /could not find service/],
            [AUTHZ, 0, /port must be in the range/],
            [AUTHZ, 65536, /port must be in the range/],
            ["", 9081, /service must not be empty/],
        ];
        assert.equal(errors.length, 6);
        for (const [service, port, error] of errors) {
            const r = extAuthzCluster(service, port, registry);
            assert.ok(!r.found, `${service}:${port}`);
            assert.match(r.error, error);
        }
        assert.equal(extAuthzCluster(AUTHZ, 9081, []).found, false);
    });
});
