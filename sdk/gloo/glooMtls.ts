import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deepMerge, HelmMode, installChart, parseValuesYaml, valuesYaml } from "../internal/helm";
import { childOptions } from "../internal/options";
import { ArgsValidator, isDnsLabel } from "../internal/validation";
import { compareVersions } from "../internal/values";
import { MtlsPolicy } from "../istio/mtlsPolicy";
import { Certificate } from "../pki/certificate";
import { bundleFingerprints } from "../pki/fingerprint";
import { IssuerMaterial, KeyAlgorithm, publicIssuer } from "../pki/types";

const TYPE = "meshtls:index:GlooMtls";

/** The Gloo Edge chart installed by default (latest 1.22 patch). */
export const DEFAULT_GLOO_VERSION = "1.22.1";
/** The Gloo Edge chart repository. */
export const GLOO_CHART_REPO = "https://storage.googleapis.com/solo-public-helm";
/** The secret Gloo's xDS mTLS mode mounts (fixed by the chart). */
export const GLOO_MTLS_SECRET = "gloo-mtls-certs";
/** First chart version with `global.istioIntegration` (older charts use `global.istioSDS`). */
export const ISTIO_INTEGRATION_SINCE = "1.17.0";

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
    keyAlgorithm?: KeyAlgorithm;
    /**
     * Validity in hours.
     * @default 2160 (90 days)
     */
    validityHours?: number;
    /**
     * Re-issue this many hours before expiry (at the next `pulumi up`).
     * @default 720 (30 days)
     */
    earlyRenewalHours?: number;
}

/** mTLS between Gloo (xDS server) and its clients: gateway-proxy, extauth, rate-limit. */
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
     * Cron schedule of `gloo-mtls-certgen-cronjob` (CronJob rotation). The chart's own default, every
     * minute, is not used.
     * @default "0 3 1 * *" (monthly)
     */
    cronSchedule?: string;
    /**
     * Wait between the certgen job's stages (new CA trusted, then new certificate, then old CA dropped).
     * @default "65s"
     */
    rotationDuration?: string;
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
     * Name of the Upstream in the Gloo namespace.
     * @default "<serviceNamespace>-<serviceName>-<port>" (how Gloo's discovery names it)
     */
    name?: string;
}

/** Gloo as ingress to an Istio mesh: gateway-proxy gets istio-proxy + SDS sidecars, Upstreams use Istio mTLS. */
export interface GlooIstioArgs {
    /** The mesh's Istio version, for the istio-proxy sidecar image (e.g. `IstioMesh.version`). */
    istioVersion: string;
    /**
     * Let Gloo add Istio mTLS to every Upstream (`global.istioIntegration.enableAutoMtls`, chart >= 1.17).
     * @default false
     */
    enableAutoMtls?: boolean;
    /** istiod address for the istio-proxy sidecar. @default the chart's ("istiod.istio-system.svc:15012") */
    istioDiscoveryAddress?: string;
    /** YAML list of containers that replace the default istio-proxy sidecar (`global.istioSDS.customSidecars`). */
    customSidecarsYaml?: string;
    /** Services to route to with Istio mTLS: one Upstream each with the SDS `sslConfig`. */
    upstreams?: GlooIstioUpstreamArgs[];
    /**
     * Also make each upstream namespace STRICT (a namespace-wide MtlsPolicy `default`).
     * @default false
     */
    strictUpstreamNamespaces?: boolean;
}

/** How the Gloo chart is installed: shared by GlooMtls and MtlsPlatform's `gloo` section. */
export interface GlooInstallSettings {
    /**
     * Gloo Edge chart version.
     * @default "1.22.1"
     */
    version?: string;
    /**
     * Chart repository URL.
     * @default "https://storage.googleapis.com/solo-public-helm"
     */
    chartRepository?: string;
    /**
     * Install namespace.
     * @default "gloo-system"
     */
    namespace?: string;
    /**
     * Create the namespace, labelled `istio-injection: disabled` so Istio never injects Gloo's pods.
     * @default the value of `install`
     */
    createNamespace?: boolean;
    /**
     * Helm release name.
     * @default "gloo"
     */
    releaseName?: string;
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
    /** Escape hatch: raw chart values as YAML text, deep-merged last (objects merge, arrays replace). */
    values?: string;
}

