// The posture engine's input for a whole program run under the mock runtime: the Kubernetes objects it
// registered (custom resources, the files of ConfigGroups, Deployment patches applied to their targets)
// plus what each meshtls component describes that no registration carries (the mesh's install facts,
// chart-deployed workloads, objects an operator writes, control-plane links), re-planned from the
// component's registered inputs with the same functions the components use.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    GLOO_MTLS_TYPE,
    ISTIO_MESH_TYPE,
    KUADRANT_MTLS_TYPE,
    KYVERNO_AUTHZ_TYPE,
    KGATEWAY_MTLS_TYPE,
    kgatewayPostureInput,
    planKgatewayMtls,
    glooPostureInput,
    istioMeshFacts,
    istioPostureInput,
    kuadrantPostureInput,
    kyvernoPostureInput,
    planGlooMtls,
    planIstioMesh,
    planKuadrantMtls,
    planKyvernoAuthz,
} from "../../sdk";
import type { KubeObject, PostureInput } from "../../sdk/posture";
import { mergePostureInputs, objectKey, postureDocuments } from "../../sdk/posture";
import type { ProgramResult, RegisteredResource } from "../harness";

/** What the builder saw: the input, and the plan-described objects that a registration also carries. */
export interface ProgramPosture {
    /** The engine's input. */
    input: PostureInput;
    /**
     * The input as documents (sdk/posture/documents.ts), each with the URN of the resource whose step
     * applies it: its registration, the patch that changed it, or the component child a fact comes from.
     */
    documents: Array<{ doc: KubeObject; owner: string }>;
    /** Keys of objects both registered and described by a component's plan, with the two versions. */
    overlaps: Array<{ key: string; registered: KubeObject; planned: KubeObject }>;
}

const PATCH = /^kubernetes:[^:]+:[A-Za-z]+Patch$/;

function unwrapPlain<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}

/** The Kubernetes objects a registration carries (one, a ConfigGroup's files, or none). */
function registeredObjects(r: RegisteredResource, byUrn: Map<string, RegisteredResource>, baseDir: string): KubeObject[] {
    if (r.type === "kubernetes:yaml/v2:ConfigGroup" || r.type === "kubernetes:yaml/v2:ConfigFile") {
        const files = (r.inputs.files as string[] | undefined) ?? (typeof r.inputs.file === "string" ? [r.inputs.file] : []);
        const namespace = r.provider ? (byUrn.get(r.provider.split("::").slice(0, 4).join("::"))?.inputs.namespace as string | undefined) : undefined;
        // A remote file (the Gateway API CRD bundle) is fetched at deployment; CRDs decide no link.
        return files.filter((f) => !/^https?:\/\//.test(f)).flatMap((f) =>
            YAML.parseAllDocuments(fs.readFileSync(path.resolve(baseDir, f), "utf8"))
                .map((d) => d.toJSON() as KubeObject | null)
                .filter((o): o is KubeObject => o !== null && typeof o === "object")
                .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? namespace } })),
        );
    }
    if (!r.custom || !r.type.startsWith("kubernetes:") || PATCH.test(r.type) || r.readId !== undefined || typeof r.inputs.kind !== "string") {
        return [];
    }
    return [unwrapPlain(r.inputs) as unknown as KubeObject];
}

/** Applies a DeploymentPatch's pod-template labels and annotations to the Deployment it names; false when it is not among the objects. */
function applyDeploymentPatch(objects: KubeObject[], patch: KubeObject): boolean {
    const target = objects.find((o) => o.kind === "Deployment" && o.metadata.name === patch.metadata.name && o.metadata.namespace === patch.metadata.namespace);
    if (target === undefined) {
        return false;
    }
    type Template = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
    const spec = (target.spec ?? {}) as { template?: Template };
    const add = ((patch.spec ?? {}) as { template?: Template }).template?.metadata ?? {};
    const t = spec.template ?? {};
    spec.template = { ...t, metadata: { ...t.metadata, labels: { ...t.metadata?.labels, ...add.labels }, annotations: { ...t.metadata?.annotations, ...add.annotations } } };
    target.spec = spec;
    return true;
}

