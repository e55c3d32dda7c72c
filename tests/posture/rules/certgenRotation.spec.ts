// The model of Gloo's certgen rotation decision (solo-io/gloo v1.22.1: jobs/certgen/cmd/main.go,
// jobs/pkg/run/run.go, jobs/pkg/kube/secret.go, jobs/pkg/certgen/gen_certs.go, and the chart's
// templates/19-gloo-mtls-certgen-job.yaml), then what meshtls emits checked against it: the xDS leaf
// and chart values GlooMtls produces are never replaced by certgen, at issue time nor when Pulumi is
// about to re-issue the leaf; pki's 90-day leaf (GlooMtls's default before issue 15) is.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { GlooMtlsArgs, INTERMEDIATE_DEFAULTS, LEAF_DEFAULTS, planCertificate, planGlooMtls } from "../../../sdk";
import { DEFAULT_GLOO_XDS_CERTIFICATE, GLOO_CERTGEN_MARGIN_HOURS, GLOO_CERTGEN_RENEW_BEFORE, GLOO_CERTGEN_RENEW_BEFORE_HOURS } from "../../../sdk/gloo/defaults";
import { glooChartValues, glooMtlsSecret, glooXdsCertificateArgs } from "../../../sdk/gloo/manifests";
import {
    CERTGEN_RENEW_BEFORE_DEFAULT,
    CERTGEN_RENEW_BEFORE_HOURS,
    CertgenAction,
    CertgenCertificate,
    CertgenInput,
    certgenFlagsFromChartValues,
    certgenServiceDnsNames,
    certgenValidForService,
    parseGoDurationMs,
    wouldCertgenRotate,
} from "../../../sdk/posture";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24);
const SVC = certgenServiceDnsNames("gloo", "gloo-system");

function leaf(validityHours: number, dnsNames: readonly string[] = SVC, issuedAt = T0): CertgenCertificate {
    return { notBefore: issuedAt, notAfter: issuedAt + validityHours * H, dnsNames };
}
const intermediate: CertgenCertificate = { notBefore: T0 - 8760 * H, notAfter: T0 + 35_000 * H, dnsNames: [] };

function decide(over: Partial<CertgenInput> & { certs?: CertgenCertificate[] }): CertgenAction {
    const { certs, ...rest } = over;
    return wouldCertgenRotate({
        now: T0 + H,
        svcNamespace: "gloo-system",
        forceRotation: false,
        secret: { type: "kubernetes.io/tls", certificates: certs ?? [leaf(8760), intermediate] },
        ...rest,
    }).action;
}

