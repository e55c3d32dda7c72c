// Checks of bring-your-own CA material for the fleet CA: an external root (a corporate root from stack
// config secrets, with or without its key) and a cluster's already-signed intermediate (offline root).
// Each problem names the field as the caller passes it, the offending value (a subject, a date, a
// fingerprint; never key material) and what is accepted, in ArgsValidator.fail terms.
//
// Certificates and keys are read with node:crypto only: PEM framing is split here, the DER inside is
// parsed by OpenSSL (X509Certificate, createPrivateKey), never by hand. `X509Certificate.ca` is OpenSSL's
// X509_check_ca, which is false both without basicConstraints CA:TRUE and when a keyUsage extension
// lacks keyCertSign, so one check covers both (Node 20's `keyUsage` accessor is the *extended* key usage;
// @peculiar/x509 is only an optional peer dependency, so the two causes are not told apart).
//
// Known gap: OpenSSL also counts a certificate with keyUsage keyCertSign and no basicConstraints at all
// as a CA (X509_check_ca returns 4), while Go's IsCA, so istiod, does not; telling them apart needs the
// extension itself, i.e. ASN.1, so such a certificate passes here.
//
// What istiod does with plugged-in CA material, read at istio/istio 1.30.3:
// - security/pkg/pki/ca/ca.go NewPluggedCertIstioCAOptions: the signing certificate must be a CA
//   ("certificate is not authorized to sign other certificates"); minTTL: a workload certificate never
//   outlives the signing chain, and "cert chain has expired" stops signing.
// - security/pkg/pki/util/keycertbundle.go Verify: the signing certificate must verify through cert-chain
//   to root-cert (x509 Verify), the key must parse and match the certificate (tls.X509KeyPair).
// - security/pkg/pki/util/crypto.go ParsePemEncodedKey: key PEM blocks "EC PRIVATE KEY" (SEC1),
//   "RSA PRIVATE KEY" (PKCS#1) and "PRIVATE KEY" (PKCS#8), unencrypted.
// Key algorithms: istiod's plugged-CA path does not refuse a key type itself, so the accepted set is the
// one Istio's PKI code models, and meshtls keeps to it: generate_cert.go (SupportedEllipticCurves P256 and
// P384, "only ECDSA is currently supported" besides RSA), generate_csr.go (MinimumRsaKeySize = 2048),
// keycertbundle.go CertOptions (any CA key but RSA or ECDSA is an "unknown private key type"), and
// crypto.go GetEllipticCurve with ca.go GenKeyCert (an EC CA key other than P-384 is taken as P-256, so a
// P-521 CA would silently hand out P-256 keys). Hence EC P-256/P-384 and RSA >= 2048 only.
// Pure: no Pulumi, no I/O.
import { type KeyObject, X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { certificateFacts } from "./fingerprint";

/** One problem with supplied material, in ArgsValidator.fail terms. */
export interface MaterialProblem {
    /** The argument path as the user wrote it, e.g. `externalRoots[0].certPem`. */
    field: string;
    /** The offending value: a subject, a date, a fingerprint or a number of hours; `(private key)` for key problems, never key material. */
    value: string | number;
    /** What is wrong and what would be accepted. */
    accepted: string;
}

/** Facts of a parsed CA certificate the caller needs later. */
export interface CaCertificateSummary {
    /** The subject on one line, e.g. `O=Example, CN=Example Root CA`. */
    subject: string;
    /** Start of validity. */
    notBefore: Date;
    /** End of validity. */
    notAfter: Date;
    /** SHA-256 over the DER, upper-case colon hex (as `openssl x509 -noout -fingerprint -sha256` prints it). */
    fingerprintSha256: string;
}

/** The value shown for a problem with a private key: key material is never echoed. */
const KEY_VALUE = "(private key)";

/** What an unreadable key must be replaced by (the block types of istio's crypto.go ParsePemEncodedKey). */
const KEY_FORMATS = "supply an unencrypted PKCS#8/PKCS#1/SEC1 PEM";

/** The key algorithms accepted for a CA, as the problems say it. */
const KEY_ALGORITHMS = "Istio's CA signs with EC P-256 or P-384, or RSA of at least 2048 bits";

/** The smallest RSA modulus accepted (istio 1.30.3 security/pkg/pki/util/generate_csr.go MinimumRsaKeySize). */
export const MIN_RSA_BITS = 2048;

/** The EC curves accepted, P-256 and P-384 (OpenSSL names, as KeyObject.asymmetricKeyDetails.namedCurve reports them). */
const ACCEPTED_CURVES: ReadonlySet<string> = new Set(["prime256v1", "secp384r1"]);

/** One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, ...) and its text including the armour. */
interface PemBlock {
    label: string;
    text: string;
}

/** The PEM blocks of `pem` in order; text around them (openssl's `subject=` lines, bag attributes) is ignored. */
function pemBlocks(pem: string): PemBlock[] {
    const blocks: PemBlock[] = [];
    for (const m of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)) {
        blocks.push({ label: m[1], text: m[0] });
    }
    return blocks;
}

