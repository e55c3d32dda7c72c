// Real CA material for tests that supply their own root (bring-your-own and offline-root paths): an
// ECDSA P-256 root and intermediates signed by it, made with @peculiar/x509 over node's webcrypto.
import "reflect-metadata";
import * as crypto from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** A CA certificate with its key, as PEM. */
export interface TestCa {
    /** Subject common name. */
    commonName: string;
    /** PEM of the certificate. */
    certPem: string;
    /** PEM (PKCS#8) of its private key. */
    keyPem: string;
    /** The key pair, to sign further certificates. */
    keys: crypto.webcrypto.CryptoKeyPair;
}

/** Validity window of a test certificate, relative to now (days). */
export interface TestValidity {
    /** Days before now it starts. @default 1 */
    fromDaysAgo?: number;
    /** Days from now it ends (negative: already expired). @default 3650 */
    untilDays?: number;
}

const DAY = 86_400_000;

const CA_USAGES: x509.KeyUsageFlags = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;

/** A CA certificate: self-signed when `issuer` is absent, else signed by it. */
export async function makeCa(commonName: string, issuer?: TestCa, validity: TestValidity = {}, ca = true): Promise<TestCa> {
    const keys = await crypto.webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: crypto.randomBytes(8).toString("hex").replace(/^[89a-f]/, "1"),
        subject: `CN=${commonName}`,
        issuer: issuer ? `CN=${issuer.commonName}` : `CN=${commonName}`,
        notBefore: new Date(now - (validity.fromDaysAgo ?? 1) * DAY),
        notAfter: new Date(now + (validity.untilDays ?? 3650) * DAY),
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: (issuer?.keys ?? keys).privateKey,
        extensions: [
            new x509.BasicConstraintsExtension(ca, undefined, true),
            new x509.KeyUsagesExtension(ca ? CA_USAGES : x509.KeyUsageFlags.digitalSignature, true),
        ],
    });
    const keyPem = crypto.KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
    return { commonName, certPem: cert.toString("pem") + "\n", keyPem, keys };
}