/** Arguments of a GlooMtls (one per Gloo installation, so the chart values have one owner). */
export interface GlooMtlsArgs extends GlooInstallSettings {
    /** xDS mTLS between Gloo and its proxies. */
    xds?: GlooXdsMtlsArgs;
    /** Istio mTLS from gateway-proxy to mesh services. */
    istio?: GlooIstioArgs;
}

/** The install part of GlooMtls args (what MtlsPlatform passes through unchanged). */
export function glooInstallSettings(s: GlooInstallSettings): GlooInstallSettings {
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

/** The SDS `sslConfig` that makes an Upstream use the istio-proxy sidecar's certificates. */
export const ISTIO_UPSTREAM_SSL_CONFIG = {
    alpnProtocols: ["istio"],
    sds: {
        targetUri: "127.0.0.1:8234",
        clusterName: "gateway_proxy_sds",
        certificatesSecretName: "istio_server_cert",
        validationContextName: "istio_validation_context",
    },
};

/**
 * Gloo Edge with mTLS: xDS mTLS (`global.glooMtls`) with a Pulumi-issued `gloo-mtls-certs` or the
 * chart's cron rotation, and Istio upstream mTLS (`global.istioIntegration` / `global.istioSDS`) with
 * SDS Upstreams. Gloo Edge OSS reaches end of life on 2026-12-31 (see the README).
 */
export class GlooMtls extends pulumi.ComponentResource {
    /** The chart values as YAML text: installed, or to apply to an existing release (`helm upgrade -f`) when `install: false`. */
    public readonly helmValues!: pulumi.Output<string>;
    /** Name of the xDS secret (`gloo-mtls-certs`), or "" without xds mTLS. */
    public readonly secretName!: pulumi.Output<string>;
    /** SHA-256 fingerprint of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly fingerprintSha256!: pulumi.Output<string>;
    /** End of validity of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly notAfter!: pulumi.Output<string>;
    /** Serial number of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly serialNumber!: pulumi.Output<string>;
    /** Fingerprints of the roots in `ca.crt` (empty unless Pulumi rotation). */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** Names of the Upstreams created. */
    public readonly upstreamNames!: pulumi.Output<string[]>;

    constructor(name: string, args: GlooMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
        const parsed = validateGlooArgs(name, args);
        const issuer = args.xds?.issuer;
        // The recorded inputs never carry the issuer's key.
        super(TYPE, name, { ...args, xds: args.xds ? { ...args.xds, issuer: issuer === undefined ? undefined : publicIssuer(issuer) } : undefined }, opts);

        const namespace = args.namespace ?? "gloo-system";
        const install = args.install ?? true;
        const values = deepMerge(computeGlooValues(args, parsed.customSidecars), parsed.values);

        const before: pulumi.Resource[] = [];
        if (args.createNamespace ?? install) {
            before.push(
                new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespace, labels: { "istio-injection": "disabled" } } }, childOptions(this, opts)),
            );
        }

        let facts: pulumi.Output<{ fingerprintSha256: string; notAfter: string; serialNumber: string; roots: string[] }> = pulumi.output({
            fingerprintSha256: "",
            notAfter: "",
            serialNumber: "",
            roots: [] as string[],
        });
        if (args.xds && (args.xds.rotation ?? GlooCertRotation.Pulumi) === GlooCertRotation.Pulumi && issuer !== undefined) {
            const cert = new Certificate(
                `${name}-xds-cert`,
                {
                    issuer,
                    commonName: `gloo.${namespace}.svc`,
                    dnsNames: ["gloo", `gloo.${namespace}`, `gloo.${namespace}.svc`, `gloo.${namespace}.svc.cluster.local`],
                    // One secret serves the server (gloo) and its clients (gateway-proxy, extauth, rate-limit).
                    serverAuth: true,
                    clientAuth: true,
                    ...args.xds.certificate,
                },
                childOptions(this, opts),
            );
            before.push(
                new k8s.core.v1.Secret(
                    `${name}-mtls-certs`,
                    {
                        metadata: { name: GLOO_MTLS_SECRET, namespace },
                        type: "kubernetes.io/tls",
                        stringData: { "ca.crt": cert.trustBundlePem, "tls.crt": cert.chainPem, "tls.key": cert.privateKeyPem },
                    },
                    childOptions(this, opts, before),
                ),
            );
            facts = pulumi.all([cert.fingerprintSha256, cert.notAfter, cert.serialNumber, cert.trustBundlePem]).apply(([fingerprintSha256, notAfter, serialNumber, bundle]) => ({
                fingerprintSha256,
                notAfter,
                serialNumber,
                roots: bundleFingerprints(bundle),
            }));
        }

        if (install) {
            before.push(
                installChart(
                    `${name}-gloo`,
                    {
                        mode: args.helmMode ?? HelmMode.Release,
                        chart: "gloo",
                        version: args.version ?? DEFAULT_GLOO_VERSION,
                        repo: args.chartRepository ?? GLOO_CHART_REPO,
                        releaseName: args.releaseName ?? "gloo",
                        namespace,
                        values,
                    },
                    childOptions(this, opts, before),
                ),
            );
        }

        const upstreamNames: string[] = [];
        for (const u of args.istio?.upstreams ?? []) {
            const upstreamName = upstreamNameOf(u);
            upstreamNames.push(upstreamName);
            new k8s.apiextensions.CustomResource(
                `${name}-upstream-${upstreamName}`,
                {
                    apiVersion: "gloo.solo.io/v1",
                    kind: "Upstream",
                    metadata: { name: upstreamName, namespace },
                    spec: { kube: { serviceName: u.serviceName, serviceNamespace: u.serviceNamespace, servicePort: u.port }, sslConfig: ISTIO_UPSTREAM_SSL_CONFIG },
                },
                childOptions(this, opts, before),
            );
        }
        if (args.istio?.strictUpstreamNamespaces) {
            for (const ns of [...new Set((args.istio.upstreams ?? []).map((u) => u.serviceNamespace))].sort()) {
                new MtlsPolicy(`${name}-${ns}-strict`, { namespace: ns }, childOptions(this, opts, before));
            }
        }

        this.helmValues = pulumi.output(valuesYaml(values));
        this.secretName = pulumi.output(args.xds ? GLOO_MTLS_SECRET : "");
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notAfter = facts.notAfter;
        this.serialNumber = facts.serialNumber;
        this.trustBundleFingerprints = facts.roots;
        this.upstreamNames = pulumi.output(upstreamNames);
        this.registerOutputs({
            helmValues: this.helmValues,
            secretName: this.secretName,
            fingerprintSha256: this.fingerprintSha256,
            notAfter: this.notAfter,
            serialNumber: this.serialNumber,
            trustBundleFingerprints: this.trustBundleFingerprints,
            upstreamNames: this.upstreamNames,
        });
    }
}

