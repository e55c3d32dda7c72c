// The pure half of Helm installs: how a chart is installed (data), and how chart values are merged,
// parsed and printed. No Pulumi resource class is loaded from here.
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { ArgsValidator } from "./validation";

/** How a component installs a Helm chart. */
export enum HelmMode {
    /**
     * `helm.v4.Chart`: Pulumi renders the chart and manages every object, so `pulumi preview` shows a
     * diff per object and policy packs see each one. Chart hooks are not run.
     */
    Chart = "Chart",
    /** `helm.v3.Release`: Helm installs the release (hooks run); the preview diff is the values only. */
    Release = "Release",
}

/** What to install. */
export interface HelmInstall {
    mode: HelmMode;
    /** Chart name in the repository, e.g. `istiod`. */
    chart: string;
    version: string;
    /** Chart repository URL; absent when `chart` is a full reference such as `oci://registry/charts/name`. */
    repo?: string;
    /** Helm release name (some charts name their objects after it). */
    releaseName: string;
    namespace: string;
    /**
     * Plain data known at preview, so helm.v4.Chart can render during preview. The one exception is a
     * chart that only takes TLS material as values (kyverno-authz-server's webhook certificate): its
     * Outputs sit at the leaves, secret where they are keys, and such charts install as a Release.
     */
    values: Record<string, unknown>;
    /** Keep the chart's CustomResourceDefinitions when the resource is deleted. */
    retainCrds?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
    // Outputs are leaves: merging must not walk into their internals.
    return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
}

/**
 * Deep merge for Helm values: objects merge key by key, everything else (arrays included) is replaced
 * by the override. Neither input is modified.
 */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override ?? {})) {
        const current = out[k];
        out[k] = isObject(current) && isObject(v) ? deepMerge(current, v) : v;
    }
    return out;
}

/**
 * Parses raw values given as YAML (or JSON) text: the escape hatches take text because a free-form
 * object cannot cross language boundaries in a component schema. Returns undefined (and records the
 * problem) when the text is not a mapping.
 */
export function parseValuesYaml(v: ArgsValidator, field: string, text: string | undefined): Record<string, unknown> | undefined {
    if (text === undefined) {
        return undefined;
    }
    const parsed = v.yaml(field, text);
    if (parsed === null || parsed === undefined) {
        return {};
    }
    if (!isObject(parsed)) {
        v.fail(field, "<yaml>", "expected YAML text of a mapping (chart values), e.g. \"meshConfig:\\n  accessLogFile: /dev/stdout\"");
        return undefined;
    }
    return parsed;
}

/** Values as YAML text, for outputs that feed `helm -f` or review. */
export function valuesYaml(values: Record<string, unknown>): string {
    return YAML.stringify(values);
}

/** Removes keys whose value is undefined, recursively, so values stay minimal and diffs quiet. */
export function compact<T>(value: T): T {
    if (Array.isArray(value)) {
        return value.map(compact) as T;
    }
    if (isObject(value)) {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, compact(v)]),
        ) as T;
    }
    return value;
}

/**
 * One chart value meshtls sets (a leaf: a scalar or a list), as a plan declares it, so the `values`
 * escape hatch can be checked before anything is registered. Every mapping on its path is one meshtls
 * sets too.
 */
export interface SetValue {
    /** Dotted path in the chart values, e.g. `global.glooMtls.enabled`. */
    path: string;
    /** The value meshtls sets. */
    value: unknown;
    /**
     * Set when an override must keep the value itself, not only its type: why (what it wires), and
     * which argument to use instead.
     */
    guard?: string;
    /** Skip the type check (a value whose own check elsewhere accepts several types). */
    anyType?: boolean;
}

function valueKind(v: unknown): string {
    if (v === null) {
        return "null";
    }
    if (Array.isArray(v)) {
        return "list";
    }
    return typeof v === "object" ? "mapping" : typeof v;
}

