import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { ResolvedArgs, resolveArgs } from "../internal/inputs";
import { ArgsValidator } from "../internal/validation";
import type { FleetCertificateAuthorityArgs } from "./args";
import { CertificateFacts, bundleFingerprints, certificateFacts, joinPem } from "./fingerprint";
import { FLEET_CERTIFICATE_AUTHORITY_TYPE, FleetCertificateAuthorityPlan, FleetGenerationPlan, FleetIssuerExport, fleetClusterIssuer, planFleetCertificateAuthority } from "./fleetPlan";
import { MaterialProblem, externalRootProblems, signedIntermediateProblems } from "./material";
import { caSubjectCommonName, guardedRotationState, rootRenewalWarning } from "./plan";
import { CaRotationState, IssuerMaterial } from "./types";

export type { ExternalRootArgs, FleetCertificateAuthorityArgs, FleetClusterArgs, SignedIntermediateArgs } from "./args";

/** What the fleet reports about one cluster: its trust and its signing intermediate (no key). */
export interface FleetClusterInfo extends CertificateFacts {
    /** The cluster's SPIFFE trust domain. */
    trustDomain: string;
    /** The other clusters' trust domains where they differ (Istio `meshConfig.trustDomainAliases`). */
    trustDomainAliases: string[];
}

/** One generation's material as registered: its root and each cluster's intermediate. */
interface GenerationMaterial {
    rootCertPem: pulumi.Output<string>;
    clusters: Record<string, { certPem: pulumi.Output<string>; privateKeyPem: pulumi.Output<string> }>;
}

/**
 * One root and one intermediate CA per cluster, for a fleet of clusters that share one trust (Istio's
 * multi-cluster plug-in CA layout), with the staged rotation of CertificateAuthority applied to the
 * whole fleet. Each cluster's `cacerts` comes from its entry in `issuers` (IstioMesh `pluginCa`), written
 * through that cluster's own provider. A generation's root is generated, or supplied (`externalRoots`):
 * with its key, meshtls signs the intermediates; without (offline root), each cluster supplies its
 * intermediate already signed (`signedIntermediates`) and the root key never enters Pulumi state.
 *
 * Rotation, one deployment per step as for CertificateAuthority: TrustNew (every cluster trusts both
 * roots, the old one signs), ServeNew (the new one signs), Stable. With one stack per cluster, export
 * `material` and `rotationState`; each cluster stack builds its issuer from them (MtlsPlatform
 * `fleetIssuer`), and `clusterRotationStates` holds the fleet back until every cluster has caught up.
 */
export class FleetCertificateAuthority extends pulumi.ComponentResource {
    /** PEM of the signing generation's root. */
    public readonly rootCertPem!: pulumi.Output<string>;
    /** Every trusted root, concatenated PEM: the previous generation's first during a rotation. */
    public readonly trustBundlePem!: pulumi.Output<string>;
    /** SHA-256 fingerprints of the roots in `trustBundlePem`, in bundle order. */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** The generation that signs in the current phase. */
    public readonly signingGeneration!: pulumi.Output<number>;
    /** Each cluster's issuer (its signing intermediate and the fleet's trust bundle), by cluster name. Secret. */
    public readonly issuers!: pulumi.Output<{ [cluster: string]: IssuerMaterial }>;
    /** Each cluster's trust domain, aliases and signing intermediate's facts, by cluster name. */
    public readonly clusters!: pulumi.Output<{ [cluster: string]: FleetClusterInfo }>;
    /**
     * Everything a cluster stack needs to build its issuer in any phase the fleet allows: the rotation
     * state, each generation's root and per-cluster intermediates (keys included). Secret: export it from
     * the CA stack and read it in each cluster stack through a StackReference.
     */
    public readonly material!: pulumi.Output<FleetIssuerExport>;
    /**
     * This deployment's rotation state: export it, and pass it back as `previousRotationState` on the next
     * deployment. Fails (naming `previousRotationState`) when an Output previous state resolves to a state
     * the step from which breaks trust.
     */
    public readonly rotationState!: pulumi.Output<CaRotationState>;