/** The component's own description, re-planned from its registered inputs. */
function describedBy(r: RegisteredResource): Partial<PostureInput> | undefined {
    const args = unwrapPlain(r.inputs) as never;
    switch (r.type) {
        case ISTIO_MESH_TYPE: {
            const plan = planIstioMesh(r.name, args);
            return { mesh: istioMeshFacts(plan), ...istioPostureInput(plan) };
        }
        case KUADRANT_MTLS_TYPE:
            return kuadrantPostureInput(planKuadrantMtls(r.name, args));
        case GLOO_MTLS_TYPE:
            return glooPostureInput(r.name, planGlooMtls(r.name, args));
        case KYVERNO_AUTHZ_TYPE:
            return kyvernoPostureInput(r.name, planKyvernoAuthz(r.name, args));
        case KGATEWAY_MTLS_TYPE:
            return kgatewayPostureInput(planKgatewayMtls(r.name, args));
        default:
            return undefined;
    }
}

/**
 * The posture input of a program run: registered objects win over a component's description of the same
 * object (the overlaps are returned, so a test can check they agree).
 * @param baseDir where relative ConfigGroup files are resolved (the program's directory)
 */
export function programPostureInput(result: ProgramResult<unknown>, baseDir: string): ProgramPosture {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const owners = new Map<string, string>();
    const registered = result.resources.flatMap((r) =>
        registeredObjects(r, byUrn, baseDir).map((o) => {
            owners.set(objectKey(o), r.urn);
            return o;
        }),
    );
    for (const r of result.resources.filter((x) => x.type === "kubernetes:apps/v1:DeploymentPatch")) {
        const patch = unwrapPlain(r.inputs) as unknown as KubeObject;
        if (applyDeploymentPatch(registered, patch)) {
            owners.set(objectKey({ ...patch, kind: "Deployment" }), r.urn);
        }
    }
    // An EnvoyFilter patch carries the whole spec the EnvoyFilter ends up with.
    for (const r of result.resources.filter((x) => x.type === "kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch")) {
        const o = { ...(unwrapPlain(r.inputs) as unknown as KubeObject), kind: "EnvoyFilter" };
        registered.push(o);
        owners.set(objectKey(o), r.urn);
    }
    const keys = new Map(registered.map((o) => [objectKey(o), o]));
    const overlaps: ProgramPosture["overlaps"] = [];
    const parts: Array<Partial<PostureInput>> = [];
    for (const r of result.resources) {
        const d = describedBy(r);
        if (d === undefined) {
            continue;
        }
        const own = (d.objects ?? []).filter((o) => {
            const twin = keys.get(objectKey(o));
            if (twin !== undefined) {
                overlaps.push({ key: objectKey(o), registered: twin, planned: o });
                return false;
            }
            return true;
        });
        const part = { ...d, objects: own };
        parts.push(part);
        const owner = factOwner(result, r);
        for (const doc of postureDocuments(part)) {
            if (!owners.has(objectKey(doc))) {
                owners.set(objectKey(doc), owner);
            }
        }
    }
    const input = mergePostureInputs([{ objects: registered }, ...parts]);
    const documents = postureDocuments(input).map((doc) => ({ doc, owner: owners.get(objectKey(doc)) ?? "" }));
    const orphans = documents.filter((d) => d.owner === "").map((d) => objectKey(d.doc));
    if (orphans.length > 0) {
        throw new Error(`no owning resource for ${orphans.join(", ")}`);
    }
    return { input, documents, overlaps };
}

/**
 * The child resource whose step applies what a component describes: istiod's chart for the mesh's facts,
 * the Kuadrant CR patch (Operator: the operator acts on it) or the sidecar patches (Manual), the Gloo and
 * kyverno-authz charts for their pods and links; else the component's last child.
 */
function factOwner(result: ProgramResult<unknown>, component: RegisteredResource): string {
    const children = result.descendantsOf(component).filter((c) => c.custom || /helm\.sh/.test(c.type));
    const named = (suffix: string) => children.find((c) => c.name === `${component.name}${suffix}`);
    const pick =
        component.type === ISTIO_MESH_TYPE
            ? named("-istiod")
            : component.type === KUADRANT_MTLS_TYPE
              ? (children.find((c) => c.type === "kubernetes:kuadrant.io/v1beta1:KuadrantPatch") ?? children.find((c) => c.type === "kubernetes:apps/v1:DeploymentPatch"))
              : component.type === GLOO_MTLS_TYPE
                ? children.find((c) => /helm\.sh/.test(c.type))
                : component.type === KGATEWAY_MTLS_TYPE
                  ? named("-kgateway")
                  : named("-server");
    return (pick ?? children.at(-1) ?? component).urn;
}
