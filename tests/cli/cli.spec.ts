// The `meshtls` command (sdk/cli): runCli in-process for every exit code, flag and input case; one
// spawned run of sdk/cli/main.ts to prove the entry point wires argv and the exit code; the package `bin`
// and docs/reference/cli.md kept true.
//
// Where a test needs particular links regardless of the rules, it passes its own engine
// through runCli's options; the tests on the real engine check the links the rules decide.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { CLI_HELP, CliOptions, EXIT_FAIL_ON, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, runCli } from "../../sdk/cli";
import { MtlsMode, mtlsPolicyObjects, planMtlsPolicy } from "../../sdk/istio";
import { planMtlsPlatform, readPlatformConfig } from "../../sdk/platform";
import { readStackConfig } from "../harness";
import { describeLoadProblem, PostureInput, PostureLink, PostureResult, postureInputFromTexts } from "../../sdk/posture";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");
const KUBECTL = path.join(FIXTURES, "kubectl-get-all.yaml");

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(argv: string[], options?: CliOptions): Run {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, options);
    return { code, stdout: out.join(""), stderr: err.join("") };
}

/** A usage or input error: exit 2, nothing on stdout, the message on stderr. */
function usageError(r: Run): string {
    assert.equal(r.code, EXIT_USAGE, r.stderr);
    assert.equal(r.stdout, "");
    assert.notEqual(r.stderr, "");
    return r.stderr;
}

const link = (server: string, state: PostureLink["state"]): PostureLink => ({ id: `mesh -> ${server}`, client: "mesh", server, kind: "service", state, reason: `${state} by rule`, decidedBy: [`PeerAuthentication ${server}`] });

/** An engine with fixed links per namespace of the first object, recording its inputs. */
function fakeEngine(byFirstNamespace: Record<string, PostureLink[]>): { options: CliOptions; inputs: PostureInput[] } {
    const inputs: PostureInput[] = [];
    return {
        inputs,
        options: {
            engine: (input: PostureInput): PostureResult => {
                inputs.push(input);
                return { links: byFirstNamespace[input.objects[0]?.metadata.namespace ?? ""] ?? [], ignored: { "apps/v1 Deployment": 2 } };
            },
        },
    };
}

