// MtlsPlatform's posture: the engine's result over everything the platform's children declare (their
// objects, the chart-deployed workloads described from their values, the mesh's install facts), so the
// `posture` output is computed, never restated. Pure.
import { kyvernoPostureInput } from "../authz";
import { glooPostureInput } from "../gloo";
import { istioMeshFacts, istioPostureInput, mtlsPolicyObjects } from "../istio";
import { kuadrantPostureInput } from "../kuadrant";
import type { KubeObject, LinkPosture, PostureInput } from "../posture";
import { computePosture, mergePostureInputs, postureRecord } from "../posture";
import type { GlooMtlsPlan } from "../gloo";
import { kgatewayPostureInput } from "../kgateway";
import type { KgatewayMtlsPlan } from "../kgateway";
import type { IstioMeshPlan, MtlsPolicyPlan, NamespaceEnrollmentPlan } from "../istio";
import type { KuadrantMtlsPlan } from "../kuadrant";
import type { KyvernoAuthzPlan } from "../authz";

/** The planned children the posture reads (a structural slice of MtlsPlatformPlan, so plan.ts can call this). */
export interface PlatformPostureChildren {
    /** The mesh, when the platform installs Istio. */
    istio?: { plan: IstioMeshPlan };
    /** Kuadrant mTLS. */
    kuadrant?: { plan: KuadrantMtlsPlan };
    /** Gloo, with its resource name. */
    gloo?: { name: string; plan: GlooMtlsPlan };
    /** kgateway. */
    kgateway?: { plan: KgatewayMtlsPlan };
    /** The authorizer, with its resource name. */
    authz?: { name: string; plan: KyvernoAuthzPlan };
    /** The extra policies. */
    policies: ReadonlyArray<{ plan: MtlsPolicyPlan }>;
    /** The namespaces `istio.enroll` enrolls. */
    enrollments: ReadonlyArray<{ name: string; plan: NamespaceEnrollmentPlan }>;
}

/** The posture engine's input for a planned platform (no Istio: no mesh facts, so mesh links are unknown). */
export function platformPostureInput(plan: PlatformPostureChildren): PostureInput {
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
    if (plan.kgateway) {
        parts.push(kgatewayPostureInput(plan.kgateway.plan));
    }
    if (plan.authz) {
        parts.push(kyvernoPostureInput(plan.authz.name, plan.authz.plan));
    }
    parts.push({ objects: plan.policies.flatMap((p) => mtlsPolicyObjects(p.plan).map((o) => o.object as unknown as KubeObject)) });
    // An enrolled namespace is known by its labels (the rest of a patched namespace is not declared).
    parts.push({ namespaces: plan.enrollments.map((e) => ({ name: e.plan.namespace, labels: { ...e.plan.labels }, source: `enrolled by ${e.name}` })) });
    return mergePostureInputs(parts);
}

/** The platform's `posture` output: every link its children declare, keyed by link id. */
export function platformPosture(plan: PlatformPostureChildren): Record<string, LinkPosture> {
    return postureRecord(computePosture(platformPostureInput(plan)));
}
