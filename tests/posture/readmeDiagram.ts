// The dev stack's trust-and-links diagram in README.md (issue 16 item 6): built from Pulumi.dev.yaml's
// platform plan, and the README block that holds it. `npm run gen:diagram` rewrites the block;
// tests/posture/diagram.spec.ts fails when it is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { planMtlsPlatform, platformTrust, readPlatformConfig } from "../../sdk/platform";
import type { MtlsPlatformPlan } from "../../sdk/platform";
import { platformPostureInput } from "../../sdk/platform/posture";
import { computePosture, postureDiagram } from "../../sdk/posture";
import { readStackConfig } from "../harness";

/** The repository root. */
export const ROOT = path.join(__dirname, "..", "..");
/** The README block's markers. */
export const DIAGRAM_START = "<!-- posture-diagram:start -->";
export const DIAGRAM_END = "<!-- posture-diagram:end -->";
/** How to regenerate the block, for failure messages. */
export const REGENERATE = "npm run gen:diagram";

/** The dev stack's platform plan (the root program's resource name, `meshtls`). */
export function devStackPlan(): MtlsPlatformPlan {
    return planMtlsPlatform("meshtls", readPlatformConfig(readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"))).platform);
}

/** The dev stack's diagram (Mermaid text), from its plan: trust from the CA and its users, links from the engine. */
export function devStackDiagram(): string {
    const plan = devStackPlan();
    return postureDiagram({ trust: platformTrust(plan), links: computePosture(platformPostureInput(plan)).links });
}

/** The README block for a diagram: the markers around a ```mermaid fence. */
export function diagramBlock(diagram: string): string {
    return `${DIAGRAM_START}\n\`\`\`mermaid\n${diagram}\`\`\`\n${DIAGRAM_END}`;
}

/** The block between (and including) the markers, or undefined when the README has no such block. */
export function readmeDiagramBlock(readme: string): string | undefined {
    const b = readme.indexOf(DIAGRAM_START);
    const e = readme.indexOf(DIAGRAM_END);
    return b >= 0 && e > b ? readme.slice(b, e + DIAGRAM_END.length) : undefined;
}

if (require.main === module) {
    const file = path.join(ROOT, "README.md");
    const readme = fs.readFileSync(file, "utf8");
    const old = readmeDiagramBlock(readme);
    if (old === undefined) {
        throw new Error(`README.md has no ${DIAGRAM_START} ... ${DIAGRAM_END} block to rewrite`);
    }
    const next = readme.replace(old, () => diagramBlock(devStackDiagram()));
    fs.writeFileSync(file, next);
    process.stdout.write(next === readme ? "README.md diagram already up to date\n" : "README.md diagram rewritten\n");
}