describe("meshtls CLI", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-cli-"));
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
    const svc = (ns: string, name = "s") => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\n`;

    describe("help and usage", () => {
        it("--help, -h, help, and --help after a command print the help on stdout and exit 0", () => {
            const forms = [["--help"], ["-h"], ["help"], ["posture", "--help"], ["posture", "diff", "-h"], ["posture", "rendered", "--help"]];
            assert.equal(forms.length, 6);
            for (const argv of forms) {
                assert.deepEqual(run(argv), { code: EXIT_OK, stdout: CLI_HELP, stderr: "" }, argv.join(" "));
            }
            assert.match(CLI_HELP, /^Usage:\n {2}meshtls posture \[paths\.\.\.\]/m);
        });

        it("no command, or an unknown one: exit 2 naming what is accepted", () => {
            assert.match(usageError(run([])), /^meshtls: no command; accepted: posture, posture diff, render, plan, --help\nRun meshtls --help for usage\.\n$/);
            assert.match(usageError(run(["postur", "x"])), /^meshtls: unknown command "postur"; accepted: posture, posture diff, render, plan, --help\n/);
        });

        it("an unknown flag: exit 2 naming the flag and the accepted ones", () => {
            assert.match(usageError(run(["posture", KUBECTL, "--frmat", "json"])), /^meshtls posture: unknown option --frmat for meshtls posture; accepted: --format, --fail-on, --help\n/);
            assert.match(usageError(run(["posture", "diff", KUBECTL, KUBECTL, "--format", "json"])), /^meshtls posture diff: unknown option --format for meshtls posture diff \(its output is Markdown\); accepted: --fail-on, --help\n/);
            assert.match(usageError(run(["posture", KUBECTL, "--help=yes"])), /--help takes no value/);
        });

        it("a bad flag value: exit 2 naming the flag, the value and the accepted values", () => {
            assert.match(usageError(run(["posture", KUBECTL, "--format", "yaml"])), /^meshtls posture: --format "yaml" is not accepted; accepted: table, markdown, json, mermaid\n/);
            assert.match(usageError(run(["posture", KUBECTL, "--fail-on=plaintext,plaintxt"])), /^meshtls posture: --fail-on "plaintxt" is not accepted; accepted: mtls, tls, plaintext, refused, unknown \(comma-separated\)\n/);
            assert.match(usageError(run(["posture", KUBECTL, "--fail-on", "unsafe"])), /--fail-on "unsafe" is not accepted \(unsafe applies to meshtls posture diff only\)/);
            assert.match(usageError(run(["posture", KUBECTL, "--fail-on", "plaintext,"])), /--fail-on "" is not accepted/);
            assert.match(usageError(run(["posture", KUBECTL, "--format"])), /^meshtls posture: --format needs a value; accepted: table, markdown, json, mermaid\n/);
            assert.match(usageError(run(["posture", KUBECTL, "--fail-on", "--format", "json"])), /--fail-on needs a value/);
            assert.match(usageError(run(["posture", KUBECTL, "--format", "json", "--format=table"])), /--format is given twice \(json and table\)/);
        });

        it("missing paths: exit 2", () => {
            assert.match(usageError(run(["posture"])), /meshtls posture needs at least one path/);
            assert.match(usageError(run(["posture", "--format", "json"])), /needs at least one path/);
            assert.match(usageError(run(["posture", "diff", KUBECTL])), /^meshtls posture diff: meshtls posture diff needs two paths, <before> and <after> \(files or directories\); got 1: /);
            assert.match(usageError(run(["posture", "diff", "a", "b", "c"])), /needs two paths.*got 3/);
        });
    });

    describe("meshtls posture", () => {
        it("reads hand-written kubectl -o yaml output (a List) and prints the table with the ignored kinds and the defaults note", () => {
            const r = run(["posture", KUBECTL]);
            assert.equal(r.code, EXIT_OK, r.stderr);
            assert.equal(r.stderr, "");
            // No Namespace object is in the output, so injection (hence auto-mTLS and the server side) is
            // unknown, and the API server's Service has no selector: unknown, never a guess.
            const rows = r.stdout.split("\n").filter((l) => / -> /.test(l));
            assert.equal(rows.length, 4, r.stdout);
            assert.deepEqual(rows.map((l) => l.split(/\s{2,}/).slice(0, 2)), [
                ["mesh -> bookinfo/reviews:9080", "unknown"],
                ["mesh -> default/kubernetes:443", "unknown"],
                ["mesh -> kuadrant-system/authorino-authorino-authorization:5001", "unknown"],
                ["mesh -> kuadrant-system/authorino-authorino-authorization:50051", "unknown"],
            ]);
            assert.match(rows[0], /namespace bookinfo is not among the objects/);
            assert.match(r.stdout, /\n?\d+ links?(: .*)?\nignored(: none| \(read but not modelled)/);
            assert.match(r.stdout, /\nnote: no MeshFacts document \(apiVersion posture\.meshtls\.dev\/v1alpha1\) was given: assumed an Istio install with the defaults /);
        });

        it("passes every object of the input to the engine, and prints the engine's links in the format asked", () => {
            const fake = fakeEngine({ "istio-system": [link("shop/api:80", "mtls"), link("legacy/db:5432", "plaintext")] });
            const r = run(["posture", KUBECTL, "--format", "json"], fake.options);
            assert.equal(r.code, EXIT_OK, r.stderr);
            assert.equal(fake.inputs.length, 1);
            assert.equal(fake.inputs[0].objects.length, 9);
            assert.equal(fake.inputs[0].mesh?.rootNamespace, "istio-system");
            const json = JSON.parse(r.stdout) as { links: PostureLink[]; ignored: Record<string, number>; notes: string[] };
            assert.deepEqual(json.links.map((l) => `${l.id} ${l.state}`), ["mesh -> legacy/db:5432 plaintext", "mesh -> shop/api:80 mtls"]);
            assert.deepEqual(json.ignored, { "apps/v1 Deployment": 2 });
            assert.equal(json.notes.length, 1);
            assert.match(run(["posture", KUBECTL, "--format=mermaid"], fake.options).stdout, /^flowchart LR\n/);
            assert.match(run(["posture", KUBECTL, "--format", "markdown"], fake.options).stdout, /^\| Link \| State \| Reason \| Decided by \|\n/);
        });

        it("--fail-on: exit 1 when a link is in a listed state (the posture still printed, the links on stderr); 0 otherwise", () => {
            const fake = fakeEngine({ "istio-system": [link("shop/api:80", "mtls"), link("legacy/db:5432", "plaintext"), link("kyverno/authz:9081", "unknown")] });
            const failing = run(["posture", KUBECTL, "--fail-on", "plaintext,refused", "--fail-on=unknown"], fake.options);
            assert.equal(failing.code, EXIT_FAIL_ON);
            assert.match(failing.stdout, /^LINK +STATE/);
            assert.equal(failing.stderr, "meshtls: 2 links are in a --fail-on state (plaintext, refused, unknown):\n  mesh -> kyverno/authz:9081: unknown\n  mesh -> legacy/db:5432: plaintext\n");
            assert.equal(run(["posture", KUBECTL, "--fail-on", "refused"], fake.options).code, EXIT_OK);
            assert.equal(run(["posture", KUBECTL], fake.options).code, EXIT_OK, "no --fail-on: 0 whatever the states");
        });

        it("bad input (empty file, not YAML, a scalar, a bad List item): exit 2, every problem named by file and document, nothing on stdout", () => {
            const empty = write("in/a-empty.yaml", "");
            const notYaml = write("in/b-broken.yaml", "apiVersion: v1\nkind: [Service\n");
            const scalar = write("in/c-scalar.yaml", svc("x", "ok") + "---\njust text\n");
            const list = write("in/d-list.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {namespace: x}\n");
            const fake = fakeEngine({});
            const stderr = usageError(run(["posture", path.join(dir, "in")], fake.options));
            assert.deepEqual(stderr.trimEnd().split("\n"), [
                `meshtls: ${empty}: empty file: no Kubernetes object in it`,
                `meshtls: ${notYaml}: document 1 (line 3): not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
                `meshtls: ${scalar}: document 2 (line 5): expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name), found a string ("just text")`,
                `meshtls: ${list}: document 1, items[0].metadata.name (line 6): missing (every object needs apiVersion, kind and metadata.name)`,
                "meshtls: 4 problems in the input; no posture computed",
            ]);
            assert.equal(fake.inputs.length, 0, "the engine never sees a partial input");
            assert.match(usageError(run(["posture", path.join(dir, "nowhere")])), /nowhere: cannot read: no such file or directory\n/);
        });

        it("unknown kinds are no error: exit 0", () => {
            write("w.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
            const r = run(["posture", dir]);
            assert.equal(r.code, EXIT_OK, r.stderr);
            assert.match(r.stdout, /\nignored \(read but not modelled; no rule reads them\): 1 example\.com\/v1 Widget\n/);
        });

        it("reads a render-like directory of objects written from the plans", () => {
            const mesh = mtlsPolicyObjects(planMtlsPolicy("mesh", { namespace: "istio-system", mode: MtlsMode.STRICT }));
            const api = mtlsPolicyObjects(planMtlsPolicy("api", { namespace: "shop", selector: { app: "api" }, mode: MtlsMode.STRICT, destinationRule: { hosts: ["api.shop.svc.cluster.local"] } }));
            const objects = [...mesh, ...api].map((o) => o.object);
            assert.equal(objects.length, 3);
            objects.forEach((o, i) => {
                const meta = o.metadata as { name: string; namespace: string };
                write(`rendered/1-manifest/${i}-${String(o.kind).toLowerCase()}-${meta.namespace}-${meta.name}.yaml`, YAML.stringify(o));
            });
            write("rendered/1-manifest/9-deployment-shop-api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop, labels: {app: api}}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1, ports: [{containerPort: 8080}]}]}\n");
            write("rendered/1-manifest/9-namespace-shop.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n");
            write("rendered/1-manifest/9-service-shop-api.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}]}\n");
            const fake = fakeEngine({});
            assert.equal(run(["posture", path.join(dir, "rendered")], fake.options).code, EXIT_OK);
            assert.equal(fake.inputs.length, 1);
            assert.deepEqual(fake.inputs[0].objects.slice(0, 3), objects, "the plans' objects reach the engine unchanged");
            assert.equal(fake.inputs[0].objects.length, 6);
            // Injected namespace, the workload's STRICT policy, the ISTIO_MUTUAL DestinationRule: mtls.
            const real = run(["posture", path.join(dir, "rendered"), "--format", "json", "--fail-on", "plaintext,refused,unknown"]);
            assert.equal(real.code, EXIT_OK, real.stderr);
            const links = (JSON.parse(real.stdout) as { links: PostureLink[] }).links;
            assert.deepEqual(links.map((l) => [l.id, l.state]), [["mesh -> shop/api:80", "mtls"]]);
        });

        it("an engine that throws: exit 3, nothing on stdout (not 1, which means a --fail-on state)", () => {
            const r = run(["posture", KUBECTL], {
                engine: () => {
                    throw new Error("boom");
                },
            });
            assert.equal(r.code, EXIT_INTERNAL);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /^meshtls posture: internal error \(a bug in meshtls; please report it with the input\): Error: boom/);
        });
    });

    describe("meshtls posture diff", () => {
        it("prints the Markdown diff: no change for the same input, and the verdict safe (one state)", () => {
            const r = run(["posture", "diff", KUBECTL, FIXTURES]);
            assert.equal(r.code, EXIT_OK, r.stderr);
            assert.match(r.stdout, /^## meshtls posture diff\n\n\*\*Transition safety: safe\.\*\* No steps: the objects before and after are the same\..*\n\nNo posture change: /);
            assert.match(r.stdout, /\n> \*\*Note:\*\* before: no MeshFacts document/);
            assert.match(r.stdout, /\n> \*\*Note:\*\* after: no MeshFacts document/);
        });

        it("links whose state changed; --fail-on checks the after posture", () => {
            const before = write("before/objects.yaml", svc("before"));
            const after = write("after/objects.yaml", svc("after"));
            const fake = fakeEngine({ before: [link("legacy/db:5432", "plaintext"), link("shop/api:80", "mtls")], after: [link("legacy/db:5432", "mtls"), link("shop/api:80", "refused")] });
            const r = run(["posture", "diff", before, path.join(dir, "after"), "--fail-on", "plaintext"], fake.options);
            assert.equal(r.code, EXIT_OK, "plaintext only before the change");
            assert.match(r.stdout, /\n### State changed \(2\)\n/);
            assert.match(r.stdout, /\n\| `mesh -> shop\/api:80` \| mtls \| \*\*refused\*\* \|/);
            const failing = run(["posture", "diff", before, after, "--fail-on", "refused"], fake.options);
            assert.equal(failing.code, EXIT_FAIL_ON);
            assert.equal(failing.stdout, r.stdout);
            assert.equal(failing.stderr, "meshtls: 1 link is in a --fail-on state (refused) after the change:\n  mesh -> shop/api:80: refused\n");
        });

        it("--fail-on unsafe: the same input is safe (exit 0); an order that refuses a link in between is unsafe (exit 1), with the violation", () => {
            assert.equal(run(["posture", "diff", KUBECTL, KUBECTL, "--fail-on", "unsafe"]).code, EXIT_OK);
            // Plain text before (PERMISSIVE, DestinationRule DISABLE); mtls after (STRICT, ISTIO_MUTUAL). With no
            // dependency order, STRICT may land before the client's ISTIO_MUTUAL: refused in between.
            const app = (mode: string, tls: string) =>
                [
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, ports: [{containerPort: 8080}]}]}}}",
                    "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}]}",
                    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec: {mtls: {mode: ${mode}}}`,
                    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: shop}\nspec: {host: api.shop.svc.cluster.local, trafficPolicy: {tls: {mode: ${tls}}}}`,
                ].join("\n---\n");
            const before = write("b/app.yaml", app("PERMISSIVE", "DISABLE"));
            const after = write("a/app.yaml", app("STRICT", "ISTIO_MUTUAL"));
            const r = run(["posture", "diff", before, after, "--fail-on", "unsafe"]);
            assert.equal(r.code, EXIT_FAIL_ON, r.stdout);
            assert.match(r.stdout, /Transition safety: unsafe\.\*\*/);
            assert.match(r.stdout, /\| mesh -> shop\/api:80 \| plaintext \| mtls \| refused \| update PeerAuthentication shop\/default \|/);
            assert.match(r.stderr, /^meshtls: --fail-on unsafe: the transition is unsafe: /);
        });

        it("bad input on either side: exit 2, the problems of both sides, nothing on stdout", () => {
            const before = write("before.yaml", "- not an object\n");
            const after = write("after.yaml", "");
            const stderr = usageError(run(["posture", "diff", before, after]));
            assert.match(stderr, new RegExp(`^meshtls: ${before.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: document 1 \\(line 1\\): expected a Kubernetes object`));
            assert.match(stderr, /after\.yaml: empty file/);
        });
    });

    describe("the executable", () => {
        it("sdk/cli/main.ts run by node wires argv and the exit code", function () {
            this.timeout(120_000);
            write("in/kubectl.yaml", fs.readFileSync(KUBECTL, "utf8"));
            const node = (args: string[]) => spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join("sdk", "cli", "main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
            const ok = node(["posture", path.join(dir, "in"), "--format", "json"]);
            assert.equal(ok.status, EXIT_OK, ok.stderr);
            const out = JSON.parse(ok.stdout) as { links: PostureLink[] };
            assert.deepEqual(Object.keys(out), ["ignored", "links", "notes"]);
            assert.equal(out.links.length, 4);
            const bad = node(["posture", path.join(dir, "in"), "--format", "yaml"]);
            assert.equal(bad.status, EXIT_USAGE);
            assert.equal(bad.stdout, "");
            assert.match(bad.stderr, /--format "yaml" is not accepted/);
        });

        it("package.json `bin` names the built main.ts, which starts with a shebang", () => {
            const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin?: Record<string, string>; files: string[] };
            assert.deepEqual(pkg.bin, { meshtls: "bin/sdk/cli/main.js" });
            assert.ok(pkg.files.includes("bin/sdk/**"), "the build output of sdk/ is shipped");
            assert.ok(fs.readFileSync(path.join(ROOT, "sdk", "cli", "main.ts"), "utf8").startsWith("#!/usr/bin/env node\n"));
        });
    });

    describe("docs/reference/cli.md", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "reference", "cli.md"), "utf8");

        it("shows the help text verbatim", () => {
            assert.ok(doc.includes(`\`\`\`\n${CLI_HELP}\`\`\`\n`), "docs/reference/cli.md: paste CLI_HELP (sdk/cli/run.ts) into the first code block");
        });

        it("documents every exit code", () => {
            const rows = [...doc.matchAll(/^\| (\d) \| /gm)].map((m) => Number(m[1]));
            assert.deepEqual(rows, [EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INTERNAL]);
        });

        it("its facts example loads", () => {
            const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
            assert.ok(example);
            const r = postureInputFromTexts([{ file: "cli.md", text: example }]);
            assert.ok(r.ok, r.ok ? "" : r.errors.map(describeLoadProblem).join("\n"));
            assert.equal(r.input.mesh?.revision, "1-30");
            assert.equal(r.input.workloads?.[0].name, "authorino");
            assert.deepEqual(r.input.declaredLinks, [{ kind: "gloo-xds", namespace: "gloo-system", glooMtls: true, source: "DeclaredLink gloo-system/gloo-xds" }]);
        });
    });
});

