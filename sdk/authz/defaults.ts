// Every default of the kyverno authorizer, in one place. Plans read them; nothing else restates them.
import { HelmMode } from "../internal/chartValues";
import { KyvernoAuthzFlavor } from "./types";

/** The authorizer used when `flavor` is not set. */
export const DEFAULT_KYVERNO_FLAVOR = KyvernoAuthzFlavor.AuthzServer;

/** Namespace of the authorizer when `namespace` is not set. */
export const DEFAULT_KYVERNO_NAMESPACE = "kyverno";

/** What each flavor is called and listens on, when `serviceName` / `providerName` are not set. */
export interface KyvernoFlavorDefaults {
    /** Service name of the authorizer (the chart's release name for AuthzServer). */
    serviceName: string;
    /** Extension provider name that AuthorizationPolicies refer to. */
    providerName: string;
    /** Envoy ext_authz gRPC port of the Service (not configurable). */
    grpcPort: number;
}

/** Per-flavor names and port: the kyverno-authz-server chart's and the seed's plugin deployment's. */
export const KYVERNO_FLAVOR_DEFAULTS: Readonly<Record<KyvernoAuthzFlavor, Readonly<KyvernoFlavorDefaults>>> = {
    [KyvernoAuthzFlavor.AuthzServer]: { serviceName: "kyverno-authz-server", providerName: "kyverno-authz-server", grpcPort: 9081 },
    [KyvernoAuthzFlavor.EnvoyPlugin]: { serviceName: "ext-authz", providerName: "kyverno-ext-authz-grpc", grpcPort: 9000 },
};

// `timeout` and `failOpen` of the extension provider have no meshtls default on purpose: left unset
// they are not written, and Istio's own apply (600s; deny when the authorizer cannot be reached: istio/api
// 1.30.3 mesh/v1alpha1/config.proto, EnvoyExternalAuthorizationGrpcProvider timeout and fail_open).

/** Cluster DNS domain of the provider's fully qualified service host. */
export const KYVERNO_CLUSTER_DOMAIN = "cluster.local";

/** Whether the authorizer namespace is created (labelled for sidecar injection) when not set. */
export const DEFAULT_KYVERNO_CREATE_NAMESPACE = true;

/** The Istio revision whose injector the authorizer pods select when `revision` is not set: the default one. */
export const DEFAULT_KYVERNO_REVISION = "";

/** The kyverno-authz-server chart version installed by default. */
export const DEFAULT_KYVERNO_AUTHZ_VERSION = "0.4.0";

/** The kyverno-authz chart repository. */
export const KYVERNO_AUTHZ_CHART_REPO = "https://kyverno.github.io/kyverno-authz";

/** The chart's name in the repository. */
export const KYVERNO_AUTHZ_CHART = "kyverno-authz-server";

/** How the chart is installed when `helmMode` is not set: a Release, so the chart's hooks run. */
export const DEFAULT_KYVERNO_HELM_MODE = HelmMode.Release;

/** Whether the ValidatingPolicy CRD is installed when `installPolicyCrd` is not set (Kyverno ships it). */
export const DEFAULT_KYVERNO_INSTALL_POLICY_CRD = false;

/** API version of emitted ValidatingPolicies: the one kyverno-authz 0.4.0 serves. */
export const DEFAULT_KYVERNO_POLICY_API_VERSION = "policies.kyverno.io/v1alpha1";

/** The ValidatingPolicy CRD manifest of a kyverno-authz release (it is not in the chart). */
export function kyvernoPolicyCrdUrl(version: string): string {
    return `https://raw.githubusercontent.com/kyverno/kyverno-authz/v${version}/.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml`;
}

/** API group of a cert-manager issuer reference when `group` is not set. */
export const DEFAULT_CERT_MANAGER_GROUP = "cert-manager.io";

/** The port of the chart's validation webhook, called by the API server without mesh mTLS. */
export const KYVERNO_WEBHOOK_PORT = 9443;

/** Labels of the chart's validation-webhook pods. */
export const KYVERNO_WEBHOOK_SELECTOR: Readonly<Record<string, string>> = { "app.kubernetes.io/component": "validation-webhook" };

/** The image of the seed's kyverno-envoy-plugin deployment (json policies loaded with `serve --policy`). */
export const DEFAULT_ENVOY_PLUGIN_IMAGE = "sanskardevops/plugin:0.0.29";

/** The plugin's HTTP port (its gRPC port is the flavor's `grpcPort`). */
export const ENVOY_PLUGIN_HTTP_PORT = 8000;

/** API group of an AuthorizationPolicy `targetRefs[]` entry of kind Gateway when `group` is not set. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/** API group of any other `targetRefs[]` kind when `group` is not set: the core group. */
export const CORE_API_GROUP = "";

/**
 * The API server refuses a ConfigMap or Secret whose data exceeds 1 MiB (Kubernetes
 * pkg/apis/core/validation/validation.go, `MaxSecretSize`, also applied to ConfigMaps). meshtls checks
 * the whole serialized object against it (slightly stricter) before anything is registered.
 */
export const KUBERNETES_OBJECT_MAX_BYTES = 1_048_576;
