// The rule "does the API server (caBundle) trust the chain a webhook serves" (golang/go crypto/x509
// verify.go; kyverno-authz v0.4.0 uses certificates.static.crt as both), on real certificates from the
// mock tls provider, and that KyvernoAuthz's crt keeps the webhook trusted across every rotation phase
// and a leaf renewal (issue 15, item 10).
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, CertificateAuthorityArgs, KyvernoAuthz, RotationPhase } from "../../../sdk";
import { webhookStaticCrt } from "../../../sdk/authz";
import { caBundleTrustsServedChain, CertificateRelations, sharedCrtChangeKeepsTrust } from "../../../sdk/posture/rules";
import { runProgram, valueOf } from "../../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";

const rel: CertificateRelations<X509Certificate> = {
    issued: (child, parent) => child.checkIssued(parent) && child.verify(parent.publicKey),
    same: (a, b) => a.fingerprint256 === b.fingerprint256,
};

function parse(pem: string): X509Certificate[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
}

/** One state of the webhook: what the chart gets as crt today and what it got before (leaf + intermediates). */
interface WebhookState {
    label: string;
    crt: X509Certificate[];
    chainOnly: X509Certificate[];
    trustBundle: X509Certificate[];
}

async function webhookState(label: string, caArgs: CertificateAuthorityArgs, authzName = "authz"): Promise<WebhookState> {
    const result = await runProgram(() => {
        const ca = new CertificateAuthority("ca", caArgs);
        const authz = new KyvernoAuthz(authzName, { webhookIssuer: ca.issuer, createNamespace: false });
        return { ca, authz };
    });
    const values = result.get(RELEASE, `${authzName}-server`).inputs.values as { validatingWebhookConfiguration: { certificates: { static: { crt: string } } } };
    const leaf = parse(values.validatingWebhookConfiguration.certificates.static.crt)[0];
    const intermediates = parse(await valueOf(pulumi.output(result.value.ca.issuer).apply((i) => pulumi.output(i.intermediatesPem))));
    return {
        label,
        crt: parse(values.validatingWebhookConfiguration.certificates.static.crt),
        chainOnly: [leaf, ...intermediates],
        trustBundle: parse(await valueOf(result.value.ca.trustBundlePem)),
    };
}

/** Stable g1, a leaf renewal, TrustNew, ServeNew, Stable g2: the order an operator walks. */
async function rotation(intermediate: boolean): Promise<WebhookState[]> {
    const extra: Partial<CertificateAuthorityArgs> = intermediate ? { intermediate: {} } : {};
    return [
        await webhookState("Stable g1", { ...extra, generation: 1 }),
        await webhookState("Stable g1, leaf renewed", { ...extra, generation: 1 }, "renewed"),
        await webhookState("TrustNew g2", { ...extra, generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew }, "renewed"),
        await webhookState("ServeNew g2", { ...extra, generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew }, "renewed"),
        await webhookState("Stable g2", { ...extra, generation: 2 }, "renewed"),
    ];
}

