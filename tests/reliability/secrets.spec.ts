// Issuers built by hand (plain strings, e.g. an existing CA read from files) carry an unmarked private
// key: every component that takes an IssuerMaterial must make it secret before it reaches a resource.
import { strict as assert } from "node:assert";
import { Certificate, CertificateAuthority, GlooMtls, IssuerMaterial, IstioMesh, KyvernoAuthz, MtlsPlatform } from "../../sdk";
import { RunOptions, resolve, runProgram, valueOf } from "../harness";
import { PROGRAMS } from "./programs";
import { assertKeysSecret, plainKeyPaths, recordingComponentOutputs, unmarkedComponentKeys } from "./secrets";

/** A CA's issuer material as plain strings, secret marking gone, as a user would build it by hand. */
async function handBuiltIssuer(): Promise<IssuerMaterial> {
    const result = await runProgram(() => new CertificateAuthority("hand", {}));
    const issuer = await valueOf(result.value.issuer);
    return { ...issuer };
}

describe("reliability: secrets with a hand-built issuer (plain strings)", () => {
    const cases: Array<[string, (issuer: IssuerMaterial) => unknown, RegExp]> = [
        ["Certificate", (issuer) => new Certificate("leaf", { issuer, commonName: "svc" }), /LocallySignedCert::leaf-cert caPrivateKeyPem$/],
        ["IstioMesh (plug-in CA)", (issuer) => new IstioMesh("mesh", { pluginCa: issuer }), /Secret::mesh-cacerts stringData\.ca-key\.pem$/],
        ["GlooMtls (xDS issuer)", (issuer) => new GlooMtls("gloo", { xds: { issuer } }), /LocallySignedCert::gloo-xds-cert-cert caPrivateKeyPem$/],
        ["KyvernoAuthz (webhook issuer)", (issuer) => new KyvernoAuthz("authz", { webhookIssuer: issuer }), /LocallySignedCert::authz-webhook-cert-cert caPrivateKeyPem$/],
    ];
    assert.equal(cases.length, 4);
    for (const [component, build, issuerKeyAt] of cases) {
        it(`${component}: the issuer's key is secret wherever it is registered`, async () => {
            const issuer = await handBuiltIssuer();
            assert.equal((await resolve(issuer.privateKeyPem)).secret, false, "the test's issuer key is plain");
            const result = await runProgram(() => build(issuer));
            const seen = assertKeysSecret(result.resources);
            assert.ok(seen.some((s) => issuerKeyAt.test(s)), `the issuer key was registered where expected (${String(issuerKeyAt)}); keys seen:\n${seen.join("\n")}`);
        });
    }
});

/** Runs a program recording every component's outputs; returns the unmarked keys and how many keys were seen. */
async function scanComponents(program: () => unknown, options: RunOptions = {}): Promise<{ problems: string[]; components: number }> {
    let problems: string[] = [];
    let components = 0;
    const outputs = await recordingComponentOutputs(async () => {
        const result = await runProgram(program, options);
        components = result.resources.filter((r) => !r.custom).length;
        problems = await unmarkedComponentKeys(result.resources, []);
    });
    problems.push(...(await unmarkedComponentKeys([], outputs)));
    assert.ok(outputs.length > 0, "the run recorded component outputs");
    return { problems, components };
}

describe(`reliability: no component records an unmarked private key among its inputs or outputs (${PROGRAMS.length} programs + MtlsPlatform with a plain-text webhookIssuer)`, () => {
    it("the scan finds a plain key in a component's inputs and outputs, and not a secret one", async () => {
        const issuer = await handBuiltIssuer();
        const plain = await plainKeyPaths({ a: issuer.privateKeyPem, b: [{ c: issuer.certPem }] });
        assert.deepEqual(plain, ["a"]);
        const { secret } = await import("@pulumi/pulumi");
        assert.deepEqual(await plainKeyPaths({ a: secret(issuer.privateKeyPem) }), []);
    });

    assert.equal(PROGRAMS.length, 14);
    for (const p of PROGRAMS) {
        it(`${p.name}: every component's inputs and outputs carry no unmarked private key`, async () => {
            const { problems, components } = await scanComponents(p.program, p.options);
            assert.ok(components > 0, "the program registers components");
            assert.deepEqual(problems, []);
        });
    }

    it("MtlsPlatform with a plain-text authz.webhookIssuer records no key in its inputs (it recorded the issuer verbatim before)", async () => {
        const issuer = await handBuiltIssuer();
        assert.equal((await resolve(issuer.privateKeyPem)).secret, false, "the test's issuer key is plain");
        const result = await runProgram(() => new MtlsPlatform("plat", { authz: { webhookIssuer: issuer } }));
        const platform = result.get("meshtls:index:MtlsPlatform", "plat");
        assert.ok(platform.inputs.authz !== undefined, "the platform records its authz section");
        const { problems } = await scanComponents(() => new MtlsPlatform("plat", { authz: { webhookIssuer: issuer } }));
        assert.deepEqual(problems, []);
        // The issuer key still reaches the webhook certificate's signer, secret there.
        const seen = assertKeysSecret(result.resources);
        assert.ok(seen.some((s) => /LocallySignedCert::plat-authz-webhook-cert-cert caPrivateKeyPem$/.test(s)), `keys seen:\n${seen.join("\n")}`);
    });
});
