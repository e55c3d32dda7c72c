// Stack config for the root program: `meshtls:*` keys checked against a JSON schema (ajv), so a typo
// or a wrong type fails with the key named instead of being ignored. The schema is generated from the
// component interfaces (configSchema.generated.ts, `npm run gen:schema`); a test fails when it is stale.
// Keys outside the namespace are not ours, except a namespace a typo away from it (`meshtsl:target`),
// which Pulumi would otherwise pass on silently and the run would go ahead without the setting.
import type * as pulumi from "@pulumi/pulumi";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import * as YAML from "yaml";
import { GlooCertRotation } from "../gloo";
import { HelmMode } from "../internal/chartValues";
import { closestWithin, editDistance } from "../internal/editDistance";
import { argsProblemsOf, formatArgsProblem } from "../internal/validation";
import { KuadrantMtlsMode } from "../kuadrant";
import { STACK_CONFIG_SCHEMA, YAML_TEXT_KEYS } from "./configSchema.generated";
import { planMtlsPlatform } from "./plan";
import type { MtlsPlatformArgs } from "./types";

/** Where the root program sends its Kubernetes objects. */
export enum DeployTarget {
    /** Write every manifest to a directory (`renderYamlToDirectory`); no cluster needed. */
    Render = "render",
    /** Apply to the cluster of the current (or given) kubeconfig context. */
    Cluster = "cluster",
}

/** The root program's settings, parsed from stack config. */
export interface PlatformStackConfig {
    /**
     * `meshtls:target`: render every manifest to a directory (no cluster needed), or apply to a cluster.
     * @default DeployTarget.Render
     */
    target: DeployTarget;
    /**
     * `meshtls:renderDirectory`: where the render target writes manifests (render target only); a
     * non-empty path.
     * @default "rendered"
     */
    renderDirectory: string;
    /**
     * `meshtls:kubeconfigContext`: the kubeconfig context of the cluster target (cluster target only).
     * @default the current context
     */
    kubeconfigContext?: string;
    /**
     * `meshtls:skipRotationGuard`: skip the CA rotation guard for this update (the root program then does
     * not read the stack's previous `rotationState`). For a step the guard refuses on purpose.
     * @default false
     */
    skipRotationGuard: boolean;
    /**
     * `meshtls:fleetCaStack`: this stack is one cluster of a fleet whose CA is another stack (the
     * stack-per-cluster layout): `stack` is that CA stack's fully qualified name, `cluster` this cluster's
     * name in it. The root program reads the CA stack's `material` output through a StackReference.
     */
    fleetCaStack?: FleetCaStackConfig;
    /** The platform: `meshtls:ca`, `istio`, `clusters`, `kuadrant`, `gloo`, `authz`, `policies`, `helmMode`. */
    platform: pulumi.Unwrap<MtlsPlatformArgs>;
}

/** `meshtls:fleetCaStack`: where a cluster stack's fleet CA is. */
export interface FleetCaStackConfig {
    /** The fleet CA stack, `<org>/<project>/<stack>`. */
    stack: string;
    /** This cluster's name in the fleet CA. */
    cluster: string;
}

/** Stands in for the fleet CA stack's material while the config is checked (the plan only needs it present). */
const FLEET_MATERIAL_PLACEHOLDER = Object.freeze({}) as NonNullable<pulumi.Unwrap<MtlsPlatformArgs>["fleetIssuer"]>["material"];

type Schema = Record<string, unknown>;

/** How many edits away a namespace or key may be to count as a typo of ours (issue 17). */
const TYPO_DISTANCE = 2;

/**
 * Config namespaces that belong to other packages and are never taken for a typo of `meshtls`, however
 * close: the providers meshtls uses (`kubernetes`, `tls`, `random`), Pulumi's own (`pulumi:template`,
 * `pulumi:tags`, ...), and providers a platform program commonly sits beside. A program's own project
 * namespace is passed to readPlatformConfig as `otherNamespaces`.
 */
const KNOWN_CONFIG_NAMESPACES: readonly string[] = ["pulumi", "kubernetes", "tls", "random", "command", "docker", "aws", "azure", "azure-native", "gcp", "cloudflare", "vault", "github"];

