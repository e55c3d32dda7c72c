// The public argument types of KyvernoAuthz and kyvernoExtensionProvider. Defaults named in the
// `@default` tags live in ./defaults.ts.
import * as pulumi from "@pulumi/pulumi";
import type { HelmMode } from "../internal/chartValues";
import type { DataPlaneMode, ExtensionProvider } from "../istio";
import type { IssuerMaterial } from "../pki";

/** The component's type token (also the prefix of its validation errors). */
export const KYVERNO_AUTHZ_TYPE = "meshtls:index:KyvernoAuthz";

/** Which authorizer runs. */
export enum KyvernoAuthzFlavor {
    /** The kyverno-authz-server chart: gRPC 9081, policies as `policies.kyverno.io` ValidatingPolicy (evaluation.mode Envoy). */
    AuthzServer = "AuthzServer",
    /** The seed's kyverno-envoy-plugin: a Deployment + Service, gRPC 9000 and HTTP 8000, json policies from a ConfigMap. */
    EnvoyPlugin = "EnvoyPlugin",
}

/** How the authorizer is reached from the mesh; the same arguments give the same provider everywhere. */
export interface KyvernoExtensionProviderArgs {
    /**
     * Which authorizer.
     * @default KyvernoAuthzFlavor.AuthzServer
     */
    flavor?: KyvernoAuthzFlavor;
    /**
     * Namespace of the authorizer. Plain: it decides whether the authorizer's namespace gets its own
     * PeerAuthentication (not when `appMtls` lists it) and which policies wait for the namespace.
     * @default "kyverno"
     */
    namespace?: string;
    /**
     * Service name of the authorizer.
     * @default "kyverno-authz-server" (AuthzServer), "ext-authz" (EnvoyPlugin)
     */
    serviceName?: pulumi.Input<string>;
    /**
     * Extension provider name (what AuthorizationPolicies refer to).
     * @default "kyverno-authz-server" (AuthzServer), "kyverno-ext-authz-grpc" (EnvoyPlugin)
     */
    providerName?: pulumi.Input<string>;
    /** Per-check timeout, a protobuf duration such as `0.5s`. */
    timeout?: pulumi.Input<string>;
    /**
     * Allow requests when the authorizer cannot be reached.
     * @default false (deny)
     */
    failOpen?: pulumi.Input<boolean>;
}

/** A named CEL expression (`matchConditions`, `variables`). */
export interface NamedExpression {
    /** Name. */
    name: pulumi.Input<string>;
    /** CEL expression over the Envoy CheckRequest (`object.attributes.request.http...`). */
    expression: pulumi.Input<string>;
}

/** One validation of a ValidatingPolicy. */
export interface PolicyValidation {
    /** CEL expression returning `envoy.Allowed().Response()`, `envoy.Denied(403).Response()` or null (no decision). */
    expression: pulumi.Input<string>;
    /** Message for a failure. */
    message?: pulumi.Input<string>;
}

/** The spec of a `policies.kyverno.io` ValidatingPolicy for the authz server; `evaluation.mode: Envoy` is added. */
export interface ValidatingPolicySpec {
    /**
     * What happens when evaluation fails.
     * @default "Fail"
     */
    failurePolicy?: pulumi.Input<string>;
    /** Conditions a check request must meet for the policy to apply. */
    matchConditions?: pulumi.Input<NamedExpression[]>;
    /** Named expressions the validations can use as `variables.<name>`. */
    variables?: pulumi.Input<NamedExpression[]>;
    /** The decisions, evaluated in order until one returns a response. */
    validations: pulumi.Input<PolicyValidation[]>;
}

/** A policy for the authorizer. Set exactly one of `yaml` and `spec`. */
export interface KyvernoPolicy {
    /** Policy name: `metadata.name` (AuthzServer) or the file `<name>.yaml` (EnvoyPlugin). */
    name: string;
    /**
     * A whole policy document as YAML text (either flavor). Plain: its apiVersion and kind are the
     * resource type of the ValidatingPolicy the AuthzServer flavor registers.
     */
    yaml?: string;
    /** The ValidatingPolicy spec as typed data (AuthzServer; apiVersion, kind and metadata are filled in). */
    spec?: pulumi.Input<ValidatingPolicySpec>;
}

