// MtlsPlatform's arguments, apart from the component so its pure plan can read them (no module cycle).
import type * as pulumi from "@pulumi/pulumi";
import { KyvernoAuthzArgs } from "../authz";
import { GlooCertRotation, GlooInstallSettings, GlooIstioUpstreamArgs, GlooXdsCertificateArgs } from "../gloo";
import { HelmMode } from "../internal/chartValues";
import { ExtensionProvider, IstioInstallSettings, MtlsPolicyArgs } from "../istio";
import { KgatewayInstallSettings } from "../kgateway";
import { KuadrantMtlsArgs } from "../kuadrant";
import { CertificateAuthorityArgs, ExternalRootArgs, FleetIssuerExport, IntermediateCaArgs, SignedIntermediateArgs } from "../pki";

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
    /**
     * Control-plane revision (`istio.io/rev`), for revisioned installs. Plain here (an Output in
     * IstioMesh): the platform passes it to Kuadrant, where a revision adds the Operator-mode label
     * patches, so it decides which resources exist.
     * @default "" (the default revision)
     */
    revision?: string;
    /** Extension providers besides the ones the integrations register. */
    extraExtensionProviders?: pulumi.Input<ExtensionProvider[]>;
    /**
     * Namespaces enrolled in the mesh's data plane (sidecar injection labels, or
     * `istio.io/dataplane-mode: ambient`), one NamespaceEnrollment each (`<platform>-enroll-<namespace>`).
     */
    enroll?: PlatformEnrollment[];
}

/** A namespace the platform enrolls in its mesh. */
export interface PlatformEnrollment {
    /** The namespace. */
    namespace: string;
    /**
     * Create the Namespace with the labels; otherwise the existing namespace's labels are patched.
     * @default false
     */
    createNamespace?: boolean;
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
    cronSchedule?: pulumi.Input<string>;
    /** Wait between rotation stages (CronJob rotation). */
    rotationDuration?: pulumi.Input<string>;
    /**
     * Istio integration for gateway-proxy (needs the platform's Istio).
     * @default true when Istio is enabled
     */
    istioIntegration?: boolean;
    /** Mesh services reached over Istio mTLS. */
    istioUpstreams?: GlooIstioUpstreamArgs[];
    /** Istio auto mTLS for every Upstream. @default false */
    enableAutoMtls?: pulumi.Input<boolean>;
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

/** The platform CA's settings: CertificateAuthority's, and for a fleet (`clusters`) its supplied roots. */
export interface PlatformCaArgs extends CertificateAuthorityArgs {
    /**
     * Fleet only (`clusters`): roots supplied from outside by generation (a corporate root from stack config
     * secrets, with its key, or offline without it: then each cluster's `signedIntermediates`).
     */
    externalRoots?: ExternalRootArgs[];
}

/**
 * One cluster of a fleet in one program: its own intermediate under the platform's root, its own
 * Kubernetes provider, and its Istio settings over the platform's `istio`.
 */
export interface PlatformClusterArgs {
    /** The cluster's name: a DNS label of at most 27 characters, unique. It prefixes the cluster's resources (`<platform>-<cluster>-istio`). */
    name: string;
    /** The kubeconfig context to apply this cluster's objects with (exactly one of this and `renderDirectory`). */
    kubeconfigContext?: string;
    /** Render this cluster's objects to this directory instead of applying them (exactly one of this and `kubeconfigContext`). */
    renderDirectory?: string;
    /**
     * This cluster's Istio settings, each over the platform's `istio` one (field by field). `trustDomain`
     * per cluster is allowed (the others become its `trustDomainAliases`); `clusterName` defaults to `name`.
     */
    istio?: IstioInstallSettings;
    /** This cluster's intermediate CA settings, each over the platform's `ca.intermediate`. */
    intermediate?: IntermediateCaArgs;
    /** Offline root: this cluster's intermediates, already signed, one per offline generation in use. */
    signedIntermediates?: SignedIntermediateArgs[];
}

/**
 * A cluster stack of the stack-per-cluster layout: its issuer comes from a fleet CA stack's `material`
 * output (read through a StackReference) instead of a CA of its own.
 */
export interface PlatformFleetIssuerArgs {
    /** This cluster's name in the fleet CA. */
    cluster: string;
    /** The fleet CA stack's `material` output (a secret). */
    material: pulumi.Input<FleetIssuerExport>;
}

/** Arguments of an MtlsPlatform: the whole picture in one object. */
export interface MtlsPlatformArgs {
    /** The platform CA (rotation phases included). @default a root CA, ECDSA P-256 */
    ca?: PlatformCaArgs;
    /**
     * A fleet in one program: one FleetCertificateAuthority (`<platform>-fleet-ca`) and, per cluster, a
     * Kubernetes provider and an IstioMesh signing from its own intermediate. With more than one cluster the
     * integrations (kuadrant, gloo, kgateway, authz, policies, istio.enroll) are refused: run them per cluster
     * with the stack-per-cluster layout (`fleetIssuer`). Omit for one cluster through the program's provider.
     */
    clusters?: PlatformClusterArgs[];
    /** A cluster stack of a fleet: take the issuer from the fleet CA stack instead of creating a CA. */
    fleetIssuer?: PlatformFleetIssuerArgs;
    /** Istio. @default installed with defaults */
    istio?: PlatformIstioArgs;
    /** Kuadrant mTLS (omit to leave Kuadrant alone). */
    kuadrant?: KuadrantMtlsArgs;
    /** Gloo Edge mTLS (omit for none). Gloo Edge reaches end of life on 2026-12-31: see `kgateway`. */
    gloo?: PlatformGlooArgs;
    /**
     * kgateway, Gloo Edge's successor, wired into the mesh (omit for none): KgatewayMtls's settings, with
     * `helmMode` defaulting to the platform's; the mesh settings (data plane, Istio version, istiod's address,
     * mesh ID) come from `istio`, and each backend's namespace must be enrolled (`istio.enroll`).
     */
    kgateway?: KgatewayInstallSettings;
    /** The kyverno external authorizer (omit for none). Its provider is registered in the mesh. */
    authz?: KyvernoAuthzArgs;
    /** Extra PeerAuthentication / DestinationRule policies. */
    policies?: PlatformMtlsPolicy[];
    /** How every chart is installed unless a section says otherwise (HelmMode.Chart to render manifests). */
    helmMode?: HelmMode;
}

/**
 * What the platform reports about one certificate: no field changes with the passage of time alone
 * (no "days left"; the policy pack's certificate-expiry-budget computes that at preview time).
 * Every field is "" when the tls provider returned no certificate (mocks that echo inputs; see docs/testing.md).
 */
export interface CertificateInfo {
    /** SHA-256 fingerprint, upper-case colon hex. */
    fingerprintSha256: string;
    /** End of validity, ISO 8601 UTC without fractional seconds, e.g. `2036-11-22T18:00:00Z`. */
    notAfter: string;
    /** Serial number, upper-case hex. */
    serialNumber: string;
    /** Start of validity, ISO 8601 UTC without fractional seconds, like `notAfter`. */
    notBefore: string;
    /**
     * The name of the certificate that signed this one: its subject common name (CN), or, when that
     * subject has no CN, the whole subject as `KEY=value` attributes joined with ", ". A self-signed
     * root names itself.
     */
    issuer: string;
}
