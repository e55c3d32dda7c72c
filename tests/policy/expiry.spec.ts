// certificate-expiry-budget: the pure core at fixed dates, the policy over stack resources as CrossGuard
// hands them (outputs behind @pulumi/policy's unknownCheckingProxy, the unknown sentinel for values a
// replacement makes unknown), and over the dev stack's certificates as the real-cert mocks issue them.
// Certificates are real (@peculiar/x509), read back with node:crypto.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as x509 from "@peculiar/x509";
import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { ManagedCertificate, certificateExpiryBudget, certificateExpiryFindings, managedCertificate, meshtlsPolicies } from "../../policy/policies";
import { mockTlsResource } from "../../sdk/testing";
import { loadProgram, readStackConfig, runProgram } from "../harness";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

// The engine's preview semantics: reading an unknown value throws UnknownValueError (typings stripped).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy: <T>(o: T) => T };
/** The engine's unknown-string sentinel, as props carry it during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SSC = "tls:index/selfSignedCert:SelfSignedCert";
const LSC = "tls:index/locallySignedCert:LocallySignedCert";
const DAY = 86_400_000;
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

/** A real self-signed certificate valid from 2026-01-01 to `notAfter`. */
async function certEnding(notAfter: Date, cn = "test"): Promise<string> {
    const keys = await crypto.webcrypto.subtle.generateKey(ALG, false, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "01",
        name: `CN=${cn}`,
        notBefore: new Date("2026-01-01T00:00:00Z"),
        notAfter,
        keys,
        signingAlgorithm: ALG,
    });
    return `${cert.toString("pem")}\n`;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const NOW = new Date("2030-06-01T12:00:00Z");
const cert = (over: Partial<ManagedCertificate>): ManagedCertificate => ({ urn: "urn:x", name: "leaf", kind: "LocallySignedCert", isCa: false, notAfter: iso(new Date(NOW.getTime() + 100 * DAY)), earlyRenewalHours: 720, ...over });

interface Outcome {
    reports: Array<{ message: string; urn?: string }>;
    notApplicable?: string;
}

class NotApplicable extends Error {}

