import { KeyAlgorithm } from "./types";

/**
 * The arguments of a `tls.PrivateKey` as plain data. The curve is always explicit: the provider
 * defaults to P224.
 */
export interface PrivateKeyPlan {
    /** `ECDSA` or `RSA`. */
    algorithm: "ECDSA" | "RSA";
    /** Set for ECDSA keys. */
    ecdsaCurve?: "P256" | "P384";
    /** Set for RSA keys. */
    rsaBits?: number;
}

/**
 * tls.PrivateKey arguments for a KeyAlgorithm. Every key is always present (undefined where it does not
 * apply), so arguments computed from an Output algorithm carry the same keys as any other.
 */
export function privateKeyArgs(algorithm: KeyAlgorithm): PrivateKeyPlan {
    switch (algorithm) {
        case KeyAlgorithm.EcdsaP256:
            return { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: undefined };
        case KeyAlgorithm.EcdsaP384:
            return { algorithm: "ECDSA", ecdsaCurve: "P384", rsaBits: undefined };
        case KeyAlgorithm.Rsa2048:
            return { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 2048 };
        case KeyAlgorithm.Rsa3072:
            return { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 3072 };
        case KeyAlgorithm.Rsa4096:
            return { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: 4096 };
    }
}

/** Whether the algorithm is RSA (TLS servers with RSA keys also need keyEncipherment). */
export function isRsa(algorithm: KeyAlgorithm): boolean {
    return algorithm === KeyAlgorithm.Rsa2048 || algorithm === KeyAlgorithm.Rsa3072 || algorithm === KeyAlgorithm.Rsa4096;
}