    constructor(name: string, args: FleetCertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(FLEET_CERTIFICATE_AUTHORITY_TYPE, name, args, (a) => planFleetCertificateAuthority(name, a));
        const plan = r.shape;
        super(FLEET_CERTIFICATE_AUTHORITY_TYPE, name, recordedArgs(args), opts);
        void pulumi.output(r.from((p) => rootRenewalWarning(p, FLEET_CERTIFICATE_AUTHORITY_TYPE))).apply((warning) => (warning === undefined ? undefined : pulumi.log.warn(warning, this)));

        const generations = plan.generations.map((g, i) => this.makeGeneration(name, r, plan, g, i, args));
        this.rotationState = guardedRotationState(FLEET_CERTIFICATE_AUTHORITY_TYPE, name, args.previousRotationState, plan.rotationState);

        const generationOutputs = Object.fromEntries(
            generations.map((m, i) => [
                String(plan.generations[i].generation),
                pulumi.output({ rootCertPem: m.rootCertPem, clusters: pulumi.output(m.clusters) }),
            ]),
        );
        this.material = pulumi.secret(
            pulumi.output({
                rotationState: this.rotationState,
                generations: pulumi.output(generationOutputs),
                trustDomains: pulumi.output(r.from((p) => Object.fromEntries(p.clusters.map((c) => [c.name, c.trustDomain])))),
            }),
        );

        // Each cluster's issuer comes from the material by the same function a cluster stack uses.
        this.issuers = pulumi.secret(
            this.material.apply((m) => {
                const out: Record<string, IssuerMaterial> = {};
                for (const c of plan.clusters) {
                    const built = fleetClusterIssuer(m, c.name, m.rotationState);
                    if ("problem" in built) {
                        throw new Error(`${FLEET_CERTIFICATE_AUTHORITY_TYPE} "${name}": internal error: ${built.problem}`);
                    }
                    out[c.name] = built.issuer;
                }
                return out;
            }),
        );
        const signingIndex = plan.generations.findIndex((g) => g.generation === plan.signingGeneration);
        this.rootCertPem = generations[signingIndex].rootCertPem;
        this.trustBundlePem = pulumi.all(generations.map((g) => g.rootCertPem)).apply((pems) => joinPem(...pems));
        this.trustBundleFingerprints = this.trustBundlePem.apply(bundleFingerprints);
        this.signingGeneration = pulumi.output(plan.signingGeneration);
        const signers = generations[signingIndex].clusters;
        this.clusters = pulumi
            .all([r.from((p) => p.clusters), pulumi.all(Object.fromEntries(Object.entries(signers).map(([c, m]) => [c, m.certPem])))])
            .apply(([clusters, certs]) =>
                Object.fromEntries(clusters.map((c) => [c.name, { ...certificateFacts(certs[c.name]), trustDomain: c.trustDomain, trustDomainAliases: c.trustDomainAliases }])),
            );

        this.registerOutputs({
            rootCertPem: this.rootCertPem,
            trustBundlePem: this.trustBundlePem,
            trustBundleFingerprints: this.trustBundleFingerprints,
            signingGeneration: this.signingGeneration,
            issuers: this.issuers,
            clusters: this.clusters,
            material: this.material,
            rotationState: this.rotationState,
        });
    }

