// The public argument types of KgatewayMtls: read by the plan and the component.
import type * as pulumi from "@pulumi/pulumi";
import type { HelmMode } from "../internal/chartValues";
import type { DataPlaneMode } from "../istio";

/** A mesh service kgateway routes to over the mesh's mTLS: one HTTPRoute each. */
export interface KgatewayBackendArgs {
    /** The Service's name. */
    serviceName: string;
    /** The Service's namespace (a namespace in the mesh). */
    serviceNamespace: string;
    /** The Service port. */
    port: number;
    /**
     * Name of the HTTPRoute (in the Gateway's namespace).
     * @default "<serviceNamespace>-<serviceName>-<port>"
     */
    name?: string;
    /**
     * Path prefix the route matches.
     * @default "/"
     */
    pathPrefix?: pulumi.Input<string>;
    /**
     * Host names the route matches (omitted: the HTTPRoute lists none, so it matches every host the
     * Gateway's listener accepts).
     * @default the Gateway's
     */
    hostnames?: pulumi.Input<string[]>;
}

/** The Gateway kgateway's proxies serve: created by meshtls, or an existing one routes attach to. */
export interface KgatewayGatewayArgs {
    /**
     * Name of the Gateway.
     * @default "mesh-ingress"
     */
    name?: string;
    /**
     * Namespace of the Gateway; kgateway runs its proxy pods there.
     * @default the controller's namespace
     */
    namespace?: string;
    /**
     * Create the Gateway (class `kgateway`, one HTTP listener). Set false to attach the routes to an existing
     * Gateway of class `kgateway` (its proxy pods get the same mesh settings: they are set on the class).
     * @default true
     */
    create?: boolean;
    /**
     * The HTTP listener's port.
     * @default 80
     */
    port?: pulumi.Input<number>;
    /**
     * Create the Gateway's namespace when it is not the controller's.
     * @default true
     */
    createNamespace?: boolean;
    /**
     * Ambient: enroll the Gateway's namespace (`istio.io/dataplane-mode: ambient`), so ztunnel carries the
     * proxies' calls to mesh services over HBONE. `false` is refused in ambient: the gateway-to-app hop would
     * not be mTLS.
     * @default true in ambient
     */
    enroll?: boolean;
}

/** The mesh kgateway joins. */
export interface KgatewayIstioArgs {
    /**
     * The mesh's data plane. Sidecar: the controller's `KGW_ENABLE_ISTIO_AUTO_MTLS` adds the `sds` and
     * `istio-proxy` containers to the gateway pods, which then send Istio mTLS to injected backends; the
     * Gateway's namespace must not be injected (kgateway-dev/kgateway#14493). Ambient:
     * `KGW_ENABLE_ISTIO_INTEGRATION`, and the Gateway's namespace enrolled in ambient (ztunnel carries the mTLS).
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: DataPlaneMode;
    /** The mesh's Istio version: the gateway's istio-proxy image tag (sidecar; e.g. IstioMesh's `version`). */
    istioVersion?: pulumi.Input<string>;
    /**
     * istiod's address for the gateway's istio-proxy (sidecar), revision-aware: `istiod[-<revision>].<ns>.svc:15012`.
     * @default "istiod.istio-system.svc:15012"
     */
    discoveryAddress?: pulumi.Input<string>;
    /**
     * The mesh ID (`ISTIO_META_MESH_ID`; IstioMesh's `meshId`, else its trust domain).
     * @default "cluster.local"
     */
    meshId?: pulumi.Input<string>;
    /**
     * The cluster ID (`ISTIO_META_CLUSTER_ID`).
     * @default "Kubernetes"
     */
    clusterId?: pulumi.Input<string>;
}

/** How kgateway is installed and what it routes: shared by KgatewayMtls and MtlsPlatform's `kgateway` section. */
export interface KgatewayInstallSettings {
    /**
     * kgateway version: both charts (`kgateway-crds`, `kgateway`). Only the 2.4 line is accepted: meshtls's
     * kgateway facts were read at v2.4.3.
     * @default "v2.4.3"
     */
    version?: pulumi.Input<string>;
    /**
     * OCI registry of the charts.
     * @default "oci://cr.kgateway.dev/kgateway-dev/charts"
     */
    chartRepository?: pulumi.Input<string>;
    /**
     * Namespace of the kgateway controller.
     * @default "kgateway-system"
     */
    namespace?: string;
    /**
     * Create the controller's namespace. Set false when it exists.
     * @default true
     */
    createNamespace?: boolean;
    /**
     * How the `kgateway` chart is installed (`kgateway-crds` is always a helm.v4.Chart, so its CRDs are kept
     * when the stack is destroyed: the chart does not mark them for Helm to keep).
     * @default HelmMode.Chart
     */
    helmMode?: HelmMode;
    /**
     * Install the Gateway API standard CRDs kgateway 2.4.x is built against (v1.6.1, the release's
     * `standard-install.yaml`, kept when the stack is destroyed). Set false when the cluster has them (a
     * cloud-managed or earlier install): meshtls then leaves them alone.
     * @default true
     */
    installGatewayApiCrds?: boolean;
    /** The Gateway. @default a Gateway `mesh-ingress` in the controller's namespace */
    gateway?: KgatewayGatewayArgs;
    /**
     * Mesh services to route to: one HTTPRoute each (and a ReferenceGrant in each other namespace). Each
     * belongs in a namespace in the mesh (MtlsPlatform checks it against `istio.enroll`).
     */
    backends?: KgatewayBackendArgs[];
    /** Escape hatch: raw `kgateway` chart values as YAML text, merged last. */
    values?: pulumi.Input<string>;
}

/** Arguments of a KgatewayMtls. */
export interface KgatewayMtlsArgs extends KgatewayInstallSettings {
    /** The mesh the gateway joins; omit for kgateway without Istio (no mTLS to backends). */
    istio?: KgatewayIstioArgs;
}
