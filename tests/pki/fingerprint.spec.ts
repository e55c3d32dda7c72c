// Pure specs of the one fingerprint function (no mock runtime): facts of real certificates made here
// with @peculiar/x509, memoisation by PEM, and the bound of its cache.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
// The module object itself (not a namespace copy), so a test can wrap its X509Certificate.
import nodeCrypto from "node:crypto";
import * as x509 from "@peculiar/x509";
import { bundleFingerprints, certificateFacts, joinPem, pemCertificates } from "../../sdk/pki";
import { FACTS_CACHE_SIZE } from "../../sdk/pki/fingerprint";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

async function selfSigned(cn: string, serialNumber: string, notAfter: string): Promise<string> {
    const keys = await crypto.webcrypto.subtle.generateKey(ALG, false, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: `CN=${cn}`,
        notBefore: new Date("2026-01-01T00:00:00Z"),
        notAfter: new Date(notAfter),
        keys,
        signingAlgorithm: ALG,
    });
    return `${cert.toString("pem")}\n`;
}

/**
 * Counts X509Certificate constructions (what the memo saves) while `body` runs. Synchronous, so no other
 * callback (e.g. a pending apply of an earlier spec) runs while the counter is installed.
 */
function countingParses(body: () => void): number {
    const original = nodeCrypto.X509Certificate;
    let count = 0;
    class Counting extends original {
        constructor(pem: crypto.BinaryLike) {
            super(pem);
            count++;
        }
    }
    (nodeCrypto as { X509Certificate: typeof original }).X509Certificate = Counting;
    try {
        body();
    } finally {
        (nodeCrypto as { X509Certificate: typeof original }).X509Certificate = original;
    }
    return count;
}

describe("pki (pure): certificate facts and fingerprints", () => {
    let a: string;
    let b: string;
    before(async () => {
        a = await selfSigned("a", "0a1b2c", "2036-11-22T18:00:00Z");
        b = await selfSigned("b", "7f", "2030-05-01T12:30:45Z");
    });

    it("certificateFacts: SHA-256 over the DER in upper-case colon hex, notAfter in UTC without fractions, serial upper-case hex", () => {
        const facts = certificateFacts(a);
        const der = new crypto.X509Certificate(a).raw;
        const expected = crypto.createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)?.join(":");
        assert.deepEqual(facts, { fingerprintSha256: expected, notAfter: "2036-11-22T18:00:00Z", serialNumber: "0A1B2C", notBefore: "2026-01-01T00:00:00Z", issuer: "a", subject: "a" });
        assert.equal(certificateFacts(b).notAfter, "2030-05-01T12:30:45Z");
        assert.equal(certificateFacts(b).serialNumber, "7F");
    });

    it("certificateFacts is memoised by PEM: the second call parses nothing, and callers cannot change the cached facts", async () => {
        const pem = await selfSigned("memo", "01", "2031-01-01T00:00:00Z");
        let first = certificateFacts(pem);
        const parses = countingParses(() => {
            first = certificateFacts(pem);
            first.fingerprintSha256 = "changed by a caller";
        });
        assert.equal(parses, 0);
        assert.notEqual(certificateFacts(pem).fingerprintSha256, "changed by a caller");
        assert.equal(certificateFacts(pem).fingerprintSha256, new crypto.X509Certificate(pem).fingerprint256);
    });

    it("bundleFingerprints: one per certificate in bundle order, from the same memo as certificateFacts", () => {
        const bundle = joinPem(b, a);
        assert.equal(pemCertificates(bundle).length, 2);
        certificateFacts(a);
        certificateFacts(b);
        let prints: string[] = [];
        const parses = countingParses(() => {
            prints = bundleFingerprints(bundle);
        });
        assert.equal(parses, 0, "both certificates were already parsed");
        assert.deepEqual(prints, [certificateFacts(b).fingerprintSha256, certificateFacts(a).fingerprintSha256]);
        prints.pop();
        assert.equal(bundleFingerprints(bundle).length, 2, "a caller's change to the returned list does not reach the memo");
        assert.deepEqual(bundleFingerprints(""), []);
    });

    it("the memo is bounded: past FACTS_CACHE_SIZE other PEMs, the least recently used one is parsed again", async () => {
        const pem = await selfSigned("bounded", "02", "2031-01-01T00:00:00Z");
        certificateFacts(pem);
        // Distinct keys, same certificate: trailing newlines do not change what node:crypto reads.
        const others = Array.from({ length: FACTS_CACHE_SIZE }, (_, i) => `${a}${"\n".repeat(i + 1)}`);
        const fillParses = countingParses(() => {
            for (const other of others) {
                certificateFacts(other);
            }
        });
        assert.equal(fillParses, FACTS_CACHE_SIZE);
        const again = countingParses(() => {
            certificateFacts(pem);
        });
        assert.equal(again, 1, "evicted, so parsed again");
        const recent = countingParses(() => {
            certificateFacts(others[others.length - 1]);
        });
        assert.equal(recent, 0, "the most recent entries stay");
    });

    it("certificateFacts: notBefore like notAfter; issuer is the signer's CN, else its whole subject (subject likewise); every field empty without a certificate", async () => {
        const caKeys = await crypto.webcrypto.subtle.generateKey(ALG, false, ["sign", "verify"]);
        const leafKeys = await crypto.webcrypto.subtle.generateKey(ALG, false, ["sign", "verify"]);
        const signed = async (issuer: string) =>
            (
                await x509.X509CertificateGenerator.create({
                    serialNumber: "03",
                    subject: "CN=leaf",
                    issuer,
                    notBefore: new Date("2026-02-03T04:05:06Z"),
                    notAfter: new Date("2027-02-03T04:05:06Z"),
                    publicKey: leafKeys.publicKey,
                    signingKey: caKeys.privateKey,
                    signingAlgorithm: ALG,
                })
            ).toString("pem");
        const byCn = certificateFacts(await signed("O=Example, CN=Example Issuing CA"));
        assert.equal(byCn.notBefore, "2026-02-03T04:05:06Z");
        assert.equal(byCn.issuer, "Example Issuing CA");
        assert.equal(byCn.subject, "leaf");
        assert.equal(certificateFacts(await signed("O=Example, OU=PKI")).issuer, "O=Example, OU=PKI");
        assert.equal(certificateFacts(a).issuer, "a", "a self-signed certificate names itself");
        assert.deepEqual(certificateFacts(undefined), { fingerprintSha256: "", notAfter: "", serialNumber: "", notBefore: "", issuer: "", subject: "" });
        assert.deepEqual(certificateFacts("no certificate here"), certificateFacts(""));
    });

    it("joinPem ends every block with exactly one newline and skips empty ones", () => {
        assert.equal(joinPem("x\n\n", "", "  ", "y"), "x\ny\n");
    });
});
