// meshtls/testing: mocks for unit tests of programs that use meshtls (see docs/testing.md).
//
// Under `pulumi.runtime.setMocks` with mocks that echo inputs (Pulumi's unit-testing guide), every
// meshtls component constructs, but the tls provider returns no certificate, so fingerprints, expiry
// dates and serial numbers are "". These mocks answer @pulumi/tls and @pulumi/random resources as the
// providers would, with real keys and certificates, and pass everything else to the program's own mocks.
// Not exported from the package root: a program never loads it, and only certificates need
// @peculiar/x509 (loaded on first use; see `X509_PACKAGES`).
import * as pulumi from "@pulumi/pulumi";
import { RANDOM_RESOURCE_TYPES, mockRandomResource } from "./random";
import { TLS_RESOURCE_TYPES, X509_PACKAGES, mockTlsResource } from "./tls";

export { RANDOM_RESOURCE_TYPES, TLS_RESOURCE_TYPES, X509_PACKAGES, mockRandomResource, mockTlsResource };

/**
 * `value` with every secret wrapper the mock monitor leaves on resource inputs replaced by the value
 * it wraps (plain data in, plain data out).
 */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            return unwrapSecrets(o.value);
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/**
 * The mocks of Pulumi's unit-testing guide: every resource's state is its inputs (ID `<name>_id`),
 * every invoke returns its arguments.
 */
export const echoMocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult => ({ id: `${args.name}_id`, state: args.inputs as Record<string, unknown> }),
    call: (args: pulumi.runtime.MockCallArgs): Record<string, unknown> => args.inputs as Record<string, unknown>,
};

/**
 * Mocks for `pulumi.runtime.setMocks` that answer @pulumi/tls resources (`TLS_RESOURCE_TYPES`) with
 * real keys and certificates and @pulumi/random resources (`RANDOM_RESOURCE_TYPES`) with deterministic
 * values, and pass every other resource, every read and every invoke to `mocks`. Preview (the
 * `preview` argument of `setMocks`) is followed: there, tls and random outputs are unknown, as in a
 * real preview of a create. Reads of existing tls or random resources (an `id` in the arguments) go to
 * `mocks` too.
 *
 * Certificates need @peculiar/x509 and reflect-metadata (node:crypto cannot sign certificates): a test
 * that registers a certificate without them installed fails naming them. Keys and random values need
 * nothing beyond node.
 *
 * @param mocks The program's own mocks, for every other resource and for invokes; `echoMocks` when omitted.
 */
export function withMeshtlsMocks(mocks: pulumi.runtime.Mocks = echoMocks): pulumi.runtime.Mocks {
    return {
        newResource: async (args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> => {
            const answered = TLS_RESOURCE_TYPES.has(args.type) || RANDOM_RESOURCE_TYPES.has(args.type);
            // `id` is the ID read (or imported); the monitor passes "" for a plain registration.
            if (!answered || (args.id !== undefined && args.id !== "")) {
                return mocks.newResource(args);
            }
            const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
            const preview = pulumi.runtime.isDryRun();
            const state = TLS_RESOURCE_TYPES.has(args.type)
                ? await mockTlsResource(args.type, args.name, inputs, preview)
                : mockRandomResource(args.type, args.name, inputs, preview);
            return { id: `${args.name}_id`, state };
        },
        call: (args: pulumi.runtime.MockCallArgs) => mocks.call(args),
    };
}
