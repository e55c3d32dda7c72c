// The `meshtls` command line: dispatch and help. `runCli` takes the arguments and the output streams and
// returns the exit code, so tests run it in-process; main.ts only wires process.argv and the exit code.
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, parsePostureArgs, runPosture, runPostureDiff, UsageError } from "./posture";
import type { CliIo, CliOptions } from "./posture";
import { runRender } from "./render";
import { runPlan } from "./plan";

/** The help text (`meshtls --help`); docs/reference/cli.md shows it verbatim, and a test keeps them equal. */
export const CLI_HELP = `meshtls: the effective mTLS posture of a mesh, computed from its Kubernetes objects

Usage:
  meshtls posture [paths...] [--format table|markdown|json|mermaid] [--fail-on STATES]
  meshtls posture diff <before> <after> [--fail-on STATES]
  meshtls render <Pulumi.<stack>.yaml> [--out DIR] [--name NAME]
  meshtls plan [--stack-file FILE] [--out DIR]
  meshtls --help

Paths are YAML or JSON files, or directories read recursively (.yaml, .yml, .json files, in
sorted order): a render directory, or saved \`kubectl get ... -o yaml\` output. Lists are
expanded. Facts documents (apiVersion posture.meshtls.dev/v1alpha1, kinds MeshFacts, Workload,
DeclaredLink, NamespaceLabels) describe the install; without a MeshFacts document, Istio objects imply an Istio
install with the default facts, and the output says so.

posture prints every link with its state (mtls, tls, plaintext, refused, unknown), the reason
and the objects that decided it, then the kinds it read but does not model, and notes.
posture diff prints Markdown for a pull-request comment: the transition-safety verdict, and the
links added, removed, or whose state changed.
render writes the posture input of the MtlsPlatform a stack file configures (its objects and
facts, no Secret) as YAML: to DIR/posture.yaml with --out, else to stdout. Render the base and
the head of a pull request, then run posture diff on the two.
plan (npm run plan) writes what the main program would create from a stack file (default
Pulumi.dev.yaml) to DIR (default plan/): objects.yaml (every object meshtls declares, not
those the charts render), charts.yaml, posture.md and diagram.mmd; keys are placeholders.

Options:
  --format FORMAT   posture only: table (default), markdown, json, mermaid
  --fail-on STATES  comma-separated; exit 1 when a link is in one of these states:
                    mtls, tls, plaintext, refused, unknown (posture diff: in the after
                    posture). posture diff also takes unsafe: exit 1 when the
                    transition-safety verdict is unsafe or unknown
  -h, --help        print this help

Exit codes:
  0  printed; no link in a --fail-on state (and, with --fail-on unsafe, a safe transition)
  1  printed; a link is in a --fail-on state, or (--fail-on unsafe) the transition is
     not safe; stderr lists why
  2  bad usage or bad input: stderr names the flag and value, or the file, document and
     line; nothing is printed on stdout
  3  internal error (a bug in meshtls); nothing is printed on stdout
`;

/**
 * Runs `meshtls <argv...>` (argv without node and the script) and returns the exit code. Output goes
 * through `io`; on exit codes 2 and 3 nothing is written to stdout. `options` replaces the engine (tests).
 */
export function runCli(argv: string[], io: CliIo, options: CliOptions = {}): number {
    const usage = (message: string, command = ""): number => {
        io.stderr(`meshtls${command}: ${message}\nRun meshtls --help for usage.\n`);
        return EXIT_USAGE;
    };
    if (argv.length === 0) {
        return usage("no command; accepted: posture, posture diff, render, plan, --help");
    }
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || command === "help") {
        io.stdout(CLI_HELP);
        return EXIT_OK;
    }
    // `plan` and `render`: help, or the command with its usage errors reported as usage.
    const sub = new Map<string, (args: string[], cliIo: CliIo) => number>([
        ["plan", runPlan],
        ["render", runRender],
    ]).get(command);
    if (sub !== undefined) {
        if (rest.includes("--help") || rest.includes("-h")) {
            io.stdout(CLI_HELP);
            return EXIT_OK;
        }
        try {
            return sub(rest, io);
        } catch (e) {
            if (e instanceof UsageError) {
                return usage(e.message, ` ${command}`);
            }
            throw e;
        }
    }
    if (command !== "posture") {
        return usage(`unknown command ${JSON.stringify(command)}; accepted: posture, posture diff, render, plan, --help`);
    }
    // `posture diff`: a directory named diff is `./diff`.
    const diff = rest[0] === "diff";
    const name = diff ? "posture diff" : "posture";
    try {
        const args = parsePostureArgs(diff ? rest.slice(1) : rest, name);
        if (args.help) {
            io.stdout(CLI_HELP);
            return EXIT_OK;
        }
        return diff ? runPostureDiff(args, io, options) : runPosture(args, io, options);
    } catch (e) {
        if (e instanceof UsageError) {
            return usage(e.message, ` ${name}`);
        }
        // Not exit 1: that would read as "a link is in a --fail-on state".
        io.stderr(`meshtls ${name}: internal error (a bug in meshtls; please report it with the input): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        return EXIT_INTERNAL;
    }
}
