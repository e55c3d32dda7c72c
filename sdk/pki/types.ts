import * as pulumi from "@pulumi/pulumi";

/** Key algorithms meshtls issues. Only what Envoy, istiod and Gloo can serve; never the tls provider's P224 default. */
export enum KeyAlgorithm {
    /** ECDSA on NIST P-256 with SHA-256 signatures. */
    EcdsaP256 = "ECDSA_P256",
    /** ECDSA on NIST P-384 with SHA-384 signatures. */
    EcdsaP384 = "ECDSA_P384",
    /** RSA, 2048-bit modulus. */
    Rsa2048 = "RSA_2048",
    /** RSA, 3072-bit modulus. */
    Rsa3072 = "RSA_3072",
    /** RSA, 4096-bit modulus. */
    Rsa4096 = "RSA_4096",
}

/**
 * Where a staged CA rotation stands. Each phase is one reviewable `pulumi up`:
 * `TrustNew` (both roots trusted, old CA signs), `ServeNew` (both trusted, new CA signs), then
 * `Stable` without `previousGeneration` (old CA removed).
 */
export enum RotationPhase {
    /** One CA generation, trusted and signing. */
    Stable = "Stable",
    /** Old and new roots trusted; the previous generation still signs. */
    TrustNew = "TrustNew",
    /** Old and new roots trusted; the new generation signs. */
    ServeNew = "ServeNew",
}

/**
 * Where a CertificateAuthority's rotation stands: its `generation`, `previousGeneration` and
 * `rotationPhase`, as `CertificateAuthority.rotationState` exports them.
 */
export interface CaRotationState {
    /** The CA generation. */
    generation: number;
    /** The generation rotated away from: set in `TrustNew` and `ServeNew`, absent in `Stable`. */
    previousGeneration?: number;
    /** The rotation phase. */
    rotationPhase: RotationPhase;
}

/**
 * The data a component needs to issue certificates from a CA and to distribute its trust. Plain data,
 * so it crosses component (and language) boundaries; `CertificateAuthority.issuer` produces it.
 */
export interface IssuerMaterial {
    /** PEM of the certificate that signs: the intermediate when there is one, else the root. */
    certPem: pulumi.Input<string>;
    /** PEM private key of `certPem`. Always treated as a secret. */
    privateKeyPem: pulumi.Input<string>;
    /** `certPem` followed by every issuer up to and including its root (Istio's `cert-chain.pem`). */
    caChainPem: pulumi.Input<string>;
    /** `certPem` and any further intermediates, without the root; empty when the root signs itself. */
    intermediatesPem: pulumi.Input<string>;
    /** PEM of the root that `certPem` chains to. */
    rootCertPem: pulumi.Input<string>;
    /** Every root to trust, concatenated PEM: during a rotation both the old and the new root. */
    trustBundlePem: pulumi.Input<string>;
}

/** IssuerMaterial split into Outputs, the key secret and the public parts not. */
export interface IssuerParts {
    /** `IssuerMaterial.certPem`, not secret. */
    certPem: pulumi.Output<string>;
    /** `IssuerMaterial.privateKeyPem`, always secret. */
    privateKeyPem: pulumi.Output<string>;
    /** `IssuerMaterial.caChainPem`, not secret. */
    caChainPem: pulumi.Output<string>;
    /** `IssuerMaterial.intermediatesPem`, not secret. */
    intermediatesPem: pulumi.Output<string>;
    /** `IssuerMaterial.rootCertPem`, not secret. */
    rootCertPem: pulumi.Output<string>;
    /** `IssuerMaterial.trustBundlePem`, not secret. */
    trustBundlePem: pulumi.Output<string>;
}

/**
 * Splits an IssuerMaterial input. An Output of the whole object is secret because it holds a key; the
 * public certificates are unsecreted here, by field, so fingerprints and trust bundles stay readable
 * in diffs while the key stays secret.
 */
export function issuerParts(issuer: pulumi.Input<IssuerMaterial>): IssuerParts {
    const all = pulumi.output(issuer);
    const publicField = (pick: (i: pulumi.Unwrap<IssuerMaterial>) => string) => pulumi.unsecret(all.apply(pick));
    return {
        certPem: publicField((i) => i.certPem),
        privateKeyPem: pulumi.secret(all.apply((i) => i.privateKeyPem)),
        caChainPem: publicField((i) => i.caChainPem),
        intermediatesPem: publicField((i) => i.intermediatesPem),
        rootCertPem: publicField((i) => i.rootCertPem),
        trustBundlePem: publicField((i) => i.trustBundlePem),
    };
}

/** The public part of an issuer, for a component's recorded inputs (never the key). */
export function publicIssuer(issuer: pulumi.Input<IssuerMaterial>): pulumi.Output<{ certPem: string; rootCertPem: string }> {
    const parts = issuerParts(issuer);
    return pulumi.output({ certPem: parts.certPem, rootCertPem: parts.rootCertPem });
}
