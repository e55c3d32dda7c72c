// Where private keys may appear among registrations, and whether they are secret there: shared by the
// secrets checks over every program and over hand-built issuers.
import { strict as assert } from "node:assert";
import { RegisteredResource } from "../harness";

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
