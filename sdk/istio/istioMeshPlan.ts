// IstioMesh's plan: pure. Validates the arguments (every problem at once), resolves every default once
// and returns plain data: istioMeshManifests.ts turns it into chart installs and objects, and
// MtlsPlatform reads the resolved settings (namespace, revision, mtlsMode, injection labels...) from it.
import type * as pulumi from "@pulumi/pulumi";
import { checkReservedValues, checkValuesOverride, compact, HelmMode, parseValuesYaml, ReservedValue, SetValue, valueAt } from "../internal/chartValues";
import { compareVersions, goBool } from "../internal/values";
import { ambientPolicyProblems, istiodDiscoveryAddress, istiodServiceName } from "../posture";
import { ArgsValidator, isDnsLabel, isDnsName } from "../internal/validation";
import type { IssuerMaterial } from "../pki";
import {
    AMBIENT_PROFILE,
    DEFAULT_CNI,
    DEFAULT_DATA_PLANE_MODE,
    DEFAULT_CREATE_NAMESPACE,
    DEFAULT_GATEWAY_NAME,
    DEFAULT_GATEWAY_NAMESPACE,
    DEFAULT_HELM_MODE,
    DEFAULT_HOLD_APPLICATION_UNTIL_PROXY_STARTS,
    DEFAULT_ISTIO_NAMESPACE,
    DEFAULT_ISTIO_VERSION,
    DEFAULT_MTLS_MODE,
    DEFAULT_MULTI_ROOT_TRUST,
    DEFAULT_REVISION,
    DEFAULT_REWRITE_APP_HTTP_PROBE,
    DEFAULT_TRUST_DOMAIN,
    DEFAULT_ZTUNNEL_NAME,
    ISTIO_CHART_REPO,
    VALIDATION_FAILURE_POLICY,
} from "./defaults";
import { namespaceInjectionLabels, podInjectionLabels } from "./labels";
import { enrollmentLabels } from "./namespaceEnrollmentPlan";
import { DataPlaneMode, ExtensionProvider, MtlsMode } from "./types";

/** IstioMesh's type token. */
export const ISTIO_MESH_TYPE = "meshtls:index:IstioMesh";

/** An Istio ingress gateway installed with the `gateway` chart. */
export interface IngressGatewayArgs {
    /**
     * Helm release name; the chart names the Deployment and Service after it.
     * @default "istio-ingressgateway"
     */
    name?: pulumi.Input<string>;
    /**
     * Namespace of the gateway.
     * @default "istio-ingress"
     */
    namespace?: pulumi.Input<string>;
    /**
     * Create the gateway namespace. Set false when it already exists.
     * @default true
     */
    createNamespace?: boolean;
}

/**
 * Raw chart values as YAML text, deep-merged last over what meshtls computes (objects merge, arrays
 * replace). Text, so the escape hatch works from every Pulumi language. A key meshtls sets keeps its type
 * (`meshConfig: "x"` is refused), and keys that carry an argument (`meshConfig.trustDomain`,
 * `meshConfig.extensionProviders`, `revision`, the multi-root switches...) keep meshtls's value.
 */
export interface IstioChartValues {
    /** YAML values for the `base` chart. */
    base?: pulumi.Input<string>;
    /** YAML values for the `istiod` chart. */
    istiod?: pulumi.Input<string>;
    /** YAML values for the `cni` chart. */
    cni?: pulumi.Input<string>;
    /** YAML values for the `gateway` chart. */
    gateway?: pulumi.Input<string>;
    /** YAML values for the `ztunnel` chart (ambient only). */
    ztunnel?: pulumi.Input<string>;
}

/** Settings of the ambient data plane (only with `dataPlaneMode: Ambient`). */
export interface IstioAmbientArgs {
    /**
     * Name of ztunnel's DaemonSet and ServiceAccount (the ztunnel chart's `resourceName`). meshtls sets
     * istiod's `trustedZtunnelName` to the same name: istiod issues other identities' certificates only to
     * that ServiceAccount, so a mismatch leaves every ambient pod without a certificate.
     * @default "ztunnel"
     */
    ztunnelName?: pulumi.Input<string>;
}

/** The lowest Istio version meshtls installs in ambient mode: ambient is generally available from 1.24. */
export const AMBIENT_MIN_ISTIO_VERSION = "1.24.0";

