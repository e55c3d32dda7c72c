import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { compact, deepMerge, HelmMode, installChart, parseValuesYaml, valuesYaml } from "../internal/helm";
import { childOptions } from "../internal/options";
import { ArgsValidator, isDnsLabel, isDnsName } from "../internal/validation";
import { bundleFingerprints } from "../pki/fingerprint";
import { IssuerMaterial, issuerParts, publicIssuer } from "../pki/types";
import { MtlsPolicy } from "./mtlsPolicy";
import { ExtensionProvider, MtlsMode } from "./types";

const TYPE = "meshtls:index:IstioMesh";

/** The Istio release installed by default (latest stable 1.30 patch). */
export const DEFAULT_ISTIO_VERSION = "1.30.3";
/** The official Istio chart repository. */
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";

/** An Istio ingress gateway installed with the `gateway` chart. */
export interface IngressGatewayArgs {
    /**
     * Helm release name; the chart names the Deployment and Service after it.
     * @default "istio-ingressgateway"
     */
    name?: string;
    /**
     * Namespace of the gateway.
     * @default "istio-ingress"
     */
    namespace?: string;
    /**
     * Create the gateway namespace. Set false when it already exists.
     * @default true
     */
    createNamespace?: boolean;
}

/**
 * Raw chart values as YAML text, deep-merged last over what meshtls computes (objects merge, arrays
 * replace). Text, so the escape hatch works from every Pulumi language.
 */
export interface IstioChartValues {
    /** YAML values for the `base` chart. */
    base?: string;
    /** YAML values for the `istiod` chart. */
    istiod?: string;
    /** YAML values for the `cni` chart. */
    cni?: string;
    /** YAML values for the `gateway` chart. */
    gateway?: string;
}

/** How Istio is installed and configured: shared by IstioMesh and MtlsPlatform's `istio` section. */
export interface IstioInstallSettings {
    /**
     * Istio version: the version of every chart installed.
     * @default "1.30.3"
     */
    version?: string;
    /**
     * Chart repository URL.
     * @default "https://istio-release.storage.googleapis.com/charts"
     */
    chartRepository?: string;
    /**
     * Namespace of the control plane; also the mesh root namespace, where the mesh-wide policy lives.
     * @default "istio-system"
     */
    namespace?: string;
    /**
     * Create the control-plane namespace. Set false when it already exists.
     * @default true
     */
    createNamespace?: boolean;
    /** Control-plane revision (`istio.io/rev`), for revisioned installs. @default "" (the default revision) */
    revision?: string;
    /**
     * How the charts are installed.
     * @default HelmMode.Chart (per-object preview diffs; Istio's charts need no hooks)
     */
    helmMode?: HelmMode;
    /**
     * SPIFFE trust domain (`meshConfig.trustDomain`).
     * @default "cluster.local"
     */
    trustDomain?: string;
    /** Mesh ID (`global.meshID`); Istio uses the trust domain when unset. */
    meshId?: string;
    /**
     * Start application containers only once the sidecar is ready
     * (`meshConfig.defaultConfig.holdApplicationUntilProxyStarts`), so they never send plain text early.
     * @default true
     */
    holdApplicationUntilProxyStarts?: boolean;
    /**
     * Rewrite HTTP probes through the sidecar agent (`sidecarInjectorWebhook.rewriteAppHTTPProbe`), so
     * kubelet probes keep working under STRICT mTLS.
     * @default true
     */
    rewriteAppHTTPProbe?: boolean;
    /**
     * Mode of the mesh-wide PeerAuthentication `default` in the root namespace.
     * @default MtlsMode.STRICT
     */
    mtlsMode?: MtlsMode;
    /**
     * With a plug-in CA, trust several roots at once (`ISTIO_MULTIROOT_MESH`, proxy
     * `PROXY_CONFIG_XDS_AGENT`), so a root rotation through CertificateAuthority phases needs no downtime.
     * @default true
     */
    multiRootTrust?: boolean;
    /**
     * Install the Istio CNI node agent (`cni` chart) and tell istiod to use it.
     * @default false
     */
    cni?: boolean;
    /** Install an ingress gateway with the `gateway` chart. */
    gateway?: IngressGatewayArgs;
    /** Escape hatch: raw chart values, deep-merged last over the computed ones. */
    values?: IstioChartValues;
}

