// IstioMesh's manifests: pure. The plan's chart installs (with their values), namespaces, the
// `cacerts` Secret and the mesh-wide policy's arguments, each with the resource name it is registered
// under. The component only adds parents and dependencies.
import { deepMerge, HelmInstall } from "../internal/chartValues";
import { AMBIENT_PROFILE, DEFAULT_ISTIO_NAMESPACE, VALIDATION_FAILURE_POLICY, ZTUNNEL_RELEASE_NAME } from "./defaults";
import { IstioMeshPlan } from "./istioMeshPlan";
import { DataPlaneMode } from "./types";
import type * as pulumi from "@pulumi/pulumi";
import { MtlsPolicyArgs } from "./mtlsPolicyPlan";

/** A chart install and the resource name of its Chart or Release. */
export interface IstioChartInstall {
    /** The Pulumi resource name (part of the URN: a public contract). */
    resourceName: string;
    /** What to install. */
    install: HelmInstall;
}

/** A Namespace and its resource name. */
export interface IstioNamespaceObject {
    /** The Pulumi resource name. */
    resourceName: string;
    /** Arguments of the `kubernetes:core/v1:Namespace`. */
    args: { metadata: { name: string; labels?: Record<string, string> } };
}

/** Everything an IstioMesh registers, apart from the plug-in CA's Secret. */
export interface IstioMeshManifests {
    /** The control-plane namespace, unless it exists already. */
    namespace?: IstioNamespaceObject;
    /** The `base` chart (CRDs, retained on delete). */
    base: IstioChartInstall;
    /** The `cni` chart, when asked for (always in ambient). */
    cni?: IstioChartInstall;
    /** The `istiod` chart. */
    istiod: IstioChartInstall;
    /** The `ztunnel` chart (ambient only). */
    ztunnel?: IstioChartInstall;
    /** The gateway's namespace, when a gateway is installed and its namespace does not exist. */
    gatewayNamespace?: IstioNamespaceObject;
    /** The `gateway` chart, when asked for. */
    gateway?: IstioChartInstall;
    /** The mesh-wide MtlsPolicy child: its resource name and arguments. */
    meshPolicy: { resourceName: string; args: pulumi.Unwrap<MtlsPolicyArgs> };
}

/** The `base` chart values meshtls computes (before the `values.base` escape hatch). */
export function computeIstioBaseValues(plan: IstioMeshPlan): Record<string, unknown> {
    const values: Record<string, unknown> = {
        // In 1.30 the base chart, not istiod, renders istiod-default-validator, and its template reads this
        // key although base's values.yaml does not list it (sdk/posture/rules/istioValidationWebhook.ts).
        base: { validationFailurePolicy: VALIDATION_FAILURE_POLICY },
    };
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        values.global = { istioNamespace: plan.namespace };
    }
    if (plan.revision) {
        // The default validating webhook must point at a control plane that exists.
        values.defaultRevision = plan.revision;
    }
    return values;
}

