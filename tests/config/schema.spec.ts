// The stack-config schema has one source: the component interfaces, through Pulumi's analyzer. The
// committed module must be what the generator makes, the allowlist the only difference, and
// PlatformGlooArgs must not drift from GlooMtls's arguments.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PLATFORM_CONFIG_SCHEMA, readPlatformConfig } from "../../sdk";
import { JsonSchema, NUMBERS, NumberKind, OMITTED, STACK_ONLY, YAML_TEXT } from "../gen/allowlist";
import { PackageSchema, ROOT, SchemaProperty, TOKEN, packageSchema, refName } from "../gen/analyzer";
import { generateConfigSchema } from "../gen/configSchema";
import { SCHEMA_MODULE, generatedFiles } from "../gen/files";
import { DeclaredType, declaredTypes } from "../gen/sources";
import { readStackConfig } from "../harness";

const declared = () => declaredTypes(path.join(ROOT, "sdk"));
const clone = <T>(x: T): T => structuredClone(x);

/** Every key path of a stack-config schema node (`gloo.istioUpstreams[].port`). */
function schemaPaths(s: JsonSchema, prefix: string): string[] {
    if (s.type === "array") {
        return schemaPaths(s.items as JsonSchema, `${prefix}[]`);
    }
    const props = s.properties as Record<string, JsonSchema> | undefined;
    return Object.entries(props ?? {}).flatMap(([k, v]) => [`${prefix}.${k}`, ...schemaPaths(v, `${prefix}.${k}`)]);
}

/** Every key path of an analyzer property, following named object types. */
function analyzerPaths(pkg: PackageSchema, p: SchemaProperty, prefix: string): string[] {
    if (p.type === "array" && p.items) {
        return analyzerPaths(pkg, p.items, `${prefix}[]`);
    }
    const named = refName(p.$ref);
    const props = named === undefined ? undefined : pkg.types[TOKEN + named].properties;
    return Object.entries(props ?? {}).flatMap(([k, v]) => [`${prefix}.${k}`, ...analyzerPaths(pkg, v, `${prefix}.${k}`)]);
}

/** Every schema node, depth first. */
function nodes(s: JsonSchema): JsonSchema[] {
    const children = [
        ...Object.values((s.properties as Record<string, JsonSchema> | undefined) ?? {}),
        ...(s.items ? [s.items as JsonSchema] : []),
        ...(typeof s.additionalProperties === "object" ? [s.additionalProperties as JsonSchema] : []),
    ];
    return [s, ...children.flatMap(nodes)];
}