/** How Istio is installed and configured: shared by IstioMesh and MtlsPlatform's `istio` section. */
export interface IstioInstallSettings {
    /**
     * Istio version: the version of every chart installed.
     * @default "1.30.3"
     */
    version?: pulumi.Input<string>;
    /**
     * Chart repository URL.
     * @default "https://istio-release.storage.googleapis.com/charts"
     */
    chartRepository?: pulumi.Input<string>;
    /**
     * Namespace of the control plane; also the mesh root namespace, where the mesh-wide policy lives.
     * @default "istio-system"
     */
    namespace?: pulumi.Input<string>;
    /**
     * Create the control-plane namespace. Set false when it already exists.
     * @default true
     */
    createNamespace?: boolean;
    /** Control-plane revision (`istio.io/rev`), for revisioned installs. @default "" (the default revision) */
    revision?: pulumi.Input<string>;
    /**
     * How the charts are installed.
     * @default HelmMode.Chart (per-object preview diffs; Istio's charts need no hooks)
     */
    helmMode?: HelmMode;
    /**
     * SPIFFE trust domain (`meshConfig.trustDomain`).
     * @default "cluster.local"
     */
    trustDomain?: pulumi.Input<string>;
    /** Mesh ID (`global.meshID`); Istio uses the trust domain when unset. */
    meshId?: pulumi.Input<string>;
    /**
     * Other trust domains treated as this one (`meshConfig.trustDomainAliases`): istiod accepts
     * `spiffe://<alias>/ns/<ns>/sa/<sa>` wherever it accepts `spiffe://<trustDomain>/...` (peer SAN
     * matching, AuthorizationPolicy principals). For a multi-primary fleet sharing one root whose clusters
     * have different trust domains: list the other clusters' trust domains. Each is a DNS-1123 name,
     * unique, and not the trust domain itself. An empty list is the same as none.
     * @default [] (no aliases; the chart's meshConfig is left alone)
     */
    trustDomainAliases?: pulumi.Input<string[]>;
    /**
     * This cluster's name in a multi-cluster mesh (`global.multiCluster.clusterName`): istiod's
     * `CLUSTER_ID`, the `ISTIO_META_CLUSTER_ID` of injected sidecars and gateways, and in ambient the
     * ztunnel chart's `multiCluster.clusterName`. Each cluster of a fleet needs its own, matching the name
     * its remote secrets use. A Kubernetes label value (istiod labels proxies `topology.istio.io/cluster`
     * with it): letters, digits, '-', '_' and '.', at most 63 characters.
     * @default unset: the charts use "Kubernetes"
     */
    clusterName?: pulumi.Input<string>;
    /**
     * This cluster's network in a multi-network mesh (`global.network`): the `ISTIO_META_NETWORK` of
     * injected sidecars and gateways, the ztunnel chart's `network` in ambient, and the
     * `topology.istio.io/network` label of the control-plane namespace meshtls creates (istiod reads its
     * own network from that label; label it yourself with `createNamespace: false`). A Kubernetes label
     * value: letters, digits, '-', '_' and '.', at most 63 characters.
     * @default unset: one flat network
     */
    network?: pulumi.Input<string>;
    /**
     * Start application containers only once the sidecar is ready
     * (`meshConfig.defaultConfig.holdApplicationUntilProxyStarts`), so they never send plain text early.
     * @default true
     */
    holdApplicationUntilProxyStarts?: pulumi.Input<boolean>;
    /**
     * Rewrite HTTP probes through the sidecar agent (`sidecarInjectorWebhook.rewriteAppHTTPProbe`), so
     * kubelet probes keep working under STRICT mTLS.
     * @default true
     */
    rewriteAppHTTPProbe?: pulumi.Input<boolean>;
    /**
     * Mode of the mesh-wide PeerAuthentication `default` in the root namespace.
     * @default MtlsMode.STRICT
     */
    mtlsMode?: pulumi.Input<MtlsMode>;
    /**
     * With a plug-in CA, trust several roots at once (`ISTIO_MULTIROOT_MESH`, proxy
     * `PROXY_CONFIG_XDS_AGENT`), so a root rotation through CertificateAuthority phases needs no downtime.
     * @default true
     */
    multiRootTrust?: pulumi.Input<boolean>;
    /**
     * The data plane: sidecars, or ambient (ztunnel). Ambient installs `base`, `istiod` with the ambient
     * profile, `cni` with the ambient profile and `ztunnel`, in that order; namespaces join with
     * NamespaceEnrollment (label `istio.io/dataplane-mode: ambient`). Plain: it decides which charts exist.
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: DataPlaneMode;
    /** Ambient settings; only with `dataPlaneMode: Ambient`. */
    ambient?: IstioAmbientArgs;
    /**
     * Install the Istio CNI node agent (`cni` chart) and tell istiod to use it for sidecars too. Ambient
     * needs the agent (it redirects enrolled pods' traffic to ztunnel), so `false` is refused there.
     * @default false with sidecars, true in ambient
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
    extensionProviders?: pulumi.Input<ExtensionProvider[]>;
    /** Plug-in CA: istiod signs workload certificates with this issuer (the `cacerts` Secret). */
    pluginCa?: pulumi.Input<IssuerMaterial>;
}

