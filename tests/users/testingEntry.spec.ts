// A user's own unit test with meshtls/testing ("../../sdk/testing" stands for it, "../../sdk" for
// "meshtls"): plain `pulumi.runtime.setMocks`, the user's mocks composed with meshtls's, and real
// certificates checked with node:crypto.
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import Module from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { Certificate, CertificateAuthority, IstioMesh } from "../../sdk";
import { RANDOM_RESOURCE_TYPES, TLS_RESOURCE_TYPES, X509_PACKAGES, echoMocks, mockTlsResource, withMeshtlsMocks } from "../../sdk/testing";

/** What the user's own mocks were asked: resource types, and invoke tokens. */
const userResources: string[] = [];
const userCalls: string[] = [];

const userMocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
        userResources.push(args.type);
        return { id: `${args.name}_id`, state: args.inputs as Record<string, unknown> };
    },
    call: (args) => {
        userCalls.push(args.token);
        return { answered: true };
    },
};

/** An Output's value, read the way a user's test reads it (an apply). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => {
        output.apply((v) => {
            resolve(v);
        });
    });
}

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

describe("meshtls/testing: real certificates under the user's own setMocks", () => {
    before(async () => {
        await pulumi.runtime.setMocks(withMeshtlsMocks(userMocks), "project", "stack", false);
    });

    it("a CertificateAuthority (with an intermediate) and a Certificate form a chain node:crypto verifies, with real fingerprints", async () => {
        const ca = new CertificateAuthority("ca", { intermediate: {} });
        const leaf = new Certificate("web", { issuer: ca.issuer, commonName: "web.shop.svc", dnsNames: ["web.shop.svc"] });
        const [rootPem, caPem, leafPem, chainPem] = await valueOf(pulumi.all([ca.rootCertPem, ca.certPem, leaf.certPem, leaf.chainPem]));
        const [caFingerprint, leafFingerprint, leafNotAfter, leafSerial, bundleFingerprints] = await valueOf(
            pulumi.all([ca.fingerprintSha256, leaf.fingerprintSha256, leaf.notAfter, leaf.serialNumber, ca.trustBundleFingerprints]),
        );
        const root = new crypto.X509Certificate(rootPem);
        const intermediate = new crypto.X509Certificate(caPem);
        const cert = new crypto.X509Certificate(leafPem);

        assert.ok(root.ca && intermediate.ca && !cert.ca);
        assert.ok(root.verify(root.publicKey), "the root is self-signed");
        assert.ok(intermediate.verify(root.publicKey), "the root signed the intermediate");
        assert.ok(cert.verify(intermediate.publicKey), "the intermediate signed the leaf");
        assert.ok(cert.checkIssued(intermediate) && intermediate.checkIssued(root));
        assert.ok(!cert.verify(root.publicKey), "the leaf is not signed by the root itself");
        assert.equal(cert.checkHost("web.shop.svc"), "web.shop.svc");
        assert.equal(cert.checkHost("other.shop.svc"), undefined);
        assert.equal(chainPem, `${leafPem.trim()}\n${caPem.trim()}\n`, "the chain is the leaf and the intermediate, without the root");

        assert.match(caFingerprint, FINGERPRINT);
        assert.equal(caFingerprint, intermediate.fingerprint256);
        assert.match(leafFingerprint, FINGERPRINT);
        assert.equal(leafFingerprint, cert.fingerprint256);
        assert.notEqual(leafFingerprint, caFingerprint);
        assert.equal(leafNotAfter, new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"));
        assert.equal(leafSerial, cert.serialNumber.toUpperCase());
        assert.deepEqual(bundleFingerprints, [root.fingerprint256]);
    });

    it("a second CA's certificates do not verify against the first", async () => {
        const a = new CertificateAuthority("ca-a", {});
        const b = new CertificateAuthority("ca-b", {});
        const leaf = new Certificate("leaf-a", { issuer: a.issuer, commonName: "a" });
        const [aPem, bPem, leafPem] = await valueOf(pulumi.all([a.certPem, b.certPem, leaf.certPem]));
        const cert = new crypto.X509Certificate(leafPem);
        assert.ok(cert.verify(new crypto.X509Certificate(aPem).publicKey));
        assert.ok(!cert.verify(new crypto.X509Certificate(bPem).publicKey));
        assert.notEqual(new crypto.X509Certificate(aPem).fingerprint256, new crypto.X509Certificate(bPem).fingerprint256);
    });

    it("tls and random resources never reach the user's mocks; everything else and invokes do", async () => {
        userResources.length = 0;
        const mesh = new IstioMesh("mesh", { pluginCa: new CertificateAuthority("mesh-ca", {}).issuer });
        const [fingerprints] = await valueOf(pulumi.all([mesh.rootFingerprints, mesh.urn]));
        assert.equal(fingerprints.length, 1);
        assert.match(fingerprints[0], FINGERPRINT);
        // Registrations inside applies (the cacerts Secret waits for the CA) may arrive after the outputs.
        await new Promise((r) => setTimeout(r, 50));
        assert.ok(userResources.includes("kubernetes:core/v1:Secret"), userResources.join(", "));
        assert.ok(userResources.includes("meshtls:index:IstioMesh"));
        assert.equal(userResources.filter((t) => TLS_RESOURCE_TYPES.has(t) || RANDOM_RESOURCE_TYPES.has(t)).length, 0, userResources.join(", "));

        const mocks = withMeshtlsMocks(userMocks);
        assert.deepEqual(await mocks.call({ token: "kubernetes:yaml:decode", inputs: { text: "" } }), { answered: true });
        assert.deepEqual(userCalls, ["kubernetes:yaml:decode"]);
    });

    it("without the user's mocks, everything else is echoed as Pulumi's unit-testing guide does", async () => {
        const mocks = withMeshtlsMocks();
        assert.deepEqual(await mocks.newResource({ type: "kubernetes:core/v1:Namespace", name: "ns", inputs: { metadata: { name: "ns" } }, custom: true }), {
            id: "ns_id",
            state: { metadata: { name: "ns" } },
        });
        assert.deepEqual(await mocks.call({ token: "x:y:z", inputs: { a: 1 } }), { a: 1 });
        assert.deepEqual(await echoMocks.call({ token: "x:y:z", inputs: { a: 1 } }), { a: 1 });
    });

    it("an ECDSA key without a curve is refused (the provider would make P224)", async () => {
        await assert.rejects(mockTlsResource("tls:index/privateKey:PrivateKey", "k", { algorithm: "ECDSA" }, false), /ecdsaCurve undefined is not supported here/);
        const p521 = await mockTlsResource("tls:index/privateKey:PrivateKey", "k", { algorithm: "ECDSA", ecdsaCurve: "P521" }, false);
        assert.equal(crypto.createPublicKey(p521.publicKeyPem as string).asymmetricKeyDetails?.namedCurve, "secp521r1");
    });

    it("without @peculiar/x509 installed, a certificate fails naming the packages to install; keys still work", async () => {
        type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
        const loader = Module as unknown as { _load: Load };
        const original = loader._load;
        loader._load = function (this: unknown, request, parent, isMain) {
            if (request === "@peculiar/x509") {
                throw Object.assign(new Error(`Cannot find module '${request}'`), { code: "MODULE_NOT_FOUND" });
            }
            return original.call(this, request, parent, isMain);
        };
        try {
            const key = await mockTlsResource("tls:index/privateKey:PrivateKey", "no-x509", { algorithm: "ECDSA", ecdsaCurve: "P256" }, false);
            assert.match(key.publicKeyPem as string, /BEGIN PUBLIC KEY/);
            const inputs = { privateKeyPem: crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString(), validityPeriodHours: 1, subject: { commonName: "x" } };
            await assert.rejects(mockTlsResource("tls:index/selfSignedCert:SelfSignedCert", "no-x509", inputs, false), (err: Error) => {
                assert.equal(X509_PACKAGES.length, 2);
                for (const p of X509_PACKAGES) {
                    assert.ok(err.message.includes(`npm install --save-dev`) && err.message.includes(p), err.message);
                }
                return true;
            });
        } finally {
            loader._load = original;
        }
    });
});

describe("meshtls/testing in preview: tls and random outputs are unknown", () => {
    before(async () => {
        await pulumi.runtime.setMocks(withMeshtlsMocks(userMocks), "project", "stack", true);
    });

    it("a CertificateAuthority constructs, and its certificate is not known", async () => {
        const ca = new CertificateAuthority("ca", {});
        const mocks = withMeshtlsMocks(userMocks);
        const answer = await mocks.newResource({ type: "tls:index/privateKey:PrivateKey", name: "k", inputs: { algorithm: "ECDSA", ecdsaCurve: "P256" }, custom: true });
        assert.deepEqual(answer.state, { algorithm: "ECDSA", ecdsaCurve: "P256" }, "only the inputs: the outputs stay unknown");
        const urn = await valueOf(ca.urn);
        assert.match(urn, /CertificateAuthority::ca$/);
        let applied = false;
        ca.certPem.apply(() => {
            applied = true;
        });
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(applied, false, "an apply on an unknown certificate does not run");
    });
});
