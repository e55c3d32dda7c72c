// convertLegacyIstioPolicy's port translation (issue 15, item 9): v1alpha1 target ports are Service ports,
// PeerAuthentication portLevelMtls keys are workload ports; pure, no mock runtime.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { MtlsMode, ServicePortSpec, convertLegacyIstioPolicy, mtlsPolicyObjects, planMtlsPolicy } from "../../sdk";
import { K8sObject } from "../harness";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds } from "../schema";

loadIstioCrds();

const SEED = fs.readFileSync(path.join(__dirname, "../fixtures/seeds/002-legacy-policies.yaml"), "utf8");

const CART: ServicePortSpec[] = [
    { name: "http", port: 80, targetPort: 8080 },
    { name: "metrics", port: 9090 },
    { name: "grpc", port: 7070, targetPort: "grpc-port" },
];

function cartPolicy(ports: string): string {
    return `
apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata: { name: cart, namespace: shop }
spec:
  targets: [{ name: cart, ports: ${ports} }]
  peers: [{ mtls: {} }]
`;
}

describe("istio (pure): convertLegacyIstioPolicy port translation", () => {
    it("the seed's documents (no target ports) convert the same with and without a mapping", () => {
        const without = convertLegacyIstioPolicy(SEED);
        const withMapping = convertLegacyIstioPolicy(SEED, { servicePorts: { "namespace-name/service-name": [{ port: 80, targetPort: 8080 }] } });
        assert.equal(without.policies.length, 3);
        assert.deepEqual(withMapping, without);
        assert.deepEqual(
            without.policies.flatMap((p) => p.args.portLevelMtls ?? []),
            [],
        );
    });

    it("the seed's service Policy with a Service port: converted through the mapping, refused without it", () => {
        const seedWithPort = SEED.replace("  - name: service-name\n", "  - name: service-name\n    ports:\n    - number: 80\n");
        assert.notEqual(seedWithPort, SEED);

        const mapped = convertLegacyIstioPolicy(seedWithPort, { servicePorts: { "namespace-name/service-name": [{ name: "http", port: 80, targetPort: 8080 }] } });
        const service = mapped.policies.find((p) => p.source === "Policy namespace-name/default");
        assert.ok(service);
        assert.deepEqual(service.args, {
            namespace: "namespace-name",
            name: "service-name",
            selector: { app: "service-name" },
            mode: MtlsMode.UNSET,
            portLevelMtls: [{ port: 8080, mode: MtlsMode.STRICT }],
            destinationRule: { hosts: ["service-name.namespace-name.svc.cluster.local"] },
        });
        assert.ok(mapped.notes.some((n) => n === `Policy namespace-name/default: target "service-name" Service port 80 became workload port 8080 (the Service's targetPort).`), mapped.notes.join("\n"));

        const refused = convertLegacyIstioPolicy(seedWithPort);
        assert.deepEqual(
            refused.policies.map((p) => p.source),
            ["MeshPolicy default", "Policy default/default"],
        );
        assert.ok(
            refused.notes.includes(
                `Policy namespace-name/default: target "service-name" Service port 80 not converted: v1alpha1 target ports are Service ports, PeerAuthentication portLevelMtls keys are workload (target) ports, ` +
                    `and options.servicePorts has no "namespace-name/service-name" or "service-name" entry to map it.`,
            ),
            refused.notes.join("\n"),
        );
        assert.ok(refused.notes.some((n) => /target "service-name" listed only Service ports .* no policy was emitted for it; pass options\.servicePorts\["namespace-name\/service-name"\]/.test(n)));
        assert.ok(refused.notes.some((n) => /DestinationRule namespace-name\/default: no policy in namespace-name to attach it to/.test(n)));
    });

    it("every Service port that cannot be mapped is named in the notes; the mappable ones are kept, deduplicated", () => {
        const { policies, notes } = convertLegacyIstioPolicy(cartPolicy("[{ number: 80 }, { name: http }, { name: metrics }, { number: 7070 }, { number: 443 }]"), { servicePorts: { cart: CART } });
        assert.equal(policies.length, 1);
        assert.deepEqual(policies[0].args.portLevelMtls, [
            { port: 8080, mode: MtlsMode.STRICT },
            { port: 9090, mode: MtlsMode.STRICT },
        ]);
        for (const pattern of [
            /target "cart" Service port 7070 not converted: its targetPort is the named container port "grpc-port", whose number is in the pod spec/,
            /target "cart" Service port 443 not converted: options\.servicePorts for "cart" has no such port \(got ports \["http","metrics","grpc"\]\)/,
            /target "cart" Service port "metrics" became workload port 9090/,
        ]) {
            assert.ok(notes.some((n) => pattern.test(n)), `${String(pattern)} in\n${notes.join("\n")}`);
        }
    });

    it("the namespaced key wins over the bare service name", () => {
        const { policies } = convertLegacyIstioPolicy(cartPolicy("[{ number: 80 }]"), { servicePorts: { cart: [{ port: 80, targetPort: 1111 }], "shop/cart": [{ port: 80, targetPort: 2222 }] } });
        assert.equal(policies.length, 1);
        assert.deepEqual(policies[0].args.portLevelMtls, [{ port: 2222, mode: MtlsMode.STRICT }]);
    });

    it("a converted port-level PeerAuthentication validates against the CRD", () => {
        const { policies } = convertLegacyIstioPolicy(cartPolicy("[{ number: 80 }, { number: 9090 }]"), { servicePorts: { "shop/cart": CART } });
        assert.equal(policies.length, 1);
        const objects = mtlsPolicyObjects(planMtlsPolicy(policies[0].name, policies[0].args)).map((o) => o.object as unknown as K8sObject);
        assert.equal(assertValidObjects(objects, ISTIO_GROUPS), 1);
        const pa = objects.find((o) => o.kind === "PeerAuthentication");
        assert.ok(pa);
        assert.deepEqual(pa.spec, { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "UNSET" }, portLevelMtls: { "8080": { mode: "STRICT" }, "9090": { mode: "STRICT" } } });
    });
});
