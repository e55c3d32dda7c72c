import * as pulumi from "@pulumi/pulumi";
import { KyvernoAuthz, KyvernoAuthzArgs } from "../authz";
import { GlooCertRotation, GlooInstallSettings, GlooIstioUpstreamArgs, GlooMtls, GlooXdsCertificateArgs } from "../gloo";
import { HelmMode } from "../internal/chartValues";
import { childOptions } from "../internal/options";
import { ExtensionProvider, IstioInstallSettings, IstioMesh, MtlsPolicy, MtlsPolicyArgs } from "../istio";
import { KuadrantMtls, KuadrantMtlsArgs } from "../kuadrant";
import { CertificateAuthority, CertificateAuthorityArgs, CertificateFacts, certificateFacts } from "../pki";
import { MTLS_PLATFORM_TYPE } from "./defaults";
import { planMtlsPlatform } from "./plan";


/** The Istio part of the platform: IstioMesh's settings, with the CA and providers from the platform. */
export interface PlatformIstioArgs extends IstioInstallSettings {
    /**
     * Install Istio.
     * @default true
     */
    enabled?: boolean;
    /**
     * istiod signs workload certificates with the platform CA (Secret `cacerts`), so the platform's
     * rotation phases rotate the mesh root too.
     * @default true
     */
    usePlatformCa?: boolean;
    /** Extension providers besides the ones the integrations register. */
    extraExtensionProviders?: ExtensionProvider[];
}

/** The Gloo part of the platform: GlooMtls's install settings, xDS mTLS from the platform CA. */
export interface PlatformGlooArgs extends GlooInstallSettings {
    /**
     * xDS mTLS between Gloo and its proxies.
     * @default true
     */
    xds?: boolean;
    /** Who rotates the xDS certificate. @default GlooCertRotation.Pulumi (from the platform CA) */
    xdsRotation?: GlooCertRotation;
    /** xDS certificate settings (Pulumi rotation). */
    xdsCertificate?: GlooXdsCertificateArgs;
    /** Cron schedule (CronJob rotation). */
    cronSchedule?: string;
    /** Wait between rotation stages (CronJob rotation). */
    rotationDuration?: string;
    /**
     * Istio integration for gateway-proxy (needs the platform's Istio).
     * @default true when Istio is enabled
     */
    istioIntegration?: boolean;
    /** Mesh services reached over Istio mTLS. */
    istioUpstreams?: GlooIstioUpstreamArgs[];
    /** Istio auto mTLS for every Upstream. @default false */
    enableAutoMtls?: boolean;
    /** STRICT in each upstream namespace. @default false */
    strictUpstreamNamespaces?: boolean;
}

/** An extra MtlsPolicy of the platform. */
export interface PlatformMtlsPolicy {
    /** Component name (unique in the platform). */
    name: string;
    /** Its arguments. */
    args: MtlsPolicyArgs;
}

/** Arguments of an MtlsPlatform: the whole picture in one object. */
export interface MtlsPlatformArgs {
    /** The platform CA (rotation phases included). @default a root CA, ECDSA P-256 */
    ca?: CertificateAuthorityArgs;
    /** Istio. @default installed with defaults */
    istio?: PlatformIstioArgs;
    /** Kuadrant mTLS (omit to leave Kuadrant alone). */
    kuadrant?: KuadrantMtlsArgs;
    /** Gloo Edge mTLS (omit for none). */
    gloo?: PlatformGlooArgs;
    /** The kyverno external authorizer (omit for none). Its provider is registered in the mesh. */
    authz?: KyvernoAuthzArgs;
    /** Extra PeerAuthentication / DestinationRule policies. */
    policies?: PlatformMtlsPolicy[];
    /** How every chart is installed unless a section says otherwise (HelmMode.Chart to render manifests). */
    helmMode?: HelmMode;
}

/** What the platform reports about one certificate: no field changes with the passage of time alone. */
export interface CertificateInfo {
    /** SHA-256 fingerprint, upper-case colon hex. */
    fingerprintSha256: string;
    /** End of validity, ISO 8601 UTC. */
    notAfter: string;
    /** Serial number, upper-case hex. */
    serialNumber: string;
}

