// The posture input loader (sdk/posture/load.ts): YAML/JSON files and directories into a PostureInput, or
// every problem with its file, document and line; Lists expanded, facts documents checked strictly.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_MESH_FACTS, describeLoadProblem, loadPostureInput, LoadProblem, LoadResult, POSTURE_FACTS_API_VERSION, postureInputFromTexts, PostureInput } from "../../sdk/posture";

const FIXTURE = path.join(__dirname, "..", "cli", "fixtures", "kubectl-get-all.yaml");

function ok(r: LoadResult): { input: PostureInput; notes: string[]; files: string[] } {
    if (!r.ok) {
        assert.fail(`expected no problems, got:\n${r.errors.map(describeLoadProblem).join("\n")}`);
    }
    return r;
}

function errors(r: LoadResult): LoadProblem[] {
    if (r.ok) {
        return assert.fail("expected problems, got an input");
    }
    assert.equal("input" in r, false, "no partial input beside the problems");
    return r.errors;
}

const fromText = (text: string, file = "in.yaml") => postureInputFromTexts([{ file, text }]);

const facts = (kind: string, body: string) => `apiVersion: ${POSTURE_FACTS_API_VERSION}\nkind: ${kind}\nmetadata:\n  name: f\n  namespace: ns\n${body}`;

