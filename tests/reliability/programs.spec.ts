// For every program: private keys only where they belong and always secret; two runs identical;
// preview runs with chart values known.
import { strict as assert } from "node:assert";
import { RegisteredResource, UNKNOWN, registrationView, resolve, runProgram } from "../harness";
import { PROGRAMS } from "./programs";

const KEY = /PRIVATE KEY/;

/** Dotted paths of string values containing a PEM private key. */
function keyPaths(value: unknown, at = ""): string[] {
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

describe(`reliability: secrets in ${PROGRAMS.length} programs`, () => {
    for (const p of PROGRAMS) {
        it(`${p.name}: every private key is in a Secret, a tls resource or Helm values, and secret; none in a ConfigMap, a meshtls component's args or an output`, async () => {
            const result = await runProgram(p.program, p.options);
            let keys = 0;
            for (const r of result.resources) {
                for (const at of keyPaths(r.inputs)) {
                    keys++;
                    assert.ok(!r.type.startsWith("meshtls:"), `${r.type} ${r.name} records a private key in its args at ${at}`);
                    assert.ok(mayHoldKey(r), `${r.type} ${r.name} holds a private key at ${at}`);
                    assert.ok(coveredBySecret(r, at), `${r.type} ${r.name}: the private key at ${at} is not secret`);
                }
            }
            assert.equal(keys > 0, p.hasKeys, p.hasKeys ? "a program with a CA carries keys: the check must have seen them" : "no CA, so no keys");
            for (const [name, output] of Object.entries(result.value)) {
                const r = await resolve(output);
                assert.deepEqual(keyPaths(r.value), [], `output ${name} carries a private key`);
            }
        });
    }
});

describe(`reliability: determinism of ${PROGRAMS.length} programs`, () => {
    for (const p of PROGRAMS) {
        it(`${p.name}: two runs register identical resources and inputs`, async () => {
            const a = await runProgram(p.program, p.options);
            const b = await runProgram(p.program, p.options);
            assert.deepEqual(registrationView(b), registrationView(a));
        });
    }
});

/** Chart value leaves that are TLS material by the chart's own design (see KyvernoAuthz docs). */
const CERTIFICATE_VALUES = /"certificates":\{"static":\{"crt":"<unknown>","key":"<unknown>"\}\}/;

describe(`reliability: preview of ${PROGRAMS.length} programs`, () => {
    for (const p of PROGRAMS) {
        it(`${p.name}: runs with preview=true, and helm.v4.Chart values hold no unknowns`, async () => {
            const result = await runProgram(p.program, { ...p.options, preview: true });
            assert.ok(result.resources.length > 0);
            for (const chart of result.ofType("kubernetes:helm.sh/v4:Chart")) {
                const text = JSON.stringify(chart.inputs.values).replace(CERTIFICATE_VALUES, "");
                assert.ok(!text.includes(UNKNOWN), `${chart.name}: values unknown at preview, so the chart would not render: ${text}`);
            }
        });
    }
});
