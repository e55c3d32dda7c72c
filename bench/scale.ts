// Scale benchmark (npm run bench; not part of npm test or CI): MtlsPlatform with N namespaces (a STRICT
// namespace MtlsPolicy with client DestinationRule each), N Gloo upstreams and N AuthorizationPolicies,
// against the same custom resources declared flat, under the mock runtime until every registration
// settles. The variants run interleaved (component, raw, component, raw, ...), each in a fresh child
// process so its peak RSS is its own and machine load drifts over both alike.
//
//   npm run bench -- [--n 200,1000] [--pairs 3] [--warmup 1] [--runs 1] [--check] [--write] [--no-import]
//
// --check exits non-zero when a target is missed; --write rewrites the measured part of bench/RESULTS.md
// (between its bench:begin/end markers; the profile notes around them are kept). Child mode, also the
// way to profile one variant (the first line of output gives the timed window for bench/profile.ts):
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only bench/scale.ts \
//       --child component 200 /tmp/flat-200.json
//
// A component child writes the flat resource list to the given file when it is absent; a raw child reads it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MtlsPlatform, MtlsPlatformArgs } from "../sdk";
import { runProgram } from "../tests/harness";
import { ensureBuilt, ImportCost, measureImport } from "./import";
import { intArg } from "./args";

/** The scenario's platform arguments for N workloads. */
export function scenario(n: number): MtlsPlatformArgs {
    const namespaces = Array.from({ length: n }, (_, i) => `ns-${i}`);
    return {
        ca: { intermediate: {} },
        gloo: { istioUpstreams: namespaces.map((ns) => ({ serviceName: "app", serviceNamespace: ns, port: 8080 })) },
        authz: { targets: namespaces.map((ns) => ({ namespace: ns, paths: ["/admin"] })) },
        policies: namespaces.map((ns) => ({ name: ns, args: { namespace: ns, destinationRule: {} } })),
    };
}

/** A custom resource of any type, as a flat program declares it. */
class RawResource extends pulumi.CustomResource {}

interface Flat {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

type Variant = "component" | "raw";

/** What one child process measured. */
interface ChildResult {
    /** Registrations the timed run made (components included). */
    resources: number;
    /** Custom resources among them. */
    customResources: number;
    /** Median of the timed runs' wall time. */
    timeMs: number;
    /** Median of the timed runs' CPU time (user + system, all threads): less sensitive to a busy machine. */
    cpuMs: number;
    /** Peak resident set size of the whole process (warm-up included), MB. */
    maxRssMb: number;
}

const TARGET_TIME_RATIO = 1.3;
const TARGET_RSS_RATIO = 1.25;
const TARGET_GROWTH = 12;
const TARGET_IMPORT_MS = 100;
const TARGET_SIZES = [200, 1000];

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function child(variant: Variant, n: number, flatFile: string, warmup: number, runs: number): Promise<void> {
    let program: () => void;
    if (variant === "component") {
        program = () => {
            new MtlsPlatform("bench", scenario(n));
        };
    } else {
        // Parsed once, outside the timed runs: a flat program would have its resources in code.
        const flat = JSON.parse(fs.readFileSync(flatFile, "utf8")) as Flat[];
        program = () => {
            for (const r of flat) {
                new RawResource(r.type, r.name, r.inputs);
            }
        };
    }
    for (let i = 0; i < warmup; i++) {
        await runProgram(program); // module loading, JIT
    }
    const timesMs: number[] = [];
    const cpusMs: number[] = [];
    let last: Awaited<ReturnType<typeof runProgram>> | undefined;
    const windowStart = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        last = await runProgram(program);
        timesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
        const used = process.cpuUsage(cpu);
        cpusMs.push((used.user + used.system) / 1000);
    }
    const windowEnd = process.hrtime.bigint();
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const resources = last?.resources ?? [];
    if (variant === "component" && !fs.existsSync(flatFile)) {
        const flat: Flat[] = resources.filter((r) => r.custom && r.readId === undefined).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        fs.writeFileSync(flatFile, JSON.stringify(flat));
    }
    // Microseconds on the clock V8's CPU profiles use, so a profile can be cut to the timed runs.
    process.stdout.write(`WINDOW ${String(windowStart / 1000n)} ${String(windowEnd / 1000n)}\n`);
    const out: ChildResult = { resources: resources.length, customResources: resources.filter((r) => r.custom).length, timeMs: median(timesMs), cpuMs: median(cpusMs), maxRssMb };
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

interface Options {
    sizes: number[];
    pairs: number;
    warmup: number;
    runs: number;
    check: boolean;
    write: boolean;
    importCost: boolean;
}

function parseOptions(argv: string[]): Options {
    const o: Options = { sizes: [200, 1000], pairs: 3, warmup: 1, runs: 1, check: false, write: false, importCost: true };
    const count = intArg;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        switch (a) {
            case "--n":
                o.sizes = (argv[++i] ?? "").split(",").map((s) => count("--n", s, 1));
                break;
            case "--pairs":
                o.pairs = count(a, argv[++i], 1);
                break;
            case "--warmup":
                o.warmup = count(a, argv[++i], 0);
                break;
            case "--runs":
                o.runs = count(a, argv[++i], 1);
                break;
            case "--check":
                o.check = true;
                break;
            case "--write":
                o.write = true;
                break;
            case "--no-import":
                o.importCost = false;
                break;
            default:
                throw new Error(`unknown option ${a} (see the header of bench/scale.ts)`);
        }
    }
    return o;
}

