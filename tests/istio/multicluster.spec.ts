// IstioMesh's multi-cluster settings (trustDomainAliases, clusterName, network) as plain functions.
// Upstream data: tests/fixtures/istio/{istiod,ztunnel,gateway,cni}.values.yaml (each chart's values.yaml
// at istio 1.30.3); which templates read the keys is cited in sdk/istio/istioMeshManifests.ts.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import {
    DataPlaneMode,
    IssuerMaterial,
    IstioInstallSettings,
    IstioMeshArgs,
    computeIstiodValues,
    computeZtunnelValues,
    istioInstallSettings,
    istioMeshManifests,
    istioPostureInput,
    planIstioMesh,
} from "../../sdk";
import { istiodSetValues, ztunnelSetValues } from "../../sdk/istio/istioMeshPlan";
import { unknownValuesKeys } from "../schema";
import { assertInvalid } from "../planErrors";

const TYPE = "meshtls:index:IstioMesh";
const CA: pulumi.Unwrap<IssuerMaterial> = { certPem: "cert", privateKeyPem: "key", caChainPem: "chain", intermediatesPem: "", rootCertPem: "root", trustBundlePem: "bundle" };
const FLEET = { trustDomainAliases: ["cluster-b.example.com", "cluster-c.example.com"], clusterName: "cluster-a", network: "network-a" };
const invalid = (args: pulumi.Unwrap<IstioMeshArgs>, expected: RegExp[]): void => {
    assertInvalid(() => planIstioMesh("mesh", args), TYPE, "mesh", expected);
};
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Leaf paths and values of a values tree; lists are leaves (they replace, never merge). */
function leaves(values: Record<string, unknown>, at = ""): Array<[string, string]> {
    return Object.entries(values).flatMap(([k, v]): Array<[string, string]> => {
        const p = at ? `${at}.${k}` : k;
        return v !== null && typeof v === "object" && !Array.isArray(v) ? leaves(v as Record<string, unknown>, p) : [[p, JSON.stringify(v)]];
    });
}