/**
 * A Gateway API gateway an AuthorizationPolicy attaches to (`targetRefs[]`). In a sidecar mesh Istio honours
 * only `kind: Gateway` in the target's namespace (Service, ServiceEntry and GatewayClass are for waypoints).
 */
export interface PolicyTargetRef {
    /** Kind: `Gateway` (anything else is refused: sidecars ignore it). */
    kind: pulumi.Input<string>;
    /** Name. */
    name: pulumi.Input<string>;
    /**
     * API group.
     * @default "gateway.networking.k8s.io" for Gateway, "" (core) otherwise
     */
    group?: pulumi.Input<string>;
}

/** An app label and a port that stays PERMISSIVE. */
export interface AppPort {
    /** Value of the pods' `app` label (plain: it names the workload's MtlsPolicy). */
    app: string;
    /** Workload port. */
    port: pulumi.Input<number>;
}

/** A cert-manager issuer for the chart's webhook certificate. */
export interface CertManagerIssuerRef {
    /** Issuer name (a DNS-1123 name). */
    name: pulumi.Input<string>;
    /** `Issuer` or `ClusterIssuer` for group `cert-manager.io`; for another group (an external issuer), that issuer's kind. */
    kind: pulumi.Input<string>;
    /**
     * API group.
     * @default "cert-manager.io"
     */
    group?: pulumi.Input<string>;
}

/** Where requests go through the authorizer: one AuthorizationPolicy with `action: CUSTOM`. */
export interface KyvernoAuthzTarget {
    /** Namespace of the workloads. */
    namespace: string;
    /**
     * AuthorizationPolicy name.
     * @default the provider name
     */
    name?: string;
    /** Workloads (`selector.matchLabels`); at most one of selector and targetRefs. Neither: the whole namespace. */
    selector?: pulumi.Input<{ [key: string]: string }>;
    /** Gateway API gateways (`kind: Gateway`) the policy attaches to (`targetRefs`); at most one of selector and targetRefs. */
    targetRefs?: pulumi.Input<PolicyTargetRef[]>;
    /** Only requests to these paths (exact, `prefix*` or `*suffix`). */
    paths?: pulumi.Input<string[]>;
    /** Only requests to these hosts. */
    hosts?: pulumi.Input<string[]>;
    /** Only these HTTP methods. */
    methods?: pulumi.Input<string[]>;
}

/** An application namespace made STRICT, with plain-text exceptions for named app ports (the seed's layout). */
export interface KyvernoAppMtls {
    /** Namespace of the applications; gets PeerAuthentication `mtls-<namespace>` STRICT. */
    namespace: string;
    /** `app` label + port pairs that stay PERMISSIVE (PeerAuthentication `mtls-<app>`, STRICT elsewhere). */
    permissivePorts?: AppPort[];
}

