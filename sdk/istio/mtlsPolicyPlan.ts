// MtlsPolicy's plan: pure. Validates the arguments (every problem at once), resolves every default once
// and returns plain data that mtlsPolicyManifests.ts turns into objects.
import * as pulumi from "@pulumi/pulumi";
import { ArgsValidator, isDnsName } from "../internal/validation";
import { ambientPolicyProblems } from "../posture";
import { API_SERVER_SERVICE, DEFAULT_CLUSTER_DOMAIN, DEFAULT_DATA_PLANE_MODE, DEFAULT_ISTIO_NAMESPACE, DEFAULT_MTLS_MODE, DEFAULT_POLICY_NAME } from "./defaults";
import { rejectLegacyPolicy } from "./removedApis";
import { DataPlaneMode, MtlsMode } from "./types";

/** MtlsPolicy's type token. */
export const MTLS_POLICY_TYPE = "meshtls:index:MtlsPolicy";

/** The mTLS mode of one workload port. */
export interface PortMtls {
    /** The workload (container) port, 1-65535; not the Service port. */
    port: pulumi.Input<number>;
    /** Mode on that port. */
    mode: pulumi.Input<MtlsMode>;
}

/** The client side: a DestinationRule per host with `trafficPolicy.tls.mode: ISTIO_MUTUAL`. */
export interface MtlsDestinationRuleArgs {
    /**
     * Hosts the rule applies to, one DestinationRule each. Required at workload and mesh scope: a
     * DestinationRule with `tls` replaces auto-mTLS for every host it covers, so a mesh-wide wildcard would
     * force mesh mTLS onto the API server and every namespace without sidecars. At mesh scope a host that
     * covers `kubernetes.default.svc.<clusterDomain>` (such as `*.local`) is refused.
     * @default ["*.<namespace>.svc.<clusterDomain>"] at namespace scope
     */
    hosts?: string[];
    /**
     * Name of the DestinationRule (suffixed `-<n>` from the second host on).
     * @default the PeerAuthentication's name
     */
    name?: pulumi.Input<string>;
}

