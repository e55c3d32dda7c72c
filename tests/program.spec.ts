// The root program (index.ts) under the harness, with stack config.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { loadProgram, runProgram, valueOf } from "./harness";

const loadMain = () => loadProgram(path.join(__dirname, "..", "index.ts"));

describe("main program", () => {
    it("creates the platform CA from meshtls:ca and exports its fingerprints", async () => {
        const result = await runProgram(loadMain, {
            config: { "meshtls:ca": JSON.stringify({ generation: 2, previousGeneration: 1, rotationPhase: "TrustNew" }) },
        });
        const ca = result.get("meshtls:index:CertificateAuthority", "meshtls-ca");
        assert.deepEqual(ca.inputs.generation, 2);
        const fingerprints = (await valueOf(result.value.trustBundleFingerprints)) as string[];
        assert.equal(fingerprints.length, 2);
        assert.equal(await valueOf(result.value.signingGeneration), 1);
        assert.ok(fingerprints.includes((await valueOf(result.value.caFingerprintSha256)) as string));
    });

    it("defaults to one Stable generation without config", async () => {
        const result = await runProgram(loadMain);
        const fingerprints = (await valueOf(result.value.trustBundleFingerprints)) as string[];
        assert.equal(fingerprints.length, 1);
        assert.ok(Date.parse((await valueOf(result.value.caNotAfter)) as string) > Date.now());
        assert.ok(result.ofType("tls:index/selfSignedCert:SelfSignedCert").every((r) => r.name.startsWith("meshtls-ca-g1")));
    });
});
