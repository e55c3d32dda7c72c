// The posture engine's data model: what goes in (Kubernetes objects, the mesh's install facts, the
// workloads charts deploy) and what comes out (links and their effective state). Plain data only, so
// the same input can come from plans, from a render directory or from `kubectl get -o yaml`.
import { CHART_ISTIO_NAMESPACE } from "./rules/istioValidationWebhook";

/**
 * The effective state of one link:
 * - `mtls`: both ends authenticated (Istio mTLS, or TLS with a verified client certificate);
 * - `tls`: encrypted, only the server authenticated;
 * - `plaintext`: the bytes travel unencrypted and are accepted;
 * - `refused`: the server (or its sidecar) closes the connection: the link is broken;
 * - `unknown`: the engine cannot tell from the objects it has (the reason says why); never a guess.
 */
export type LinkState = "mtls" | "tls" | "plaintext" | "refused" | "unknown";

/** Every link state, most protected first. */
export const LINK_STATES: readonly LinkState[] = Object.freeze(["mtls", "tls", "plaintext", "refused", "unknown"]);

/** A Kubernetes object as the engine reads it (a manifest, or one item of `kubectl get -o yaml`). */
export interface KubeObject {
    /** `apiVersion`, e.g. `security.istio.io/v1`. */
    apiVersion: string;
    /** `kind`, e.g. `PeerAuthentication`. */
    kind: string;
    /** `metadata`: name, namespace, labels, annotations and (live objects) creationTimestamp. */
    metadata: {
        /** `metadata.name`. */
        name: string;
        /** `metadata.namespace`; absent for cluster-scoped objects. */
        namespace?: string;
        /** `metadata.labels`. */
        labels?: Record<string, string>;
        /** `metadata.annotations`. */
        annotations?: Record<string, string>;
        /** `metadata.creationTimestamp` (RFC 3339); absent for objects not created yet. */
        creationTimestamp?: string;
    };
    /** The rest of the object (`spec`, `data`, ...), read per kind. */
    [field: string]: unknown;
}

/** One mesh extension provider the engine follows (an ext_authz service). */
export interface MeshExtensionProviderFact {
    /** The provider's name in `meshConfig.extensionProviders`. */
    name: string;
    /** The provider's `service`: `[<namespace>/]<host>`, e.g. `kyverno-authz-server.kyverno.svc.cluster.local`. */
    service: string;
    /** The service port. */
    port: number;
}

/** The Istio installation's facts, from the istiod chart values the plans set (or the user, for live input). */
export interface MeshFacts {
    /** The istiod chart's `revision` (`""`: the default revision). @default "" */
    revision: string;
    /** The chart's `revisionTags`. @default [] */
    revisionTags: string[];
    /** `meshConfig.rootNamespace`: where mesh-wide policies live. @default "istio-system" */
    rootNamespace: string;
    /** The namespace istiod runs in. @default "istio-system" */
    istioNamespace: string;
    /** `meshConfig.trustDomain`. @default "cluster.local" */
    trustDomain: string;
    /**
     * The data-plane mode. `ambient`: istio-cni and ztunnel are installed (the ambient profile), so each
     * workload is ambient, a sidecar or outside the mesh, and an ambient server's PeerAuthentications are
     * enforced by ztunnel (docs/reference/posture.md, "Ambient mode"); in `sidecar` the ambient label does nothing.
     * @default "sidecar"
     */
    mode: "sidecar" | "ambient";
    /** `meshConfig.enableAutoMtls`. @default true */
    enableAutoMtls: boolean;
    /** `sidecarInjectorWebhook.enableNamespacesByDefault`. @default false */
    enableNamespacesByDefault: boolean;
    /** The ext_authz providers of `meshConfig.extensionProviders` (others are not followed). @default [] */
    extensionProviders: MeshExtensionProviderFact[];
    /** The Kubernetes cluster domain, for service hosts. @default "cluster.local" */
    clusterDomain: string;
}

/**
 * The mesh facts of a default Istio install (the istiod chart's defaults), for input that does not say:
 * live objects without a `MeshFacts` document, or a component planned without the mesh it joins.
 */
export const DEFAULT_MESH_FACTS: Readonly<MeshFacts> = Object.freeze({
    revision: "",
    revisionTags: [],
    rootNamespace: CHART_ISTIO_NAMESPACE,
    istioNamespace: CHART_ISTIO_NAMESPACE,
    trustDomain: "cluster.local",
    mode: "sidecar",
    enableAutoMtls: true,
    enableNamespacesByDefault: false,
    extensionProviders: [],
    clusterDomain: "cluster.local",
});

/** One port a workload serves, and how Istio reads its protocol. */
export interface WorkloadPortFact {
    /** The Service port clients call. */
    port: number;
    /** The container port it reaches. @default port */
    targetPort?: number;
    /** The Service port's name (Istio reads the protocol from its prefix). */
    name?: string;
    /** The Service port's `appProtocol`. */
    appProtocol?: string;
}

/**
 * A workload a chart deploys (charts are not rendered here, so the plans describe their pods), with the
 * Service in front of it. Workloads in the input objects (Deployments and Services) need no descriptor.
 */
export interface WorkloadFact {
    /** A short name for the link table, e.g. `authorino`. */
    name: string;
    /** The pods' namespace. */
    namespace: string;
    /** The pods' labels. */
    labels: Record<string, string>;
    /** The Service in front of the pods (its name), when clients reach them through one. */
    serviceName?: string;
    /** The ports the Service exposes. @default [] */
    ports: WorkloadPortFact[];
    /** `hostNetwork` of the pods (never injected). @default false */
    hostNetwork?: boolean;
    /** Where the description comes from (chart and values), shown as a deciding object. */
    source: string;
}

