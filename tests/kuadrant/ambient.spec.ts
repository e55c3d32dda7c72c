// KuadrantMtls in an ambient mesh: plan, refusals, registration order, objects against the CRDs.
// Upstream data: tests/fixtures/istio/PeerAuthentication.crd.yaml, tests/fixtures/kuadrant/Kuadrant.crd.yaml;
// the rule sdk/posture/rules/kuadrantAmbient.ts (kuadrant-operator v1.5.2: its clusters never use HBONE).
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { DataPlaneMode, KuadrantMtls, KuadrantMtlsArgs, KuadrantMtlsMode, kuadrantPostureInput, planKuadrantMtls } from "../../sdk";
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
        // Kuadrant's own, then each other gateway namespace once (a gateway in Kuadrant's namespace adds none).
        assert.deepEqual(plan.ambient.enrollments.map((e) => [e.name, e.namespace, e.labels]), [
            ["kuadrant-kuadrant-system-ambient", "kuadrant-system", { "istio.io/dataplane-mode": "ambient" }],
            ["kuadrant-gateway-system-ambient", "gateway-system", { "istio.io/dataplane-mode": "ambient" }],
        ]);
        // The posture sees each namespace once, whichever enrollment labels it first.
        assert.deepEqual(kuadrantPostureInput(plan).namespaces.map((n) => n.name), ["kuadrant-system", "gateway-system"]);
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
        // Named after the namespaces, as always for a known namespace (names are a public contract).
        assert.deepEqual(enrollments.map((e) => e.name).sort(), ["kuadrant-gateway-system-ambient", "kuadrant-kuadrant-system-ambient"]);
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
            [
                "both, under Kuadrant's own paths (NamespaceEnrollment's rule, reported once each)",
                { ...AMBIENT, namespace: "kube-system", gateways: [{ name: "a", namespace: "kube-system" }, { name: "b", namespace: "kube-system" }] },
                /^namespace: got "kube-system"; the Istio CNI agent never redirects pods in kube-system/,
            ],
            ["a gateway namespace that is no DNS label", { ...AMBIENT, gateways: [{ name: "gw", namespace: "Gateway_System" }] }, /^gateways\[0\]\.namespace: got "Gateway_System"; /],
        ];
        assert.equal(cases.length, 8);
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
    describe("namespace as an Output (names and counts from plain fields only)", () => {
        const enrollmentNames = async (namespace: pulumi.Input<string>, gatewayNamespace: string, labelled: string[]): Promise<string[]> => {
            const result = await runProgram(() => new KuadrantMtls("kuadrant", { dataPlaneMode: DataPlaneMode.Ambient, namespace, gateways: [{ name: "own", namespace: gatewayNamespace }] }));
            const patches = result.resources.filter((r) => r.type === "kubernetes:core/v1:NamespacePatch");
            assert.equal(patches.length, labelled.length);
            // Every patch labels a real namespace (the stand-in never reaches an input).
            assert.deepEqual(patches.map((p) => (p.inputs.metadata as { name: string }).name).sort(), labelled);
            return result.resources
                .filter((r) => r.type === "meshtls:index:NamespaceEnrollment")
                .map((r) => r.name)
                .sort();
        };

        it("a gateway in Kuadrant's namespace: an Output cannot be compared, so both enroll it (the same label twice); known, once, by its old name", async () => {
            assert.deepEqual(await enrollmentNames(pulumi.output("kuadrant-system"), "kuadrant-system", ["kuadrant-system", "kuadrant-system"]), ["kuadrant-ambient", "kuadrant-kuadrant-system-ambient"]);
            assert.deepEqual(await enrollmentNames("kuadrant-system", "kuadrant-system", ["kuadrant-system"]), ["kuadrant-kuadrant-system-ambient"]);
        });

        it("a gateway elsewhere: Kuadrant's enrollment named by role, no stand-in in any name", async () => {
            const names = await enrollmentNames(pulumi.output("kuadrant-system"), "gateway-system", ["gateway-system", "kuadrant-system"]);
            assert.deepEqual(names, ["kuadrant-ambient", "kuadrant-gateway-system-ambient"]);
            assert.ok(names.every((n) => !n.includes("unknown")), names.join(", "));
            // Known, the name it always had.
            assert.deepEqual(await enrollmentNames("kuadrant-system", "gateway-system", ["gateway-system", "kuadrant-system"]), ["kuadrant-gateway-system-ambient", "kuadrant-kuadrant-system-ambient"]);
        });
    });
});
