// GlooMtls's argument types: the public contract shared by the component, its plan and MtlsPlatform.
import type * as pulumi from "@pulumi/pulumi";
import type { HelmMode } from "../internal/chartValues";
import type { DataPlaneMode } from "../istio";
import type { IssuerMaterial, KeyAlgorithm } from "../pki";

/** Who rotates the xDS certificate. */
export enum GlooCertRotation {
    /**
     * meshtls issues `gloo-mtls-certs` from an IssuerMaterial; rotation is the CertificateAuthority's
     * TrustNew / ServeNew / Stable phases, each a reviewable `pulumi up`.
     */
    Pulumi = "Pulumi",
    /** The chart's `gloo-mtls-certgen-cronjob` generates and rotates the secret; Pulumi does not own its contents. */
    CronJob = "CronJob",
}

/** Optional settings of the xDS server certificate (Pulumi rotation). */
export interface GlooXdsCertificateArgs {
    /**
     * Key algorithm.
     * @default KeyAlgorithm.EcdsaP256
     */
    keyAlgorithm?: pulumi.Input<KeyAlgorithm>;
    /**
     * Validity in hours. Must exceed 2328: the chart's certgen job (a Helm hook) replaces, with its own
     * CA, a certificate with less than its `--renew-before` (2160 h, which the chart cannot change) left;
     * 2328 adds a week's margin.
     * @default 4320 (180 days)
     */
    validityHours?: pulumi.Input<number>;
    /**
     * Re-issue this many hours before expiry (at the next `pulumi up`). Must exceed 2328 too, so that
     * Pulumi re-issues the certificate before it enters certgen's 2160 h renewal window.
     * @default 2880 (120 days)
     */
    earlyRenewalHours?: pulumi.Input<number>;
}

/**
 * TLS between Gloo (xDS server) and its clients (gateway-proxy, extauth, rate-limit): server-authenticated,
 * not mutual, since Gloo's xDS sidecar does not require client certificates (`global.glooMtls`, named mTLS;
 * its DownstreamTlsContext in solo-io/gloo v1.22.1 install/helm/gloo/templates/19-gloo-mtls-configmap.yaml
 * sets no `require_client_certificate`).
 */
export interface GlooXdsMtlsArgs {
    /**
     * Who rotates the certificate.
     * @default GlooCertRotation.Pulumi
     */
    rotation?: GlooCertRotation;
    /** The CA that issues `gloo-mtls-certs` (required with Pulumi rotation), e.g. `CertificateAuthority.issuer`. */
    issuer?: pulumi.Input<IssuerMaterial>;
    /** Certificate settings (Pulumi rotation). */
    certificate?: GlooXdsCertificateArgs;
    /**
     * Cron schedule of `gloo-mtls-certgen-cronjob` (CronJob rotation): five fields (minute 0-59, hour
     * 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT) with `*`, lists, ranges
     * and steps of at least 1, `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly`, or `@every <duration>`
     * (robfig/cron v3's standard parser). The chart's own default, every minute, is not used.
     * @default "0 3 1 * *" (monthly)
     */
    cronSchedule?: pulumi.Input<string>;
    /**
     * Wait between the certgen job's stages (new CA trusted, then new certificate, then old CA dropped):
     * a Go duration above zero.
     * @default "65s"
     */
    rotationDuration?: pulumi.Input<string>;
}

/** A Kubernetes Service in the mesh that Gloo routes to over Istio mTLS. */
export interface GlooIstioUpstreamArgs {
    /** Service name. */
    serviceName: string;
    /** Service namespace. */
    serviceNamespace: string;
    /** Service port. */
    port: number;
    /**
     * Name of the Upstream in the Gloo namespace. Avoid `<serviceNamespace>-<serviceName>-<port>`: that
     * is the name Gloo's discovery gives the port's Upstream, and when discovery is enabled it overwrites
     * a same-named Upstream, dropping the Istio `sslConfig`.
     * @default "<serviceNamespace>-<serviceName>-<port>-mtls"
     */
    name?: string;
}