/** Whether a PEM label is a private key of any kind (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, ...). */
function isPrivateKeyLabel(label: string): boolean {
    return label.endsWith("PRIVATE KEY");
}

/** ISO 8601 in UTC without fractional seconds, as the rest of meshtls prints dates. */
function iso(d: Date): string {
    return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The subject of a certificate on one line (node prints one attribute per line). */
function oneLineSubject(cert: X509Certificate): string {
    return cert.subject.split("\n").filter((s) => s !== "").join(", ");
}

/** SHA-256 fingerprint, computed in its one home (fingerprint.ts) so every fingerprint meshtls shows matches. */
function fingerprint(cert: X509Certificate): string {
    return certificateFacts(cert.toString()).fingerprintSha256;
}

function notBefore(cert: X509Certificate): Date {
    return new Date(cert.validFrom);
}

function notAfter(cert: X509Certificate): Date {
    return new Date(cert.validTo);
}

/** How a certificate is shown in a problem: its subject, with its position when the PEM holds several. */
function describe(cert: X509Certificate, index: number, count: number): string {
    return count > 1 ? `certificate ${index + 1} of ${count} (${oneLineSubject(cert)})` : oneLineSubject(cert);
}

/** Why a public key cannot be a CA key for Istio, or undefined when it can. */
function keyAlgorithmRefusal(key: KeyObject): string | undefined {
    const type = key.asymmetricKeyType;
    if (type === "ec") {
        const curve = key.asymmetricKeyDetails?.namedCurve ?? "unknown";
        return !ACCEPTED_CURVES.has(curve) ? `an EC key on curve ${curve}` : undefined;
    }
    if (type === "rsa") {
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        return bits < MIN_RSA_BITS ? `an RSA key of ${bits} bits` : undefined;
    }
    return `of type ${type ?? "unknown"}`;
}

/** The certificates of a PEM, or the problems that keep it from being read. */
function readCertificates(field: string, pem: string, expected: string): { certs: X509Certificate[]; problems: MaterialProblem[] } {
    if (pem.trim() === "") {
        return { certs: [], problems: [{ field, value: "(empty)", accepted: `it is empty; expected the PEM of ${expected}` }] };
    }
    const blocks = pemBlocks(pem);
    if (blocks.length === 0) {
        // The text is not echoed: it could be a key pasted without its armour.
        return {
            certs: [],
            problems: [{ field, value: `(${pem.length} characters, no PEM block)`, accepted: `it does not parse: no -----BEGIN CERTIFICATE----- block; expected the PEM of ${expected}` }],
        };
    }
    const certs: X509Certificate[] = [];
    const problems: MaterialProblem[] = [];
    blocks.forEach((b, i) => {
        const at = blocks.length > 1 ? `block ${i + 1} of ${blocks.length}` : "the PEM block";
        if (isPrivateKeyLabel(b.label)) {
            problems.push({ field, value: KEY_VALUE, accepted: `${at} is a private key (${b.label}) pasted where a certificate belongs; expected only certificates (${expected}); the key goes in privateKeyPem` });
        } else if (b.label !== "CERTIFICATE") {
            problems.push({ field, value: `(${b.label} block)`, accepted: `${at} is a ${b.label}, not a CERTIFICATE; expected the PEM of ${expected}` });
        } else {
            try {
                certs.push(new X509Certificate(b.text));
            } catch {
                problems.push({ field, value: `(${at})`, accepted: `${at} does not parse as an X.509 certificate; expected the PEM of ${expected}` });
            }
        }
    });
    return { certs: problems.length === 0 ? certs : [], problems };
}

/** The private key of a PEM, or the problems that keep it from being read. */
function readPrivateKey(field: string, pem: string, certField: string): { key?: KeyObject; problems: MaterialProblem[] } {
    const fail = (accepted: string): { problems: MaterialProblem[] } => ({ problems: [{ field, value: KEY_VALUE, accepted }] });
    if (pem.trim() === "") {
        return fail(`it is empty; expected the private key of ${certField} (${KEY_FORMATS})`);
    }
    const blocks = pemBlocks(pem);
    const keyBlocks = blocks.filter((b) => isPrivateKeyLabel(b.label));
    const certBlocks = blocks.filter((b) => b.label === "CERTIFICATE");
    if (certBlocks.length > 0) {
        let shown = "(certificate)";
        try {
            shown = oneLineSubject(new X509Certificate(certBlocks[0].text));
        } catch {
            // An unreadable certificate is still a certificate in the wrong place.
        }
        const what = keyBlocks.length === 0 ? "a certificate is pasted where the private key belongs" : "it holds a certificate besides the private key";
        return { problems: [{ field, value: shown, accepted: `${what}; expected only the private key of ${certField} (the certificate goes in ${certField})` }] };
    }
    if (keyBlocks.length === 0) {
        const others = blocks.map((b) => b.label);
        const found = others.length === 0 ? "no -----BEGIN ... PRIVATE KEY----- block" : `a ${others.join(", ")} block and no private key`;
        return fail(`it does not parse: ${found}; ${KEY_FORMATS}`);
    }
    if (keyBlocks.length > 1) {
        return fail(`it holds ${keyBlocks.length} private keys; expected exactly one, the key of ${certField}`);
    }
    try {
        // No passphrase is given, so an encrypted key throws here instead of prompting.
        return { key: createPrivateKey(keyBlocks[0].text), problems: [] };
    } catch {
        return fail(`the private key is encrypted or unreadable; ${KEY_FORMATS}`);
    }
}

/** Whether `key` is the private key of `cert` (same SPKI DER). */
function keyMatches(key: KeyObject, cert: X509Certificate): boolean {
    const spki = (k: KeyObject): Buffer => k.export({ type: "spki", format: "der" });
    return spki(createPublicKey(key)).equals(spki(cert.publicKey));
}

/** Problems of one CA certificate on its own: CA flag, validity at `now`, key algorithm. */
function caCertificateProblems(field: string, cert: X509Certificate, shown: string, now: Date): MaterialProblem[] {
    const problems: MaterialProblem[] = [];
    if (!cert.ca) {
        problems.push({
            field,
            value: shown,
            accepted: "it is not a CA certificate: expected basicConstraints CA:TRUE and, when a keyUsage extension is present, keyCertSign in it (istiod refuses a signing certificate that is not a CA)",
        });
    }
    const from = notBefore(cert);
    const to = notAfter(cert);
    if (from.getTime() > now.getTime()) {
        problems.push({ field, value: `${shown} notBefore ${iso(from)}`, accepted: `it is not yet valid at ${iso(now)}; expected a certificate valid now` });
    }
    if (to.getTime() <= now.getTime()) {
        problems.push({ field, value: `${shown} notAfter ${iso(to)}`, accepted: `it has expired at ${iso(now)}; expected a certificate valid now` });
    }
    const refusal = keyAlgorithmRefusal(cert.publicKey);
    if (refusal !== undefined) {
        problems.push({ field, value: shown, accepted: `its key is ${refusal}; ${KEY_ALGORITHMS}` });
    }
    return problems;
}

/** The first certificate of a PEM, or undefined when the PEM holds none that parses. */
function firstCertificate(pem: string): X509Certificate | undefined {
    const block = pemBlocks(pem).find((b) => b.label === "CERTIFICATE");
    if (block === undefined) {
        return undefined;
    }
    try {
        return new X509Certificate(block.text);
    } catch {
        return undefined;
    }
}

/**
 * An external root. `field` is the argument path prefix as the user wrote it, e.g. "externalRoots[0]"
 * (problems use `${field}.certPem` / `${field}.privateKeyPem`). privateKeyPem undefined = offline root.
 *
 * @param field Argument path prefix of the root, e.g. `externalRoots[0]`.
 * @param certPem The root certificate: exactly one, self-signed, a CA, valid at `now`, EC P-256/P-384 or RSA >= 2048.
 * @param privateKeyPem The root's key (meshtls signs intermediates with it), or undefined for an offline root.
 * @param now The time validity is checked at.
 */
export function externalRootProblems(field: string, certPem: string, privateKeyPem: string | undefined, now: Date): MaterialProblem[] {
    const certField = `${field}.certPem`;
    const keyField = `${field}.privateKeyPem`;
    const read = readCertificates(certField, certPem, "one self-signed root CA certificate");
    const problems = [...read.problems];
    let root: X509Certificate | undefined;
    if (read.certs.length > 1) {
        const subjects = read.certs.map((c) => oneLineSubject(c)).join("; ");
        problems.push({ field: certField, value: `${read.certs.length} certificates (${subjects})`, accepted: "expected exactly one certificate, the root; intermediates belong to each cluster's signed intermediate" });
    } else if (read.certs.length === 1) {
        root = read.certs[0];
        const shown = oneLineSubject(root);
        problems.push(...caCertificateProblems(certField, root, shown, now));
        if (root.issuer !== root.subject) {
            problems.push({ field: certField, value: shown, accepted: `it is not self-signed: its issuer is ${root.issuer.split("\n").filter((s) => s !== "").join(", ")}; expected a root CA certificate whose issuer is its subject` });
        } else if (!root.verify(root.publicKey)) {
            problems.push({ field: certField, value: `${shown} (SHA-256 ${fingerprint(root)})`, accepted: "it is not self-signed: its signature does not verify with its own public key; expected a root CA certificate signed by its own key" });
        } else if (root.ca && !root.checkIssued(root)) {
            // Names and signature agree, so OpenSSL's X509_check_issued objects to the key identifiers.
            problems.push({ field: certField, value: `${shown} (SHA-256 ${fingerprint(root)})`, accepted: "it is not self-issued: its authority key identifier does not match its subject key identifier; expected a root CA certificate" });
        }
    }
    if (privateKeyPem !== undefined) {
        const key = readPrivateKey(keyField, privateKeyPem, certField);
        problems.push(...key.problems);
        if (key.key !== undefined && root !== undefined && !keyMatches(key.key, root)) {
            problems.push({ field: keyField, value: KEY_VALUE, accepted: `it is not the key of ${certField} (${oneLineSubject(root)}, SHA-256 ${fingerprint(root)}): their public keys differ` });
        }
    }
    return problems;
}

/**
 * A cluster's already-signed intermediate for an offline (or external) root: certPem is the intermediate,
 * optionally followed by further intermediates up to (not including) the root; rootCertPem is that
 * generation's root (already checked by externalRootProblems).
 *
 * When rootCertPem holds no readable certificate, the checks that need the root are skipped (its own
 * problems come from externalRootProblems).
 *
 * @param field Argument path prefix of the intermediate, e.g. `clusters[1].intermediate`.
 * @param certPem The signing intermediate first, then each issuer up to (not including) the root.
 * @param privateKeyPem The key of the first certificate of `certPem`.
 * @param rootCertPem The generation's root certificate.
 * @param now The time validity is checked at.
 */
export function signedIntermediateProblems(field: string, certPem: string, privateKeyPem: string, rootCertPem: string, now: Date): MaterialProblem[] {
    const certField = `${field}.certPem`;
    const keyField = `${field}.privateKeyPem`;
    const root = firstCertificate(rootCertPem);
    const read = readCertificates(certField, certPem, "the intermediate CA certificate, optionally followed by its issuers up to (not including) the root");
    const problems = [...read.problems];
    const chain = read.certs;
    const count = chain.length;
    chain.forEach((cert, i) => {
        const shown = describe(cert, i, count);
        if (root !== undefined && fingerprint(cert) === fingerprint(root)) {
            problems.push({ field: certField, value: `${shown} (SHA-256 ${fingerprint(cert)})`, accepted: "it is the root itself; list only the intermediates up to (not including) the root, which meshtls appends" });
            return;
        }
        problems.push(...caCertificateProblems(certField, cert, shown, now));
        if (root !== undefined && notAfter(cert).getTime() > notAfter(root).getTime()) {
            problems.push({
                field: certField,
                value: `${shown} notAfter ${iso(notAfter(cert))}`,
                accepted: `it outlives its root (${oneLineSubject(root)}, notAfter ${iso(notAfter(root))}); expected an intermediate that ends no later than the root`,
            });
        }
        const issuer = i + 1 < count ? chain[i + 1] : root;
        if (issuer === undefined) {
            return;
        }
        if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
            const by = i + 1 < count
                ? `the next certificate, ${describe(issuer, i + 1, count)}`
                : `the root, ${oneLineSubject(issuer)} (SHA-256 ${fingerprint(issuer)})`;
            problems.push({
                field: certField,
                value: shown,
                accepted: `the chain does not verify: it is not signed by ${by}; expected the intermediate, then each issuer in order, the last one signed by the root`,
            });
        }
    });
    const key = readPrivateKey(keyField, privateKeyPem, certField);
    problems.push(...key.problems);
    if (key.key !== undefined && count > 0 && !keyMatches(key.key, chain[0])) {
        problems.push({ field: keyField, value: KEY_VALUE, accepted: `it is not the key of the first certificate of ${certField} (${oneLineSubject(chain[0])}, SHA-256 ${fingerprint(chain[0])}): their public keys differ` });
    }
    return problems;
}