/** The settings part of IstioMesh args (what MtlsPlatform passes through unchanged). */
export function istioInstallSettings(s: pulumi.Unwrap<IstioInstallSettings>): pulumi.Unwrap<IstioInstallSettings> {
    return {
        version: s.version,
        chartRepository: s.chartRepository,
        namespace: s.namespace,
        createNamespace: s.createNamespace,
        revision: s.revision,
        helmMode: s.helmMode,
        trustDomain: s.trustDomain,
        meshId: s.meshId,
        trustDomainAliases: s.trustDomainAliases,
        clusterName: s.clusterName,
        network: s.network,
        holdApplicationUntilProxyStarts: s.holdApplicationUntilProxyStarts,
        rewriteAppHTTPProbe: s.rewriteAppHTTPProbe,
        mtlsMode: s.mtlsMode,
        multiRootTrust: s.multiRootTrust,
        dataPlaneMode: s.dataPlaneMode,
        ambient: s.ambient,
        cni: s.cni,
        gateway: s.gateway,
        values: s.values,
    };
}

/** The ingress gateway of a plan. */
export interface IngressGatewayPlan {
    /** Helm release name. */
    name: string;
    /** Namespace of the gateway. */
    namespace: string;
    /** Create the gateway namespace. */
    createNamespace: boolean;
}

/** The parsed `values` escape hatches, `{}` where none was given. */
export interface IstioExtraValues {
    /** Over the `base` chart's values. */
    base: Record<string, unknown>;
    /** Over the `istiod` chart's values. */
    istiod: Record<string, unknown>;
    /** Over the `cni` chart's values. */
    cni: Record<string, unknown>;
    /** Over the `gateway` chart's values. */
    gateway: Record<string, unknown>;
    /** Over the `ztunnel` chart's values. */
    ztunnel: Record<string, unknown>;
}

/** The labels that put workloads into this mesh's control plane (sidecar injection). */
export interface InjectionLabels {
    /** Namespace labels: `istio-injection: enabled`, or `istio.io/rev: <revision>` with a revision. */
    namespace: Record<string, string>;
    /** Pod labels: `sidecar.istio.io/inject: "true"`, plus `istio.io/rev` with a revision. */
    pod: Record<string, string>;
}

/** An IstioMesh, validated and fully defaulted: plain data (the plug-in CA itself stays with the component). */
export interface IstioMeshPlan {
    /** The component's resource name; child resource names derive from it. */
    name: string;
    /** Istio version of every chart. */
    version: string;
    /** Chart repository URL. */
    chartRepository: string;
    /** Control-plane and root namespace. */
    namespace: string;
    /** Create the control-plane namespace. */
    createNamespace: boolean;
    /** Control-plane revision; "" for the default revision. */
    revision: string;
    /** How the charts are installed. */
    helmMode: HelmMode;
    /** SPIFFE trust domain. */
    trustDomain: string;
    /** Mesh ID (`global.meshID`), when set. */
    meshId?: string;
    /** `meshConfig.trustDomainAliases`, when any are given (never empty). */
    trustDomainAliases?: string[];
    /** `global.multiCluster.clusterName` (and ztunnel's `multiCluster.clusterName`), when set. */
    clusterName?: string;
    /** `global.network` (ztunnel's `network`, the control-plane namespace's `topology.istio.io/network`), when set. */
    network?: string;
    /** `meshConfig.defaultConfig.holdApplicationUntilProxyStarts`. */
    holdApplicationUntilProxyStarts: boolean;
    /** `sidecarInjectorWebhook.rewriteAppHTTPProbe`. */
    rewriteAppHTTPProbe: boolean;
    /** Mode of the mesh-wide PeerAuthentication. */
    mtlsMode: MtlsMode;
    /** Whether istiod signs with a plug-in CA (the `cacerts` Secret). */
    pluginCa: boolean;
    /** Multi-root trust in effect: only with a plug-in CA. */
    multiRootTrust: boolean;
    /** The data plane. */
    dataPlaneMode: DataPlaneMode;
    /** ztunnel's resource name (ambient only): the ztunnel chart's `resourceName`, istiod's `trustedZtunnelName`. */
    ztunnelName?: string;
    /** Install the CNI node agent. */
    cni: boolean;
    /** The ingress gateway, when one is installed. */
    gateway?: IngressGatewayPlan;
    /** Extension providers, undefined fields removed, in the order given. */
    extensionProviders: pulumi.Unwrap<ExtensionProvider>[];
    /** The parsed escape-hatch values. */
    values: IstioExtraValues;
    /** The labels that enroll namespaces and pods in this mesh's sidecar data plane. */
    injectionLabels: InjectionLabels;
    /**
     * The namespace labels that enroll a namespace in this mesh's data plane: the injection labels with
     * sidecars, `istio.io/dataplane-mode: ambient` in ambient.
     */
    enrollmentLabels: Record<string, string>;
    /** istiod's Service name (`istiod`, or `istiod-<revision>`). */
    istiodService: string;
    /** istiod's xDS/CA address for proxies outside the mesh's defaults: `<service>.<namespace>.svc:15012`. */
    discoveryAddress: string;
}

function validateProviderService(v: ArgsValidator, field: string, service: unknown): void {
    const text = typeof service === "string" ? service : "";
    const parts = text.split("/");
    const ok = (parts.length === 1 && isDnsName(parts[0], false)) || (parts.length === 2 && isDnsLabel(parts[0]) && isDnsName(parts[1], false));
    v.check(ok, field, service, "expected [<namespace>/]<fully qualified host>, e.g. kyverno-authz-server.kyverno.svc.cluster.local");
}

