import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KYVERNO_AUTHZ_TYPE, KyvernoAuthz } from "../authz";
import { GLOO_MTLS_TYPE, GlooMtls } from "../gloo";
import { ResolvedArgs, resolveArgs } from "../internal/inputs";
import { childOptions } from "../internal/options";
import { ExtensionProvider, ISTIO_MESH_TYPE, IstioMesh, MTLS_POLICY_TYPE, MtlsPolicy, NAMESPACE_ENROLLMENT_TYPE, NamespaceEnrollment } from "../istio";
import { KGATEWAY_MTLS_TYPE, KgatewayMtls } from "../kgateway";
import { KUADRANT_MTLS_TYPE, KuadrantMtls } from "../kuadrant";
import { CERTIFICATE_AUTHORITY_TYPE, CaRotationState, CertificateAuthority, FLEET_CERTIFICATE_AUTHORITY_TYPE, FleetCertificateAuthority, IssuerMaterial, bundleFingerprints, certificateFacts, issuerParts, publicIssuer } from "../pki";
import type { LinkPosture } from "../posture";
import { MTLS_PLATFORM_TYPE } from "./defaults";
import { PlatformFleetPlan, fleetIssuerFor, fleetTrustDomainAliases } from "./fleet";
import { MtlsPlatformPlan, planMtlsPlatform } from "./plan";
import type { CertificateInfo, MtlsPlatformArgs } from "./types";

export type { CertificateInfo, MtlsPlatformArgs, PlatformCaArgs, PlatformClusterArgs, PlatformFleetIssuerArgs, PlatformGlooArgs, PlatformIstioArgs, PlatformMtlsPolicy } from "./types";

/**
 * The whole mTLS platform from one args object: the platform CA, Istio (plug-in CA, extension
 * providers gathered from the integrations), and optional Kuadrant, Gloo, kyverno-authz and extra
 * policies, each in the order its dependencies need.
 */
export class MtlsPlatform extends pulumi.ComponentResource {
    /** Every certificate the platform manages: name -> fingerprint, expiry, serial. */
    public readonly certificates!: pulumi.Output<{ [name: string]: CertificateInfo }>;
    /**
     * Every link the platform declares, keyed by link id (e.g. `mesh -> kyverno/kyverno-authz-server:9081`),
     * with its effective state (`mtls`, `tls`, `plaintext`, `refused`, `unknown`) computed by the posture
     * engine from the declared objects, the reason, and the objects that decided it.
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;
    /** Fingerprints of the trusted roots, in bundle order. */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** The extension providers registered in the mesh. */
    public readonly extensionProviders!: pulumi.Output<ExtensionProvider[]>;
    /** The platform CA's rotation state: pass it back as `ca.previousRotationState` on the next deployment. */
    public readonly rotationState!: pulumi.Output<CaRotationState>;

