import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { privateKeyArgs } from "./keys";
import { ArgsValidator } from "../internal/validation";
import { certificateFacts, joinPem } from "./fingerprint";
import { IssuerMaterial, KeyAlgorithm, RotationPhase } from "./types";

const TYPE = "meshtls:index:CertificateAuthority";
const ROOT_DEFAULTS = { validityHours: 87600, earlyRenewalHours: 8760 };
const INTERMEDIATE_DEFAULTS = { validityHours: 43800, earlyRenewalHours: 4380 };

/** An intermediate CA under the root: the root signs it, it signs every leaf. */
export interface IntermediateCaArgs {
    /**
     * Common name of the intermediate; the generation and a random suffix are appended.
     * @default "<the CA's commonName> intermediate"
     */
    commonName?: string;
    /**
     * Validity of the intermediate certificate, in hours.
     * @default 43800 (5 years)
     */
    validityHours?: number;
    /**
     * Re-issue the intermediate (same key) when this many hours of validity remain, at the next `pulumi up`.
     * @default 4380 (6 months)
     */
    earlyRenewalHours?: number;
}

/** Arguments of a CertificateAuthority. */
export interface CertificateAuthorityArgs {
    /**
     * Common name of the root; ` g<generation> <random hex>` is appended so two generations never share
     * a subject. At most 40 characters.
     * @default "meshtls root CA"
     */
    commonName?: string;
    /** Organization (O) of the CA subjects. */
    organization?: string;
    /**
     * Key algorithm of the CA keys.
     * @default KeyAlgorithm.EcdsaP256
     */
    keyAlgorithm?: KeyAlgorithm;
    /**
     * Validity of the root certificate, in hours.
     * @default 87600 (10 years)
     */
    validityHours?: number;
    /**
     * Re-issue the root (same key, same subject, so existing chains still verify) when this many hours of
     * validity remain, at the next `pulumi up`. Must be less than `validityHours`. Replacing the root is
     * done with a rotation (`generation`), not with this.
     * @default 8760 (1 year)
     */
    earlyRenewalHours?: number;
    /** When set, the root signs this intermediate and the intermediate signs every leaf. */
    intermediate?: IntermediateCaArgs;
    /**
     * The CA generation. Raise it by one to start a rotation. Resource names carry it, so generations
     * coexist in state while both are trusted.
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
}

/** The keys and certificates of one CA generation. */
interface Generation {
    generation: number;
    rootCertPem: pulumi.Output<string>;
    signerCertPem: pulumi.Output<string>;
    signerKeyPem: pulumi.Output<string>;
    intermediatesPem: pulumi.Output<string>;
}

/**
 * A root CA (and optional intermediate) made with @pulumi/tls, with staged rotation by generation.
 *
 * Rotation, one pull request per step: (1) `generation: 2, previousGeneration: 1, rotationPhase:
 * TrustNew` adds generation 2 and trusts both roots while generation 1 still signs; (2) `ServeNew`:
 * generation 2 signs; (3) `Stable` without `previousGeneration`: generation 1 is deleted and only its
 * root leaves the bundle. Rolling back is the same move in reverse (swap the two numbers).
 */
export class CertificateAuthority extends pulumi.ComponentResource {
    /** PEM of the signing CA certificate (the intermediate when there is one) of the signing generation. */
    public readonly certPem!: pulumi.Output<string>;
    /** PEM private key of `certPem`. Secret. */
    public readonly privateKeyPem!: pulumi.Output<string>;
    /** PEM of the signing generation's root. */
    public readonly rootCertPem!: pulumi.Output<string>;
    /** Every trusted root, concatenated PEM: the previous generation's first during a rotation. */
    public readonly trustBundlePem!: pulumi.Output<string>;
    /** SHA-256 fingerprint of `certPem` (upper-case colon hex). */
    public readonly fingerprintSha256!: pulumi.Output<string>;
    /** SHA-256 fingerprints of the roots in `trustBundlePem`, in bundle order. */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** End of validity of `certPem`, ISO 8601 UTC. */
    public readonly notAfter!: pulumi.Output<string>;
    /** Serial number of `certPem`, upper-case hex. */
    public readonly serialNumber!: pulumi.Output<string>;
    /** The generation that signs in the current phase. */
    public readonly signingGeneration!: pulumi.Output<number>;
    /** What other components need to issue from and trust this CA. Secret as a whole (it holds the key). */
    public readonly issuer!: pulumi.Output<IssuerMaterial>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planRotation(name, args);
        super(TYPE, name, args, opts);

        const generations = plan.generations.map((g) => this.makeGeneration(name, g, args));
        const signer = generations[plan.generations.indexOf(plan.signing)];
        const roots = generations.map((g) => g.rootCertPem);

        this.certPem = signer.signerCertPem;
        this.privateKeyPem = pulumi.secret(signer.signerKeyPem);
        this.rootCertPem = signer.rootCertPem;
        this.trustBundlePem = pulumi.all(roots).apply((pems) => joinPem(...pems));
        this.trustBundleFingerprints = pulumi.all(roots).apply((pems) => pems.map((p) => certificateFacts(p).fingerprintSha256));
        const facts = this.certPem.apply(certificateFacts);
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notAfter = facts.notAfter;
        this.serialNumber = facts.serialNumber;
        this.signingGeneration = pulumi.output(plan.signing);
        this.issuer = pulumi.output({
            certPem: this.certPem,
            privateKeyPem: this.privateKeyPem,
            caChainPem: pulumi.all([signer.intermediatesPem, signer.rootCertPem]).apply(([i, r]) => joinPem(i, r)),
            intermediatesPem: signer.intermediatesPem,
            rootCertPem: this.rootCertPem,
            trustBundlePem: this.trustBundlePem,
        });