/**
 * A namespace the plans do not create but whose labels decide injection, with where the labels are
 * known from (e.g. the Kuadrant install creates `kuadrant-system` without injection labels).
 */
export interface NamespaceFact {
    /** The namespace. */
    name: string;
    /** Its labels. */
    labels: Record<string, string>;
    /** Where the labels are known from, shown as a deciding object. */
    source: string;
}

/** A control-plane or integration link the plans declare, whose state a specific rule decides. */
export type DeclaredLink =
    | {
          /** Gloo's control plane to its Envoy proxies (xDS on gloo:9977 behind the SDS sidecar). */
          kind: "gloo-xds";
          /** Gloo's namespace. */
          namespace: string;
          /** Whether `global.glooMtls.enabled` is set (TLS on xDS). */
          glooMtls: boolean;
          /** Where the fact comes from. */
          source: string;
      }
    | {
          /** The Kubernetes API server to an admission webhook served over TLS. */
          kind: "webhook";
          /** The webhook's name for the link table. */
          name: string;
          /** The webhook Service `namespace/name:port`. */
          service: string;
          /** Whether `caBundle` is set from the material that signs the served certificate. */
          caBundleFromIssuer: boolean;
          /** Where the fact comes from. */
          source: string;
      }
    | {
          /** Istio proxies to istiod (xDS and certificate signing on 15012). */
          kind: "istiod-xds";
          /** istiod's namespace. */
          namespace: string;
          /** Where the fact comes from. */
          source: string;
      }
    | {
          /**
           * A kgateway Gateway whose proxy calls mesh backends: one `kgateway` link per backendRef of each
           * HTTPRoute among the objects attached to it (docs/reference/posture.md, "kgateway").
           */
          kind: "kgateway";
          /** The Gateway (class `kgateway`) the controller deploys the proxy for. */
          gateway: {
              /** The Gateway's name (its proxy pods carry `gateway.networking.k8s.io/gateway-name: <name>`). */
              name: string;
              /** The Gateway's namespace (where its proxy pods run). */
              namespace: string;
          };
          /** The controller's `KGW_ENABLE_ISTIO_AUTO_MTLS` (Istio SDS in the proxy pods). */
          autoMtls: boolean;
          /** The controller's `KGW_ENABLE_ISTIO_INTEGRATION` (ServiceEntry backends, DestinationRule locality). */
          istioIntegration: boolean;
          /** Where the fact comes from. */
          source: string;
      };

/** Everything the engine reads. */
export interface PostureInput {
    /** The Kubernetes objects (declared or live). */
    objects: KubeObject[];
    /** The mesh's install facts; absent: no Istio is installed (mesh links are `unknown` when mesh objects exist). */
    mesh?: MeshFacts;
    /** Workloads charts deploy, described from their values. @default [] */
    workloads?: WorkloadFact[];
    /** Control-plane links the plans declare. @default [] */
    declaredLinks?: DeclaredLink[];
    /** Namespaces not among the objects whose labels are known otherwise (a Namespace object wins). @default [] */
    namespaces?: NamespaceFact[];
}

/** Every kind of link the engine computes (docs/reference/posture.md describes each). */
export const LINK_KINDS = Object.freeze(["service", "ext-authz", "kuadrant", "gloo-upstream", "gloo-xds", "istiod-xds", "webhook", "kgateway"] as const);

/** A kind of link. */
export type LinkKind = (typeof LINK_KINDS)[number];

/** One link and its effective state. */
export interface PostureLink {
    /** Stable key, `<client> -> <server>`, e.g. `mesh -> kyverno/kyverno-authz-server:9081`. */
    id: string;
    /**
     * The client side, e.g. `mesh` (any injected sidecar; in an ambient mesh, a ztunnel-captured pod), `mesh sidecar`
     * and `unenrolled` (ambient mesh only: a sidecar, a pod outside the mesh), `gateway gw-ns/gw`, `kube-apiserver`.
     */
    client: string;
    /** The server side, `namespace/service:port` or a control-plane name. */
    server: string;
    /** What kind of link it is (one of LINK_KINDS). */
    kind: LinkKind;
    /** The effective state. */
    state: LinkState;
    /** Why, in one sentence, naming the rule. */
    reason: string;
    /** The objects (and facts) that decided it, `Kind namespace/name`. */
    decidedBy: string[];
}

/**
 * One link in a component's `posture` output (the output is keyed by link id). Plain strings, so the
 * package schema (which has no string unions) can carry it to every language.
 */
export interface LinkPosture {
    /** The effective state: `mtls`, `tls`, `plaintext`, `refused` or `unknown` (see `LinkState`). */
    state: string;
    /** What kind of link it is: `service`, `ext-authz`, `kuadrant`, `gloo-upstream`, `gloo-xds`, `istiod-xds`, `webhook` or `kgateway`. */
    kind: string;
    /** Why. */
    reason: string;
    /** The objects (and facts) that decided it. */
    decidedBy: string[];
}

/** The engine's result. */
export interface PostureResult {
    /** Every link, sorted by id. */
    links: PostureLink[];
    /** Objects the engine read but does not model, counted by `apiVersion Kind` (none of them decides a link). */
    ignored: Record<string, number>;
}
