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

/** Facts about the first certificate of a PEM string, read with node:crypto (no hand-parsed ASN.1). */
export function certificateFacts(pem: string): CertificateFacts {
    const cert = new X509Certificate(pem);
    return {
        fingerprintSha256: cert.fingerprint256,
        notAfter: new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"),
        serialNumber: cert.serialNumber.toUpperCase(),
    };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each as its own PEM (block boundaries only; no ASN.1 parsing). */
export function pemCertificates(bundle: string): string[] {
    return (bundle.match(PEM_CERTIFICATE) ?? []).map((block) => `${block}\n`);
}

/** SHA-256 fingerprints of every certificate in a PEM bundle, in bundle order. */
export function bundleFingerprints(bundle: string): string[] {
    return pemCertificates(bundle).map((pem) => certificateFacts(pem).fingerprintSha256);
}

/** Joins PEM blocks with exactly one newline after each, skipping empty ones. */
export function joinPem(...blocks: string[]): string {
    return blocks
        .map((b) => b.trim())
        .filter((b) => b.length > 0)
        .map((b) => `${b}\n`)
        .join("");
}