describe("istio (pure): IstioMesh multi-cluster settings", () => {
    it("leaves every chart's values, the namespaces and the posture objects unchanged when unset (and with no aliases)", () => {
        const shapes: Array<pulumi.Unwrap<IstioMeshArgs>> = [{}, { dataPlaneMode: DataPlaneMode.Ambient, gateway: {} }, { pluginCa: CA, cni: true, gateway: {}, meshId: "m" }];
        assert.equal(shapes.length, 3);
        for (const args of shapes) {
            const before = istioMeshManifests(planIstioMesh("mesh", args));
            assert.deepEqual(istioMeshManifests(planIstioMesh("mesh", { ...args, trustDomainAliases: [] })), before);
            const plan = planIstioMesh("mesh", args);
            assert.deepEqual([plan.trustDomainAliases, plan.clusterName, plan.network], [undefined, undefined, undefined]);
            const istiod = before.istiod.install.values;
            assert.equal((istiod.meshConfig as Record<string, unknown>).trustDomainAliases, undefined);
            assert.equal(istiod.global === undefined || !("multiCluster" in (istiod.global as object) || "network" in (istiod.global as object)), true);
            assert.deepEqual(before.namespace?.args, { metadata: { name: "istio-system" } });
            if (before.ztunnel) {
                assert.deepEqual(before.ztunnel.install.values, { resourceName: "ztunnel" });
            }
        }
    });

    it("sets istiod's meshConfig.trustDomainAliases, global.multiCluster.clusterName and global.network, keys of the 1.30.3 chart", () => {
        const plan = planIstioMesh("mesh", { ...FLEET, trustDomain: "cluster-a.example.com", meshId: "fleet" });
        assert.deepEqual([plan.trustDomainAliases, plan.clusterName, plan.network], [FLEET.trustDomainAliases, "cluster-a", "network-a"]);
        const values = computeIstiodValues(plan);
        assert.deepEqual((values.meshConfig as Record<string, unknown>).trustDomainAliases, FLEET.trustDomainAliases);
        assert.equal((values.meshConfig as Record<string, unknown>).trustDomain, "cluster-a.example.com");
        assert.deepEqual(values.global, { meshID: "fleet", multiCluster: { clusterName: "cluster-a" }, network: "network-a" });
        // meshConfig is a proto the values file does not spell out; the global keys are in it.
        assert.deepEqual(unknownValuesKeys(values, "istio/istiod.values.yaml", ["meshConfig", "base.validationFailurePolicy"]), []);
        // The check can fail: a misspelt key is reported.
        assert.deepEqual(unknownValuesKeys({ global: { multicluster: { clusterName: "x" } } }, "istio/istiod.values.yaml"), ["global.multicluster"]);
    });

    it("sidecar mode: the gateway and cni charts get nothing (gateways are injected from istiod's values); the created namespace carries the network label", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { ...FLEET, cni: true, gateway: {} }));
        assert.ok(m.gateway && m.cni);
        assert.deepEqual(m.gateway.install.values, {});
        assert.deepEqual(m.cni.install.values, {});
        assert.equal(m.ztunnel, undefined);
        assert.deepEqual(m.namespace?.args, { metadata: { name: "istio-system", labels: { "topology.istio.io/network": "network-a" } } });
        // The gateway's own namespace is not istiod's: no label.
        assert.deepEqual(m.gatewayNamespace?.args, { metadata: { name: "istio-ingress" } });
        const ns = istioPostureInput(planIstioMesh("mesh", FLEET)).objects.filter((o) => o.kind === "Namespace");
        assert.equal(ns.length, 1);
        assert.deepEqual(ns[0].metadata, { name: "istio-system", labels: { "topology.istio.io/network": "network-a" } });
        // createNamespace: false registers no namespace to label (documented: the user labels it).
        assert.equal(istioMeshManifests(planIstioMesh("mesh", { ...FLEET, createNamespace: false })).namespace, undefined);
    });

    it("ambient: ztunnel gets network and multiCluster.clusterName, keys of the 1.30.3 ztunnel chart", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { ...FLEET, dataPlaneMode: DataPlaneMode.Ambient }));
        assert.ok(m.ztunnel && m.cni);
        assert.deepEqual(m.ztunnel.install.values, { resourceName: "ztunnel", multiCluster: { clusterName: "cluster-a" }, network: "network-a" });
        assert.deepEqual(unknownValuesKeys(m.ztunnel.install.values, "istio/ztunnel.values.yaml"), []);
        assert.deepEqual(m.cni.install.values, { profile: "ambient" });
        // Only one of the two: only that key.
        const only = istioMeshManifests(planIstioMesh("mesh", { network: "n1", dataPlaneMode: DataPlaneMode.Ambient }));
        assert.deepEqual(only.ztunnel?.install.values, { resourceName: "ztunnel", network: "n1" });
        assert.deepEqual(only.istiod.install.values.global, { network: "n1" });
    });

    it("declares exactly the istiod and ztunnel values it sets, so the escape hatch is checked against them", () => {
        const plans = [planIstioMesh("m", FLEET), planIstioMesh("m", { ...FLEET, dataPlaneMode: DataPlaneMode.Ambient, namespace: "cp", revision: "blue" })];
        assert.equal(plans.length, 2);
        for (const plan of plans) {
            const declared = (set: Array<{ path: string; value: unknown }>) => set.map((s): [string, string] => [s.path, JSON.stringify(s.value)]).sort();
            assert.deepEqual(declared(istiodSetValues(plan)), leaves(computeIstiodValues(plan)).sort());
            if (plan.ztunnelName !== undefined) {
                assert.deepEqual(declared(ztunnelSetValues(plan)), leaves(computeZtunnelValues(plan)).sort());
            }
        }
    });

    it("refuses escape-hatch values that contradict the settings, and leaves the keys free when the settings are unset", () => {
        invalid({ ...FLEET, values: { istiod: "global:\n  network: other\n  multiCluster:\n    clusterName: b\nmeshConfig:\n  trustDomainAliases: [x.example]\n" } }, [
            /^values\.istiod: got "meshConfig\.trustDomainAliases: \[\\"x\.example\\"\]"; meshtls sets meshConfig\.trustDomainAliases to .*list every alias there instead$/,
            /^values\.istiod: got "global\.multiCluster\.clusterName: \\"b\\""; .*set clusterName instead/,
            /^values\.istiod: got "global\.network: \\"other\\""; .*set network instead/,
        ]);
        invalid({ ...FLEET, dataPlaneMode: DataPlaneMode.Ambient, values: { ztunnel: "network: other\nmultiCluster:\n  clusterName: b\n" } }, [
            /^values\.ztunnel: got "multiCluster\.clusterName: \\"b\\""; .*set clusterName instead/,
            /^values\.ztunnel: got "network: \\"other\\""; .*set network instead/,
        ]);
        // The same values are accepted; with the settings unset the keys stay the user's, as before.
        const same = planIstioMesh("mesh", { ...FLEET, values: { istiod: "global:\n  network: network-a\n" } });
        assert.equal(same.network, "network-a");
        const free = istioMeshManifests(planIstioMesh("mesh", { values: { istiod: "global:\n  network: n9\nmeshConfig:\n  trustDomainAliases: [x.example]\n" } }));
        assert.equal((free.istiod.install.values.global as Record<string, unknown>).network, "n9");
        assert.deepEqual((free.istiod.install.values.meshConfig as Record<string, unknown>).trustDomainAliases, ["x.example"]);
    });

    describe("refuses bad settings, naming the argument, the value and what is accepted", () => {
        const TD = "expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters";
        const LABEL = "expected a non-empty label value: at most 63 characters (letters, digits, '-', '_', '.'), starting and ending with a letter or digit (remove it for the charts' default)";
        const cases: Array<[string, pulumi.Unwrap<IstioMeshArgs>, string[]]> = [
            ["an alias that is not a DNS name", { trustDomainAliases: ["Cluster_B"] }, [`trustDomainAliases[0]: got "Cluster_B"; ${TD}`]],
            ["an empty alias", { trustDomainAliases: ["b.example", ""] }, [`trustDomainAliases[1]: got ""; ${TD}`]],
            ["an alias with a trailing dot", { trustDomainAliases: ["b.example."] }, [`trustDomainAliases[0]: got "b.example."; ${TD}`]],
            ["the default trust domain as an alias", { trustDomainAliases: ["cluster.local"] }, ['trustDomainAliases[0]: got "cluster.local"; it is the trust domain itself (trustDomain: cluster.local); list only the other clusters\' trust domains']],
            ["the trust domain as an alias", { trustDomain: "a.example", trustDomainAliases: ["b.example", "a.example"] }, ['trustDomainAliases[1]: got "a.example"; it is the trust domain itself (trustDomain: a.example); list only the other clusters\' trust domains']],
            ["a duplicate alias", { trustDomainAliases: ["b.example", "c.example", "b.example"] }, ['trustDomainAliases[2]: got "b.example"; it repeats trustDomainAliases[0]; each entry must be unique']],
            ["an alias that is no string", { trustDomainAliases: [7 as unknown as string] }, ["trustDomainAliases[0]: got 7; expected a trust domain: a DNS-1123 name"]],
            ["aliases that are not a list", { trustDomainAliases: "b.example" as unknown as string[] }, ['trustDomainAliases: got "b.example"; expected a list of trust domains, e.g. ["cluster-b.example.com"]']],
            ["an empty cluster name", { clusterName: "" }, [`clusterName: got ""; ${LABEL}`]],
            ["a cluster name with a space", { clusterName: "cluster a" }, [`clusterName: got "cluster a"; ${LABEL}`]],
            ["a cluster name over 63 characters", { clusterName: "c".repeat(64) }, [`clusterName: got "${"c".repeat(64)}"; ${LABEL}`]],
            ["a network with a slash", { network: "net/1" }, [`network: got "net/1"; ${LABEL}`]],
            ["an empty network", { network: "" }, [`network: got ""; ${LABEL}`]],
            ["a network ending in '-'", { network: "net-" }, [`network: got "net-"; ${LABEL}`]],
        ];
        assert.equal(cases.length, 14);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                invalid(args, expected.map((e) => new RegExp(`^${escape(e)}$`)));
            });
        }
        it("accepts the forms the rules allow", () => {
            const plan = planIstioMesh("mesh", { trustDomainAliases: ["b.example", "c-1"], clusterName: "Cluster_A.1", network: "Net-1" });
            assert.deepEqual([plan.trustDomainAliases, plan.clusterName, plan.network], [["b.example", "c-1"], "Cluster_A.1", "Net-1"]);
        });
    });

    it("istioInstallSettings passes the three settings through (MtlsPlatform's istio section)", () => {
        const settings: pulumi.Unwrap<IstioInstallSettings> = { ...FLEET, trustDomain: "a.example" };
        const passed = istioInstallSettings(settings);
        assert.deepEqual([passed.trustDomainAliases, passed.clusterName, passed.network, passed.trustDomain], [FLEET.trustDomainAliases, "cluster-a", "network-a", "a.example"]);
        const none: Array<[string, unknown]> = Object.entries(istioInstallSettings({}));
        assert.deepEqual(none.filter(([, v]) => v !== undefined), []);
    });
});