/**
 * The JSON schema of every `meshtls:*` key (structured values arrive as JSON text). Generated from the
 * component interfaces by `npm run gen:schema` (never at import: the analyzer needs TypeScript); the
 * intended differences from MtlsPlatformArgs are listed, with reasons, in docs/reference/config.md.
 */
export const PLATFORM_CONFIG_SCHEMA: Record<string, Schema> = STACK_CONFIG_SCHEMA;

// verbose: errors carry the offending data and schema, for messages that show the value and the accepted keys.
// Compiled on first use, not at import: programs that never read stack config should not pay for it.
let validateAll: ValidateFunction | undefined;
function configValidator(): ValidateFunction {
    validateAll ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile({ type: "object", properties: PLATFORM_CONFIG_SCHEMA, required: [], additionalProperties: false });
    return validateAll;
}

/** A key whose stack value is plain text (a string or an enum), not JSON. */
function isScalarKey(key: string): boolean {
    return PLATFORM_CONFIG_SCHEMA[key].type === "string";
}

/** Replaces the value at a dotted path by `f(value)` when the path exists. */
function mapAt(root: Record<string, unknown>, dotted: string, f: (v: unknown) => unknown): void {
    const keys = dotted.split(".");
    let node: unknown = root;
    for (const k of keys.slice(0, -1)) {
        node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    }
    const last = keys[keys.length - 1];
    if (typeof node === "object" && node !== null && !Array.isArray(node) && (node as Record<string, unknown>)[last] !== undefined) {
        (node as Record<string, unknown>)[last] = f((node as Record<string, unknown>)[last]);
    }
}

