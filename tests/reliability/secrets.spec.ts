// Issuers built by hand (plain strings, e.g. an existing CA read from files) carry an unmarked private
// key: every component that takes an IssuerMaterial must make it secret before it reaches a resource.
import { strict as assert } from "node:assert";
import { Certificate, CertificateAuthority, GlooMtls, IssuerMaterial, IstioMesh, KyvernoAuthz } from "../../sdk";
import { resolve, runProgram, valueOf } from "../harness";
import { assertKeysSecret } from "./secrets";

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