describe("posture rule: the API server trusts a webhook's served chain through its caBundle", function () {
    this.timeout(60_000);
    let plain: WebhookState[] = [];
    let withIntermediate: WebhookState[] = [];
    before(async () => {
        plain = await rotation(false);
        withIntermediate = await rotation(true);
    });

    describe("the model (real certificates)", () => {
        it("trusts a leaf through its root, through a served intermediate, or when the leaf itself is in the bundle", () => {
            const [g1] = plain;
            const [ig1] = withIntermediate;
            assert.equal(ig1.chainOnly.length, 2, "leaf and intermediate");
            assert.equal(caBundleTrustsServedChain([g1.chainOnly[0]], g1.trustBundle, rel), true);
            assert.equal(caBundleTrustsServedChain(ig1.chainOnly, ig1.trustBundle, rel), true);
            assert.equal(caBundleTrustsServedChain([g1.chainOnly[0]], [g1.chainOnly[0]], rel), true, "Go: a leaf in the root pool is trusted as is");
        });

        it("refuses a chain whose intermediate is not served, a leaf of another CA, and an empty chain", () => {
            const [g1, , , , g2] = plain;
            const [ig1] = withIntermediate;
            assert.equal(caBundleTrustsServedChain([ig1.chainOnly[0]], ig1.trustBundle, rel), false, "the intermediate is missing");
            assert.equal(caBundleTrustsServedChain(g1.chainOnly, g2.trustBundle, rel), false, "g1's leaf against g2's root only");
            assert.equal(caBundleTrustsServedChain(g1.chainOnly, [g2.chainOnly[0]], rel), false, "another leaf pinned");
            assert.equal(caBundleTrustsServedChain([], g1.trustBundle, rel), false);
        });

        it("a shared crt change keeps trust only when each side trusts the other", () => {
            const [g1, renewed] = plain;
            assert.equal(sharedCrtChangeKeepsTrust([g1.chainOnly[0]], [renewed.chainOnly[0]], rel), false, "leaf only: the renewal swaps the anchor");
            assert.equal(sharedCrtChangeKeepsTrust([g1.chainOnly[0], ...g1.trustBundle], [renewed.chainOnly[0], ...renewed.trustBundle], rel), true);
        });
    });

    // With an intermediate, the old crt held it, and Go takes any certificate of the pool as an anchor:
    // a leaf renewal under the same intermediate kept trust, the change of generation did not.
    for (const [what, states, brokeBefore] of [
        ["a root CA", () => plain, ["Stable g1 -> Stable g1, leaf renewed", "TrustNew g2 -> ServeNew g2"]],
        ["a root and an intermediate CA", () => withIntermediate, ["TrustNew g2 -> ServeNew g2"]],
    ] as const) {
        describe(`KyvernoAuthz with ${what}`, () => {
            it("crt is the leaf, the intermediates, then every root of the trust bundle", () => {
                assert.equal(states().length, 5);
                for (const s of states()) {
                    assert.deepEqual(
                        s.crt.map((c) => c.fingerprint256),
                        [...s.chainOnly, ...s.trustBundle].map((c) => c.fingerprint256),
                        s.label,
                    );
                    assert.ok(caBundleTrustsServedChain(s.crt, s.crt, rel), `${s.label}: trusts itself`);
                }
                assert.equal(states()[2].trustBundle.length, 2, "TrustNew trusts both roots");
            });

            // Fails on c86b4a9 (before the fix): crt was the leaf and intermediates only.
            it("each phase's served chain verifies against the caBundle of the phases next to it", () => {
                const s = states();
                assert.equal(s.length, 5);
                const broken = s.slice(1).flatMap((after, i) => (sharedCrtChangeKeepsTrust(s[i].crt, after.crt, rel) ? [] : [`${s[i].label} -> ${after.label}`]));
                assert.deepEqual(broken, []);
            });

            it(`the previous crt (leaf and intermediates only) broke trust at ${brokeBefore.join(", ")}`, () => {
                const s = states();
                assert.equal(s.length, 5);
                const broken = s.slice(1).flatMap((after, i) => (sharedCrtChangeKeepsTrust(s[i].chainOnly, after.chainOnly, rel) ? [] : [`${s[i].label} -> ${after.label}`]));
                assert.deepEqual(broken, brokeBefore);
            });
        });
    }

    describe("webhookStaticCrt (pure)", () => {
        it("joins chain then bundle, one newline after each block, dropping a repeated certificate", () => {
            const a = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
            const b = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----";
            const c = "-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----";
            assert.equal(webhookStaticCrt(`${a}\n${b}\n`, `${c}\n\n${b}\n`), `${a}\n${b}\n${c}\n`);
            assert.equal(webhookStaticCrt(`${a}\n`, ""), `${a}\n`);
        });
    });
});
