// The public argument types of KuadrantMtls: read by the plan and the component.
import type * as pulumi from "@pulumi/pulumi";
import type { DataPlaneMode } from "../istio";

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
    namespace?: pulumi.Input<string>;
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
     * Operator (Kuadrant >= 1.3) or Manual (older Kuadrant; refused for `kuadrantVersion` 1.3 and later).
     * @default KuadrantMtlsMode.Operator
     */
    mode?: KuadrantMtlsMode;
    /**
     * Version of the installed Kuadrant operator, e.g. `1.2.0` (a leading `v` and a pre-release suffix are
     * accepted). From 1.3 on the operator reconciles `sidecar.istio.io/inject` on Authorino and Limitador
     * and the clusters' TLS in its EnvoyFilters from `spec.mtls` of the Kuadrant CR, undoing Manual mode,
     * so Manual mode is refused there: use Operator mode; Operator mode is refused before 1.3 (no
     * `spec.mtls` in the Kuadrant CRD). The version is taken as given: nothing reads the
     * cluster to check it (in render mode there is no cluster to read).
     * @default "1.5.2" (the pinned release)
     */
    kuadrantVersion?: pulumi.Input<string>;
    /**
     * Name of the Kuadrant CR (Operator mode).
     * @default "kuadrant"
     */
    kuadrantName?: pulumi.Input<string>;
    /**
     * Authorino Deployment (Manual mode, and Operator mode with a `revision`).
     * @default "authorino"
     */
    authorinoDeployment?: pulumi.Input<string>;
    /**
     * Limitador Deployment (Manual mode, and Operator mode with a `revision`).
     * @default "limitador-limitador"
     */
    limitadorDeployment?: pulumi.Input<string>;
    /**
     * The Istio control-plane revision whose sidecar Authorino and Limitador get (IstioMesh's `revision`;
     * "" = the default revision). Manual mode labels their pod templates `sidecar.istio.io/inject`, plus
     * `istio.io/rev: <revision>` with a revision, so the revisioned injector takes them in a namespace
     * created elsewhere (Kuadrant's own). Operator mode with a revision patches only `istio.io/rev` onto
     * their pod templates (the operator writes `sidecar.istio.io/inject`, which alone a revisioned control
     * plane without a `default` tag ignores; Deployments `authorinoDeployment` / `limitadorDeployment`).
     * Their namespace is not labelled here; with a revision it must
     * carry neither `istio-injection` nor another `istio.io/rev` (either keeps the revision's
     * `rev.object.` webhook away: sdk/posture/rules/sidecarInjection.ts). MtlsPlatform passes its mesh's.
     * @default ""
     */
    revision?: string;
    /**
     * The mesh's data plane (IstioMesh's `dataPlaneMode`). In ambient, ztunnel carries the mTLS: meshtls
     * keeps the operator's `spec.mtls` off (its sidecar labels would take Authorino and Limitador out of
     * ambient), enrolls Kuadrant's namespace and each gateway's namespace in ambient (the gateway's calls
     * leave over HBONE only when ztunnel captures the gateway pod) and makes Authorino and Limitador STRICT.
     * Plain: it decides which resources exist.
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: DataPlaneMode;
    /**
     * Gateways whose `kuadrant-auth-<gateway>` / `kuadrant-ratelimiting-<gateway>` EnvoyFilters get TLS
     * (Manual mode, required there); in ambient, the Gateways that call Authorino and Limitador, whose
     * namespaces are enrolled (required there while mTLS is on).
     */
    gateways?: KuadrantGatewayRef[];
    /**
     * When disabled in Manual mode, also take the sidecars out (`sidecar.istio.io/inject: "false"`).
     * @default false (sidecars stay, which is safe)
     */
    removeSidecars?: boolean;
}
