// The authorizer's place in the mesh: its injected namespace, the AuthorizationPolicies (action
// CUSTOM) that send requests to it, and the PeerAuthentications (as MtlsPolicy arguments) around it.
import type * as pulumi from "@pulumi/pulumi";
import { ArgsValidator, isDnsName, isLabelValue, isRequestHost } from "../internal/validation";
import { sortKeys } from "../internal/values";
import { AUTHORIZATION_POLICY_API, DataPlaneMode, DEFAULT_DATA_PLANE_MODE, DEFAULT_ISTIO_NAMESPACE, MtlsMode, enrollmentLabels } from "../istio";
import { AMBIENT_WAYPOINT_CLASS, customAuthorizationInAmbient, USE_WAYPOINT_LABEL } from "../posture";
import type { IstioMutualDestinationRuleSpec, MtlsPolicyArgs } from "../istio";
import type { AuthzServerPlan } from "./authzServer";
import { CORE_API_GROUP, GATEWAY_API_GROUP } from "./defaults";
import type { KyvernoProviderPlan } from "./provider";
import { KyvernoKubernetesObject, KyvernoAppMtls, KyvernoAuthzTarget } from "./types";

/** A resolved target: one AuthorizationPolicy. */
export interface KyvernoTargetPlan {
    /** Namespace of the workloads. */
    namespace: string;
    /** AuthorizationPolicy name (the provider name unless set). */
    name: string;
    /** Workloads (`selector.matchLabels`), when set. */
    selector?: Record<string, string>;
    /** Gateways or Services (`targetRefs`), when set, each with its API group resolved. */
    targetRefs?: Array<{ group: string; kind: string; name: string }>;
    /** Request paths (empty: any). */
    paths: string[];
    /** Request hosts (empty: any). */
    hosts: string[];
    /** HTTP methods (empty: any). */
    methods: string[];
}

/** A resolved application namespace: STRICT, with PERMISSIVE ports per app. */
export interface KyvernoAppMtlsPlan {
    /** Namespace of the applications. */
    namespace: string;
    /** Apps with plain-text ports, ordered by app name; ports in the order given. */
    permissive: Array<{ app: string; ports: number[] }>;
}

