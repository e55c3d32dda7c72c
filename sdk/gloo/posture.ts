// GlooMtls's part of the posture engine's input: its namespace, the Upstreams it declares (gateway-proxy
// -> mesh services), the strict namespaces' policies, and the control plane <-> proxies (xDS) link read
// from the chart values as installed. Pure.
import { mtlsPolicyObjects, planMtlsPolicy } from "../istio";
import type { DeclaredLink, KubeObject, LinkPosture, PostureInput } from "../posture";
import { DEFAULT_MESH_FACTS, ownPosture } from "../posture";
import { glooChartValues, glooNamespace, glooUpstream } from "./manifests";
import { GlooMtlsPlan } from "./plan";

function rec(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The posture input GlooMtls declares; `name` is the component's resource name (its policies' names derive from it). */
export function glooPostureInput(name: string, plan: GlooMtlsPlan): Required<Pick<PostureInput, "objects" | "declaredLinks">> {
    const objects: KubeObject[] = [];
    if (plan.createNamespace) {
        objects.push({ apiVersion: "v1", kind: "Namespace", ...glooNamespace(plan) });
    }
    for (const u of plan.istio?.upstreams ?? []) {
        objects.push(glooUpstream(plan, u) as unknown as KubeObject);
    }
    for (const ns of plan.istio?.strictNamespaces ?? []) {
        objects.push(...mtlsPolicyObjects(planMtlsPolicy(`${name}-${ns}-strict`, { namespace: ns })).map((o) => o.object as unknown as KubeObject));
    }
    const declaredLinks: DeclaredLink[] = [];
    if (plan.install) {
        // `global.glooMtls.enabled` as installed (escape hatch included) decides TLS on xDS
        // (solo-io/gloo v1.22.1 install/helm/gloo/templates/19-gloo-mtls-configmap.yaml).
        const glooMtls = rec(rec(glooChartValues(plan).global).glooMtls).enabled === true;
        declaredLinks.push({ kind: "gloo-xds", namespace: plan.namespace, glooMtls, source: `chart gloo (release ${plan.chart.releaseName}) global.glooMtls.enabled=${glooMtls}` });
    }
    return { objects, declaredLinks };
}

/**
 * GlooMtls's `posture` output: xDS and the gateway-proxy -> mesh Upstream links, over what it declares
 * (a mesh with the chart's default facts when the Istio integration is on; MtlsPlatform's posture sees the
 * mesh's own).
 */
export function glooPosture(name: string, plan: GlooMtlsPlan): Record<string, LinkPosture> {
    return ownPosture({ ...glooPostureInput(name, plan), ...(plan.istio ? { mesh: DEFAULT_MESH_FACTS } : {}) }, ["gloo-xds", "gloo-upstream"]);
}