function validateExtensionProviders(v: ArgsValidator, providers: pulumi.Unwrap<ExtensionProvider>[]): void {
    const names = new Set<string>();
    providers.forEach((p, i) => {
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
        if (v.protobufDuration(`${at}.${kind}.timeout`, cfg.timeout)) {
            // A zero timeout fails every check at once (Envoy's ext_authz times out immediately).
            v.positiveDuration(`${at}.${kind}.timeout`, cfg.timeout);
        }
        if (cfg.statusOnError !== undefined) {
            v.check(/^[1-5]\d\d$/.test(cfg.statusOnError), `${at}.${kind}.statusOnError`, cfg.statusOnError, "expected an HTTP status code as a string, e.g. \"503\"");
        }
    });
}

/**
 * The multi-cluster settings, checked as istio 1.30.3 reads them:
 * - trustDomainAliases: each as pkg/config/validation/agent/validation.go `ValidateTrustDomain` (DNS-1123
 *   labels; meshtls's trustDomain check, which also refuses the trailing dot), unique (pkg/config/mesh/mesh.go
 *   dedupes them silently, so a duplicate is a typo), and not the trust domain (an alias of itself is a no-op
 *   that hides a wrong trustDomain).
 * - clusterName: istiod labels proxies `topology.istio.io/cluster: <clusterName>`
 *   (pilot/pkg/serviceregistry/util/label/label.go), so a label value; empty means the chart default.
 * - network: a label value, as the `topology.istio.io/network` label carries it (pilot/pkg/serviceregistry/kube/controller/network.go).
 */
function validateMultiCluster(v: ArgsValidator, args: pulumi.Unwrap<IstioMeshArgs>): void {
    const aliases: unknown = args.trustDomainAliases;
    if (aliases !== undefined && v.check(Array.isArray(aliases), "trustDomainAliases", aliases, "expected a list of trust domains, e.g. [\"cluster-b.example.com\"]")) {
        const trustDomain = args.trustDomain ?? DEFAULT_TRUST_DOMAIN;
        (aliases as unknown[]).forEach((alias, i) => {
            const field = `trustDomainAliases[${i}]`;
            if (typeof alias !== "string") {
                v.fail(field, alias, "expected a trust domain: a DNS-1123 name");
            } else if (v.dnsSubdomain(field, alias)) {
                v.check(alias !== trustDomain, field, alias, `it is the trust domain itself (trustDomain: ${trustDomain}); list only the other clusters' trust domains`);
            }
        });
        v.unique("trustDomainAliases", aliases as string[]);
    }
    v.labelValue("clusterName", args.clusterName, " (remove it for the charts' default)");
    v.labelValue("network", args.network, " (remove it for the charts' default)");
}

/**
 * Validates IstioMesh arguments and resolves every default. Throws one `pulumi.ResourceError` naming
 * each bad field, its value and what is accepted. Only whether `pluginCa` is set matters here.
 */
