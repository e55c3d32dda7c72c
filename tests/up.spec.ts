// `npm run up` needs no hand-installed CLI: a pulumi CLI on PATH is preferred, else the pinned `pulumi`
// npm launcher (devDependency, node_modules/.bin/pulumi) runs the CLI it caches in
// $PULUMI_HOME/versions/<version>/bin (pulumi/pulumi npm/lib/cache.js, v3.259.0 = the published 3.265.0
// files; docs/notes-pulumi-launcher.md). When the download fails, the script prints what failed and the
// manual install link, and exits non-zero. No network is used: the success path seeds the cache with a
// fake CLI, the failure path makes the launcher's fetch fail.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const PINNED = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.pulumi;

/** PATH without any pulumi CLI of the machine (the launcher comes from node_modules/.bin, which npm adds). */
function pathWithoutPulumi(): string {
    return (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((d) => d !== "" && !fs.existsSync(path.join(d, "pulumi")))
        .join(path.delimiter);
}

function runUp(env: Record<string, string>, cwd: string): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("npm", ["run", "--silent", "up"], { cwd, env: { PATH: pathWithoutPulumi(), HOME: env.HOME, ...env }, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run up: the pinned pulumi launcher, no manual CLI install", function () {
    this.timeout(120_000);
    let home: string;
    let work: string;
    beforeEach(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-up-home-"));
        // A copy of the project's scripts in a scratch directory, so .pulumi-state lands there.
        work = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-up-work-"));
        fs.copyFileSync(path.join(ROOT, "package.json"), path.join(work, "package.json"));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"));
    });
    afterEach(() => {
        fs.rmSync(home, { recursive: true, force: true });
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("pins an exact launcher version and the script falls back to node_modules/.bin/pulumi", () => {
        assert.match(PINNED, /^3\.\d+\.\d+$/);
        assert.ok(fs.existsSync(path.join(ROOT, "node_modules", ".bin", "pulumi")));
    });

    it("runs the CLI the launcher finds in $PULUMI_HOME/versions/<pinned>/bin: version, stack select, up", () => {
        const bin = path.join(home, ".pulumi", "versions", PINNED, "bin");
        fs.mkdirSync(bin, { recursive: true });
        const log = path.join(home, "calls.log");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$*" >> "${log}"\n`, { mode: 0o755 });
        const r = runUp({ HOME: home, PULUMI_HOME: path.join(home, ".pulumi") }, work);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), ["version", "stack select dev --create --non-interactive", "up --stack dev --yes --non-interactive"]);
    });

    it("without network: exits non-zero with what failed and the manual install link", () => {
        const preload = path.join(home, "no-network.js");
        fs.writeFileSync(preload, "globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));\n");
        const r = runUp({ HOME: home, PULUMI_HOME: path.join(home, ".pulumi"), NODE_OPTIONS: `--require ${preload}` }, work);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /fetch failed/);
        assert.match(r.stderr, /meshtls: could not run or download the pulumi CLI/);
        assert.match(r.stderr, /https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\//);
        assert.equal(fs.existsSync(path.join(home, ".pulumi", "versions", PINNED, "bin", "pulumi")), false, "nothing half-downloaded is left as the CLI");
    });
});
