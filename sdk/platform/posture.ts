// MtlsPlatform's posture: the engine's result over everything the platform's children declare (their
// objects, the chart-deployed workloads described from their values, the mesh's install facts), so the
// `posture` output is computed, never restated. Pure.
import { kyvernoPostureInput } from "../authz";
import { glooPostureInput } from "../gloo";
import { istioMeshFacts, istioPostureInput, mtlsPolicyObjects } from "../istio";
import { kuadrantPostureInput } from "../kuadrant";
import type { KubeObject, LinkPosture, PostureInput } from "../posture";
import { computePosture, mergePostureInputs, postureRecord } from "../posture";
import type { MtlsPlatformPlan } from "./plan";

/** The posture engine's input for a planned platform (no Istio: no mesh facts, so mesh links are unknown). */
export function platformPostureInput(plan: Omit<MtlsPlatformPlan, "posture" | "namespacePeerAuthentications" | "extensionProviders">): PostureInput {
    const parts: Array<Partial<PostureInput>> = [];
    if (plan.istio) {
        parts.push({ mesh: istioMeshFacts(plan.istio.plan), ...istioPostureInput(plan.istio.plan) });
    }
    if (plan.kuadrant) {
        parts.push(kuadrantPostureInput(plan.kuadrant.plan));
    }
    if (plan.gloo) {
        parts.push(glooPostureInput(plan.gloo.name, plan.gloo.plan));
    }
    if (plan.authz) {
        parts.push(kyvernoPostureInput(plan.authz.name, plan.authz.plan));
    }
    parts.push({ objects: plan.policies.flatMap((p) => mtlsPolicyObjects(p.plan).map((o) => o.object as unknown as KubeObject)) });
    return mergePostureInputs(parts);
}

/** The platform's `posture` output: every link its children declare, keyed by link id. */
export function platformPosture(plan: Omit<MtlsPlatformPlan, "posture" | "namespacePeerAuthentications" | "extensionProviders">): Record<string, LinkPosture> {
    return postureRecord(computePosture(platformPostureInput(plan)));
}
