import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { assertRejected, resolve, runProgram, valueOf, ProgramResult, registrationView } from "./harness";
import { Certificate, CertificateAuthority, CertificateAuthorityArgs, CertificateArgs, KeyAlgorithm, RotationPhase } from "../sdk";

const CA = "meshtls:index:CertificateAuthority";
const CERT = "meshtls:index:Certificate";
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g;

/** Splits a PEM bundle into certificates (test-side check of what the component concatenated). */
function certs(bundle: string): X509Certificate[] {
    return (bundle.match(PEM_BLOCK) ?? []).map((p) => new X509Certificate(p));
}

function caWithLeaf(caArgs: CertificateAuthorityArgs = {}, leafArgs: Partial<CertificateArgs> = {}) {
    const ca = new CertificateAuthority("mesh-ca", caArgs);
    const leaf = new Certificate("gloo", {
        issuer: ca.issuer,
        commonName: "gloo.gloo-system.svc",
        dnsNames: ["gloo", "gloo.gloo-system.svc"],
        clientAuth: true,
        ...leafArgs,
    });
    return { ca, leaf };
}

function caResourceNames(result: ProgramResult<unknown>): string[] {
    const ca = result.get(CA, "mesh-ca");
    return result
        .descendantsOf(ca)
        .map((r) => r.name)
        .sort();
}