        this.registerOutputs({
            certPem: this.certPem,
            privateKeyPem: this.privateKeyPem,
            rootCertPem: this.rootCertPem,
            trustBundlePem: this.trustBundlePem,
            fingerprintSha256: this.fingerprintSha256,
            trustBundleFingerprints: this.trustBundleFingerprints,
            notAfter: this.notAfter,
            serialNumber: this.serialNumber,
            signingGeneration: this.signingGeneration,
            issuer: this.issuer,
        });
    }

    private makeGeneration(name: string, g: number, args: CertificateAuthorityArgs): Generation {
        const prefix = `${name}-g${g}`;
        const algorithm = args.keyAlgorithm ?? KeyAlgorithm.EcdsaP256;
        const caUses = ["cert_signing", "crl_signing", "digital_signature"];
        // The suffix lives in state, so the subject is stable across runs yet unique per generation.
        const suffix = new random.RandomId(`${prefix}-id`, { byteLength: 4, keepers: { generation: String(g) } }, { parent: this });
        const subjectName = (base: string) => suffix.hex.apply((hex) => `${base} g${g} ${hex}`);
        const rootKey = new tls.PrivateKey(`${prefix}-root-key`, privateKeyArgs(algorithm), { parent: this });
        const rootCn = args.commonName ?? "meshtls root CA";
        const root = new tls.SelfSignedCert(
            `${prefix}-root`,
            {
                privateKeyPem: rootKey.privateKeyPem,
                subject: { commonName: subjectName(rootCn), organization: args.organization },
                isCaCertificate: true,
                allowedUses: caUses,
                validityPeriodHours: args.validityHours ?? ROOT_DEFAULTS.validityHours,
                earlyRenewalHours: args.earlyRenewalHours ?? ROOT_DEFAULTS.earlyRenewalHours,
            },
            { parent: this },
        );
        if (!args.intermediate) {
            return {
                generation: g,
                rootCertPem: root.certPem,
                signerCertPem: root.certPem,
                signerKeyPem: rootKey.privateKeyPem,
                intermediatesPem: pulumi.output(""),
            };
        }
        const im = args.intermediate;
        const imKey = new tls.PrivateKey(`${prefix}-intermediate-key`, privateKeyArgs(algorithm), { parent: this });
        const csr = new tls.CertRequest(
            `${prefix}-intermediate-csr`,
            {
                privateKeyPem: imKey.privateKeyPem,
                subject: { commonName: subjectName(im.commonName ?? `${rootCn} intermediate`), organization: args.organization },
            },
            { parent: this },
        );
        const intermediate = new tls.LocallySignedCert(
            `${prefix}-intermediate`,
            {
                certRequestPem: csr.certRequestPem,
                caCertPem: root.certPem,
                caPrivateKeyPem: rootKey.privateKeyPem,
                isCaCertificate: true,
                allowedUses: caUses,
                validityPeriodHours: im.validityHours ?? INTERMEDIATE_DEFAULTS.validityHours,
                earlyRenewalHours: im.earlyRenewalHours ?? INTERMEDIATE_DEFAULTS.earlyRenewalHours,
            },
            { parent: this },
        );
        return {
            generation: g,
            rootCertPem: root.certPem,
            signerCertPem: intermediate.certPem,
            signerKeyPem: imKey.privateKeyPem,
            intermediatesPem: intermediate.certPem.apply((p) => joinPem(p)),
        };
    }
}

/** Which generations exist and which one signs; validates every argument first. */
function planRotation(name: string, args: CertificateAuthorityArgs): { generations: number[]; signing: number } {
    const v = new ArgsValidator(TYPE, name);
    const generation = args.generation ?? 1;
    const phase = args.rotationPhase ?? RotationPhase.Stable;
    v.nonEmpty("commonName", args.commonName, 40);
    if (args.organization !== undefined) {
        v.nonEmpty("organization", args.organization, 64);
    }
    v.enumValue("keyAlgorithm", args.keyAlgorithm, KeyAlgorithm);
    v.validity("", args.validityHours, args.earlyRenewalHours, ROOT_DEFAULTS);
    if (args.intermediate) {
        v.nonEmpty("intermediate.commonName", args.intermediate.commonName, 40);
        v.validity("intermediate.", args.intermediate.validityHours, args.intermediate.earlyRenewalHours, INTERMEDIATE_DEFAULTS);
    }
    v.integer("generation", args.generation, 1);
    v.integer("previousGeneration", args.previousGeneration, 1);
    const phaseOk = v.enumValue("rotationPhase", args.rotationPhase, RotationPhase);
    if (phaseOk && phase !== RotationPhase.Stable && args.previousGeneration === undefined) {
        v.fail("previousGeneration", undefined, `it is required in rotationPhase ${phase}: the generation being rotated away from (e.g. ${Math.max(1, generation - 1)})`);
    }
    if (phaseOk && phase === RotationPhase.Stable && args.previousGeneration !== undefined) {
        v.fail(
            "previousGeneration",
            args.previousGeneration,
            `it must be absent in rotationPhase Stable: removing it is what deletes generation ${args.previousGeneration}; to keep both roots trusted use TrustNew or ServeNew`,
        );
    }
    if (args.previousGeneration !== undefined && args.previousGeneration === generation) {
        v.fail("previousGeneration", args.previousGeneration, `it must differ from generation (${generation})`);
    }
    v.throwIfInvalid();
    if (phase === RotationPhase.Stable) {
        return { generations: [generation], signing: generation };
    }
    const previous = args.previousGeneration ?? generation;
    return { generations: [previous, generation], signing: phase === RotationPhase.TrustNew ? previous : generation };
}