export function planIstioMesh(name: string, args: pulumi.Unwrap<IstioMeshArgs>): IstioMeshPlan {
    const v = new ArgsValidator(ISTIO_MESH_TYPE, name);
    v.version("version", args.version);
    v.dnsLabel("namespace", args.namespace);
    // "" is the documented default: the default revision.
    if (args.revision !== "") {
        v.dnsLabel("revision", args.revision);
    }
    v.enumValue("helmMode", args.helmMode, HelmMode);
    v.enumValue("mtlsMode", args.mtlsMode, MtlsMode);
    v.dnsSubdomain("trustDomain", args.trustDomain);
    if (args.meshId !== undefined) {
        v.nonEmpty("meshId", args.meshId, 63);
    }
    validateMultiCluster(v, args);
    v.chartRepository("chartRepository", args.chartRepository);
    if (args.gateway) {
        v.dnsLabel("gateway.name", args.gateway.name);
        v.dnsLabel("gateway.namespace", args.gateway.namespace);
        // One owner per object: both would register Namespace <namespace>.
        const twice = (args.gateway.namespace ?? DEFAULT_GATEWAY_NAMESPACE) === (args.namespace ?? DEFAULT_ISTIO_NAMESPACE);
        if (twice && (args.gateway.createNamespace ?? DEFAULT_CREATE_NAMESPACE) && (args.createNamespace ?? DEFAULT_CREATE_NAMESPACE)) {
            v.fail("gateway.namespace", args.gateway.namespace, `Namespace ${args.gateway.namespace ?? DEFAULT_GATEWAY_NAMESPACE} is already created by namespace (the control plane's namespace); use another namespace, or set gateway.createNamespace false`);
        }
    }
    const pluginCa = args.pluginCa !== undefined;
    if (args.multiRootTrust !== undefined && !pluginCa) {
        v.fail("multiRootTrust", args.multiRootTrust, "it only applies with pluginCa (istiod's own self-signed CA has one root); remove it or set pluginCa");
    }
    const providers = args.extensionProviders ?? [];
    validateExtensionProviders(v, providers);
    const base = parseValuesYaml(v, "values.base", args.values?.base);
    const istiod = parseValuesYaml(v, "values.istiod", args.values?.istiod);
    const cni = parseValuesYaml(v, "values.cni", args.values?.cni);
    const gateway = parseValuesYaml(v, "values.gateway", args.values?.gateway);
    const ztunnel = parseValuesYaml(v, "values.ztunnel", args.values?.ztunnel);
    validateDataPlane(v, args, { istiod, cni });
    v.throwIfInvalid();

    const namespace = args.namespace ?? DEFAULT_ISTIO_NAMESPACE;
    const revision = args.revision ?? DEFAULT_REVISION;
    const istiodService = istiodServiceName(revision);
    const dataPlaneMode = args.dataPlaneMode ?? DEFAULT_DATA_PLANE_MODE;
    const ambient = dataPlaneMode === DataPlaneMode.Ambient;
    const plan: IstioMeshPlan = {
        name,
        version: args.version ?? DEFAULT_ISTIO_VERSION,
        chartRepository: args.chartRepository ?? ISTIO_CHART_REPO,
        namespace,
        createNamespace: args.createNamespace ?? DEFAULT_CREATE_NAMESPACE,
        revision,
        helmMode: args.helmMode ?? DEFAULT_HELM_MODE,
        trustDomain: args.trustDomain ?? DEFAULT_TRUST_DOMAIN,
        ...(args.meshId !== undefined ? { meshId: args.meshId } : {}),
        ...(args.trustDomainAliases !== undefined && args.trustDomainAliases.length > 0 ? { trustDomainAliases: [...args.trustDomainAliases] } : {}),
        ...(args.clusterName !== undefined ? { clusterName: args.clusterName } : {}),
        ...(args.network !== undefined ? { network: args.network } : {}),
        holdApplicationUntilProxyStarts: args.holdApplicationUntilProxyStarts ?? DEFAULT_HOLD_APPLICATION_UNTIL_PROXY_STARTS,
        rewriteAppHTTPProbe: args.rewriteAppHTTPProbe ?? DEFAULT_REWRITE_APP_HTTP_PROBE,
        mtlsMode: args.mtlsMode ?? DEFAULT_MTLS_MODE,
        pluginCa,
        multiRootTrust: pluginCa && (args.multiRootTrust ?? DEFAULT_MULTI_ROOT_TRUST),
        dataPlaneMode,
        ...(ambient ? { ztunnelName: args.ambient?.ztunnelName ?? DEFAULT_ZTUNNEL_NAME } : {}),
        cni: args.cni ?? (ambient || DEFAULT_CNI),
        ...(args.gateway
            ? {
                  gateway: {
                      name: args.gateway.name ?? DEFAULT_GATEWAY_NAME,
                      namespace: args.gateway.namespace ?? DEFAULT_GATEWAY_NAMESPACE,
                      createNamespace: args.gateway.createNamespace ?? DEFAULT_CREATE_NAMESPACE,
                  },
              }
            : {}),
        extensionProviders: providers.map((p) => compact(p)),
        values: { base: base ?? {}, istiod: istiod ?? {}, cni: cni ?? {}, gateway: gateway ?? {}, ztunnel: ztunnel ?? {} },
        injectionLabels: { namespace: namespaceInjectionLabels(revision), pod: podInjectionLabels(revision, true) },
        enrollmentLabels: enrollmentLabels(dataPlaneMode, revision),
        istiodService,
        discoveryAddress: istiodDiscoveryAddress(namespace, revision),
    };
    checkIstioValuesOverrides(v, plan);
    v.throwIfInvalid();
    return plan;
}

/** The ambient switches of each chart: the profile (the charts read `profile`, else `global.profile`) and the flags it sets. */
const AMBIENT_SWITCHES: Readonly<Record<"istiod" | "cni", readonly string[]>> = {
    istiod: ["pilot.env.PILOT_ENABLE_AMBIENT", "env.PILOT_ENABLE_AMBIENT"],
    cni: ["ambient.enabled", "cni.ambient.enabled"],
};

/**
 * Whether a values override turns ambient on in a chart: the ambient profile by `profile` or
 * `global.profile` (each chart's zzz_profile.yaml reads `coalesce .Values.profile .Values.global.profile`),
 * or a switch the profile sets, true as Go's ParseBool reads it.
 */
function asksForAmbient(values: Record<string, unknown> | undefined, switches: readonly string[]): string | undefined {
    for (const path of ["profile", "global.profile"]) {
        if (valueAt(values, path) === AMBIENT_PROFILE) {
            return `${path}: ${AMBIENT_PROFILE}`;
        }
    }
    const on = switches.find((path) => goBool(valueAt(values, path)) === true);
    return on === undefined ? undefined : `${on}: true`;
}

