// The engine's whole input as Kubernetes-style documents: the objects as they are, and the facts (mesh,
// chart-deployed workloads, declared links, namespace labels) as `posture.meshtls.dev/v1alpha1`
// documents, which `meshtls posture` reads back (load.ts). One list of documents is what transition
// safety steps through, so a fact that changes (a workload's labels) is a step like any object.
import type { DeclaredLink, KubeObject, MeshFacts, NamespaceFact, PostureInput, WorkloadFact } from "./model";
import { POSTURE_FACTS_API_VERSION } from "./load";

function doc(kind: string, name: string, namespace: string | undefined, spec: object): KubeObject {
    return { apiVersion: POSTURE_FACTS_API_VERSION, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: JSON.parse(JSON.stringify(spec)) as unknown };
}

/** The document name of a declared link: its kind (one per namespace), the webhook's name, or the kgateway Gateway. */
function linkName(d: DeclaredLink): { name: string; namespace?: string } {
    switch (d.kind) {
        case "webhook":
            return { name: d.name };
        case "kgateway":
            return { name: d.gateway.name, namespace: d.gateway.namespace };
        default:
            return { name: d.kind, namespace: d.namespace };
    }
}

/** `input` as documents: the objects, then the facts (which `meshtls posture` and `documentsInput` read back). */
export function postureDocuments(input: PostureInput): KubeObject[] {
    const docs: KubeObject[] = [...input.objects];
    if (input.mesh !== undefined) {
        docs.push(doc("MeshFacts", "mesh", undefined, input.mesh));
    }
    for (const w of input.workloads ?? []) {
        const { name, namespace, ...spec } = w;
        docs.push(doc("Workload", name, namespace, spec));
    }
    for (const d of input.declaredLinks ?? []) {
        const { name, namespace } = linkName(d);
        const spec: Record<string, unknown> = { ...d };
        delete spec.name;
        delete spec.namespace;
        delete spec.gateway;
        docs.push(doc("DeclaredLink", name, namespace, spec));
    }
    for (const n of input.namespaces ?? []) {
        docs.push(doc("NamespaceLabels", n.name, undefined, { labels: n.labels, source: n.source }));
    }
    return docs;
}

/**
 * The input back from documents `postureDocuments` wrote (no checks: for documents from user files, use
 * `loadPostureInput`, which checks them).
 */
export function documentsInput(docs: readonly KubeObject[]): PostureInput {
    const input: Required<Omit<PostureInput, "mesh">> & Pick<PostureInput, "mesh"> = { objects: [], workloads: [], declaredLinks: [], namespaces: [] };
    for (const d of docs) {
        if (d.apiVersion !== POSTURE_FACTS_API_VERSION) {
            input.objects.push(d);
            continue;
        }
        const spec = d.spec as Record<string, unknown>;
        switch (d.kind) {
            case "MeshFacts":
                input.mesh = spec as unknown as MeshFacts;
                break;
            case "Workload":
                input.workloads.push({ name: d.metadata.name, namespace: d.metadata.namespace ?? "", ...spec } as WorkloadFact);
                break;
            case "DeclaredLink":
                input.declaredLinks.push(
                    (spec.kind === "webhook"
                        ? { ...spec, name: d.metadata.name }
                        : spec.kind === "kgateway"
                          ? { ...spec, gateway: { name: d.metadata.name, namespace: d.metadata.namespace ?? "" } }
                          : { ...spec, namespace: d.metadata.namespace ?? "" }) as unknown as DeclaredLink,
                );
                break;
            case "NamespaceLabels":
                input.namespaces.push({ name: d.metadata.name, ...spec } as NamespaceFact);
                break;
        }
    }
    return input;
}