/** Summary of the first certificate of a PEM (undefined when it does not parse). */
export function caCertificateSummary(certPem: string): CaCertificateSummary | undefined {
    const cert = firstCertificate(certPem);
    if (cert === undefined) {
        return undefined;
    }
    return { subject: oneLineSubject(cert), notBefore: notBefore(cert), notAfter: notAfter(cert), fingerprintSha256: fingerprint(cert) };
}

/**
 * Problem when an intermediate of `validityHours` would be valid longer than the root that signs it is
 * valid in all (its notBefore to notAfter): the rule a generated root gets by comparing lengths, so the
 * verdict does not change with the clock between two identical runs. An intermediate issued or re-issued
 * late in the root's life can still reach past the root's notAfter; `certificate-expiry-budget` reports a
 * certificate that outlives its issuer. `field` e.g. `clusters[1].intermediate.validityHours`.
 */
export function intermediateWithinRootProblem(field: string, validityHours: number, rootCertPem: string): MaterialProblem | undefined {
    const root = firstCertificate(rootCertPem);
    if (root === undefined) {
        return undefined;
    }
    const lifetime = Math.floor((notAfter(root).getTime() - notBefore(root).getTime()) / 3_600_000);
    if (validityHours <= lifetime) {
        return undefined;
    }
    return {
        field,
        value: validityHours,
        accepted: `expected at most ${lifetime} hours: the root ${oneLineSubject(root)} is valid for ${lifetime} hours in all (${iso(notBefore(root))} to ${iso(notAfter(root))}), and an intermediate must not outlive the root that signs it`,
    };
}