function upstreamNameOf(u: GlooIstioUpstreamArgs): string {
    return u.name ?? `${u.serviceNamespace}-${u.serviceName}-${u.port}`;
}

/** The chart values meshtls computes for these arguments (before the `values` escape hatch). */
export function computeGlooValues(args: GlooMtlsArgs, customSidecars?: unknown[]): Record<string, unknown> {
    const global: Record<string, unknown> = {};
    const gateway: Record<string, unknown> = {};
    const values: Record<string, unknown> = { global };
    const glooMtls: Record<string, unknown> = {};

    if (args.xds) {
        glooMtls.enabled = true;
        if ((args.xds.rotation ?? GlooCertRotation.Pulumi) === GlooCertRotation.Pulumi) {
            // The chart's certgen job (a pre-install hook) passes --force-rotation unless this is
            // false, and would overwrite the secret meshtls created. With false it finds a valid
            // secret and leaves it alone.
            gateway.certGenJob = { forceRotation: false, cron: { enabled: false } };
        } else {
            gateway.certGenJob = {
                cron: { enabled: true, schedule: args.xds.cronSchedule ?? "0 3 1 * *" },
                rotationDuration: args.xds.rotationDuration ?? "65s",
            };
        }
    }
    if (args.istio) {
        const istio = args.istio;
        // The istio-proxy sidecar in gateway-proxy must match the mesh's Istio version.
        glooMtls.istioProxy = { image: { tag: istio.istioVersion } };
        const current = compareVersions(args.version ?? DEFAULT_GLOO_VERSION, ISTIO_INTEGRATION_SINCE) >= 0;
        if (current) {
            global.istioIntegration = { enabled: true, enableAutoMtls: istio.enableAutoMtls ?? false };
            if (customSidecars) {
                global.istioSDS = { customSidecars };
            }
        } else {
            global.istioSDS = { enabled: true, ...(customSidecars ? { customSidecars } : {}) };
        }
        if (istio.istioDiscoveryAddress) {
            values.gatewayProxies = { gatewayProxy: { istioDiscoveryAddress: istio.istioDiscoveryAddress } };
        }
    }
    if (Object.keys(glooMtls).length > 0) {
        global.glooMtls = glooMtls;
    }
    if (Object.keys(gateway).length > 0) {
        values.gateway = gateway;
    }
    return values;
}

