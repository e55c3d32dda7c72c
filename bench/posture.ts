// Posture engine benchmark (npm run bench:posture; not part of npm test or CI): `computePosture` alone on
// the bench platform of bench/scale.ts (N namespaces, each with a STRICT MtlsPolicy and client
// DestinationRule, a Gloo Istio upstream and an AuthorizationPolicy), for N = 100, 300 and 1000. The
// plan and the engine's input are built once per N, outside the timing; then warm-up runs, then the
// median of the timed runs (process.hrtime). Issue 16 asks for linear growth: time(1000) / time(100) <= 12.
//
// Two inputs per N:
// - `platform`: what the platform declares (platformPostureInput). Its upstreams point at `app` Services
//   the platform does not declare, so those links are `unknown` and the per-Service paths stay cold;
// - `platform + apps`: the same plus an injected Namespace, a Deployment and a Service `app` per namespace,
//   as `meshtls posture` reads them from a cluster where the apps run: every link reaches a workload, so
//   every lookup (PeerAuthentications, DestinationRules, workloads, Services) runs once per link.
//
//   npm run bench:posture -- [--n 100,300,1000] [--warmup 5] [--runs 21] [--check] [--write]
//
// --check exits non-zero when the bench platform's growth ratio exceeds 12; --write rewrites the measured part of
// bench/RESULTS.md between its posture-bench:begin/end markers.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { planMtlsPlatform } from "../sdk/platform";
import type { MtlsPlatformArgs } from "../sdk/platform";
import { platformPostureInput } from "../sdk/platform/posture";
import { computePosture } from "../sdk/posture";
import type { KubeObject, PostureInput, PostureResult } from "../sdk/posture";
import { scenario } from "./scale";
import { intArg } from "./args";

/** The inputs timed per N. */
export type PostureBenchInput = "platform" | "platform + apps";

/** Every input, in table order. */
export const POSTURE_BENCH_INPUTS: readonly PostureBenchInput[] = Object.freeze(["platform", "platform + apps"]);

/** What one input at one N measured. */
export interface PostureBenchRow {
    /** Which input. */
    input: PostureBenchInput;
    /** The number of namespaces (policies, upstreams, authorization targets). */
    n: number;
    /** Objects in the engine's input. */
    objects: number;
    /** Links in the result. */
    links: number;
    /** Median engine time over the timed runs, ms. */
    medianMs: number;
    /** Fastest timed run, ms. */
    minMs: number;
    /** Slowest timed run, ms. */
    maxMs: number;
}

/** How to run the bench. */
export interface PostureBenchOptions {
    /** The sizes. @default [100, 300, 1000] */
    sizes: number[];
    /** Untimed runs first (JIT). @default 5 */
    warmup: number;
    /** Timed runs; the median is reported. @default 21 */
    runs: number;
}

/** The growth target of issue 16. */
export const POSTURE_GROWTH_TARGET = 12;

/** The input the target is for: the bench platform as declared. */
const TARGET_INPUT: PostureBenchInput = "platform";

/** The apps the bench platform's namespaces serve: an injected Namespace, a Deployment and a Service `app:8080` each. */
export function benchApps(n: number): KubeObject[] {
    const out: KubeObject[] = [];
    for (let i = 0; i < n; i++) {
        const namespace = `ns-${i}`;
        out.push(
            { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { "istio-injection": "enabled" } } },
            {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "app", namespace },
                spec: { template: { metadata: { labels: { app: "app" } }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] } } },
            },
            { apiVersion: "v1", kind: "Service", metadata: { name: "app", namespace }, spec: { selector: { app: "app" }, ports: [{ name: "http", port: 8080, targetPort: 8080 }] } },
        );
    }
    return out;
}

