// Pure specs of the bring-your-own CA material checks (sdk/pki/material.ts) with real certificates made
// here by @peculiar/x509: every kind of bad material names its field and says what is wrong, good
// material (root with key, offline root + signed intermediate, a two-intermediate chain) has no problem.
// Keys are generated once per describe; every `now` is fixed.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as x509 from "@peculiar/x509";
import { type MaterialProblem, caCertificateSummary, externalRootProblems, intermediateWithinRootProblem, signedIntermediateProblems } from "../../sdk/pki/material";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = crypto.webcrypto.CryptoKeyPair;

/** A key pair with the algorithm it signs with and its private key as PEM (PKCS#8). */
interface Key {
    keys: CryptoKeyPair;
    sign: crypto.webcrypto.Algorithm | crypto.webcrypto.EcdsaParams;
    pem: string;
    object: crypto.KeyObject;
}

async function makeKey(gen: crypto.webcrypto.EcKeyGenParams | crypto.webcrypto.RsaHashedKeyGenParams | crypto.webcrypto.Algorithm, sign: crypto.webcrypto.Algorithm | crypto.webcrypto.EcdsaParams): Promise<Key> {
    const keys = (await crypto.webcrypto.subtle.generateKey(gen, true, ["sign", "verify"])) as CryptoKeyPair;
    const object = crypto.KeyObject.from(keys.privateKey);
    return { keys, sign, pem: object.export({ type: "pkcs8", format: "pem" }).toString(), object };
}

const ecKey = (curve: string, hash: string): Promise<Key> => makeKey({ name: "ECDSA", namedCurve: curve }, { name: "ECDSA", hash });
const rsaKey = (bits: number): Promise<Key> =>
    makeKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" });

interface CertSpec {
    subject: string;
    key: Key;
    /** Who signs (absent: self-signed with `key`). */
    issuer?: { subject: string; key: Key };
    /** basicConstraints cA; null leaves the extension out. @default true */
    ca?: boolean | null;
    /** keyUsage bits; null leaves the extension out. @default keyCertSign | cRLSign */
    keyUsage?: number | null;
    notBefore?: string;
    notAfter?: string;
    /** Authority key identifier from this key instead of the signer's. */
    akiFrom?: Key;
}

let serial = 1;

async function makeCert(spec: CertSpec): Promise<string> {
    const issuer = spec.issuer ?? { subject: spec.subject, key: spec.key };
    const extensions: x509.Extension[] = [];
    if (spec.ca !== null) {
        extensions.push(new x509.BasicConstraintsExtension(spec.ca ?? true, undefined, true));
    }
    const usage = spec.keyUsage === undefined ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : spec.keyUsage;
    if (usage !== null) {
        // KeyUsageFlags is a bit set: OR-ed flags are a plain number by design.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
        extensions.push(new x509.KeyUsagesExtension(usage, true));
    }
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(spec.key.keys.publicKey));
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create((spec.akiFrom ?? issuer.key).keys.publicKey));
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(4, "0"),
        subject: spec.subject,
        issuer: issuer.subject,
        notBefore: new Date(spec.notBefore ?? "2026-01-01T00:00:00Z"),
        notAfter: new Date(spec.notAfter ?? "2036-01-01T00:00:00Z"),
        signingAlgorithm: issuer.key.sign,
        publicKey: spec.key.keys.publicKey,
        signingKey: issuer.key.keys.privateKey,
        extensions,
    });
    return `${cert.toString("pem")}\n`;
}

const NOW = new Date("2026-06-01T00:00:00Z");
const ROOT = "O=Example, CN=Example Root";
const INT = "O=Example, CN=cluster-a intermediate";
const INT2 = "O=Example, CN=regional intermediate";
const KEY_VALUE = "(private key)";

/** Asserts exactly the expected problems, in order: field and a distinctive part of the message. */
function assertProblems(problems: MaterialProblem[], expected: { field: string; accepted: RegExp; value?: string | RegExp }[]): void {
    assert.equal(problems.length, expected.length, JSON.stringify(problems, null, 2));
    expected.forEach((e, i) => {
        assert.equal(problems[i].field, e.field);
        assert.match(problems[i].accepted, e.accepted);
        if (typeof e.value === "string") {
            assert.equal(problems[i].value, e.value);
        } else if (e.value !== undefined) {
            assert.match(String(problems[i].value), e.value);
        }
    });
}