const CRON_FIELD = /^(\*|\d+|\d+-\d+|\*\/\d+|\d+(,\d+)+)(\/\d+)?$/;

function validateGlooArgs(name: string, args: GlooMtlsArgs): { values?: Record<string, unknown>; customSidecars?: unknown[] } {
    const v = new ArgsValidator(TYPE, name);
    v.version("version", args.version);
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("releaseName", args.releaseName);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    v.chartRepository("chartRepository", args.chartRepository);
    v.check(args.xds !== undefined || args.istio !== undefined, "xds/istio", undefined, "set xds (mTLS between Gloo and its proxies), istio (mTLS to mesh upstreams), or both");
    if (args.install === false && args.helmMode !== undefined) {
        v.fail("helmMode", args.helmMode, "it only applies when the chart is installed (install: false installs nothing)");
    }

    const xds = args.xds;
    if (xds) {
        const rotation = xds.rotation ?? GlooCertRotation.Pulumi;
        if (rotation === GlooCertRotation.Pulumi) {
            v.check(xds.issuer !== undefined, "xds.issuer", undefined, "Pulumi rotation issues gloo-mtls-certs from an IssuerMaterial: set xds.issuer (e.g. CertificateAuthority.issuer), or use rotation: CronJob");
            v.check(xds.cronSchedule === undefined, "xds.cronSchedule", xds.cronSchedule, "it only applies with rotation: CronJob (Pulumi rotation follows the CertificateAuthority's phases)");
            v.check(xds.rotationDuration === undefined, "xds.rotationDuration", xds.rotationDuration, "it only applies with rotation: CronJob");
            if (xds.certificate) {
                v.enumValue("xds.certificate.keyAlgorithm", xds.certificate.keyAlgorithm, KeyAlgorithm);
                v.validity("xds.certificate.", xds.certificate.validityHours, xds.certificate.earlyRenewalHours, { validityHours: 2160, earlyRenewalHours: 720 });
            }
        } else if (v.enumValue("xds.rotation", xds.rotation, GlooCertRotation)) {
            v.check(xds.issuer === undefined, "xds.issuer", "<IssuerMaterial>", "with rotation: CronJob the chart's job generates its own CA; remove issuer, or use rotation: Pulumi");
            v.check(xds.certificate === undefined, "xds.certificate", xds.certificate, "it only applies with rotation: Pulumi");
            v.check((args.helmMode ?? HelmMode.Release) === HelmMode.Release || args.install === false, "helmMode", args.helmMode, "CronJob rotation needs helmMode Release: the chart creates the first secret in a pre-install hook, which helm.v4.Chart does not run");
            if (xds.cronSchedule !== undefined) {
                const fields = xds.cronSchedule.trim().split(/\s+/);
                v.check(fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)), "xds.cronSchedule", xds.cronSchedule, "expected a 5-field cron schedule, e.g. \"0 3 1 * *\"");
            }
            if (xds.rotationDuration !== undefined) {
                v.check(/^\d+(ms|s|m|h)$/.test(xds.rotationDuration), "xds.rotationDuration", xds.rotationDuration, "expected a Go duration such as \"65s\" or \"2m\"");
            }
        }
    }

    const istio = args.istio;
    if (istio) {
        const version: unknown = istio.istioVersion;
        v.check(typeof version === "string" && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version), "istio.istioVersion", version, "the mesh's Istio version is required for the istio-proxy sidecar image, e.g. \"1.30.3\" (IstioMesh.version)");
        const current = compareVersions(args.version ?? DEFAULT_GLOO_VERSION, ISTIO_INTEGRATION_SINCE) >= 0;
        if (istio.enableAutoMtls !== undefined && !current) {
            v.fail("istio.enableAutoMtls", istio.enableAutoMtls, `it needs chart ${ISTIO_INTEGRATION_SINCE} or later (global.istioIntegration); chart ${args.version ?? DEFAULT_GLOO_VERSION} only has global.istioSDS`);
        }
        if (istio.istioDiscoveryAddress !== undefined) {
            v.check(/^[a-z0-9.-]+:\d{1,5}$/.test(istio.istioDiscoveryAddress), "istio.istioDiscoveryAddress", istio.istioDiscoveryAddress, "expected host:port, e.g. istiod.istio-system.svc:15012");
        }
        const names = new Set<string>();
        (istio.upstreams ?? []).forEach((u, i) => {
            const at = `istio.upstreams[${i}]`;
            const okName = v.dnsLabel(`${at}.serviceName`, u.serviceName, true);
            const okNs = v.dnsLabel(`${at}.serviceNamespace`, u.serviceNamespace, true);
            const okPort = v.port(`${at}.port`, u.port, true);
            if (u.name !== undefined) {
                v.dnsSubdomain(`${at}.name`, u.name);
            }
            if (okName && okNs && okPort) {
                const n = upstreamNameOf(u);
                v.check(u.name !== undefined || isDnsLabel(n) || n.length <= 253, `${at}.name`, n, "the default name <namespace>-<service>-<port> is too long; set name");
                v.check(!names.has(n), `${at}.name`, n, "Upstream names must be unique");
                names.add(n);
            }
        });
        if (istio.strictUpstreamNamespaces && (istio.upstreams ?? []).length === 0) {
            v.fail("istio.strictUpstreamNamespaces", true, "it needs upstreams: their namespaces are the ones made STRICT");
        }
    }
    let customSidecars: unknown[] | undefined;
    if (istio?.customSidecarsYaml !== undefined) {
        const parsed = v.yaml("istio.customSidecarsYaml", istio.customSidecarsYaml);
        if (
            parsed !== undefined &&
            v.check(Array.isArray(parsed) && parsed.every((c) => c !== null && typeof c === "object" && typeof (c as { name?: unknown }).name === "string"), "istio.customSidecarsYaml", "<yaml>", "expected a YAML list of containers, each with a name")
        ) {
            customSidecars = parsed as unknown[];
        }
    }
    const values = parseValuesYaml(v, "values", args.values);
    v.throwIfInvalid();
    return { values, customSidecars };
}