/** The `istiod` chart values meshtls computes (before the `values.istiod` escape hatch). */
export function computeIstiodValues(plan: IstioMeshPlan): Record<string, unknown> {
    const defaultConfig: Record<string, unknown> = { holdApplicationUntilProxyStarts: plan.holdApplicationUntilProxyStarts };
    if (plan.multiRootTrust) {
        defaultConfig.proxyMetadata = { PROXY_CONFIG_XDS_AGENT: "true" };
    }
    const meshConfig: Record<string, unknown> = { trustDomain: plan.trustDomain, defaultConfig };
    if (plan.extensionProviders.length > 0) {
        meshConfig.extensionProviders = plan.extensionProviders;
    }
    const global: Record<string, unknown> = {};
    if (plan.trustDomainAliases !== undefined) {
        // Read into MeshConfig.trust_domain_aliases (istio/api 1.30.3 mesh/v1alpha1/config.proto), used by
        // peer SAN matching and AuthorizationPolicy principals (pilot/pkg/security/trustdomain/bundle.go).
        meshConfig.trustDomainAliases = plan.trustDomainAliases;
    }
    if (plan.meshId !== undefined) {
        global.meshID = plan.meshId;
    }
    // istio 1.30.3 istio-discovery: templates/deployment.yaml CLUSTER_ID from global.multiCluster.clusterName;
    // files/injection-template.yaml, gateway-injection-template.yaml (gateway chart pods are injected with
    // it, so that chart needs neither key), waypoint.yaml and kube-gateway.yaml read clusterName and network
    // into ISTIO_META_CLUSTER_ID / ISTIO_META_NETWORK.
    if (plan.clusterName !== undefined) {
        global.multiCluster = { clusterName: plan.clusterName };
    }
    if (plan.network !== undefined) {
        global.network = plan.network;
    }
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        global.istioNamespace = plan.namespace;
    }
    const values: Record<string, unknown> = {
        // istiod flips the webhook's failurePolicy from Ignore to Fail at runtime; rendering Fail
        // up front keeps server-side apply from showing that as a diff on every preview
        // (sdk/posture/rules/istioValidationWebhook.ts, istio 1.30.3 webhooks/validation/controller/controller.go).
        base: { validationFailurePolicy: VALIDATION_FAILURE_POLICY },
        meshConfig,
        sidecarInjectorWebhook: { rewriteAppHTTPProbe: plan.rewriteAppHTTPProbe },
    };
    if (Object.keys(global).length > 0) {
        values.global = global;
    }
    if (plan.revision) {
        values.revision = plan.revision;
    }
    if (plan.multiRootTrust) {
        values.env = { ISTIO_MULTIROOT_MESH: "true" };
    }
    if (plan.cni) {
        values.cni = { enabled: true };
    }
    if (plan.ztunnelName !== undefined) {
        // The chart's zzz_profile.yaml merges files/profile-ambient.yaml under these values
        // (PILOT_ENABLE_AMBIENT, HBONE for sidecars and gateways).
        values.profile = AMBIENT_PROFILE;
        // deployment.yaml: CA_TRUSTED_NODE_ACCOUNTS = <trustedZtunnelNamespace or release ns>/<trustedZtunnelName or "ztunnel">.
        values.trustedZtunnelName = plan.ztunnelName;
    }
    return values;
}

/** The `cni` chart values meshtls computes: the ambient profile in ambient, the chart's defaults otherwise. */
export function computeIstioCniValues(plan: IstioMeshPlan): Record<string, unknown> {
    // profile-ambient.yaml sets cni.ambient.enabled; zzy_descope_legacy.yaml lifts `cni.*` to the top level.
    return plan.ztunnelName !== undefined ? { profile: AMBIENT_PROFILE } : {};
}

/**
 * The `ztunnel` chart values meshtls computes: its resource name (istiod's `trustedZtunnelName`), and the
 * namespace and revision it finds istiod by (templates/daemonset.yaml CA_ADDRESS / XDS_ADDRESS:
 * `istiod[-<revision>].<istioNamespace>.svc:15012`).
 */
export function computeZtunnelValues(plan: IstioMeshPlan): Record<string, unknown> {
    const values: Record<string, unknown> = { resourceName: plan.ztunnelName };
    if (plan.namespace !== DEFAULT_ISTIO_NAMESPACE) {
        values.istioNamespace = plan.namespace;
    }
    if (plan.revision) {
        values.revision = plan.revision;
    }
    // istio 1.30.3 ztunnel templates/daemonset.yaml: NETWORK from `network`, ISTIO_META_CLUSTER_ID from
    // `multiCluster.clusterName` (default "Kubernetes"); they must match istiod's.
    if (plan.clusterName !== undefined) {
        values.multiCluster = { clusterName: plan.clusterName };
    }
    if (plan.network !== undefined) {
        values.network = plan.network;
    }
    return values;
}

/** The `base` chart values as installed (computed, then the escape hatch). */
export function istioBaseValues(plan: IstioMeshPlan): Record<string, unknown> {
    return deepMerge(computeIstioBaseValues(plan), plan.values.base);
}

/** The `istiod` chart values as installed (computed, then the escape hatch). */
export function istiodValues(plan: IstioMeshPlan): Record<string, unknown> {
    return deepMerge(computeIstiodValues(plan), plan.values.istiod);
}

/** The `cni` chart values as installed (computed, then the escape hatch). */
export function istioCniValues(plan: IstioMeshPlan): Record<string, unknown> {
    return deepMerge(computeIstioCniValues(plan), plan.values.cni);
}