/** Arguments of a KyvernoAuthz. */
export interface KyvernoAuthzArgs extends KyvernoExtensionProviderArgs {
    /**
     * Create the authorizer namespace, labelled for sidecar injection by the mesh's `revision` (its
     * traffic is mTLS): `istio-injection: enabled` for the default revision, `istio.io/rev: <revision>`
     * otherwise.
     * @default true
     */
    createNamespace?: boolean;
    /**
     * The Istio control-plane revision whose sidecar the authorizer pods get (IstioMesh's `revision`;
     * "" = the default revision). It labels the namespace created here and the server pods themselves
     * (`sidecar.istio.io/inject: "true"`, plus `istio.io/rev: <revision>` with a revision; with the chart
     * also its validation-webhook pods, whose webhook port stays PERMISSIVE for the API server), so they
     * are injected in a namespace not created here too. A namespace created elsewhere must carry neither
     * `istio-injection` nor another revision's `istio.io/rev` when a revision is set (either keeps the
     * revision's injector away). Clients reach the server through an `ISTIO_MUTUAL` DestinationRule
     * (`<name>-authz-dr`), so a server without a sidecar refuses checks instead of taking plain text.
     * @default ""
     */
    revision?: pulumi.Input<string>;
    /**
     * The mesh's data plane (IstioMesh's `dataPlaneMode`). In ambient the namespace is enrolled with
     * `istio.io/dataplane-mode: ambient`, the pods get no sidecar labels, no DestinationRule is written
     * (ztunnel never reads one) and a target must be a Gateway: ztunnel ignores CUSTOM policies, so only a
     * waypoint or an ingress Gateway named in `targetRefs` calls the authorizer
     * (sdk/posture/rules/ambientAuthorization.ts). Plain: it decides which resources exist.
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: DataPlaneMode;
    /**
     * Ambient only: namespaces whose pods a target's `selector` picks are Istio gateway Envoys (e.g.
     * IstioMesh's `gateway` namespace). ztunnel ignores CUSTOM policies, but an Envoy a selector matches
     * enforces them (istio 1.30.3 pilot/pkg/model/policyattachment.go), so a selector target is accepted in
     * these namespaces only. MtlsPlatform passes its `istio.gateway` namespace.
     * @default []
     */
    gatewayNamespaces?: pulumi.Input<string[]>;
    /**
     * kyverno-authz-server chart version (AuthzServer).
     * @default "0.4.0"
     */
    version?: pulumi.Input<string>;
    /**
     * Chart repository (AuthzServer).
     * @default "https://kyverno.github.io/kyverno-authz"
     */
    chartRepository?: pulumi.Input<string>;
    /**
     * How the chart is installed (AuthzServer). With `webhookIssuer` the certificate is chart values,
     * unknown until it is issued, so a helm.v4.Chart renders at the first `up`, not at its preview.
     * @default HelmMode.Release
     */
    helmMode?: HelmMode;
    /**
     * Issues the chart's validation-webhook certificate (AuthzServer; one of this and `webhookCertManagerIssuer`).
     * The chart takes one PEM as served chain and `caBundle`; it gets the leaf, the intermediates and every
     * root of the issuer's trust bundle, so renewals and CA rotation phases keep the webhook trusted.
     */
    webhookIssuer?: pulumi.Input<IssuerMaterial>;
    /** A cert-manager issuer for the webhook certificate instead (AuthzServer). */
    webhookCertManagerIssuer?: CertManagerIssuerRef;
    /**
     * Install the ValidatingPolicy CRD (it is not in the chart) from the kyverno-authz release manifest
     * pinned to `version`. Leave off when Kyverno (which ships it) is installed. The CRD of kyverno-authz
     * up to 0.4.0 serves only `policies.kyverno.io/v1alpha1`, so other policy versions are refused with it.
     * @default false
     */
    installPolicyCrd?: boolean;
    /**
     * API version of emitted ValidatingPolicies (AuthzServer). Plain: it is part of each policy's resource
     * type, so it names resources.
     * @default "policies.kyverno.io/v1alpha1" (the version kyverno-authz 0.4.0 serves)
     */
    policyApiVersion?: string;
    /**
     * Plugin image (EnvoyPlugin).
     * @default "sanskardevops/plugin:0.0.29" (the seed's)
     */
    image?: pulumi.Input<string>;
    /** Policies the authorizer evaluates. */
    policies?: KyvernoPolicy[];
    /** Where requests are sent to the authorizer. */
    targets?: KyvernoAuthzTarget[];
    /** Application namespaces: STRICT with port-level PERMISSIVE exceptions. */
    appMtls?: KyvernoAppMtls[];
    /**
     * The mesh's extension providers (what IstioMesh was given). When set, the component checks its
     * provider is registered there, with the same service and port.
     */
    meshExtensionProviders?: pulumi.Input<ExtensionProvider[]>;
}

/** A Kubernetes object as plain data, as the pure manifests functions return it. */
export interface KyvernoKubernetesObject {
    /** API version, e.g. `v1`. */
    apiVersion: string;
    /** Kind, e.g. `ConfigMap`. */
    kind: string;
    /** Name, namespace (absent for cluster-scoped objects), labels and annotations. */
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    /** The rest of the object (`spec`, `data`, ...). */
    [field: string]: unknown;
}
