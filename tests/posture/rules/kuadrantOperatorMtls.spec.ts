// The rule "from Kuadrant 1.3 on, the operator owns the sidecar label and the clusters' TLS and
// reconciles them from spec.mtls" (Kuadrant/kuadrant-operator v1.5.2
// internal/controller/authorino_istio_integration_reconciler.go, limitador_istio_integration_reconciler.go,
// istio_auth_cluster_reconciler.go, istio_ratelimit_cluster_reconciler.go, api/v1beta1/kuadrant_types.go),
// and that KuadrantMtls plans Manual mode only where that operator would not undo it (issue 15, item 6).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { KuadrantMtlsArgs, KuadrantMtlsMode, planKuadrantMtls } from "../../../sdk/kuadrant";
import { DEFAULT_KUADRANT_VERSION } from "../../../sdk/kuadrant/defaults";
import {
    KUADRANT_OPERATOR_MTLS_SINCE,
    kuadrantMtlsEnabledFor,
    kuadrantOperatorClusterTls,
    kuadrantOperatorOwnsMtls,
    kuadrantOperatorSidecarLabel,
} from "../../../sdk/posture/rules";

/** Tags of Kuadrant/kuadrant-operator read (git ls-tree / grep at each): whether the reconcilers exist. */
const TAGS_READ: Array<[string, boolean]> = [
    ["v1.2.0", false],
    ["v1.3.0-alpha1", true],
    ["v1.3.0", true],
    ["v1.4.6", true],
    ["v1.5.2", true],
];

describe("posture rule: the Kuadrant operator owns mTLS from 1.3", () => {
    describe("the model", () => {
        it("owns mTLS from 1.3.0 (its pre-releases included), not before", () => {
            assert.equal(KUADRANT_OPERATOR_MTLS_SINCE, "1.3.0");
            assert.equal(TAGS_READ.length, 5);
            for (const [tag, owns] of TAGS_READ) {
                assert.equal(kuadrantOperatorOwnsMtls(tag), owns, tag);
            }
            assert.deepEqual(
                ["0.11.0", "1.0.1", "1.2.9", "1.2.0-rc3", "1.3.0", "1.3.1", "1.10.0", "2.0.0"].map(kuadrantOperatorOwnsMtls),
                [false, false, false, false, true, true, true, true],
            );
        });

        it("IsMTLS<Component>Enabled: off without spec.mtls; the component follows enable unless set", () => {
            assert.equal(kuadrantMtlsEnabledFor(undefined, "authorino"), false);
            assert.equal(kuadrantMtlsEnabledFor({ enable: false, authorino: true }, "authorino"), false);
            assert.equal(kuadrantMtlsEnabledFor({ enable: true }, "limitador"), true);
            assert.equal(kuadrantMtlsEnabledFor({ enable: true, limitador: false }, "limitador"), false);
            assert.equal(kuadrantMtlsEnabledFor({ enable: true, limitador: false }, "authorino"), true);
        });

        it("from 1.3 writes sidecar.istio.io/inject \"false\" unless spec.mtls is on and a policy is in effect; before, leaves it", () => {
            assert.equal(kuadrantOperatorSidecarLabel("1.5.2", undefined, "authorino", 1), "false");
            assert.equal(kuadrantOperatorSidecarLabel("1.5.2", { enable: false }, "limitador", 3), "false");
            assert.equal(kuadrantOperatorSidecarLabel("1.5.2", { enable: true }, "authorino", 0), "false");
            assert.equal(kuadrantOperatorSidecarLabel("1.5.2", { enable: true }, "authorino", 1), "true");
            assert.equal(kuadrantOperatorSidecarLabel("1.3.0", { enable: true, authorino: false }, "authorino", 1), "false");
            assert.equal(kuadrantOperatorSidecarLabel("1.2.0", undefined, "authorino", 1), undefined);
        });

        it("writes the clusters' TLS only from 1.3 with spec.mtls on for the component", () => {
            assert.equal(kuadrantOperatorClusterTls("1.5.2", { enable: true }, "authorino"), true);
            assert.equal(kuadrantOperatorClusterTls("1.5.2", undefined, "authorino"), false);
            assert.equal(kuadrantOperatorClusterTls("1.5.2", { enable: true, limitador: false }, "limitador"), false);
            assert.equal(kuadrantOperatorClusterTls("1.2.0", { enable: true }, "authorino"), false);
        });
    });

    describe("KuadrantMtls satisfies it", () => {
        const manual = (kuadrantVersion?: string): pulumi.Unwrap<KuadrantMtlsArgs> => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion, gateways: [{ name: "external", namespace: "gateway-system" }] });
        const accepts = (args: pulumi.Unwrap<KuadrantMtlsArgs>): boolean => {
            try {
                planKuadrantMtls("k", args);
                return true;
            } catch {
                return false;
            }
        };
        const plans = (args: pulumi.Unwrap<KuadrantMtlsArgs>): boolean => {
            try {
                return planKuadrantMtls("k", args).manual !== undefined;
            } catch {
                return false;
            }
        };

        it("defaults to the pinned operator, which owns mTLS, so Manual mode is refused by default (fails on 141a862: it was planned)", () => {
            assert.equal(DEFAULT_KUADRANT_VERSION, "1.5.2");
            assert.equal(kuadrantOperatorOwnsMtls(DEFAULT_KUADRANT_VERSION), true);
            assert.equal(plans(manual()), false);
            assert.throws(() => planKuadrantMtls("k", manual()), /use mode: Operator/);
        });

        it("plans Manual mode exactly for the versions whose operator leaves the label and TLS alone", () => {
            const versions = [...TAGS_READ.map(([t]) => t), "1.0.0", "1.2.9", "1.3.1", "2.0.0"];
            assert.equal(versions.length, 9);
            for (const version of versions) {
                assert.equal(plans(manual(version)), !kuadrantOperatorOwnsMtls(version), version);
            }
        });

        it("in Manual mode the labels and TLS it writes are what the model says that operator leaves in place", () => {
            // Before 1.3 the operator writes no sidecar label, so meshtls's inject: true stays.
            const plan = planKuadrantMtls("k", manual("1.2.0"));
            assert.ok(plan.manual);
            assert.equal(plan.manual.servers.length, 2);
            for (const s of plan.manual.servers) {
                assert.equal(kuadrantOperatorSidecarLabel(plan.kuadrantVersion, undefined, s.component, 1), undefined, s.component);
            }
            assert.equal(plan.manual.inject, true);
        });

        it("Operator mode only where the operator reads spec.mtls (1.3 and later), the complement of Manual mode", () => {
            const versions = ["1.2.0", "1.3.0-alpha1", "1.5.2"];
            assert.equal(versions.length, 3);
            for (const version of versions) {
                const operator = accepts({ kuadrantVersion: version });
                assert.equal(operator, kuadrantOperatorOwnsMtls(version), version);
                assert.notEqual(operator, plans(manual(version)), version);
            }
            assert.throws(() => planKuadrantMtls("k", { kuadrantVersion: "1.2.0" }), /mode: got "Operator"; Operator mode needs Kuadrant 1\.3 or later \(spec\.mtls of the Kuadrant CR\), and kuadrantVersion is "1\.2\.0"; use mode: Manual for older Kuadrant/);
        });
    });
});
