// Rule: how kgateway's gateway proxy reaches a backend Service in an Istio mesh (sidecar auto mTLS or ambient),
// plus the constants and settings shapes that decide it.
//
// Encodes kgateway-dev/kgateway at tag v2.4.3 (commit b2a63fdd, read from the fork puertomontt/kgateway whose
// branch holds that commit; see shared/upstream/SOURCES.md):
// - Settings: `api/settings/settings.go` lines 202-203 (`EnableIstioIntegration`, `EnableIstioAutoMtls`: plain
//   bools, no default, so off) read by `envconfig.Process("KGW", ...)` (lines 352-358) with `split_words`, hence
//   the env names `KGW_ENABLE_ISTIO_INTEGRATION` and `KGW_ENABLE_ISTIO_AUTO_MTLS`.
// - Chart: `install/helm/kgateway/values.yaml` line 189 `controller.extraEnv: {}` is a MAP; the deployment template
//   (`templates/deployment.yaml` lines 139-144) ranges over it as `name: <key>` / `value: <value | quote>`.
// - GatewayClass: `pkg/kgateway/wellknown/controller.go` lines 5-12: class `kgateway` (and `kgateway-waypoint`
//   when `waypoint.enabled`), controller `kgateway.dev/kgateway`. The chart has no GatewayClass template: the
//   controller creates the classes itself by server-side apply (`pkg/kgateway/controller/gatewayclass.go`
//   lines 96-200, `start.go` `GetDefaultClassInfo` lines 297-330).
// - Auto mTLS, deployer: `pkg/kgateway/deployer/gateway_parameters.go` line 464 passes `IstioAutoMtlsEnabled` as
//   `istio.enabled`; `pkg/kgateway/helm/envoy/templates/deployment.yaml` lines 162-310 then add the `sds` and
//   `istio-proxy` containers (the latter `pilot-agent proxy sidecar` with `DISABLE_ENVOY=true`: a certificate agent,
//   not a traffic-capturing sidecar) with `CA_ADDR` and `PROXY_CONFIG.discoveryAddress` = `istioDiscoveryAddress`,
//   `ISTIO_META_MESH_ID`, `ISTIO_META_CLUSTER_ID`, and mount the `istio-ca-root-cert` ConfigMap (lines 351-376).
//   GatewayParameters `spec.kube.istio.istioProxyContainer` fields
//   (`api/v1alpha1/kgateway/gateway_parameters_types.go` lines 609-652) default in `pkg/deployer/gateway_parameters.go`
//   lines 221-233 to `istiod.istio-system.svc:15012`, `cluster.local`, `Kubernetes`, image
//   `docker.io/istio/proxyv2:1.30.1` (line 16).
// - Auto mTLS, data plane: `pkg/kgateway/extensions2/plugins/istio/plugin.go` lines 94-209: unless the backend carries
//   the annotation `kgateway.dev/disable-istio-auto-mtls` (`api/annotations/policy.go` lines 18-22,
//   `pkg/pluginsdk/ir/backend.go` lines 786-802), every cluster gets two transport socket matches: `tlsMode: istio`
//   -> TLS with ALPN `istio` and the SDS `istio_server_cert` (Istio mTLS; the validation context is the mesh root,
//   no SAN is matched), anything else -> `raw_buffer` (plaintext). `pkg/krtcollections/endpoints.go` lines 253-269
//   set `tlsMode: istio` on an endpoint whose pod has the label `security.istio.io/tlsMode` (present, any value),
//   which Istio's sidecar injector adds (istio/istio 1.30.3
//   `manifests/charts/istio-control/istio-discovery/files/injection-template.yaml` line 34). Ambient pods have
//   no sidecar and so no such label: they get plaintext.
// - Ambient: `KGW_ENABLE_ISTIO_INTEGRATION` only turns on ServiceEntry backends (`pkg/pluginsdk/collections/
//   collections.go` lines 149-162, `extensions2/plugins/serviceentry/plugin.go` lines 62-72) and DestinationRule
//   locality priorities (`extensions2/plugins/destrule/destrule_plugin.go` lines 27-32). The gateway proxy never
//   speaks HBONE itself: mTLS comes from ztunnel when the gateway pod is enrolled (the "sandwich" design,
//   `extensions2/plugins/sandwich/plugin.go` lines 1-28). So the hop gateway -> app is `ambientLinkState` with the
//   gateway as an ambient client when its namespace is enrolled, and as a client outside the mesh otherwise.
// - Sidecar injection of the gateway namespace with auto mTLS: unsupported (kgateway-dev/kgateway#14493, maintainer
//   answer 2026-08-03): the injector and the deployer both shape a container named `istio-proxy`, and the pod
//   fails its postStart hook and probes (CrashLoopBackOff); the gateway never becomes ready.
// - Cross-namespace backendRefs: `pkg/krtcollections/policy.go` lines 372-382 and 1025-1053: a backendRef to
//   another namespace needs a ReferenceGrant there (from group/kind/namespace of the route, to group "" kind
//   Service, optional name) unless `KGW_REFERENCE_GRANT_MODE=OFF` (settings.go line 343, default PERMISSIVE);
//   without one the backend is not configured and, per Gateway API v1.6.1 (HTTPRoute `backendRefs`
//   description), its share of requests gets HTTP 500.
// Not modelled: Gloo-style SAN checks (kgateway does none), DestinationRule TLS (kgateway reads only locality
// from DestinationRules), waypoints (`KGW_ENABLE_WAYPOINT`), gateways both auto-mTLS and ambient-enrolled.
// Pure: no Pulumi, no I/O.
import { type AmbientLinkStateName, ambientLinkState } from "./ambientTransport";