/** Arguments of an IstioMesh. */
export interface IstioMeshArgs extends IstioInstallSettings {
    /** Extension providers (`meshConfig.extensionProviders`), e.g. from `kyvernoExtensionProvider()`. */
    extensionProviders?: ExtensionProvider[];
    /** Plug-in CA: istiod signs workload certificates with this issuer (the `cacerts` Secret). */
    pluginCa?: pulumi.Input<IssuerMaterial>;
}

/** The settings part of IstioMesh args (what MtlsPlatform passes through unchanged). */
export function istioInstallSettings(s: IstioInstallSettings): IstioInstallSettings {
    return {
        version: s.version,
        chartRepository: s.chartRepository,
        namespace: s.namespace,
        createNamespace: s.createNamespace,
        revision: s.revision,
        helmMode: s.helmMode,
        trustDomain: s.trustDomain,
        meshId: s.meshId,
        holdApplicationUntilProxyStarts: s.holdApplicationUntilProxyStarts,
        rewriteAppHTTPProbe: s.rewriteAppHTTPProbe,
        mtlsMode: s.mtlsMode,
        multiRootTrust: s.multiRootTrust,
        cni: s.cni,
        gateway: s.gateway,
        values: s.values,
    };
}

/**
 * Istio installed with Helm (`base`, `istiod`, optional `cni` and `gateway`), a mesh-wide
 * PeerAuthentication, and optionally a plug-in CA from an IssuerMaterial.
 *
 * Other components' Istio resources should depend on this component (`dependsOn: [mesh]`): that waits
 * for the CRDs, istiod and the mesh-wide policy. CustomResourceDefinitions are kept when the stack is
 * destroyed (deleting a CRD deletes every resource of its kind, cluster-wide); remove them by hand.
 */
export class IstioMesh extends pulumi.ComponentResource {
    /** The control-plane (and root) namespace. */
    public readonly namespace!: pulumi.Output<string>;
    /** The Istio version installed. */
    public readonly version!: pulumi.Output<string>;
    /** The control-plane revision ("" for the default revision). */
    public readonly revision!: pulumi.Output<string>;
    /** The mode of the mesh-wide PeerAuthentication. */
    public readonly mtlsMode!: pulumi.Output<MtlsMode>;
    /** Names of the registered extension providers. */
    public readonly extensionProviderNames!: pulumi.Output<string[]>;
    /** SHA-256 fingerprints of the roots in `root-cert.pem` (empty without a plug-in CA). */
    public readonly rootFingerprints!: pulumi.Output<string[]>;
    /** The istiod chart values as installed, YAML text (plain data, no secrets). */
    public readonly istiodValues!: pulumi.Output<string>;