describe("pki: CertificateAuthority and Certificate", () => {
    describe("issuing", () => {
        it("issues a leaf that verifies against the root with node:crypto", async () => {
            const result = await runProgram(() => caWithLeaf());
            const { ca, leaf } = result.value;
            const root = new X509Certificate(await valueOf(ca.certPem));
            const cert = new X509Certificate(await valueOf(leaf.certPem));
            assert.equal(root.ca, true);
            assert.ok(cert.checkIssued(root));
            assert.ok(cert.verify(root.publicKey));
            assert.equal(cert.subjectAltName, "DNS:gloo, DNS:gloo.gloo-system.svc");
            assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
            assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
            // Without an intermediate the chain a server sends is the leaf alone.
            assert.equal(await valueOf(leaf.chainPem), await valueOf(leaf.certPem));
            assert.equal(await valueOf(leaf.trustBundlePem), await valueOf(ca.trustBundlePem));
        });

        it("names every CA resource after its generation, with ECDSA P-256 keys by default", async () => {
            const result = await runProgram(() => caWithLeaf());
            assert.deepEqual(caResourceNames(result), ["mesh-ca-g1-id", "mesh-ca-g1-root", "mesh-ca-g1-root-key"]);
            const key = result.get("tls:index/privateKey:PrivateKey", "mesh-ca-g1-root-key");
            assert.deepEqual(key.inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
            const id = result.get("random:index/randomId:RandomId", "mesh-ca-g1-id");
            assert.deepEqual(id.inputs, { byteLength: 4, keepers: { generation: "1" } });
            const leafCert = result.get("tls:index/locallySignedCert:LocallySignedCert", "gloo-cert");
            assert.deepEqual(leafCert.inputs.allowedUses, ["digital_signature", "server_auth", "client_auth"]);
            assert.equal(leafCert.inputs.validityPeriodHours, 2160);
            assert.equal(leafCert.inputs.earlyRenewalHours, 720);
        });

        it("honours key algorithm, validity and subject arguments", async () => {
            const result = await runProgram(() =>
                caWithLeaf(
                    { keyAlgorithm: KeyAlgorithm.EcdsaP384, commonName: "Acme mesh", organization: "Acme", validityHours: 1000, earlyRenewalHours: 10 },
                    { keyAlgorithm: KeyAlgorithm.Rsa2048, serverAuth: false, clientAuth: true, validityHours: 48, earlyRenewalHours: 12, uris: ["spiffe://cluster.local/ns/a/sa/b"] },
                ),
            );
            const root = new X509Certificate(await valueOf(result.value.ca.certPem));
            const leaf = new X509Certificate(await valueOf(result.value.leaf.certPem));
            assert.match(root.subject, /^O=Acme\nCN=Acme mesh g1 [0-9a-f]{8}$/);
            assert.equal(root.publicKey.asymmetricKeyDetails?.namedCurve, "secp384r1");
            assert.equal((Date.parse(root.validTo) - Date.parse(root.validFrom)) / 3600_000, 1000);
            assert.equal(leaf.publicKey.asymmetricKeyType, "rsa");
            assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
            assert.equal((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600_000, 48);
            const lsc = result.get("tls:index/locallySignedCert:LocallySignedCert", "gloo-cert");
            // RSA TLS servers also need keyEncipherment; ECDSA keys do not get it.
            assert.deepEqual(lsc.inputs.allowedUses, ["digital_signature", "key_encipherment", "client_auth"]);
        });

        it("with an intermediate, the root signs it, it signs the leaf, and the chain verifies to the root", async () => {
            const result = await runProgram(() => caWithLeaf({ intermediate: { validityHours: 5000, earlyRenewalHours: 100 } }));
            const { ca, leaf } = result.value;
            const root = new X509Certificate(await valueOf(ca.rootCertPem));
            const intermediate = new X509Certificate(await valueOf(ca.certPem));
            const cert = new X509Certificate(await valueOf(leaf.certPem));
            assert.equal(intermediate.ca, true);
            assert.match(intermediate.subject, /CN=meshtls root CA intermediate g1 [0-9a-f]{8}/);
            assert.ok(intermediate.checkIssued(root) && intermediate.verify(root.publicKey), "root signed the intermediate");
            assert.ok(cert.checkIssued(intermediate) && cert.verify(intermediate.publicKey), "intermediate signed the leaf");
            assert.ok(!cert.verify(root.publicKey), "the root did not sign the leaf directly");
            const chain = certs(await valueOf(leaf.chainPem));
            assert.deepEqual(chain.map((c) => c.fingerprint256), [cert.fingerprint256, intermediate.fingerprint256]);
            assert.deepEqual(certs(await valueOf(ca.issuer.apply((i) => pulumi.output(i.caChainPem)))).map((c) => c.fingerprint256), [intermediate.fingerprint256, root.fingerprint256]);
            assert.deepEqual(caResourceNames(result), [
                "mesh-ca-g1-id",
                "mesh-ca-g1-intermediate",
                "mesh-ca-g1-intermediate-csr",
                "mesh-ca-g1-intermediate-key",
                "mesh-ca-g1-root",
                "mesh-ca-g1-root-key",
            ]);
        });
    });

    describe("fingerprints and facts", () => {
        it("fingerprintSha256, notAfter and serialNumber describe the certificate", async () => {
            const result = await runProgram(() => caWithLeaf());
            const { ca, leaf } = result.value;
            for (const c of [ca, leaf]) {
                const x = new X509Certificate(await valueOf(c.certPem));
                assert.equal(await valueOf(c.fingerprintSha256), x.fingerprint256);
                assert.match(await valueOf(c.fingerprintSha256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
                assert.equal(await valueOf(c.notAfter), new Date(x.validTo).toISOString().replace(".000Z", "Z"));
                assert.match(await valueOf(c.notAfter), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
                assert.equal(await valueOf(c.serialNumber), x.serialNumber.toUpperCase());
            }
            assert.deepEqual(await valueOf(ca.trustBundleFingerprints), [await valueOf(ca.fingerprintSha256)]);
        });

        it("fingerprintSha256 equals what openssl prints for the same PEM", async function () {
            const openssl = "openssl";
            try {
                execFileSync(openssl, ["version"], { stdio: "ignore" });
            } catch {
                console.log("      (openssl not found: skipping the openssl comparison)");
                this.skip();
            }
            const result = await runProgram(() => caWithLeaf());
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshtls-"));
            try {
                for (const c of [result.value.ca, result.value.leaf]) {
                    const file = path.join(dir, "cert.pem");
                    fs.writeFileSync(file, await valueOf(c.certPem));
                    const printed = execFileSync(openssl, ["x509", "-noout", "-fingerprint", "-sha256", "-in", file]).toString().trim();
                    assert.equal(printed.replace(/^sha256 Fingerprint=/i, ""), await valueOf(c.fingerprintSha256));
                    const serial = execFileSync(openssl, ["x509", "-noout", "-serial", "-in", file]).toString().trim();
                    assert.equal(serial.replace(/^serial=/, ""), await valueOf(c.serialNumber));
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("staged rotation", () => {
        async function phase(args: CertificateAuthorityArgs) {
            const result = await runProgram(() => caWithLeaf(args));
            const { ca, leaf } = result.value;
            const bundle = certs(await valueOf(ca.trustBundlePem));
            const leafCert = new X509Certificate(await valueOf(leaf.certPem));
            const signer = bundle.find((root) => leafCert.checkIssued(root) && leafCert.verify(root.publicKey));
            return { result, ca, bundle, signer, leafCert };
        }

        it("Stable: one generation in state, one root in the bundle, it signs", async () => {
            const p = await phase({ generation: 1 });
            assert.deepEqual(caResourceNames(p.result), ["mesh-ca-g1-id", "mesh-ca-g1-root", "mesh-ca-g1-root-key"]);
            assert.equal(p.bundle.length, 1);
            assert.match(p.bundle[0].subject, /CN=meshtls root CA g1 /);
            assert.equal(p.signer, p.bundle[0]);
            assert.equal(await valueOf(p.ca.signingGeneration), 1);
        });

        it("TrustNew: both generations in state, both roots trusted (old first), the old CA signs", async () => {
            const p = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew });
            assert.deepEqual(caResourceNames(p.result), [
                "mesh-ca-g1-id",
                "mesh-ca-g1-root",
                "mesh-ca-g1-root-key",
                "mesh-ca-g2-id",
                "mesh-ca-g2-root",
                "mesh-ca-g2-root-key",
            ]);
            assert.deepEqual(
                p.bundle.map((c) => c.subject.match(/ g(\d) /)?.[1]),
                ["1", "2"],
            );
            assert.notEqual(p.bundle[0].subject, p.bundle[1].subject, "the two roots never share a subject");
            assert.ok(p.signer);
            assert.match(p.signer.subject, / g1 /);
            assert.equal(await valueOf(p.ca.signingGeneration), 1);
            assert.deepEqual(await valueOf(p.ca.trustBundleFingerprints), p.bundle.map((c) => c.fingerprint256));
        });

        it("ServeNew: both roots trusted in the same order (no trust diff), the new CA signs", async () => {
            const trustNew = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew });
            const p = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew });
            assert.deepEqual(caResourceNames(p.result), caResourceNames(trustNew.result));
            assert.equal(await valueOf(p.ca.trustBundlePem), await valueOf(trustNew.ca.trustBundlePem));
            assert.ok(p.signer);
            assert.match(p.signer.subject, / g2 /);
            assert.equal(await valueOf(p.ca.signingGeneration), 2);
        });

        it("Stable after the rotation: only the new generation is left, and its root is the same one", async () => {
            const serveNew = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew });
            const p = await phase({ generation: 2 });
            assert.deepEqual(caResourceNames(p.result), ["mesh-ca-g2-id", "mesh-ca-g2-root", "mesh-ca-g2-root-key"]);
            assert.equal(p.bundle.length, 1);
            assert.equal(p.bundle[0].fingerprint256, serveNew.bundle[1].fingerprint256, "generation 2's root is unchanged by the last step");
            assert.equal(p.signer?.fingerprint256, p.bundle[0].fingerprint256);
        });

        it("the generation-1 root of Stable is the one still trusted during TrustNew (nothing re-issued)", async () => {
            const stable = await phase({});
            const trustNew = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew });
            assert.equal(trustNew.bundle[0].fingerprint256, stable.bundle[0].fingerprint256);
            assert.equal(trustNew.leafCert.fingerprint256, stable.leafCert.fingerprint256, "the leaf is not re-issued while the old CA signs");
        });

        it("with an intermediate, each generation has its own intermediate and the signer follows the phase", async () => {
            const p = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew, intermediate: {} });
            const intermediate = new X509Certificate(await valueOf(p.ca.certPem));
            assert.match(intermediate.subject, /intermediate g2 /);
            assert.ok(p.leafCert.verify(intermediate.publicKey));
            assert.ok(intermediate.verify(p.bundle[1].publicKey), "generation 2's intermediate chains to generation 2's root");
        });
    });

    describe("secrets", () => {
        it("private keys are secret outputs; certificates, fingerprints and bundles are not", async () => {
            const result = await runProgram(() => caWithLeaf({ intermediate: {} }));
            const { ca, leaf } = result.value;
            assert.equal((await resolve(ca.privateKeyPem)).secret, true);
            assert.equal((await resolve(leaf.privateKeyPem)).secret, true);
            assert.equal((await resolve(ca.issuer)).secret, true, "the issuer holds a key, so it is secret as a whole");
            const caOutputs: pulumi.Output<unknown>[] = [ca.certPem, ca.rootCertPem, ca.trustBundlePem, ca.fingerprintSha256, ca.trustBundleFingerprints, ca.notAfter, ca.serialNumber];
            for (const out of caOutputs) {
                assert.equal((await resolve(out)).secret, false);
            }
            for (const out of [leaf.certPem, leaf.chainPem, leaf.trustBundlePem, leaf.fingerprintSha256, leaf.notAfter, leaf.serialNumber]) {
                assert.equal((await resolve(out)).secret, false);
            }
            assert.match(await valueOf(leaf.privateKeyPem), /PRIVATE KEY/);
        });

        it("no private key appears in a component's recorded inputs, and every key input is secret", async () => {
            const result = await runProgram(() => caWithLeaf({ intermediate: {} }));
            // The two components, the CA's generation 1 (root, intermediate, suffix) and the leaf's key, CSR and certificate.
            assert.deepEqual(result.names().sort(), [
                `${CERT}::gloo`,
                `${CA}::mesh-ca`,
                "random:index/randomId:RandomId::mesh-ca-g1-id",
                "tls:index/certRequest:CertRequest::gloo-csr",
                "tls:index/certRequest:CertRequest::mesh-ca-g1-intermediate-csr",
                "tls:index/locallySignedCert:LocallySignedCert::gloo-cert",
                "tls:index/locallySignedCert:LocallySignedCert::mesh-ca-g1-intermediate",
                "tls:index/privateKey:PrivateKey::gloo-key",
                "tls:index/privateKey:PrivateKey::mesh-ca-g1-intermediate-key",
                "tls:index/privateKey:PrivateKey::mesh-ca-g1-root-key",
                "tls:index/selfSignedCert:SelfSignedCert::mesh-ca-g1-root",
            ]);
            const keyInputs: string[] = [];
            for (const r of result.resources) {
                const text = JSON.stringify(r.inputs);
                if (!r.custom) {
                    assert.doesNotMatch(text, /PRIVATE KEY/, `${r.type} ${r.name} records a private key in its inputs`);
                    continue;
                }
                for (const [k, v] of Object.entries(r.inputs)) {
                    if (typeof v === "string" && v.includes("PRIVATE KEY")) {
                        keyInputs.push(`${r.name}.${k}`);
                        assert.ok(r.secretPaths.includes(k), `${r.name}.${k} carries a private key without being secret`);
                    }
                }
            }
            // Every resource that signs or requests with a key: the root signs itself, each CSR is signed by its
            // own key, each LocallySignedCert by its issuer's key.
            assert.deepEqual(keyInputs.sort(), [
                "gloo-cert.caPrivateKeyPem",
                "gloo-csr.privateKeyPem",
                "mesh-ca-g1-intermediate-csr.privateKeyPem",
                "mesh-ca-g1-intermediate.caPrivateKeyPem",
                "mesh-ca-g1-root.privateKeyPem",
            ]);
        });
    });

    describe("determinism and preview", () => {
        it("the same program run twice registers the same resources with identical inputs", async () => {
            const program = () => caWithLeaf({ generation: 3, previousGeneration: 2, rotationPhase: RotationPhase.TrustNew, intermediate: {} });
            const a = await runProgram(program);
            const b = await runProgram(program);
            assert.deepEqual(registrationView(b), registrationView(a));
            assert.equal(a.resources.length, 17);
        });

        it("runs in preview with every certificate output unknown and no error", async () => {
            const result = await runProgram(() => caWithLeaf({ intermediate: {} }), { preview: true });
            for (const out of [result.value.ca.fingerprintSha256, result.value.leaf.fingerprintSha256, result.value.leaf.chainPem]) {
                assert.equal((await resolve(out)).known, false);
            }
            assert.ok(result.ofType(CERT).length === 1 && result.ofType(CA).length === 1);
        });
    });

    describe("bad input", () => {
        // Every validation error is covered by the pure specs (tests/pki/plan.spec.ts); these show that a
        // component fails before it registers anything.
        it("CertificateAuthority rejects bad arguments, registering nothing", async () => {
            await assertRejected(() => new CertificateAuthority("bad-ca", { validityHours: 100, earlyRenewalHours: 100 }), CA, "bad-ca", /earlyRenewalHours: got 100; expected fewer hours than validityHours \(100\)/);
        });

        it("Certificate rejects bad arguments, registering nothing", async () => {
            const issuer = { certPem: "x", privateKeyPem: "y", caChainPem: "x", intermediatesPem: "", rootCertPem: "x", trustBundlePem: "x" };
            await assertRejected(() => new Certificate("bad-cert", { issuer, commonName: "ok", dnsNames: ["Gloo.example"] }), CERT, "bad-cert", /dnsNames\[0\]: got "Gloo.example"; expected a lower-case DNS name/);
        });

        it("accepts wildcard, IPv6 and SPIFFE SANs", async () => {
            const result = await runProgram(() =>
                caWithLeaf({}, { dnsNames: ["*.mesh.example", "gloo"], ipAddresses: ["::1"], uris: ["spiffe://cluster.local/ns/a/sa/b"] }),
            );
            const leaf = new X509Certificate(await valueOf(result.value.leaf.certPem));
            assert.equal(leaf.subjectAltName, "DNS:*.mesh.example, DNS:gloo, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://cluster.local/ns/a/sa/b");
        });
    });
});
