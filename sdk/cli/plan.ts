// `meshtls plan [--stack-file F] [--out DIR]` (`npm run plan`): what the main program would create, from
// its stack file alone: no Pulumi CLI, no cluster, no mock runtime. It plans the MtlsPlatform the stack
// configures and writes every object meshtls declares, every chart install (values included), the
// posture table and the trust and links diagram. Key material is a placeholder: the output is the same
// on every run and holds no secret.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { planMtlsPlatform, platformManifests, platformPostureInput, platformTrust, readPlatformConfig } from "../platform";
import type { MtlsPlatformPlan } from "../platform";
import { computePosture, formatPosture, LINK_STATES, postureDiagram } from "../posture";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./posture";
import { stackConfigOf } from "./render";
import type { CliIo } from "./posture";

/** The files a plan writes, name -> content. */
export type PlanFiles = Record<string, string>;

/** The plan's files and its one-screen summary, from a stack file's text. Pure. */
export function planFiles(stackFileText: string, name = "meshtls"): { files: PlanFiles; summary: string } {
    const plan = planMtlsPlatform(name, readPlatformConfig(stackConfigOf(stackFileText)).platform);
    if (plan.fleet === undefined) {
        return clusterPlanFiles(plan);
    }
    // A fleet in one program: every cluster's plan in its own folder, and one summary block per cluster.
    const files: PlanFiles = {};
    const summaries: string[] = [];
    for (const c of plan.fleet.clusters) {
        const one = clusterPlanFiles(c.plan);
        for (const [file, text] of Object.entries(one.files)) {
            files[`${c.name}/${file}`] = text;
        }
        summaries.push(`cluster ${c.name} (${c.renderDirectory !== undefined ? `renders to ${c.renderDirectory}` : `context ${c.kubeconfigContext ?? ""}`}):\n${one.summary.replace(/^/gm, "  ")}`);
    }
    return { files, summary: [`fleet CA: ${plan.fleet.ca.name}, ${plan.fleet.clusters.length} clusters, ${plan.fleet.ca.plan.rotationState.rotationPhase} at generation ${plan.fleet.ca.plan.rotationState.generation}`, ...summaries].join("\n") };
}

/** One cluster's plan files and summary. */
function clusterPlanFiles(plan: MtlsPlatformPlan): { files: PlanFiles; summary: string } {
    const m = platformManifests(plan);
    const posture = computePosture(platformPostureInput(plan));
    const header = (what: string) => `# ${what}, planned by meshtls from the stack file (no cluster). Key material: placeholders.\n`;
    const objects =
        header("Every Kubernetes object meshtls declares (not those the charts render)") +
        m.objects.map((o) => `# resource ${o.resource}${o.kind === "patch" ? " (a patch of an object another controller owns)" : ""}\n${YAML.stringify(o.object, { sortMapEntries: true })}`).join("---\n");
    const charts = header("Every chart meshtls installs") + m.charts.map((c) => `# resource ${c.resource}\n${YAML.stringify(c.install, { sortMapEntries: true })}`).join("---\n");
    const files: PlanFiles = {
        "objects.yaml": objects,
        "charts.yaml": charts,
        "posture.md": `# Posture\n\n${formatPosture(posture, "markdown", m.notes)}`,
        "diagram.mmd": postureDiagram({ trust: platformTrust(plan), links: posture.links }),
    };
    const kinds = new Map<string, number>();
    for (const o of m.objects) {
        const kind = `${String(o.object.kind)}${o.kind === "patch" ? " (patch)" : ""}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const states = LINK_STATES.map((s) => [s, posture.links.filter((l) => l.state === s).length] as const).filter(([, n]) => n > 0);
    const summary = [
        `objects: ${m.objects.length} (${[...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(", ")})`,
        `charts: ${m.charts.map((c) => `${c.install.chart} ${c.install.version}`).join(", ") || "none"}`,
        `links: ${posture.links.length} (${states.map(([s, n]) => `${n} ${s}`).join(", ")})`,
        ...m.notes.map((n) => `note: ${n}`),
    ].join("\n");
    return { files, summary };
}

/** `meshtls plan`: the exit code. */
export function runPlan(argv: string[], io: CliIo): number {
    let stackFile = "Pulumi.dev.yaml";
    let out = "plan";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack-file" || a === "--out") {
            const v = argv[++i];
            if (!v) {
                throw new UsageError(`${a} needs a value`);
            }
            if (a === "--out") {
                out = v;
            } else {
                stackFile = v;
            }
        } else {
            throw new UsageError(`unknown argument ${JSON.stringify(a)}; accepted: --stack-file FILE, --out DIR`);
        }
    }
    let result: ReturnType<typeof planFiles>;
    try {
        result = planFiles(fs.readFileSync(stackFile, "utf8"));
    } catch (e) {
        io.stderr(`meshtls plan: ${stackFile}: ${e instanceof Error ? e.message : String(e)}\n`);
        return EXIT_USAGE;
    }
    for (const [file, text] of Object.entries(result.files)) {
        fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
        fs.writeFileSync(path.join(out, file), text);
    }
    io.stdout(`meshtls plan: ${stackFile} -> ${out}/ (${Object.keys(result.files).join(", ")})\n${result.summary}\n`);
    return EXIT_OK;
}