/** Runs the policy over stack resources (props: outputs) as the engine presents them. */
async function run(items: Array<{ type: string; name: string; props: Record<string, unknown> }>, config: Record<string, unknown> = {}): Promise<Outcome> {
    const reports: Outcome["reports"] = [];
    const args = {
        resources: items.map((r) => ({ type: r.type, name: r.name, urn: `urn:pulumi:test::meshtls::${r.type}::${r.name}`, props: unknownCheckingProxy(r.props) }) as unknown as PolicyResource),
        stackTags: new Map(),
        getConfig: () => ({ days: 30, ...config }),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as unknown as StackValidationArgs;
    try {
        await certificateExpiryBudget.validateStack(args, (message, urn) => reports.push({ message, urn }));
    } catch (err) {
        if (err instanceof NotApplicable) {
            return { reports, notApplicable: err.message };
        }
        throw err;
    }
    return { reports };
}

describe("policy certificate-expiry-budget", () => {
    it("is in the pack, mandatory, with days an integer >= 1 defaulting to 30", () => {
        assert.equal(meshtlsPolicies.filter((p) => p.name === "certificate-expiry-budget").length, 1);
        assert.equal(certificateExpiryBudget.enforcementLevel, "mandatory");
        assert.deepEqual(certificateExpiryBudget.configSchema?.properties, { days: { type: "integer", minimum: 1, default: 30 } });
        assert.match(certificateExpiryBudget.description, /earlyRenewalHours/);
    });

    describe("the pure core at a fixed now", () => {
        it("fires within the budget (bound included), not outside it", () => {
            const at = (days: number, extraMs = 0) => cert({ notAfter: iso(new Date(NOW.getTime() + days * DAY + extraMs)) });
            assert.equal(certificateExpiryFindings([at(30)], 30, NOW).length, 1);
            assert.deepEqual(certificateExpiryFindings([at(30, 1000)], 30, NOW), []);
            assert.deepEqual(certificateExpiryFindings([at(100)], 30, NOW), []);
            assert.equal(certificateExpiryFindings([at(100)], 101, NOW).length, 1);
        });

        it("names the resource, its notAfter, the days left, the budget and what to do", () => {
            const findings = certificateExpiryFindings([cert({ notAfter: "2030-06-11T12:00:00Z", earlyRenewalHours: 720 })], 30, NOW);
            assert.deepEqual(findings, [
                {
                    urn: "urn:x",
                    message:
                        "LocallySignedCert leaf expires at 2030-06-11T12:00:00Z, in 10 days, within the expiry budget of 30 days; it is inside its renewal window (earlyRenewalHours 720, since 2030-05-12T12:00:00Z) but was not re-issued: run `pulumi up`",
                },
            ]);
        });

        it("a budget longer than the renewal window says when the window opens and how long it would need to be", () => {
            const findings = certificateExpiryFindings([cert({ notAfter: "2030-07-11T12:00:00Z", earlyRenewalHours: 240 })], 60, NOW);
            assert.equal(findings.length, 1);
            assert.equal(
                findings[0].message,
                "LocallySignedCert leaf expires at 2030-07-11T12:00:00Z, in 40 days, within the expiry budget of 60 days; its renewal window (earlyRenewalHours 240) opens only at 2030-07-01T12:00:00Z, after the budget starts: run `pulumi up` then, re-issue it now (`pulumi up --replace urn:x`), or set earlyRenewalHours to at least 1440",
            );
        });

        it("a CA root: rotate the generation; no early renewal: replace it; an expired one says so", () => {
            const findings = certificateExpiryFindings(
                [
                    cert({ name: "root", kind: "SelfSignedCert", isCa: true, earlyRenewalHours: 0, notAfter: "2030-06-21T12:00:00Z" }),
                    cert({ name: "old", earlyRenewalHours: undefined, notAfter: "2030-05-29T00:00:00Z" }),
                ],
                30,
                NOW,
            );
            assert.equal(findings.length, 2);
            assert.match(findings[0].message, /^SelfSignedCert root expires at 2030-06-21T12:00:00Z, in 20 days, within the expiry budget of 30 days; a CA root is renewed by rotation, not in place: rotate the CA to a new generation/);
            assert.equal(findings[1].message, "LocallySignedCert old expired at 2030-05-29T00:00:00Z (4 days ago), within the expiry budget of 30 days; earlyRenewalHours is unset, so nothing re-issues it before it expires: re-issue it now (`pulumi up --replace urn:x`) and set earlyRenewalHours");
        });

        it("a certificate ending after its issuer fires whatever the budget; ending with it does not", () => {
            const far = iso(new Date(NOW.getTime() + 1000 * DAY));
            const findings = certificateExpiryFindings([cert({ notAfter: far, issuerNotAfter: "2031-01-01T00:00:00Z" }), cert({ name: "same", notAfter: far, issuerNotAfter: far })], 30, NOW);
            assert.equal(findings.length, 1);
            assert.equal(
                findings[0].message,
                `LocallySignedCert leaf ends at ${far}, after its issuer (caCertPem, ends 2031-01-01T00:00:00Z); peers stop trusting it when the issuer expires: rotate the issuer first (a new CA generation that lasts longer), or shorten validityPeriodHours`,
            );
        });
    });

    describe("over stack resources (outputs, unknowns as the engine marks them)", () => {
        let soon: string;
        let later: string;
        let shortIssuer: string;
        before(async () => {
            soon = await certEnding(new Date(Date.now() + 10 * DAY), "soon");
            later = await certEnding(new Date(Date.now() + 400 * DAY), "later");
            shortIssuer = await certEnding(new Date(Date.now() + 200 * DAY), "issuer");
        });

        it("reads notAfter from certPem, else validityEndTime; ignores other types", async () => {
            const out = await run([
                { type: SSC, name: "soon", props: { certPem: soon, isCaCertificate: true, earlyRenewalHours: 0 } },
                { type: LSC, name: "later", props: { certPem: later, earlyRenewalHours: 720 } },
                { type: LSC, name: "by-end-time", props: { validityEndTime: new Date(Date.now() + 5 * DAY).toISOString(), earlyRenewalHours: 720 } },
                { type: "kubernetes:core/v1:Secret", name: "s", props: { validityEndTime: new Date(Date.now()).toISOString() } },
            ]);
            assert.equal(out.notApplicable, undefined);
            assert.equal(out.reports.length, 2);
            assert.match(out.reports[0].message, /^SelfSignedCert soon expires at \S+Z, in (9|10) days, within the expiry budget of 30 days; a CA root/);
            assert.equal(out.reports[0].urn, `urn:pulumi:test::meshtls::${SSC}::soon`);
            assert.match(out.reports[1].message, /^LocallySignedCert by-end-time expires at \S+Z, in (4|5) days/);
            assert.deepEqual((await run([{ type: SSC, name: "soon", props: { certPem: soon } }], { days: 5 })).reports, []);
        });

        it("a certificate replaced in this preview (certPem or validityEndTime unknown) is not counted; the others still are", async () => {
            const out = await run([
                { type: LSC, name: "replaced", props: { certPem: UNKNOWN, validityEndTime: UNKNOWN, caCertPem: UNKNOWN } },
                { type: LSC, name: "end-unknown", props: { certPem: soon, validityEndTime: UNKNOWN } },
                { type: SSC, name: "soon", props: { certPem: soon, earlyRenewalHours: 24 } },
            ]);
            assert.equal(out.reports.length, 1);
            assert.match(out.reports[0].message, /^SelfSignedCert soon /);
            const none = await run([{ type: LSC, name: "replaced", props: { certPem: UNKNOWN, validityEndTime: UNKNOWN } }]);
            assert.deepEqual(none.reports, []);
            assert.match(none.notApplicable ?? "", /no certificate in this stack has a known end/);
        });

        it("certificates with no outputs (echo mocks: inputs only) are not counted", async () => {
            const out = await run([{ type: LSC, name: "echo", props: { validityPeriodHours: 1, earlyRenewalHours: 0 } }]);
            assert.deepEqual(out.reports, []);
            assert.ok(out.notApplicable !== undefined);
        });

        it("flags a LocallySignedCert outliving its caCertPem; an unknown issuer skips only that check", async () => {
            const out = await run([
                { type: LSC, name: "outlives", props: { certPem: later, caCertPem: shortIssuer, earlyRenewalHours: 720 } },
                { type: LSC, name: "within", props: { certPem: shortIssuer, caCertPem: later, earlyRenewalHours: 720 } },
                { type: LSC, name: "issuer-unknown", props: { certPem: later, caCertPem: UNKNOWN, earlyRenewalHours: 720 } },
            ]);
            assert.equal(out.reports.length, 1);
            assert.match(out.reports[0].message, /^LocallySignedCert outlives ends at \S+Z, after its issuer \(caCertPem, ends \S+Z\)/);
            const m = managedCertificate({ type: LSC, urn: "u", name: "n", props: unknownCheckingProxy({ certPem: later, caCertPem: UNKNOWN }) });
            assert.ok(m);
            assert.equal(m.issuerNotAfter, undefined);
        });
    });

    describe("over the dev stack's certificates as meshtls/testing's real-cert mocks issue them", function () {
        this.timeout(60000);
        let items: Array<{ type: string; name: string; props: Record<string, unknown> }>;
        before(async () => {
            const config = readStackConfig(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"));
            const result = await runProgram(() => loadProgram(path.join(__dirname, "..", "..", "index.ts")), { config });
            const tls = result.resources.filter((r) => (r.type === SSC || r.type === LSC) && r.readId === undefined);
            // The mock caches by (type, name, inputs): this returns the outputs the run saw.
            items = await Promise.all(tls.map(async (r) => ({ type: r.type, name: r.name, props: { ...r.inputs, ...(await mockTlsResource(r.type, r.name, r.inputs, false)) } })));
        });

        it("passes at the default budget (fresh certificates, none outliving its issuer)", async () => {
            assert.ok(items.length >= 4, `${items.length} certificates`);
            assert.deepEqual(await run(items), { reports: [] });
        });

        it("fires for every certificate once the budget exceeds the longest validity", async () => {
            const out = await run(items, { days: 20 * 365 });
            assert.equal(out.reports.length, items.length);
            for (const r of out.reports) {
                assert.match(r.message, /within the expiry budget of 7300 days/);
            }
        });
    });
});