/** The `ztunnel` chart values as installed (computed, then the escape hatch). */
export function ztunnelValues(plan: IstioMeshPlan): Record<string, unknown> {
    return deepMerge(computeZtunnelValues(plan), plan.values.ztunnel);
}

/** The `gateway` chart values as installed: the revision to inject from, then the escape hatch. */
export function istioGatewayValues(plan: IstioMeshPlan): Record<string, unknown> {
    return deepMerge(plan.revision ? { revision: plan.revision } : {}, plan.values.gateway);
}

/** Everything an IstioMesh registers from its plan, apart from the plug-in CA's Secret. */
export function istioMeshManifests(plan: IstioMeshPlan): IstioMeshManifests {
    const chart = (suffix: string, chartName: string, releaseName: string, namespace: string, values: Record<string, unknown>, retainCrds = false): IstioChartInstall => ({
        resourceName: `${plan.name}-${suffix}`,
        install: { mode: plan.helmMode, chart: chartName, version: plan.version, repo: plan.chartRepository, releaseName, namespace, values, retainCrds },
    });
    const namespace = (resourceName: string, name: string, labels?: Record<string, string>): IstioNamespaceObject => ({ resourceName, args: { metadata: { name, ...(labels ? { labels } : {}) } } });
    // istiod takes its own network from this label on its namespace (istio 1.30.3
    // pilot/pkg/serviceregistry/kube/controller/network.go setNetworkFromNamespace).
    const networkLabel = plan.network !== undefined ? { "topology.istio.io/network": plan.network } : undefined;
    const gw = plan.gateway;
    return {
        ...(plan.createNamespace ? { namespace: namespace(`${plan.name}-namespace`, plan.namespace, networkLabel) } : {}),
        base: chart("base", "base", "istio-base", plan.namespace, istioBaseValues(plan), true),
        ...(plan.cni ? { cni: chart("cni", "cni", "istio-cni", plan.namespace, istioCniValues(plan)) } : {}),
        // The release is named like istiod's Service: `istiod`, or `istiod-<revision>`.
        istiod: chart("istiod", "istiod", plan.istiodService, plan.namespace, istiodValues(plan)),
        ...(plan.ztunnelName !== undefined ? { ztunnel: chart("ztunnel", "ztunnel", ZTUNNEL_RELEASE_NAME, plan.namespace, ztunnelValues(plan)) } : {}),
        ...(gw?.createNamespace ? { gatewayNamespace: namespace(`${plan.name}-gateway-namespace`, gw.namespace) } : {}),
        ...(gw ? { gateway: chart("gateway", "gateway", gw.name, gw.namespace, istioGatewayValues(plan)) } : {}),
        // The mode is passed only in ambient, so a sidecar mesh's policy records the same inputs as before.
        meshPolicy: {
            resourceName: `${plan.name}-mesh-mtls`,
            args: { rootNamespace: plan.namespace, mode: plan.mtlsMode, ...(plan.dataPlaneMode === DataPlaneMode.Ambient ? { dataPlaneMode: plan.dataPlaneMode } : {}) },
        },
    };
}

/** The plug-in CA's PEMs, plain strings or Outputs of them. */
export interface PluginCaPems<T> {
    /** The signing CA's certificate (`ca-cert.pem`). */
    certPem: T;
    /** The signing CA's private key (`ca-key.pem`); keep it a secret Output. */
    privateKeyPem: T;
    /** Every trusted root (`root-cert.pem`; several during a root rotation). */
    trustBundlePem: T;
    /** The signing CA's chain up to its root (`cert-chain.pem`). */
    caChainPem: T;
}

/** The `cacerts` Secret in Istio's plug-in CA layout (security/pkg/pki/ca): resource name and arguments. */
export function cacertsSecret<T>(plan: IstioMeshPlan, pems: PluginCaPems<T>): {
    resourceName: string;
    args: { metadata: { name: string; namespace: string }; type: string; stringData: Record<string, T> };
} {
    return {
        resourceName: `${plan.name}-cacerts`,
        args: {
            metadata: { name: "cacerts", namespace: plan.namespace },
            type: "Opaque",
            stringData: {
                "ca-cert.pem": pems.certPem,
                "ca-key.pem": pems.privateKeyPem,
                "root-cert.pem": pems.trustBundlePem,
                "cert-chain.pem": pems.caChainPem,
            },
        },
    };
}
