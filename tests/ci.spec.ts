// docs/ci/meshtls-preview.yml is copied by users: every command it runs must exist in this package (npm
// scripts, the meshtls CLI's commands, the policy pack directory), and the Pulumi action's inputs must be
// ones the action declares (pulumi/actions v6.6.1 action.yml: command, stack-name, comment-on-pr,
// policyPacks, policyPackConfigs, ...).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CLI_HELP, runCli } from "../sdk/cli";

const ROOT = path.join(__dirname, "..");
const WORKFLOW = path.join(ROOT, "docs", "ci", "meshtls-preview.yml");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}

/** pulumi/actions v6.6.1 action.yml inputs. */
const PULUMI_ACTION_INPUTS = new Set([
    "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
    "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
    "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment",
    "color", "exclude-protected", "always-include-summary", "suppress-outputs", "suppress-progress", "plan", "continue-on-error",
]);

/** Tools the runner image provides (not this package's). */
const EXTERNAL = new Set(["pulumi", "jq", "gh", "echo", "set", "file=\"Pulumi.${PULUMI_STACK##*/}.yaml\"", "exit"]);

function steps(): Step[] {
    const doc = YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, { steps: Step[] }> };
    return Object.values(doc.jobs).flatMap((j) => j.steps);
}

describe("docs/ci: the pull-request workflow users copy", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

    it("parses, and runs the preview with the policy pack and the posture diff", () => {
        const all = steps();
        assert.ok(all.length >= 8, `${all.length} steps`);
        const preview = all.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
        assert.equal(preview.length, 1);
        assert.equal(preview[0].with?.["comment-on-pr"], true);
        assert.ok(all.some((s) => /meshtls -- posture diff/.test(s.run ?? "")));
    });

    it("every Pulumi action input is one the action declares", () => {
        const inputs = steps()
            .filter((s) => s.uses?.startsWith("pulumi/actions@"))
            .flatMap((s) => Object.keys(s.with ?? {}));
        assert.ok(inputs.length >= 5);
        for (const i of inputs) {
            assert.ok(PULUMI_ACTION_INPUTS.has(i), `pulumi/actions has no input ${i}`);
        }
    });

    it("the policy pack path is this package's policy pack", () => {
        const packs = steps()
            .map((s) => s.with?.policyPacks)
            .filter((p): p is string => typeof p === "string");
        assert.equal(packs.length, 1);
        assert.ok(fs.existsSync(path.join(ROOT, packs[0], "PulumiPolicy.yaml")), packs[0]);
        assert.ok(fs.existsSync(path.join(ROOT, packs[0], "package.json")));
    });

    it("every command it runs exists: npm scripts, meshtls commands (checked by running their --help/usage), external tools", () => {
        const lines = steps()
            .flatMap((s) => (s.run ?? "").split("\n"))
            .map((l) => l.trim())
            .filter((l) => l !== "");
        assert.ok(lines.length >= 8);
        for (const line of lines) {
            const [cmd, sub, ...rest] = line.split(/\s+/);
            if (cmd === "npm" && sub === "ci") {
                continue;
            }
            if (cmd === "npm" && sub === "run") {
                const args = rest.filter((a) => a !== "--silent");
                assert.ok(args[0] in scripts, `npm script ${args[0]} (in: ${line})`);
                if (args[0] === "meshtls") {
                    const command = args[2];
                    // `posture diff` and `render` are commands of the CLI; an unknown one exits 2 naming it.
                    assert.match(CLI_HELP, new RegExp(`meshtls ${command === "posture" && args[3] === "diff" ? "posture diff" : command} `), line);
                    let err = "";
                    const code = runCli([command, ...(command === "posture" && args[3] === "diff" ? ["diff"] : []), "--help"], { stdout: () => undefined, stderr: (s) => (err += s) });
                    assert.equal(code, 0, `${line}: ${err}`);
                }
                continue;
            }
            assert.ok(EXTERNAL.has(cmd) || EXTERNAL.has(line), `unknown command ${cmd} (in: ${line})`);
        }
    });

    it("the meshtls script runs this package's CLI", () => {
        assert.match(scripts.meshtls, /sdk\/cli\/main\.ts$/);
    });
});