    private makeGeneration(name: string, r: ResolvedArgs<FleetCertificateAuthorityPlan>, plan: FleetCertificateAuthorityPlan, g: FleetGenerationPlan, i: number, args: FleetCertificateAuthorityArgs): GenerationMaterial {
        const privateKey = r.args((p) => p.privateKey);
        const organization = r.from((p) => p.organization);
        const suffix = g.idName === undefined ? undefined : new random.RandomId(g.idName, { byteLength: plan.subjectSuffixBytes, keepers: g.idKeepers }, { parent: this });
        const subjectName = (base: pulumi.Input<string>) => pulumi.all([suffix?.hex ?? "", base]).apply(([hex, b]) => caSubjectCommonName(b, g.generation, hex));

        let rootCertPem: pulumi.Output<string>;
        let rootKeyPem: pulumi.Output<string> | undefined;
        if (g.root) {
            const rootKey = new tls.PrivateKey(g.root.keyName, privateKey, { parent: this });
            const root = new tls.SelfSignedCert(
                g.root.certName,
                {
                    privateKeyPem: rootKey.privateKeyPem,
                    subject: { commonName: subjectName(r.from((p) => p.generations[i].root?.commonNameBase ?? "")), organization },
                    isCaCertificate: true,
                    allowedUses: plan.caUses,
                    ...r.args((p) => ({ validityPeriodHours: p.generations[i].root?.validityHours ?? 0, earlyRenewalHours: p.generations[i].root?.earlyRenewalHours ?? 0 })),
                },
                { parent: this },
            );
            rootCertPem = root.certPem;
            rootKeyPem = rootKey.privateKeyPem;
        } else {
            // A supplied root: checked here when it was an Output (a known one was checked by the plan).
            const at = `externalRoots[${g.externalIndex ?? 0}]`;
            const given = (args.externalRoots ?? [])[g.externalIndex ?? 0];
            const cert = pulumi.output(given.certPem);
            const key = given.privateKeyPem === undefined ? undefined : pulumi.secret(given.privateKeyPem);
            const checked = pulumi.all([cert, key]).apply(([c, k]) => failOn(name, externalRootProblems(at, c, k, new Date()), c));
            // The certificate is public; only the key's secrecy may spread to it through the check.
            rootCertPem = pulumi.unsecret(checked);
            rootKeyPem = key === undefined ? undefined : pulumi.secret(pulumi.all([checked, key]).apply(([, k]) => k));
        }

        const clusters: GenerationMaterial["clusters"] = {};
        g.intermediates.forEach((im, ci) => {
            if (im.generated && rootKeyPem !== undefined) {
                const imKey = new tls.PrivateKey(im.generated.keyName, privateKey, { parent: this });
                const csr = new tls.CertRequest(
                    im.generated.csrName,
                    { privateKeyPem: imKey.privateKeyPem, subject: { commonName: subjectName(r.from((p) => p.generations[i].intermediates[ci].generated?.commonNameBase ?? "")), organization } },
                    { parent: this },
                );
                const cert = new tls.LocallySignedCert(
                    im.generated.certName,
                    {
                        certRequestPem: csr.certRequestPem,
                        caCertPem: rootCertPem,
                        caPrivateKeyPem: rootKeyPem,
                        isCaCertificate: true,
                        allowedUses: plan.caUses,
                        ...r.args((p) => ({
                            validityPeriodHours: p.generations[i].intermediates[ci].generated?.validityHours ?? 0,
                            earlyRenewalHours: p.generations[i].intermediates[ci].generated?.earlyRenewalHours ?? 0,
                        })),
                    },
                    { parent: this },
                );
                clusters[im.cluster] = { certPem: cert.certPem, privateKeyPem: pulumi.secret(imKey.privateKeyPem) };
                return;
            }
            const at = `clusters[${ci}].signedIntermediates[${im.signedIndex ?? 0}]`;
            const given = ((args.clusters[ci].signedIntermediates ?? [])[im.signedIndex ?? 0]);
            const key = pulumi.secret(given.privateKeyPem);
            const checked = pulumi.all([pulumi.output(given.certPem), key, rootCertPem]).apply(([c, k, root]) => failOn(name, signedIntermediateProblems(at, c, k, root, new Date()), c));
            clusters[im.cluster] = { certPem: pulumi.unsecret(checked), privateKeyPem: pulumi.secret(pulumi.all([checked, key]).apply(([, k]) => k)) };
        });
        return { rootCertPem, clusters };
    }
}

/** `value`, or a failed apply naming every problem (the deployment fails, naming the argument). */
function failOn<T>(name: string, problems: MaterialProblem[], value: T): T {
    if (problems.length > 0) {
        const v = new ArgsValidator(FLEET_CERTIFICATE_AUTHORITY_TYPE, name);
        for (const p of problems) {
            v.fail(p.field, p.value, p.accepted);
        }
        v.throwIfInvalid();
    }
    return value;
}

/** The arguments as recorded in state: supplied keys kept secret (a key that entered as plain text included). */
function recordedArgs(args: FleetCertificateAuthorityArgs): FleetCertificateAuthorityArgs {
    return {
        ...args,
        externalRoots: args.externalRoots?.map((e) => (e.privateKeyPem === undefined ? e : { ...e, privateKeyPem: pulumi.secret(e.privateKeyPem) })),
        clusters: args.clusters.map((c) => (c.signedIntermediates === undefined ? c : { ...c, signedIntermediates: c.signedIntermediates.map((s) => ({ ...s, privateKeyPem: pulumi.secret(s.privateKeyPem) })) })),
    };
}