/** The data-plane arguments: the mode, and ambient options only in ambient. */
function validateDataPlane(v: ArgsValidator, args: pulumi.Unwrap<IstioMeshArgs>, parsed: { istiod?: Record<string, unknown>; cni?: Record<string, unknown> }): void {
    if (!v.enumValue("dataPlaneMode", args.dataPlaneMode, DataPlaneMode)) {
        return;
    }
    const ambient = (args.dataPlaneMode ?? DEFAULT_DATA_PLANE_MODE) === DataPlaneMode.Ambient;
    if (!ambient) {
        const fix = "set dataPlaneMode: Ambient to install ambient mode";
        if (args.ambient !== undefined) {
            v.fail("ambient", args.ambient, `ambient settings apply only with dataPlaneMode: Ambient (the data plane is ${DataPlaneMode.Sidecar}); remove ambient, or ${fix}`);
        }
        if (args.values?.ztunnel !== undefined) {
            v.fail("values.ztunnel", args.values.ztunnel, `the ztunnel chart is installed only with dataPlaneMode: Ambient; remove values.ztunnel, or ${fix}`);
        }
        // Ambient turned on behind meshtls's back: istiod or the CNI agent in ambient mode with no ztunnel.
        for (const chart of ["istiod", "cni"] as const) {
            const key = asksForAmbient(parsed[chart], AMBIENT_SWITCHES[chart]);
            if (key !== undefined) {
                v.fail(`values.${chart}`, key, `it turns ambient on in the ${chart} chart without ztunnel; ${fix} (meshtls then installs cni and ztunnel and enrolls namespaces by label)`);
            }
        }
        return;
    }
    if (args.cni === false) {
        v.fail("cni", false, "ambient mode needs the Istio CNI node agent (it redirects enrolled pods' traffic to ztunnel); remove cni or set it true");
    }
    if (args.version !== undefined && /^\d+\.\d+\.\d+/.test(args.version) && compareVersions(args.version, AMBIENT_MIN_ISTIO_VERSION) < 0) {
        v.fail("version", args.version, `ambient mode needs Istio ${AMBIENT_MIN_ISTIO_VERSION} or later (ambient is generally available from 1.24); raise version or use dataPlaneMode: Sidecar`);
    }
    if (args.ambient?.ztunnelName !== undefined && v.dnsSubdomain("ambient.ztunnelName", args.ambient.ztunnelName)) {
        // ztunnel names its ServiceAccount, ClusterRole and ClusterRoleBinding after resourceName (ztunnel
        // templates/rbac.yaml, _helpers.tpl): the other Istio charts' names would collide.
        const revision = args.revision ?? DEFAULT_REVISION;
        const taken = ["istiod", revision ? `istiod-${revision}` : "istiod", "istio-cni", "istio-cni-node", "istio-reader-service-account", "istiod-gateway-controller"];
        v.check(!taken.includes(args.ambient.ztunnelName), "ambient.ztunnelName", args.ambient.ztunnelName, `ztunnel's ServiceAccount and RBAC objects are named after it, and ${taken.filter((t, i, a) => a.indexOf(t) === i).join(", ")} belong to the other Istio charts; choose another name`);
    }
    // The mesh-wide policy, checked as ztunnel reads it (sdk/posture/rules/ztunnelPeerAuthentication.ts).
    for (const problem of ambientPolicyProblems({ mode: args.mtlsMode }, "mesh")) {
        v.fail("mtlsMode", args.mtlsMode, `in ambient, rule ${problem.rule}: ${problem.reason} (${problem.source})`);
    }
}

const SET_REVISION = "the revision argument also names istiod's Service and decides the injection labels meshtls applies; set revision instead";
const SET_NAMESPACE = "the namespace argument is where meshtls puts the mesh-wide policy and the cacerts Secret; set namespace instead";
const MULTI_ROOT = "it keeps several roots trusted during a CA rotation (CertificateAuthority phases); set multiRootTrust: false to turn multi-root trust off";

/**
 * The `istiod` chart values meshtls sets (istioMeshManifests.ts `computeIstiodValues` builds them; a
 * test holds the two together), with the ones an override must not change and why.
 */
