// Every default and upstream name KuadrantMtls relies on, defined once. The plan resolves them.
import { KuadrantMtlsMode } from "./types";

/** mTLS is on unless asked otherwise. */
export const DEFAULT_KUADRANT_MTLS_ENABLED = true;

/** Mode when none is given: Kuadrant >= 1.3's operator does the work. */
export const DEFAULT_KUADRANT_MTLS_MODE: KuadrantMtlsMode = KuadrantMtlsMode.Operator;

/** Namespace of Kuadrant, Authorino and Limitador (the operator's install namespace). */
export const DEFAULT_KUADRANT_NAMESPACE = "kuadrant-system";

/** Name of the Kuadrant CR (Operator mode). */
export const DEFAULT_KUADRANT_NAME = "kuadrant";

/** Authorino's Deployment as the Kuadrant operator creates it (Manual mode). */
export const DEFAULT_AUTHORINO_DEPLOYMENT = "authorino";

/** Limitador's Deployment as the Limitador operator creates it (Manual mode). */
export const DEFAULT_LIMITADOR_DEPLOYMENT = "limitador-limitador";

/** The Istio revision Authorino and Limitador are injected by when `revision` is not set: the default one. */
export const DEFAULT_KUADRANT_REVISION = "";

/** Gateway -> Authorino and gateway -> Limitador are both protected unless asked otherwise. */
export const DEFAULT_KUADRANT_PROTECTED: Readonly<{ authorino: boolean; limitador: boolean }> = Object.freeze({ authorino: true, limitador: true });

/** Disabling keeps the sidecars unless asked otherwise (safe: they accept plain text and mTLS). */
export const DEFAULT_KUADRANT_REMOVE_SIDECARS = false;

/** Envoy cluster name the Kuadrant operator writes for Authorino (internal/kuadrant/kuadrant.go). */
export const AUTH_CLUSTER = "kuadrant-auth-service";

/** Envoy cluster name of the rate-limit service. */
export const RATELIMIT_CLUSTER = "kuadrant-ratelimit-service";

/** Pod labels of Authorino's pods (what a per-component PeerAuthentication selects). */
export const AUTHORINO_SELECTOR: Readonly<Record<string, string>> = Object.freeze({ "authorino-resource": "authorino" });

/** Pod labels of Limitador's pods. */
export const LIMITADOR_SELECTOR: Readonly<Record<string, string>> = Object.freeze({ app: "limitador" });

/** Name of the namespace-wide PeerAuthentication, used when both components are protected. */
export const NAMESPACE_PEER_AUTHENTICATION_NAME = "default";

/** API version of the Kuadrant CR that carries `spec.mtls`. */
export const KUADRANT_API_VERSION = "kuadrant.io/v1beta1";

/** API version of the EnvoyFilters the Kuadrant operator writes. */
export const ENVOY_FILTER_API_VERSION = "networking.istio.io/v1alpha3";

/** Annotation that lets a server-side-apply patch take fields over from the operator. */
export const PATCH_FORCE_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({ "pulumi.com/patchForce": "true" });

/** Longest Kubernetes object name (DNS-1123 subdomain). */
export const MAX_OBJECT_NAME = 253;

/**
 * ALPN of the gateway's client TLS in Manual mode: Istio's in-mesh ALPN (`util.ALPNInMesh`,
 * pilot/pkg/networking/util/util.go at 1.30.3; Gloo's Istio sslConfig sends the same). A PERMISSIVE
 * port's mTLS chain requires one of `allIstioMtlsALPNs` (pilot/pkg/networking/core/listener.go).
 */
export const ISTIO_MTLS_ALPN: readonly string[] = Object.freeze(["istio"]);

/**
 * Kuadrant operator version assumed when none is given: the pinned release meshtls is tested against
 * (Kuadrant/kuadrant-operator v1.5.2). From 1.3 on the operator owns mTLS, so Manual mode is refused.
 */
export const DEFAULT_KUADRANT_VERSION = "1.5.2";

/**
 * Resource option of the EnvoyFilter patches (Manual mode): deleting a patch must not relinquish
 * `spec.configPatches` (an atomic list, which would go back to its default and drop the operator's
 * `kuadrant-auth-service` / `kuadrant-ratelimit-service` clusters), so it is left as last applied.
 */
export const KUADRANT_ENVOY_FILTER_RETAIN_ON_DELETE = true;
