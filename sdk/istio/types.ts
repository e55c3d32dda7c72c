import type * as pulumi from "@pulumi/pulumi";

/** PeerAuthentication mTLS modes (`security.istio.io/v1`, `spec.mtls.mode`). */
export enum MtlsMode {
    /** Inherit from the parent scope; with no parent, Istio treats it as PERMISSIVE. */
    UNSET = "UNSET",
    /** Plain text only. Not supported in ambient mode. */
    DISABLE = "DISABLE",
    /** Accept mTLS and plain text (migration state). */
    PERMISSIVE = "PERMISSIVE",
    /** Accept mTLS only: plain text is refused. */
    STRICT = "STRICT",
}

/**
 * How workloads join the mesh. The sidecar data plane injects an Envoy proxy into each pod; the ambient
 * data plane captures enrolled pods' traffic in a per-node ztunnel (HBONE mTLS on port 15008), with
 * optional waypoint proxies for L7 policy.
 */
export enum DataPlaneMode {
    /** An Envoy sidecar per pod, injected by istiod's webhook (namespace or pod injection labels). */
    Sidecar = "Sidecar",
    /**
     * Istio ambient mode: the `cni` and `ztunnel` charts, and istiod with the `ambient` profile;
     * namespaces join with the label `istio.io/dataplane-mode: ambient`.
     */
    Ambient = "Ambient",
}

/** The request body sent to an external authorizer (`EnvoyExternalAuthorizationRequestBody`). */
export interface ExtAuthzRequestBody {
    /** Buffer at most this many bytes of the body. */
    maxRequestBytes?: pulumi.Input<number>;
    /** Send a partial body when it exceeds `maxRequestBytes` instead of rejecting the request. */
    allowPartialMessage?: pulumi.Input<boolean>;
    /** Send the body as raw bytes instead of UTF-8 (gRPC only). */
    packAsBytes?: pulumi.Input<boolean>;
}

/** An Envoy ext_authz gRPC provider (mesh config `envoyExtAuthzGrpc`). */
export interface EnvoyExtAuthzGrpcProvider {
    /** Service host, `[<namespace>/]<fqdn>`, e.g. `kyverno-authz-server.kyverno.svc.cluster.local`. */
    service: pulumi.Input<string>;
    /** Service port. */
    port: pulumi.Input<number>;
    /** Per-check timeout, a protobuf duration such as `0.5s`. Istio's default is 600s. */
    timeout?: pulumi.Input<string>;
    /**
     * Allow the request when the authorizer cannot be reached or answers 5xx.
     * @default false (Istio: deny with 403)
     */
    failOpen?: pulumi.Input<boolean>;
    /** HTTP status returned to the client on a network error to the authorizer, e.g. `"503"`. */
    statusOnError?: pulumi.Input<string>;
    /** Include the request body in the check. */
    includeRequestBodyInCheck?: pulumi.Input<ExtAuthzRequestBody>;
}

/** An Envoy ext_authz HTTP provider (mesh config `envoyExtAuthzHttp`). */
export interface EnvoyExtAuthzHttpProvider {
    /** Service host, `[<namespace>/]<fqdn>`. */
    service: pulumi.Input<string>;
    /** Service port. */
    port: pulumi.Input<number>;
    /** Per-check timeout, a protobuf duration such as `0.5s`. */
    timeout?: pulumi.Input<string>;
    /** Prefix added to the path of the check request, e.g. `/check`. */
    pathPrefix?: pulumi.Input<string>;
    /**
     * Allow the request when the authorizer cannot be reached or answers 5xx.
     * @default false
     */
    failOpen?: pulumi.Input<boolean>;
    /** HTTP status returned to the client on a network error to the authorizer. */
    statusOnError?: pulumi.Input<string>;
    /** Client request headers sent to the authorizer (exact, `prefix*` or `*suffix`). */
    includeRequestHeadersInCheck?: pulumi.Input<string[]>;
    /** Fixed headers added to the check request. */
    includeAdditionalHeadersInCheck?: pulumi.Input<{ [header: string]: string }>;
    /** Include the request body in the check. */
    includeRequestBodyInCheck?: pulumi.Input<ExtAuthzRequestBody>;
    /** Authorizer response headers forwarded upstream when allowed. */
    headersToUpstreamOnAllow?: pulumi.Input<string[]>;
    /** Authorizer response headers returned downstream when denied. */
    headersToDownstreamOnDeny?: pulumi.Input<string[]>;
    /** Authorizer response headers returned downstream when allowed. */
    headersToDownstreamOnAllow?: pulumi.Input<string[]>;
}

/** A mesh extension provider (`meshConfig.extensionProviders[]`); set exactly one of the two kinds. */
export interface ExtensionProvider {
    /** Name referenced by `AuthorizationPolicy.spec.provider.name`. */
    name: pulumi.Input<string>;
    /** An Envoy ext_authz gRPC authorizer. */
    envoyExtAuthzGrpc?: pulumi.Input<EnvoyExtAuthzGrpcProvider>;
    /** An Envoy ext_authz HTTP authorizer. */
    envoyExtAuthzHttp?: pulumi.Input<EnvoyExtAuthzHttpProvider>;
}