export function istiodSetValues(plan: IstioMeshPlan): SetValue[] {
    const set: SetValue[] = [
        { path: "base.validationFailurePolicy", value: VALIDATION_FAILURE_POLICY },
        { path: "meshConfig.trustDomain", value: plan.trustDomain, guard: "meshtls's policies, SPIFFE identities and posture follow the trustDomain argument; set trustDomain instead" },
        { path: "meshConfig.defaultConfig.holdApplicationUntilProxyStarts", value: plan.holdApplicationUntilProxyStarts, guard: "set holdApplicationUntilProxyStarts instead, so the plan and posture see the value installed" },
        { path: "sidecarInjectorWebhook.rewriteAppHTTPProbe", value: plan.rewriteAppHTTPProbe, guard: "set rewriteAppHTTPProbe instead, so the plan and posture see the value installed" },
    ];
    if (plan.multiRootTrust) {
        set.push({ path: "meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT", value: "true", guard: `proxies need it: ${MULTI_ROOT}` });
        set.push({ path: "env.ISTIO_MULTIROOT_MESH", value: "true", guard: `istiod needs it: ${MULTI_ROOT}` });
    }
    if (plan.extensionProviders.length > 0) {
        set.push({
            path: "meshConfig.extensionProviders",
            value: plan.extensionProviders,
            guard: "a list replaces the one meshtls computes, dropping the providers registered through extensionProviders (e.g. the kyverno authorizer's); add providers to extensionProviders instead",
        });
    }
    if (plan.meshId !== undefined) {
        set.push({ path: "global.meshID", value: plan.meshId, guard: "set meshId instead" });
    }
    if (plan.trustDomainAliases !== undefined) {
        set.push({ path: "meshConfig.trustDomainAliases", value: plan.trustDomainAliases, guard: "a list replaces the aliases given in trustDomainAliases; list every alias there instead" });
    }
    if (plan.clusterName !== undefined) {
        set.push({ path: "global.multiCluster.clusterName", value: plan.clusterName, guard: CLUSTER_NAME });
    }
    if (plan.network !== undefined) {
        set.push({ path: "global.network", value: plan.network, guard: NETWORK });
    }
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        set.push({ path: "global.istioNamespace", value: plan.namespace, guard: SET_NAMESPACE });
    }
    if (plan.revision) {
        set.push({ path: "revision", value: plan.revision, guard: SET_REVISION });
    }
    if (plan.cni) {
        set.push({ path: "cni.enabled", value: true, guard: "the cni chart is installed because cni is true; set cni: false instead" });
    }
    if (plan.ztunnelName !== undefined) {
        set.push({ path: "profile", value: AMBIENT_PROFILE, guard: AMBIENT_SET });
        set.push({ path: "trustedZtunnelName", value: plan.ztunnelName, guard: ZTUNNEL_NAME });
    }
    return set;
}

const CLUSTER_NAME = "istiod, its proxies and ztunnel must agree on the cluster's name; set clusterName instead (it sets every chart)";
const NETWORK = "proxies, ztunnel and the control-plane namespace's topology.istio.io/network label must agree on the network; set network instead (it sets every place)";
const AMBIENT_SET = "dataPlaneMode: Ambient installs istiod and cni with the ambient profile; set dataPlaneMode instead";
const ZTUNNEL_NAME = "istiod trusts only the ztunnel ServiceAccount meshtls installs; set ambient.ztunnelName instead (it sets both sides)";

/** The `cni` chart values meshtls sets (istioMeshManifests.ts `computeIstioCniValues`). */
export function istioCniSetValues(plan: IstioMeshPlan): SetValue[] {
    return plan.ztunnelName !== undefined ? [{ path: "profile", value: AMBIENT_PROFILE, guard: AMBIENT_SET }] : [];
}

/** The `ztunnel` chart values meshtls sets (istioMeshManifests.ts `computeZtunnelValues`). */
export function ztunnelSetValues(plan: IstioMeshPlan): SetValue[] {
    const set: SetValue[] = [{ path: "resourceName", value: plan.ztunnelName ?? DEFAULT_ZTUNNEL_NAME, guard: ZTUNNEL_NAME }];
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        set.push({ path: "istioNamespace", value: plan.namespace, guard: `ztunnel finds istiod's CA and xDS there; ${SET_NAMESPACE}` });
    }
    if (plan.revision) {
        set.push({ path: "revision", value: plan.revision, guard: `ztunnel takes its certificates and configuration from this revision's istiod; ${SET_REVISION}` });
    }
    if (plan.clusterName !== undefined) {
        set.push({ path: "multiCluster.clusterName", value: plan.clusterName, guard: CLUSTER_NAME });
    }
    if (plan.network !== undefined) {
        set.push({ path: "network", value: plan.network, guard: NETWORK });
    }
    return set;
}

/** The `base` chart values meshtls sets (istioMeshManifests.ts `computeIstioBaseValues`). */
export function istioBaseSetValues(plan: IstioMeshPlan): SetValue[] {
    const set: SetValue[] = [{ path: "base.validationFailurePolicy", value: VALIDATION_FAILURE_POLICY }];
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        set.push({ path: "global.istioNamespace", value: plan.namespace, guard: SET_NAMESPACE });
    }
    if (plan.revision) {
        set.push({ path: "defaultRevision", value: plan.revision, guard: `the default validation webhook must point at this control plane; ${SET_REVISION}` });
    }
    return set;
}

/** The `gateway` chart values meshtls sets (istioMeshManifests.ts `istioGatewayValues`). */
export function istioGatewaySetValues(plan: IstioMeshPlan): SetValue[] {
    return plan.revision ? [{ path: "revision", value: plan.revision, guard: `the gateway is injected by this mesh's control plane; ${SET_REVISION}` }] : [];
}

