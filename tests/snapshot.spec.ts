// Existing behaviour is kept: every program's URNs and custom resources' inputs equal the baseline
// committed from main before the refactor (tests/snapshot/programs.ts says what is kept and how).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { BASELINE_FILE, ProgramSnapshot, SNAPSHOT_PROGRAMS, snapshotOf } from "./snapshot/programs";

const baseline = JSON.parse(fs.readFileSync(BASELINE_FILE, "utf8")) as Record<string, ProgramSnapshot>;

describe("snapshot: URNs and custom resource inputs equal the committed baseline", () => {
    it("covers every snapshot program", () => {
        assert.deepEqual(Object.keys(baseline).sort(), SNAPSHOT_PROGRAMS.map((p) => p.name).sort());
    });
    for (const p of SNAPSHOT_PROGRAMS) {
        it(p.name, async () => {
            const now = await snapshotOf(p);
            const was = baseline[p.name];
            assert.ok(was.components.length > 0 && Object.keys(was.custom).length > 0);
            assert.deepEqual(now.components, was.components, "component URNs changed");
            assert.deepEqual(Object.keys(now.custom), Object.keys(was.custom), "custom resource URNs changed");
            for (const urn of Object.keys(was.custom)) {
                assert.deepEqual(now.custom[urn], was.custom[urn], `inputs of ${urn} changed`);
            }
        });
    }
});