/** Gloo as ingress to an Istio mesh: gateway-proxy gets istio-proxy + SDS sidecars, Upstreams use Istio mTLS. */
export interface GlooIstioArgs {
    /** The mesh's Istio version, for the istio-proxy sidecar image (e.g. `IstioMesh.version`). */
    istioVersion: pulumi.Input<string>;
    /**
     * Let Gloo add Istio mTLS to every Upstream (`global.istioIntegration.enableAutoMtls`, chart >= 1.17).
     * @default false
     */
    enableAutoMtls?: pulumi.Input<boolean>;
    /** istiod address for the istio-proxy sidecar. @default the chart's ("istiod.istio-system.svc:15012") */
    istioDiscoveryAddress?: pulumi.Input<string>;
    /** YAML list of containers that replace the default istio-proxy sidecar (`global.istioSDS.customSidecars`). */
    customSidecarsYaml?: pulumi.Input<string>;
    /** Services to route to with Istio mTLS: one Upstream each with the SDS `sslConfig`. */
    upstreams?: GlooIstioUpstreamArgs[];
    /**
     * Also make each upstream namespace STRICT (a namespace-wide MtlsPolicy `default`).
     * @default false
     */
    strictUpstreamNamespaces?: boolean;
    /**
     * The mesh's data plane (IstioMesh's `dataPlaneMode`). Gloo Edge's Istio integration is sidecar-only
     * (an istio-proxy agent and an SDS sidecar in gateway-proxy write Istio certificates for Envoy's TLS;
     * nothing speaks HBONE), so `Ambient` is refused: use kgateway for an ambient mesh.
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: pulumi.Input<DataPlaneMode>;
}

/** How the Gloo chart is installed: shared by GlooMtls and MtlsPlatform's `gloo` section. */
export interface GlooInstallSettings {
    /**
     * Gloo Edge chart version.
     * @default "1.22.1"
     */
    version?: pulumi.Input<string>;
    /**
     * Chart repository URL.
     * @default "https://storage.googleapis.com/solo-public-helm"
     */
    chartRepository?: pulumi.Input<string>;
    /**
     * Install namespace.
     * @default "gloo-system"
     */
    namespace?: pulumi.Input<string>;
    /**
     * Create the namespace, labelled `istio-injection: disabled` so Istio never injects Gloo's pods.
     * @default the value of `install`
     */
    createNamespace?: boolean;
    /**
     * Helm release name.
     * @default "gloo"
     */
    releaseName?: pulumi.Input<string>;
    /**
     * Install the chart. False: nothing is installed, everything else is still created, and the values
     * to apply to your existing release are the `helmValues` output.
     * @default true
     */
    install?: boolean;
    /**
     * How the chart is installed.
     * @default HelmMode.Release (the chart relies on Helm hooks, e.g. the certgen jobs)
     */
    helmMode?: HelmMode;
    /**
     * Escape hatch: raw chart values as YAML text, deep-merged last (objects merge, arrays replace). A key
     * meshtls sets keeps its type (`global: 5` is refused), and the keys that carry its wiring keep
     * meshtls's value (`global.glooMtls.enabled` with `xds`, the certgen cron's switch, schedule and
     * duration, `global.istioIntegration`/`istioSDS` with `istio`, the istio-proxy tag): set the argument.
     */
    values?: pulumi.Input<string>;
}

/** Arguments of a GlooMtls (one per Gloo installation, so the chart values have one owner). */
export interface GlooMtlsArgs extends GlooInstallSettings {
    /** TLS on xDS between Gloo and its proxies (`global.glooMtls`; server-authenticated, not mutual). */
    xds?: GlooXdsMtlsArgs;
    /** Istio mTLS from gateway-proxy to mesh services. */
    istio?: GlooIstioArgs;
}

/** The install part of GlooMtls args (what MtlsPlatform passes through unchanged). */
export function glooInstallSettings(s: pulumi.Unwrap<GlooInstallSettings>): pulumi.Unwrap<GlooInstallSettings> {
    return {
        version: s.version,
        chartRepository: s.chartRepository,
        namespace: s.namespace,
        createNamespace: s.createNamespace,
        releaseName: s.releaseName,
        install: s.install,
        helmMode: s.helmMode,
        values: s.values,
    };
}