describe("posture rule: Gloo certgen rotation (solo-io/gloo v1.22.1)", () => {
    describe("the model", () => {
        it("keeps a valid, long-lived certificate for the service", () => {
            const d = wouldCertgenRotate({ now: T0 + H, svcNamespace: "gloo-system", forceRotation: false, secret: { type: "kubernetes.io/tls", certificates: [leaf(8760), intermediate] } });
            assert.deepEqual(d, { action: CertgenAction.Keep, replaces: false, reason: "the existing certificate is valid" });
        });

        it("generates a new secret when there is none", () => {
            assert.equal(decide({ secret: undefined }), CertgenAction.Generate);
        });

        it("fails on a secret that is not kubernetes.io/tls", () => {
            const d = wouldCertgenRotate({ now: T0, svcNamespace: "gloo-system", forceRotation: false, secret: { type: "Opaque", certificates: [leaf(8760)] } });
            assert.deepEqual([d.action, d.replaces], [CertgenAction.Fail, false]);
        });

        it("rotates once now > NotAfter - renewBefore (strictly), and not before", () => {
            const notAfter = leaf(8760).notAfter;
            assert.equal(decide({ now: notAfter - 2160 * H }), CertgenAction.Keep, "exactly at the boundary: Go's After is strict");
            assert.equal(decide({ now: notAfter - 2160 * H + 1 }), CertgenAction.Rotate);
            assert.equal(decide({ now: notAfter - 2161 * H }), CertgenAction.Keep);
        });

        it("rotates a 2160-hour certificate right after it is issued (renew-before equals its whole validity)", () => {
            assert.equal(decide({ now: T0 + 60_000, certs: [leaf(2160), intermediate] }), CertgenAction.Rotate);
        });

        it("honours a different --renew-before", () => {
            assert.equal(decide({ now: T0 + H, certs: [leaf(2160)], renewBefore: "720h" }), CertgenAction.Keep);
            assert.equal(decide({ now: T0 + 1441 * H, certs: [leaf(2160)], renewBefore: "720h" }), CertgenAction.Rotate);
            assert.equal(decide({ now: T0 + 1441 * H, certs: [leaf(2160)], renewBefore: "718h30m" }), CertgenAction.Keep);
        });

        it("fails on a --renew-before that is not a Go duration (run.go parses it first)", () => {
            assert.equal(decide({ renewBefore: "90d" }), CertgenAction.Fail);
            assert.equal(decide({ renewBefore: "" }), CertgenAction.Fail);
        });

        it("reads Go durations as time.ParseDuration does for whole units", () => {
            const cases: Array<[string, number | undefined]> = [["2160h", 2160 * H], ["1h30m", 90 * 60_000], ["65s", 65_000], ["5ms", 5], ["0", 0], ["90d", undefined], ["h", undefined]];
            assert.deepEqual(cases.map(([t]) => parseGoDurationMs(t)), cases.map(([, ms]) => ms));
            assert.equal(CERTGEN_RENEW_BEFORE_HOURS, 2160);
        });

        it("rotates a valid certificate with --force-rotation", () => {
            assert.equal(decide({ forceRotation: true }), CertgenAction.Rotate);
        });

        it("generates (no staging) when any certificate of the chain is expired or not yet valid", () => {
            assert.equal(decide({ now: T0 - 1 }), CertgenAction.Generate, "leaf not yet valid (clock skew)");
            assert.equal(decide({ now: leaf(8760).notAfter + 1 }), CertgenAction.Generate, "leaf expired");
            assert.equal(decide({ certs: [leaf(8760), { ...intermediate, notAfter: T0 }] }), CertgenAction.Generate, "intermediate expired");
            assert.equal(decide({ now: T0, certs: [leaf(8760)] }), CertgenAction.Keep, "NotBefore itself is inside the validity");
        });

        it("generates when no certificate names the service, even with --force-rotation", () => {
            assert.equal(decide({ certs: [leaf(8760, ["gloo.other-ns.svc", "example.com"])] }), CertgenAction.Generate);
            assert.equal(decide({ certs: [leaf(8760, [])] }), CertgenAction.Generate);
            assert.equal(decide({ certs: [] }), CertgenAction.Generate, "an empty tls.crt");
            assert.equal(decide({ forceRotation: true, certs: [leaf(8760, ["x"])] }), CertgenAction.Generate);
        });

        it("a service name matches on any one of the four names; the common name is not read", () => {
            assert.deepEqual(SVC, ["gloo", "gloo.gloo-system", "gloo.gloo-system.svc", "gloo.gloo-system.svc.cluster.local"]);
            assert.equal(SVC.filter((n) => certgenValidForService([n], "gloo", "gloo-system")).length, 4);
            assert.equal(certgenValidForService(["gloo.gloo-system.svc.corp.local"], "gloo", "gloo-system"), false);
            assert.equal(certgenValidForService(["gloo.gloo-system.svc.corp.local"], "gloo", "gloo-system", "corp.local"), true);
            assert.equal(certgenValidForService(["gloo-system.gloo"], "gloo", "gloo-system"), false);
        });

        it("only the first certificate naming the service decides expiry (the loop returns there)", () => {
            // An expiring leaf that names the service, followed by an expired certificate: rotate, the later one is not looked at.
            const expiring = leaf(2000);
            assert.equal(decide({ certs: [expiring, { ...intermediate, notAfter: T0 }] }), CertgenAction.Rotate);
            // An expiring certificate that does not name the service does not count as expiring.
            assert.equal(decide({ certs: [leaf(2000, ["other"]), leaf(8760)] }), CertgenAction.Keep);
        });

        it("the chart's flags: force-rotation from gateway.certGenJob.forceRotation (default true), renew-before never passed", () => {
            assert.deepEqual(certgenFlagsFromChartValues({}), { forceRotation: true, renewBefore: "2160h", svcName: "gloo" });
            assert.equal(certgenFlagsFromChartValues({ gateway: { certGenJob: { forceRotation: false } } }).forceRotation, false);
            assert.equal(certgenFlagsFromChartValues({ gateway: { certGenJob: { forceRotation: true } } }).forceRotation, true);
            assert.equal(certgenFlagsFromChartValues({ gateway: { certGenJob: { forceRotation: "" } } }).forceRotation, false, "Go template truthiness");
        });

        it("the chart (v1.22.1 values reference) has no value for renew-before: only forceRotation and rotationDuration reach certgen's flags", () => {
            const text = fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "gloo", "values.txt"), "utf8");
            const certGenJob = text.split("\n").filter((l) => l.startsWith("|gateway.certGenJob."));
            assert.ok(certGenJob.length > 30, `read ${certGenJob.length} certGenJob values`);
            assert.ok(certGenJob.some((l) => l.startsWith("|gateway.certGenJob.forceRotation|bool|true|")));
            assert.deepEqual(certGenJob.filter((l) => /renew/i.test(l)), []);
        });
    });

    describe("what GlooMtls emits, against the model", () => {
        const issuer = { certPem: "c", privateKeyPem: "k", caChainPem: "c", intermediatesPem: "", rootCertPem: "c", trustBundlePem: "c" };

        /** The leaf certgen would read in gloo-mtls-certs for these args, as the Certificate child would issue it at `issuedAt`. */
        function emitted(args: pulumi.Unwrap<GlooMtlsArgs>, issuedAt = T0): { input: Omit<CertgenInput, "now">; validityHours: number; earlyRenewalHours: number } {
            const plan = planGlooMtls("gloo", args);
            assert.equal(plan.xds?.rotation, "Pulumi");
            const certArgs = glooXdsCertificateArgs(plan, plan.xds, issuer);
            // What the Certificate child does with those arguments (its own defaults fill the rest).
            const cert = planCertificate("gloo-xds-cert", certArgs as pulumi.Unwrap<typeof certArgs>);
            const secret = glooMtlsSecret(plan, plan.xds, { trustBundlePem: "", chainPem: "", privateKeyPem: "" });
            const flags = certgenFlagsFromChartValues(glooChartValues(plan));
            return {
                validityHours: cert.validityHours,
                earlyRenewalHours: cert.earlyRenewalHours,
                input: {
                    svcName: flags.svcName,
                    svcNamespace: plan.namespace,
                    renewBefore: flags.renewBefore,
                    forceRotation: flags.forceRotation,
                    secret: { type: secret.type, certificates: [leaf(cert.validityHours, cert.dnsNames ?? [], issuedAt), intermediate] },
                },
            };
        }

        const cases: Array<[string, pulumi.Unwrap<GlooMtlsArgs>]> = [
            ["defaults", { xds: { issuer } }],
            ["another namespace", { namespace: "edge", xds: { issuer } }],
            ["the smallest accepted settings", { xds: { issuer, certificate: { validityHours: 2330, earlyRenewalHours: 2329 } } }],
            ["a one-year leaf", { xds: { issuer, certificate: { validityHours: 8760, earlyRenewalHours: 4380 } } }],
        ];

        assert.equal(cases.length, 4);
        for (const [what, args] of cases) {
            it(`${what}: kept by certgen when the job runs right after issue, and when Pulumi is about to re-issue it`, () => {
                const e = emitted(args);
                assert.equal(e.input.forceRotation, false, "meshtls sets gateway.certGenJob.forceRotation: false");
                const notAfter = T0 + e.validityHours * H;
                // The pre-install hook runs minutes after the Certificate is created; also the last
                // instant before Pulumi's early renewal (the oldest leaf Pulumi ever leaves in place).
                const moments = [T0 + 10 * 60_000, T0 + 24 * H, notAfter - e.earlyRenewalHours * H];
                const decisions = moments.map((now) => wouldCertgenRotate({ now, ...e.input }));
                assert.equal(decisions.length, 3);
                for (const d of decisions) {
                    assert.equal(d.action, CertgenAction.Keep, d.reason);
                }
                // And the margin holds: a week after Pulumi's window opened, certgen's has not.
                assert.equal(wouldCertgenRotate({ now: notAfter - e.earlyRenewalHours * H + (GLOO_CERTGEN_MARGIN_HOURS - 1) * H, ...e.input }).action, CertgenAction.Keep);
            });
        }

        it("pki's 90-day leaf, GlooMtls's default before issue 15, is replaced by certgen at once", () => {
            const input = {
                svcNamespace: "gloo-system",
                forceRotation: false,
                secret: { type: "kubernetes.io/tls", certificates: [leaf(LEAF_DEFAULTS.validityHours), intermediate] },
            };
            assert.equal(LEAF_DEFAULTS.validityHours, 2160);
            assert.equal(wouldCertgenRotate({ now: T0 + 10 * 60_000, ...input }).action, CertgenAction.Rotate);
        });

        it("GlooMtls's constants agree with the model's, and its defaults clear renew-before plus the margin", () => {
            assert.equal(GLOO_CERTGEN_RENEW_BEFORE, CERTGEN_RENEW_BEFORE_DEFAULT);
            assert.equal(GLOO_CERTGEN_RENEW_BEFORE_HOURS, CERTGEN_RENEW_BEFORE_HOURS);
            assert.ok(DEFAULT_GLOO_XDS_CERTIFICATE.earlyRenewalHours > CERTGEN_RENEW_BEFORE_HOURS + GLOO_CERTGEN_MARGIN_HOURS);
            assert.ok(DEFAULT_GLOO_XDS_CERTIFICATE.validityHours > DEFAULT_GLOO_XDS_CERTIFICATE.earlyRenewalHours);
            // The leaf never outlives pki's intermediate.
            assert.ok(DEFAULT_GLOO_XDS_CERTIFICATE.validityHours < INTERMEDIATE_DEFAULTS.validityHours);
        });
    });
});