/** Controller env (through the chart's `controller.extraEnv` map) enabling Istio auto mTLS in gateway proxies. */
export const KGW_ENV_ENABLE_ISTIO_AUTO_MTLS = "KGW_ENABLE_ISTIO_AUTO_MTLS";
/** Controller env enabling kgateway's Istio integration (ServiceEntry backends, DestinationRule locality). */
export const KGW_ENV_ENABLE_ISTIO_INTEGRATION = "KGW_ENABLE_ISTIO_INTEGRATION";
/** The GatewayClass the kgateway controller creates and reconciles (server-side apply). */
export const KGATEWAY_GATEWAY_CLASS_NAME = "kgateway";
/** The waypoint GatewayClass, created only with the chart's `waypoint.enabled`. */
export const KGATEWAY_WAYPOINT_CLASS_NAME = "kgateway-waypoint";
/** `spec.controllerName` of kgateway's GatewayClasses. */
export const KGATEWAY_CONTROLLER_NAME = "kgateway.dev/kgateway";
/** apiVersion of kgateway's GatewayParameters (the only served and storage version in v2.4.3). */
export const KGATEWAY_PARAMETERS_API_VERSION = "gateway.kgateway.dev/v1alpha1";
/** Kind of kgateway's per-Gateway proxy parameters. */
export const KGATEWAY_PARAMETERS_KIND = "GatewayParameters";
/** Backend annotation that turns auto mTLS off for that backend (Service, Backend, ServiceEntry). */
export const KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION = "kgateway.dev/disable-istio-auto-mtls";
/** Pod label (added by Istio's sidecar injector) that makes kgateway's auto mTLS send Istio mTLS to an endpoint. */
export const ISTIO_TLS_MODE_LABEL = "security.istio.io/tlsMode";
/** The Gateway API release kgateway v2.4.3 is built and conformance-tested against (go.mod line 49, Makefile line 1050). */
export const KGATEWAY_GATEWAY_API_VERSION = "v1.6.1";
/** OCI repository of the published `kgateway` and `kgateway-crds` charts (.goreleaser.yaml lines 218-219). */
export const KGATEWAY_CHART_REPOSITORY = "oci://cr.kgateway.dev/kgateway-dev/charts";
/** The `spec.kube.istio.istioProxyContainer` fields that point the gateway's istio-proxy at a mesh. */
export interface KgatewayIstioProxyContainerFields {
    /** istiod's address, `host:port` (CA_ADDR and PROXY_CONFIG discoveryAddress). @default "istiod.istio-system.svc:15012" */
    istioDiscoveryAddress: string;
    /** The mesh ID (`ISTIO_META_MESH_ID`). @default "cluster.local" */
    istioMetaMeshId: string;
    /** The cluster ID (`ISTIO_META_CLUSTER_ID`). @default "Kubernetes" */
    istioMetaClusterId: string;
}

/** kgateway v2.4.3's in-memory defaults for `istioProxyContainer` (`pkg/deployer/gateway_parameters.go` lines 221-233). */
export const KGATEWAY_ISTIO_PROXY_DEFAULTS: Readonly<KgatewayIstioProxyContainerFields & { image: Readonly<{ registry: string; repository: string; tag: string }>; logLevel: string }> = Object.freeze({
    istioDiscoveryAddress: "istiod.istio-system.svc:15012",
    istioMetaMeshId: "cluster.local",
    istioMetaClusterId: "Kubernetes",
    image: Object.freeze({ registry: "docker.io/istio", repository: "proxyv2", tag: "1.30.1" }),
    logLevel: "warning",
});

