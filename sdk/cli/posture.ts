// `meshtls posture` and `meshtls posture diff`: flags, loading, the engine, the rendering, and the exit
// code. No CLI library: two commands and two flags do not need one, and the package stays small.
import { changeSteps, computePosture, describeLoadProblem, documentsInput, formatPosture, formatPostureDiff, LINK_STATES, linkStates, loadPostureInput, POSTURE_FORMATS, postureDocuments, transitionSafety, violationsTable } from "../posture";
import type { LinkState, LoadResult, PostureDiffVerdict, PostureFormat, PostureInput, PostureResult } from "../posture";

/** Where the CLI writes: process.stdout/stderr in main.ts, buffers in tests. */
export interface CliIo {
    /** The result (a posture, a diff, the help text when asked for). */
    stdout(s: string): void;
    /** Problems, and why the exit code is not 0. */
    stderr(s: string): void;
}

/** What the CLI runs on, replaceable in tests. */
export interface CliOptions {
    /** The posture engine. @default computePosture */
    engine?: (input: PostureInput) => PostureResult;
}

/** Exit code: the posture was printed and no link is in a `--fail-on` state. */
export const EXIT_OK = 0;
/** Exit code: the posture was printed and a link is in a `--fail-on` state (or, with `--fail-on unsafe`, the diff's verdict is not safe). */
export const EXIT_FAIL_ON = 1;
/** Exit code: bad usage (flag, value, arguments) or bad input (a file or document): nothing is printed on stdout. */
export const EXIT_USAGE = 2;
/** Exit code: internal error (a bug in meshtls, e.g. the engine threw): nothing is printed on stdout. */
export const EXIT_INTERNAL = 3;

/** The `--fail-on` value that checks the transition-safety verdict (posture diff only). */
export const FAIL_ON_UNSAFE = "unsafe";

/** A usage problem: the message names the flag or argument, the bad value and what is accepted. */
export class UsageError extends Error {}

/** The flags and positional arguments of one command. */
export interface PostureCliArgs {
    /** The paths (posture) or the before and after paths (posture diff). */
    paths: string[];
    /** `--format`. @default "table" */
    format: PostureFormat;
    /** `--fail-on`, the link states (and, for diff, `unsafe`) that make the exit code 1. @default [] */
    failOn: string[];
    /** `--help` or `-h` was given. @default false */
    help: boolean;
}

/**
 * Parses a command's arguments (`--flag value`, `--flag=value`, `--` ends the flags). Throws a UsageError
 * naming the flag and the accepted values.
 */
export function parsePostureArgs(args: string[], command: "posture" | "posture diff"): PostureCliArgs {
    const diff = command === "posture diff";
    const valued = diff ? ["--fail-on"] : ["--format", "--fail-on"];
    const flags = [...valued, "--help"];
    const failOnAccepted: string[] = [...LINK_STATES, ...(diff ? [FAIL_ON_UNSAFE] : [])];
    const parsed: PostureCliArgs = { paths: [], format: "table", failOn: [], help: false };
    let format: string | undefined;
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--") {
            parsed.paths.push(...args.slice(i + 1));
            break;
        }
        if (arg === "-h" || arg === "--help") {
            parsed.help = true;
            continue;
        }
        if (!arg.startsWith("--")) {
            parsed.paths.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const flag = eq < 0 ? arg : arg.slice(0, eq);
        if (!valued.includes(flag)) {
            if (flag === "--help") {
                throw new UsageError(`--help takes no value; got ${JSON.stringify(arg)}`);
            }
            const why = diff && flag === "--format" ? " (its output is Markdown)" : "";
            throw new UsageError(`unknown option ${flag} for meshtls ${command}${why}; accepted: ${flags.join(", ")}`);
        }
        let value: string | undefined;
        if (eq >= 0) {
            value = arg.slice(eq + 1);
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            value = args[++i];
        }
        if (value === undefined || value === "") {
            throw new UsageError(`${flag} needs a value; accepted: ${flag === "--format" ? POSTURE_FORMATS.join(", ") : failOnAccepted.join(", ")}`);
        }
        if (flag === "--format") {
            if (format !== undefined) {
                throw new UsageError(`--format is given twice (${format} and ${value}); give it once`);
            }
            if (!(POSTURE_FORMATS as readonly string[]).includes(value)) {
                throw new UsageError(`--format ${JSON.stringify(value)} is not accepted; accepted: ${POSTURE_FORMATS.join(", ")}`);
            }
            format = value;
            parsed.format = value as PostureFormat;
        } else {
            // Repeated --fail-on flags add up, as a comma-separated list does.
            for (const item of value.split(",").map((s) => s.trim())) {
                if (!failOnAccepted.includes(item)) {
                    const hint = !diff && item === FAIL_ON_UNSAFE ? " (unsafe applies to meshtls posture diff only)" : "";
                    throw new UsageError(`--fail-on ${JSON.stringify(item)} is not accepted${hint}; accepted: ${failOnAccepted.join(", ")} (comma-separated)`);
                }
                if (!parsed.failOn.includes(item)) {
                    parsed.failOn.push(item);
                }
            }
        }
    }
    return parsed;
}

