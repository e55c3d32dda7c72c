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

/** The request body sent to an external authorizer (`EnvoyExternalAuthorizationRequestBody`). */
export interface ExtAuthzRequestBody {
    /** Buffer at most this many bytes of the body. */
    maxRequestBytes?: number;
    /** Send a partial body when it exceeds `maxRequestBytes` instead of rejecting the request. */
    allowPartialMessage?: boolean;
    /** Send the body as raw bytes instead of UTF-8 (gRPC only). */
    packAsBytes?: boolean;
}

/** An Envoy ext_authz gRPC provider (mesh config `envoyExtAuthzGrpc`). */
export interface EnvoyExtAuthzGrpcProvider {
    /** Service host, `[<namespace>/]<fqdn>`, e.g. `kyverno-authz-server.kyverno.svc.cluster.local`. */
    service: string;
    /** Service port. */
    port: number;
    /** Per-check timeout, a protobuf duration such as `0.5s`. Istio's default is 600s. */
    timeout?: string;
    /**
     * Allow the request when the authorizer cannot be reached or answers 5xx.
     * @default false (Istio: deny with 403)
     */
    failOpen?: boolean;
    /** HTTP status returned to the client on a network error to the authorizer, e.g. `"503"`. */
    statusOnError?: string;
    /** Include the request body in the check. */
    includeRequestBodyInCheck?: ExtAuthzRequestBody;
}

/** An Envoy ext_authz HTTP provider (mesh config `envoyExtAuthzHttp`). */
export interface EnvoyExtAuthzHttpProvider {
    /** Service host, `[<namespace>/]<fqdn>`. */
    service: string;
    /** Service port. */
    port: number;
    /** Per-check timeout, a protobuf duration such as `0.5s`. */
    timeout?: string;
    /** Prefix added to the path of the check request, e.g. `/check`. */
    pathPrefix?: string;
    /**
     * Allow the request when the authorizer cannot be reached or answers 5xx.
     * @default false
     */
    failOpen?: boolean;
    /** HTTP status returned to the client on a network error to the authorizer. */
    statusOnError?: string;
    /** Client request headers sent to the authorizer (exact, `prefix*` or `*suffix`). */
    includeRequestHeadersInCheck?: string[];
    /** Fixed headers added to the check request. */
    includeAdditionalHeadersInCheck?: { [header: string]: string };
    /** Include the request body in the check. */
    includeRequestBodyInCheck?: ExtAuthzRequestBody;
    /** Authorizer response headers forwarded upstream when allowed. */
    headersToUpstreamOnAllow?: string[];
    /** Authorizer response headers returned downstream when denied. */
    headersToDownstreamOnDeny?: string[];
    /** Authorizer response headers returned downstream when allowed. */
    headersToDownstreamOnAllow?: string[];
}

/** A mesh extension provider (`meshConfig.extensionProviders[]`); set exactly one of the two kinds. */
export interface ExtensionProvider {
    /** Name referenced by `AuthorizationPolicy.spec.provider.name`. */
    name: string;
    /** An Envoy ext_authz gRPC authorizer. */
    envoyExtAuthzGrpc?: EnvoyExtAuthzGrpcProvider;
    /** An Envoy ext_authz HTTP authorizer. */
    envoyExtAuthzHttp?: EnvoyExtAuthzHttpProvider;
}
