// The rule "the API server accepts a custom resource only at a served version of its CRD", with the
// kyverno-authz v0.4.0 ValidatingPolicy CRD (tests/fixtures/kyverno/ValidatingPolicy.crd.yaml, a copy of
// kyverno/kyverno-authz v0.4.0 .crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml),
// and that what KyvernoAuthz emits with installPolicyCrd satisfies it (issue 15, item 12).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { KyvernoAuthzArgs, planKyvernoAuthz } from "../../../sdk/authz";
import { CrdServedVersions, crdAcceptsObject, crdServedVersions, KYVERNO_AUTHZ_POLICY_CRD_SERVED, kyvernoAuthzPolicyCrdServes } from "../../../sdk/posture/rules";

const crd = YAML.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/kyverno/ValidatingPolicy.crd.yaml"), "utf8")) as CrdServedVersions;
const API_VERSIONS = ["policies.kyverno.io/v1alpha1", "policies.kyverno.io/v1beta1", "policies.kyverno.io/v1"];

describe("posture rule: a CRD accepts objects only at served versions", () => {
    describe("the model", () => {
        it("kyverno-authz v0.4.0's ValidatingPolicy CRD serves v1alpha1 only", () => {
            assert.equal(crd.spec.group, "policies.kyverno.io");
            assert.deepEqual(crdServedVersions(crd), ["v1alpha1"]);
            assert.equal(crdAcceptsObject(crd, "policies.kyverno.io/v1alpha1", "ValidatingPolicy"), true);
            assert.equal(crdAcceptsObject(crd, "policies.kyverno.io/v1", "ValidatingPolicy"), false);
            assert.equal(crdAcceptsObject(crd, "policies.kyverno.io/v1beta1", "ValidatingPolicy"), false);
        });

        it("refuses another group or kind, a version without group, and a listed version that is not served", () => {
            assert.equal(crdAcceptsObject(crd, "json.kyverno.io/v1alpha1", "ValidatingPolicy"), false);
            assert.equal(crdAcceptsObject(crd, "policies.kyverno.io/v1alpha1", "MutatingPolicy"), false);
            assert.equal(crdAcceptsObject(crd, "v1alpha1", "ValidatingPolicy"), false);
            const partly: CrdServedVersions = {
                spec: { group: "g.io", names: { kind: "K" }, versions: [{ name: "v1", served: true }, { name: "v2", served: false }, { name: "v3", served: true }] },
            };
            assert.deepEqual(crdServedVersions(partly), ["v1", "v3"]);
            assert.equal(crdAcceptsObject(partly, "g.io/v2", "K"), false);
            assert.equal(crdAcceptsObject(partly, "g.io/v3", "K"), true);
        });

        it("the release table agrees with the v0.4.0 CRD, and later releases are unknown", () => {
            assert.deepEqual(KYVERNO_AUTHZ_POLICY_CRD_SERVED["v0.4.0"], crdServedVersions(crd));
            assert.equal(kyvernoAuthzPolicyCrdServes("v0.4.0", "policies.kyverno.io/v1alpha1"), true);
            assert.equal(kyvernoAuthzPolicyCrdServes("0.4.0", "policies.kyverno.io/v1"), false);
            assert.equal(kyvernoAuthzPolicyCrdServes("0.4.0-beta.7", "policies.kyverno.io/v1beta1"), false);
            assert.equal(kyvernoAuthzPolicyCrdServes("0.4.0", "json.kyverno.io/v1alpha1"), false);
            assert.equal(kyvernoAuthzPolicyCrdServes("0.5.0", "policies.kyverno.io/v1"), undefined);
        });
    });

    describe("KyvernoAuthz with installPolicyCrd emits only policies the installed CRD accepts", () => {
        const base: pulumi.Unwrap<KyvernoAuthzArgs> = { webhookCertManagerIssuer: { name: "x", kind: "Issuer" }, installPolicyCrd: true };
        const typed = { name: "typed", spec: { validations: [{ expression: "null" }] } };
        const yamlPolicy = (apiVersion: string) => ({ name: "doc", yaml: `apiVersion: ${apiVersion}\nkind: ValidatingPolicy\nspec:\n  validations:\n  - expression: 'null'\n` });

        /** The plan's policies, or the ResourceError's message. */
        function attempt(args: pulumi.Unwrap<KyvernoAuthzArgs>): { docs?: Record<string, unknown>[]; error?: string } {
            try {
                return { docs: planKyvernoAuthz("authz", args).policies.map((p) => p.document) };
            } catch (err) {
                assert.ok(err instanceof pulumi.ResourceError, String(err));
                return { error: err.message };
            }
        }

        // Fails on c86b4a9 (before the fix): policyApiVersion v1 and v1beta1 with installPolicyCrd were planned.
        it("every policyApiVersion for a typed spec: planned only when the v0.4.0 CRD serves it, else an error naming policyApiVersion", () => {
            const outcomes = API_VERSIONS.map((apiVersion) => ({ apiVersion, ...attempt({ ...base, policyApiVersion: apiVersion, policies: [typed] }) }));
            assert.deepEqual(
                outcomes.map((o) => [o.apiVersion, o.docs !== undefined]),
                API_VERSIONS.map((a) => [a, crdAcceptsObject(crd, a, "ValidatingPolicy")]),
            );
            for (const o of outcomes) {
                if (o.docs !== undefined) {
                    assert.equal(o.docs.length, 1);
                    assert.ok(crdAcceptsObject(crd, String(o.docs[0].apiVersion), String(o.docs[0].kind)), JSON.stringify(o.docs[0]));
                } else {
                    assert.match(o.error ?? "", new RegExp(`policyApiVersion: got "${o.apiVersion.replace(/[./]/g, "\\$&")}"; installPolicyCrd installs the ValidatingPolicy CRD of kyverno-authz v0\\.4\\.0, which serves only policies\\.kyverno\\.io/v1alpha1`));
                }
            }
        });

        it("every apiVersion of a yaml policy: planned only when the v0.4.0 CRD serves it, else an error naming the policy", () => {
            const outcomes = API_VERSIONS.map((apiVersion) => ({ apiVersion, ...attempt({ ...base, policies: [yamlPolicy(apiVersion)] }) }));
            assert.deepEqual(
                outcomes.map((o) => o.docs !== undefined),
                API_VERSIONS.map((a) => crdAcceptsObject(crd, a, "ValidatingPolicy")),
            );
            for (const o of outcomes) {
                if (o.docs !== undefined) {
                    assert.equal(o.docs.length, 1);
                    assert.ok(crdAcceptsObject(crd, String(o.docs[0].apiVersion), String(o.docs[0].kind)));
                } else {
                    assert.match(o.error ?? "", /policies\[0\]\.yaml apiVersion: got "policies\.kyverno\.io\/v1(beta1)?"; installPolicyCrd installs/);
                }
            }
        });

        it("without installPolicyCrd (Kyverno's CRD) or with a release not known to refuse, v1 stays accepted", () => {
            assert.deepEqual(attempt({ ...base, installPolicyCrd: false, policyApiVersion: "policies.kyverno.io/v1", policies: [typed] }).docs?.map((d) => d.apiVersion), ["policies.kyverno.io/v1"]);
            assert.deepEqual(attempt({ ...base, version: "0.5.0", policyApiVersion: "policies.kyverno.io/v1", policies: [typed] }).docs?.map((d) => d.apiVersion), ["policies.kyverno.io/v1"]);
            assert.equal(kyvernoAuthzPolicyCrdServes("0.5.0", "policies.kyverno.io/v1"), undefined, "the model does not know 0.5.0 either");
        });

        it("the default (no policyApiVersion) is what the installed CRD serves", () => {
            const { docs } = attempt({ ...base, policies: [typed] });
            assert.equal(docs?.length, 1);
            assert.ok(crdAcceptsObject(crd, String(docs[0].apiVersion), "ValidatingPolicy"));
        });
    });
});