    constructor(name: string, args: IstioMeshArgs, opts?: pulumi.ComponentResourceOptions) {
        const extra = validateMeshArgs(name, args);
        // The recorded inputs carry the plug-in CA's certificates, never its key.
        super(TYPE, name, { ...args, pluginCa: args.pluginCa === undefined ? undefined : publicIssuer(args.pluginCa) }, opts);

        const namespace = args.namespace ?? "istio-system";
        const version = args.version ?? DEFAULT_ISTIO_VERSION;
        const repo = args.chartRepository ?? ISTIO_CHART_REPO;
        const mode = args.helmMode ?? HelmMode.Chart;
        const revision = args.revision ?? "";
        const mtlsMode = args.mtlsMode ?? MtlsMode.STRICT;
        const parent = childOptions(this, opts);

        const before: pulumi.Resource[] = [];
        if (args.createNamespace ?? true) {
            before.push(new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespace } }, parent));
        }
        const chart = (suffix: string, chartName: string, releaseName: string, ns: string, values: Record<string, unknown>, dependsOn: pulumi.Resource[], retainCrds = false) =>
            installChart(`${name}-${suffix}`, { mode, chart: chartName, version, repo, releaseName, namespace: ns, values, retainCrds }, childOptions(this, opts, dependsOn));

        const base = chart("base", "base", "istio-base", namespace, deepMerge(baseValues(namespace, revision), extra.base), before, true);
        const istiodDeps = [...before, base];

        let rootFingerprints: pulumi.Output<string[]> = pulumi.output([]);
        if (args.pluginCa !== undefined) {
            const issuer = issuerParts(args.pluginCa);
            // Istio's plug-in CA layout (security/pkg/pki/ca): root-cert.pem may hold several roots.
            istiodDeps.push(
                new k8s.core.v1.Secret(
                    `${name}-cacerts`,
                    {
                        metadata: { name: "cacerts", namespace },
                        type: "Opaque",
                        stringData: {
                            "ca-cert.pem": issuer.certPem,
                            "ca-key.pem": issuer.privateKeyPem,
                            "root-cert.pem": issuer.trustBundlePem,
                            "cert-chain.pem": issuer.caChainPem,
                        },
                    },
                    childOptions(this, opts, before),
                ),
            );
            rootFingerprints = issuer.trustBundlePem.apply(bundleFingerprints);
        }
        if (args.cni) {
            istiodDeps.push(chart("cni", "cni", "istio-cni", namespace, deepMerge({}, extra.cni), [...before, base]));
        }
        const istiodValues = deepMerge(computeIstiodValues(args, namespace, revision), extra.istiod);
        const istiod = chart("istiod", "istiod", revision ? `istiod-${revision}` : "istiod", namespace, istiodValues, istiodDeps);

        if (args.gateway) {
            const gw = args.gateway;
            const gwNamespace = gw.namespace ?? "istio-ingress";
            const gwDeps: pulumi.Resource[] = [istiod];
            if (gw.createNamespace ?? true) {
                gwDeps.push(new k8s.core.v1.Namespace(`${name}-gateway-namespace`, { metadata: { name: gwNamespace } }, parent));
            }
            chart("gateway", "gateway", gw.name ?? "istio-ingressgateway", gwNamespace, deepMerge(revision ? { revision } : {}, extra.gateway), gwDeps);
        }

        new MtlsPolicy(`${name}-mesh-mtls`, { rootNamespace: namespace, mode: mtlsMode }, childOptions(this, opts, [base, istiod]));

        this.namespace = pulumi.output(namespace);
        this.version = pulumi.output(version);
        this.revision = pulumi.output(revision);
        this.mtlsMode = pulumi.output(mtlsMode);
        this.extensionProviderNames = pulumi.output((args.extensionProviders ?? []).map((p) => p.name));
        this.rootFingerprints = rootFingerprints;
        this.istiodValues = pulumi.output(valuesYaml(istiodValues));
        this.registerOutputs({
            namespace: this.namespace,
            version: this.version,
            revision: this.revision,
            mtlsMode: this.mtlsMode,
            extensionProviderNames: this.extensionProviderNames,
            rootFingerprints: this.rootFingerprints,
            istiodValues: this.istiodValues,
        });
    }
}

function baseValues(namespace: string, revision: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    if (namespace !== "istio-system") {
        values.global = { istioNamespace: namespace };
    }
    if (revision) {
        // The default validating webhook must point at a control plane that exists.
        values.defaultRevision = revision;
    }
    return values;
}

/** The istiod chart values meshtls computes (before the `values.istiod` escape hatch). */
export function computeIstiodValues(args: IstioMeshArgs, namespace: string, revision: string): Record<string, unknown> {
    const multiRoot = args.pluginCa !== undefined && (args.multiRootTrust ?? true);
    const defaultConfig: Record<string, unknown> = { holdApplicationUntilProxyStarts: args.holdApplicationUntilProxyStarts ?? true };
    if (multiRoot) {
        defaultConfig.proxyMetadata = { PROXY_CONFIG_XDS_AGENT: "true" };
    }
    const meshConfig: Record<string, unknown> = { trustDomain: args.trustDomain ?? "cluster.local", defaultConfig };
    if (args.extensionProviders && args.extensionProviders.length > 0) {
        meshConfig.extensionProviders = args.extensionProviders.map((p) => compact(p));
    }
    const global: Record<string, unknown> = {};
    if (args.meshId !== undefined) {
        global.meshID = args.meshId;
    }
    if (namespace !== "istio-system") {
        global.istioNamespace = namespace;
    }
    const values: Record<string, unknown> = {
        // istiod flips the webhook's failurePolicy from Ignore to Fail at runtime; rendering Fail
        // up front keeps server-side apply from showing that as a diff on every preview.
        base: { validationFailurePolicy: "Fail" },
        meshConfig,
        sidecarInjectorWebhook: { rewriteAppHTTPProbe: args.rewriteAppHTTPProbe ?? true },
    };
    if (Object.keys(global).length > 0) {
        values.global = global;
    }
    if (revision) {
        values.revision = revision;
    }
    if (multiRoot) {
        values.env = { ISTIO_MULTIROOT_MESH: "true" };
    }
    if (args.cni) {
        values.cni = { enabled: true };
    }
    return values;
}

