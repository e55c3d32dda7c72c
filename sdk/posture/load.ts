// The posture input from files: YAML or JSON files and directories (a render directory, or saved
// `kubectl get -o yaml` output) become a PostureInput. This module is the engine's only I/O, and only in
// `loadPostureInput`; `postureInputFromTexts` does the parsing and checking on texts already read.
//
// Bad input is never half read: every problem in every file is collected, each naming the file, the
// document (1-based, as `---` separates them) and the line, and no input is returned when there is one,
// so a partial posture is never presented as complete. Kinds the engine does not model are not problems
// (the engine counts them in `ignored`); documents of our own facts group are checked strictly, since a
// mistyped fact would otherwise change links silently.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import * as YAML from "yaml";
import type { DeclaredLink, KubeObject, MeshFacts, NamespaceFact, PostureInput, WorkloadFact } from "./model";
import { DEFAULT_MESH_FACTS } from "./model";

/** The apiVersion of the facts documents (MeshFacts, Workload, DeclaredLink) the loader turns into engine input. */
export const POSTURE_FACTS_API_VERSION = "posture.meshtls.dev/v1alpha1";

/** The kinds of the facts group. */
export const POSTURE_FACTS_KINDS: readonly string[] = Object.freeze(["MeshFacts", "Workload", "DeclaredLink", "NamespaceLabels"]);

/** The file name endings read inside a directory (a file named explicitly is read whatever its name). */
export const POSTURE_FILE_EXTENSIONS: readonly string[] = Object.freeze([".yaml", ".yml", ".json"]);


/** One file's text, as read (the path is kept as given, for messages). */
export interface PostureSource {
    /** The file's path (as given, or joined under a directory given). */
    file: string;
    /** Its content. */
    text: string;
}

/** One problem with the input: where it is and what is wrong. */
export interface LoadProblem {
    /** The file (as given, or joined under a directory given). */
    file: string;
    /** The document in the file, 1-based (documents are separated by `---`); absent for file-level problems. */
    document?: number;
    /** The field inside the document, e.g. `items[3].metadata.name` or `spec.ports[0].port`; absent for the whole document. */
    at?: string;
    /** The line in the file, 1-based, when known. */
    line?: number;
    /** What is wrong, and what is accepted where that helps. */
    message: string;
}

/** What `loadPostureInput` and `postureInputFromTexts` return: the whole input, or every problem (never both). */
export type LoadResult =
    | {
          /** Every file and document was read and checked. */
          ok: true;
          /** The engine's input. */
          input: PostureInput;
          /** Things the reader of the posture must know (defaults assumed, empty lists), printed with it. */
          notes: string[];
          /** The files read, in the order read. */
          files: string[];
      }
    | {
          /** At least one problem: no input is returned. */
          ok: false;
          /** Every problem found, in file and document order. */
          errors: LoadProblem[];
          /** The files read (or tried), in the order read. */
          files: string[];
      };

/** `file: document 2, items[3] (line 40): message`. */
export function describeLoadProblem(p: LoadProblem): string {
    return `${locationText(p)}: ${p.message}`;
}

/** `file: document 2, items[3] (line 40)`. */
function locationText(p: Omit<LoadProblem, "message">): string {
    const where = [p.document === undefined ? undefined : `document ${p.document}`, p.at].filter((s) => s !== undefined).join(", ");
    const line = p.line === undefined ? "" : ` (line ${p.line})`;
    return `${p.file}${where === "" ? "" : `: ${where}`}${line}`;
}

/**
 * Reads files and directories (recursively; `.yaml`, `.yml` and `.json` files, in sorted order) and
 * returns the engine's input, or every problem found. A path given twice, or a file reached twice
 * through a directory, is read once. A file named explicitly is read whatever its extension.
 */
