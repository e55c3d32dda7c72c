// Reads a V8 .cpuprofile (from `node --cpu-prof`, see bench/scale.ts for the child command) and prints
// where the time went: self time by function, by file and by package, and inclusive time of meshtls's
// own functions. With the child's output (`--window-from child.out`, its WINDOW line) or `--window
// startUs,endUs`, only the timed runs count, not module loading or the warm-up.
//
//   npm run bench:profile -- /tmp/prof/CPU.*.cpuprofile [--window-from /tmp/child.out] [--top 30]
//
// .cpuprofile files are git-ignored: keep them out of the repository.
import * as fs from "node:fs";
import * as path from "node:path";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
}

interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}

interface CpuProfile {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
}

/** Self and inclusive time of one key, in microseconds. */
interface Bucket {
    self: number;
    total: number;
}

const ROOT = path.join(__dirname, "..");

/** Where a frame's code lives: a package, a meshtls folder, node internals or a V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
    if (url === "") {
        return functionName.startsWith("(") ? functionName : "(native)";
    }
    if (url.startsWith("node:")) {
        return "(node internals)";
    }
    const file = url.replace(/^file:\/\//, "");
    const nm = file.lastIndexOf("/node_modules/");
    if (nm >= 0) {
        const rest = file.slice(nm + "/node_modules/".length).split("/");
        return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    const rel = path.relative(ROOT, file);
    if (rel.startsWith("sdk/")) {
        return `meshtls ${rel.split("/").slice(0, 2).join("/")}`;
    }
    return rel.startsWith("..") ? file : rel;
}

function fileOf(url: string): string {
    const file = url.replace(/^file:\/\//, "");
    const nm = file.lastIndexOf("/node_modules/");
    if (nm >= 0) {
        return file.slice(nm + "/node_modules/".length);
    }
    return file.startsWith(ROOT) ? path.relative(ROOT, file) : file || "(no file)";
}

function functionKey(f: CallFrame): string {
    const name = f.functionName || "(anonymous)";
    return f.url === "" ? name : `${name} ${fileOf(f.url)}:${f.lineNumber + 1}`;
}

function add(map: Map<string, Bucket>, key: string, self: number, total: number): void {
    const b = map.get(key) ?? { self: 0, total: 0 };
    b.self += self;
    b.total += total;
    map.set(key, b);
}

/** Self and inclusive time per function, file and package over the samples inside the window. */
export function analyse(profile: CpuProfile, window?: [number, number]) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) {
        for (const c of n.children ?? []) {
            parent.set(c, n.id);
        }
    }
    const functions = new Map<string, Bucket>();
    const files = new Map<string, Bucket>();
    const packages = new Map<string, Bucket>();
    let totalUs = 0;
    let t = profile.startTime;
    const times: number[] = profile.timeDeltas.map((d) => (t += d));
    for (let i = 0; i < profile.samples.length; i++) {
        // A sample stands for the time until the next one.
        const dt = (i + 1 < times.length ? times[i + 1] : profile.endTime) - times[i];
        if (window && (times[i] < window[0] || times[i] > window[1])) {
            continue;
        }
        totalUs += dt;
        const leaf = byId.get(profile.samples[i]);
        if (!leaf) {
            continue;
        }
        add(functions, functionKey(leaf.callFrame), dt, 0);
        add(files, fileOf(leaf.callFrame.url), dt, 0);
        add(packages, packageOf(leaf.callFrame.url, leaf.callFrame.functionName), dt, 0);
        // Inclusive: each key once per sample, however deep the recursion.
        const seenF = new Set<string>();
        const seenP = new Set<string>();
        for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
            const f = byId.get(id)?.callFrame;
            if (!f) {
                break;
            }
            const fk = functionKey(f);
            if (!seenF.has(fk)) {
                seenF.add(fk);
                add(functions, fk, 0, dt);
            }
            const pk = packageOf(f.url, f.functionName);
            if (!seenP.has(pk)) {
                seenP.add(pk);
                add(packages, pk, 0, dt);
            }
        }
    }
    return { totalUs, functions, files, packages };
}

function table(title: string, map: Map<string, Bucket>, totalUs: number, top: number, by: "self" | "total", filter?: (key: string) => boolean): string {
    const rows = [...map.entries()].filter(([k]) => filter?.(k) ?? true).sort((a, b) => b[1][by] - a[1][by]).slice(0, top);
    const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`.padStart(6);
    const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
    return [
        `${title} (self ms, self %, inclusive ms, inclusive %)`,
        ...rows.map(([k, b]) => `${ms(b.self)} ${pct(b.self)} ${ms(b.total)} ${pct(b.total)}  ${k}`),
        "",
    ].join("\n");
}

function main(argv: string[]): void {
    let file: string | undefined;
    let window: [number, number] | undefined;
    let top = 30;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--window") {
            const [s, e] = (argv[++i] ?? "").split(",").map(Number);
            window = [s, e];
        } else if (a === "--window-from") {
            const line = fs.readFileSync(argv[++i], "utf8").split("\n").find((l) => l.startsWith("WINDOW "));
            if (!line) {
                throw new Error("no WINDOW line in the child's output");
            }
            const [s, e] = line.split(" ").slice(1).map(Number);
            window = [s, e];
        } else if (a === "--top") {
            top = Number(argv[++i]);
        } else {
            file = a;
        }
    }
    if (!file) {
        throw new Error("usage: bench/profile.ts <file.cpuprofile> [--window-from child.out | --window startUs,endUs] [--top N]");
    }
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    const r = analyse(profile, window);
    const out = [
        `${path.basename(file)}: ${(r.totalUs / 1000).toFixed(0)} ms sampled${window ? " in the timed window" : " (whole process)"}`,
        "",
        table("By package", r.packages, r.totalUs, top, "self"),
        table("By file (self)", r.files, r.totalUs, top, "self"),
        table("By function (self)", r.functions, r.totalUs, top, "self"),
        table("meshtls functions (inclusive)", r.functions, r.totalUs, top, "total", (k) => / sdk\//.test(k)),
    ];
    process.stdout.write(out.join("\n"));
}

if (require.main === module) {
    main(process.argv.slice(2));
}
