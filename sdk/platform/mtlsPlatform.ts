import * as pulumi from "@pulumi/pulumi";
import { KyvernoAuthz, KyvernoAuthzArgs, KyvernoAuthzFlavor, kyvernoExtensionProvider } from "../authz/kyvernoAuthz";
import { GlooCertRotation, GlooInstallSettings, GlooIstioUpstreamArgs, GlooMtls, GlooMtlsArgs, GlooXdsCertificateArgs, glooInstallSettings } from "../gloo/glooMtls";
import { HelmMode } from "../internal/helm";
import { childOptions } from "../internal/options";
import { ArgsValidator } from "../internal/validation";
import { DEFAULT_ISTIO_VERSION, IstioInstallSettings, IstioMesh, istioInstallSettings } from "../istio/istioMesh";
import { MtlsPolicy, MtlsPolicyArgs } from "../istio/mtlsPolicy";
import { ExtensionProvider, MtlsMode } from "../istio/types";
import { KuadrantMtls, KuadrantMtlsArgs } from "../kuadrant/kuadrantMtls";
import { CertificateAuthority, CertificateAuthorityArgs } from "../pki/certificateAuthority";
import { CertificateFacts, certificateFacts } from "../pki/fingerprint";

const TYPE = "meshtls:index:MtlsPlatform";

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
        validatePlatformArgs(name, args);
        super(TYPE, name, args, opts);

        const ca = new CertificateAuthority(`${name}-ca`, args.ca ?? {}, childOptions(this, opts));
        const certificates: Record<string, pulumi.Output<CertificateInfo>> = {
            ca: certificateInfo(ca.fingerprintSha256, ca.notAfter, ca.serialNumber),
        };
        if (args.ca?.intermediate) {
            certificates["ca-root"] = ca.rootCertPem.apply((pem): CertificateFacts => certificateFacts(pem));
        }
        const posture: Record<string, pulumi.Input<string>> = {};

        const istio = args.istio ?? {};
        const istioEnabled = istio.enabled ?? true;
        const istioVersion = istio.version ?? DEFAULT_ISTIO_VERSION;
        const providers: ExtensionProvider[] = [];
        if (args.authz) {
            providers.push(kyvernoExtensionProvider(args.authz));
        }
        providers.push(...(istio.extraExtensionProviders ?? []));

        let mesh: IstioMesh | undefined;
        if (istioEnabled) {
            const usePlatformCa = istio.usePlatformCa ?? true;
            mesh = new IstioMesh(
                `${name}-istio`,
                {
                    ...istioInstallSettings(istio),
                    helmMode: istio.helmMode ?? args.helmMode,
                    extensionProviders: providers.length > 0 ? providers : undefined,
                    pluginCa: usePlatformCa ? ca.issuer : undefined,
                    multiRootTrust: usePlatformCa ? istio.multiRootTrust : undefined,
                },
                childOptions(this, opts),
            );
            posture.mesh = istio.mtlsMode ?? MtlsMode.STRICT;
        }
        const afterMesh = mesh ? [mesh] : [];

        let kuadrantPosture: pulumi.Output<Record<string, string>> = pulumi.output({}).apply((): Record<string, string> => ({}));
        if (args.kuadrant) {
            kuadrantPosture = new KuadrantMtls(`${name}-kuadrant`, args.kuadrant, childOptions(this, opts, afterMesh)).posture;
        }

        if (args.gloo) {
            const g = args.gloo;
            const xds = g.xds ?? true;
            const rotation = g.xdsRotation ?? GlooCertRotation.Pulumi;
            const withIstio = istioEnabled && (g.istioIntegration ?? true);
            const istioNamespace = istio.namespace ?? "istio-system";
            const discovery = istio.revision || istioNamespace !== "istio-system" ? `istiod${istio.revision ? `-${istio.revision}` : ""}.${istioNamespace}.svc:15012` : undefined;
            const glooArgs: GlooMtlsArgs = {
                ...glooInstallSettings(g),
                helmMode: g.install === false ? undefined : (g.helmMode ?? args.helmMode),
                xds: xds
                    ? rotation === GlooCertRotation.Pulumi
                        ? { issuer: ca.issuer, certificate: g.xdsCertificate }
                        : { rotation, cronSchedule: g.cronSchedule, rotationDuration: g.rotationDuration }
                    : undefined,
                istio: withIstio
                    ? { istioVersion, enableAutoMtls: g.enableAutoMtls, istioDiscoveryAddress: discovery, upstreams: g.istioUpstreams, strictUpstreamNamespaces: g.strictUpstreamNamespaces }
                    : undefined,
            };
            const gloo = new GlooMtls(`${name}-gloo`, glooArgs, childOptions(this, opts, afterMesh));
            if (xds) {
                posture["gloo<->proxies (xDS)"] = `mTLS (${rotation} rotation)`;
                if (rotation === GlooCertRotation.Pulumi) {
                    certificates["gloo-xds"] = certificateInfo(gloo.fingerprintSha256, gloo.notAfter, gloo.serialNumber);
                }
            }
            for (const u of withIstio ? (g.istioUpstreams ?? []) : []) {
                posture[`gateway-proxy->${u.serviceNamespace}/${u.serviceName}:${u.port}`] = "ISTIO_MUTUAL";
            }
        }

        if (args.authz) {
            const a = args.authz;
            const server = (a.flavor ?? KyvernoAuthzFlavor.AuthzServer) === KyvernoAuthzFlavor.AuthzServer;
            const useCa = server && a.webhookIssuer === undefined && a.webhookCertManagerIssuer === undefined;
            const authz = new KyvernoAuthz(
                `${name}-authz`,
                {
                    ...a,
                    webhookIssuer: useCa ? ca.issuer : a.webhookIssuer,
                    helmMode: server ? (a.helmMode ?? args.helmMode) : undefined,
                    meshExtensionProviders: a.meshExtensionProviders ?? (mesh ? providers : undefined),
                },
                childOptions(this, opts, afterMesh),
            );
            const provider = kyvernoExtensionProvider(a);
            posture[`mesh->${provider.name}`] = MtlsMode.STRICT;
            if (useCa || a.webhookIssuer !== undefined) {
                certificates["kyverno-webhook"] = certificateInfo(authz.webhookFingerprintSha256, authz.webhookNotAfter, authz.webhookSerialNumber);
            }
        }

        for (const p of args.policies ?? []) {
            const policy = new MtlsPolicy(`${name}-policy-${p.name}`, p.args, childOptions(this, opts, afterMesh));
            posture[`policy ${p.args.namespace ?? p.args.rootNamespace ?? "istio-system"}/${p.name}`] = policy.mode;
        }

        this.certificates = pulumi.output(certificates);
        this.posture = pulumi.all([pulumi.output(posture), kuadrantPosture]).apply(([own, kuadrant]) => {
            const all: Record<string, string> = { ...own, ...kuadrant };
            return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
        });
        this.trustBundleFingerprints = ca.trustBundleFingerprints;
        // apply gives the Output its declared (unwrapped) element type.
        this.extensionProviders = pulumi.output(providers).apply((p) => p);
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

