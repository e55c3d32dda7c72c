// The README works for a newcomer (issue 17 item 4): every ```ts block compiles on its own against the
// package's public entry points (strict, with the TypeScript compiler API), every stack-config block is
// accepted by the config reader, the Install section installs what `npm pack` makes, the versions it states
// are the ones package.json pins, no placeholder is left; and the package metadata is true: LICENSE is the
// Apache License 2.0 that package.json names, `exports` points at files the build emits (types included),
// `files` ships them and no source map, examples/README.md links stay inside the repository, and .ci/run
// cites a README section that exists.
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import * as YAML from "yaml";
import * as sdk from "../sdk";

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

interface PackageJson {
    name: string;
    version: string;
    license: string;
    main: string;
    types: string;
    files: string[];
    engines: Record<string, string>;
    exports: Record<string, string | { types: string; default: string }>;
    typesVersions?: Record<string, Record<string, string[]>>;
    devDependencies: Record<string, string>;
    repository?: unknown;
}

const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;

/** A fenced code block: its info string, its first code line (1-based, in the markdown) and its text. */
interface Block {
    lang: string;
    line: number;
    code: string;
}

/** Every fenced block of a markdown text, with the line its code starts on. */
function fencedBlocks(markdown: string): Block[] {
    const lines = markdown.split("\n");
    const blocks: Block[] = [];
    for (let i = 0; i < lines.length; i++) {
        const open = /^```(\S*)\s*$/.exec(lines[i]);
        if (open === null) {
            continue;
        }
        const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
        assert.ok(end > i, `unclosed fence at line ${i + 1}`);
        blocks.push({ lang: open[1], line: i + 2, code: lines.slice(i + 1, end).join("\n") });
        i = end;
    }
    return blocks;
}

/** The TypeScript blocks (```ts or ```typescript). */
function tsBlocks(markdown: string): Block[] {
    return fencedBlocks(markdown).filter((b) => b.lang === "ts" || b.lang === "typescript");
}

/**
 * `meshtls` and its subpaths as a program sees them, mapped from package.json `exports` to the sources the
 * build compiles them from (`./bin/sdk/x/index.d.ts` -> `sdk/x/index.ts`), so a snippet may import exactly
 * what the package exports.
 */
function exportPaths(): Record<string, string[]> {
    const paths: Record<string, string[]> = {};
    for (const [key, target] of Object.entries(PKG.exports)) {
        if (typeof target === "string") {
            continue; // ./package.json
        }
        const source = target.types.replace(/^\.\/bin\//, "").replace(/\.d\.ts$/, ".ts");
        paths[key === "." ? PKG.name : `${PKG.name}/${key.slice(2)}`] = [path.join(ROOT, source)];
    }
    return paths;
}

/** Compiler options for snippets: the repository's (strict and more), no emit, Node's types only. */
function snippetOptions(): ts.CompilerOptions {
    const configFile = path.join(ROOT, "tsconfig.json");
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, (f) => ts.sys.readFile(f)).config, ts.sys, ROOT, undefined, configFile);
    return { ...parsed.options, strict: true, noEmit: true, types: ["node"], paths: exportPaths() };
}

/** Parsed source files shared between programs (the sdk is parsed once per process). */
const parsedFiles = new Map<string, ts.SourceFile>();

/**
 * Problems of a markdown's ```ts blocks, each naming the markdown line: type errors (every block compiled as
 * its own module, `meshtls` resolved through `exports`), a block that does not import from the package (it
 * would lean on another block's names), and two `new X("name")` of one class and name in a block (a Pulumi
 * URN collision the compiler cannot see).
 */
function snippetProblems(markdown: string, label: string): string[] {
    const blocks = tsBlocks(markdown);
    const files = new Map(blocks.map((b) => [path.join(ROOT, `${label}.L${b.line}.ts`), b] as const));
    const options = snippetOptions();
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (f) => files.has(f) || ts.sys.fileExists(f);
    host.readFile = (f) => files.get(f)?.code ?? ts.sys.readFile(f);
    host.getSourceFile = (f, languageVersion, onError) => {
        const block = files.get(f);
        if (block !== undefined) {
            return ts.createSourceFile(f, block.code, languageVersion, true);
        }
        let sf = parsedFiles.get(f);
        if (sf === undefined) {
            sf = getSourceFile(f, languageVersion, onError);
            if (sf !== undefined) {
                parsedFiles.set(f, sf);
            }
        }
        return sf;
    };
    const program = ts.createProgram([...files.keys()], options, host);
    const problems: string[] = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics()).map((d) => `${label}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    for (const [file, block] of files) {
        const sf = program.getSourceFile(file);
        assert.ok(sf, file);
        const at = (pos: number): string => `${label} line ${block.line + sf.getLineAndCharacterOfPosition(pos).line} (block at line ${block.line})`;
        for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
            problems.push(`${at(d.start ?? 0)}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        }
        const imports = sf.statements.filter((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith(PKG.name));
        if (imports.length === 0) {
            problems.push(`${at(0)}: does not import from "${PKG.name}"`);
        }
        const seen = new Set<string>();
        const visit = (node: ts.Node): void => {
            if (ts.isNewExpression(node) && node.arguments !== undefined && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
                const key = `new ${node.expression.getText(sf)}("${node.arguments[0].text}")`;
                if (seen.has(key)) {
                    problems.push(`${at(node.getStart(sf))}: ${key} twice (one URN)`);
                }
                seen.add(key);
            }
            ts.forEachChild(node, visit);
        };
        visit(sf);
    }
    return problems;
}

/** The stack file's `config:` as the Pulumi CLI hands it to a program: every value a string (objects as JSON). */
function stackConfig(text: string): Record<string, string> {
    const doc = YAML.parse(text) as { config?: Record<string, unknown> } | null;
    return Object.fromEntries(Object.entries(doc?.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** A README section's text: from its `## heading` to the next `## `. */
function section(heading: string): string {
    const start = README.indexOf(`\n## ${heading}\n`);
    assert.ok(start >= 0, `README has no "## ${heading}"`);
    const end = README.indexOf("\n## ", start + 1);
    return README.slice(start, end < 0 ? undefined : end);
}

/** Placeholders (`<org>`), and URLs or tags of this package's repository, which has no public address yet. */
function placeholders(text: string): string[] {
    const patterns = [/<(?:org|owner|user|your[\w-]*|organization)>/g, /github\.com\/[^\s)`]*meshtls/g, /github:\S+/g, /meshtls(?:\.git)?[#@]v?\d/g];
    return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[0]));
}

describe("README: every snippet compiles on its own", function () {
    // One program over the sdk's sources (a few seconds on a shared machine).
    this.timeout(180_000);

    it("every ```ts block type-checks in strict mode against the package's exports, imports from it, and names each resource once", () => {
        const blocks = tsBlocks(README);
        assert.ok(blocks.length >= 8, `${blocks.length} blocks`);
        assert.deepEqual(snippetProblems(README, "README.md"), []);
    });

    it("a block that leans on another block, mistypes an argument or repeats a resource name fails, naming its line", () => {
        const bad = [
            "# t",
            "```ts",
            'import { CertificateAuthority, KuadrantMtls } from "meshtls";',
            "",
            'new CertificateAuthority("ca", { keyAlgorithm: "EcdsaP384" });',
            'new KuadrantMtls("kuadrant", {});',
            'new KuadrantMtls("kuadrant", {});',
            "```",
            "",
            "```ts",
            "export const issuer = ca.issuer;",
            "```",
            "",
        ].join("\n");
        const problems = snippetProblems(bad, "bad.md");
        assert.equal(problems.length, 4, problems.join("\n"));
        assert.match(problems[0], /^bad\.md line 5 \(block at line 3\): TS\d+: .*"EcdsaP384".*KeyAlgorithm/);
        assert.match(problems[1], /^bad\.md line 7 \(block at line 3\): new KuadrantMtls\("kuadrant"\) twice/);
        assert.match(problems[2], /^bad\.md line 11 \(block at line 11\): TS2304: Cannot find name 'ca'/);
        assert.match(problems[3], /^bad\.md line 11 \(block at line 11\): does not import from "meshtls"/);
    });

    it("a subpath the package does not export does not resolve", () => {
        const problems = snippetProblems('```ts\nimport { IstioMesh } from "meshtls/bin/sdk/istio";\nexport const m = IstioMesh;\n```\n', "sub.md");
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^sub\.md line 2 .*TS2307: Cannot find module 'meshtls\/bin\/sdk\/istio'/);
    });
});

describe("README: stack config and enum spellings", () => {
    it("every stack-config block (```yaml with config:) is accepted by the config reader", () => {
        const blocks = fencedBlocks(README).filter((b) => b.lang === "yaml" && /^config:/m.test(b.code));
        assert.ok(blocks.length >= 1, `${blocks.length} blocks`);
        for (const b of blocks) {
            assert.doesNotThrow(() => sdk.readPlatformConfig(stackConfig(b.code)), `README.md block at line ${b.line}`);
        }
        // The check can fail: the TypeScript member name is not a stack-config value.
        assert.throws(() => sdk.readPlatformConfig(stackConfig("config:\n  meshtls:ca:\n    keyAlgorithm: EcdsaP384\n")), /keyAlgorithm/);
    });

    it("the spelling table pairs each TypeScript enum member with its stack-config value", () => {
        const rows = [...section("Enum values in stack config").matchAll(/^\| `(\w+)\.(\w+)` \| `([^`]+)` \|/gm)];
        assert.equal(rows.length, 14, `${rows.length} rows`);
        const enums = sdk as unknown as Record<string, Record<string, string> | undefined>;
        for (const [, enumName, member, value] of rows) {
            assert.equal(enums[enumName]?.[member], value, `${enumName}.${member}`);
        }
        const named = new Set(rows.map((r) => r[1]));
        assert.deepEqual(["KeyAlgorithm", "DeployTarget", "RotationPhase", "MtlsMode", "DataPlaneMode", "KuadrantMtlsMode", "GlooCertRotation", "KyvernoAuthzFlavor", "HelmMode"].filter((e) => !named.has(e)), []);
    });
});

describe("README: install and versions", () => {
    const install = section("Install");

    it("installs the tarball `npm pack` makes from a clone, and says the registry name for later", () => {
        assert.ok(install.includes("npm pack"), "npm pack");
        assert.ok(install.includes(`npm install ./${PKG.name}-${PKG.version}.tgz`) || install.includes(`${PKG.name}-${PKG.version}.tgz`), `${PKG.name}-${PKG.version}.tgz`);
        assert.ok(install.includes("npm run build"), "the tarball ships the build: build before packing");
        assert.match(install, /`npm install meshtls` [^.]*once [^.]*published/);
    });

    it("states the versions package.json pins, with the reason", () => {
        assert.equal(PKG.engines.node, ">=20");
        assert.match(install, /Node\.js 20/);
        assert.match(install, /Node\.js 22/);
        const tsMinor = /^(\d+\.\d+)\./.exec(PKG.devDependencies.typescript)?.[1];
        assert.ok(tsMinor);
        assert.ok(install.includes(`TypeScript ${tsMinor}`), `TypeScript ${tsMinor}`);
        assert.match(install, /ERESOLVE/);
        assert.ok(install.includes(`@pulumi/pulumi@${PKG.devDependencies["@pulumi/pulumi"]}`), `@pulumi/pulumi@${PKG.devDependencies["@pulumi/pulumi"]}`);
    });

    it("has no placeholders and no repository URL or tag (none exists yet)", () => {
        assert.deepEqual(placeholders(README), []);
        // The check finds what the README used to have.
        assert.deepEqual(placeholders("pulumi package add https://github.com/<org>/meshtls@v0.1.0; npm install github:acme/meshtls#v0.1.0"), [
            "<org>",
            "github.com/<org>/meshtls",
            "github:acme/meshtls#v0.1.0",
            "meshtls@v0",
            "meshtls#v0",
        ]);
        assert.equal(PKG.repository, undefined, "no repository is known: README and package.json name none");
    });

    it("the component table names every component once, with a section of its own", () => {
        const rows = [...section("Which component do I use").matchAll(/^\| [^|]+ \| `(\w+)` /gm)].map((m) => m[1]);
        const components = ["MtlsPlatform", "CertificateAuthority", "FleetCertificateAuthority", "Certificate", "IstioMesh", "MtlsPolicy", "SidecarInjection", "NamespaceEnrollment", "KuadrantMtls", "GlooMtls", "KgatewayMtls", "KyvernoAuthz"];
        assert.equal(rows.length, components.length, rows.join(", "));
        assert.deepEqual([...rows].sort(), [...components].sort());
        for (const c of components) {
            assert.equal(typeof (sdk as Record<string, unknown>)[c], "function", c);
            assert.ok(README.includes(`\n### ${c}\n`), `### ${c}`);
        }
    });
});

