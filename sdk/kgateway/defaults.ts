// Every kgateway default, defined once. The plan resolves them; nothing else restates them.
import { HelmMode } from "../internal/chartValues";
import { KGATEWAY_CHART_REPOSITORY, KGATEWAY_GATEWAY_API_VERSION } from "../posture";

/** KgatewayMtls's type token. */
export const KGATEWAY_MTLS_TYPE = "meshtls:index:KgatewayMtls";
/** The kgateway release installed by default (latest 2.4.x; charts are pushed as `v2.4.3` and `2.4.3`). */
export const DEFAULT_KGATEWAY_VERSION = "v2.4.3";
/** The kgateway release line meshtls supports: its facts were read at v2.4.3 (sdk/posture/rules/kgatewayIstio.ts). */
export const KGATEWAY_SUPPORTED_LINE = /^v?2\.4\.\d+$/;
/** The OCI registry of the `kgateway-crds` and `kgateway` charts. */
export const KGATEWAY_CHART_REPO = KGATEWAY_CHART_REPOSITORY;
/** Namespace of the kgateway controller (the charts' documented install namespace). */
export const DEFAULT_KGATEWAY_NAMESPACE = "kgateway-system";
/** How the charts are installed: helm.v4.Chart (per-object diffs). */
export const DEFAULT_KGATEWAY_HELM_MODE = HelmMode.Chart;
/** Create the controller's namespace (and the Gateway's, when it differs) unless told they exist. */
export const DEFAULT_KGATEWAY_CREATE_NAMESPACE = true;
/** Install the Gateway API standard CRDs kgateway 2.4.x is built against. */
export const DEFAULT_INSTALL_GATEWAY_API_CRDS = true;
/** The Gateway API release whose standard CRDs are installed (kgateway 2.4.3 go.mod). */
export const GATEWAY_API_VERSION = KGATEWAY_GATEWAY_API_VERSION;
/** The standard-channel bundle of that release (the release asset `standard-install.yaml`). */
export const GATEWAY_API_STANDARD_INSTALL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${KGATEWAY_GATEWAY_API_VERSION}/standard-install.yaml`;
/** The Gateway meshtls creates, when none is given to attach to. */
export const DEFAULT_KGATEWAY_GATEWAY_NAME = "mesh-ingress";
/** The Gateway's HTTP listener port. */
export const DEFAULT_KGATEWAY_LISTENER_PORT = 80;
/** A backend route's path prefix. */
export const DEFAULT_KGATEWAY_PATH_PREFIX = "/";
/**
 * The pod label kgateway's deployer puts on a Gateway's proxy pods: kgateway v2.4.3 (commit b2a63fdd)
 * pkg/kgateway/helm/envoy/templates/_helpers.tpl, `kgateway.gateway.selectorLabels` (lines 78-82) sets it to
 * `kgateway.gateway.safeLabelValue` of the Gateway's name (lines 21-29): the name itself up to 63 characters,
 * which the plan's DNS-1035 check on gateway.name guarantees (longer names would be cut and hashed).
 */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
