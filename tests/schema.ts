// Validates emitted Kubernetes objects against upstream CRD schemas (tests/fixtures, see SOURCES.md).
// Unknown fields are errors: the API server prunes them silently, and a pruned mTLS field means
// traffic that is not protected. CEL rules (x-kubernetes-validations) are not evaluated here; the
// components enforce the ones that matter themselves, and their tests say which.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import * as YAML from "yaml";
import { K8sObject } from "./harness";

const FIXTURES = path.join(__dirname, "fixtures");

type Schema = Record<string, unknown>;

interface CrdDoc {
    spec: {
        group: string;
        names: { kind: string };
        versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Schema } }>;
    };
}

/** Closes every object schema that lists properties and does not preserve unknown fields. */
function closeObjects(node: unknown): unknown {
    if (Array.isArray(node)) {
        return node.map(closeObjects);
    }
    if (!node || typeof node !== "object") {
        return node;
    }
    const s: Schema = {};
    for (const [k, v] of Object.entries(node as Schema)) {
        s[k] = k === "x-kubernetes-validations" ? v : closeObjects(v);
    }
    if (s.properties && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
        s.additionalProperties = false;
    }
    return s;
}

const metadataSchema: Schema = {
    type: "object",
    required: ["name"],
    properties: {
        name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", maxLength: 253 },
        namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
        labels: { type: "object", additionalProperties: { type: "string" } },
        annotations: { type: "object", additionalProperties: { type: "string" } },
    },
    additionalProperties: false,
};

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

/** Loads a CRD fixture (path under tests/fixtures) and registers a validator per served version. */
export function loadCrd(file: string): void {
    const crd = YAML.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as CrdDoc;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
        const root = closeObjects(version.schema.openAPIV3Schema) as Schema;
        const properties = { ...(root.properties as Schema), apiVersion: { const: `${crd.spec.group}/${version.name}` }, kind: { const: crd.spec.names.kind }, metadata: metadataSchema };
        const schema = { ...root, properties, required: ["apiVersion", "kind", "metadata"], additionalProperties: false };
        delete (schema.properties as Schema).status;
        validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
}

/** Schema errors of one object (empty when valid). Throws when no schema is loaded for its kind. */
export function schemaErrors(obj: K8sObject): string[] {
    const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
    if (!validate) {
        throw new Error(`no CRD schema loaded for ${obj.apiVersion} ${obj.kind}; add the upstream CRD to tests/fixtures`);
    }
    if (validate(obj)) {
        return [];
    }
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${"additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`);
}

/** Asserts every object of a loaded CRD group is valid; returns how many were checked. */
export function assertValidObjects(objects: K8sObject[], groups: string[]): number {
    let checked = 0;
    const problems: string[] = [];
    for (const obj of objects) {
        if (!groups.some((g) => obj.apiVersion.startsWith(`${g}/`))) {
            continue;
        }
        checked++;
        const errors = schemaErrors(obj);
        if (errors.length > 0) {
            problems.push(`${obj.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}: ${errors.join("; ")}`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`objects do not match their CRD schema:\n${problems.join("\n")}`);
    }
    return checked;
}

/** Loads the Istio CRDs the components emit. */
export function loadIstioCrds(): void {
    for (const kind of ["PeerAuthentication", "DestinationRule", "AuthorizationPolicy", "EnvoyFilter"]) {
        loadCrd(`istio/${kind}.crd.yaml`);
    }
}

/** Istio's API groups. */
export const ISTIO_GROUPS = ["security.istio.io", "networking.istio.io"];

/**
 * Paths (dotted) of `values` that are not keys of the chart's values file. The Istio 1.30 charts nest
 * defaults under `_internal_defaults_do_not_set`; that prefix is looked through. `freeForm` lists
 * paths whose contents are free maps or protos the values file does not spell out (e.g. `meshConfig`).
 */
export function unknownValuesKeys(values: Record<string, unknown>, valuesFile: string, freeForm: string[] = []): string[] {
    const parsed = YAML.parse(fs.readFileSync(path.join(FIXTURES, valuesFile), "utf8")) as Record<string, unknown>;
    const defaults = (parsed._internal_defaults_do_not_set ?? parsed) as Record<string, unknown>;
    const unknown: string[] = [];
    const walk = (v: unknown, d: unknown, at: string) => {
        if (freeForm.includes(at) || !v || typeof v !== "object" || Array.isArray(v)) {
            return;
        }
        for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
            const p = at ? `${at}.${k}` : k;
            if (freeForm.includes(p)) {
                continue;
            }
            if (!d || typeof d !== "object" || !(k in (d as Record<string, unknown>))) {
                unknown.push(p);
                continue;
            }
            walk(child, (d as Record<string, unknown>)[k], p);
        }
    };
    walk(values, defaults, "");
    return unknown;
}

/**
 * Leaf paths of `values` that Gloo's generated values reference (`gloo/values.txt`, a Markdown table
 * of every chart value) does not list. `NAME` in the reference matches any key; `[]` marks arrays,
 * whose contents are not checked.
 */
export function unknownGlooValuesKeys(values: Record<string, unknown>): string[] {
    const text = fs.readFileSync(path.join(FIXTURES, "gloo/values.txt"), "utf8");
    const known = text
        .split("\n")
        .filter((l) => l.startsWith("|") && !l.startsWith("|Option") && !l.startsWith("|---"))
        .map((l) => l.split("|")[1].split("."));
    const matches = (p: string[]) =>
        known.some((k) => k.length >= p.length && p.every((seg, i) => k[i] === seg || k[i] === "NAME" || (k[i] === `${seg}[]`)));
    const unknown: string[] = [];
    const walk = (v: unknown, at: string[]) => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
                walk(child, [...at, k]);
            }
            return;
        }
        if (!matches(at)) {
            unknown.push(at.join("."));
        }
    };
    walk(values, []);
    return unknown;
}