/**
 * The whole mTLS platform from one args object: the platform CA, Istio (plug-in CA, extension
 * providers gathered from the integrations), and optional Kuadrant, Gloo, kyverno-authz and extra
 * policies, each in the order its dependencies need.
 */
export class MtlsPlatform extends pulumi.ComponentResource {
    /** Every certificate the platform manages: name -> fingerprint, expiry, serial. */
    public readonly certificates!: pulumi.Output<{ [name: string]: CertificateInfo }>;
    /** Every protected link and its mode, e.g. `"mesh": "STRICT"`, `"gateway->authorino": "STRICT"`. */
    public readonly posture!: pulumi.Output<{ [link: string]: string }>;
    /** Fingerprints of the trusted roots, in bundle order. */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** The extension providers registered in the mesh. */
    public readonly extensionProviders!: pulumi.Output<ExtensionProvider[]>;

    constructor(name: string, args: MtlsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every check, the platform's and each child's, runs before anything is registered.
        const plan = planMtlsPlatform(name, args);
        super(MTLS_PLATFORM_TYPE, name, args, opts);

        const ca = new CertificateAuthority(plan.ca.name, plan.ca.args, childOptions(this, opts));
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {
            ca: certificateInfo(ca.fingerprintSha256, ca.notAfter, ca.serialNumber),
        };
        if (plan.ca.plan.generations[0].intermediate) {
            certificates["ca-root"] = ca.rootCertPem.apply((pem): CertificateFacts => certificateFacts(pem));
        }

        let mesh: IstioMesh | undefined;
        if (plan.istio) {
            const { name: meshName, args: meshArgs, usesPlatformCa } = plan.istio;
            mesh = new IstioMesh(meshName, { ...meshArgs, pluginCa: usesPlatformCa ? ca.issuer : undefined }, childOptions(this, opts));
        }
        const afterMesh = mesh ? [mesh] : [];

        if (plan.kuadrant) {
            new KuadrantMtls(plan.kuadrant.name, plan.kuadrant.args, childOptions(this, opts, afterMesh));
        }

        if (plan.gloo) {
            const { name: glooName, args: glooArgs, usesPlatformCa } = plan.gloo;
            const xds = usesPlatformCa && glooArgs.xds ? { ...glooArgs.xds, issuer: ca.issuer } : glooArgs.xds;
            const gloo = new GlooMtls(glooName, { ...glooArgs, xds }, childOptions(this, opts, afterMesh));
            if (usesPlatformCa) {
                certificates["gloo-xds"] = certificateInfo(gloo.fingerprintSha256, gloo.notAfter, gloo.serialNumber);
            }
        }

        if (plan.authz) {
            const { name: authzName, args: authzArgs, usesPlatformCa } = plan.authz;
            const authz = new KyvernoAuthz(authzName, { ...authzArgs, webhookIssuer: usesPlatformCa ? ca.issuer : authzArgs.webhookIssuer }, childOptions(this, opts, afterMesh));
            if (usesPlatformCa || authzArgs.webhookIssuer !== undefined) {
                certificates["kyverno-webhook"] = certificateInfo(authz.webhookFingerprintSha256, authz.webhookNotAfter, authz.webhookSerialNumber);
            }
        }

        for (const p of plan.policies) {
            new MtlsPolicy(p.name, p.args, childOptions(this, opts, afterMesh));
        }

        this.certificates = pulumi.output(certificates);
        this.posture = pulumi.output(plan.posture);
        this.trustBundleFingerprints = ca.trustBundleFingerprints;
        // apply gives the Output its declared (unwrapped) element type.
        this.extensionProviders = pulumi.output(plan.extensionProviders).apply((p) => p);
        this.registerOutputs({
            certificates: this.certificates,
            posture: this.posture,
            trustBundleFingerprints: this.trustBundleFingerprints,
            extensionProviders: this.extensionProviders,
        });
    }
}

/** A CertificateInfo from a component's three facts. */
function certificateInfo(fingerprintSha256: pulumi.Output<string>, notAfter: pulumi.Output<string>, serialNumber: pulumi.Output<string>): pulumi.Output<CertificateInfo> {
    return pulumi.all([fingerprintSha256, notAfter, serialNumber]).apply(([f, n, s]) => ({ fingerprintSha256: f, notAfter: n, serialNumber: s }));
}
