import * as pulumi from "@pulumi/pulumi";
import { KYVERNO_AUTHZ_TYPE, KyvernoAuthz } from "../authz";
import { GLOO_MTLS_TYPE, GlooMtls } from "../gloo";
import { resolveArgs } from "../internal/inputs";
import { childOptions } from "../internal/options";
import { ExtensionProvider, ISTIO_MESH_TYPE, IstioMesh, MTLS_POLICY_TYPE, MtlsPolicy, NAMESPACE_ENROLLMENT_TYPE, NamespaceEnrollment } from "../istio";
import { KGATEWAY_MTLS_TYPE, KgatewayMtls } from "../kgateway";
import { KUADRANT_MTLS_TYPE, KuadrantMtls } from "../kuadrant";
import { CERTIFICATE_AUTHORITY_TYPE, CaRotationState, CertificateAuthority, certificateFacts, publicIssuer } from "../pki";
import type { LinkPosture } from "../posture";
import { MTLS_PLATFORM_TYPE } from "./defaults";
import { planMtlsPlatform } from "./plan";
import type { CertificateInfo, MtlsPlatformArgs } from "./types";

export type { CertificateInfo, MtlsPlatformArgs, PlatformGlooArgs, PlatformIstioArgs, PlatformMtlsPolicy } from "./types";

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
        // Recorded inputs keep no key material: a given webhook issuer is recorded by its public part.
        super(MTLS_PLATFORM_TYPE, name, args.authz?.webhookIssuer === undefined ? args : { ...args, authz: { ...args.authz, webhookIssuer: publicIssuer(args.authz.webhookIssuer) } }, opts);

        const ca = new CertificateAuthority(plan.ca.name, r.child(CERTIFICATE_AUTHORITY_TYPE, (p) => p.ca.args), childOptions(this, opts));
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {
            ca: ca.certPem.apply(infoOf),
        };
        if (plan.ca.plan.generations[0].intermediate) {
            certificates["ca-root"] = ca.rootCertPem.apply(infoOf);
        }

        let mesh: IstioMesh | undefined;
        if (plan.istio) {
            const { name: meshName, usesPlatformCa } = plan.istio;
            const meshArgs = r.child(ISTIO_MESH_TYPE, (p) => p.istio?.args ?? {});
            mesh = new IstioMesh(meshName, { ...meshArgs, pluginCa: usesPlatformCa ? ca.issuer : undefined }, childOptions(this, opts));
        }
        const afterMesh = mesh ? [mesh] : [];
        // Enrolled after the mesh exists; the platform's own policies (STRICT ones) after the enrollments.
        const enrolled = plan.enrollments.map((e, i) => new NamespaceEnrollment(e.name, r.child(NAMESPACE_ENROLLMENT_TYPE, (p) => p.enrollments[i].args), childOptions(this, opts, afterMesh)));

        if (plan.kuadrant) {
            new KuadrantMtls(plan.kuadrant.name, r.child(KUADRANT_MTLS_TYPE, (p) => p.kuadrant?.args ?? {}), childOptions(this, opts, afterMesh));
        }

        if (plan.gloo) {
            const { name: glooName, usesPlatformCa } = plan.gloo;
            const glooArgs = r.child(GLOO_MTLS_TYPE, (p) => p.gloo?.args ?? {});
            const xds = usesPlatformCa && glooArgs.xds ? { ...glooArgs.xds, issuer: ca.issuer } : glooArgs.xds;
            const gloo = new GlooMtls(glooName, { ...glooArgs, xds }, childOptions(this, opts, afterMesh));
            if (usesPlatformCa) {
                certificates["gloo-xds"] = certificateInfo(gloo.fingerprintSha256, gloo.notAfter, gloo.serialNumber, ca.certPem);
            }
        }

        if (plan.kgateway) {
            // After the enrollments: its backends' namespaces are in the mesh before routes reach them.
            new KgatewayMtls(plan.kgateway.name, r.child(KGATEWAY_MTLS_TYPE, (p) => p.kgateway?.args ?? {}), childOptions(this, opts, [...afterMesh, ...enrolled]));
        }

        if (plan.authz) {
            const { name: authzName, usesPlatformCa } = plan.authz;
            const authzArgs = r.child(KYVERNO_AUTHZ_TYPE, (p) => p.authz?.args ?? {});
            const authz = new KyvernoAuthz(authzName, { ...authzArgs, webhookIssuer: usesPlatformCa ? ca.issuer : authzArgs.webhookIssuer }, childOptions(this, opts, afterMesh));
            if (usesPlatformCa || authzArgs.webhookIssuer !== undefined) {
                const webhookIssuerPem = usesPlatformCa ? ca.certPem : pulumi.output(authzArgs.webhookIssuer).apply((i) => i?.certPem ?? "");
                certificates["kyverno-webhook"] = certificateInfo(authz.webhookFingerprintSha256, authz.webhookNotAfter, authz.webhookSerialNumber, webhookIssuerPem);
            }
        }

        plan.policies.forEach((policy, i) => {
            new MtlsPolicy(policy.name, r.child(MTLS_POLICY_TYPE, (p) => p.policies[i].args), childOptions(this, opts, [...afterMesh, ...enrolled]));
        });

        this.certificates = pulumi.output(certificates);
        this.posture = pulumi.output(r.from((p) => p.posture));
        this.trustBundleFingerprints = ca.trustBundleFingerprints;
        // apply gives the Output its declared (unwrapped) element type.
        this.extensionProviders = pulumi.output(r.from((p) => p.extensionProviders)).apply((p) => p);
        this.rotationState = ca.rotationState;
        this.registerOutputs({
            certificates: this.certificates,
            posture: this.posture,
            trustBundleFingerprints: this.trustBundleFingerprints,
            extensionProviders: this.extensionProviders,
            rotationState: this.rotationState,
        });
    }
}

/**
 * A CertificateInfo of a leaf a child component issues from `issuerPem`: the component's three facts,
 * and the issuer's name read from the issuing certificate (the leaf's issuer field is that subject).
 * `notBefore` stays "" until the component reports it (GlooMtls and KyvernoAuthz expose no leaf PEM).
 */
function certificateInfo(fingerprintSha256: pulumi.Output<string>, notAfter: pulumi.Output<string>, serialNumber: pulumi.Output<string>, issuerPem: pulumi.Input<string>): pulumi.Output<CertificateInfo> {
    return pulumi.all([fingerprintSha256, notAfter, serialNumber, issuerPem]).apply(([f, n, s, i]) => ({
        fingerprintSha256: f,
        notAfter: n,
        serialNumber: s,
        notBefore: "",
        // No leaf (echo mocks): no issuer either, as every field is "" then.
        issuer: f === "" ? "" : certificateFacts(i).subject,
    }));
}

/** The CertificateInfo of a PEM the platform holds (CertificateFacts without `subject`). */
function infoOf(pem: string | undefined): CertificateInfo {
    const { fingerprintSha256, notAfter, serialNumber, notBefore, issuer } = certificateFacts(pem);
    return { fingerprintSha256, notAfter, serialNumber, notBefore, issuer };
}