/** Loads the input; on any problem writes every one to stderr and returns undefined (nothing goes to stdout). */
function load(paths: string[], io: CliIo): (LoadResult & { ok: true }) | undefined {
    const loaded = loadPostureInput(paths);
    if (loaded.ok) {
        return loaded;
    }
    for (const p of loaded.errors) {
        io.stderr(`meshtls: ${describeLoadProblem(p)}\n`);
    }
    io.stderr(`meshtls: ${loaded.errors.length} ${loaded.errors.length === 1 ? "problem" : "problems"} in the input; no posture computed\n`);
    return undefined;
}

/** The links in a `--fail-on` state, reported on stderr; whether there were any. */
function reportFailOn(result: PostureResult, failOn: string[], io: CliIo, label: string): boolean {
    const states = failOn.filter((s): s is LinkState => (LINK_STATES as readonly string[]).includes(s));
    const failing = result.links.filter((l) => states.includes(l.state)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (failing.length === 0) {
        return false;
    }
    const noun = failing.length === 1 ? "link is" : "links are";
    io.stderr(`meshtls: ${failing.length} ${noun} in a --fail-on state (${states.join(", ")})${label}:\n${failing.map((l) => `  ${l.id}: ${l.state}\n`).join("")}`);
    return true;
}

/** `meshtls posture [paths...]`: the exit code. */
export function runPosture(args: PostureCliArgs, io: CliIo, options: CliOptions = {}): number {
    if (args.paths.length === 0) {
        throw new UsageError("meshtls posture needs at least one path (a YAML or JSON file, or a directory)");
    }
    const loaded = load(args.paths, io);
    if (loaded === undefined) {
        return EXIT_USAGE;
    }
    const result = (options.engine ?? computePosture)(loaded.input);
    io.stdout(formatPosture(result, args.format, loaded.notes));
    return reportFailOn(result, args.failOn, io, "") ? EXIT_FAIL_ON : EXIT_OK;
}

/** Both sides of a diff, as the verdict needs them. */
export interface PostureDiffSides {
    /** The input before the change. */
    beforeInput: PostureInput;
    /** The input after the change. */
    afterInput: PostureInput;
    /** The posture before the change. */
    before: PostureResult;
    /** The posture after the change. */
    after: PostureResult;
}

/**
 * The transition-safety verdict for a diff (sdk/posture/transitions.ts): the change between the two
 * inputs as steps over their documents (objects and facts alike). Two directories carry no dependency
 * graph, so every order of the steps is possible: each subset of them is an intermediate state, and
 * above the evaluator's cap the verdict is `unknown`, never safe.
 */
export function transitionVerdict(sides: PostureDiffSides, engine: (input: PostureInput) => PostureResult = computePosture): PostureDiffVerdict {
    const before = postureDocuments(sides.beforeInput);
    const v = transitionSafety({
        before,
        steps: changeSteps(before, postureDocuments(sides.afterInput)),
        dependsOn: {},
        evaluate: (docs) => linkStates(engine(documentsInput(docs))),
    });
    const details = violationsTable(v);
    return {
        verdict: v.verdict,
        reason: `${v.reason} No dependency order is known between two directories, so every order of the steps was considered.`,
        ...(details === "" ? {} : { details }),
    };
}

/** `meshtls posture diff <before> <after>`: the exit code. */
export function runPostureDiff(args: PostureCliArgs, io: CliIo, options: CliOptions = {}): number {
    if (args.paths.length !== 2) {
        throw new UsageError(`meshtls posture diff needs two paths, <before> and <after> (files or directories); got ${args.paths.length}${args.paths.length === 0 ? "" : `: ${args.paths.join(" ")}`}`);
    }
    // Both sides are loaded before either is reported, so one run shows every problem.
    const quiet: string[] = [];
    const sink: CliIo = { stdout: () => undefined, stderr: (s) => quiet.push(s) };
    const beforeLoaded = load([args.paths[0]], sink);
    const afterLoaded = load([args.paths[1]], sink);
    if (beforeLoaded === undefined || afterLoaded === undefined) {
        quiet.forEach((s) => {
            io.stderr(s);
        });
        return EXIT_USAGE;
    }
    const engine = options.engine ?? computePosture;
    const sides: PostureDiffSides = { beforeInput: beforeLoaded.input, afterInput: afterLoaded.input, before: engine(beforeLoaded.input), after: engine(afterLoaded.input) };
    const verdict = transitionVerdict(sides, engine);
    const notes = [...beforeLoaded.notes.map((n) => `before: ${n}`), ...afterLoaded.notes.map((n) => `after: ${n}`)];
    io.stdout(formatPostureDiff(sides.before, sides.after, verdict, notes));
    let failed = reportFailOn(sides.after, args.failOn, io, " after the change");
    if (args.failOn.includes(FAIL_ON_UNSAFE) && verdict.verdict !== "safe") {
        io.stderr(`meshtls: --fail-on unsafe: the transition is ${verdict.verdict}: ${verdict.reason}\n`);
        failed = true;
    }
    return failed ? EXIT_FAIL_ON : EXIT_OK;
}
