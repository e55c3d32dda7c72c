// The stack-config JSON schema, generated from MtlsPlatform's inputs in the analyzer's schema plus
// the allowlist of intended differences. Pure: takes the analyzer's schema and the declared sources.
import { JsonSchema, NUMBERS, NumberKind, OMITTED, STACK_ONLY, YAML_TEXT } from "./allowlist";
import { PackageSchema, SchemaProperty, TOKEN, refName } from "./analyzer";
import { DeclaredType, declaredMember, memberOrder } from "./sources";

/** One stack-config key at any depth, for the docs. */
export interface ConfigField {
    /** Path below `meshtls:`, e.g. `gloo.istioUpstreams[].port`. */
    path: string;
    /** Its JSON schema in the stack config. */
    schema: JsonSchema;
    /** Required inside its parent object. */
    required: boolean;
    /** Where it is declared: interface and member (absent for stack-only keys). */
    source?: { type: string; member: string };
    /** Description (the analyzer's, from JSDoc). */
    description?: string;
}

/** The generated schema and what the docs need to describe it. */
export interface GeneratedConfig {
    /** The JSON schema of each top-level `meshtls:*` key. */
    schema: Record<string, JsonSchema>;
    /** Paths whose YAML mapping becomes YAML text (readPlatformConfig). */
    yamlText: string[];
    /** Every key at every depth, in schema order. */
    fields: ConfigField[];
}

const PLATFORM = "MtlsPlatform";
const PLATFORM_ARGS = "MtlsPlatformArgs";

/** Builds the stack-config schema; throws on anything the allowlist does not decide, or on a stale entry. */
export function generateConfigSchema(pkg: PackageSchema, declared: Map<string, DeclaredType>): GeneratedConfig {
    const fields: ConfigField[] = [];
    const used = new Set<string>();
    const omitted = new Set(OMITTED.map((o) => o.path));
    const yamlText = new Set(YAML_TEXT.map((y) => y.path));

    const convert = (p: SchemaProperty, path: string, owner: string, member: string): JsonSchema => {
        if (yamlText.has(path)) {
            used.add(`yaml:${path}`);
            if (p.type !== "string") {
                throw new Error(`${path}: listed as YAML text, but ${owner}.${member} is not a string`);
            }
            return { type: ["object", "string"] };
        }
        const named = refName(p.$ref);
        if (named !== undefined) {
            const t = pkg.types[TOKEN + named] as (typeof pkg.types)[string] | undefined;
            if (!t) {
                throw new Error(`${path}: ${p.$ref} is not in the analyzer's schema`);
            }
            if (t.enum) {
                return { type: "string", enum: t.enum.map((e) => e.value) };
            }
            return object(named, path);
        }
        switch (p.type) {
            case "string":
            case "boolean":
                return { type: p.type };
            case "number":
            case "integer": {
                const key = `${owner}.${member}`;
                const kind = NUMBERS[key] as NumberKind | undefined;
                if (kind === undefined) {
                    throw new Error(`${path} (${key}) is a number: list it in NUMBERS (tests/gen/allowlist.ts) as Integer or Port`);
                }
                used.add(`number:${key}`);
                return kind === NumberKind.Port ? { type: "integer", minimum: 1, maximum: 65535 } : { type: "integer" };
            }
            case "array":
                if (!p.items) {
                    throw new Error(`${path}: array without items`);
                }
                return { type: "array", items: convert(p.items, `${path}[]`, owner, member) };
            case "object":
                if (!p.additionalProperties) {
                    throw new Error(`${path}: a free-form object cannot be checked`);
                }
                return { type: "object", additionalProperties: convert(p.additionalProperties, `${path}.*`, owner, member) };
            default:
                throw new Error(`${path} (${owner}.${member}): unsupported property ${JSON.stringify(p)}`);
        }
    };

    const object = (typeName: string, path: string): JsonSchema => {
        const t = pkg.types[TOKEN + typeName];
        return properties(typeName, t.properties ?? {}, t.required ?? [], path);
    };

    const properties = (typeName: string, props: Record<string, SchemaProperty>, required: string[], path: string): JsonSchema => {
        const order = memberOrder(declared, typeName);
        const names = Object.keys(props);
        if ([...names].sort().join() !== [...order].sort().join()) {
            throw new Error(`${typeName}: the analyzer's properties (${names.join(", ")}) differ from the declared members (${order.join(", ")})`);
        }
        const out: Record<string, JsonSchema> = {};
        for (const name of order) {
            const child = path ? `${path}.${name}` : name;
            if (omitted.has(child)) {
                used.add(`omit:${child}`);
                continue;
            }
            const index = fields.length;
            fields.push({ path: child, schema: {}, required: required.includes(name), source: { type: typeName, member: name }, description: props[name].description });
            out[name] = convert(props[name], child, typeName, name);
            fields[index].schema = out[name];
        }
        return { type: "object", properties: out, required: required.filter((r) => !omitted.has(path ? `${path}.${r}` : r)), additionalProperties: false };
    };

    const platform = pkg.resources[TOKEN + PLATFORM] as PackageSchema["resources"][string] | undefined;
    if (!platform) {
        throw new Error(`${PLATFORM} is not in the analyzer's schema`);
    }
    for (const s of STACK_ONLY) {
        if (s.key in platform.inputProperties) {
            throw new Error(`stack-only key ${s.key} is also an MtlsPlatform input`);
        }
        fields.push({ path: s.key, schema: s.schema, required: false, description: declaredMember(declared, "PlatformStackConfig", s.key)?.description });
    }
    const top = properties(PLATFORM_ARGS, platform.inputProperties, platform.requiredInputs ?? [], "") as { properties: Record<string, JsonSchema> };
    const schema: Record<string, JsonSchema> = { ...Object.fromEntries(STACK_ONLY.map((s) => [s.key, s.schema])), ...top.properties };

    const stale = [
        ...OMITTED.filter((o) => !used.has(`omit:${o.path}`)).map((o) => `OMITTED ${o.path}`),
        ...YAML_TEXT.filter((y) => !used.has(`yaml:${y.path}`)).map((y) => `YAML_TEXT ${y.path}`),
        ...Object.keys(NUMBERS).filter((k) => !used.has(`number:${k}`)).map((k) => `NUMBERS ${k}`),
    ];
    if (stale.length > 0) {
        throw new Error(`allowlist entries that match no field: ${stale.join(", ")}`);
    }
    return { schema, yamlText: YAML_TEXT.map((y) => y.path), fields };
}

/** The committed TypeScript module that holds the schema (a .ts file, so `npm run build` ships it). */
export function renderConfigSchemaModule(g: GeneratedConfig): string {
    return [
        "// Generated by `npm run gen:schema` (tests/gen/) from the component interfaces through Pulumi's",
        "// schema analyzer, with the allowlist in tests/gen/allowlist.ts. Do not edit: a test fails when stale.",
        "",
        "/** The JSON schema of every `meshtls:*` stack-config key. */",
        `export const STACK_CONFIG_SCHEMA: Record<string, Record<string, unknown>> = ${JSON.stringify(g.schema, null, 4)};`,
        "",
        "/** Keys (dotted paths) that take YAML text, or a YAML mapping in the stack file turned into YAML text. */",
        `export const YAML_TEXT_KEYS: readonly string[] = ${JSON.stringify(g.yamlText, null, 4)};`,
        "",
    ].join("\n");
}
