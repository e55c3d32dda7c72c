// MtlsPolicy's manifests: pure. The plan's PeerAuthentication and DestinationRules as Kubernetes
// objects, each with the resource name the component registers it under.
import { MtlsPolicyPlan } from "./mtlsPolicyPlan";
import { istioMutualDestinationRuleObject, peerAuthenticationObject } from "./resources";

/** A Kubernetes object and the Pulumi resource name it is registered under. */
export interface IstioObject {
    /** The Pulumi resource name (part of the URN: a public contract). */
    resourceName: string;
    /** The Kubernetes object. */
    object: Record<string, unknown>;
}

/** The PeerAuthentication, then one ISTIO_MUTUAL DestinationRule per host, in registration order. */
export function mtlsPolicyObjects(plan: MtlsPolicyPlan): IstioObject[] {
    const objects: IstioObject[] = [
        {
            resourceName: `${plan.name}-peer-authentication`,
            object: peerAuthenticationObject({ name: plan.policyName, namespace: plan.namespace, mode: plan.mode, selector: plan.selector, portLevelMtls: plan.portLevelMtls }),
        },
    ];
    plan.destinationRules.forEach((rule, i) => {
        objects.push({
            resourceName: i === 0 ? `${plan.name}-destination-rule` : `${plan.name}-destination-rule-${i}`,
            object: istioMutualDestinationRuleObject({ name: rule.name, namespace: plan.namespace, host: rule.host }),
        });
    });
    return objects;
}