/** One MtlsPolicy the component registers, named `<component name>-<id>`. */
export interface KyvernoMtlsPolicy {
    /** Resource name suffix. */
    id: string;
    /** The MtlsPolicy arguments. */
    args: pulumi.Unwrap<MtlsPolicyArgs>;
    /** Whether it waits for the authorizer namespace (it lives there). */
    inAuthzNamespace: boolean;
}

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/** Checks the targets and resolves their names and target-ref groups. */
export function planKyvernoTargets(v: ArgsValidator, targets: pulumi.Unwrap<KyvernoAuthzTarget>[] | undefined, providerName: string, ambient?: { gatewayNamespaces: readonly string[] }): KyvernoTargetPlan[] {
    const apNames = new Set<string>();
    return (targets ?? []).map((t, i) => {
        const at = `targets[${i}]`;
        v.dnsLabel(`${at}.namespace`, t.namespace, true);
        const apName = t.name ?? providerName;
        if (v.dnsSubdomain(`${at}.name`, apName)) {
            v.check(!apNames.has(`${t.namespace}/${apName}`), `${at}.name`, apName, "two targets in one namespace need different names");
            apNames.add(`${t.namespace}/${apName}`);
        }
        v.check(!(t.selector && t.targetRefs), at, { selector: t.selector, targetRefs: t.targetRefs }, "Istio allows only one of selector and targetRefs on an AuthorizationPolicy");
        if (ambient && (t.targetRefs ?? []).length === 0 && !ambient.gatewayNamespaces.includes(t.namespace)) {
            // ztunnel drops CUSTOM policies: only an Envoy the selector matches (a gateway here) enforces one.
            const source = customAuthorizationInAmbient({ namespace: t.namespace, selector: t.selector }).source;
            v.fail(
                t.selector ? `${at}.selector` : at,
                t.selector ?? { namespace: t.namespace },
                `in ambient ztunnel ignores CUSTOM policies (${source}): only an Envoy the policy selects enforces it. If ${t.namespace} runs an Istio gateway this selects, list ${t.namespace} in gatewayNamespaces; otherwise target a waypoint Gateway (gatewayClassName ${AMBIENT_WAYPOINT_CLASS}) or an ingress Gateway with targetRefs`,
            );
        }
        if (t.selector) {
            v.check(Object.keys(t.selector).length > 0, `${at}.selector`, t.selector, "expected at least one label; omit it for the whole namespace");
            v.labels(`${at}.selector`, t.selector);
        }
        (t.targetRefs ?? []).forEach((ref, j) => {
            if (v.nonEmpty(`${at}.targetRefs[${j}].kind`, ref.kind, 63, true)) {
                // Istio 1.30 (pilot/pkg/model/policyattachment.go) ignores a targetRefs policy on a sidecar and
                // attaches Service, ServiceEntry and GatewayClass targets only to waypoints: the policy would
                // protect nothing in a sidecar mesh.
                // In ambient, GatewayClass istio-waypoint from the root namespace attaches to every waypoint
                // (istio 1.30.3 pilot/pkg/model/policyattachment.go).
                const everyWaypoint = ambient !== undefined && ref.kind === "GatewayClass" && ref.name === AMBIENT_WAYPOINT_CLASS && t.namespace === DEFAULT_ISTIO_NAMESPACE;
                v.check(
                    ref.kind === "Gateway" || everyWaypoint,
                    `${at}.targetRefs[${j}].kind`,
                    ref.kind,
                    ref.kind.toLowerCase() === "gateway"
                        ? "kind is case-sensitive: write Gateway"
                        : ambient
                        ? `in ambient only a waypoint or gateway enforces CUSTOM; a ${ref.kind} target works only through a waypoint bound with ${USE_WAYPOINT_LABEL}, which meshtls cannot see: target the waypoint Gateway (gatewayClassName ${AMBIENT_WAYPOINT_CLASS}) that serves it, an ingress Gateway, or every waypoint (kind GatewayClass, name ${AMBIENT_WAYPOINT_CLASS}, in ${DEFAULT_ISTIO_NAMESPACE}) (sdk/posture/rules/ambientAuthorization.ts)`
                        : "in a sidecar mesh Istio honours only kind Gateway (gateway.networking.k8s.io, a Gateway API gateway in the target's namespace); " +
                        "Service, ServiceEntry and GatewayClass targets attach only to waypoints and sidecars ignore any targetRefs policy: use selector for workloads",
                );
            }
            if ((ref.kind === "Gateway" || ref.kind === "GatewayClass") && ref.group !== undefined) {
                v.check(ref.group === GATEWAY_API_GROUP, `${at}.targetRefs[${j}].group`, ref.group, `expected ${GATEWAY_API_GROUP} (Istio matches kind Gateway of that group only) or leave it out`);
            }
            v.dnsSubdomain(`${at}.targetRefs[${j}].name`, ref.name, true);
        });
        (t.paths ?? []).forEach((p, j) => v.check(p === "*" || p.startsWith("/") || p.startsWith("*"), `${at}.paths[${j}]`, p, "expected a path starting with '/' (or a '*' wildcard)"));
        (t.hosts ?? []).forEach((h, j) => v.check(isRequestHost(h), `${at}.hosts[${j}]`, h, "expected a host such as testapp-1.demo.svc.cluster.local[:port] with a port from 1 to 65535 (or '*')"));
        (t.methods ?? []).forEach((m, j) => v.check(HTTP_METHODS.includes(m), `${at}.methods[${j}]`, m, `expected one of ${HTTP_METHODS.join(", ")}`));

        const plan: KyvernoTargetPlan = { namespace: t.namespace, name: apName, paths: [...(t.paths ?? [])], hosts: [...(t.hosts ?? [])], methods: [...(t.methods ?? [])] };
        if (t.selector) {
            plan.selector = { ...t.selector };
        }
        if (t.targetRefs) {
            plan.targetRefs = t.targetRefs.map((ref) => ({ group: ref.group ?? (ref.kind === "Gateway" || ref.kind === "GatewayClass" ? GATEWAY_API_GROUP : CORE_API_GROUP), kind: ref.kind, name: ref.name }));
        }
        return plan;
    });
}

