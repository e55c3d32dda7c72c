// The public argument types of KuadrantMtls: plain data, read by the plan and the component.

/** How KuadrantMtls turns mTLS on. */
export enum KuadrantMtlsMode {
    /** Kuadrant >= 1.3: set `spec.mtls` on the Kuadrant CR and let the operator do the rest. */
    Operator = "Operator",
    /** Older Kuadrant: sidecar labels, TLS in the operator's EnvoyFilters, PeerAuthentication (the manual procedure). */
    Manual = "Manual",
}

/** A Gateway whose Kuadrant EnvoyFilters carry the Authorino and Limitador clusters. */
export interface KuadrantGatewayRef {
    /** Gateway name. */
    name: string;
    /** Gateway namespace (the EnvoyFilters live there). */
    namespace: string;
}

/** Arguments of a KuadrantMtls. */
export interface KuadrantMtlsArgs {
    /**
     * mTLS on (true) or off (false). Off keeps the resources and sets them to their safe "off" state, so
     * switching is a reviewable update, not a delete.
     * @default true
     */
    enabled?: boolean;
    /**
     * Namespace of Kuadrant, Authorino and Limitador.
     * @default "kuadrant-system"
     */
    namespace?: string;
    /**
     * Protect gateway -> Authorino traffic.
     * @default true
     */
    authorino?: boolean;
    /**
     * Protect gateway -> Limitador traffic.
     * @default true
     */
    limitador?: boolean;
    /**
     * Operator (Kuadrant >= 1.3) or Manual (older Kuadrant).
     * @default KuadrantMtlsMode.Operator
     */
    mode?: KuadrantMtlsMode;
    /**
     * Name of the Kuadrant CR (Operator mode).
     * @default "kuadrant"
     */
    kuadrantName?: string;
    /**
     * Authorino Deployment (Manual mode).
     * @default "authorino"
     */
    authorinoDeployment?: string;
    /**
     * Limitador Deployment (Manual mode).
     * @default "limitador-limitador"
     */
    limitadorDeployment?: string;
    /** Gateways whose `kuadrant-auth-<gateway>` / `kuadrant-ratelimiting-<gateway>` EnvoyFilters get TLS (Manual mode, required there). */
    gateways?: KuadrantGatewayRef[];
    /**
     * When disabled in Manual mode, also take the sidecars out (`sidecar.istio.io/inject: "false"`).
     * @default false (sidecars stay, which is safe)
     */
    removeSidecars?: boolean;
}
