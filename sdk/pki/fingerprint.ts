// The one home of certificate facts and fingerprints. Every component (CertificateAuthority,
// Certificate, IstioMesh, GlooMtls, MtlsPlatform) reads them through here, so a PEM seen by several
// of them (a trust bundle, a root) is parsed once.
import { X509Certificate } from "node:crypto";

/** What meshtls reports about a certificate. */
export interface CertificateFacts {
    /** SHA-256 over the DER, upper-case colon hex, as `openssl x509 -noout -fingerprint -sha256` prints it. */
    fingerprintSha256: string;
    /** End of validity, ISO 8601 in UTC without fractional seconds, e.g. `2036-11-22T18:00:00Z`. */
    notAfter: string;
    /** Serial number, upper-case hex without separators, as `openssl x509 -noout -serial` prints it. */
    serialNumber: string;
}

/** How many PEMs the facts cache keeps; the least recently used one leaves first. */
export const FACTS_CACHE_SIZE = 512;

const factsCache = new Map<string, Readonly<CertificateFacts>>();

function factsOf(pem: string): Readonly<CertificateFacts> {
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
        notAfter: new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"),
        serialNumber: cert.serialNumber.toUpperCase(),
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
 */
export function certificateFacts(pem: string): CertificateFacts {
    return { ...factsOf(pem) };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each as its own PEM (block boundaries only; no ASN.1 parsing). */
export function pemCertificates(bundle: string): string[] {
    return (bundle.match(PEM_CERTIFICATE) ?? []).map((block) => `${block}\n`);
}

/** SHA-256 fingerprints of every certificate in a PEM bundle, in bundle order (memoised per certificate). */
export function bundleFingerprints(bundle: string): string[] {
    return pemCertificates(bundle).map((pem) => factsOf(pem).fingerprintSha256);
}

/** Joins PEM blocks with exactly one newline after each, skipping empty ones. */
export function joinPem(...blocks: string[]): string {
    return blocks
        .map((b) => b.trim())
        .filter((b) => b.length > 0)
        .map((b) => `${b}\n`)
        .join("");
}

/**
 * The problem, if any, of a leaf whose certificate ends after its issuer's: peers stop trusting it when
 * the issuer expires, whatever the leaf says. Compares the issued certificates' own dates, so it holds
 * whenever the leaf was issued. Undefined when the issuer's PEM holds no certificate to compare with.
 */
export function leafOutlivesIssuer(leafPem: string, issuerPem: string): { leafNotAfter: string; issuerNotAfter: string } | undefined {
    const issuer = pemCertificates(issuerPem);
    if (issuer.length === 0) {
        return undefined;
    }
    const leafNotAfter = factsOf(leafPem).notAfter;
    const issuerNotAfter = factsOf(issuer[0]).notAfter;
    return leafNotAfter > issuerNotAfter ? { leafNotAfter, issuerNotAfter } : undefined;
}
