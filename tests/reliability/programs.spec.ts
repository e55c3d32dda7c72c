// For every program: private keys only where they belong and always secret; two runs identical;
// preview runs with chart values known.
import { strict as assert } from "node:assert";
import { UNKNOWN, registrationView, resolve, runProgram } from "../harness";
import { PROGRAMS } from "./programs";
import { assertKeysSecret, keyPaths } from "./secrets";

describe(`reliability: secrets in ${PROGRAMS.length} programs`, () => {
    assert.equal(PROGRAMS.length, 14);
    for (const p of PROGRAMS) {
        it(`${p.name}: every private key is in a Secret, a tls resource or Helm values, and secret; none in a ConfigMap, a meshtls component's args or an output`, async () => {
            const result = await runProgram(p.program, p.options);
            const keys = assertKeysSecret(result.resources).length;
            assert.equal(keys > 0, p.hasKeys, p.hasKeys ? "a program with a CA carries keys: the check must have seen them" : "no CA, so no keys");
            assert.deepEqual(Object.keys(result.value), p.exports);
            for (const [name, output] of Object.entries(result.value)) {
                const r = await resolve(output);
                assert.deepEqual(keyPaths(r.value), [], `output ${name} carries a private key`);
            }
        });
    }
});

describe(`reliability: determinism of ${PROGRAMS.length} programs`, () => {
    assert.equal(PROGRAMS.length, 14);
    for (const p of PROGRAMS) {
        it(`${p.name}: two runs (the second with random mock delays) register identical resources and inputs, keyed by URN`, async () => {
            const a = await runProgram(p.program, p.options);
            const b = await runProgram(p.program, { ...p.options, mockDelays: { seed: 7 } });
            assert.deepEqual(registrationView(b), registrationView(a));
        });
    }
});

/** Chart value leaves that are TLS material by the chart's own design (see KyvernoAuthz docs). */
const CERTIFICATE_VALUES = /"certificates":\{"static":\{"crt":"<unknown>","key":"<unknown>"\}\}/;
const HELM_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"]);

describe(`reliability: preview of ${PROGRAMS.length} programs`, () => {
    assert.equal(PROGRAMS.length, 14);
    for (const p of PROGRAMS) {
        it(`${p.name}: runs with preview=true, and every Helm install (Chart or Release) is known at preview but for the chart's own certificate values`, async () => {
            const result = await runProgram(p.program, { ...p.options, preview: true });
            // A Chart with an unknown input cannot render its objects at preview; a Release with one
            // shows an unreadable diff. TLS material belongs in Secrets referenced by name.
            const charts = result.resources.filter((r) => HELM_TYPES.has(r.type));
            assert.deepEqual(charts.map((c) => c.name).sort(), Object.keys(p.charts).sort());
            for (const chart of charts) {
                const text = JSON.stringify(chart.inputs);
                assert.equal(CERTIFICATE_VALUES.test(text), p.charts[chart.name], `${chart.name}: certificate values (unknown at preview) ${p.charts[chart.name] ? "expected" : "unexpected"}`);
                const rest = text.replace(CERTIFICATE_VALUES, "");
                assert.ok(!rest.includes(UNKNOWN), `${chart.name}: inputs unknown at preview: ${rest}`);
            }
        });
    }
});