describe("posture loader: documents", () => {
    it("expands a kubectl `kind: List` into its items, in order, keeping every field", () => {
        const r = ok(loadPostureInput([FIXTURE]));
        assert.deepEqual(r.files, [FIXTURE]);
        assert.deepEqual(
            r.input.objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`),
            [
                "PeerAuthentication istio-system/default",
                "PeerAuthentication kuadrant-system/authorino",
                "DestinationRule bookinfo/reviews",
                "DestinationRule legacy/legacy-db",
                "Deployment bookinfo/reviews-v1",
                "Deployment kuadrant-system/authorino",
                "Service default/kubernetes",
                "Service bookinfo/reviews",
                "Service kuadrant-system/authorino-authorino-authorization",
            ],
        );
        const pa = r.input.objects[0];
        assert.equal(pa.metadata.creationTimestamp, "2025-11-03T09:12:44Z", "timestamps stay strings");
        assert.deepEqual(pa.spec, { mtls: { mode: "STRICT" } });
        assert.equal((r.input.objects[4].status as { readyReplicas: number }).readyReplicas, 1);
    });

    it("expands typed lists (PodList) and lists inside lists; an empty List is a note, not an error", () => {
        const r = ok(fromText("apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Service, metadata: {name: a, namespace: x}}\n---\napiVersion: v1\nkind: List\nitems: []\n"));
        assert.deepEqual(r.input.objects.map((o) => o.metadata.name), ["a"]);
        assert.deepEqual(r.notes, ["in.yaml: document 2 (line 9): a List with no items"]);
        // Only empty lists: the note says no object was read at all.
        assert.deepEqual(ok(fromText("apiVersion: v1\nkind: List\nitems: []\n")).notes, ["in.yaml: document 1 (line 1): a List with no items", "no Kubernetes object was read (only facts documents or empty lists)"]);
    });

    it("reads multi-document YAML, skipping empty documents, and numbers documents from 1 counting empty ones", () => {
        const text = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\n---\n# nothing here\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: x}\n---\napiVersion: v1\nmetadata: {name: c}\n";
        const e = errors(fromText(text));
        assert.equal(e.length, 1);
        assert.deepEqual(e[0], { file: "in.yaml", document: 5, at: "kind", line: 12, message: "missing (every object needs apiVersion, kind and metadata.name)" });
        assert.equal(describeLoadProblem(e[0]), "in.yaml: document 5, kind (line 12): missing (every object needs apiVersion, kind and metadata.name)");
        const good = ok(fromText(text.slice(0, text.lastIndexOf("---"))));
        assert.deepEqual(good.input.objects.map((o) => o.metadata.name), ["a", "b"]);
    });

    it("an empty file, or one with only comments and separators, is an error naming the file", () => {
        assert.deepEqual(errors(fromText("", "empty.yaml")), [{ file: "empty.yaml", message: "empty file: no Kubernetes object in it" }]);
        assert.deepEqual(errors(fromText("# a comment\n---\n---\n", "c.yaml")), [{ file: "c.yaml", message: "no Kubernetes object in the file (only empty documents or comments)" }]);
    });

    it("text that is not YAML is an error with the document and line", () => {
        const e = errors(fromText("apiVersion: v1\nkind: Service\nmetadata: {name: a\n---\nkey: [unclosed\nother: 1\n", "bad.yaml"));
        assert.ok(e.length >= 2, describeLoadProblem(e[0]));
        assert.equal(e.every((p) => p.file === "bad.yaml" && p.message.startsWith("not valid YAML: ")), true);
        assert.deepEqual([...new Set(e.map((p) => p.document))], [1, 2]);
        assert.equal(e.find((p) => p.document === 2)?.line, 6);
        // Duplicate keys are YAML errors too (the API server would keep one of them silently).
        assert.match(describeLoadProblem(errors(fromText("apiVersion: v1\napiVersion: v2\n"))[0]), /^in\.yaml: document 1 \(line 2\): not valid YAML: .*unique/);
    });

    it("a scalar or a sequence document is an error naming the file and document", () => {
        assert.deepEqual(errors(fromText("just some text\n", "s.yaml")), [{ file: "s.yaml", document: 1, line: 1, message: 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), found a string ("just some text")' }]);
        assert.deepEqual(
            errors(fromText("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n- a\n- b\n")).map(describeLoadProblem),
            ["in.yaml: document 2 (line 5): expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), found a sequence"],
        );
    });

    it("missing apiVersion, kind or metadata.name, each named; inside a List, with the item's path and line", () => {
        assert.deepEqual(errors(fromText("metadata: {}\n")).map((p) => p.at), ["apiVersion", "kind", "metadata.name"]);
        assert.deepEqual(errors(fromText("apiVersion: v1\nkind: Service\nmetadata: nope\n")).map(describeLoadProblem), ['in.yaml: document 1, metadata (line 3): expected a mapping, found a string ("nope")']);
        const e = errors(fromText("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: v1\n  metadata:\n    name: b\n"));
        assert.deepEqual(e.map(describeLoadProblem), ["in.yaml: document 1, items[1].kind (line 7): missing (every object needs apiVersion, kind and metadata.name)"]);
    });

    it("labels and annotations must be strings (an unquoted number is named); null metadata fields are dropped", () => {
        const e = errors(fromText("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  labels:\n    version: 1\n"));
        assert.deepEqual(e.map(describeLoadProblem), ["in.yaml: document 1, metadata.labels.version (line 6): expected a string, found a number (1) (quote it)"]);
        const r = ok(fromText("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  creationTimestamp: null\n  labels:\n"));
        assert.deepEqual(r.input.objects[0].metadata, { name: "a" });
    });

    it("anchors, aliases and `<<` merge keys resolve as kubectl reads them", () => {
        const r = ok(fromText("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: &l {app: a}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels:\n    <<: {app: a, tier: web}\n    tier: api\n"));
        assert.deepEqual(r.input.objects.map((o) => o.metadata.labels), [{ app: "a" }, { app: "a", tier: "api" }]);
    });

    it("unknown kinds are objects for the engine (it counts them in ignored), not errors", () => {
        const r = ok(fromText("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1, 2]}\n"));
        assert.deepEqual(r.input.objects, [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { anything: [1, 2] } }]);
        assert.equal(r.input.mesh, undefined, "no Istio object: no mesh assumed");
        assert.deepEqual(r.notes, []);
    });

    it("reads JSON (`kubectl get -o json`)", () => {
        const json = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "x" } }], metadata: { resourceVersion: "" } }, null, 4);
        assert.deepEqual(ok(fromText(json, "out.json")).input.objects.map((o) => o.metadata.name), ["a"]);
        assert.deepEqual(errors(fromText('{"apiVersion": "v1", "kind": ', "bad.json")).map((p) => [p.file, p.document]), [["bad.json", 1]]);
    });

    it("an object read twice (same group, kind, namespace, name) is an error naming both places", () => {
        const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\n";
        const e = errors(postureInputFromTexts([{ file: "one.yaml", text: svc }, { file: "two.yaml", text: `---\n${svc}` }]));
        assert.deepEqual(e.map(describeLoadProblem), ["two.yaml: document 1 (line 2): Service x/a is defined twice (also at one.yaml: document 1 (line 1))"]);
        // Another namespace, or a cluster-scoped object of the same name, is another object.
        ok(postureInputFromTexts([{ file: "one.yaml", text: svc }, { file: "two.yaml", text: svc.replace("namespace: x", "namespace: y") }]));
    });

    it("collects every problem of every file, and returns no input when there is one", () => {
        const r = postureInputFromTexts([
            { file: "a.yaml", text: "apiVersion: v1\nkind: Service\nmetadata: {name: fine}\n" },
            { file: "b.yaml", text: "" },
            { file: "c.yaml", text: "42\n---\nkind: X\n" },
        ]);
        assert.deepEqual(errors(r).map((p) => `${p.file}#${p.document ?? "-"}${p.at === undefined ? "" : `:${p.at}`}`), ["b.yaml#-", "c.yaml#1", "c.yaml#2:apiVersion", "c.yaml#2:metadata"]);
    });
});

describe("posture loader: facts documents", () => {
    it("MeshFacts: given fields kept, the others from DEFAULT_MESH_FACTS (the model's documented defaults)", () => {
        assert.deepEqual(DEFAULT_MESH_FACTS, {
            revision: "",
            revisionTags: [],
            rootNamespace: "istio-system",
            istioNamespace: "istio-system",
            trustDomain: "cluster.local",
            mode: "sidecar",
            enableAutoMtls: true,
            enableNamespacesByDefault: false,
            extensionProviders: [],
            clusterDomain: "cluster.local",
        });
        const r = ok(fromText(facts("MeshFacts", "spec:\n  revision: 1-30\n  extensionProviders:\n  - {name: kyverno, service: kyverno-authz-server.kyverno.svc.cluster.local, port: 9081}\n")));
        assert.deepEqual(r.input.mesh, { ...DEFAULT_MESH_FACTS, revision: "1-30", extensionProviders: [{ name: "kyverno", service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 }] });
        assert.deepEqual(r.input.objects, [], "facts documents are not objects");
        // No spec at all: every default.
        assert.deepEqual(ok(fromText(facts("MeshFacts", ""))).input.mesh, DEFAULT_MESH_FACTS);
        assert.notEqual(ok(fromText(facts("MeshFacts", ""))).input.mesh?.revisionTags, DEFAULT_MESH_FACTS.revisionTags, "the arrays are copies");
    });

    it("without MeshFacts, Istio objects imply the default mesh, with a note; a MeshFacts document means no note", () => {
        const r = ok(loadPostureInput([FIXTURE]));
        assert.deepEqual(r.input.mesh, DEFAULT_MESH_FACTS);
        assert.equal(r.notes.length, 1);
        assert.match(r.notes[0], /^no MeshFacts document \(apiVersion posture\.meshtls\.dev\/v1alpha1\) was given: assumed an Istio install with the defaults revision "", .*rootNamespace "istio-system"/);
        const withFacts = ok(postureInputFromTexts([{ file: "k.yaml", text: fs.readFileSync(FIXTURE, "utf8") }, { file: "m.yaml", text: facts("MeshFacts", "spec: {trustDomain: example.org}\n") }]));
        assert.equal(withFacts.input.mesh?.trustDomain, "example.org");
        assert.deepEqual(withFacts.notes, []);
    });

    it("an unknown field is an error naming the file, document, field and the accepted fields", () => {
        const e = errors(fromText(`${facts("Workload", "spec:\n  labels: {app: a}\n  port: 80\n")}---\n${facts("MeshFacts", "spec:\n  rootNamespce: x\n  extensionProviders:\n  - {name: k, service: s, port: 1, timeout: 2}\n")}`));
        assert.deepEqual(e.map(describeLoadProblem), [
            "in.yaml: document 1, spec.port (line 8): unknown field; accepted: name, namespace, labels, serviceName, ports, hostNetwork, source",
            "in.yaml: document 2, spec.rootNamespce (line 16): unknown field; accepted: revision, revisionTags, rootNamespace, istioNamespace, trustDomain, mode, enableAutoMtls, enableNamespacesByDefault, extensionProviders, clusterDomain",
            "in.yaml: document 2, spec.extensionProviders[0].timeout (line 18): unknown field; accepted: name, service, port",
        ]);
        // A misspelt spec must not pass as "all defaults".
        assert.deepEqual(errors(fromText(facts("MeshFacts", "specs: {revision: x}\n"))).map((p) => `${p.at ?? ""}: ${p.message.split(";")[0]}`), ["specs: unknown field"]);
    });

    it("wrong types and enum values are named with the value and what is accepted", () => {
        const e = errors(fromText(facts("MeshFacts", "spec:\n  mode: Ambient\n  enableAutoMtls: \"yes\"\n  extensionProviders:\n  - {name: k, service: s, port: 70000}\n")));
        assert.deepEqual(e.map((p) => `${p.at ?? ""}: ${p.message}`), [
            'spec.mode: got "Ambient"; expected one of "sidecar", "ambient"',
            'spec.enableAutoMtls: got "yes"; expected boolean',
            "spec.extensionProviders[0].port: got 70000; must be <= 65535",
        ]);
    });

    it("Workload: name and namespace from metadata when the spec leaves them out; ports default to []; a conflict is an error", () => {
        const r = ok(fromText(facts("Workload", "spec:\n  labels: {app: authorino}\n")));
        assert.deepEqual(r.input.workloads, [{ name: "f", namespace: "ns", labels: { app: "authorino" }, ports: [], source: "Workload ns/f" }]);
        const full = ok(fromText(facts("Workload", "spec:\n  name: f\n  labels: {}\n  serviceName: svc\n  hostNetwork: true\n  source: chart gloo 1.22.1 values gloo.deployment\n  ports:\n  - {port: 9977, name: grpc-xds}\n")));
        assert.deepEqual(full.input.workloads, [{ name: "f", namespace: "ns", labels: {}, serviceName: "svc", ports: [{ port: 9977, name: "grpc-xds" }], hostNetwork: true, source: "chart gloo 1.22.1 values gloo.deployment" }]);
        assert.deepEqual(errors(fromText(facts("Workload", "spec:\n  namespace: other\n  labels: {}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ['spec.namespace: got "other" but metadata says "ns"; give one, or the same value']);
        assert.deepEqual(errors(fromText(`apiVersion: ${POSTURE_FACTS_API_VERSION}\nkind: Workload\nmetadata: {name: f}\nspec: {labels: {}}\n`)).map((p) => `${p.at ?? ""}: ${p.message}`), ["spec.namespace: missing (required; or set metadata.namespace)"]);
        assert.deepEqual(errors(fromText(facts("Workload", "spec: {}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ["spec.labels: missing (required)"]);
    });

    it("DeclaredLink: each kind, told apart by spec.kind; an unknown kind or a bad service is an error", () => {
        const r = ok(fromText([facts("DeclaredLink", "spec: {kind: gloo-xds, glooMtls: true}\n"), facts("DeclaredLink", "spec: {kind: istiod-xds}\n").replace("name: f", "name: g"), facts("DeclaredLink", "spec: {kind: webhook, service: kyverno/kyverno-svc:443, caBundleFromIssuer: false, source: KyvernoAuthz authz}\n").replace("name: f", "name: h")].join("---\n")));
        assert.deepEqual(r.input.declaredLinks, [
            { kind: "gloo-xds", namespace: "ns", glooMtls: true, source: "DeclaredLink ns/f" },
            { kind: "istiod-xds", namespace: "ns", source: "DeclaredLink ns/g" },
            { kind: "webhook", name: "h", service: "kyverno/kyverno-svc:443", caBundleFromIssuer: false, source: "KyvernoAuthz authz" },
        ]);
        assert.deepEqual(errors(fromText(facts("DeclaredLink", "spec: {kind: gloo-xds-tls}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ['spec.kind: got "gloo-xds-tls"; expected one of "gloo-xds", "webhook", "istiod-xds", "kgateway"']);
        assert.deepEqual(errors(fromText(facts("DeclaredLink", "spec: {kind: webhook, service: kyverno-svc, caBundleFromIssuer: true}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ['spec.service: got "kyverno-svc"; expected namespace/service:port']);
        assert.deepEqual(errors(fromText(facts("DeclaredLink", "spec: {kind: gloo-xds, glooMtls: true, caBundleFromIssuer: true}\n"))).map((p) => `${p.at ?? ""}: ${p.message.split(";")[0]}`), ["spec.caBundleFromIssuer: unknown field"]);
        assert.deepEqual(errors(fromText(facts("DeclaredLink", "spec: {}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ["spec.kind: missing (required)"]);
    });

    it("an unknown kind or version of the facts group is an error (a typo there would drop a fact silently)", () => {
        assert.deepEqual(errors(fromText(facts("Workloads", "spec: {}\n"))).map((p) => `${p.at ?? ""}: ${p.message}`), ['kind: got "Workloads"; posture.meshtls.dev/v1alpha1 has the kinds MeshFacts, Workload, DeclaredLink, NamespaceLabels']);
        assert.deepEqual(errors(fromText(facts("MeshFacts", "").replace("v1alpha1", "v1"))).map((p) => `${p.at ?? ""}: ${p.message}`), ['apiVersion: got "posture.meshtls.dev/v1"; the facts documents are posture.meshtls.dev/v1alpha1']);
    });

    it("two MeshFacts, or two Workloads or NamespaceLabels of one name, are errors", () => {
        assert.deepEqual(errors(fromText(`${facts("MeshFacts", "")}---\n${facts("MeshFacts", "").replace("name: f", "name: g")}`)).map(describeLoadProblem), ["in.yaml: document 2 (line 7): a second MeshFacts document (the first is in in.yaml: document 1 (line 1)); give one per input"]);
        const w = facts("Workload", "spec: {labels: {}}\n");
        assert.deepEqual(errors(fromText(`${w}---\n${w}`)).map((p) => p.message), ["Workload ns/f is defined twice (also at in.yaml: document 1 (line 1))"]);
        // NamespaceLabels too (two would make `posture diff` fail, and `posture` keep one silently).
        const n = `apiVersion: ${POSTURE_FACTS_API_VERSION}\nkind: NamespaceLabels\nmetadata:\n  name: shop\nspec: {labels: {}}\n`;
        assert.deepEqual(errors(fromText(`${n}---\n${n}`)).map((p) => p.message), ["NamespaceLabels shop is defined twice (also at in.yaml: document 1 (line 1))"]);
    });
});

describe("posture loader: files and directories", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-load-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const write = (rel: string, text: string): string => {
        const file = path.join(dir, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        return file;
    };
    const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: x}\n`;

    it("reads a directory recursively: .yaml, .yml and .json files only, in code-point order", () => {
        // Written out of order, to show the order is the names', not the creation's.
        write("b/z.yml", svc("bz"));
        write("a.yaml", svc("a"));
        write("B.json", JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "upper-b", namespace: "x" } }));
        write("b/a/deep.YAML", svc("deep"));
        write("notes.txt", "not read");
        write("b/README.md", "# not read");
        const r = ok(loadPostureInput([dir]));
        assert.deepEqual(r.files.map((f) => path.relative(dir, f)), ["B.json", "a.yaml", path.join("b", "a", "deep.YAML"), path.join("b", "z.yml")]);
        assert.deepEqual(r.input.objects.map((o) => o.metadata.name), ["upper-b", "a", "deep", "bz"]);
    });

    it("a file named explicitly is read whatever its extension; a file reached twice is read once", () => {
        const txt = write("saved.txt", svc("t"));
        const yaml = write("a.yaml", svc("a"));
        const r = ok(loadPostureInput([yaml, txt, dir, txt]));
        assert.deepEqual(r.files, [yaml, txt]);
        assert.deepEqual(r.input.objects.map((o) => o.metadata.name), ["a", "t"]);
    });

    it("a missing path, an empty directory and an empty file are errors, all reported together", () => {
        const empty = write("e/empty.yaml", "");
        fs.mkdirSync(path.join(dir, "none"));
        write("good.yaml", svc("g"));
        const r = loadPostureInput([path.join(dir, "missing.yaml"), path.join(dir, "none"), dir]);
        assert.deepEqual(errors(r).map(describeLoadProblem), [
            `${path.join(dir, "missing.yaml")}: cannot read: no such file or directory`,
            `${path.join(dir, "none")}: no .yaml, .yml, .json file in this directory (or below it)`,
            `${empty}: empty file: no Kubernetes object in it`,
        ]);
        assert.deepEqual(errors(loadPostureInput([])).map((p) => p.message), ["no input: give YAML or JSON files or directories"]);
    });

    it("is deterministic: the same directory gives the same input and notes, byte for byte", () => {
        write("one/kubectl.yaml", fs.readFileSync(FIXTURE, "utf8"));
        write("two/extra.yaml", `${svc("x1")}---\n${svc("x2")}`);
        const a = ok(loadPostureInput([dir]));
        const b = ok(loadPostureInput([dir]));
        assert.equal(a.input.objects.length, 11);
        assert.equal(JSON.stringify(b), JSON.stringify(a));
    });

    it("does not loop on a symlink back up the tree", function () {
        write("a.yaml", svc("a"));
        try {
            fs.symlinkSync(dir, path.join(dir, "loop"), "dir");
        } catch {
            this.skip();
        }
        assert.deepEqual(ok(loadPostureInput([dir])).input.objects.map((o) => o.metadata.name), ["a"]);
    });
});
