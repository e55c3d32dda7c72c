// The arguments of the pki components, apart from the components so the pure plans can read them
// without importing the components (no module cycle).
import * as pulumi from "@pulumi/pulumi";
import { CaRotationState, IssuerMaterial, KeyAlgorithm, RotationPhase } from "./types";

/** Arguments of a Certificate. */
export interface CertificateArgs {
    /** The CA that signs, usually `CertificateAuthority.issuer`. */
    issuer: pulumi.Input<IssuerMaterial>;
    /** Subject common name. 1 to 64 characters. */
    commonName: pulumi.Input<string>;
    /** Subject organization (O). */
    organization?: pulumi.Input<string>;
    /** DNS subject alternative names, lower case; a leading `*.` wildcard is allowed. */
    dnsNames?: pulumi.Input<string[]>;
    /** URI subject alternative names, e.g. SPIFFE IDs. */
    uris?: pulumi.Input<string[]>;
    /** IP address subject alternative names. */
    ipAddresses?: pulumi.Input<string[]>;
    /**
     * Usable by a TLS server (extended key usage serverAuth).
     * @default true
     */
    serverAuth?: pulumi.Input<boolean>;
    /**
     * Usable by a TLS client (extended key usage clientAuth), as mTLS clients need.
     * @default false
     */
    clientAuth?: pulumi.Input<boolean>;
    /**
     * Key algorithm of the certificate's key.
     * @default KeyAlgorithm.EcdsaP256
     */
    keyAlgorithm?: pulumi.Input<KeyAlgorithm>;
    /**
     * Validity in hours.
     * @default 2160 (90 days)
     */
    validityHours?: pulumi.Input<number>;
    /**
     * Re-issue (new certificate, same key) at the first `pulumi up` once this many hours of validity
     * remain. Must be less than `validityHours`.
     * @default 720 (30 days)
     */
    earlyRenewalHours?: pulumi.Input<number>;
}

/** An intermediate CA under the root: the root signs it, it signs every leaf. */
export interface IntermediateCaArgs {
    /**
     * Common name of the intermediate; the generation and a random suffix are appended.
     * @default "<the CA's commonName> intermediate"
     */
    commonName?: pulumi.Input<string>;
    /**
     * Validity of the intermediate certificate, in hours; at most the root's `validityHours`, so at issuance
     * (root and intermediate are issued together) the intermediate never outlives its root. A re-issue by
     * `earlyRenewalHours` starts a fresh `validityHours` from the re-issue and can reach past the root's
     * `notAfter`: rotate to a new `generation` before the root has less than this left.
     * @default 43800 (5 years)
     */
    validityHours?: pulumi.Input<number>;
    /**
     * Re-issue the intermediate (same key) when this many hours of validity remain, at the next `pulumi up`.
     * @default 4380 (6 months)
     */
    earlyRenewalHours?: pulumi.Input<number>;
}

/** A generated root's settings, shared by CertificateAuthority and FleetCertificateAuthority. */
export interface GeneratedRootArgs {
    /**
     * Common name of the root; ` g<generation> <random hex>` is appended so two generations never share
     * a subject. At most 40 characters.
     * @default "meshtls root CA"
     */
    commonName?: pulumi.Input<string>;
    /** Organization (O) of the CA subjects. */
    organization?: pulumi.Input<string>;
    /**
     * Key algorithm of the CA keys.
     * @default KeyAlgorithm.EcdsaP256
     */
    keyAlgorithm?: pulumi.Input<KeyAlgorithm>;
    /**
     * Validity of the root certificate, in hours.
     * @default 87600 (10 years)
     */
    validityHours?: pulumi.Input<number>;
    /**
     * Re-issue the root (same key, same subject, so existing chains still verify) when this many hours of
     * validity remain, at the next `pulumi up`. Must be less than `validityHours`. Off by default: a
     * re-issued root changes Istio's `root-cert.pem`, which istiod (1.30) ignores until it is restarted
     * (sdk/posture/rules/istiodRootChange.ts, istio 1.30.3 pilot/pkg/bootstrap/istio_ca.go),
     * with or without multi-root trust, and a later rotation is then ignored too. Renew the root by
     * rotating to a new `generation` before it expires (README, rotation runbook). Set it only for a CA
     * that istiod does not use, or restart istiod after each re-issue (a warning says when).
     * @default 0 (never re-issued in place)
     */
    earlyRenewalHours?: pulumi.Input<number>;
}