    constructor(name: string, args: MtlsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every check, the platform's and each child's, runs before anything is registered.
        const r = resolveArgs(MTLS_PLATFORM_TYPE, name, args, (a) => planMtlsPlatform(name, a));
        const plan = r.shape;
        super(MTLS_PLATFORM_TYPE, name, recordedArgs(args), opts);

        if (plan.fleet) {
            const outputs = this.registerFleet(r, plan.fleet, opts);
            this.certificates = outputs.certificates;
            this.posture = outputs.posture;
            this.trustBundleFingerprints = outputs.trustBundleFingerprints;
            this.extensionProviders = outputs.extensionProviders;
            this.rotationState = outputs.rotationState;
            this.registerOutputs(outputs);
            return;
        }
        let issuer: pulumi.Output<IssuerMaterial>;
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {};
        if (plan.fleetIssuer) {
            // A cluster stack: the issuer comes from the fleet CA stack, for this cluster's own rotation state.
            const { cluster, rotationState } = plan.fleetIssuer;
            const material = pulumi.output(args.fleetIssuer?.material);
            const previous = pulumi.output(args.ca?.previousRotationState);
            const built = pulumi.all([material, previous]).apply(([m, prev]) => fleetIssuerFor(MTLS_PLATFORM_TYPE, name, cluster, m, rotationState, prev));
            issuer = pulumi.secret(built);
            const signer = pulumi.unsecret(built.apply((i) => i.certPem));
            certificates.ca = signer.apply(infoOf);
            certificates["ca-root"] = pulumi.unsecret(built.apply((i) => i.rootCertPem)).apply(infoOf);
            this.trustBundleFingerprints = pulumi.unsecret(built.apply((i) => bundleFingerprints(i.trustBundlePem)));
            this.rotationState = pulumi.unsecret(built.apply(() => rotationState));
        } else {
            const ca = new CertificateAuthority(plan.ca.name, r.child(CERTIFICATE_AUTHORITY_TYPE, (p) => p.ca.args), childOptions(this, opts));
            issuer = ca.issuer;
            certificates.ca = ca.certPem.apply(infoOf);
            if (plan.ca.plan.generations[0].intermediate) {
                certificates["ca-root"] = ca.rootCertPem.apply(infoOf);
            }
            this.trustBundleFingerprints = ca.trustBundleFingerprints;
            this.rotationState = ca.rotationState;
        }
        // A cluster stack trusts the other clusters' trust domains, as the fleet CA stack records them.
        const aliases = plan.fleetIssuer
            ? // Trust domains are public: the material's secrecy must not spread to the mesh's chart values.
              pulumi.unsecret(
                  pulumi
                      .all([pulumi.output(args.fleetIssuer?.material), r.from((p) => ({ own: p.istio?.plan.trustDomain ?? "", given: p.istio?.plan.trustDomainAliases ?? [] }))])
                      .apply(([m, t]) => fleetTrustDomainAliases(MTLS_PLATFORM_TYPE, name, plan.fleetIssuer?.cluster ?? "", m, t.own, t.given)),
              )
            : undefined;
        Object.assign(certificates, this.registerCluster(r, (p) => p, plan, issuer, (deps) => childOptions(this, opts, deps), aliases));

        this.certificates = pulumi.output(certificates);
        this.posture = pulumi.output(r.from((p) => p.posture));
        // apply gives the Output its declared (unwrapped) element type.
        this.extensionProviders = pulumi.output(r.from((p) => p.extensionProviders)).apply((p) => p);
        this.registerOutputs({
            certificates: this.certificates,
            posture: this.posture,
            trustBundleFingerprints: this.trustBundleFingerprints,
            extensionProviders: this.extensionProviders,
            rotationState: this.rotationState,
        });
    }

    /**
     * A fleet in one program: the fleet CA, then per cluster its provider and its children, each cluster's
     * mesh after the whole fleet CA (so no cluster's cacerts is written before every cluster's material exists).
     */
    private registerFleet(r: ResolvedArgs<MtlsPlatformPlan>, fleet: PlatformFleetPlan<MtlsPlatformPlan>, opts: pulumi.ComponentResourceOptions | undefined): PlatformOutputs {
        const fleetCa = new FleetCertificateAuthority(fleet.ca.name, r.child(FLEET_CERTIFICATE_AUTHORITY_TYPE, (p) => fleetOf(p).ca.args), childOptions(this, opts));
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {
            "ca-root": fleetCa.rootCertPem.apply(infoOf),
        };
        fleet.clusters.forEach((c, i) => {
            const provider = new k8s.Provider(
                c.providerName,
                c.renderDirectory !== undefined ? { renderYamlToDirectory: c.renderDirectory } : { context: c.kubeconfigContext },
                { parent: this },
            );
            const issuer = pulumi.secret(fleetCa.issuers.apply((all) => all[c.name]));
            certificates[`${c.name}/ca`] = issuerParts(issuer).certPem.apply(infoOf);
            const own = this.registerCluster(r, (p) => fleetOf(p).clusters[i].plan, c.plan, issuer, (deps) => ({ ...childOptions(this, opts, [fleetCa, ...deps]), provider }));
            for (const [k, info] of Object.entries(own)) {
                certificates[`${c.name}/${k}`] = info;
            }
        });
        return {
            certificates: pulumi.output(certificates),
            posture: pulumi.output(r.from((p) => p.posture)),
            trustBundleFingerprints: fleetCa.trustBundleFingerprints,
            extensionProviders: pulumi.output(r.from((p) => fleetOf(p).clusters[0].plan.extensionProviders)).apply((p) => p),
            rotationState: fleetCa.rotationState,
        };
    }

