// Scale benchmark (npm run bench; not part of npm test): MtlsPlatform with N namespaces (a STRICT
// namespace MtlsPolicy with client DestinationRule each), N Gloo upstreams and N AuthorizationPolicies,
// against the same custom resources declared flat, for N = 10, 100, 1000, under the mock runtime until
// every registration settles. Each (variant, N) runs in its own process so peak RSS is its own.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MtlsPlatform, MtlsPlatformArgs } from "../sdk";
import { runProgram } from "../tests/harness";

const SIZES = [10, 100, 1000];
const RUNS = 5;

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

interface ChildResult {
    resources: number;
    timesMs: number[];
    maxRssMb: number;
}

async function child(variant: string, n: number, flatFile: string): Promise<void> {
    const program =
        variant === "component"
            ? () => {
                  new MtlsPlatform("bench", scenario(n));
              }
            : () => {
                  // The same custom resources the component registered, declared directly.
                  const flat = JSON.parse(fs.readFileSync(flatFile, "utf8")) as Flat[];
                  for (const r of flat) {
                      new RawResource(r.type, r.name, r.inputs);
                  }
              };
    const first = await runProgram(program); // warm-up (module loading, JIT)
    if (variant === "component") {
        const flat: Flat[] = first.resources.filter((r) => r.custom && r.readId === undefined).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        fs.writeFileSync(flatFile, JSON.stringify(flat));
    }
    const timesMs: number[] = [];
    let resources = 0;
    for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        const result = await runProgram(program);
        timesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
        resources = result.resources.length;
    }
    const out: ChildResult = { resources, timesMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function runChild(variant: string, n: number, flatFile: string): ChildResult {
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child", variant, String(n), flatFile], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (run.status !== 0 || !line) {
        throw new Error(`bench child ${variant} N=${n} failed (${String(run.status)}):\n${run.stderr}`);
    }
    return JSON.parse(line.slice("RESULT ".length)) as ChildResult;
}

function main(): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-bench-"));
    const rows: string[] = [];
    const medians = new Map<number, number>();
    let ratio1000 = NaN;
    try {
        for (const n of SIZES) {
            const flatFile = path.join(dir, `flat-${n}.json`);
            const component = runChild("component", n, flatFile);
            const raw = runChild("raw", n, flatFile);
            const c = median(component.timesMs);
            const r = median(raw.timesMs);
            medians.set(n, c);
            const ratio = c / r;
            if (n === 1000) {
                ratio1000 = ratio;
            }
            rows.push(
                `| ${n} | ${component.resources} | ${raw.resources} | ${c.toFixed(0)} | ${r.toFixed(0)} | ${ratio.toFixed(2)} | ${component.maxRssMb.toFixed(0)} | ${raw.maxRssMb.toFixed(0)} |`,
            );
            process.stdout.write(`N=${n}: component ${c.toFixed(0)} ms (${component.resources} resources), raw ${r.toFixed(0)} ms (${raw.resources}), ratio ${ratio.toFixed(2)}\n`);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    const growth = (medians.get(1000) ?? NaN) / (medians.get(100) ?? NaN);
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const report = [
        "# Scale benchmark results",
        "",
        "`npm run bench` (bench/scale.ts): `MtlsPlatform` with N namespaces (namespace-wide STRICT `MtlsPolicy` + client",
        "DestinationRule each), N Gloo upstreams and N AuthorizationPolicies, against the same custom resources declared",
        "flat (components excluded), under Pulumi's mock runtime until every registration settles. Times are the median",
        `of ${RUNS} runs after a warm-up; each (variant, N) runs in its own process, so peak RSS is its own.`,
        "",
        `Node ${process.version}, ${cpu} (${os.cpus().length} cores), ${new Date().toISOString().slice(0, 10)}.`,
        "",
        "| N | resources (platform) | resources (raw) | platform ms | raw ms | ratio | platform peak RSS MB | raw peak RSS MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows,
        "",
        `Growth factor time(N=1000) / time(N=100), platform: ${growth.toFixed(2)} (target at most 12: linear).`,
        `Ratio platform / raw at N=1000: ${ratio1000.toFixed(2)} (target at most 1.5).`,
        "",
    ].join("\n");
    fs.writeFileSync(path.join(__dirname, "RESULTS.md"), report);
    process.stdout.write(`${report}\n`);
}

if (process.argv[2] === "--child") {
    child(process.argv[3], Number(process.argv[4]), process.argv[5]).catch((err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
    });
} else {
    main();
}
