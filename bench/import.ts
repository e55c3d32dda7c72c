// Import cost of meshtls after its peers (issue 13 target: under 100 ms): each fresh process requires
// @pulumi/pulumi, kubernetes, tls and random, then times `require` of the built package (bin/sdk). The
// build is refreshed first when a source under sdk/ is newer than bin/sdk/index.js.
// `npm run bench:import` prints the figure alone; `npm run bench` prints it beside the scale figures.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const ENTRY = path.join(ROOT, "bin", "sdk", "index.js");

/** Import cost figures, in milliseconds over fresh processes. */
export interface ImportCost {
    /** Median of the processes' times. */
    medianMs: number;
    /** Fastest process. */
    minMs: number;
    /** Slowest process. */
    maxMs: number;
    /** How many processes were timed. */
    processes: number;
}

function newestSource(dir: string): number {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            newest = Math.max(newest, newestSource(p));
        } else if (entry.name.endsWith(".ts")) {
            newest = Math.max(newest, fs.statSync(p).mtimeMs);
        }
    }
    return newest;
}

/** Builds bin/sdk (`tsc -p tsconfig.build.json`) when it is missing or older than sdk/**\/*.ts. */
export function ensureBuilt(log: (line: string) => void): void {
    const built = fs.existsSync(ENTRY) ? fs.statSync(ENTRY).mtimeMs : 0;
    if (built >= newestSource(path.join(ROOT, "sdk"))) {
        return;
    }
    log("bin/sdk is missing or older than sdk/: building it (tsc -p tsconfig.build.json) to time the import");
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
}

/** Times `require("meshtls")` after its peers in `processes` fresh processes. */
export function measureImport(processes = 5): ImportCost {
    const script = `
require("@pulumi/pulumi"); require("@pulumi/kubernetes"); require("@pulumi/tls"); require("@pulumi/random");
const t = process.hrtime.bigint(); require(${JSON.stringify(ENTRY)});
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
    const times: number[] = [];
    for (let i = 0; i < processes; i++) {
        times.push(Number(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })));
    }
    times.sort((a, b) => a - b);
    const mid = Math.floor(times.length / 2);
    const medianMs = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    return { medianMs, minMs: times[0], maxMs: times[times.length - 1], processes };
}

if (require.main === module) {
    ensureBuilt((line) => process.stderr.write(`${line}\n`));
    const c = measureImport();
    process.stdout.write(
        `import meshtls after its peers: median ${c.medianMs.toFixed(1)} ms (min ${c.minMs.toFixed(1)}, max ${c.maxMs.toFixed(1)}, ${c.processes} processes); target < 100 ms: ${c.medianMs < 100 ? "pass" : "FAIL"}\n`,
    );
}