/** Where a CA's staged rotation stands, shared by CertificateAuthority and FleetCertificateAuthority. */
export interface CaRotationArgs {
    /**
     * The CA generation, a whole number from 1 to 1000000. Raise it by one to start a rotation. Resource
     * names carry it, so generations coexist in state while both are trusted.
     * @default 1
     */
    generation?: number;
    /** The generation being rotated away from. Required in `TrustNew` and `ServeNew`; absent in `Stable`. */
    previousGeneration?: number;
    /**
     * Where the rotation stands.
     * @default RotationPhase.Stable
     */
    rotationPhase?: RotationPhase;
    /**
     * The rotation state of the last deployment (its `rotationState` output), to refuse a step that
     * breaks trust: every leaf served before the step must verify against the bundle after it, and every
     * leaf issued after it against the bundle before it. Stable g1 -> ServeNew g2, Stable g1 -> Stable g2
     * and TrustNew g2 -> Stable g2 are refused (and their rollback mirrors); the error names the step to
     * take instead. A known value is checked before anything is registered; an Output inside an apply that
     * fails the deployment (at preview too, once known); unknown at preview is not an error. The root
     * program feeds it from the stack's own previous outputs (README, rotation runbook).
     * @default no previous state: every step allowed (a first deploy)
     */
    previousRotationState?: pulumi.Input<CaRotationState>;
}

/** Arguments of a CertificateAuthority. */
export interface CertificateAuthorityArgs extends GeneratedRootArgs, CaRotationArgs {
    /** When set, the root signs this intermediate and the intermediate signs every leaf. */
    intermediate?: IntermediateCaArgs;
}

/**
 * A root supplied from outside (an existing corporate root, e.g. from stack config secrets) for one
 * generation of a FleetCertificateAuthority, instead of a generated one.
 */
export interface ExternalRootArgs {
    /** The generation this root is (a generation the fleet uses in its current phase). */
    generation: number;
    /** PEM of the root certificate: one self-signed CA certificate, valid now. */
    certPem: pulumi.Input<string>;
    /**
     * PEM private key of `certPem` (unencrypted PKCS#8, PKCS#1 or SEC1): meshtls then signs each cluster's
     * intermediate with it, and the key is stored (as a secret) in Pulumi state. Omit it for an offline
     * root: each cluster then supplies its intermediate, already signed, in `signedIntermediates`, and the
     * root key never enters Pulumi state.
     */
    privateKeyPem?: pulumi.Input<string>;
}

/** A cluster's intermediate CA signed outside Pulumi by an offline root (ExternalRootArgs without a key). */
export interface SignedIntermediateArgs {
    /** The generation whose (offline) root signed it. */
    generation: number;
    /**
     * PEM of the intermediate certificate, optionally followed by further intermediates up to (not
     * including) the root. It must be a CA, valid now, chain to that generation's root and not outlive it.
     */
    certPem: pulumi.Input<string>;
    /** PEM private key of the first certificate of `certPem` (unencrypted). Kept secret end to end. */
    privateKeyPem: pulumi.Input<string>;
}

/** One cluster of a fleet: its own intermediate CA under the fleet's root, and its trust domain. */
export interface FleetClusterArgs {
    /**
     * The cluster's name: a DNS label of at most 27 characters, unique in the fleet. It names the
     * cluster's resources (`<ca>-<cluster>-g<generation>-intermediate`) and its entry in `issuers`.
     */
    name: string;
    /**
     * SPIFFE trust domain of the cluster's mesh. Clusters may share one or each have their own; where they
     * differ, every cluster lists the others' as `trustDomainAliases` (the `clusters` output).
     * @default the fleet's `trustDomain`
     */
    trustDomain?: pulumi.Input<string>;
    /**
     * The cluster's generated intermediate (each field falls back to the fleet's `intermediate`).
     * @default common name "<cluster> intermediate", the fleet's intermediate validity
     */
    intermediate?: IntermediateCaArgs;
    /**
     * Intermediates signed outside Pulumi, one per generation whose root is offline (an `externalRoots`
     * entry without `privateKeyPem`); only for those generations.
     */
    signedIntermediates?: SignedIntermediateArgs[];
}

/** Arguments of a FleetCertificateAuthority: one root, one intermediate per cluster, one rotation for the fleet. */
export interface FleetCertificateAuthorityArgs extends GeneratedRootArgs, CaRotationArgs {
    /** The clusters, at least one. Each gets its own intermediate, signed by the root of every generation in use. */
    clusters: FleetClusterArgs[];
    /**
     * SPIFFE trust domain of every cluster that does not set its own.
     * @default "cluster.local"
     */
    trustDomain?: pulumi.Input<string>;
    /**
     * Settings of every cluster's generated intermediate, unless the cluster sets its own.
     * @default validity 43800 hours (5 years), re-issued in its last 4380 hours
     */
    intermediate?: IntermediateCaArgs;
    /**
     * Roots supplied from outside, by generation; a generation without an entry gets a generated root.
     * Moving from a generated root to a corporate one is a rotation to a new generation.
     */
    externalRoots?: ExternalRootArgs[];
    /**
     * One stack per cluster: each cluster stack's last exported `rotationState`, by cluster name. The
     * fleet refuses a step that would leave a cluster more than one step behind it (ServeNew before every
     * cluster trusts the new root; Stable before every cluster serves from it). A cluster with no state
     * yet does not block. Checked before registration when known, else inside an apply.
     * @default no cluster states: the one-program fleet, where every cluster follows the CA
     */
    clusterRotationStates?: pulumi.Input<{ [cluster: string]: CaRotationState }>;
}
