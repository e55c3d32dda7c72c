// Every default of the pki components, defined once. Plans read them from here; other products
// (e.g. GlooMtls for its xDS leaf) import them through "../pki".
import { KeyAlgorithm, RotationPhase } from "./types";

/** Validity and early renewal of one kind of certificate, in hours. */
export interface ValidityDefaults {
    /** Validity in hours. */
    readonly validityHours: number;
    /** Re-issue when this many hours of validity remain. */
    readonly earlyRenewalHours: number;
}

/** Key algorithm of every key meshtls creates unless told otherwise (never the tls provider's P224). */
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = KeyAlgorithm.EcdsaP256;

/**
 * Root CA certificate: 10 years, never re-issued in place. A re-issued root (same key, new certificate)
 * changes istiod's `root-cert.pem` from {R1} to {R1'}, which istiod ignores until it restarts
 * (sdk/posture/rules/istiodRootChange.ts); a root is replaced by a rotation (`generation`) instead.
 */
export const ROOT_DEFAULTS: ValidityDefaults = Object.freeze({ validityHours: 87600, earlyRenewalHours: 0 });

/** Intermediate CA certificate: 5 years, re-issued in its last 6 months. */
export const INTERMEDIATE_DEFAULTS: ValidityDefaults = Object.freeze({ validityHours: 43800, earlyRenewalHours: 4380 });

/** Leaf certificate: 90 days, re-issued in its last 30 days. */
export const LEAF_DEFAULTS: ValidityDefaults = Object.freeze({ validityHours: 2160, earlyRenewalHours: 720 });

/** Common name of the root; the plan appends ` g<generation> <random hex>`. */
export const DEFAULT_ROOT_COMMON_NAME = "meshtls root CA";

/** Appended to the root's common name to name the intermediate when it has no common name of its own. */
export const INTERMEDIATE_COMMON_NAME_SUFFIX = " intermediate";

/** Longest CA common name accepted (before the generation and random suffix are appended). */
export const CA_COMMON_NAME_MAX = 40;

/** Longest leaf common name accepted (the X.509 upper bound for CN). */
export const LEAF_COMMON_NAME_MAX = 64;

/** Longest organization (O) accepted (the X.509 upper bound). */
export const ORGANIZATION_MAX = 64;

/** The first CA generation. */
export const DEFAULT_GENERATION = 1;

/** Rotation phase when none is given: one generation, trusted and signing. */
export const DEFAULT_ROTATION_PHASE: RotationPhase = RotationPhase.Stable;

/** Bytes of the random subject suffix of each CA generation (8 hex characters). */
export const SUBJECT_SUFFIX_BYTES = 4;

/** Key usages of every CA certificate (root and intermediate). */
export const CA_KEY_USAGES: readonly string[] = Object.freeze(["cert_signing", "crl_signing", "digital_signature"]);

/** Leaf usages when none are given: a TLS server certificate. */
export const LEAF_USAGE_DEFAULTS: Readonly<{ serverAuth: boolean; clientAuth: boolean }> = Object.freeze({ serverAuth: true, clientAuth: false });

/**
 * Highest generation accepted: the number goes into resource names (`<name>-g<generation>-root`), so a
 * value such as 1e21 (printed `1e+21`) is a mistake, not a plan.
 */
export const MAX_GENERATION = 1_000_000;

/**
 * Longest validity accepted for any certificate, in hours (100 years): far beyond any sane lifetime and
 * well before X.509's last encodable date (year 9999), which a value such as 1e8 hours overshoots.
 */
export const MAX_VALIDITY_HOURS = 876_000;
