// Where private keys may appear among registrations, and whether they are secret there: shared by the
// secrets checks over every program and over hand-built issuers.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { RegisteredResource, resolve } from "../harness";

const KEY = /PRIVATE KEY/;

/** Dotted paths of string values containing a PEM private key. */
export function keyPaths(value: unknown, at = ""): string[] {
    if (typeof value === "string") {
        return KEY.test(value) ? [at] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => keyPaths(v, at ? `${at}.${i}` : String(i)));
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => keyPaths(v, at ? `${at}.${k}` : k));
    }
    return [];
}

function coveredBySecret(r: RegisteredResource, p: string): boolean {
    return r.secretPaths.some((s) => s === "" || p === s || p.startsWith(`${s}.`));
}

/** Where a private key may be: Secrets, tls resources, Helm install values (stored in a Secret by Helm, or rendered into one). */
function mayHoldKey(r: RegisteredResource): boolean {
    return (
        r.type === "kubernetes:core/v1:Secret" ||
        r.type.startsWith("tls:") ||
        r.type === "kubernetes:helm.sh/v3:Release" ||
        r.type === "kubernetes:helm.sh/v4:Chart"
    );
}

/**
 * Asserts that every private key among the registrations' inputs is where it may be and secret there,
 * and none is in a meshtls component's recorded args; returns where the keys were (`type::name at`),
 * so callers can assert that the check saw the keys it was meant to see.
 */
export function assertKeysSecret(resources: RegisteredResource[]): string[] {
    const seen: string[] = [];
    for (const r of resources) {
        for (const at of keyPaths(r.inputs)) {
            seen.push(`${r.type}::${r.name} ${at}`);
            assert.ok(!r.type.startsWith("meshtls:"), `${r.type} ${r.name} records a private key in its args at ${at}`);
            assert.ok(mayHoldKey(r), `${r.type} ${r.name} holds a private key at ${at}`);
            assert.ok(coveredBySecret(r, at), `${r.type} ${r.name}: the private key at ${at} is not secret`);
        }
    }
    return seen;
}

/** Dotted paths of private keys in `value` not marked secret (Outputs resolved: a secret one covers all beneath it). */
export async function plainKeyPaths(value: unknown, at = ""): Promise<string[]> {
    if (pulumi.Output.isInstance(value)) {
        const r = await resolve(value);
        return r.secret || !r.known ? [] : plainKeyPaths(r.value, at);
    }
    if (typeof value === "string") {
        return KEY.test(value) ? [at] : [];
    }
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : value && typeof value === "object" ? Object.entries(value) : [];
    const found = await Promise.all(entries.map(([k, v]) => plainKeyPaths(v, at ? `${at}.${k}` : k)));
    return found.flat();
}

/** What one component registered as its outputs (`registerOutputs`). */
export interface RecordedOutputs {
    type: string;
    name: string;
    outputs: Record<string, unknown>;
}

/**
 * Runs `body` while recording every component's `registerOutputs` call (the outputs the engine stores
 * in state for it), and returns them.
 */
export async function recordingComponentOutputs(body: () => Promise<void>): Promise<RecordedOutputs[]> {
    const recorded: RecordedOutputs[] = [];
    const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs(outputs?: unknown): void };
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called back with the component as `this`
    const original = proto.registerOutputs;
    proto.registerOutputs = function (this: pulumi.ComponentResource & { __pulumiType?: string; __name?: string }, outputs?: unknown): void {
        recorded.push({ type: String(this.__pulumiType), name: String(this.__name), outputs: (outputs ?? {}) as Record<string, unknown> });
        original.call(this, outputs);
    };
    try {
        await body();
    } finally {
        proto.registerOutputs = original;
    }
    return recorded;
}

/**
 * Every component's recorded inputs (the registration, secret paths as marked) and outputs scanned for
 * PEM private keys not marked secret. Returns the problems found (`type name inputs|outputs at path`).
 */
export async function unmarkedComponentKeys(resources: RegisteredResource[], outputs: RecordedOutputs[]): Promise<string[]> {
    const problems: string[] = [];
    for (const r of resources.filter((x) => !x.custom)) {
        for (const at of keyPaths(r.inputs)) {
            if (!coveredBySecret(r, at)) {
                problems.push(`${r.type} ${r.name} inputs at ${at}`);
            }
        }
    }
    for (const o of outputs) {
        for (const at of await plainKeyPaths(o.outputs)) {
            problems.push(`${o.type} ${o.name} outputs at ${at}`);
        }
    }
    return problems;
}