/** Checks the application namespaces and groups their PERMISSIVE ports by app. */
export function planKyvernoAppMtls(v: ArgsValidator, appMtls: pulumi.Unwrap<KyvernoAppMtls>[] | undefined): KyvernoAppMtlsPlan[] {
    return (appMtls ?? []).map((a, i) => {
        v.dnsLabel(`appMtls[${i}].namespace`, a.namespace, true);
        // Each app's PeerAuthentication selects its pods: Istio ignores a selector in the root namespace (MtlsPolicy
        // refuses it; sdk/posture/rules/peerAuthenticationPrecedence.ts, istio 1.30.3 policy_applier.go).
        v.check(a.namespace !== DEFAULT_ISTIO_NAMESPACE || (a.permissivePorts ?? []).length === 0, `appMtls[${i}].namespace`, a.namespace, `permissivePorts need a PeerAuthentication with a workload selector, which Istio ignores in its root namespace (${DEFAULT_ISTIO_NAMESPACE}); list application namespaces only`);
        const seen = new Set<string>();
        const byApp = new Map<string, number[]>();
        (a.permissivePorts ?? []).forEach((p, j) => {
            v.labels(`appMtls[${i}].permissivePorts[${j}]`, { app: p.app });
            // The label value also names the app's PeerAuthentication, mtls-<app>: a valid label value such as My_App is no object name.
            v.check(typeof p.app !== "string" || !isLabelValue(p.app) || isDnsName(`mtls-${p.app}`, false), `appMtls[${i}].permissivePorts[${j}].app`, p.app, `it names the app's PeerAuthentication mtls-${p.app}, so it must also be a DNS-1123 name: lower-case letters, digits, '-' and '.'`);
            v.port(`appMtls[${i}].permissivePorts[${j}].port`, p.port, true);
            v.check(!seen.has(`${p.app}:${p.port}`), `appMtls[${i}].permissivePorts[${j}]`, p, "each app/port pair may appear once");
            seen.add(`${p.app}:${p.port}`);
            byApp.set(p.app, [...(byApp.get(p.app) ?? []), p.port]);
        });
        const permissive = [...byApp.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([app, ports]) => ({ app, ports }));
        return { namespace: a.namespace, permissive };
    });
}

/**
 * The authorizer's namespace, labelled for sidecar injection by `revision` (its traffic is mTLS):
 * `istio-injection: enabled` for the default revision, only `istio.io/rev: <revision>` otherwise (the
 * revisioned injector skips namespaces labelled `istio-injection`; sdk/posture/rules/sidecarInjection.ts).
 * @param revision the plan's `revision` ("" = the default revision)
 * @param dataPlaneMode the plan's data plane: in ambient, `istio.io/dataplane-mode: ambient` instead
 */
export function authzNamespaceObject(provider: KyvernoProviderPlan, revision = "", dataPlaneMode: DataPlaneMode = DEFAULT_DATA_PLANE_MODE): KyvernoKubernetesObject {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: provider.namespace, labels: enrollmentLabels(dataPlaneMode, revision) } };
}

/** The AuthorizationPolicy (action CUSTOM, naming the provider) of one target. */
export function authorizationPolicyObject(target: KyvernoTargetPlan, providerName: string): KyvernoKubernetesObject {
    const operation: Record<string, string[]> = {};
    if (target.paths.length > 0) {
        operation.paths = [...target.paths];
    }
    if (target.hosts.length > 0) {
        operation.hosts = [...target.hosts];
    }
    if (target.methods.length > 0) {
        operation.methods = [...target.methods];
    }
    const spec: Record<string, unknown> = {};
    if (target.selector) {
        spec.selector = { matchLabels: sortKeys(target.selector) };
    }
    if (target.targetRefs) {
        spec.targetRefs = target.targetRefs.map((ref) => ({ group: ref.group, kind: ref.kind, name: ref.name }));
    }
    spec.action = "CUSTOM";
    spec.provider = { name: providerName };
    spec.rules = Object.keys(operation).length > 0 ? [{ to: [{ operation }] }] : [{}];
    return { apiVersion: AUTHORIZATION_POLICY_API, kind: "AuthorizationPolicy", metadata: { name: target.name, namespace: target.namespace }, spec };
}

