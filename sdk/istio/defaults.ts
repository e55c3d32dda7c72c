// Every Istio default, defined once. Plans resolve them; nothing else restates them (MtlsPlatform and
// other products read the resolved values from a plan instead).
import { HelmMode } from "../internal/chartValues";
import { DataPlaneMode, MtlsMode } from "./types";

/** The Istio release installed by default (latest stable 1.30 patch). */
export const DEFAULT_ISTIO_VERSION = "1.30.3";
/** The official Istio chart repository. */
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";
/**
 * The control-plane namespace, which is also the mesh root namespace (`meshConfig.rootNamespace`).
 * It is also the charts' own default (`global.istioNamespace`), so values only name it when it differs.
 */
export const DEFAULT_ISTIO_NAMESPACE = "istio-system";
/** Create namespaces (control plane, gateway) unless told they exist. */
export const DEFAULT_CREATE_NAMESPACE = true;
/** The default control-plane revision: "" (no `istio.io/rev` suffix). */
export const DEFAULT_REVISION = "";
/** How the Istio charts are installed: helm.v4.Chart (per-object diffs; Istio's charts need no hooks). */
export const DEFAULT_HELM_MODE = HelmMode.Chart;
/** The SPIFFE trust domain (`meshConfig.trustDomain`). */
export const DEFAULT_TRUST_DOMAIN = "cluster.local";
/** `meshConfig.defaultConfig.holdApplicationUntilProxyStarts`: applications never send plain text early. */
export const DEFAULT_HOLD_APPLICATION_UNTIL_PROXY_STARTS = true;
/** `sidecarInjectorWebhook.rewriteAppHTTPProbe`: kubelet probes keep working under STRICT. */
export const DEFAULT_REWRITE_APP_HTTP_PROBE = true;
/** With a plug-in CA, trust several roots at once so a root rotation needs no downtime. */
export const DEFAULT_MULTI_ROOT_TRUST = true;
/** Install the Istio CNI node agent (sidecar data plane; ambient always installs it). */
export const DEFAULT_CNI = false;
/** The data plane: sidecars, as every mesh meshtls installed before ambient support. */
export const DEFAULT_DATA_PLANE_MODE = DataPlaneMode.Sidecar;
/**
 * The Helm profile (`files/profile-ambient.yaml` in the istiod, cni and ztunnel charts, from
 * manifests/helm-profiles/ambient.yaml at 1.30.3) that turns ambient on in each chart.
 */
export const AMBIENT_PROFILE = "ambient";
/**
 * ztunnel's resource name (the ztunnel chart's `resourceName`, default `ztunnel`: its DaemonSet and
 * ServiceAccount). istiod only issues certificates for other identities to this ServiceAccount
 * (`trustedZtunnelName`, deployment.yaml `CA_TRUSTED_NODE_ACCOUNTS`), so the two are set together.
 */
export const DEFAULT_ZTUNNEL_NAME = "ztunnel";
/** Helm release name of the ztunnel chart. */
export const ZTUNNEL_RELEASE_NAME = "ztunnel";
/** The mTLS mode of a PeerAuthentication, mesh-wide (IstioMesh) and elsewhere (MtlsPolicy). */
export const DEFAULT_MTLS_MODE = MtlsMode.STRICT;
/** Helm release name of the ingress gateway (the chart names its Deployment and Service after it). */
export const DEFAULT_GATEWAY_NAME = "istio-ingressgateway";
/** Namespace of the ingress gateway. */
export const DEFAULT_GATEWAY_NAMESPACE = "istio-ingress";
/** The PeerAuthentication name at mesh and namespace scope (Istio honours one of each; `default` by convention). */
export const DEFAULT_POLICY_NAME = "default";
/** The cluster DNS domain, for the default DestinationRule host at namespace scope. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";
/** The API server's Service (`<name>.<namespace>`): never has a sidecar, so no mesh-scope DestinationRule may cover it. */
export const API_SERVER_SERVICE = "kubernetes.default";
/**
 * `base.validationFailurePolicy` for both charts that render a validation webhook (base renders
 * `istiod-default-validator`, istiod `istio-validator-*`): istiod flips `Ignore` to `Fail` at runtime, so
 * rendering `Fail` keeps server-side apply from showing that as a diff on every preview.
 */
export const VALIDATION_FAILURE_POLICY = "Fail";
/** SidecarInjection: inject the sidecar. */
export const DEFAULT_INJECT = true;
/** SidecarInjection: rewrite HTTP probes through the sidecar agent. */
export const DEFAULT_REWRITE_APP_HTTP_PROBERS = true;
