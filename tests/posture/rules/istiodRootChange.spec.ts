// istiod's rule for a changed plug-in CA root (istio/istio 1.30.3 pilot/pkg/bootstrap/istio_ca.go,
// handleEvent + pemBundleHasSubsetRelation), and that the root bundles meshtls emits over a root's
// lifetime and a rotation are ones istiod takes without a restart (issue 15, item 14).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { CertificateAuthorityArgs, RotationPhase } from "../../../sdk";
import { planCertificateAuthority, ROOT_DEFAULTS, rootRenewalWarning } from "../../../sdk/pki";
import { DEFAULT_MULTI_ROOT_TRUST } from "../../../sdk/istio/defaults";
import { istiodAcceptsRootChange, IstiodRootChangeReason } from "../../../sdk/posture/rules";

describe("posture rule: istiod's root-cert.pem change (istio 1.30.3 istio_ca.go)", () => {
    describe("the model", () => {
        const cases: Array<[string, string[], string[], boolean, boolean, IstiodRootChangeReason]> = [
            ["unchanged, multi-root off", ["R1"], ["R1"], false, true, IstiodRootChangeReason.Unchanged],
            ["unchanged two roots, multi-root on", ["R1", "R2"], ["R1", "R2"], true, true, IstiodRootChangeReason.Unchanged],
            ["root added (TrustNew), multi-root on", ["R1"], ["R1", "R2"], true, true, IstiodRootChangeReason.SubsetRelation],
            ["root removed (Stable), multi-root on", ["R1", "R2"], ["R2"], true, true, IstiodRootChangeReason.SubsetRelation],
            ["same roots reordered, multi-root on", ["R1", "R2"], ["R2", "R1"], true, true, IstiodRootChangeReason.SubsetRelation],
            ["root added (TrustNew), multi-root off", ["R1"], ["R1", "R2"], false, false, IstiodRootChangeReason.MultiRootDisabled],
            ["root removed, multi-root off", ["R1", "R2"], ["R2"], false, false, IstiodRootChangeReason.MultiRootDisabled],
            ["same roots reordered, multi-root off (bytes differ)", ["R1", "R2"], ["R2", "R1"], false, false, IstiodRootChangeReason.MultiRootDisabled],
            ["root re-issued in place {R1} -> {R1'}, multi-root on", ["R1"], ["R1'"], true, false, IstiodRootChangeReason.NoSubsetRelation],
            ["root re-issued in place {R1} -> {R1'}, multi-root off", ["R1"], ["R1'"], false, false, IstiodRootChangeReason.MultiRootDisabled],
            ["re-issued then TrustNew {R1} -> {R1', R2}, multi-root on", ["R1"], ["R1'", "R2"], true, false, IstiodRootChangeReason.NoSubsetRelation],
            ["new bundle empty, multi-root on", ["R1"], [], true, false, IstiodRootChangeReason.NoSubsetRelation],
        ];
        assert.equal(cases.length, 12);
        for (const [label, before, after, multiRoot, accepted, reason] of cases) {
            it(label, () => {
                const d = istiodAcceptsRootChange(before, after, multiRoot);
                assert.deepEqual(d, { accepted, restartRequired: !accepted, reason });
            });
        }
    });

    // The root-cert.pem bundles meshtls writes, as fingerprints: a certificate is named by generation and
    // issue number, so a re-issue with the same key is a new fingerprint (new serial and validity).
    const H = 3600_000;
    const T0 = Date.UTC(2026, 0, 1);

    /**
     * The roots in the bundle at each monthly `pulumi up` over one root lifetime, with the tls provider's
     * renewal rule (sdk/testing/tls.ts: ready for renewal once now >= notAfter - earlyRenewalHours).
     */
    function bundlesOverLifetime(args: pulumi.Unwrap<CertificateAuthorityArgs>): string[][] {
        const plan = planCertificateAuthority("ca", args);
        assert.equal(plan.generations.length, 1);
        const root = plan.generations[0].root;
        let issued = T0;
        let issue = 1;
        const bundles: string[][] = [[`g1#${issue}`]];
        for (let now = T0 + 30 * 24 * H; now < T0 + root.validityHours * H; now += 30 * 24 * H) {
            const notAfter = issued + root.validityHours * H;
            if (root.earlyRenewalHours > 0 && now >= notAfter - root.earlyRenewalHours * H) {
                issued = now;
                issue += 1;
            }
            bundles.push([`g1#${issue}`]);
        }
        return bundles;
    }

    /** The steps istiod would not take live between consecutive bundles. */
    function refused(bundles: string[][], multiRoot: boolean): string[] {
        const out: string[] = [];
        for (let i = 1; i < bundles.length; i++) {
            if (!istiodAcceptsRootChange(bundles[i - 1], bundles[i], multiRoot).accepted) {
                out.push(`${bundles[i - 1].join(",")} -> ${bundles[i].join(",")}`);
            }
        }
        return out;
    }

    describe("what meshtls emits", () => {
        it("by default the root is never re-issued in place, so istiod never sees an unacceptable root change (fails before the fix: 8760 h re-issued it)", () => {
            assert.equal(ROOT_DEFAULTS.earlyRenewalHours, 0);
            const bundles = bundlesOverLifetime({});
            assert.ok(bundles.length > 100, "a monthly update over ten years");
            assert.deepEqual(refused(bundles, true), []);
            assert.deepEqual(refused(bundles, false), []);
        });

        it("an explicit root earlyRenewalHours re-issues the root, which istiod refuses without a restart (and the CA warns)", () => {
            const args: pulumi.Unwrap<CertificateAuthorityArgs> = { earlyRenewalHours: 24 * 365 };
            assert.deepEqual(refused(bundlesOverLifetime(args), true), ["g1#1 -> g1#2"]);
            assert.deepEqual(refused(bundlesOverLifetime(args), false), ["g1#1 -> g1#2"]);
            const warning = rootRenewalWarning(planCertificateAuthority("mesh-ca", args));
            assert.ok(warning !== undefined);
            assert.match(warning, /^meshtls:index:CertificateAuthority mesh-ca: earlyRenewalHours 8760 re-issues the root/);
            assert.match(warning, /restart istiod after the re-issue, or set earlyRenewalHours to 0 \(the default\) and rotate to a new generation/);
            assert.equal(rootRenewalWarning(planCertificateAuthority("mesh-ca", {})), undefined);
            assert.equal(rootRenewalWarning(planCertificateAuthority("mesh-ca", { earlyRenewalHours: 0 })), undefined);
        });

        // The three-step rotation of the runbook, as the bundles the plan puts in root-cert.pem.
        const phases: Array<[string, pulumi.Unwrap<CertificateAuthorityArgs>]> = [
            ["Stable g1", {}],
            ["TrustNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew }],
            ["ServeNew", { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew }],
            ["Stable g2", { generation: 2 }],
        ];
        const rotationBundles = phases.map(([, a]) => planCertificateAuthority("ca", a).generations.map((g) => `g${g.generation}#1`));

        it("the rotation by generation is taken live with IstioMesh's default multi-root trust", () => {
            assert.deepEqual(rotationBundles, [["g1#1"], ["g1#1", "g2#1"], ["g1#1", "g2#1"], ["g2#1"]]);
            assert.equal(DEFAULT_MULTI_ROOT_TRUST, true);
            assert.deepEqual(refused(rotationBundles, DEFAULT_MULTI_ROOT_TRUST), []);
        });

        it("without multi-root trust every root change of the rotation needs an istiod restart (the runbook says so)", () => {
            assert.deepEqual(refused(rotationBundles, false), ["g1#1 -> g1#1,g2#1", "g1#1,g2#1 -> g2#1"]);
        });
    });
});