/** Arguments of an MtlsPolicy. */
export interface MtlsPolicyArgs {
    /**
     * Namespace of the policy. Absent (or the root namespace without a selector): mesh-wide.
     * With a selector: the workloads' namespace.
     */
    namespace?: pulumi.Input<string>;
    /**
     * The mesh's root namespace (`meshConfig.rootNamespace`), where mesh-wide policies live.
     * @default "istio-system"
     */
    rootNamespace?: pulumi.Input<string>;
    /**
     * Name of the PeerAuthentication. Istio honours one mesh-wide and one namespace-wide policy each;
     * `default` is the convention.
     * @default "default" at mesh and namespace scope; the component's name at workload scope
     */
    name?: pulumi.Input<string>;
    /** Workload scope: `matchLabels` of the pods the policy applies to. */
    selector?: pulumi.Input<{ [key: string]: string }>;
    /**
     * mTLS mode.
     * @default MtlsMode.STRICT
     */
    mode?: pulumi.Input<MtlsMode>;
    /** Per-port modes (workload scope only: Istio requires a selector for them). */
    portLevelMtls?: pulumi.Input<PortMtls[]>;
    /** Also create the client-side DestinationRule(s) with `ISTIO_MUTUAL`. */
    destinationRule?: MtlsDestinationRuleArgs;
    /**
     * Cluster DNS domain, for the default DestinationRule host.
     * @default "cluster.local"
     */
    clusterDomain?: pulumi.Input<string>;
    /**
     * The data plane of the workloads the policy covers: the mesh's (an IstioMesh's `dataPlaneMode` output
     * works), or `Sidecar` for a namespace that runs sidecars inside an ambient mesh. In ambient, ztunnel
     * enforces the policy with its own rules, so what would not do what it says there is refused: `DISABLE`
     * (ztunnel treats it as PERMISSIVE), port-level modes it ignores or reads differently, and
     * `destinationRule` (ztunnel never reads DestinationRules). A workload policy's port-level modes also
     * depend on the mesh-wide and namespace-wide policies, which only MtlsPlatform sees and checks.
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: pulumi.Input<DataPlaneMode>;
}

/** The scope of a resolved policy. */
export enum MtlsScope {
    /** Root namespace, no selector. */
    Mesh = "Mesh",
    /** A namespace, no selector. */
    Namespace = "Namespace",
    /** A namespace and a selector. */
    Workload = "Workload",
}

/** One client-side DestinationRule of a plan. */
export interface MtlsDestinationRulePlan {
    /** Name of the DestinationRule (the rule name, suffixed `-<n>` from the second host on). */
    name: string;
    /** The host it applies to. */
    host: string;
}

/** An MtlsPolicy, validated and fully defaulted: plain data. */
export interface MtlsPolicyPlan {
    /** The component's resource name; child resource names derive from it. */
    name: string;
    /** Mesh, Namespace or Workload. */
    scope: MtlsScope;
    /** The mesh's root namespace. */
    rootNamespace: string;
    /** Namespace of the PeerAuthentication (and the DestinationRules). */
    namespace: string;
    /** Name of the PeerAuthentication. */
    policyName: string;
    /** The mode the policy sets. */
    mode: MtlsMode;
    /** Workload scope only: `matchLabels` of the selected pods. */
    selector?: Record<string, string>;
    /** Per-port modes, in the order given (empty when none). */
    portLevelMtls: pulumi.Unwrap<PortMtls>[];
    /** The cluster DNS domain. */
    clusterDomain: string;
    /** The client-side DestinationRules, one per host (empty without `destinationRule`). */
    destinationRules: MtlsDestinationRulePlan[];
    /** The mesh's data plane the policy was checked against. */
    dataPlaneMode: DataPlaneMode;
}

/**
 * Validates MtlsPolicy arguments and resolves every default. Throws one `pulumi.ResourceError` naming
 * each bad field, its value and what is accepted (and refuses removed-API documents first).
 */
export function planMtlsPolicy(name: string, args: pulumi.Unwrap<MtlsPolicyArgs>): MtlsPolicyPlan {
    rejectLegacyPolicy(MTLS_POLICY_TYPE, name, args);
    const v = new ArgsValidator(MTLS_POLICY_TYPE, name);
    const root = args.rootNamespace ?? DEFAULT_ISTIO_NAMESPACE;
    const clusterDomain = args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("rootNamespace", args.rootNamespace);
    v.dnsSubdomain("clusterDomain", args.clusterDomain);
    v.enumValue("mode", args.mode, MtlsMode);
    const hasSelector = args.selector !== undefined && Object.keys(args.selector).length > 0;
    if (args.selector !== undefined) {
        v.check(hasSelector, "selector", args.selector, "expected at least one label; omit selector for a namespace-wide policy");
        v.labels("selector", args.selector);
    }
    const namespace = args.namespace ?? root;
    const scope = hasSelector ? MtlsScope.Workload : namespace === root ? MtlsScope.Mesh : MtlsScope.Namespace;
    if (hasSelector && namespace === root) {
        v.fail(
            args.namespace === undefined ? "namespace" : "selector",
            args.namespace === undefined ? undefined : args.selector,
            `a policy with a selector in the root namespace (${root}) is ignored by Istio; set namespace to the workloads' namespace, or drop the selector for a mesh-wide policy`,
        );
    }
    const ports = args.portLevelMtls ?? [];
    if (ports.length > 0 && !hasSelector) {
        v.fail(
            "portLevelMtls",
            ports.map((p) => p.port),
            "port-level mTLS requires a selector (Istio's CRD rule 'portLevelMtls requires selector'); add selector.matchLabels for the workload, or use a namespace-wide mode instead",
        );
    }
    const seen = new Set<number>();
    ports.forEach((p, i) => {
        if (v.port(`portLevelMtls[${i}].port`, p.port, true)) {
            v.check(!seen.has(p.port), `portLevelMtls[${i}].port`, p.port, "each port may appear once");
            seen.add(p.port);
        }
        v.check(Object.values(MtlsMode).includes(p.mode), `portLevelMtls[${i}].mode`, p.mode, `expected one of ${Object.values(MtlsMode).join(", ")}`);
    });
    const policyName = args.name ?? (scope === MtlsScope.Workload ? name : DEFAULT_POLICY_NAME);
    v.dnsSubdomain(args.name === undefined ? "name (defaults to the component name at workload scope)" : "name", policyName);

    let hosts: string[] = [];
    let ruleName = policyName;
    if (args.destinationRule) {
        const dr = args.destinationRule;
        ruleName = dr.name ?? policyName;
        if (dr.name !== undefined) {
            v.dnsSubdomain("destinationRule.name", dr.name);
        }
        // The API server never has a sidecar: a mesh-scope rule (exported mesh-wide from the root
        // namespace) covering it makes every injected client send it mesh mTLS (sdk/posture/rules/istioDestinationRuleTls.ts).
        const apiServer = `${API_SERVER_SERVICE}.svc.${clusterDomain}`;
        const meshFix = `list the meshed services' hosts (e.g. reviews.bookinfo.svc.${clusterDomain}), or set namespace for a namespace-scope rule (*.<namespace>.svc.${clusterDomain})`;
        if (dr.hosts !== undefined) {
            v.check(dr.hosts.length > 0, "destinationRule.hosts", dr.hosts, scope === MtlsScope.Mesh ? `expected at least one host; ${meshFix}` : "expected at least one host; omit hosts for the scope's default");
            hosts = dr.hosts;
            // One DestinationRule per host: Istio applies only one rule per host in a namespace, compared
            // as istiod resolves short names (sdk/posture/rules/istioDestinationRuleTls.ts, istio 1.30.3 push_context.go).
            const resolved = dr.hosts.map((h) => istioDestinationRuleHost(h, namespace, clusterDomain));
            dr.hosts.forEach((h, i) => {
                const first = resolved.indexOf(resolved[i]);
                v.check(first === i, `destinationRule.hosts[${i}]`, h, `destinationRule.hosts[${first}] already lists this host; list each host once`);
                if (!v.check(isDnsName(h, true), `destinationRule.hosts[${i}]`, h, "expected a host name such as reviews.default.svc.cluster.local or *.default.svc.cluster.local")) {
                    return;
                }
                if (scope === MtlsScope.Mesh && coversHost(h, apiServer)) {
                    v.fail(
                        `destinationRule.hosts[${i}]`,
                        h,
                        `at mesh scope (root namespace ${root}) this host covers ${apiServer}, the API server, which has no sidecar; an ISTIO_MUTUAL DestinationRule replaces auto-mTLS there and injected clients fail TLS; ${meshFix}`,
                    );
                }
            });
        } else if (scope === MtlsScope.Workload) {
            v.fail("destinationRule.hosts", undefined, "it is required at workload scope: the Service host(s) of the selected workloads, e.g. reviews.default.svc.cluster.local");
        } else if (scope === MtlsScope.Mesh) {
            v.fail(
                "destinationRule.hosts",
                undefined,
                `it is required at mesh scope (root namespace ${root}): a DestinationRule there applies mesh-wide and replaces auto-mTLS for every host it covers, including ${apiServer} and namespaces without sidecars; ${meshFix}`,
            );
        } else {
            hosts = [`*.${namespace}.svc.${clusterDomain}`];
        }
    }
    const dataPlaneMode = v.enumValue("dataPlaneMode", args.dataPlaneMode, DataPlaneMode) ? (args.dataPlaneMode ?? DEFAULT_DATA_PLANE_MODE) : DEFAULT_DATA_PLANE_MODE;
    if (dataPlaneMode === DataPlaneMode.Ambient) {
        checkAmbient(v, args, scope);
    }
    v.throwIfInvalid();
    return {
        name,
        scope,
        rootNamespace: root,
        namespace,
        policyName,
        mode: args.mode ?? DEFAULT_MTLS_MODE,
        ...(hasSelector ? { selector: { ...args.selector } } : {}),
        portLevelMtls: ports.map((p) => ({ port: p.port, mode: p.mode })),
        clusterDomain,
        destinationRules: hosts.map((host, i) => ({ name: i === 0 ? ruleName : `${ruleName}-${i}`, host })),
        dataPlaneMode,
    };
}

/**
 * In ambient, refuses each part of the policy ztunnel would not enforce as written, naming the rule and its
 * upstream source (sdk/posture/rules/ztunnelPeerAuthentication.ts). The parents' modes are not known here,
 * so only problems that hold whatever they are; MtlsPlatform also checks a workload policy's port-level
 * modes against the mesh-wide and namespace-wide policies it plans.
 */
function checkAmbient(v: ArgsValidator, args: pulumi.Unwrap<MtlsPolicyArgs>, scope: MtlsScope): void {
    const ports = args.portLevelMtls ?? [];
    const spec = {
        mode: args.mode,
        selector: args.selector,
        portLevelMtls: ports.length > 0 ? Object.fromEntries(ports.map((p) => [p.port, p.mode])) : undefined,
    };
    const ambientScope = scope === MtlsScope.Mesh ? "mesh" : scope === MtlsScope.Namespace ? "namespace" : "workload";
    for (const problem of ambientPolicyProblems(spec, ambientScope)) {
        const field = problem.rule === "disable-is-permissive" ? "mode" : "portLevelMtls";
        const value = field === "mode" ? args.mode : ports.map((p) => `${p.port}: ${p.mode}`);
        v.fail(field, value, `in ambient (dataPlaneMode Ambient), rule ${problem.rule}: ${problem.reason} (${problem.source})`);
    }
    if (args.destinationRule !== undefined) {
        v.fail(
            "destinationRule",
            args.destinationRule,
            "in ambient (dataPlaneMode Ambient), ztunnel never reads DestinationRules (it subscribes only to workload addresses and authorizations: istio/ztunnel 1.30.3 src/xds/types.rs) and carries every enrolled client's traffic over HBONE mTLS itself, so ISTIO_MUTUAL here protects none of the ambient workloads' traffic; remove destinationRule (or, if these workloads run sidecars, set dataPlaneMode: Sidecar)",
        );
    }
}

/** Whether DestinationRule host `pattern` covers `host` (Istio: `*` all, `*.x` by suffix `.x`, else exact). */
function coversHost(pattern: string, host: string): boolean {
    return pattern.startsWith("*") ? host.endsWith(pattern.slice(1)) : pattern === host;
}

/**
 * The host a DestinationRule in `namespace` applies to, as istiod resolves it: a name without a dot is
 * a short name, `<name>.<namespace>.svc.<cluster domain>`; anything else is taken as written
 * (istio/istio 1.30.3 pilot/pkg/model/config.go ResolveShortnameToFQDN, applied to DestinationRule
 * hosts in pilot/pkg/model/push_context.go). So `reviews` and `reviews.<ns>.svc.cluster.local` in
 * `<ns>` are one host, while `reviews.<ns>` is another (it matches no service).
 */
export function istioDestinationRuleHost(host: string, namespace: string, clusterDomain: string): string {
    return host.includes(".") || host === "*" ? host : `${host}.${namespace}.svc.${clusterDomain}`;
}