function describeError(namespace: string, e: ErrorObject): string {
    const segments = e.instancePath.split("/").filter(Boolean);
    const key = `${namespace}:${segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i > 0 ? "." : ""}${s}`)).join("")}`;
    switch (e.keyword) {
        case "additionalProperties": {
            const extra = (e.params as { additionalProperty: string }).additionalProperty;
            const parent = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
            const prefix = segments.length === 0 ? `${namespace}:` : `${key}.`;
            const near = closestWithin(extra, Object.keys(parent), TYPO_DISTANCE);
            return `${prefix}${extra}: unknown key; accepted: ${Object.keys(parent).join(", ")}${near === undefined ? "" : `; did you mean ${prefix}${near}?`}`;
        }
        case "enum":
            return `${key}: got ${JSON.stringify(e.data)}; expected one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((x) => JSON.stringify(x)).join(", ")}`;
        case "type":
            return `${key}: got ${JSON.stringify(e.data)}; expected ${(e.params as { type: string }).type}`;
        case "required":
            return `${key}: missing required key ${(e.params as { missingProperty: string }).missingProperty}`;
        default:
            return `${key}: got ${JSON.stringify(e.data)}; ${e.message ?? "invalid"}`;
    }
}

/**
 * Parses and checks the `meshtls:*` stack config (as `pulumi.runtime.allConfig()` returns it: fully
 * qualified keys, structured values as JSON text). Every problem is reported at once, each naming
 * its key; an unknown key gets a "did you mean" when exactly one accepted key is within two edits.
 * Keys of other namespaces are ignored, except a namespace within two edits of `namespace` (ignoring
 * case) that is neither a KNOWN_CONFIG_NAMESPACES entry nor in `otherNamespaces`: that is a typo
 * (`meshtsl:target: ...; did you mean meshtls:target?`). Render target: every chart becomes a
 * helm.v4.Chart (a Release cannot be rendered), and what only a live cluster can do is refused.
 * @param all every stack config key, fully qualified (`pulumi.runtime.allConfig()`)
 * @param namespace the namespace of the platform's keys
 * @param otherNamespaces namespaces that are the program's own and never a typo, e.g. its project
 * name (`pulumi.getProject()`) when that is close to `namespace` (`mesh-tls`)
 */
export function readPlatformConfig(all: Record<string, string>, namespace = "meshtls", otherNamespaces: readonly string[] = []): PlatformStackConfig {
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(`${namespace}:`)) {
            const typo = namespaceTypo(fullKey, namespace, otherNamespaces);
            if (typo !== undefined) {
                problems.push(typo);
            }
            continue;
        }
        const key = fullKey.slice(namespace.length + 1);
        if (!(key in PLATFORM_CONFIG_SCHEMA) || isScalarKey(key)) {
            raw[key] = text;
            continue;
        }
        try {
            raw[key] = JSON.parse(text) as unknown;
        } catch {
            problems.push(`${fullKey}: got ${JSON.stringify(text)}; expected structured config (a YAML object or list in the stack file)`);
        }
    }
    const validate = configValidator();
    if (!validate(raw)) {
        problems.push(...(validate.errors ?? []).map((e) => describeError(namespace, e)));
    }
    // Structured values in the stack file become the YAML text the components take.
    for (const key of YAML_TEXT_KEYS) {
        mapAt(raw, key, (v) => (typeof v === "string" ? v : YAML.stringify(v)));
    }
    const target = (raw.target as DeployTarget | undefined) ?? DeployTarget.Render;
    const platform: pulumi.Unwrap<MtlsPlatformArgs> = {
        ca: raw.ca as pulumi.Unwrap<MtlsPlatformArgs>["ca"],
        istio: raw.istio as pulumi.Unwrap<MtlsPlatformArgs>["istio"],
        kuadrant: raw.kuadrant as pulumi.Unwrap<MtlsPlatformArgs>["kuadrant"],
        gloo: raw.gloo as pulumi.Unwrap<MtlsPlatformArgs>["gloo"],
        authz: raw.authz as pulumi.Unwrap<MtlsPlatformArgs>["authz"],
        policies: raw.policies as pulumi.Unwrap<MtlsPlatformArgs>["policies"],
        helmMode: raw.helmMode as HelmMode | undefined,
        clusters: raw.clusters as pulumi.Unwrap<MtlsPlatformArgs>["clusters"],
    };
    const fleetCaStack = raw.fleetCaStack as FleetCaStackConfig | undefined;
    if (fleetCaStack !== undefined) {
        if (typeof fleetCaStack.stack === "string" && fleetCaStack.stack.split("/").length !== 3) {
            problems.push(`${namespace}:fleetCaStack.stack: got ${JSON.stringify(fleetCaStack.stack)}; expected the fleet CA stack's fully qualified name, <org>/<project>/<stack>`);
        }
        platform.fleetIssuer = { cluster: fleetCaStack.cluster, material: FLEET_MATERIAL_PLACEHOLDER };
    }
    // A fleet in one program: each cluster renders to its own directory under renderDirectory, or applies
    // with its own kubeconfig context.
    (platform.clusters ?? []).forEach((c, i) => {
        if (typeof c !== "object" || (c as unknown) === null) {
            return;
        }
        if (target === DeployTarget.Render) {
            if (c.kubeconfigContext !== undefined) {
                problems.push(`${namespace}:clusters[${i}].kubeconfigContext: got ${JSON.stringify(c.kubeconfigContext)}; it only applies with ${namespace}:target cluster (with target render each cluster renders to renderDirectory/<name>, or its own renderDirectory)`);
            } else if (c.renderDirectory === undefined && typeof c.name === "string") {
                c.renderDirectory = `${(raw.renderDirectory as string | undefined) ?? "rendered"}/${c.name}`;
            }
        } else if (c.renderDirectory !== undefined) {
            problems.push(`${namespace}:clusters[${i}].renderDirectory: got ${JSON.stringify(c.renderDirectory)}; it only applies with ${namespace}:target render (with target cluster each cluster needs its kubeconfigContext)`);
        }
    });
    if (platform.clusters !== undefined && raw.kubeconfigContext !== undefined) {
        problems.push(`${namespace}:kubeconfigContext: got ${JSON.stringify(raw.kubeconfigContext)}; with ${namespace}:clusters each cluster names its own (clusters[].kubeconfigContext)`);
    }
    if (target === DeployTarget.Render) {
        if (typeof raw.renderDirectory === "string" && raw.renderDirectory.trim() === "") {
            // An empty path would render into the program's own directory, next to Pulumi.yaml.
            problems.push(`${namespace}:renderDirectory: got ${JSON.stringify(raw.renderDirectory)}; expected a non-empty directory path (leave it unset for "rendered")`);
        }
        const releases: Array<[string, HelmMode | undefined]> = [
            [`${namespace}:helmMode`, platform.helmMode],
            [`${namespace}:istio.helmMode`, platform.istio?.helmMode],
            [`${namespace}:gloo.helmMode`, platform.gloo?.helmMode],
            [`${namespace}:authz.helmMode`, platform.authz?.helmMode],
        ];
        for (const [key, mode] of releases) {
            if (mode === HelmMode.Release) {
                problems.push(`${key}: got "Release"; with ${namespace}:target render every chart is rendered with helm.v4.Chart (a helm.v3.Release cannot be rendered); remove it or set target cluster`);
            }
        }
        if (platform.kuadrant?.mode === KuadrantMtlsMode.Manual) {
            problems.push(`${namespace}:kuadrant.mode: got "Manual"; Manual mode reads the operator's live EnvoyFilters, which needs a cluster; use mode Operator, or set ${namespace}:target cluster`);
        }
        if (platform.gloo && (platform.gloo.xdsRotation === GlooCertRotation.CronJob) && platform.gloo.install !== false) {
            problems.push(`${namespace}:gloo.xdsRotation: got "CronJob"; the chart's first certificate comes from a Helm hook, which rendering drops; use Pulumi rotation, or set ${namespace}:target cluster`);
        }
        platform.helmMode = HelmMode.Chart;
    } else if (raw.renderDirectory !== undefined) {
        problems.push(`${namespace}:renderDirectory: got ${JSON.stringify(raw.renderDirectory)}; it only applies with ${namespace}:target render`);
    }
    if (target === DeployTarget.Render && raw.kubeconfigContext !== undefined) {
        problems.push(`${namespace}:kubeconfigContext: got ${JSON.stringify(raw.kubeconfigContext)}; it only applies with ${namespace}:target cluster`);
    }
    problems.push(...platformProblems(platform, namespace, problems.length > 0));
    if (problems.length > 0) {
        // The schema and the platform's plan both check enum values: say each problem once.
        throw new Error(`invalid stack config:\n  - ${[...new Set(problems)].join("\n  - ")}`);
    }
    return {
        target,
        renderDirectory: (raw.renderDirectory as string | undefined) ?? "rendered",
        kubeconfigContext: raw.kubeconfigContext as string | undefined,
        skipRotationGuard: (raw.skipRotationGuard as boolean | undefined) ?? false,
        ...(fleetCaStack !== undefined ? { fleetCaStack } : {}),
        platform,
    };
}

