// The layout's import rules (DESIGN.md "Layout"): sdk/internal imports nothing from product folders;
// product folders import one another only through their index.ts; pure plan and manifest modules load
// no Pulumi resource package directly; and there is no import cycle between modules.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const SDK = path.join(__dirname, "..", "sdk");

function files(dir = SDK): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** Relative module imports of a file (value and type imports, and re-exports), resolved to sdk-relative paths. */
function imports(file: string): string[] {
    const source = fs.readFileSync(file, "utf8");
    const specs = [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
    return specs.filter((s) => s.startsWith(".")).map((s) => path.relative(SDK, path.resolve(path.dirname(file), s)).split(path.sep).join("/"));
}

const rel = (f: string) => path.relative(SDK, f).split(path.sep).join("/");
const folderOf = (p: string) => (p.includes("/") ? p.split("/")[0] : "");

describe("import boundaries of sdk/", () => {
    const all = files().map((f) => ({ file: rel(f), imports: imports(f) }));

    it("reads every module and its imports", () => {
        assert.ok(all.length > 40);
        assert.ok(all.filter((m) => m.imports.length > 0).length > 30);
    });

    it("sdk/internal imports nothing from a product folder", () => {
        const internal = all.filter((m) => folderOf(m.file) === "internal");
        assert.ok(internal.length >= 4);
        assert.deepEqual(
            internal.flatMap((m) => m.imports.filter((i) => folderOf(i) !== "internal").map((i) => `${m.file} -> ${i}`)),
            [],
        );
    });

    it("product folders import one another only through index.ts", () => {
        const crossing = all.flatMap((m) =>
            m.imports
                .filter((i) => folderOf(m.file) !== "" && folderOf(i) !== folderOf(m.file) && folderOf(i) !== "internal")
                .map((i) => ({ from: m.file, to: i })),
        );
        assert.ok(crossing.length > 5, "products do import each other");
        assert.deepEqual(
            crossing.filter((c) => c.to.split("/").length !== 1).map((c) => `${c.from} -> ${c.to}`),
            [],
        );
    });

    it("pure plan, defaults and manifest modules do not import @pulumi/kubernetes, @pulumi/tls or @pulumi/random", () => {
        const pure = all.filter((m) => /(^|\/)(plan|defaults|manifests|[a-zA-Z]+Plan|[a-zA-Z]+Manifests)\.ts$/.test(m.file));
        assert.ok(pure.length >= 12, `found ${pure.length} pure modules`);
        const offenders = pure.filter((m) => /from\s+"@pulumi\/(kubernetes|tls|random)"/.test(fs.readFileSync(path.join(SDK, m.file), "utf8")));
        assert.deepEqual(offenders.map((m) => m.file), []);
    });

    it("has no import cycle between modules (index re-exports aside)", () => {
        const graph = new Map(all.map((m) => [m.file.replace(/\.ts$/, ""), m.imports.map((i) => (fs.existsSync(path.join(SDK, `${i}.ts`)) ? i : `${i}/index`))]));
        const cycles: string[] = [];
        const state = new Map<string, "visiting" | "done">();
        const visit = (node: string, trail: string[]): void => {
            if (state.get(node) === "done") {
                return;
            }
            if (state.get(node) === "visiting") {
                cycles.push([...trail.slice(trail.indexOf(node)), node].join(" -> "));
                return;
            }
            state.set(node, "visiting");
            // Going through a folder's index is how products meet; a cycle only through indexes is the
            // barrel pattern, not a module cycle.
            for (const next of (graph.get(node) ?? []).filter((n) => !n.endsWith("/index") && n !== "index")) {
                visit(next, [...trail, node]);
            }
            state.set(node, "done");
        };
        for (const node of graph.keys()) {
            visit(node, []);
        }
        assert.deepEqual(cycles, []);
    });
});