/**
 * Checks a chart-values override (a `values` escape hatch) against the values meshtls sets, recording
 * a problem under `field` for: a mapping meshtls sets that the override makes a scalar or list (say
 * `meshConfig: "x"`, which would drop everything meshtls put under it), a value meshtls sets whose
 * override has another type, and a guarded value the override changes. Keys meshtls does not set are free.
 */
export function checkValuesOverride(v: ArgsValidator, field: string, set: readonly SetValue[], override: Record<string, unknown> | undefined): void {
    if (override === undefined) {
        return;
    }
    const reported = new Set<string>();
    for (const entry of set) {
        const keys = entry.path.split(".");
        let cur: unknown = override;
        let broken = false;
        for (let i = 0; i < keys.length - 1; i++) {
            if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, keys[i])) {
                broken = true;
                break;
            }
            const next = cur[keys[i]];
            if (!isObject(next)) {
                broken = true;
                const prefix = keys.slice(0, i + 1).join(".");
                if (!reported.has(prefix)) {
                    reported.add(prefix);
                    const under = [...new Set(set.filter((e) => e.path.startsWith(`${prefix}.`)).map((e) => e.path.slice(prefix.length + 1).split(".")[0]))];
                    v.fail(
                        field,
                        `${prefix}: ${JSON.stringify(next)}`,
                        `meshtls sets ${prefix} to a mapping (${under.join(", ")}) and an override must keep it one: mappings merge key by key, a ${valueKind(next)} would replace what meshtls set`,
                    );
                }
                break;
            }
            cur = next;
        }
        const last = keys[keys.length - 1];
        if (broken || !isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, last)) {
            continue;
        }
        const given = cur[last];
        if (!entry.anyType && valueKind(given) !== valueKind(entry.value)) {
            v.fail(field, `${entry.path}: ${JSON.stringify(given)}`, `meshtls sets ${entry.path} to a ${valueKind(entry.value)} (${JSON.stringify(entry.value)}) and an override must keep that type`);
        } else if (entry.guard !== undefined && JSON.stringify(given) !== JSON.stringify(entry.value)) {
            v.fail(field, `${entry.path}: ${JSON.stringify(given)}`, `meshtls sets ${entry.path} to ${JSON.stringify(entry.value)}: ${entry.guard}`);
        }
    }
}

/**
 * A chart value an override must leave at the chart's default, or set only to one of `allowed`: what
 * meshtls relies on without setting it (setting it would add noise to every install's values).
 */
export interface ReservedValue {
    /** Dotted path in the chart values. */
    path: string;
    /** Why it must stay, and what to do instead. */
    reason: string;
    /** The values an override may still give (compared after `normalize`). @default none */
    allowed?: readonly unknown[];
    /** Maps a given value before comparing (e.g. Go's boolean parsing of an env string). */
    normalize?: (value: unknown) => unknown;
}

/** The value at a dotted path, or undefined when a step is missing or not a mapping. */
export function valueAt(values: Record<string, unknown> | undefined, path: string): unknown {
    let cur: unknown = values;
    for (const key of path.split(".")) {
        if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) {
            return undefined;
        }
        cur = cur[key];
    }
    return cur;
}

/** Refuses an override that sets a reserved value to anything but an allowed one, naming the path and why. */
export function checkReservedValues(v: ArgsValidator, field: string, reserved: readonly ReservedValue[], override: Record<string, unknown> | undefined): void {
    for (const r of reserved) {
        const given = valueAt(override, r.path);
        if (given === undefined) {
            continue;
        }
        const value = r.normalize ? r.normalize(given) : given;
        if (!(r.allowed ?? []).some((a) => JSON.stringify(a) === JSON.stringify(value))) {
            v.fail(field, `${r.path}: ${JSON.stringify(given)}`, r.reason);
        }
    }
}


/** The leaves of chart values as dotted paths and values (lists are leaves), for checking `SetValue` declarations. */
export function valueLeaves(values: Record<string, unknown>, prefix = ""): Array<{ path: string; value: unknown }> {
    return Object.entries(values).flatMap(([k, val]) => (isObject(val) ? valueLeaves(val, `${prefix}${k}.`) : [{ path: `${prefix}${k}`, value: val }]));
}