    /**
     * One cluster's children from its plan (`select` picks it from the whole plan), with `issuer` as the
     * platform CA; returns the certificates they issue from it.
     */
    private registerCluster(
        r: ResolvedArgs<MtlsPlatformPlan>,
        select: (p: MtlsPlatformPlan) => MtlsPlatformPlan,
        plan: MtlsPlatformPlan,
        issuer: pulumi.Output<IssuerMaterial>,
        options: (deps: pulumi.Resource[]) => pulumi.CustomResourceOptions,
        trustDomainAliases?: pulumi.Output<string[]>,
    ): Record<string, pulumi.Output<CertificateInfo>> {
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {};
        // The signing certificate's public part: the leaves' issuer name, not secret.
        const issuerPem = issuerParts(issuer).certPem;
        let mesh: IstioMesh | undefined;
        if (plan.istio) {
            const { name: meshName, usesPlatformCa } = plan.istio;
            const meshArgs = r.child(ISTIO_MESH_TYPE, (p) => select(p).istio?.args ?? {});
            mesh = new IstioMesh(meshName, { ...meshArgs, pluginCa: usesPlatformCa ? issuer : undefined, ...(trustDomainAliases ? { trustDomainAliases } : {}) }, options([]));
        }
        const afterMesh = mesh ? [mesh] : [];
        // Enrolled after the mesh exists; the platform's own policies (STRICT ones) after the enrollments.
        const enrolled = plan.enrollments.map((e, i) => new NamespaceEnrollment(e.name, r.child(NAMESPACE_ENROLLMENT_TYPE, (p) => select(p).enrollments[i].args), options(afterMesh)));

        if (plan.kuadrant) {
            new KuadrantMtls(plan.kuadrant.name, r.child(KUADRANT_MTLS_TYPE, (p) => select(p).kuadrant?.args ?? {}), options(afterMesh));
        }

        if (plan.gloo) {
            const { name: glooName, usesPlatformCa } = plan.gloo;
            const glooArgs = r.child(GLOO_MTLS_TYPE, (p) => select(p).gloo?.args ?? {});
            const xds = usesPlatformCa && glooArgs.xds ? { ...glooArgs.xds, issuer } : glooArgs.xds;
            const gloo = new GlooMtls(glooName, { ...glooArgs, xds }, options(afterMesh));
            if (usesPlatformCa) {
                certificates["gloo-xds"] = certificateInfo(gloo.fingerprintSha256, gloo.notBefore, gloo.notAfter, gloo.serialNumber, issuerPem);
            }
        }

        if (plan.kgateway) {
            // After the enrollments: its backends' namespaces are in the mesh before routes reach them.
            new KgatewayMtls(plan.kgateway.name, r.child(KGATEWAY_MTLS_TYPE, (p) => select(p).kgateway?.args ?? {}), options([...afterMesh, ...enrolled]));
        }

        if (plan.authz) {
            const { name: authzName, usesPlatformCa } = plan.authz;
            const authzArgs = r.child(KYVERNO_AUTHZ_TYPE, (p) => select(p).authz?.args ?? {});
            const authz = new KyvernoAuthz(authzName, { ...authzArgs, webhookIssuer: usesPlatformCa ? issuer : authzArgs.webhookIssuer }, options(afterMesh));
            if (usesPlatformCa || authzArgs.webhookIssuer !== undefined) {
                const webhookIssuerPem = usesPlatformCa ? issuerPem : pulumi.output(authzArgs.webhookIssuer).apply((i) => i?.certPem ?? "");
                certificates["kyverno-webhook"] = certificateInfo(authz.webhookFingerprintSha256, authz.webhookNotBefore, authz.webhookNotAfter, authz.webhookSerialNumber, webhookIssuerPem);
            }
        }

        plan.policies.forEach((policy, i) => {
            new MtlsPolicy(policy.name, r.child(MTLS_POLICY_TYPE, (p) => select(p).policies[i].args), options([...afterMesh, ...enrolled]));
        });
        return certificates;
    }
}