/** The base64 body of a PEM key: it must never appear in a problem. */
function keyBody(pem: string): string {
    return pem.split("\n").filter((l) => l !== "" && !l.startsWith("-----")).join("").slice(0, 40);
}

describe("pki material: externalRootProblems", function () {
    const F = "externalRoots[0]";
    let rootKey: Key;
    let otherKey: Key;
    let root: string;
    before(async function () {
        [rootKey, otherKey] = await Promise.all([ecKey("P-256", "SHA-256"), ecKey("P-256", "SHA-256")]);
        root = await makeCert({ subject: ROOT, key: rootKey });
    });

    it("accepts a P-256 root with its PKCS#8 key, and an offline root without a key", function () {
        assert.deepEqual(externalRootProblems(F, root, rootKey.pem, NOW), []);
        assert.deepEqual(externalRootProblems(F, root, undefined, NOW), []);
    });

    it("accepts the key as SEC1, and text around the PEM block (openssl's subject= line)", function () {
        const sec1 = rootKey.object.export({ type: "sec1", format: "pem" }).toString();
        assert.deepEqual(externalRootProblems(F, `subject=${ROOT}\n${root}`, sec1, NOW), []);
    });

    it("accepts an RSA 2048 root with a PKCS#1 key and a P-384 root", async function () {
        const [rsa, p384] = await Promise.all([rsaKey(2048), ecKey("P-384", "SHA-384")]);
        const pkcs1 = rsa.object.export({ type: "pkcs1", format: "pem" }).toString();
        assert.deepEqual(externalRootProblems(F, await makeCert({ subject: ROOT, key: rsa }), pkcs1, NOW), []);
        assert.deepEqual(externalRootProblems(F, await makeCert({ subject: ROOT, key: p384 }), p384.pem, NOW), []);
    });

    it("refuses a certPem that is empty, garbage, a private key, another block or an unparsable certificate", function () {
        const corrupt = root.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA");
        const cases: [string, string, RegExp, string | RegExp][] = [
            ["empty", "   \n", /^it is empty; expected the PEM of one self-signed root CA certificate$/, "(empty)"],
            ["garbage", "garbage", /no -----BEGIN CERTIFICATE----- block/, "(7 characters, no PEM block)"],
            ["a key", rootKey.pem, /private key \(PRIVATE KEY\) pasted where a certificate belongs.*the key goes in privateKeyPem/, KEY_VALUE],
            ["a public key", crypto.createPublicKey(rootKey.object).export({ type: "spki", format: "pem" }).toString(), /is a PUBLIC KEY, not a CERTIFICATE/, "(PUBLIC KEY block)"],
            ["a corrupt certificate", corrupt, /does not parse as an X\.509 certificate/, "(the PEM block)"],
        ];
        assert.equal(cases.length, 5);
        for (const [name, pem, accepted, value] of cases) {
            const problems = externalRootProblems(F, pem, undefined, NOW);
            assertProblems(problems, [{ field: `${F}.certPem`, accepted, value }]);
            assert.ok(!JSON.stringify(problems).includes(keyBody(rootKey.pem)), name);
        }
    });

    it("refuses two certificates where the root alone is expected", async function () {
        const other = await makeCert({ subject: "CN=Other Root", key: otherKey });
        assertProblems(externalRootProblems(F, root + other, undefined, NOW), [
            { field: `${F}.certPem`, accepted: /expected exactly one certificate, the root/, value: `2 certificates (${ROOT}; CN=Other Root)` },
        ]);
    });

    it("refuses a certificate that is not a CA: cA false, keyUsage without keyCertSign, no extensions", async function () {
        const certs = await Promise.all([
            makeCert({ subject: ROOT, key: rootKey, ca: false }),
            makeCert({ subject: ROOT, key: rootKey, keyUsage: x509.KeyUsageFlags.digitalSignature }),
            makeCert({ subject: ROOT, key: rootKey, ca: null, keyUsage: null }),
        ]);
        assert.equal(certs.length, 3);
        for (const pem of certs) {
            assertProblems(externalRootProblems(F, pem, rootKey.pem, NOW), [
                { field: `${F}.certPem`, accepted: /^it is not a CA certificate: expected basicConstraints CA:TRUE and, when a keyUsage extension is present, keyCertSign/, value: ROOT },
            ]);
        }
    });

    it("refuses a root that is not self-signed: another issuer, another key, mismatched key identifiers", async function () {
        const issued = await makeCert({ subject: INT, key: rootKey, issuer: { subject: "CN=Real Root", key: otherKey } });
        assertProblems(externalRootProblems(F, issued, undefined, NOW), [
            { field: `${F}.certPem`, accepted: /^it is not self-signed: its issuer is CN=Real Root; expected a root CA certificate whose issuer is its subject$/, value: INT },
        ]);
        const forged = await makeCert({ subject: ROOT, key: rootKey, issuer: { subject: ROOT, key: otherKey } });
        assertProblems(externalRootProblems(F, forged, undefined, NOW), [
            { field: `${F}.certPem`, accepted: /its signature does not verify with its own public key/, value: /^O=Example, CN=Example Root \(SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\)$/ },
        ]);
        const badAki = await makeCert({ subject: ROOT, key: rootKey, akiFrom: otherKey });
        assertProblems(externalRootProblems(F, badAki, undefined, NOW), [
            { field: `${F}.certPem`, accepted: /authority key identifier does not match its subject key identifier/ },
        ]);
    });

    it("refuses an expired root and one not yet valid, naming the date", function () {
        assertProblems(externalRootProblems(F, root, undefined, new Date("2036-01-01T00:00:00Z")), [
            { field: `${F}.certPem`, accepted: /^it has expired at 2036-01-01T00:00:00Z/, value: `${ROOT} notAfter 2036-01-01T00:00:00Z` },
        ]);
        assertProblems(externalRootProblems(F, root, undefined, new Date("2025-12-31T23:59:59Z")), [
            { field: `${F}.certPem`, accepted: /^it is not yet valid at 2025-12-31T23:59:59Z/, value: `${ROOT} notBefore 2026-01-01T00:00:00Z` },
        ]);
        assert.deepEqual(externalRootProblems(F, root, undefined, new Date("2035-12-31T23:59:59Z")), []);
    });

    it("refuses key algorithms Istio's CA cannot sign with: P-521, RSA 1024, Ed25519", async function () {
        const keys = await Promise.all([ecKey("P-521", "SHA-512"), rsaKey(1024), makeKey({ name: "Ed25519" }, { name: "Ed25519" })]);
        const expected = [/its key is an EC key on curve secp521r1; Istio's CA signs with EC P-256 or P-384, or RSA of at least 2048 bits/, /its key is an RSA key of 1024 bits/, /its key is of type ed25519; Istio/];
        assert.equal(keys.length, expected.length);
        for (let i = 0; i < keys.length; i++) {
            const pem = await makeCert({ subject: ROOT, key: keys[i] });
            assertProblems(externalRootProblems(F, pem, keys[i].pem, NOW), [{ field: `${F}.certPem`, accepted: expected[i], value: ROOT }]);
        }
    });

    it("refuses a private key that is not the root's, encrypted, a certificate, two keys, garbage or empty", function () {
        const encrypted = rootKey.object.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }).toString();
        const cases: [string, RegExp, string][] = [
            [otherKey.pem, /^it is not the key of externalRoots\[0\]\.certPem \(O=Example, CN=Example Root, SHA-256 [0-9A-F:]+\): their public keys differ$/, KEY_VALUE],
            [encrypted, /^the private key is encrypted or unreadable; supply an unencrypted PKCS#8\/PKCS#1\/SEC1 PEM$/, KEY_VALUE],
            [root, /^a certificate is pasted where the private key belongs; expected only the private key of externalRoots\[0\]\.certPem/, ROOT],
            [rootKey.pem + root, /^it holds a certificate besides the private key/, ROOT],
            [rootKey.pem + otherKey.pem, /^it holds 2 private keys; expected exactly one/, KEY_VALUE],
            ["not a key", /^it does not parse: no -----BEGIN \.\.\. PRIVATE KEY----- block; supply an unencrypted/, KEY_VALUE],
            [crypto.createPublicKey(rootKey.object).export({ type: "spki", format: "pem" }).toString(), /^it does not parse: a PUBLIC KEY block and no private key/, KEY_VALUE],
            ["", /^it is empty; expected the private key of externalRoots\[0\]\.certPem/, KEY_VALUE],
        ];
        assert.equal(cases.length, 8);
        for (const [pem, accepted, value] of cases) {
            const problems = externalRootProblems(F, root, pem, NOW);
            assertProblems(problems, [{ field: `${F}.privateKeyPem`, accepted, value }]);
            const shown = JSON.stringify(problems);
            assert.ok(!shown.includes(keyBody(rootKey.pem)) && !shown.includes(keyBody(otherKey.pem)) && !shown.includes("-----BEGIN PRIVATE KEY-----"), shown);
        }
    });

    it("reports certificate and key problems together", function () {
        assertProblems(externalRootProblems(F, "garbage", "garbage", NOW), [
            { field: `${F}.certPem`, accepted: /no -----BEGIN CERTIFICATE----- block/ },
            { field: `${F}.privateKeyPem`, accepted: /no -----BEGIN \.\.\. PRIVATE KEY----- block/ },
        ]);
    });
});

