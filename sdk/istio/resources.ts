// Istio object builders shared by every component that emits Istio resources (MtlsPolicy, IstioMesh,
// KuadrantMtls, KyvernoAuthz). One place spells the API versions and field names. The `...Object`
// builders are pure; the two register helpers wrap them in a CustomResource.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { sortKeys } from "../internal/values";
import { MtlsMode } from "./types";

/** PeerAuthentication's served, storage API version (Istio >= 1.22). */
export const PEER_AUTHENTICATION_API = "security.istio.io/v1";
/** DestinationRule's storage API version. */
export const DESTINATION_RULE_API = "networking.istio.io/v1";
/** AuthorizationPolicy's storage API version. */
export const AUTHORIZATION_POLICY_API = "security.istio.io/v1";

/** The plain content of a PeerAuthentication. */
export interface PeerAuthenticationSpec {
    /** Name of the PeerAuthentication. */
    name: string;
    /** Its namespace (the root namespace for a mesh-wide policy). */
    namespace: string;
    /** The mTLS mode. */
    mode: MtlsMode;
    /** Workload scope: `matchLabels` of the pods it applies to. */
    selector?: Record<string, string>;
    /** Port number -> mode (workload scope only). */
    portLevelMtls?: Array<{ port: number; mode: MtlsMode }>;
    /** Labels of the PeerAuthentication object itself. */
    labels?: Record<string, string>;
}

/** The Kubernetes object of a PeerAuthentication, ports in ascending order (deterministic). */
export function peerAuthenticationObject(spec: PeerAuthenticationSpec): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (spec.selector && Object.keys(spec.selector).length > 0) {
        body.selector = { matchLabels: sortKeys(spec.selector) };
    }
    body.mtls = { mode: spec.mode };
    if (spec.portLevelMtls && spec.portLevelMtls.length > 0) {
        const ports = [...spec.portLevelMtls].sort((a, b) => a.port - b.port);
        body.portLevelMtls = Object.fromEntries(ports.map((p) => [String(p.port), { mode: p.mode }]));
    }
    return {
        apiVersion: PEER_AUTHENTICATION_API,
        kind: "PeerAuthentication",
        metadata: { name: spec.name, namespace: spec.namespace, ...(spec.labels ? { labels: sortKeys(spec.labels) } : {}) },
        spec: body,
    };
}

/** Registers a PeerAuthentication. */
export function peerAuthentication(resourceName: string, spec: PeerAuthenticationSpec, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    const obj = peerAuthenticationObject(spec);
    return new k8s.apiextensions.CustomResource(resourceName, obj as unknown as k8s.apiextensions.CustomResourceArgs, opts);
}

/** The plain content of a DestinationRule that makes clients of `host` use Istio mutual TLS. */
export interface IstioMutualDestinationRuleSpec {
    /** Name of the DestinationRule. */
    name: string;
    /** Its namespace. */
    namespace: string;
    /** The host it applies to, e.g. `*.bookinfo.svc.cluster.local`. */
    host: string;
}

/** The Kubernetes object of a DestinationRule with `trafficPolicy.tls.mode: ISTIO_MUTUAL`. */
export function istioMutualDestinationRuleObject(spec: IstioMutualDestinationRuleSpec): Record<string, unknown> {
    return {
        apiVersion: DESTINATION_RULE_API,
        kind: "DestinationRule",
        metadata: { name: spec.name, namespace: spec.namespace },
        spec: { host: spec.host, trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } },
    };
}

/** Registers a DestinationRule that makes clients of `host` use Istio mutual TLS. */
export function istioMutualDestinationRule(resourceName: string, spec: IstioMutualDestinationRuleSpec, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(resourceName, istioMutualDestinationRuleObject(spec) as unknown as k8s.apiextensions.CustomResourceArgs, opts);
}