function validateProviderService(v: ArgsValidator, field: string, service: unknown): void {
    const text = typeof service === "string" ? service : "";
    const parts = text.split("/");
    const ok = (parts.length === 1 && isDnsName(parts[0], false)) || (parts.length === 2 && isDnsLabel(parts[0]) && isDnsName(parts[1], false));
    v.check(ok, field, service, "expected [<namespace>/]<fully qualified host>, e.g. kyverno-authz-server.kyverno.svc.cluster.local");
}

/** The parsed `values` escape hatches. */
interface ExtraValues {
    base?: Record<string, unknown>;
    istiod?: Record<string, unknown>;
    cni?: Record<string, unknown>;
    gateway?: Record<string, unknown>;
}

function validateMeshArgs(name: string, args: IstioMeshArgs): ExtraValues {
    const v = new ArgsValidator(TYPE, name);
    v.version("version", args.version);
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("revision", args.revision);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    v.enumValue("mtlsMode", args.mtlsMode, MtlsMode);
    v.dnsSubdomain("trustDomain", args.trustDomain);
    if (args.meshId !== undefined) {
        v.nonEmpty("meshId", args.meshId, 63);
    }
    v.chartRepository("chartRepository", args.chartRepository);
    if (args.gateway) {
        v.dnsLabel("gateway.name", args.gateway.name);
        v.dnsLabel("gateway.namespace", args.gateway.namespace);
    }
    if (args.multiRootTrust !== undefined && args.pluginCa === undefined) {
        v.fail("multiRootTrust", args.multiRootTrust, "it only applies with pluginCa (istiod's own self-signed CA has one root); remove it or set pluginCa");
    }
    const names = new Set<string>();
    (args.extensionProviders ?? []).forEach((p, i) => {
        const at = `extensionProviders[${i}]`;
        if (v.nonEmpty(`${at}.name`, p.name, 253, true)) {
            v.check(!names.has(p.name), `${at}.name`, p.name, "provider names must be unique (AuthorizationPolicy refers to them by name)");
            names.add(p.name);
        }
        const kinds = [p.envoyExtAuthzGrpc, p.envoyExtAuthzHttp].filter((k) => k !== undefined);
        if (!v.check(kinds.length === 1, at, Object.keys(p).filter((k) => k !== "name"), "set exactly one of envoyExtAuthzGrpc and envoyExtAuthzHttp")) {
            return;
        }
        const kind = p.envoyExtAuthzGrpc ? "envoyExtAuthzGrpc" : "envoyExtAuthzHttp";
        const cfg = (p.envoyExtAuthzGrpc ?? p.envoyExtAuthzHttp) as { service: string; port: number; timeout?: string; statusOnError?: string };
        validateProviderService(v, `${at}.${kind}.service`, cfg.service);
        v.port(`${at}.${kind}.port`, cfg.port, true);
        v.protobufDuration(`${at}.${kind}.timeout`, cfg.timeout);
        if (cfg.statusOnError !== undefined) {
            v.check(/^[1-5]\d\d$/.test(cfg.statusOnError), `${at}.${kind}.statusOnError`, cfg.statusOnError, "expected an HTTP status code as a string, e.g. \"503\"");
        }
    });
    const extra: ExtraValues = {
        base: parseValuesYaml(v, "values.base", args.values?.base),
        istiod: parseValuesYaml(v, "values.istiod", args.values?.istiod),
        cni: parseValuesYaml(v, "values.cni", args.values?.cni),
        gateway: parseValuesYaml(v, "values.gateway", args.values?.gateway),
    };
    v.throwIfInvalid();
    return extra;
}