// The deployer template writes these values UNQUOTED into YAML (`value: {{ ... }}`, and inside the PROXY_CONFIG flow
// mapping), so a value YAML would read as a number, boolean or null, or one with YAML syntax, breaks the Deployment.
const YAML_NON_STRING = /^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.inf|\.nan|0x[0-9a-fA-F]+|0o[0-7]+)|true|false|yes|no|on|off|null|~)$/i;
const PLAIN_ID = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const ADDRESS = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*:(?<port>\d{1,5})$/;

/**
 * Why a value is refused as `istioDiscoveryAddress` (CA_ADDR and PROXY_CONFIG discoveryAddress), or undefined:
 * `host:port` with a DNS host, since the deployer writes it unquoted (an IPv6 `[...]` would start a YAML
 * sequence inside PROXY_CONFIG's flow mapping).
 */
export function istioDiscoveryAddressProblem(value: string): string | undefined {
    const m = typeof value === "string" ? ADDRESS.exec(value) : null;
    const port = Number(m?.groups?.port ?? NaN);
    if (m === null || port < 1 || port > 65535) {
        return `expected host:port with a lower-case DNS host and a port from 1 to 65535, e.g. ${KGATEWAY_ISTIO_PROXY_DEFAULTS.istioDiscoveryAddress} (kgateway writes it unquoted into the proxy's Deployment)`;
    }
    return undefined;
}

/**
 * Why a value is refused as `istioMetaMeshId` or `istioMetaClusterId`, or undefined: kgateway writes it
 * unquoted, so it must be a plain YAML string.
 */
export function istioProxyMetaIdProblem(value: string): string | undefined {
    if (typeof value !== "string" || !PLAIN_ID.test(value) || YAML_NON_STRING.test(value)) {
        return "expected letters, digits, '.', '_' or '-', starting and ending with a letter or digit, that YAML does not read as a number, boolean or null (kgateway writes it unquoted into the proxy's Deployment)";
    }
    return undefined;
}

/** Which Istio settings the controller gets. */
export interface KgatewayIstioSettings {
    /** `KGW_ENABLE_ISTIO_AUTO_MTLS`. @default false */
    autoMtls?: boolean;
    /** `KGW_ENABLE_ISTIO_INTEGRATION`. @default false */
    istioIntegration?: boolean;
}

/**
 * The chart's `controller.extraEnv` entries (a map: name -> string value) for the Istio settings; only the enabled
 * ones, in sorted key order. Off is the controller's default, so nothing is written for it.
 */
export function kgatewayControllerExtraEnv(settings: KgatewayIstioSettings): Record<string, string> {
    const env: Record<string, string> = {};
    if (settings.autoMtls ?? false) {
        env[KGW_ENV_ENABLE_ISTIO_AUTO_MTLS] = "true";
    }
    if (settings.istioIntegration ?? false) {
        env[KGW_ENV_ENABLE_ISTIO_INTEGRATION] = "true";
    }
    return env;
}

/** How the kgateway controller is wired to the mesh. */
export type KgatewayIstioMode = "auto-mtls" | "ambient-integration" | "none";

/** One gateway proxy -> backend Service hop. */
export interface KgatewayLinkInput {
    /** `auto-mtls`: KGW_ENABLE_ISTIO_AUTO_MTLS; `ambient-integration`: KGW_ENABLE_ISTIO_INTEGRATION; `none`: neither. */
    mode: KgatewayIstioMode;
    /** The gateway pods get an Istio sidecar (namespace or pod injection applies). @default false */
    gatewayInjected?: boolean;
    /** The gateway pods are enrolled in ambient (ztunnel captures them). @default false */
    gatewayEnrolled?: boolean;
    /** The backend pods' data plane. */
    backend: "sidecar" | "ambient" | "none";
    /** The PeerAuthentication mode enforced on the backend port (for ambient: ztunnel's enforced mode). */
    backendMode: "STRICT" | "PERMISSIVE";
    /** The backend Service carries `kgateway.dev/disable-istio-auto-mtls: "true"`. @default false */
    backendDisablesAutoMtls?: boolean;
    /** The route may reference the backend (same namespace, or a ReferenceGrant allows it). @default true */
    referenceAllowed?: boolean;
}

