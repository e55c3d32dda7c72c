// KuadrantMtls in an ambient mesh: plan, refusals, registration order, objects against the CRDs.
// Upstream data: tests/fixtures/istio/PeerAuthentication.crd.yaml, tests/fixtures/kuadrant/Kuadrant.crd.yaml;
// the rule sdk/posture/rules/kuadrantAmbient.ts (kuadrant-operator v1.5.2: its clusters never use HBONE).
import { strict as assert } from "node:assert";
import { DataPlaneMode, KuadrantMtls, KuadrantMtlsArgs, KuadrantMtlsMode, planKuadrantMtls } from "../../sdk";
import { assertRejected, runProgram } from "../harness";
import { assertInvalid } from "../planErrors";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds } from "../schema";

loadIstioCrds();
loadCrd("kuadrant/Kuadrant.crd.yaml");

const TYPE = "meshtls:index:KuadrantMtls";
const AMBIENT = { dataPlaneMode: DataPlaneMode.Ambient, gateways: [{ name: "external", namespace: "gateway-system" }] } satisfies KuadrantMtlsArgs;

describe("kuadrant (ambient): KuadrantMtls", () => {
    it("plans spec.mtls off, Kuadrant's and the gateways' namespaces enrolled, and a STRICT policy per server", () => {
        const plan = planKuadrantMtls("kuadrant", { ...AMBIENT, gateways: [{ name: "external", namespace: "gateway-system" }, { name: "internal", namespace: "gateway-system" }, { name: "own", namespace: "kuadrant-system" }] });
        assert.ok(plan.ambient && plan.operator);
        assert.equal(plan.manual, undefined);
        assert.deepEqual(plan.ambient.enrollments.map((e) => [e.name, e.namespace, e.labels]), [
            ["kuadrant-kuadrant-system-ambient", "kuadrant-system", { "istio.io/dataplane-mode": "ambient" }],
            ["kuadrant-gateway-system-ambient", "gateway-system", { "istio.io/dataplane-mode": "ambient" }],
        ]);
        assert.deepEqual(
            plan.ambient.peerAuthentications.map((p) => [p.resourceName, p.name, p.mode, p.selector]),
            [
                ["kuadrant-authorino-peer-authentication", "authorino-mtls", "STRICT", { "authorino-resource": "authorino" }],
                ["kuadrant-limitador-peer-authentication", "limitador-mtls", "STRICT", { app: "limitador" }],
            ],
        );
        assert.deepEqual(planKuadrantMtls("kuadrant", { ...AMBIENT, enabled: false }).ambient?.peerAuthentications.map((p) => p.mode), ["PERMISSIVE", "PERMISSIVE"]);
        assert.deepEqual(planKuadrantMtls("kuadrant", { ...AMBIENT, limitador: false }).ambient?.peerAuthentications.map((p) => p.name), ["authorino-mtls"]);
    });

    it("registers the CR patch (spec.mtls off), then the enrollments, then the policies; every object valid", async () => {
        const result = await runProgram(() => new KuadrantMtls("kuadrant", AMBIENT));
        const patch = result.get("kubernetes:kuadrant.io/v1beta1:KuadrantPatch", "kuadrant-kuadrant-mtls");
        assert.deepEqual((patch.inputs.spec as { mtls: unknown }).mtls, { enable: false });
        const enrollments = result.resources.filter((r) => r.type === "meshtls:index:NamespaceEnrollment");
        assert.deepEqual(enrollments.map((e) => e.name), ["kuadrant-kuadrant-system-ambient", "kuadrant-gateway-system-ambient"]);
        const labels = result.resources.filter((r) => r.type === "kubernetes:core/v1:NamespacePatch");
        assert.equal(labels.length, 2);
        for (const l of labels) {
            assert.deepEqual((l.inputs.metadata as { labels: unknown }).labels, { "istio.io/dataplane-mode": "ambient" });
        }
        const policies = result.resources.filter((r) => r.type === "kubernetes:security.istio.io/v1:PeerAuthentication");
        assert.equal(policies.length, 2);
        // A dependency on a component reaches its children (the NamespacePatch that sets the label).
        for (const p of policies) {
            assert.ok(labels.every((l) => p.dependencies.includes(l.urn)), `${p.name} waits for the enrollments`);
        }
        for (const l of labels) {
            assert.ok(l.dependencies.includes(patch.urn), `${l.name} waits for spec.mtls off`);
        }
        assert.equal(assertValidObjects(result.k8sObjects(), [...ISTIO_GROUPS, "kuadrant.io"]), 3);
        // Nothing of the sidecar modes: no injection, no EnvoyFilter patch.
        assert.deepEqual(result.resources.filter((r) => /DeploymentPatch|EnvoyFilter/.test(r.type)).map((r) => r.name), []);
    });

    describe("refuses, naming the argument and the fix", () => {
        const cases: Array<[string, KuadrantMtlsArgs, RegExp]> = [
            ["Manual mode", { ...AMBIENT, mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0" }, /^mode: got "Manual"; Manual mode injects sidecars .* use mode: Operator/],
            ["a revision", { ...AMBIENT, revision: "blue" }, /^revision: got "blue"; ambient workloads carry no revision label/],
            ["no gateways while mTLS is on", { dataPlaneMode: DataPlaneMode.Ambient }, /^gateways: got nothing; in ambient, list the Gateways .* refused by the STRICT servers$/],
            ["an unknown data plane", { dataPlaneMode: "Mesh" as unknown as DataPlaneMode }, /^dataPlaneMode: got "Mesh"; expected one of "Sidecar", "Ambient"$/],
            ["a gateway where the CNI agent never redirects", { ...AMBIENT, gateways: [{ name: "gw", namespace: "kube-system" }] }, /^gateways\[0\]\.namespace: got "kube-system"; the Istio CNI agent never redirects pods in kube-system/],
            ["Kuadrant itself where the CNI agent never redirects", { ...AMBIENT, namespace: "kube-system" }, /^namespace: got "kube-system"; the Istio CNI agent never redirects pods in kube-system/],
        ];
        assert.equal(cases.length, 6);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assertInvalid(() => planKuadrantMtls("kuadrant", args as never), TYPE, "kuadrant", [expected]);
            });
        }

        it("registers nothing when refused", async () => {
            await assertRejected(() => new KuadrantMtls("kuadrant", { ...AMBIENT, revision: "blue" }), TYPE, "kuadrant", /revision: got "blue"/);
        });

        it("turning mTLS off in ambient needs no gateways", () => {
            assert.equal(planKuadrantMtls("kuadrant", { dataPlaneMode: DataPlaneMode.Ambient, enabled: false }).ambient?.enrollments.length, 1);
        });
    });
});