/**
 * The problem line for a key whose namespace looks like a typo of `namespace`, or undefined: a key of
 * `namespace` itself, of a known or given other namespace, or of one more than TYPO_DISTANCE edits away.
 */
function namespaceTypo(fullKey: string, namespace: string, otherNamespaces: readonly string[]): string | undefined {
    const colon = fullKey.indexOf(":");
    if (colon < 0) {
        return undefined;
    }
    const ns = fullKey.slice(0, colon);
    if (ns === namespace || KNOWN_CONFIG_NAMESPACES.includes(ns) || otherNamespaces.includes(ns)) {
        return undefined;
    }
    // Case-insensitive: `Meshtls:target` is as silently ignored as `meshtsl:target`.
    if (editDistance(ns.toLowerCase(), namespace.toLowerCase()) > TYPO_DISTANCE) {
        return undefined;
    }
    return `${fullKey}: unknown namespace "${ns}", so no package reads this key; did you mean ${namespace}:${fullKey.slice(colon + 1)}?`;
}

/**
 * MtlsPlatform's own checks over the platform the config describes (every section, each child's checks
 * included), each problem named by its stack config key: `authz.timeout` becomes `meshtls:authz.timeout`.
 * The root program names its platform after the config namespace. When the config already has schema
 * problems, values may have the wrong types: a check that then fails other than as an argument error is
 * left out (the schema problems are reported).
 */
function platformProblems(platform: pulumi.Unwrap<MtlsPlatformArgs>, namespace: string, schemaProblems: boolean): string[] {
    try {
        planMtlsPlatform(namespace, platform);
        return [];
    } catch (err) {
        const problems = argsProblemsOf(err);
        if (problems === undefined) {
            if (schemaProblems) {
                return [];
            }
            throw err;
        }
        return problems.map((p) =>
            formatArgsProblem({
                ...p,
                field: p.field
                    .split("/")
                    .map((f) => `${namespace}:${f}`)
                    .join("/"),
            }),
        );
    }
}
