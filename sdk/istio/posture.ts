// IstioMesh's part of the posture engine's input: the mesh's install facts read from the istiod chart
// values as installed (computed, then the escape hatch), its namespaces and mesh-wide policy, and the
// proxies -> istiod link. Pure.
import type { DeclaredLink, KubeObject, LinkPosture, MeshFacts, PostureInput } from "../posture";
import { ownPosture } from "../posture";
import { istiodValues, istioMeshManifests } from "./istioMeshManifests";
import { IstioMeshPlan } from "./istioMeshPlan";
import { mtlsPolicyObjects } from "./mtlsPolicyManifests";
import { planMtlsPolicy } from "./mtlsPolicyPlan";
import { DataPlaneMode } from "./types";

function rec(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The mesh's facts from the istiod chart values: `revision`, `revisionTags`, `meshConfig.rootNamespace`
 * (the chart's default: the install namespace), `meshConfig.trustDomain`, `meshConfig.enableAutoMtls`
 * (default true), `sidecarInjectorWebhook.enableNamespacesByDefault` (default false) and the ext_authz
 * extension providers (istio 1.30.3 manifests/charts/istio-control/istio-discovery/values.yaml).
 */
export function istioMeshFacts(plan: IstioMeshPlan): MeshFacts {
    const values = istiodValues(plan);
    const meshConfig = rec(values.meshConfig);
    const providers = Array.isArray(meshConfig.extensionProviders) ? meshConfig.extensionProviders.map(rec) : [];
    return {
        revision: typeof values.revision === "string" ? values.revision : "",
        revisionTags: Array.isArray(values.revisionTags) ? values.revisionTags.map(String) : [],
        rootNamespace: typeof meshConfig.rootNamespace === "string" ? meshConfig.rootNamespace : plan.namespace,
        istioNamespace: plan.namespace,
        trustDomain: typeof meshConfig.trustDomain === "string" ? meshConfig.trustDomain : "cluster.local",
        mode: plan.dataPlaneMode === DataPlaneMode.Ambient ? "ambient" : "sidecar",
        enableAutoMtls: meshConfig.enableAutoMtls !== false,
        enableNamespacesByDefault: rec(values.sidecarInjectorWebhook).enableNamespacesByDefault === true,
        extensionProviders: providers.flatMap((p) => {
            const kind = rec(p.envoyExtAuthzGrpc ?? p.envoyExtAuthzHttp);
            return typeof p.name === "string" && typeof kind.service === "string" && typeof kind.port === "number" ? [{ name: p.name, service: kind.service, port: kind.port }] : [];
        }),
        clusterDomain: "cluster.local",
    };
}

/** The objects and links IstioMesh declares: its namespaces, the mesh-wide PeerAuthentication, proxies -> istiod. */
export function istioPostureInput(plan: IstioMeshPlan): Required<Pick<PostureInput, "objects" | "declaredLinks">> {
    const m = istioMeshManifests(plan);
    const objects: KubeObject[] = [];
    for (const ns of [m.namespace, m.gatewayNamespace]) {
        if (ns !== undefined) {
            objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { ...ns.args.metadata } });
        }
    }
    objects.push(...mtlsPolicyObjects(planMtlsPolicy(m.meshPolicy.resourceName, m.meshPolicy.args)).map((o) => o.object as unknown as KubeObject));
    const declaredLinks: DeclaredLink[] = [{ kind: "istiod-xds", namespace: plan.namespace, source: `chart istiod (release ${plan.istiodService})` }];
    return { objects, declaredLinks };
}

/** IstioMesh's `posture` output: the proxies -> istiod link. */
export function istioPosture(plan: IstioMeshPlan): Record<string, LinkPosture> {
    return ownPosture({ mesh: istioMeshFacts(plan), ...istioPostureInput(plan) }, ["istiod-xds"]);
}
