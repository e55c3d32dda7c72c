import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CUSTOM_RESOURCE_PLAIN_KEYS, resolveArgs } from "../internal/inputs";
import { childOptions, plainOutputs } from "../internal/options";
import { mtlsPolicyObjects } from "./mtlsPolicyManifests";
import { MTLS_POLICY_TYPE, MtlsPolicyArgs, MtlsScope, planMtlsPolicy } from "./mtlsPolicyPlan";
import { MtlsMode } from "./types";

// The argument types live with the plan; re-exported here where other folders have imported them.
export { MtlsScope } from "./mtlsPolicyPlan";
export type { MtlsDestinationRuleArgs, MtlsPolicyArgs, PortMtls } from "./mtlsPolicyPlan";

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
        const r = resolveArgs(MTLS_POLICY_TYPE, name, args, (a) => planMtlsPolicy(name, a));
        super(MTLS_POLICY_TYPE, name, args, opts);

        mtlsPolicyObjects(r.shape).forEach(({ resourceName }, i) => {
            const object = r.args((p) => mtlsPolicyObjects(p)[i].object, CUSTOM_RESOURCE_PLAIN_KEYS);
            new k8s.apiextensions.CustomResource(resourceName, object as unknown as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts));
        });

        this.registerOutputs(
            plainOutputs<MtlsPolicy>(this, {
                scope: r.from((p) => p.scope),
                namespace: r.from((p) => p.namespace),
                policyName: r.from((p) => p.policyName),
                mode: r.from((p) => p.mode),
                destinationRuleHosts: r.from((p) => p.destinationRules.map((d) => d.host)),
            }),
        );
    }
}