/** The hop's transport state and why. */
export interface KgatewayLinkState {
    /** `mtls`: Istio mTLS or HBONE; `plaintext`; `refused`; `unknown`. */
    state: AmbientLinkStateName;
    /** Why, naming the upstream behaviour. */
    reason: string;
}

/** The transport from kgateway's gateway proxy to a backend Service (see the header for the sources). */
export function kgatewayLinkState(input: KgatewayLinkInput): KgatewayLinkState {
    const { mode, backend, backendMode } = input;
    const injected = input.gatewayInjected ?? false;
    const enrolled = input.gatewayEnrolled ?? false;
    if (!(input.referenceAllowed ?? true)) {
        return { state: "refused", reason: "cross-namespace backendRef without a ReferenceGrant: kgateway does not configure the backend (ResolvedRefs RefNotPermitted) and its requests get HTTP 500" };
    }
    if (mode === "auto-mtls" && injected) {
        return { state: "refused", reason: "auto mTLS in a sidecar-injected gateway namespace: the injector and kgateway's deployer both shape the istio-proxy container, the gateway pod crash-loops and never serves (kgateway-dev/kgateway#14493)" };
    }
    if (injected && enrolled) {
        return { state: "unknown", reason: "the gateway pods are both sidecar-injected and ambient-enrolled: the sidecar wins and the ambient label does nothing; not a supported layout" };
    }
    if (injected) {
        return { state: "unknown", reason: "a sidecar-injected kgateway proxy is not a topology kgateway documents (its proxy is not an Istio gateway): not modelled" };
    }
    if (mode === "auto-mtls" && enrolled) {
        return { state: "unknown", reason: "auto mTLS with ambient-enrolled gateway pods: the proxy's own Istio mTLS would pass through ztunnel; not a documented topology, not modelled" };
    }
    if (mode === "auto-mtls") {
        if (backend === "sidecar") {
            if (input.backendDisablesAutoMtls ?? false) {
                return backendMode === "STRICT"
                    ? { state: "refused", reason: `${KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION} removes the Istio transport socket match: plaintext reaches a STRICT sidecar, which refuses it` }
                    : { state: "plaintext", reason: `${KGATEWAY_DISABLE_AUTO_MTLS_ANNOTATION} removes the Istio transport socket match: plaintext, accepted by the PERMISSIVE sidecar` };
            }
            return { state: "mtls", reason: `auto mTLS: the endpoint's pod has ${ISTIO_TLS_MODE_LABEL} (sidecar injector), so the proxy sends Istio mTLS (ALPN istio, istio_server_cert from the istio-proxy agent via SDS); no SAN is checked` };
        }
        if (backend === "ambient") {
            const out = ambientLinkState({ client: "none", server: "ambient", serverMode: backendMode });
            return { state: out.state, reason: `auto mTLS: an ambient pod has no ${ISTIO_TLS_MODE_LABEL} label, so the proxy sends raw_buffer plaintext and the gateway is not enrolled; ${out.reason}` };
        }
        return { state: "plaintext", reason: "auto mTLS: the backend has no sidecar (no tlsMode label), so the proxy sends raw_buffer plaintext" };
    }
    // ambient-integration or none: the proxy sends what the route's backend config says (plaintext here); only ztunnel adds mTLS.
    const flag = mode === "ambient-integration" ? "KGW_ENABLE_ISTIO_INTEGRATION does not change the proxy's transport (ServiceEntry backends and DestinationRule locality only)" : "no Istio setting";
    if (enrolled) {
        if (backend === "none") {
            return { state: "plaintext", reason: `${flag}; the gateway's ztunnel passes plaintext through unchanged to a backend outside the mesh` };
        }
        const out = ambientLinkState({ client: "ambient", server: backend, serverMode: backendMode });
        return { state: out.state, reason: `${flag}; the gateway pod is ambient-enrolled: ${out.reason}` };
    }
    if (backend === "ambient") {
        const out = ambientLinkState({ client: "none", server: "ambient", serverMode: backendMode });
        return { state: out.state, reason: `${flag}; the gateway namespace is not enrolled, so the proxy's plaintext leaves without ztunnel: ${out.reason}` };
    }
    if (backend === "sidecar") {
        return backendMode === "STRICT"
            ? { state: "refused", reason: `${flag}; the proxy sends plaintext and the STRICT sidecar refuses a connection without an Istio client certificate` }
            : { state: "plaintext", reason: `${flag}; the proxy sends plaintext, accepted by the PERMISSIVE sidecar` };
    }
    return { state: "plaintext", reason: `${flag}; neither end is in the mesh` };
}