/** The platform's outputs. */
interface PlatformOutputs {
    certificates: pulumi.Output<{ [name: string]: CertificateInfo }>;
    posture: pulumi.Output<{ [link: string]: LinkPosture }>;
    trustBundleFingerprints: pulumi.Output<string[]>;
    extensionProviders: pulumi.Output<ExtensionProvider[]>;
    rotationState: pulumi.Output<CaRotationState>;
}

/** The fleet part of a plan built with `clusters` (the component only asks for it then). */
function fleetOf(p: MtlsPlatformPlan): PlatformFleetPlan<MtlsPlatformPlan> {
    if (p.fleet === undefined) {
        throw new Error(`${MTLS_PLATFORM_TYPE} "${p.name}": internal error: the platform's plan lost its fleet`);
    }
    return p.fleet;
}

/**
 * The arguments as recorded in state: no key material. A given webhook issuer and a fleet CA stack's
 * material are recorded by their public part or not at all; supplied CA keys stay secret.
 */
function recordedArgs(args: MtlsPlatformArgs): pulumi.Inputs {
    let out: pulumi.Inputs = { ...args };
    if (args.authz?.webhookIssuer !== undefined) {
        out = { ...out, authz: { ...args.authz, webhookIssuer: publicIssuer(args.authz.webhookIssuer) } };
    }
    if (args.fleetIssuer !== undefined) {
        out = { ...out, fleetIssuer: { cluster: args.fleetIssuer.cluster, material: pulumi.secret(args.fleetIssuer.material) } };
    }
    if (args.ca?.externalRoots !== undefined) {
        out = { ...out, ca: { ...args.ca, externalRoots: args.ca.externalRoots.map((e) => (e.privateKeyPem === undefined ? e : { ...e, privateKeyPem: pulumi.secret(e.privateKeyPem) })) } };
    }
    if (args.clusters?.some((c) => c.signedIntermediates !== undefined)) {
        out = {
            ...out,
            clusters: (args.clusters ?? []).map((c) => (c.signedIntermediates === undefined ? c : { ...c, signedIntermediates: c.signedIntermediates.map((s) => ({ ...s, privateKeyPem: pulumi.secret(s.privateKeyPem) })) })),
        };
    }
    return out;
}

/**
 * A CertificateInfo of a leaf a child component issues from `issuerPem`: the component's facts, and the
 * issuer's name read from the issuing certificate (the leaf's issuer field is that subject).
 */
function certificateInfo(fingerprintSha256: pulumi.Output<string>, notBefore: pulumi.Output<string>, notAfter: pulumi.Output<string>, serialNumber: pulumi.Output<string>, issuerPem: pulumi.Input<string>): pulumi.Output<CertificateInfo> {
    return pulumi.all([fingerprintSha256, notBefore, notAfter, serialNumber, issuerPem]).apply(([f, b, n, s, i]) => ({
        fingerprintSha256: f,
        notAfter: n,
        serialNumber: s,
        notBefore: b,
        // No leaf (echo mocks): no issuer either, as every field is "" then.
        issuer: f === "" ? "" : certificateFacts(i).subject,
    }));
}

/** The CertificateInfo of a PEM the platform holds (CertificateFacts without `subject`). */
function infoOf(pem: string | undefined): CertificateInfo {
    const { fingerprintSha256, notAfter, serialNumber, notBefore, issuer } = certificateFacts(pem);
    return { fingerprintSha256, notAfter, serialNumber, notBefore, issuer };
}
