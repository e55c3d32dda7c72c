// KgatewayMtls's manifests: pure. The plan's chart installs (with their values), the Gateway API CRDs,
// namespaces, the GatewayParameters that carry the mesh settings, the Gateway, the routes and grants, each
// with the resource name it is registered under. The component only adds parents and dependencies.
import { deepMerge, HelmInstall, HelmMode } from "../internal/chartValues";
import { DataPlaneMode, MtlsMode, MtlsPolicyArgs, NamespaceEnrollmentPlan, planNamespaceEnrollment } from "../istio";
import type * as pulumi from "@pulumi/pulumi";
import { KGATEWAY_GATEWAY_CLASS_NAME, KGATEWAY_PARAMETERS_API_VERSION, KGATEWAY_PARAMETERS_KIND, kgatewayControllerExtraEnv } from "../posture";
import { GATEWAY_API_STANDARD_INSTALL, GATEWAY_NAME_LABEL } from "./defaults";
import { KgatewayBackendPlan, KgatewayMtlsPlan, KgatewayReferenceGrantPlan } from "./plan";

/** The Gateway API group. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/** A Kubernetes object and the resource name it is registered under. */
export interface KgatewayObject {
    /** The Pulumi resource name (part of the URN: a public contract). */
    resourceName: string;
    /** The object. */
    object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };
}

/** Everything a KgatewayMtls registers. */
export interface KgatewayManifests {
    /** The Gateway API standard CRDs (a ConfigGroup of the release's bundle), when installed. */
    gatewayApiCrds?: { resourceName: string; files: string[] };
    /** The controller's namespace, unless it exists. */
    namespace?: KgatewayObject;
    /** The Gateway's namespace, when created here. */
    gatewayNamespace?: KgatewayObject;
    /** Ambient: the enrollment of an existing Gateway namespace. */
    gatewayEnrollment?: NamespaceEnrollmentPlan;
    /** The `kgateway-crds` chart (CRDs retained on delete). */
    crds: { resourceName: string; install: HelmInstall };
    /** The `kgateway` chart. */
    kgateway: { resourceName: string; install: HelmInstall };
    /** Sidecar: the GatewayParameters class `kgateway` points at. */
    parameters?: KgatewayObject;
    /** The Gateway, when created here. */
    gateway?: KgatewayObject;
    /** One HTTPRoute per backend. */
    routes: KgatewayObject[];
    /** One ReferenceGrant per other backend namespace. */
    referenceGrants: KgatewayObject[];
    /** Ambient: the gateway pods' PeerAuthentication (PERMISSIVE: clients outside the mesh reach the gateway). */
    gatewayPolicy?: { resourceName: string; args: pulumi.Unwrap<MtlsPolicyArgs> };
}

/** The `kgateway` chart values meshtls computes: the controller's mesh switches and the class's parameters. */
export function computeKgatewayValues(plan: KgatewayMtlsPlan): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const env = kgatewayControllerExtraEnv({ autoMtls: plan.istio?.autoMtls, istioIntegration: plan.istio?.istioIntegration });
    if (Object.keys(env).length > 0) {
        values.controller = { extraEnv: env };
    }
    if (plan.istio?.proxy) {
        // The controller reads the class's parametersRef from here (values.yaml gatewayClassParametersRefs):
        // every Gateway of class kgateway, created here or attached to, gets the mesh settings.
        values.gatewayClassParametersRefs = { [KGATEWAY_GATEWAY_CLASS_NAME]: { name: parametersName(plan), namespace: plan.namespace } };
    }
    return values;
}

/** The `kgateway` chart values as installed (computed, then the escape hatch). */
export function kgatewayValues(plan: KgatewayMtlsPlan): Record<string, unknown> {
    return deepMerge(computeKgatewayValues(plan), plan.values);
}

function parametersName(plan: KgatewayMtlsPlan): string {
    return `${plan.name}-mesh`;
}

/** The HTTPRoute of one backend, in the Gateway's namespace, attached to the Gateway. */
export function kgatewayRoute(plan: KgatewayMtlsPlan, b: KgatewayBackendPlan): KgatewayObject["object"] {
    return {
        apiVersion: `${GATEWAY_API_GROUP}/v1`,
        kind: "HTTPRoute",
        metadata: { name: b.name, namespace: plan.gateway.namespace },
        spec: {
            parentRefs: [{ name: plan.gateway.name, namespace: plan.gateway.namespace }],
            ...(b.hostnames.length > 0 ? { hostnames: [...b.hostnames] } : {}),
            rules: [{ matches: [{ path: { type: "PathPrefix", value: b.pathPrefix } }], backendRefs: [{ name: b.serviceName, namespace: b.serviceNamespace, port: b.port }] }],
        },
    };
}

