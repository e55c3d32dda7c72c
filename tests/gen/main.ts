// `npm run gen:schema`: regenerates the stack-config schema and the reference docs from the
// component interfaces. `--check` writes nothing and exits non-zero when a committed file is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { generatedFiles } from "./files";

async function main(): Promise<void> {
    const check = process.argv.includes("--check");
    const stale: string[] = [];
    for (const [file, text] of await generatedFiles()) {
        if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) {
            continue;
        }
        stale.push(path.relative(process.cwd(), file));
        if (!check) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
        }
    }
    console.log(stale.length === 0 ? "generated files are up to date" : `${check ? "stale" : "wrote"}: ${stale.join(", ")}`);
    if (check && stale.length > 0) {
        process.exitCode = 1;
    }
}

void main();