export function loadPostureInput(paths: string[]): LoadResult {
    const errors: LoadProblem[] = [];
    const sources: PostureSource[] = [];
    const seen = new Set<string>();
    const read = (file: string): void => {
        const real = realPath(file);
        if (seen.has(real)) {
            return;
        }
        seen.add(real);
        try {
            sources.push({ file, text: fs.readFileSync(file, "utf8") });
        } catch (e) {
            errors.push({ file, message: `cannot read: ${errorText(e)}` });
        }
    };
    if (paths.length === 0) {
        errors.push({ file: "(no path)", message: "no input: give YAML or JSON files or directories" });
    }
    for (const p of paths) {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch (e) {
            errors.push({ file: p, message: `cannot read: ${errorText(e)}` });
            continue;
        }
        if (!stat.isDirectory()) {
            read(p);
            continue;
        }
        const found = walk(p, new Set([realPath(p)]), errors);
        if (found.length === 0) {
            errors.push({ file: p, message: `no ${POSTURE_FILE_EXTENSIONS.join(", ")} file in this directory (or below it)` });
        }
        found.forEach(read);
    }
    const parsed = postureInputFromTexts(sources);
    const files = sources.map((s) => s.file);
    if (errors.length > 0 || !parsed.ok) {
        return { ok: false, errors: [...errors, ...(parsed.ok ? [] : parsed.errors)], files };
    }
    return parsed;
}

/** The files under `dir` with a posture extension, depth first, entries in code-point order (not locale order). */
function walk(dir: string, visiting: Set<string>, errors: LoadProblem[]): string[] {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
        errors.push({ file: dir, message: `cannot read: ${errorText(e)}` });
        return [];
    }
    const out: string[] = [];
    for (const name of entries.map((e) => e.name).sort(byCodePoint)) {
        const full = path.join(dir, name);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(full);
        } catch (e) {
            errors.push({ file: full, message: `cannot read: ${errorText(e)}` });
            continue;
        }
        if (stat.isDirectory()) {
            // A symlink back up the tree would recurse forever.
            const real = realPath(full);
            if (!visiting.has(real)) {
                out.push(...walk(full, new Set([...visiting, real]), errors));
            }
        } else if (POSTURE_FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) {
            out.push(full);
        }
    }
    return out;
}

function realPath(p: string): string {
    try {
        return fs.realpathSync(p);
    } catch {
        return path.resolve(p);
    }
}

function byCodePoint(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function errorText(e: unknown): string {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT") {
        return "no such file or directory";
    }
    if (code === "EACCES" || code === "EPERM") {
        return "permission denied";
    }
    return e instanceof Error ? e.message : String(e);
}

/** Where a value sits: the file, the document and the path inside it. */
interface Place {
    file: string;
    document: number;
    doc: YAML.Document.Parsed;
    lines: YAML.LineCounter;
    segments: (string | number)[];
}

