#!/usr/bin/env node
// The `meshtls` executable (package.json `bin`): wires process.argv and the exit code to runCli.
import { runCli } from "./run";

// exitCode, not exit(): stdout may be a pipe still draining.
process.exitCode = runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
});