function runChild(variant: Variant, n: number, flatFile: string, o: Options): ChildResult {
    const args = ["-r", "ts-node/register/transpile-only", __filename, "--child", variant, String(n), flatFile, String(o.warmup), String(o.runs)];
    const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (run.status !== 0 || !line) {
        throw new Error(`bench child ${variant} N=${n} failed (${String(run.status)}):\n${run.stderr}`);
    }
    return JSON.parse(line.slice("RESULT ".length)) as ChildResult;
}

interface Spread {
    median: number;
    min: number;
    max: number;
}

function spread(xs: number[]): Spread {
    return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** One N's figures over all pairs. */
interface SizeResult {
    n: number;
    component: ChildResult[];
    raw: ChildResult[];
    time: { component: Spread; raw: Spread; ratio: number };
    cpu: { component: Spread; raw: Spread; ratio: number };
    rss: { component: Spread; raw: Spread; ratio: number };
}

interface Target {
    label: string;
    value: string;
    pass: boolean;
}

function fmt(s: Spread, digits = 0): string {
    return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
}

function summarise(n: number, component: ChildResult[], raw: ChildResult[]): SizeResult {
    const ct = spread(component.map((c) => c.timeMs));
    const rt = spread(raw.map((r) => r.timeMs));
    const cc = spread(component.map((c) => c.cpuMs));
    const rc = spread(raw.map((r) => r.cpuMs));
    const cr = spread(component.map((c) => c.maxRssMb));
    const rr = spread(raw.map((r) => r.maxRssMb));
    return {
        n,
        component,
        raw,
        time: { component: ct, raw: rt, ratio: ct.median / rt.median },
        cpu: { component: cc, raw: rc, ratio: cc.median / rc.median },
        rss: { component: cr, raw: rr, ratio: cr.median / rr.median },
    };
}

function targets(results: SizeResult[], importCost: ImportCost | undefined): Target[] {
    const out: Target[] = [];
    const byN = new Map(results.map((r) => [r.n, r]));
    for (const n of TARGET_SIZES) {
        const r = byN.get(n);
        if (!r) {
            continue;
        }
        out.push({ label: `time ratio at N=${n} <= ${TARGET_TIME_RATIO}`, value: r.time.ratio.toFixed(2), pass: r.time.ratio <= TARGET_TIME_RATIO });
        out.push({ label: `peak RSS ratio at N=${n} <= ${TARGET_RSS_RATIO}`, value: r.rss.ratio.toFixed(2), pass: r.rss.ratio <= TARGET_RSS_RATIO });
    }
    const r100 = byN.get(100);
    const r1000 = byN.get(1000);
    if (r100 && r1000) {
        const growth = r1000.time.component.median / r100.time.component.median;
        out.push({ label: `growth time(N=1000) / time(N=100), component, <= ${TARGET_GROWTH}`, value: growth.toFixed(2), pass: growth <= TARGET_GROWTH });
    }
    if (importCost) {
        out.push({ label: `import meshtls after its peers < ${TARGET_IMPORT_MS} ms`, value: `${importCost.medianMs.toFixed(1)} ms`, pass: importCost.medianMs < TARGET_IMPORT_MS });
    }
    return out;
}

function report(o: Options, results: SizeResult[], importCost: ImportCost | undefined, checks: Target[]): string {
    const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
    const lines = [
        `Node ${process.version}, ${cpu} (${os.cpus().length} cores), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end, ${new Date().toISOString().slice(0, 10)}.`,
        `${o.pairs} interleaved pairs per N (component, raw, component, raw, ...), each child a fresh process: ${o.warmup} warm-up run(s), then the median of ${o.runs} timed run(s).`,
        "Figures are median (min..max) over the pairs; ratios are component median / raw median. The targets use wall",
        "time; CPU time (user + system) is shown beside it because it moves less when other work shares the cores.",
        "",
        "| N | registrations component (custom) | raw | component wall ms | raw wall ms | wall ratio | component CPU ms | raw CPU ms | CPU ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...results.map(
            (r) =>
                `| ${r.n} | ${r.component[0].resources} (${r.component[0].customResources}) | ${r.raw[0].resources} | ${fmt(r.time.component)} | ${fmt(r.time.raw)} | ${r.time.ratio.toFixed(2)} | ${fmt(r.cpu.component)} | ${fmt(r.cpu.raw)} | ${r.cpu.ratio.toFixed(2)} |`,
        ),
        "",
        "| N | component peak RSS MB | raw peak RSS MB | RSS ratio |",
        "| ---: | ---: | ---: | ---: |",
        ...results.map((r) => `| ${r.n} | ${fmt(r.rss.component)} | ${fmt(r.rss.raw)} | ${r.rss.ratio.toFixed(2)} |`),
        "",
    ];
    if (importCost) {
        lines.push(
            `Import of meshtls after its peers (bin/sdk, ${importCost.processes} fresh processes): median ${importCost.medianMs.toFixed(1)} ms (${importCost.minMs.toFixed(1)}..${importCost.maxMs.toFixed(1)}).`,
            "",
        );
    }
    lines.push("Targets:", "", ...checks.map((t) => `- ${t.pass ? "pass" : "FAIL"}: ${t.label}: ${t.value}`), "");
    return lines.join("\n");
}

