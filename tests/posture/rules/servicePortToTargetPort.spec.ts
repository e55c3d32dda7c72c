// The rule "which workload port a Service port reaches" (kubernetes/api core/v1/types.go
// ServicePort.TargetPort), and that convertLegacyIstioPolicy now keys portLevelMtls by that workload port:
// v1alpha1 target ports are Service ports (istio/api 1.5.10 authentication/v1alpha1/policy.proto),
// portLevelMtls keys workload ports (istio/api 1.30.3 security/v1beta1/peer_authentication.proto)
// (issue 15, item 9).
import { strict as assert } from "node:assert";
import { convertLegacyIstioPolicy } from "../../../sdk";
import { ServicePortSpec, servicePortToTargetPort } from "../../../sdk/posture/rules";

const CART_SERVICE: ServicePortSpec[] = [
    { name: "http", port: 80, targetPort: 8080 },
    { name: "metrics", port: 9090 },
    { name: "grpc", port: 7070, targetPort: "grpc-port" },
];

const CART_POLICY = `
apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata: { name: cart, namespace: shop }
spec:
  targets: [{ name: cart, ports: [{ number: 80 }, { number: 9090 }] }]
  peers: [{ mtls: {} }]
`;

describe("posture rule: Service port -> workload (target) port", () => {
    describe("the model", () => {
        it("a numeric targetPort is the workload port; an unset one is the Service port itself (identity map)", () => {
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, 80), { kind: "number", port: 8080 });
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, 9090), { kind: "number", port: 9090 });
        });

        it("a Service port is matched by number or by name (a v1alpha1 PortSelector may give either)", () => {
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, "http"), { kind: "number", port: 8080 });
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, "metrics"), { kind: "number", port: 9090 });
        });

        it("a named targetPort is unknown without the pod spec; a port the Service lacks is absent", () => {
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, 7070), { kind: "named", name: "grpc-port" });
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, 8080), { kind: "absent" }, "8080 is a targetPort, not a Service port");
            assert.deepEqual(servicePortToTargetPort(CART_SERVICE, "admin"), { kind: "absent" });
            assert.deepEqual(servicePortToTargetPort([], 80), { kind: "absent" });
        });
    });

    describe("convertLegacyIstioPolicy keys portLevelMtls by workload port", () => {
        it("with the Service's ports: every portLevelMtls key is the workload port the model gives for a listed Service port", () => {
            const { policies } = convertLegacyIstioPolicy(CART_POLICY, { servicePorts: { "shop/cart": CART_SERVICE } });
            assert.equal(policies.length, 1);
            const keys = (policies[0].args.portLevelMtls ?? []).map((p) => p.port);
            const expected = [80, 9090].map((p) => servicePortToTargetPort(CART_SERVICE, p)).map((r) => (r.kind === "number" ? r.port : NaN));
            assert.deepEqual(expected, [8080, 9090]);
            // Fails on the starting commit (141a862): the Service ports themselves, [80, 9090], were emitted.
            assert.deepEqual(keys, expected);
        });

        it("without them: no Service port is emitted as a workload port", () => {
            const { policies, notes } = convertLegacyIstioPolicy(CART_POLICY);
            // Fails on the starting commit (141a862): it emitted portLevelMtls {80, 9090}, 80 reaching no workload port.
            assert.deepEqual(
                policies.flatMap((p) => p.args.portLevelMtls ?? []),
                [],
            );
            assert.equal(policies.length, 0, "no policy: a workload-wide one would widen the port-scoped original");
            assert.ok(notes.some((n) => /Service port 80 not converted/.test(n)), notes.join("\n"));
        });
    });
});
