import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../internal/options";
import { ArgsValidator, isDnsName } from "../internal/validation";
import { rejectLegacyPolicy } from "./legacy";
import { istioMutualDestinationRule, peerAuthentication } from "./resources";
import { MtlsMode } from "./types";

const TYPE = "meshtls:index:MtlsPolicy";

/** The mTLS mode of one workload port. */
export interface PortMtls {
    /** The workload (container) port, 1-65535; not the Service port. */
    port: number;
    /** Mode on that port. */
    mode: MtlsMode;
}

/** The client side: a DestinationRule per host with `trafficPolicy.tls.mode: ISTIO_MUTUAL`. */
export interface MtlsDestinationRuleArgs {
    /**
     * Hosts the rule applies to, one DestinationRule each. Required at workload scope.
     * @default ["*.<namespace>.svc.<clusterDomain>"] at namespace scope, ["*.local"] at mesh scope
     */
    hosts?: string[];
    /**
     * Name of the DestinationRule (suffixed `-<n>` from the second host on).
     * @default the PeerAuthentication's name
     */
    name?: string;
}

/** Arguments of an MtlsPolicy. */
export interface MtlsPolicyArgs {
    /**
     * Namespace of the policy. Absent (or the root namespace without a selector): mesh-wide.
     * With a selector: the workloads' namespace.
     */
    namespace?: string;
    /**
     * The mesh's root namespace (`meshConfig.rootNamespace`), where mesh-wide policies live.
     * @default "istio-system"
     */
    rootNamespace?: string;
    /**
     * Name of the PeerAuthentication. Istio honours one mesh-wide and one namespace-wide policy each;
     * `default` is the convention.
     * @default "default" at mesh and namespace scope; the component's name at workload scope
     */
    name?: string;
    /** Workload scope: `matchLabels` of the pods the policy applies to. */
    selector?: { [key: string]: string };
    /**
     * mTLS mode.
     * @default MtlsMode.STRICT
     */
    mode?: MtlsMode;
    /** Per-port modes (workload scope only: Istio requires a selector for them). */
    portLevelMtls?: PortMtls[];
    /** Also create the client-side DestinationRule(s) with `ISTIO_MUTUAL`. */
    destinationRule?: MtlsDestinationRuleArgs;
    /**
     * Cluster DNS domain, for the default DestinationRule host.
     * @default "cluster.local"
     */
    clusterDomain?: string;
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

/**
 * A PeerAuthentication (`security.istio.io/v1`) at mesh, namespace or workload scope, with optional
 * port-level modes and a client-side DestinationRule. Rejects what Istio would silently ignore.
 */
export class MtlsPolicy extends pulumi.ComponentResource {
    /** Mesh, Namespace or Workload. */
    public readonly scope!: pulumi.Output<MtlsScope>;
    /** Namespace the PeerAuthentication lives in. */
    public readonly namespace!: pulumi.Output<string>;
    /** Name of the PeerAuthentication. */
    public readonly policyName!: pulumi.Output<string>;
    /** The mode the policy sets. */
    public readonly mode!: pulumi.Output<MtlsMode>;
    /** Hosts that got an ISTIO_MUTUAL DestinationRule. */
    public readonly destinationRuleHosts!: pulumi.Output<string[]>;

    constructor(name: string, args: MtlsPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planPolicy(name, args);
        super(TYPE, name, args, opts);

        peerAuthentication(
            `${name}-peer-authentication`,
            { name: plan.policyName, namespace: plan.namespace, mode: plan.mode, selector: args.selector, portLevelMtls: args.portLevelMtls },
            childOptions(this, opts),
        );
        plan.hosts.forEach((host, i) => {
            istioMutualDestinationRule(
                i === 0 ? `${name}-destination-rule` : `${name}-destination-rule-${i}`,
                { name: i === 0 ? plan.ruleName : `${plan.ruleName}-${i}`, namespace: plan.namespace, host },
                childOptions(this, opts),
            );
        });

        this.scope = pulumi.output(plan.scope);
        this.namespace = pulumi.output(plan.namespace);
        this.policyName = pulumi.output(plan.policyName);
        this.mode = pulumi.output(plan.mode);
        this.destinationRuleHosts = pulumi.output(plan.hosts);
        this.registerOutputs({
            scope: this.scope,
            namespace: this.namespace,
            policyName: this.policyName,
            mode: this.mode,
            destinationRuleHosts: this.destinationRuleHosts,
        });
    }
}

interface PolicyPlan {
    scope: MtlsScope;
    namespace: string;
    policyName: string;
    mode: MtlsMode;
    hosts: string[];
    ruleName: string;
}

function planPolicy(name: string, args: MtlsPolicyArgs): PolicyPlan {
    rejectLegacyPolicy(TYPE, name, args);
    const v = new ArgsValidator(TYPE, name);
    const root = args.rootNamespace ?? "istio-system";
    const clusterDomain = args.clusterDomain ?? "cluster.local";
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
    const policyName = args.name ?? (scope === MtlsScope.Workload ? name : "default");
    v.dnsSubdomain(args.name === undefined ? "name (defaults to the component name at workload scope)" : "name", policyName);

    let hosts: string[] = [];
    let ruleName = policyName;
    if (args.destinationRule) {
        const dr = args.destinationRule;
        ruleName = dr.name ?? policyName;
        if (dr.name !== undefined) {
            v.dnsSubdomain("destinationRule.name", dr.name);
        }
        if (dr.hosts !== undefined) {
            v.check(dr.hosts.length > 0, "destinationRule.hosts", dr.hosts, "expected at least one host; omit hosts for the scope's default");
            hosts = dr.hosts;
            dr.hosts.forEach((h, i) => {
                v.check(isDnsName(h, true), `destinationRule.hosts[${i}]`, h, "expected a host name such as reviews.default.svc.cluster.local or *.default.svc.cluster.local");
            });
        } else if (scope === MtlsScope.Workload) {
            v.fail("destinationRule.hosts", undefined, "it is required at workload scope: the Service host(s) of the selected workloads, e.g. reviews.default.svc.cluster.local");
        } else {
            hosts = [scope === MtlsScope.Mesh ? "*.local" : `*.${namespace}.svc.${clusterDomain}`];
        }
    }
    v.throwIfInvalid();
    return { scope, namespace, policyName, mode: args.mode ?? MtlsMode.STRICT, hosts, ruleName };
}