function validatePlatformArgs(name: string, args: MtlsPlatformArgs): void {
    const v = new ArgsValidator(TYPE, name);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    const istioEnabled = args.istio?.enabled ?? true;
    if (!istioEnabled) {
        v.check(args.gloo?.istioIntegration !== true, "gloo.istioIntegration", true, "it needs the platform's Istio; enable istio or set gloo.istioIntegration false");
        v.check((args.gloo?.istioUpstreams ?? []).length === 0 || args.gloo?.istioIntegration === false, "gloo.istioUpstreams", args.gloo?.istioUpstreams?.map((u) => u.serviceName), "Istio upstreams need the platform's Istio (istio.enabled is false)");
    }
    if (args.istio?.usePlatformCa === false && args.istio.multiRootTrust !== undefined) {
        v.fail("istio.multiRootTrust", args.istio.multiRootTrust, "it only applies with the platform CA as plug-in CA (istio.usePlatformCa)");
    }
    if (args.gloo && args.gloo.xds === false && args.gloo.istioIntegration === false) {
        v.fail("gloo", { xds: false, istioIntegration: false }, "Gloo with neither xDS mTLS nor the Istio integration has nothing to protect; remove gloo or enable one");
    }
    const names = new Set<string>();
    (args.policies ?? []).forEach((p, i) => {
        if (v.dnsSubdomain(`policies[${i}].name`, p.name, true)) {
            v.check(!names.has(p.name), `policies[${i}].name`, p.name, "policy names must be unique in the platform");
            names.add(p.name);
        }
    });
    v.throwIfInvalid();
}
