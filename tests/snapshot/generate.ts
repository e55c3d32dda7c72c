// Rewrites tests/snapshot/baseline.json. Run only when a change of URNs or inputs is intended, and say
// so in the CHANGELOG: `npx ts-node --transpile-only tests/snapshot/generate.ts`.
import * as fs from "node:fs";
import { BASELINE_FILE, ProgramSnapshot, SNAPSHOT_PROGRAMS, snapshotOf } from "./programs";

async function main(): Promise<void> {
    const out: Record<string, ProgramSnapshot> = {};
    for (const p of SNAPSHOT_PROGRAMS) {
        out[p.name] = await snapshotOf(p);
    }
    fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(out, null, 1)}\n`);
    console.log(`wrote ${BASELINE_FILE}: ${Object.keys(out).length} programs`);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