describe("pki material: signedIntermediateProblems", function () {
    const F = "clusters[1].intermediate";
    const C = `${F}.certPem`;
    const K = `${F}.privateKeyPem`;
    let rootKey: Key;
    let intKey: Key;
    let int2Key: Key;
    let otherKey: Key;
    let root: string;
    let int: string;
    let int1: string;
    let int2: string;
    before(async function () {
        [rootKey, intKey, int2Key, otherKey] = await Promise.all([1, 2, 3, 4].map(() => ecKey("P-256", "SHA-256")));
        root = await makeCert({ subject: ROOT, key: rootKey });
        const rootIssuer = { subject: ROOT, key: rootKey };
        [int, int2] = await Promise.all([
            makeCert({ subject: INT, key: intKey, issuer: rootIssuer, notAfter: "2031-01-01T00:00:00Z" }),
            makeCert({ subject: INT2, key: int2Key, issuer: rootIssuer, notAfter: "2033-01-01T00:00:00Z" }),
        ]);
        int1 = await makeCert({ subject: INT, key: intKey, issuer: { subject: INT2, key: int2Key }, notAfter: "2031-01-01T00:00:00Z" });
    });

    it("accepts an intermediate signed by the offline root, and an intermediate followed by its issuer", function () {
        assert.deepEqual(signedIntermediateProblems(F, int, intKey.pem, root, NOW), []);
        assert.deepEqual(signedIntermediateProblems(F, int1 + int2, intKey.pem, root, NOW), []);
    });

    it("refuses a chain that does not verify to the root", async function () {
        const stranger = await makeCert({ subject: INT, key: intKey, issuer: { subject: ROOT, key: otherKey }, notAfter: "2031-01-01T00:00:00Z" });
        const byRoot = /^the chain does not verify: it is not signed by the root, O=Example, CN=Example Root \(SHA-256 [0-9A-F:]+\)/;
        assertProblems(signedIntermediateProblems(F, stranger, intKey.pem, root, NOW), [{ field: C, accepted: byRoot, value: INT }]);
        // The issuing intermediate left out.
        assertProblems(signedIntermediateProblems(F, int1, intKey.pem, root, NOW), [{ field: C, accepted: byRoot, value: INT }]);
        // Issuers in the wrong order: the first is not signed by the second, the second not by the root.
        assertProblems(signedIntermediateProblems(F, int2 + int1, int2Key.pem, root, NOW), [
            { field: C, accepted: /it is not signed by the next certificate, certificate 2 of 2 \(O=Example, CN=cluster-a intermediate\)/, value: `certificate 1 of 2 (${INT2})` },
            { field: C, accepted: byRoot, value: `certificate 2 of 2 (${INT})` },
        ]);
    });

    it("refuses the root itself at the end of the chain", function () {
        assertProblems(signedIntermediateProblems(F, int + root, intKey.pem, root, NOW), [
            { field: C, accepted: /^it is the root itself; list only the intermediates up to \(not including\) the root/, value: /^certificate 2 of 2 \(O=Example, CN=Example Root\) \(SHA-256 / },
        ]);
    });

    it("refuses an intermediate that outlives its root, has expired, or is not a CA", async function () {
        const rootIssuer = { subject: ROOT, key: rootKey };
        const [long, expired, leaf] = await Promise.all([
            makeCert({ subject: INT, key: intKey, issuer: rootIssuer, notAfter: "2036-01-01T00:00:01Z" }),
            makeCert({ subject: INT, key: intKey, issuer: rootIssuer, notAfter: "2026-05-01T00:00:00Z" }),
            makeCert({ subject: INT, key: intKey, issuer: rootIssuer, ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature }),
        ]);
        assertProblems(signedIntermediateProblems(F, long, intKey.pem, root, NOW), [
            { field: C, accepted: /^it outlives its root \(O=Example, CN=Example Root, notAfter 2036-01-01T00:00:00Z\)/, value: `${INT} notAfter 2036-01-01T00:00:01Z` },
        ]);
        assertProblems(signedIntermediateProblems(F, expired, intKey.pem, root, NOW), [
            { field: C, accepted: /^it has expired at 2026-06-01T00:00:00Z/, value: `${INT} notAfter 2026-05-01T00:00:00Z` },
        ]);
        assertProblems(signedIntermediateProblems(F, leaf, intKey.pem, root, NOW), [{ field: C, accepted: /^it is not a CA certificate/, value: INT }]);
    });

    it("refuses an intermediate whose key Istio cannot sign with", async function () {
        const rsa = await rsaKey(1024);
        const weak = await makeCert({ subject: INT, key: rsa, issuer: { subject: ROOT, key: rootKey }, notAfter: "2031-01-01T00:00:00Z" });
        assertProblems(signedIntermediateProblems(F, weak, rsa.pem, root, NOW), [{ field: C, accepted: /its key is an RSA key of 1024 bits/, value: INT }]);
    });

    it("refuses bad certificate PEMs and a key that is not the first certificate's", function () {
        assertProblems(signedIntermediateProblems(F, intKey.pem, intKey.pem, root, NOW), [{ field: C, accepted: /private key \(PRIVATE KEY\) pasted where a certificate belongs/, value: KEY_VALUE }]);
        assertProblems(signedIntermediateProblems(F, "garbage", intKey.pem, root, NOW), [{ field: C, accepted: /no -----BEGIN CERTIFICATE----- block/ }]);
        assertProblems(signedIntermediateProblems(F, int1 + int2, int2Key.pem, root, NOW), [
            { field: K, accepted: /^it is not the key of the first certificate of clusters\[1\]\.intermediate\.certPem \(O=Example, CN=cluster-a intermediate, SHA-256 /, value: KEY_VALUE },
        ]);
        assertProblems(signedIntermediateProblems(F, int, int, root, NOW), [{ field: K, accepted: /a certificate is pasted where the private key belongs/, value: INT }]);
    });

    it("skips the checks against the root when the root does not parse (externalRootProblems reports it)", function () {
        assert.deepEqual(signedIntermediateProblems(F, int1 + int2, intKey.pem, "garbage", NOW), []);
        assertProblems(signedIntermediateProblems(F, int2 + int1, int2Key.pem, "garbage", NOW), [{ field: C, accepted: /not signed by the next certificate/ }]);
    });
});

describe("pki material: caCertificateSummary and intermediateWithinRootProblem", function () {
    let root: string;
    let other: string;
    before(async function () {
        const [k1, k2] = await Promise.all([ecKey("P-256", "SHA-256"), ecKey("P-256", "SHA-256")]);
        root = await makeCert({ subject: ROOT, key: k1, notBefore: "2026-01-01T00:00:00Z", notAfter: "2036-01-01T00:00:00Z" });
        other = await makeCert({ subject: "CN=Other", key: k2 });
    });

    it("summarises the first certificate of a PEM", function () {
        const summary = caCertificateSummary(`junk\n${root}${other}`);
        assert.ok(summary !== undefined);
        assert.equal(summary.subject, ROOT);
        assert.equal(summary.notBefore.toISOString(), "2026-01-01T00:00:00.000Z");
        assert.equal(summary.notAfter.toISOString(), "2036-01-01T00:00:00.000Z");
        assert.equal(summary.fingerprintSha256, new crypto.X509Certificate(root).fingerprint256);
        assert.match(summary.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    });

    it("has no summary for text without a readable certificate", function () {
        assert.equal(caCertificateSummary("garbage"), undefined);
        assert.equal(caCertificateSummary(""), undefined);
        assert.equal(caCertificateSummary("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), undefined);
    });

    it("refuses an intermediate validity longer than the root's whole lifetime, and accepts one as long; the verdict does not depend on the clock", function () {
        const F = "clusters[1].intermediate.validityHours";
        // 2026-01-01 to 2036-01-01: 3652 days = 87648 hours.
        assert.equal(intermediateWithinRootProblem(F, 87648, root), undefined);
        assert.equal(intermediateWithinRootProblem(F, 24, root), undefined);
        assert.deepEqual(intermediateWithinRootProblem(F, 87649, root), {
            field: F,
            value: 87649,
            accepted: "expected at most 87648 hours: the root O=Example, CN=Example Root is valid for 87648 hours in all (2026-01-01T00:00:00Z to 2036-01-01T00:00:00Z), and an intermediate must not outlive the root that signs it",
        });
        assert.equal(intermediateWithinRootProblem(F, 1_000_000, "garbage"), undefined);
    });

});
