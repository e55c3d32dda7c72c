// The one home of certificate facts and fingerprints. Every component (CertificateAuthority,
// Certificate, IstioMesh, GlooMtls, MtlsPlatform) reads them through here, so a PEM seen by several
// of them (a trust bundle, a root) is parsed once.
//
// A PEM with no certificate in it (undefined, empty, or text without a `BEGIN CERTIFICATE` line) has
// empty facts instead of an error: mocks written as Pulumi's unit-testing guide shows echo a tls
// resource's inputs back as its state, so `certPem` is undefined there, and a component's construction
// must not fail on it. A PEM that has a certificate block node cannot parse still throws: the tls
// provider never returns one, so it is a defect worth failing the deployment for.
import { X509Certificate } from "node:crypto";

/** What meshtls reports about a certificate. Every field is "" when there is no certificate (see `certificateFacts`). */
export interface CertificateFacts {
    /** SHA-256 over the DER, upper-case colon hex, as `openssl x509 -noout -fingerprint -sha256` prints it. */
    fingerprintSha256: string;
    /** End of validity, ISO 8601 in UTC without fractional seconds, e.g. `2036-11-22T18:00:00Z`. */
    notAfter: string;
    /** Serial number, upper-case hex without separators, as `openssl x509 -noout -serial` prints it. */
    serialNumber: string;
    /** Start of validity, ISO 8601 in UTC without fractional seconds, like `notAfter`. */
    notBefore: string;
    /**
     * The issuer's name: its subject common name (the first `CN`), or, when the issuer's subject has no
     * CN, the whole subject as node:crypto prints it, one attribute per line joined with ", " (e.g.
     * `O=Example, OU=PKI`). A self-signed certificate's issuer is its own subject.
     */
    issuer: string;
    /** This certificate's own subject name, in the form of `issuer`: the `issuer` of every certificate it signs. */
    subject: string;
}

/** The facts of a PEM that holds no certificate: every field empty. */
const NO_FACTS: Readonly<CertificateFacts> = Object.freeze({ fingerprintSha256: "", notAfter: "", serialNumber: "", notBefore: "", issuer: "", subject: "" });

const PEM_CERTIFICATE_BEGIN = "-----BEGIN CERTIFICATE-----";

/**
 * Whether a PEM string holds a certificate to read. Typed loosely on purpose: an Output typed `string`
 * resolves to undefined when a mock returns no such property.
 */
function hasCertificate(pem: string | undefined): pem is string {
    return typeof pem === "string" && pem.includes(PEM_CERTIFICATE_BEGIN);
}

/** How many PEMs the facts cache keeps; the least recently used one leaves first. */
export const FACTS_CACHE_SIZE = 512;

const factsCache = new Map<string, Readonly<CertificateFacts>>();

/** An X509Certificate date (`validFrom`/`validTo`, second precision) as ISO 8601 UTC without fractions. */
function isoSeconds(x509Date: string): string {
    return new Date(x509Date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A name as `CertificateFacts.issuer` reports it. node:crypto prints a name one `KEY=value` attribute per
 * line; the CN is what meshtls sets (and what `openssl x509 -issuer` users look for), the rest a fallback.
 */
function distinguishedName(printed: string): string {
    const attributes = printed.split("\n").filter((line) => line.length > 0);
    const cn = attributes.find((line) => line.startsWith("CN="));
    return cn !== undefined ? cn.slice("CN=".length) : attributes.join(", ");
}

function factsOf(pem: string | undefined): Readonly<CertificateFacts> {
    if (!hasCertificate(pem)) {
        return NO_FACTS;
    }
    const hit = factsCache.get(pem);
    if (hit !== undefined) {
        // Re-insert so the Map's insertion order is the recency order.
        factsCache.delete(pem);
        factsCache.set(pem, hit);
        return hit;
    }
    const cert = new X509Certificate(pem);
    const facts = Object.freeze({
        fingerprintSha256: cert.fingerprint256,
        notAfter: isoSeconds(cert.validTo),
        serialNumber: cert.serialNumber.toUpperCase(),
        notBefore: isoSeconds(cert.validFrom),
        issuer: distinguishedName(cert.issuer),
        subject: distinguishedName(cert.subject),
    });
    factsCache.set(pem, facts);
    if (factsCache.size > FACTS_CACHE_SIZE) {
        const oldest = factsCache.keys().next();
        if (oldest.done !== true) {
            factsCache.delete(oldest.value);
        }
    }
    return facts;
}

/**
 * Facts about the first certificate of a PEM string, read with node:crypto (no hand-parsed ASN.1).
 * Memoised by PEM: a pure function of its argument, each call returns a fresh object.
 *
 * Without a certificate in `pem` (undefined, "", or no `-----BEGIN CERTIFICATE-----` line, as under
 * echo mocks that return a tls resource's inputs as its state) every field is "". Throws when `pem`
 * has a certificate block that node:crypto cannot parse.
 */
export function certificateFacts(pem: string | undefined): CertificateFacts {
    return { ...factsOf(pem) };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/**
 * The certificates of a PEM bundle, each as its own PEM (block boundaries only; no ASN.1 parsing).
 * None for an undefined or empty bundle.
 */
export function pemCertificates(bundle: string | undefined): string[] {
    return (typeof bundle === "string" ? (bundle.match(PEM_CERTIFICATE) ?? []) : []).map((block) => `${block}\n`);
}

/**
 * SHA-256 fingerprints of every certificate in a PEM bundle, in bundle order (memoised per certificate).
 * Empty for an undefined or empty bundle.
 */
export function bundleFingerprints(bundle: string | undefined): string[] {
    return pemCertificates(bundle).map((pem) => factsOf(pem).fingerprintSha256);
}

/** Joins PEM blocks with exactly one newline after each, skipping empty (and undefined) ones. */
export function joinPem(...blocks: Array<string | undefined>): string {
    return blocks
        .map((b) => (typeof b === "string" ? b.trim() : ""))
        .filter((b) => b.length > 0)
        .map((b) => `${b}\n`)
        .join("");
}

/**
 * The problem, if any, of a leaf whose certificate ends after its issuer's: peers stop trusting it when
 * the issuer expires, whatever the leaf says. Compares the issued certificates' own dates, so it holds
 * whenever the leaf was issued. Undefined when either PEM holds no certificate to compare with.
 */
export function leafOutlivesIssuer(leafPem: string | undefined, issuerPem: string | undefined): { leafNotAfter: string; issuerNotAfter: string } | undefined {
    const issuer = pemCertificates(issuerPem);
    if (issuer.length === 0 || !hasCertificate(leafPem)) {
        return undefined;
    }
    const leafNotAfter = factsOf(leafPem).notAfter;
    const issuerNotAfter = factsOf(issuer[0]).notAfter;
    return leafNotAfter > issuerNotAfter ? { leafNotAfter, issuerNotAfter } : undefined;
}