/** The ReferenceGrant (the storage version kgateway watches, v1beta1) naming each Service the routes reach. */
export function kgatewayReferenceGrant(plan: KgatewayMtlsPlan, g: KgatewayReferenceGrantPlan): KgatewayObject["object"] {
    return {
        apiVersion: `${GATEWAY_API_GROUP}/v1beta1`,
        kind: "ReferenceGrant",
        metadata: { name: `${plan.name}-routes`, namespace: g.namespace },
        spec: {
            from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: plan.gateway.namespace }],
            to: g.services.map((name) => ({ group: "", kind: "Service", name })),
        },
    };
}

/** Everything a KgatewayMtls registers from its plan. */
export function kgatewayManifests(plan: KgatewayMtlsPlan): KgatewayManifests {
    const chart = (suffix: string, chartName: string, releaseName: string, values: Record<string, unknown>, retainCrds: boolean) => ({
        resourceName: `${plan.name}-${suffix}`,
        // The charts are published to an OCI registry only: named by their full reference (no repo). The CRD chart is
        // always a helm.v4.Chart: its CRDs carry no helm.sh/resource-policy keep, so a helm.v3.Release would
        // delete them (and every kgateway object) on destroy; as a Chart they are retained.
        install: { mode: retainCrds ? HelmMode.Chart : plan.helmMode, chart: `${plan.chartRepository.replace(/\/+$/, "")}/${chartName}`, version: plan.version, releaseName, namespace: plan.namespace, values, retainCrds },
    });
    const gw = plan.gateway;
    const ambientLabels = gw.enroll ? planNamespaceEnrollment(`${plan.name}-gateway-ambient`, { namespace: gw.namespace, dataPlaneMode: DataPlaneMode.Ambient }) : undefined;
    const ns = (resourceName: string, name: string, labels?: Record<string, string>): KgatewayObject => ({
        resourceName,
        object: { apiVersion: "v1", kind: "Namespace", metadata: { name, ...(labels ? { labels } : {}) } },
    });
    // The Gateway's namespace carries the ambient label where it is created; an existing one is patched.
    const gatewayInControllerNs = gw.namespace === plan.namespace;
    const createdHere = gatewayInControllerNs ? plan.createNamespace : gw.createNamespace;
    const proxy = plan.istio?.proxy;
    return {
        ...(plan.installGatewayApiCrds ? { gatewayApiCrds: { resourceName: `${plan.name}-gateway-api-crds`, files: [GATEWAY_API_STANDARD_INSTALL] } } : {}),
        ...(plan.createNamespace ? { namespace: ns(`${plan.name}-namespace`, plan.namespace, gatewayInControllerNs ? ambientLabels?.labels : undefined) } : {}),
        ...(gw.createNamespace ? { gatewayNamespace: ns(`${plan.name}-gateway-namespace`, gw.namespace, ambientLabels?.labels) } : {}),
        ...(ambientLabels && !createdHere ? { gatewayEnrollment: ambientLabels } : {}),
        crds: chart("crds", "kgateway-crds", "kgateway-crds", {}, true),
        kgateway: chart("kgateway", "kgateway", "kgateway", kgatewayValues(plan), false),
        ...(proxy
            ? {
                  parameters: {
                      resourceName: `${plan.name}-mesh-parameters`,
                      object: {
                          apiVersion: KGATEWAY_PARAMETERS_API_VERSION,
                          kind: KGATEWAY_PARAMETERS_KIND,
                          metadata: { name: parametersName(plan), namespace: plan.namespace },
                          spec: {
                              kube: {
                                  istio: {
                                      istioProxyContainer: {
                                          image: { ...proxy.image },
                                          istioDiscoveryAddress: proxy.istioDiscoveryAddress,
                                          istioMetaMeshId: proxy.istioMetaMeshId,
                                          istioMetaClusterId: proxy.istioMetaClusterId,
                                      },
                                  },
                              },
                          },
                      },
                  },
              }
            : {}),
        ...(gw.create
            ? {
                  gateway: {
                      resourceName: `${plan.name}-gateway`,
                      object: {
                          apiVersion: `${GATEWAY_API_GROUP}/v1`,
                          kind: "Gateway",
                          metadata: { name: gw.name, namespace: gw.namespace },
                          spec: {
                              gatewayClassName: KGATEWAY_GATEWAY_CLASS_NAME,
                              listeners: [{ name: "http", protocol: "HTTP", port: gw.port, allowedRoutes: { namespaces: { from: "Same" } } }],
                          },
                      },
                  },
              }
            : {}),
        routes: plan.backends.map((b) => ({ resourceName: `${plan.name}-route-${b.name}`, object: kgatewayRoute(plan, b) })),
        referenceGrants: plan.referenceGrants.map((g) => ({ resourceName: `${plan.name}-grant-${g.namespace}`, object: kgatewayReferenceGrant(plan, g) })),
        ...(gw.enroll
            ? {
                  gatewayPolicy: {
                      resourceName: `${plan.name}-gateway-ingress`,
                      args: { namespace: gw.namespace, name: `${gw.name}-ingress`, selector: { [GATEWAY_NAME_LABEL]: gw.name }, mode: MtlsMode.PERMISSIVE, dataPlaneMode: DataPlaneMode.Ambient },
                  },
              }
            : {}),
    };
}