/** One `spec.from` entry of a ReferenceGrant (`gateway.networking.k8s.io`, v1beta1 and v1 in Gateway API v1.6.1). */
export interface ReferenceGrantFromView {
    /** Group of the referring kind; "" is the core group. */
    group: string;
    /** Referring kind, e.g. `HTTPRoute`. */
    kind: string;
    /** Namespace of the referring object. */
    namespace: string;
}

/** One `spec.to` entry of a ReferenceGrant. */
export interface ReferenceGrantToView {
    /** Group of the referent; "" is the core group. */
    group: string;
    /** Kind of the referent, e.g. `Service`. */
    kind: string;
    /** A single referent's name; absent: every object of that kind in the grant's namespace. */
    name?: string;
}

/** The part of a ReferenceGrant this rule reads. */
export interface ReferenceGrantView {
    /** The grant's namespace (that of the referents). */
    namespace: string;
    /** `spec.from`. */
    from: readonly ReferenceGrantFromView[];
    /** `spec.to`. */
    to: readonly ReferenceGrantToView[];
}

/** A route -> backend reference. */
export interface KgatewayBackendReference {
    /** The route's group. @default "gateway.networking.k8s.io" */
    fromGroup?: string;
    /** The route's kind. @default "HTTPRoute" */
    fromKind?: string;
    /** The route's namespace. */
    fromNamespace: string;
    /** The backend's group. @default "" (core) */
    toGroup?: string;
    /** The backend's kind. @default "Service" */
    toKind?: string;
    /** The backend's namespace. */
    toNamespace: string;
    /** The backend's name. */
    toName: string;
}

// kgateway's emptyIfCore: "core" and "" are the same group.
const coreGroup = (g: string): string => (g === "core" ? "" : g);

/**
 * Whether kgateway (`KGW_REFERENCE_GRANT_MODE` PERMISSIVE, the default) lets a route reference a backend:
 * same namespace, or a ReferenceGrant in the backend's namespace whose from/to pairs match (name-less `to`
 * or the exact name), as in `pkg/krtcollections/policy.go` lines 1006-1053.
 */
export function kgatewayBackendRefAllowed(ref: KgatewayBackendReference, grants: readonly ReferenceGrantView[]): boolean {
    if (ref.fromNamespace === ref.toNamespace) {
        return true;
    }
    const fromGroup = coreGroup(ref.fromGroup ?? "gateway.networking.k8s.io");
    const fromKind = ref.fromKind ?? "HTTPRoute";
    const toGroup = coreGroup(ref.toGroup ?? "");
    const toKind = ref.toKind ?? "Service";
    return grants.some(
        (g) =>
            g.namespace === ref.toNamespace &&
            g.from.some((f) => coreGroup(f.group) === fromGroup && f.kind === fromKind && f.namespace === ref.fromNamespace) &&
            g.to.some((t) => coreGroup(t.group) === toGroup && t.kind === toKind && (t.name === undefined || t.name === "" || t.name === ref.toName)),
    );
}

/** A client outside the mesh -> kgateway gateway proxy hop (the ingress side). */
export interface KgatewayIngressInput {
    /** The gateway pods are enrolled in ambient (ztunnel captures their inbound traffic too). @default false */
    gatewayEnrolled?: boolean;
    /** The PeerAuthentication mode ztunnel enforces on the gateway pods' ports (only read when enrolled). */
    gatewayMode: "STRICT" | "PERMISSIVE";
    /** The listener is HTTPS/TLS (the client sends TLS the gateway terminates). @default false */
    clientSendsTls?: boolean;
}

/**
 * The transport from a client outside the mesh to the gateway proxy. An enrolled gateway is an ambient server:
 * under STRICT, ztunnel refuses the client's connection on its plaintext port (ambientTransport.ts), so an
 * enrolled gateway namespace needs PERMISSIVE for the gateway pods. Not enrolled: what the client sends.
 */
export function kgatewayIngressLinkState(input: KgatewayIngressInput): KgatewayLinkState {
    const tls = input.clientSendsTls ?? false;
    if (input.gatewayEnrolled ?? false) {
        const out = ambientLinkState({ client: "none", server: "ambient", serverMode: input.gatewayMode, clientSendsTls: tls });
        return { state: out.state, reason: `the gateway pod is ambient-enrolled: ${out.reason}` };
    }
    return { state: tls ? "tls" : "plaintext", reason: "the gateway pod is outside ztunnel: the listener receives what the client sends" };
}
