import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { ResolvedArgs, resolveArgs } from "../internal/inputs";
import { bundleFingerprints, certificateFacts, joinPem } from "./fingerprint";
import { CERTIFICATE_AUTHORITY_TYPE, CaGenerationPlan, CertificateAuthorityPlan, caRotationState, caSubjectCommonName, guardedRotationState, planCertificateAuthority, rootRenewalWarning } from "./plan";
import { CaRotationState, IssuerMaterial } from "./types";
import type { CertificateAuthorityArgs } from "./args";

export type { CaRotationArgs, CertificateAuthorityArgs, GeneratedRootArgs, IntermediateCaArgs } from "./args";

/** The keys and certificates of one CA generation. */
interface Generation {
    generation: number;
    rootCertPem: pulumi.Output<string>;
    signerCertPem: pulumi.Output<string>;
    signerKeyPem: pulumi.Output<string>;
    intermediatesPem: pulumi.Output<string>;
}

/**
 * A root CA (and optional intermediate) made with the Pulumi tls provider, with staged rotation by generation.
 *
 * Rotation, one pull request per step: (1) `generation: 2, previousGeneration: 1, rotationPhase:
 * TrustNew` adds generation 2 and trusts both roots while generation 1 still signs; (2) `ServeNew`:
 * generation 2 signs; (3) `Stable` without `previousGeneration`: generation 1 is deleted and only its
 * root leaves the bundle. Rolling back is the same move in reverse (swap the two numbers). Pass the
 * last deployment's `rotationState` as `previousRotationState` to have a step that breaks trust refused.
 *
 * Under mocks that echo a resource's inputs as its state (Pulumi's unit-testing guide), the tls provider
 * returns no certificate: `fingerprintSha256`, `notAfter` and `serialNumber` are then "" and
 * `trustBundleFingerprints` is empty (docs/testing.md; `meshtls/testing` makes real certificates).
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
    /**
     * This deployment's rotation state (`generation`, `previousGeneration` in TrustNew and ServeNew,
     * `rotationPhase`): export it, and pass it back as `previousRotationState` on the next deployment.
     * Fails (naming `previousRotationState`) when an Output `previousRotationState` resolves to a state
     * the step from which breaks trust.
     */
    public readonly rotationState!: pulumi.Output<CaRotationState>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(CERTIFICATE_AUTHORITY_TYPE, name, args, (a) => planCertificateAuthority(name, a));
        const plan = r.shape;
        super(CERTIFICATE_AUTHORITY_TYPE, name, args, opts);
        void pulumi.output(r.from(rootRenewalWarning)).apply((warning) => (warning === undefined ? undefined : pulumi.log.warn(warning, this)));

        const generations = plan.generations.map((g, i) => this.makeGeneration(r, plan, g, i));
        const signer = generations[plan.generations.findIndex((g) => g.generation === plan.signingGeneration)];
        const roots = generations.map((g) => g.rootCertPem);

        this.certPem = signer.signerCertPem;
        this.privateKeyPem = pulumi.secret(signer.signerKeyPem);
        this.rootCertPem = signer.rootCertPem;
        this.trustBundlePem = pulumi.all(roots).apply((pems) => joinPem(...pems));
        this.trustBundleFingerprints = this.trustBundlePem.apply(bundleFingerprints);
        const facts = this.certPem.apply(certificateFacts);
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notAfter = facts.notAfter;
        this.serialNumber = facts.serialNumber;
        this.signingGeneration = pulumi.output(plan.signingGeneration);
        this.issuer = pulumi.output({
            certPem: this.certPem,
            privateKeyPem: this.privateKeyPem,
            caChainPem: pulumi.all([signer.intermediatesPem, signer.rootCertPem]).apply(([i, r]) => joinPem(i, r)),
            intermediatesPem: signer.intermediatesPem,
            rootCertPem: this.rootCertPem,
            trustBundlePem: this.trustBundlePem,
        });

        this.rotationState = guardedRotationState(CERTIFICATE_AUTHORITY_TYPE, name, args.previousRotationState, caRotationState(plan));

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
            rotationState: this.rotationState,
        });
    }

    private makeGeneration(r: ResolvedArgs<CertificateAuthorityPlan>, plan: CertificateAuthorityPlan, g: CaGenerationPlan, i: number): Generation {
        // The suffix lives in state, so the subject is stable across runs yet unique per generation.
        const suffix = new random.RandomId(g.idName, { byteLength: plan.subjectSuffixBytes, keepers: g.idKeepers }, { parent: this });
        const subjectName = (base: pulumi.Input<string>) => pulumi.all([suffix.hex, base]).apply(([hex, b]) => caSubjectCommonName(b, g.generation, hex));
        const privateKey = r.args((p) => p.privateKey);
        const rootKey = new tls.PrivateKey(g.root.keyName, privateKey, { parent: this });
        const root = new tls.SelfSignedCert(
            g.root.certName,
            {
                privateKeyPem: rootKey.privateKeyPem,
                subject: { commonName: subjectName(r.from((p) => p.generations[i].root.commonNameBase)), organization: r.from((p) => p.organization) },
                isCaCertificate: true,
                allowedUses: plan.caUses,
                ...r.args((p) => ({ validityPeriodHours: p.generations[i].root.validityHours, earlyRenewalHours: p.generations[i].root.earlyRenewalHours })),
            },
            { parent: this },
        );
        const im = g.intermediate;
        if (!im) {
            return {
                generation: g.generation,
                rootCertPem: root.certPem,
                signerCertPem: root.certPem,
                signerKeyPem: rootKey.privateKeyPem,
                intermediatesPem: pulumi.output(""),
            };
        }
        const imKey = new tls.PrivateKey(im.keyName, privateKey, { parent: this });
        const csr = new tls.CertRequest(
            im.csrName,
            {
                privateKeyPem: imKey.privateKeyPem,
                subject: { commonName: subjectName(r.from((p) => p.generations[i].intermediate?.commonNameBase ?? "")), organization: r.from((p) => p.organization) },
            },
            { parent: this },
        );
        const intermediate = new tls.LocallySignedCert(
            im.certName,
            {
                certRequestPem: csr.certRequestPem,
                caCertPem: root.certPem,
                caPrivateKeyPem: rootKey.privateKeyPem,
                isCaCertificate: true,
                allowedUses: plan.caUses,
                ...r.args((p) => ({ validityPeriodHours: p.generations[i].intermediate?.validityHours ?? 0, earlyRenewalHours: p.generations[i].intermediate?.earlyRenewalHours ?? 0 })),
            },
            { parent: this },
        );
        return {
            generation: g.generation,
            rootCertPem: root.certPem,
            signerCertPem: intermediate.certPem,
            signerKeyPem: imKey.privateKeyPem,
            intermediatesPem: intermediate.certPem.apply((p) => joinPem(p)),
        };
    }
}
