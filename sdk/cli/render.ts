// `meshtls render <stack file>`: the posture input of the MtlsPlatform a stack file configures (the
// objects its children declare, the mesh's facts, the chart-deployed workloads and the declared links),
// as YAML documents `meshtls posture` and `meshtls posture diff` read. A pull request renders the base
// and the head this way and diffs the two, with no cluster, no Pulumi CLI and no secret: the documents
// hold no Secret and no key material.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { planMtlsPlatform, platformPostureInput, readPlatformConfig } from "../platform";
import { postureDocuments } from "../posture";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./posture";
import type { CliIo } from "./posture";

/** The file `--out DIR` writes. */
export const RENDER_FILE = "posture.yaml";

/** `meshtls render` flags. */
export interface RenderArgs {
    /** The stack file (`Pulumi.<stack>.yaml`). */
    stackFile: string;
    /** `--out DIR`: write DIR/posture.yaml; absent: print to stdout. */
    out?: string;
    /** `--name NAME`: the platform's resource name (the root program's is `meshtls`). @default "meshtls" */
    name: string;
}

/** Parses `meshtls render` arguments. */
export function parseRenderArgs(argv: string[]): RenderArgs {
    const positional: string[] = [];
    let out: string | undefined;
    let name = "meshtls";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        if (flag === "--out" || flag === "--name") {
            const value = inline ?? argv[++i];
            if (!value) {
                throw new UsageError(`${flag} needs a value`);
            }
            if (flag === "--out") {
                out = value;
            } else {
                name = value;
            }
        } else if (a.startsWith("-")) {
            throw new UsageError(`unknown flag ${JSON.stringify(a)}; accepted: --out DIR, --name NAME`);
        } else {
            positional.push(a);
        }
    }
    if (positional.length !== 1) {
        throw new UsageError(`meshtls render needs one stack file (Pulumi.<stack>.yaml); got ${positional.length}${positional.length ? `: ${positional.join(" ")}` : ""}`);
    }
    return { stackFile: positional[0], out, name };
}

/** A stack file's `config:` (its text) as the Pulumi CLI hands it to a program: every value a string (objects as JSON). */
export function stackConfigOf(stackFileText: string): Record<string, string> {
    const doc = YAML.parse(stackFileText) as { config?: Record<string, unknown> } | null;
    return Object.fromEntries(Object.entries(doc?.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** `stackConfigOf` of a stack file. */
function stackConfig(file: string): Record<string, string> {
    return stackConfigOf(fs.readFileSync(file, "utf8"));
}

/** `meshtls render`: the exit code. Bad config is exit 2 with every problem, named by its `meshtls:` key. */
export function runRender(argv: string[], io: CliIo): number {
    const args = parseRenderArgs(argv);
    let text: string;
    try {
        const config = readPlatformConfig(stackConfig(args.stackFile));
        const plan = planMtlsPlatform(args.name, config.platform);
        text = postureDocuments(platformPostureInput(plan))
            .map((d) => YAML.stringify(d, { sortMapEntries: true }))
            .join("---\n");
    } catch (e) {
        io.stderr(`meshtls render: ${args.stackFile}: ${e instanceof Error ? e.message : String(e)}\n`);
        return EXIT_USAGE;
    }
    if (args.out === undefined) {
        io.stdout(text);
    } else {
        fs.mkdirSync(args.out, { recursive: true });
        fs.writeFileSync(path.join(args.out, RENDER_FILE), text);
        io.stderr(`meshtls render: wrote ${path.join(args.out, RENDER_FILE)}\n`);
    }
    return EXIT_OK;
}