/**
 * The PeerAuthentications around the authorizer, as MtlsPolicy arguments, in registration order: its
 * namespace STRICT (by the apps' `mtls-<namespace>` when they share it: one namespace-wide policy each); with the chart, the webhook STRICT except its port (the API server calls it
 * without mesh mTLS); each application namespace STRICT, and each listed app STRICT with its ports
 * PERMISSIVE (the seed's layout).
 */
export function kyvernoMtlsPolicies(provider: KyvernoProviderPlan, server: AuthzServerPlan | undefined, appMtls: KyvernoAppMtlsPlan[], dataPlaneMode: DataPlaneMode = DEFAULT_DATA_PLANE_MODE): KyvernoMtlsPolicy[] {
    // In ambient each policy is checked as ztunnel reads it (MtlsPolicy's dataPlaneMode); sidecar arguments stay as they were.
    return kyvernoSidecarMtlsPolicies(provider, server, appMtls).map((p) => (dataPlaneMode === DataPlaneMode.Ambient ? { ...p, args: { ...p.args, dataPlaneMode } } : p));
}

function kyvernoSidecarMtlsPolicies(provider: KyvernoProviderPlan, server: AuthzServerPlan | undefined, appMtls: KyvernoAppMtlsPlan[]): KyvernoMtlsPolicy[] {
    // One namespace-wide policy per namespace: Istio honours only the oldest (sdk/posture/rules/
    // peerAuthenticationPrecedence.ts). When the apps share the authorizer's namespace (the seed's
    // plugin layout), their `mtls-<namespace>` (STRICT too) is the one.
    const appsInAuthzNamespace = appMtls.some((a) => a.namespace === provider.namespace);
    const out: KyvernoMtlsPolicy[] = appsInAuthzNamespace ? [] : [{ id: "namespace-mtls", args: { namespace: provider.namespace, mode: MtlsMode.STRICT }, inAuthzNamespace: true }];
    if (server) {
        out.push({
            id: "webhook-mtls",
            args: {
                namespace: provider.namespace,
                name: server.webhook.name,
                selector: { ...server.webhook.selector },
                mode: MtlsMode.STRICT,
                portLevelMtls: [{ port: server.webhook.port, mode: MtlsMode.PERMISSIVE }],
            },
            inAuthzNamespace: true,
        });
    }
    for (const app of appMtls) {
        out.push({ id: `${app.namespace}-mtls`, args: { namespace: app.namespace, name: `mtls-${app.namespace}`, mode: MtlsMode.STRICT }, inAuthzNamespace: app.namespace === provider.namespace });
        for (const { app: appName, ports } of app.permissive) {
            out.push({
                id: `${app.namespace}-${appName}-mtls`,
                args: { namespace: app.namespace, name: `mtls-${appName}`, selector: { app: appName }, mode: MtlsMode.STRICT, portLevelMtls: ports.map((port) => ({ port, mode: MtlsMode.PERMISSIVE })) },
                inAuthzNamespace: false,
            });
        }
    }
    return out;
}

/** The ISTIO_MUTUAL DestinationRule for the authorizer's host, registered as `<component name>-<id>`. */
export interface KyvernoDestinationRule {
    /** Resource name suffix (`authz-dr`; resource names are a public contract). */
    id: string;
    /** The DestinationRule: in the authorizer's namespace, for the provider's service FQDN. */
    spec: IstioMutualDestinationRuleSpec;
}

/**
 * Makes the ext_authz link fail closed: every injected client (the gateways and sidecars that run the
 * CUSTOM AuthorizationPolicies) calls the authorizer's host with Istio mTLS whatever auto-mTLS decides,
 * so an authorizer pod without a sidecar (not injected: wrong revision, namespace not labelled) fails the
 * handshake and the check is denied (ext_authz `failOpen` is false) instead of going in plain text.
 * An explicit `tls` replaces auto-mTLS for the host (istio 1.30.3 pilot/pkg/networking/core/cluster_tls.go;
 * sdk/posture/rules/istioDestinationRuleTls.ts). Public (no `exportTo`), in the service's namespace:
 * clients in other namespaces find it there (push_context.go lookup, step two).
 */
export function kyvernoDestinationRule(provider: KyvernoProviderPlan): KyvernoDestinationRule {
    return { id: "authz-dr", spec: { name: `${provider.serviceName}-mtls`, namespace: provider.namespace, host: provider.service } };
}