describe("package metadata", () => {
    it("LICENSE is the Apache License 2.0 text, as package.json says", () => {
        assert.equal(PKG.license, "Apache-2.0");
        const text = fs.readFileSync(path.join(ROOT, "LICENSE"));
        // SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, unchanged.
        assert.equal(crypto.createHash("sha256").update(text).digest("hex"), "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30");
        assert.match(text.toString("utf8"), /^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    });

    const buildConfigFile = path.join(ROOT, "tsconfig.build.json");
    const build = ts.parseJsonConfigFileContent(ts.readConfigFile(buildConfigFile, (f) => ts.sys.readFile(f)).config, ts.sys, ROOT, undefined, buildConfigFile);
    /** Every file `npm run build` writes, relative to the root. */
    const emitted = new Set(build.fileNames.flatMap((f) => ts.getOutputFileNames(build, f, false)).map((f) => path.relative(ROOT, f).split(path.sep).join("/")));

    it("the build emits no source map (the tarball ships no sources for one to point at)", () => {
        assert.ok(emitted.size >= 100, `${emitted.size} files`);
        assert.ok(emitted.has("bin/sdk/index.js") && emitted.has("bin/sdk/index.d.ts"));
        assert.deepEqual([...emitted].filter((f) => f.endsWith(".map")), []);
        assert.ok(PKG.files.includes("!bin/sdk/**/*.map"), "a stale map left in bin/ by an older build is not shipped either");
    });

    it("exports `.`, `./testing` and `./package.json`, `.` the same files as main and types", () => {
        assert.deepEqual(Object.keys(PKG.exports), [".", "./testing", "./package.json"]);
        assert.equal(PKG.exports["./package.json"], "./package.json");
        assert.deepEqual(PKG.exports["."], { types: `./${PKG.types}`, default: `./${PKG.main}` });
    });

    for (const key of [".", "./testing"]) {
        it(`exports \`${key}\`: types first, both files emitted by the build and shipped by \`files\``, () => {
            const target = PKG.exports[key];
            assert.ok(typeof target === "object", key);
            // Node and TypeScript take the first condition that matches: "types" must come before "default".
            assert.deepEqual(Object.keys(target), ["types", "default"]);
            for (const file of [target.types, target.default]) {
                const rel = file.replace(/^\.\//, "");
                assert.ok(emitted.has(rel), `${key}: ${rel} is not emitted by tsconfig.build.json`);
                assert.ok(rel.startsWith("bin/sdk/") && PKG.files.includes("bin/sdk/**"), `${key}: ${rel} is not in files`);
            }
        });
    }

    it("`meshtls/testing` has types under moduleResolution node (Pulumi's template), which ignores exports", () => {
        const mapped = PKG.typesVersions?.["*"]?.testing;
        assert.deepEqual(mapped, [(PKG.exports["./testing"] as { types: string }).types.replace(/^\.\//, "")]);
    });
});

describe("examples/README.md and .ci/run", () => {
    const examplesDir = path.join(ROOT, "examples");
    const text = fs.readFileSync(path.join(examplesDir, "README.md"), "utf8");

    it("every link and relative path in examples/README.md and each example's README stays inside the repository and exists", () => {
        const readmes = ["README.md", ...fs.readdirSync(examplesDir).map((d) => path.join(d, "README.md")).filter((f) => fs.existsSync(path.join(examplesDir, f)))];
        assert.ok(readmes.length >= 7, readmes.join(", "));
        const refs = readmes.flatMap((readme) => {
            const body = fs.readFileSync(path.join(examplesDir, readme), "utf8");
            const links = [...body.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1].split("#")[0]).filter((l) => !/^https?:/.test(l));
            const paths = [...body.matchAll(/`(\.\.?\/[^`\s]*)`/g)].map((m) => m[1]);
            return [...links, ...paths].map((ref) => ({ readme, ref, abs: path.resolve(examplesDir, path.dirname(readme), ref) }));
        });
        assert.deepEqual(refs.filter((r) => path.relative(ROOT, r.abs).startsWith("..")).map((r) => `${r.readme}: ${r.ref} is outside the repository`), []);
        assert.deepEqual(refs.filter((r) => !fs.existsSync(r.abs)).map((r) => `${r.readme}: ${r.ref} does not exist`), []);
        assert.ok(refs.filter((r) => r.readme === "README.md").length >= 7, `${refs.length} references`);
    });

    it("lists every example, and every example has a README", () => {
        const dirs = fs.readdirSync(examplesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
        assert.ok(dirs.length >= 6, dirs.join(", "));
        assert.deepEqual(dirs.filter((d) => !fs.existsSync(path.join(examplesDir, d, "README.md"))), []);
        assert.deepEqual(dirs.filter((d) => !text.includes(`](${d}/)`)), []);
    });

    it(".ci/run cites README sections that exist", () => {
        const cited = [...fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8").matchAll(/README: "([^"]+)"/g)].map((m) => m[1]);
        assert.equal(cited.length, 1);
        assert.ok(README.includes(`\n## ${cited[0]}\n`), `README has no "## ${cited[0]}"`);
    });
});