const BEGIN = "<!-- bench:begin (npm run bench -- --write rewrites this part) -->";
const END = "<!-- bench:end -->";

function writeResults(body: string): void {
    const file = path.join(__dirname, "RESULTS.md");
    const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const b = old.indexOf(BEGIN);
    const e = old.indexOf(END);
    const block = `${BEGIN}\n${body}${END}`;
    const next = b >= 0 && e > b ? `${old.slice(0, b)}${block}${old.slice(e + END.length)}` : `# Scale benchmark results\n\n${block}\n`;
    fs.writeFileSync(file, next);
}

function main(o: Options): number {
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-bench-"));
    const results: SizeResult[] = [];
    try {
        for (const n of o.sizes) {
            const flatFile = path.join(dir, `flat-${n}.json`);
            const component: ChildResult[] = [];
            const raw: ChildResult[] = [];
            for (let p = 1; p <= o.pairs; p++) {
                const c = runChild("component", n, flatFile, o);
                component.push(c);
                const r = runChild("raw", n, flatFile, o);
                raw.push(r);
                log(
                    `N=${n} pair ${p}/${o.pairs}: component ${c.timeMs.toFixed(0)} ms (CPU ${c.cpuMs.toFixed(0)}) ${c.maxRssMb.toFixed(0)} MB (${c.resources} registrations), raw ${r.timeMs.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)}) ${r.maxRssMb.toFixed(0)} MB (${r.resources})`,
                );
            }
            results.push(summarise(n, component, raw));
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    let importCost: ImportCost | undefined;
    if (o.importCost) {
        ensureBuilt(log);
        importCost = measureImport();
    }
    const checks = targets(results, importCost);
    const body = report(o, results, importCost, checks);
    log("");
    log(body);
    if (o.write) {
        writeResults(body);
        log("bench/RESULTS.md rewritten (measured part).");
    }
    const missed = checks.filter((t) => !t.pass);
    return o.check && missed.length > 0 ? 1 : 0;
}

if (require.main !== module) {
    // Imported (for `scenario`): run nothing.
} else if (process.argv[2] === "--child") {
    const [variant, n, flatFile] = process.argv.slice(3);
    // Warm-up and timed runs are optional when a child is started by hand (for a profile).
    const count = (i: number) => (process.argv.length > i ? Number(process.argv[i]) : 1);
    if (variant !== "component" && variant !== "raw") {
        throw new Error(`child variant must be component or raw, got ${variant}`);
    }
    child(variant, Number(n), flatFile, count(6), count(7)).catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    });
} else {
    process.exitCode = main(parseOptions(process.argv.slice(2)));
}