/** `items[3].spec.ports[0]` from path segments. */
function pathText(segments: (string | number)[]): string | undefined {
    if (segments.length === 0) {
        return undefined;
    }
    return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i > 0 ? "." : ""}${s}`)).join("");
}

/** The line of the closest node on the path that exists (a missing field is reported on its parent's line). */
function lineOf(place: Place, segments: (string | number)[]): number | undefined {
    for (let n = segments.length; n >= 0; n--) {
        const node = place.doc.getIn(segments.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) {
            return place.lines.linePos(range[0]).line;
        }
    }
    return undefined;
}

function problem(place: Place, message: string, more: (string | number)[] = []): LoadProblem {
    const segments = [...place.segments, ...more];
    const at = pathText(segments);
    const line = lineOf(place, segments);
    return { file: place.file, document: place.document, ...(at === undefined ? {} : { at }), ...(line === undefined ? {} : { line }), message };
}

function isMapping(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function shapeOf(v: unknown): string {
    if (v === null || v === undefined) {
        return "nothing";
    }
    if (Array.isArray(v)) {
        return "a sequence";
    }
    if (typeof v === "object") {
        return "a mapping";
    }
    return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** The API group of an apiVersion (`""` for the core group). */
function groupOf(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

/** What the documents of all files add up to, before the facts are assembled. */
interface Collected {
    objects: { object: KubeObject; place: Place }[];
    meshFacts: { spec: Record<string, unknown>; place: Place }[];
    workloads: { fact: WorkloadFact; place: Place }[];
    declaredLinks: { fact: DeclaredLink; key: string; place: Place }[];
    namespaces: { fact: NamespaceFact; place: Place }[];
    notes: string[];
    errors: LoadProblem[];
}

/**
 * Parses and checks texts already read (one per file, multi-document YAML or JSON) into the engine's
 * input, or returns every problem. Pure: no I/O.
 */
export function postureInputFromTexts(sources: PostureSource[]): LoadResult {
    const c: Collected = { objects: [], meshFacts: [], workloads: [], declaredLinks: [], namespaces: [], notes: [], errors: [] };
    for (const source of sources) {
        readFile(source, c);
    }
    const files = sources.map((s) => s.file);
    duplicates(c);
    const hasIstioObjects = c.objects.some(({ object }) => groupOf(object.apiVersion) === "istio.io" || groupOf(object.apiVersion).endsWith(".istio.io"));
    let mesh: MeshFacts | undefined;
    if (c.meshFacts.length > 1) {
        for (const m of c.meshFacts.slice(1)) {
            c.errors.push(problem(m.place, `a second MeshFacts document (the first is in ${locationText(problem(c.meshFacts[0].place, ""))}); give one per input`));
        }
    } else if (c.meshFacts.length === 1) {
        mesh = meshFactsWithDefaults(c.meshFacts[0].spec);
    } else if (hasIstioObjects) {
        mesh = meshFactsWithDefaults({});
        c.notes.push(`no MeshFacts document (apiVersion ${POSTURE_FACTS_API_VERSION}) was given: assumed an Istio install with the defaults ${describeMeshFacts(DEFAULT_MESH_FACTS)}`);
    }
    if (c.errors.length > 0) {
        return { ok: false, errors: c.errors, files };
    }
    if (c.objects.length === 0) {
        c.notes.push("no Kubernetes object was read (only facts documents or empty lists)");
    }
    const input: PostureInput = {
        objects: c.objects.map((o) => o.object),
        ...(mesh === undefined ? {} : { mesh }),
        workloads: c.workloads.map((w) => w.fact),
        declaredLinks: c.declaredLinks.map((d) => d.fact),
        namespaces: c.namespaces.map((n) => n.fact),
    };
    return { ok: true, input, notes: c.notes, files };
}

/** `revision "" (the default revision), revisionTags [], rootNamespace istio-system, ...`: every field, from the value given. */
export function describeMeshFacts(mesh: Readonly<MeshFacts>): string {
    return (Object.keys(mesh) as (keyof MeshFacts)[]).map((k) => `${k} ${JSON.stringify(mesh[k])}`).join(", ");
}

/** A MeshFacts from a checked spec: every field it leaves out takes DEFAULT_MESH_FACTS' value (arrays copied). */
function meshFactsWithDefaults(spec: Record<string, unknown>): MeshFacts {
    const d = DEFAULT_MESH_FACTS;
    const given = spec as Partial<MeshFacts>;
    return {
        revision: given.revision ?? d.revision,
        revisionTags: [...(given.revisionTags ?? d.revisionTags)],
        rootNamespace: given.rootNamespace ?? d.rootNamespace,
        istioNamespace: given.istioNamespace ?? d.istioNamespace,
        trustDomain: given.trustDomain ?? d.trustDomain,
        mode: given.mode ?? d.mode,
        enableAutoMtls: given.enableAutoMtls ?? d.enableAutoMtls,
        enableNamespacesByDefault: given.enableNamespacesByDefault ?? d.enableNamespacesByDefault,
        extensionProviders: (given.extensionProviders ?? d.extensionProviders).map((p) => ({ ...p })),
        clusterDomain: given.clusterDomain ?? d.clusterDomain,
    };
}

function readFile(source: PostureSource, c: Collected): void {
    const lines = new YAML.LineCounter();
    // prettyErrors off: the message stays one line, and the line comes from the line counter. merge: `<<`
    // merge keys, which kubectl's YAML reader honours, are merged rather than kept as a key named `<<`.
    const docs = YAML.parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false, merge: true });
    let objects = 0;
    docs.forEach((doc, i) => {
        const place: Place = { file: source.file, document: i + 1, doc, lines, segments: [] };
        if (doc.errors.length > 0) {
            // Not empty: a document that does not parse is reported as such, not as "no object".
            objects++;
            for (const e of doc.errors) {
                c.errors.push({ file: source.file, document: i + 1, line: lines.linePos(e.pos[0]).line, message: `not valid YAML: ${e.message}` });
            }
            return;
        }
        let value: unknown;
        try {
            value = doc.toJS({ maxAliasCount: 100 });
        } catch (e) {
            c.errors.push(problem(place, `not valid YAML: ${errorText(e)}`));
            return;
        }
        // An empty document (between two `---`, or only comments) is skipped, as kubectl does.
        if (value === null || value === undefined) {
            return;
        }
        objects++;
        readValue(value, place, c);
    });
    if (objects === 0) {
        c.errors.push({ file: source.file, message: docs.length === 0 ? "empty file: no Kubernetes object in it" : "no Kubernetes object in the file (only empty documents or comments)" });
    }
}

/** One document (or one item of a List): a List is expanded, a facts document read, any other object kept. */
function readValue(value: unknown, place: Place, c: Collected): void {
    if (!isMapping(value)) {
        c.errors.push(problem(place, `expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), found ${shapeOf(value)}`));
        return;
    }
    // `kubectl get -o yaml` prints `kind: List`; typed lists (`PodList`) have the same shape.
    if (typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)) {
        const items = value.items as unknown[];
        if (items.length === 0) {
            c.notes.push(`${locationText(problem(place, ""))}: a ${value.kind} with no items`);
        }
        items.forEach((item, j) => {
            readValue(item, { ...place, segments: [...place.segments, "items", j] }, c);
        });
        return;
    }
    const object = kubeObject(value, place, c.errors);
    if (object === undefined) {
        return;
    }
    if (groupOf(object.apiVersion) === groupOf(POSTURE_FACTS_API_VERSION)) {
        readFacts(value, object, place, c);
        return;
    }
    c.objects.push({ object, place });
}

/** The object with apiVersion, kind and metadata checked (null metadata fields, as `--dry-run` prints them, dropped). */
function kubeObject(value: Record<string, unknown>, place: Place, errors: LoadProblem[]): KubeObject | undefined {
    const before = errors.length;
    const needs = "every object needs apiVersion, kind and metadata.name";
    for (const field of ["apiVersion", "kind"]) {
        if (typeof value[field] !== "string" || value[field] === "") {
            errors.push(problem(place, value[field] === undefined ? `missing (${needs})` : `expected a non-empty string, found ${shapeOf(value[field])}`, [field]));
        }
    }
    const metadata = value.metadata;
    const cleaned: Record<string, unknown> = {};
    if (!isMapping(metadata)) {
        errors.push(problem(place, metadata === undefined ? `missing (${needs})` : `expected a mapping, found ${shapeOf(metadata)}`, ["metadata"]));
    } else {
        for (const [k, v] of Object.entries(metadata)) {
            if (v !== null) {
                cleaned[k] = v;
            }
        }
        if (typeof cleaned.name !== "string" || cleaned.name === "") {
            errors.push(problem(place, cleaned.name === undefined ? `missing (${needs})` : `expected a non-empty string, found ${shapeOf(cleaned.name)}`, ["metadata", "name"]));
        }
        for (const field of ["namespace", "creationTimestamp"]) {
            if (cleaned[field] !== undefined && typeof cleaned[field] !== "string") {
                errors.push(problem(place, `expected a string, found ${shapeOf(cleaned[field])}`, ["metadata", field]));
            }
        }
        // Selectors compare strings: an unquoted `version: 1` would be a number the API server rejects.
        for (const field of ["labels", "annotations"]) {
            const map = cleaned[field];
            if (map === undefined) {
                continue;
            }
            if (!isMapping(map)) {
                errors.push(problem(place, `expected a mapping of strings, found ${shapeOf(map)}`, ["metadata", field]));
                continue;
            }
            for (const [k, v] of Object.entries(map)) {
                if (typeof v !== "string") {
                    errors.push(problem(place, `expected a string, found ${shapeOf(v)} (quote it)`, ["metadata", field, k]));
                }
            }
        }
    }
    if (errors.length > before) {
        return undefined;
    }
    return { ...value, metadata: cleaned } as KubeObject;
}

/** Objects, facts and declared links named twice (an object read twice would count its links twice). */
function duplicates(c: Collected): void {
    const first = new Map<string, Place>();
    const check = (key: string, label: string, place: Place): void => {
        const prior = first.get(key);
        if (prior) {
            c.errors.push(problem(place, `${label} is defined twice (also at ${locationText(problem(prior, ""))})`));
        } else {
            first.set(key, place);
        }
    };
    for (const { object, place } of c.objects) {
        // The group, not the version: the same object read as v1beta1 and v1 is still one object.
        const ns = object.metadata.namespace;
        check(`object ${groupOf(object.apiVersion)} ${object.kind} ${ns ?? ""}/${object.metadata.name}`, `${object.kind} ${ns === undefined ? "" : `${ns}/`}${object.metadata.name}`, place);
    }
    for (const { fact, place } of c.workloads) {
        check(`workload ${fact.namespace}/${fact.name}`, `Workload ${fact.namespace}/${fact.name}`, place);
    }
    for (const { key, place } of c.declaredLinks) {
        check(`declared ${key}`, `DeclaredLink ${key}`, place);
    }
    for (const { fact, place } of c.namespaces) {
        check(`namespace labels ${fact.name}`, `NamespaceLabels ${fact.name}`, place);
    }
}

// ---- facts documents -------------------------------------------------------------------------------

type Schema = Record<string, unknown>;

const STRING: Schema = { type: "string", minLength: 1 };
const PORT: Schema = { type: "integer", minimum: 1, maximum: 65535 };
const BOOLEAN: Schema = { type: "boolean" };

/** MeshFacts' fields, all optional (DEFAULT_MESH_FACTS fills the rest). */
const MESH_FACTS_SPEC: Schema = {
    type: "object",
    additionalProperties: false,
    properties: {
        revision: { type: "string" },
        revisionTags: { type: "array", items: STRING },
        rootNamespace: STRING,
        istioNamespace: STRING,
        trustDomain: STRING,
        mode: { enum: ["sidecar", "ambient"] },
        enableAutoMtls: BOOLEAN,
        enableNamespacesByDefault: BOOLEAN,
        extensionProviders: {
            type: "array",
            items: { type: "object", additionalProperties: false, required: ["name", "service", "port"], properties: { name: STRING, service: STRING, port: PORT } },
        },
        clusterDomain: STRING,
    },
};

/** WorkloadFact's fields; name, namespace and source may come from the document's metadata. */
const WORKLOAD_SPEC: Schema = {
    type: "object",
    additionalProperties: false,
    required: ["labels"],
    properties: {
        name: STRING,
        namespace: STRING,
        labels: { type: "object", additionalProperties: { type: "string" } },
        serviceName: STRING,
        ports: {
            type: "array",
            items: { type: "object", additionalProperties: false, required: ["port"], properties: { port: PORT, targetPort: PORT, name: STRING, appProtocol: STRING } },
        },
        hostNetwork: BOOLEAN,
        source: STRING,
    },
};

/** NamespaceFact's fields: a namespace not among the objects, with labels known otherwise; name and source may come from metadata. */
const NAMESPACE_LABELS_SPEC: Schema = {
    type: "object",
    additionalProperties: false,
    required: ["labels"],
    properties: { name: STRING, labels: { type: "object", additionalProperties: { type: "string" } }, source: STRING },
};

/** DeclaredLink's variants, told apart by `kind`; namespace, name and source may come from metadata. */
const DECLARED_LINK_SPEC: Schema = {
    type: "object",
    required: ["kind"],
    properties: { kind: { type: "string" } },
    discriminator: { propertyName: "kind" },
    oneOf: [
        { properties: { kind: { const: "gloo-xds" }, namespace: STRING, glooMtls: BOOLEAN, source: STRING }, required: ["glooMtls"], additionalProperties: false },
        {
            properties: { kind: { const: "webhook" }, name: STRING, service: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[0-9]+$" }, caBundleFromIssuer: BOOLEAN, source: STRING },
            required: ["service", "caBundleFromIssuer"],
            additionalProperties: false,
        },
        { properties: { kind: { const: "istiod-xds" }, namespace: STRING, source: STRING }, additionalProperties: false },
        {
            properties: {
                kind: { const: "kgateway" },
                gateway: { type: "object", properties: { name: STRING, namespace: STRING }, additionalProperties: false },
                autoMtls: BOOLEAN,
                istioIntegration: BOOLEAN,
                source: STRING,
            },
            required: ["autoMtls", "istioIntegration"],
            additionalProperties: false,
        },
    ],
};

/** The whole document: nothing beside apiVersion, kind, metadata and spec (a mistyped `specs:` must not pass as "all defaults"). */
function factsDocument(spec: Schema, specRequired: boolean): Schema {
    return {
        type: "object",
        additionalProperties: false,
        required: specRequired ? ["spec"] : [],
        properties: { apiVersion: {}, kind: {}, metadata: {}, spec },
    };
}

// Compiled on first use: loading the module (the package index re-exports it) should not pay for it.
let validators: Record<string, ValidateFunction> | undefined;
function factsValidators(): Record<string, ValidateFunction> {
    if (validators === undefined) {
        // verbose: errors carry the data and the schema, for messages that show the value and the accepted fields.
        const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, discriminator: true });
        validators = {
            MeshFacts: ajv.compile(factsDocument(MESH_FACTS_SPEC, false)),
            Workload: ajv.compile(factsDocument(WORKLOAD_SPEC, true)),
            DeclaredLink: ajv.compile(factsDocument(DECLARED_LINK_SPEC, true)),
            NamespaceLabels: ajv.compile(factsDocument(NAMESPACE_LABELS_SPEC, true)),
        };
    }
    return validators;
}

function schemaProblem(place: Place, e: ErrorObject): LoadProblem | undefined {
    const segments = e.instancePath
        .split("/")
        .filter((s) => s !== "")
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
    switch (e.keyword) {
        case "additionalProperties": {
            const extra = (e.params as { additionalProperty: string }).additionalProperty;
            const accepted = Object.keys((e.parentSchema as { properties?: Schema } | undefined)?.properties ?? {});
            return problem(place, `unknown field; accepted: ${accepted.join(", ")}`, [...segments, extra]);
        }
        case "required":
            return problem(place, "missing (required)", [...segments, (e.params as { missingProperty: string }).missingProperty]);
        case "enum":
            return problem(place, `got ${JSON.stringify(e.data)}; expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(", ")}`, segments);
        case "discriminator": {
            // A missing or non-string kind is already reported by `required` or `type`.
            const params = e.params as { error: string; tagValue?: unknown };
            return params.error === "mapping" ? problem(place, `got ${JSON.stringify(params.tagValue)}; expected one of "gloo-xds", "webhook", "istiod-xds", "kgateway"`, [...segments, "kind"]) : undefined;
        }
        case "pattern":
            return problem(place, `got ${JSON.stringify(e.data)}; expected namespace/service:port`, segments);
        case "type":
            return problem(place, `got ${JSON.stringify(e.data)}; expected ${(e.params as { type: string }).type}`, segments);
        default:
            return problem(place, `got ${JSON.stringify(e.data)}; ${e.message ?? "invalid"}`, segments);
    }
}

/** A facts document: checked against its kind's schema, then turned into engine input (defaults from metadata). */
function readFacts(value: Record<string, unknown>, object: KubeObject, place: Place, c: Collected): void {
    if (object.apiVersion !== POSTURE_FACTS_API_VERSION) {
        c.errors.push(problem(place, `got ${JSON.stringify(object.apiVersion)}; the facts documents are ${POSTURE_FACTS_API_VERSION}`, ["apiVersion"]));
        return;
    }
    const validate = factsValidators()[object.kind] as ValidateFunction | undefined;
    if (validate === undefined) {
        c.errors.push(problem(place, `got ${JSON.stringify(object.kind)}; ${POSTURE_FACTS_API_VERSION} has the kinds ${POSTURE_FACTS_KINDS.join(", ")}`, ["kind"]));
        return;
    }
    if (!validate(value)) {
        for (const e of validate.errors ?? []) {
            const p = schemaProblem(place, e);
            if (p) {
                c.errors.push(p);
            }
        }
        return;
    }
    const spec = (value.spec ?? {}) as Record<string, unknown>;
    const meta = object.metadata;
    // A field the spec leaves out comes from metadata; both given and different is ambiguous.
    // `at`: the field's path under the document (a kgateway link's `spec.gateway.name` comes from `metadata.name`).
    const fromMetadata = (field: string, metaValue: string | undefined, specValue: unknown, at: string[] = ["spec", field]): string | undefined => {
        const s = specValue as string | undefined;
        if (s !== undefined && metaValue !== undefined && s !== metaValue) {
            c.errors.push(problem(place, `got ${JSON.stringify(s)} but metadata says ${JSON.stringify(metaValue)}; give one, or the same value`, at));
            return undefined;
        }
        const v = s ?? metaValue;
        if (v === undefined) {
            c.errors.push(problem(place, `missing (required; or set metadata.${field})`, at));
        }
        return v;
    };
    const before = c.errors.length;
    const where = `${meta.namespace === undefined ? "" : `${meta.namespace}/`}${meta.name}`;
    switch (object.kind) {
        case "MeshFacts":
            c.meshFacts.push({ spec, place });
            return;
        case "NamespaceLabels": {
            const name = fromMetadata("name", meta.name, spec.name);
            if (c.errors.length > before || name === undefined) {
                return;
            }
            c.namespaces.push({ fact: { name, labels: { ...(spec.labels as Record<string, string>) }, source: (spec.source as string | undefined) ?? `NamespaceLabels ${name}` }, place });
            return;
        }
        case "Workload": {
            const name = fromMetadata("name", meta.name, spec.name);
            const namespace = fromMetadata("namespace", meta.namespace, spec.namespace);
            if (c.errors.length > before || name === undefined || namespace === undefined) {
                return;
            }
            const s = spec as Partial<WorkloadFact>;
            const fact: WorkloadFact = {
                name,
                namespace,
                labels: { ...(s.labels ?? {}) },
                ...(s.serviceName === undefined ? {} : { serviceName: s.serviceName }),
                ports: (s.ports ?? []).map((p) => ({ ...p })),
                ...(s.hostNetwork === undefined ? {} : { hostNetwork: s.hostNetwork }),
                source: s.source ?? `Workload ${namespace}/${name}`,
            };
            c.workloads.push({ fact, place });
            return;
        }
        default: {
            const source = (spec.source as string | undefined) ?? `DeclaredLink ${where}`;
            let fact: DeclaredLink | undefined;
            let key = where;
            if (spec.kind === "kgateway") {
                // The Gateway is the document's metadata (or spec.gateway); keyed apart from the namespace's other links.
                const gw = (spec.gateway ?? {}) as { name?: string; namespace?: string };
                const name = fromMetadata("name", meta.name, gw.name, ["spec", "gateway", "name"]);
                const namespace = fromMetadata("namespace", meta.namespace, gw.namespace, ["spec", "gateway", "namespace"]);
                if (name !== undefined && namespace !== undefined) {
                    fact = { kind: "kgateway", gateway: { name, namespace }, autoMtls: spec.autoMtls as boolean, istioIntegration: spec.istioIntegration as boolean, source };
                    key = `kgateway ${namespace}/${name}`;
                }
            } else if (spec.kind === "webhook") {
                const name = fromMetadata("name", meta.name, spec.name);
                fact = name === undefined ? undefined : { kind: "webhook", name, service: spec.service as string, caBundleFromIssuer: spec.caBundleFromIssuer as boolean, source };
            } else {
                const namespace = fromMetadata("namespace", meta.namespace, spec.namespace);
                if (namespace !== undefined) {
                    fact = spec.kind === "gloo-xds" ? { kind: "gloo-xds", namespace, glooMtls: spec.glooMtls as boolean, source } : { kind: "istiod-xds", namespace, source };
                }
            }
            if (fact !== undefined && c.errors.length === before) {
                c.declaredLinks.push({ fact, key, place });
            }
        }
    }
}
