// KgatewayMtls's part of the posture engine's input: the declared Gateway (with the controller's mesh
// switches), its routes and grants, the namespaces it creates or enrolls, and the gateway pods' policy. The
// backends' Services are the user's: a link to one not among the objects is `unknown`. Pure.
import type { DeclaredLink, KubeObject, LinkPosture, NamespaceFact, PostureInput } from "../posture";
import { DEFAULT_MESH_FACTS, ownPosture } from "../posture";
import { DataPlaneMode, mtlsPolicyObjects, planMtlsPolicy } from "../istio";
import { kgatewayManifests } from "./manifests";
import { KgatewayMtlsPlan } from "./plan";

/** The posture input KgatewayMtls declares. */
export function kgatewayPostureInput(plan: KgatewayMtlsPlan): Required<Pick<PostureInput, "objects" | "namespaces" | "declaredLinks">> {
    const m = kgatewayManifests(plan);
    const objects: KubeObject[] = [];
    for (const o of [m.namespace, m.gatewayNamespace, m.gateway, ...m.routes, ...m.referenceGrants]) {
        if (o !== undefined) {
            objects.push(o.object);
        }
    }
    if (m.gatewayPolicy) {
        objects.push(...mtlsPolicyObjects(planMtlsPolicy(m.gatewayPolicy.resourceName, m.gatewayPolicy.args)).map((o) => o.object as unknown as KubeObject));
    }
    const namespaces: NamespaceFact[] = m.gatewayEnrollment ? [{ name: m.gatewayEnrollment.namespace, labels: { ...m.gatewayEnrollment.labels }, source: `enrolled in ambient by ${m.gatewayEnrollment.name}` }] : [];
    const declaredLinks: DeclaredLink[] = [
        {
            kind: "kgateway",
            gateway: { name: plan.gateway.name, namespace: plan.gateway.namespace },
            autoMtls: plan.istio?.autoMtls ?? false,
            istioIntegration: plan.istio?.istioIntegration ?? false,
            source: `chart kgateway ${plan.version} (release kgateway in ${plan.namespace}) controller.extraEnv`,
        },
    ];
    return { objects, namespaces, declaredLinks };
}

/**
 * KgatewayMtls's `posture` output: the gateway -> backend links it declares, in a mesh with the chart's
 * default facts and the component's data plane (MtlsPlatform's posture sees the backends' namespaces too).
 */
export function kgatewayPosture(plan: KgatewayMtlsPlan): Record<string, LinkPosture> {
    const mode = plan.istio?.dataPlaneMode === DataPlaneMode.Ambient ? "ambient" : "sidecar";
    return ownPosture({ ...kgatewayPostureInput(plan), mesh: { ...DEFAULT_MESH_FACTS, mode } }, ["kgateway"]);
}