/** The engine's input for the bench platform with `n` namespaces (plan and input built here, once). */
export function benchPostureInput(n: number, input: PostureBenchInput): PostureInput {
    // scenario() holds plain values only, so its Unwrap is itself.
    const plan = planMtlsPlatform("bench", scenario(n) as pulumi.Unwrap<MtlsPlatformArgs>);
    const declared = platformPostureInput(plan);
    return input === "platform" ? declared : { ...declared, objects: [...declared.objects, ...benchApps(n)] };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times `engine` (the posture engine unless given, e.g. an older copy for an A/B) on every input at every
 * size. The timed runs go in rounds over all cells (every input at every N, then again), so load from
 * other work on the machine drifts over all sizes alike; with `--expose-gc`, each timed run starts after a
 * full collection, so a run pays for its own garbage only, not for the previous run's.
 */
export function runPostureBench(o: PostureBenchOptions, engine: (input: PostureInput) => PostureResult = computePosture): PostureBenchRow[] {
    const gc = (globalThis as { gc?: () => void }).gc;
    const cells = POSTURE_BENCH_INPUTS.flatMap((input) => o.sizes.map((n) => ({ input, n, engineInput: benchPostureInput(n, input), links: 0, times: [] as number[] })));
    for (const c of cells) {
        c.links = engine(c.engineInput).links.length;
        for (let i = 0; i < o.warmup; i++) {
            engine(c.engineInput);
        }
    }
    for (let round = 0; round < o.runs; round++) {
        for (const c of cells) {
            gc?.();
            const start = process.hrtime.bigint();
            engine(c.engineInput);
            c.times.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
    }
    return cells.map((c) => ({ input: c.input, n: c.n, objects: c.engineInput.objects.length, links: c.links, medianMs: median(c.times), minMs: Math.min(...c.times), maxMs: Math.max(...c.times) }));
}

/** time(largest N) / time(smallest N) per input, when both were measured. */
export function growthRatios(rows: readonly PostureBenchRow[], from = 100, to = 1000): Array<{ input: PostureBenchInput; ratio: number }> {
    const out: Array<{ input: PostureBenchInput; ratio: number }> = [];
    for (const input of POSTURE_BENCH_INPUTS) {
        const a = rows.find((r) => r.input === input && r.n === from);
        const b = rows.find((r) => r.input === input && r.n === to);
        if (a && b) {
            out.push({ input, ratio: b.medianMs / a.medianMs });
        }
    }
    return out;
}

/** The Markdown report: machine, table, growth. */
export function postureBenchReport(o: PostureBenchOptions, rows: readonly PostureBenchRow[]): string {
    const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
    const growth = growthRatios(rows);
    return [
        `Node ${process.version}, ${cpu} (${os.cpus().length} cores), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end, ${new Date().toISOString().slice(0, 10)}.`,
        `One process; per input and N the plan and the engine's input are built once, then ${o.warmup} warm-up run(s); then ${o.runs} rounds of one timed`,
        `\`computePosture\` run per input and N${(globalThis as { gc?: unknown }).gc ? ", each after a full GC (--expose-gc)" : " (no --expose-gc: a run may pay for earlier runs' garbage)"}. Figures are median (min..max) ms over the rounds.`,
        "",
        "| input | N | objects | links | engine ms | µs per link |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        ...rows.map((r) => `| ${r.input} | ${r.n} | ${r.objects} | ${r.links} | ${r.medianMs.toFixed(2)} (${r.minMs.toFixed(2)}..${r.maxMs.toFixed(2)}) | ${((1000 * r.medianMs) / r.links).toFixed(1)} |`),
        "",
        ...growth.map((g) =>
            g.input === TARGET_INPUT
                ? `- ${g.ratio <= POSTURE_GROWTH_TARGET ? "pass" : "FAIL"}: growth time(N=1000) / time(N=100), ${g.input}, <= ${POSTURE_GROWTH_TARGET}: ${g.ratio.toFixed(2)}`
                : `- growth time(N=1000) / time(N=100), ${g.input} (no target): ${g.ratio.toFixed(2)}`,
        ),
        "",
    ].join("\n");
}

const BEGIN = "<!-- posture-bench:begin (npm run bench:posture -- --write rewrites this part) -->";
const END = "<!-- posture-bench:end -->";

function writeResults(body: string): void {
    const file = path.join(__dirname, "RESULTS.md");
    const old = fs.readFileSync(file, "utf8");
    const b = old.indexOf(BEGIN);
    const e = old.indexOf(END);
    if (b < 0 || e < b) {
        throw new Error(`bench/RESULTS.md has no ${BEGIN} ... ${END} block to rewrite`);
    }
    fs.writeFileSync(file, `${old.slice(0, b)}${BEGIN}\n${body}${END}${old.slice(e + END.length)}`);
}

function parseOptions(argv: string[]): PostureBenchOptions & { check: boolean; write: boolean } {
    const o = { sizes: [100, 300, 1000], warmup: 5, runs: 21, check: false, write: false };
    const count = intArg;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        switch (a) {
            case "--n":
                o.sizes = (argv[++i] ?? "").split(",").map((s) => count("--n", s, 1));
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
            default:
                throw new Error(`unknown option ${a} (see the header of bench/posture.ts)`);
        }
    }
    return o;
}

if (require.main === module) {
    const o = parseOptions(process.argv.slice(2));
    const rows = runPostureBench(o);
    const body = postureBenchReport(o, rows);
    process.stdout.write(`${body}\n`);
    if (o.write) {
        writeResults(body);
        process.stdout.write("bench/RESULTS.md rewritten (posture engine part).\n");
    }
    if (o.check && growthRatios(rows).some((g) => g.input === TARGET_INPUT && g.ratio > POSTURE_GROWTH_TARGET)) {
        process.exitCode = 1;
    }
}
