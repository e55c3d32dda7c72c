import * as tls from "@pulumi/tls";
import { KeyAlgorithm } from "./types";

/** tls.PrivateKey arguments for a KeyAlgorithm. The curve is always explicit: the provider defaults to P224. */
export function privateKeyArgs(algorithm: KeyAlgorithm): tls.PrivateKeyArgs {
    switch (algorithm) {
        case KeyAlgorithm.EcdsaP256:
            return { algorithm: "ECDSA", ecdsaCurve: "P256" };
        case KeyAlgorithm.EcdsaP384:
            return { algorithm: "ECDSA", ecdsaCurve: "P384" };
        case KeyAlgorithm.Rsa2048:
            return { algorithm: "RSA", rsaBits: 2048 };
        case KeyAlgorithm.Rsa3072:
            return { algorithm: "RSA", rsaBits: 3072 };
        case KeyAlgorithm.Rsa4096:
            return { algorithm: "RSA", rsaBits: 4096 };
    }
}

/** Whether the algorithm is RSA (TLS servers with RSA keys also need keyEncipherment). */
export function isRsa(algorithm: KeyAlgorithm): boolean {
    return algorithm === KeyAlgorithm.Rsa2048 || algorithm === KeyAlgorithm.Rsa3072 || algorithm === KeyAlgorithm.Rsa4096;
}