/**
 * The `values` escape hatches keep the shape of what meshtls sets (a mapping stays a mapping, so
 * `meshConfig: "x"` cannot drop the trust domain) and leave the values that carry arguments alone.
 */
function checkIstioValuesOverrides(v: ArgsValidator, plan: IstioMeshPlan): void {
    checkValuesOverride(v, "values.base", istioBaseSetValues(plan), plan.values.base);
    checkValuesOverride(v, "values.istiod", istiodSetValues(plan), plan.values.istiod);
    checkValuesOverride(v, "values.gateway", istioGatewaySetValues(plan), plan.values.gateway);
    checkValuesOverride(v, "values.cni", istioCniSetValues(plan), plan.values.cni);
    checkValuesOverride(v, "values.ztunnel", ztunnelSetValues(plan), plan.values.ztunnel);
    if (plan.ztunnelName !== undefined) {
        const unset = (set: SetValue[], reserved: ReservedValue[]) => reserved.filter((r) => !set.some((s) => s.path === r.path));
        checkReservedValues(v, "values.istiod", unset(istiodSetValues(plan), ambientReservedIstiod(plan)), plan.values.istiod);
        checkReservedValues(v, "values.cni", unset(istioCniSetValues(plan), ambientReservedCni()), plan.values.cni);
        checkReservedValues(v, "values.ztunnel", unset(ztunnelSetValues(plan), ambientReservedZtunnel(plan)), plan.values.ztunnel);
    }
}

const AMBIENT_OFF = "it would turn ambient off while namespaces are enrolled, so their pods' traffic leaves uncaptured (plain text) while meshtls reports ztunnel mTLS; remove it (dataPlaneMode decides)";

/**
 * istiod values ambient depends on at their chart defaults (istio 1.30.3 istio-discovery
 * templates/deployment.yaml: CA_TRUSTED_NODE_ACCOUNTS = <trustedZtunnelNamespace or release ns>/<trustedZtunnelName>,
 * unless env sets it): either override stops istiod issuing certificates through ztunnel.
 */
function ambientReservedIstiod(plan: IstioMeshPlan): ReservedValue[] {
    const trusted = "istiod issues ambient pods' certificates only to the ztunnel ServiceAccount meshtls installs (in this namespace, named ambient.ztunnelName); remove it";
    return [
        { path: "trustedZtunnelNamespace", reason: trusted, allowed: ["", plan.namespace] },
        { path: "env.CA_TRUSTED_NODE_ACCOUNTS", reason: trusted, allowed: [`${plan.namespace}/${plan.ztunnelName ?? ""}`] },
        { path: "pilot.env.PILOT_ENABLE_AMBIENT", reason: AMBIENT_OFF, allowed: [true], normalize: goBool },
        { path: "env.PILOT_ENABLE_AMBIENT", reason: AMBIENT_OFF, allowed: [true], normalize: goBool },
        { path: "global.profile", reason: AMBIENT_OFF, allowed: [AMBIENT_PROFILE] },
    ];
}

/**
 * cni values ambient depends on: the ambient switch (the profile's `cni.ambient.enabled`, which
 * zzy_descope_legacy.yaml lifts over a top-level `ambient.enabled`) and the enablement selectors the
 * enrollment label relies on (values.yaml `ambient.enablementSelectors`: istio.io/dataplane-mode=ambient).
 */
function ambientReservedCni(): ReservedValue[] {
    return [
        { path: "cni.ambient.enabled", reason: AMBIENT_OFF, allowed: [true], normalize: goBool },
        { path: "ambient.enabled", reason: AMBIENT_OFF, allowed: [true], normalize: goBool },
        { path: "global.profile", reason: AMBIENT_OFF, allowed: [AMBIENT_PROFILE] },
        {
            path: "ambient.enablementSelectors",
            reason: "NamespaceEnrollment enrolls by the label istio.io/dataplane-mode=ambient, which the chart's default selectors capture; other selectors would leave enrolled namespaces uncaptured; remove it",
        },
        {
            path: "cni.ambient.enablementSelectors",
            reason: "NamespaceEnrollment enrolls by the label istio.io/dataplane-mode=ambient, which the chart's default selectors capture; other selectors would leave enrolled namespaces uncaptured; remove it",
        },
    ];
}

/** ztunnel values that locate istiod (templates/daemonset.yaml CA_ADDRESS / XDS_ADDRESS): they must name this mesh's istiod. */
function ambientReservedZtunnel(plan: IstioMeshPlan): ReservedValue[] {
    const locate = `ztunnel takes its certificates and configuration from this mesh's istiod (${plan.discoveryAddress}); remove it`;
    return [
        { path: "revision", reason: `${locate} (set revision on the mesh instead)`, allowed: [plan.revision] },
        { path: "istioNamespace", reason: `${locate} (set namespace on the mesh instead)`, allowed: [plan.namespace] },
        { path: "caAddress", reason: locate, allowed: ["", plan.discoveryAddress] },
        { path: "xdsAddress", reason: locate, allowed: ["", plan.discoveryAddress] },
    ];
}