describe("stack config: one source for argument shapes", function () {
    // The analyzer type-checks the project once per process (shared with tests/docs.spec.ts).
    this.timeout(180_000);

    it("the committed schema module is what `npm run gen:schema` makes from the component interfaces", async () => {
        const files = await generatedFiles();
        const expected = files.find(([f]) => f === SCHEMA_MODULE)?.[1];
        assert.ok(expected, "the generator makes the schema module");
        assert.ok(fs.readFileSync(SCHEMA_MODULE, "utf8") === expected, `${path.relative(ROOT, SCHEMA_MODULE)} is stale: run npm run gen:schema`);
    });

    it("readPlatformConfig checks against that schema", async () => {
        const generated = generateConfigSchema(await packageSchema(), declared());
        assert.deepEqual(PLATFORM_CONFIG_SCHEMA, generated.schema);
    });

    it("meshtls:skipRotationGuard is read once, typed, false unless set", () => {
        assert.equal(readPlatformConfig({}).skipRotationGuard, false);
        assert.equal(readPlatformConfig({ "meshtls:skipRotationGuard": "true" }).skipRotationGuard, true);
        assert.throws(() => readPlatformConfig({ "meshtls:skipRotationGuard": "\"yes\"" }), /meshtls:skipRotationGuard/);
    });

    it("the stack keys are MtlsPlatform's inputs, plus the stack-only keys, minus the omitted ones", async () => {
        const pkg = await packageSchema();
        const platform = pkg.resources[`${TOKEN}MtlsPlatform`];
        const fromComponents = Object.entries(platform.inputProperties).flatMap(([k, p]) => [k, ...analyzerPaths(pkg, p, k)]);
        const omitted = OMITTED.map((o) => o.path);
        assert.equal(omitted.filter((o) => fromComponents.includes(o)).length, OMITTED.length, "every omitted key is an input");
        const expected = [...STACK_ONLY.flatMap((s) => [s.key, ...schemaPaths(s.schema, s.key)]), ...fromComponents.filter((k) => !omitted.some((o) => k === o || k.startsWith(`${o}.`) || k.startsWith(`${o}[]`)))];
        const actual = Object.entries(PLATFORM_CONFIG_SCHEMA).flatMap(([k, s]) => [k, ...schemaPaths(s, k)]);
        assert.deepEqual([...actual].sort(), [...expected].sort());
        // The examples the README and the error messages rely on.
        assert.ok(actual.includes("gloo.istioUpstreams[].port"));
        assert.ok(actual.includes("istio.values.istiod"));
    });

    it("every object rejects unknown keys; integers and ports exactly where the allowlist says", () => {
        const all = Object.values(PLATFORM_CONFIG_SCHEMA).flatMap(nodes);
        const objects = all.filter((n) => n.type === "object");
        assert.ok(objects.length >= 30, `objects: ${objects.length}`);
        // 38 before issue 20; +9: fleetCaStack, ca.externalRoots[], clusters[] with its istio (ambient, gateway,
        // values), intermediate and signedIntermediates[].
        assert.equal(objects.length, 47);
        for (const o of objects) {
            assert.ok(o.additionalProperties === false || typeof o.additionalProperties === "object", JSON.stringify(o).slice(0, 120));
        }
        const ports = all.filter((n) => n.type === "integer" && n.maximum === 65535);
        const integers = all.filter((n) => n.type === "integer");
        // Ports and integers: each listed field once, ExtensionProvider's ports once per place it is used (istio.extraExtensionProviders).
        assert.equal(ports.length, Object.values(NUMBERS).filter((k) => k === NumberKind.Port).length);
        assert.equal(integers.length, Object.keys(NUMBERS).length + 1 /* ExtAuthzRequestBody under both providers */ + 2 /* IntermediateCaArgs under ca and clusters[] */);
        assert.equal(all.filter((n) => n.type === "number").length, 0, "no unchecked numbers");
    });

    it("YAML-text keys take a mapping or text, and readPlatformConfig turns a mapping into YAML text", () => {
        assert.equal(YAML_TEXT.length, 7);
        const config = readPlatformConfig({
            "meshtls:istio": JSON.stringify({ values: { istiod: { pilot: { replicaCount: 2 } }, base: "a: 1\n" } }),
            "meshtls:gloo": JSON.stringify({ values: { gloo: { deployment: { replicas: 2 } } } }),
        });
        const values = config.platform.istio?.values;
        assert.deepEqual({ istiod: values?.istiod, base: values?.base }, { istiod: "pilot:\n  replicaCount: 2\n", base: "a: 1\n" });
        assert.deepEqual(YAML.parse(config.platform.gloo?.values ?? ""), { gloo: { deployment: { replicas: 2 } } });
    });

    it("every key of Pulumi.dev.yaml is still accepted", () => {
        const all = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
        assert.equal(Object.keys(all).filter((k) => k.startsWith("meshtls:")).length, 7);
        const config = readPlatformConfig(all);
        assert.equal(config.platform.gloo?.istioUpstreams?.[0].port, 9080);
        assert.equal(config.platform.policies?.[0].args.selector?.app, "reviews");
    });

    it("checks what the hand-written schema did not: extension provider body options, port ranges", () => {
        const provider = (grpc: Record<string, unknown>) => ({ "meshtls:istio": JSON.stringify({ extraExtensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "s", port: 9000, ...grpc } }] }) });
        assert.throws(() => readPlatformConfig(provider({ includeRequestBodyInCheck: { maxRequestByte: 10 } })), /meshtls:istio\.extraExtensionProviders\[0\]\.envoyExtAuthzGrpc\.includeRequestBodyInCheck\.maxRequestByte: unknown key; accepted: maxRequestBytes, allowPartialMessage, packAsBytes/);
        assert.throws(() => readPlatformConfig(provider({ port: 70000 })), /envoyExtAuthzGrpc\.port: got 70000; must be <= 65535/);
        assert.equal(readPlatformConfig(provider({ includeRequestBodyInCheck: { maxRequestBytes: 10 } })).platform.istio?.extraExtensionProviders?.length, 1);
    });
});

