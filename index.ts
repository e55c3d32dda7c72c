// The main program: the meshtls platform from stack config. It grows with each component; today it
// creates the platform CA and exports what a reviewer checks in a rotation pull request.
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, RotationPhase } from "./sdk";

/** Stack config `meshtls:ca`. */
interface CaConfig {
    commonName?: string;
    organization?: string;
    generation?: number;
    previousGeneration?: number;
    rotationPhase?: RotationPhase;
    intermediate?: boolean;
}

const config = new pulumi.Config("meshtls");
const caConfig = config.getObject<CaConfig>("ca") ?? {};

const ca = new CertificateAuthority("meshtls-ca", {
    commonName: caConfig.commonName,
    organization: caConfig.organization,
    generation: caConfig.generation,
    previousGeneration: caConfig.previousGeneration,
    rotationPhase: caConfig.rotationPhase,
    intermediate: caConfig.intermediate ? {} : undefined,
});

/** SHA-256 fingerprint of the signing CA certificate. */
export const caFingerprintSha256 = ca.fingerprintSha256;
/** Fingerprints of every trusted root, in bundle order. */
export const trustBundleFingerprints = ca.trustBundleFingerprints;
/** End of validity of the signing CA certificate. */
export const caNotAfter = ca.notAfter;
/** The generation that signs now. */
export const signingGeneration = ca.signingGeneration;
