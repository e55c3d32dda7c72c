// Import cost of meshtls after its peers (issue 13 target: under 100 ms). Run after `npm run build`:
// `node bench/import.js` prints the median of 5 fresh processes.
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const child = `
require("@pulumi/pulumi"); require("@pulumi/kubernetes"); require("@pulumi/tls"); require("@pulumi/random");
const t = process.hrtime.bigint(); require(${JSON.stringify(path.join(__dirname, "..", "bin", "sdk", "index.js"))});
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
const times = [];
for (let i = 0; i < 5; i++) {
    times.push(Number(execFileSync(process.execPath, ["-e", child], { cwd: path.join(__dirname, ".."), encoding: "utf8" })));
}
times.sort((a, b) => a - b);
console.log(`import meshtls after its peers: median ${times[2].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[4].toFixed(1)}, 5 processes)`);