describe("meshtls render", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-render-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const run = (argv: string[]) => {
        let stdout = "";
        let stderr = "";
        const code = runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
        return { code, stdout, stderr };
    };

    it("the dev stack's render, read back by meshtls posture, gives the plan's posture; no Secret is written", () => {
        const r = run(["render", path.join(ROOT, "Pulumi.dev.yaml"), "--out", path.join(dir, "head")]);
        assert.equal(r.code, EXIT_OK, r.stderr);
        const text = fs.readFileSync(path.join(dir, "head", "posture.yaml"), "utf8");
        assert.doesNotMatch(text, /kind: Secret|PRIVATE KEY/);
        const p = run(["posture", path.join(dir, "head"), "--format", "json"]);
        assert.equal(p.code, EXIT_OK, p.stderr);
        const links = (JSON.parse(p.stdout) as { links: PostureLink[] }).links;
        const planned = planMtlsPlatform("meshtls", readPlatformConfig(readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"))).platform).posture;
        assert.equal(links.length, Object.keys(planned).length);
        assert.deepEqual(Object.fromEntries(links.map((l) => [l.id, l.state])), Object.fromEntries(Object.entries(planned).map(([id, l]) => [id, l.state])));
    });

    it("diff of two renders: Kuadrant's mTLS turned off in the head shows the links going mtls -> plaintext, and a verdict", () => {
        const base = path.join(ROOT, "Pulumi.dev.yaml");
        const head = path.join(dir, "Pulumi.head.yaml");
        fs.writeFileSync(head, fs.readFileSync(base, "utf8").replace("meshtls:kuadrant:\n    mode: Operator", "meshtls:kuadrant:\n    mode: Operator\n    enabled: false"));
        assert.equal(run(["render", base, "--out", path.join(dir, "b")]).code, EXIT_OK);
        assert.equal(run(["render", head, "--out", path.join(dir, "h")]).code, EXIT_OK);
        const d = run(["posture", "diff", path.join(dir, "b"), path.join(dir, "h")]);
        assert.equal(d.code, EXIT_OK, d.stderr);
        // The operator reconciles the clusters, its PeerAuthentication and the sidecar labels independently:
        // a cluster without TLS while Authorino is still STRICT is refused in between.
        assert.match(d.stdout, /\*\*Transition safety: unsafe\.\*\*/);
        assert.match(d.stdout, /\| gateway \*\/\* -> kuadrant-system\/authorino-authorino-authorization:50051 \| mtls \| plaintext \| refused \| update EnvoyFilter \*\/kuadrant-auth-\* \|/);
        assert.match(d.stdout, /gateway \*\/\* -> kuadrant-system\/authorino-authorino-authorization:50051 \| mtls \| plaintext/);
    });

    it("bad config: exit 2 naming the meshtls: key; bad usage: exit 2", () => {
        const bad = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(bad, "config:\n  meshtls:istio:\n    mtlsMode: SOMETIMES\n");
        const r = run(["render", bad]);
        assert.equal(r.code, EXIT_USAGE);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /meshtls:istio/);
        assert.match(run(["render"]).stderr, /needs one stack file/);
        assert.match(run(["render", bad, "--outt", "x"]).stderr, /unknown flag "--outt"; accepted: --out DIR, --name NAME/);
    });
});