describe("stack config: the generator decides nothing silently", function () {
    this.timeout(180_000);

    it("fails on an allowlist entry that matches no field", async () => {
        const pkg = clone(await packageSchema());
        delete pkg.types[`${TOKEN}KyvernoAuthzArgs`].properties?.webhookIssuer;
        const d = declared();
        (d.get("KyvernoAuthzArgs") as DeclaredType).members.delete("webhookIssuer");
        assert.throws(() => generateConfigSchema(pkg, d), /allowlist entries that match no field: OMITTED authz\.webhookIssuer/);
    });

    it("fails on a number field nobody classified", async () => {
        const pkg = clone(await packageSchema());
        const kuadrant = pkg.types[`${TOKEN}KuadrantMtlsArgs`].properties ?? {};
        kuadrant.replicas = { type: "number", description: "x" };
        const d = declared();
        (d.get("KuadrantMtlsArgs") as DeclaredType).members.set("replicas", {});
        assert.throws(() => generateConfigSchema(pkg, d), /kuadrant\.replicas \(KuadrantMtlsArgs\.replicas\) is a number: list it in NUMBERS/);
    });

    it("fails when the analyzer and the declared members disagree (e.g. a member the analyzer cannot see)", async () => {
        const pkg = await packageSchema();
        const d = declared();
        (d.get("PlatformGlooArgs") as DeclaredType).members.set("ghost", {});
        assert.throws(() => generateConfigSchema(pkg, d), /PlatformGlooArgs: the analyzer's properties .* differ from the declared members/);
    });

    it("nothing under sdk/ imports the analyzer or the generator (it must never run at import)", () => {
        const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
        const sources = files(path.join(ROOT, "sdk")).filter((f) => f.endsWith(".ts"));
        assert.ok(sources.length > 20);
        const offenders = sources.filter((f) => /from "[^"]*(provider\/experimental|typescript|tests\/gen)[^"]*"/.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(offenders, []);
    });
});

// PlatformGlooArgs keeps flat stack keys (a public contract), so it cannot take GlooMtlsArgs's nested
// `xds`/`istio` objects, and `Pick<>` makes the analyzer see `Any`: it reuses GlooMtls's named types,
// and this test fails when any field drifts from its GlooMtls counterpart.
describe("stack config: pulumi.Unwrap<PlatformGlooArgs> and GlooMtlsArgs do not drift", function () {
    this.timeout(180_000);

    /** PlatformGlooArgs field -> [GlooMtls args type, field]. */
    const RENAMED: Record<string, [string, string]> = {
        xdsRotation: ["GlooXdsMtlsArgs", "rotation"],
        xdsCertificate: ["GlooXdsMtlsArgs", "certificate"],
        cronSchedule: ["GlooXdsMtlsArgs", "cronSchedule"],
        rotationDuration: ["GlooXdsMtlsArgs", "rotationDuration"],
        istioUpstreams: ["GlooIstioArgs", "upstreams"],
        enableAutoMtls: ["GlooIstioArgs", "enableAutoMtls"],
        strictUpstreamNamespaces: ["GlooIstioArgs", "strictUpstreamNamespaces"],
    };
    /** Platform switches that decide whether GlooMtls gets `xds` / `istio` at all. */
    const PLATFORM_ONLY = ["xds", "istioIntegration"];
    /** GlooMtls fields the platform fills in itself, or does not offer. */
    const NOT_FROM_CONFIG: Record<string, string> = {
        "GlooXdsMtlsArgs.issuer": "the platform CA",
        "GlooIstioArgs.istioVersion": "the platform's Istio version",
        "GlooIstioArgs.istioDiscoveryAddress": "derived from the platform's Istio namespace and revision",
        "GlooIstioArgs.customSidecarsYaml": "not offered by the platform",
        "GlooIstioArgs.dataPlaneMode": "the platform's istio.dataPlaneMode",
    };
    const shape = (p: SchemaProperty | undefined): unknown => (p ? { type: p.type, $ref: p.$ref, items: shape(p.items), additionalProperties: shape(p.additionalProperties) } : undefined);

    it("every PlatformGlooArgs field has GlooMtls's type, and every GlooMtls field is accounted for", async () => {
        const pkg = await packageSchema();
        const props = (t: string) => pkg.types[TOKEN + t].properties ?? {};
        const platform = props("PlatformGlooArgs");
        const gloo = pkg.resources[`${TOKEN}GlooMtls`].inputProperties;
        const installed = Object.keys(platform).filter((k) => !(k in RENAMED) && !PLATFORM_ONLY.includes(k));
        assert.deepEqual([...installed].sort(), Object.keys(gloo).filter((k) => k !== "xds" && k !== "istio").sort(), "the install settings are GlooMtls's own");
        for (const k of installed) {
            assert.deepEqual(shape(platform[k]), shape(gloo[k]), k);
        }
        assert.equal(Object.keys(RENAMED).filter((k) => k in platform).length, Object.keys(RENAMED).length);
        for (const [k, [type, field]] of Object.entries(RENAMED)) {
            assert.deepEqual(shape(platform[k]), shape(props(type)[field]), `PlatformGlooArgs.${k} vs ${type}.${field}`);
        }
        assert.equal(refName(gloo.xds.$ref), "GlooXdsMtlsArgs");
        assert.equal(refName(gloo.istio.$ref), "GlooIstioArgs");
        const counterparts = ["GlooXdsMtlsArgs", "GlooIstioArgs"].flatMap((t) => Object.keys(props(t)).map((f) => `${t}.${f}`));
        const covered = [...Object.values(RENAMED).map(([t, f]) => `${t}.${f}`), ...Object.keys(NOT_FROM_CONFIG)];
        assert.deepEqual([...counterparts].sort(), [...covered].sort());
    });
});
