// The harness itself: late registrations are waited for, options are recorded, the tls mock makes
// real certificates that honour their inputs, and preview leaves computed outputs unknown.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ProgramResult, loadProgram, readStackConfig, registrationView, resolve, runExpectingError, runProgram, valueOf } from "./harness";

function chain() {
    const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P384" });
    const ca = new tls.SelfSignedCert("ca", {
        privateKeyPem: caKey.privateKeyPem,
        validityPeriodHours: 10,
        allowedUses: ["cert_signing"],
        isCaCertificate: true,
        subject: { commonName: "harness root", organization: "meshtls" },
    });
    const key = new tls.PrivateKey("leaf-key", { algorithm: "RSA", rsaBits: 2048 });
    const csr = new tls.CertRequest("leaf-csr", {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: "leaf" },
        dnsNames: ["a.example"],
        ipAddresses: ["10.0.0.1"],
        uris: ["spiffe://td/ns/x/sa/y"],
    });
    const leaf = new tls.LocallySignedCert("leaf", {
        certRequestPem: csr.certRequestPem,
        caCertPem: ca.certPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        validityPeriodHours: 5,
        earlyRenewalHours: 6,
        allowedUses: ["digital_signature", "server_auth"],
    });
    return { ca, leaf, key };
}

describe("harness", () => {
    it("waits for resources registered from inside apply callbacks", async () => {
        const result = await runProgram(() => {
            const first = new tls.PrivateKey("first", { algorithm: "ECDSA", ecdsaCurve: "P256" });
            first.publicKeyPem.apply(() => {
                first.publicKeyPem.apply(() => new tls.PrivateKey("late", { algorithm: "ECDSA", ecdsaCurve: "P256" }));
            });
        });
        assert.deepEqual(result.resources.map((r) => r.name).sort(), ["first", "late"]);
    });

    it("records parent, dependencies, secret inputs and resource options", async () => {
        const result = await runProgram(() => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "p");
            const a = new tls.PrivateKey("a", { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent, protect: true });
            new tls.SelfSignedCert(
                "b",
                { privateKeyPem: a.privateKeyPem, validityPeriodHours: 1, allowedUses: ["cert_signing"], subject: { commonName: "b" } },
                { parent, retainOnDelete: true, ignoreChanges: ["subject"] },
            );
        });
        const p = result.get("test:index:Parent", "p");
        const a = result.get("tls:index/privateKey:PrivateKey", "a");
        const b = result.get("tls:index/selfSignedCert:SelfSignedCert", "b");
        assert.equal(a.parent, p.urn);
        assert.equal(a.urn, "urn:pulumi:test::meshtls::test:index:Parent$tls:index/privateKey:PrivateKey::a");
        assert.equal(a.protect, true);
        assert.equal(b.retainOnDelete, true);
        assert.deepEqual(b.ignoreChanges, ["subject"]);
        assert.deepEqual(b.dependencies, [a.urn]);
        assert.deepEqual(b.secretPaths, ["privateKeyPem"]);
        assert.match(String(b.inputs.privateKeyPem), /BEGIN EC PRIVATE KEY/);
        assert.deepEqual(result.childrenOf(p).map((r) => r.name), ["a", "b"]);
    });

    it("makes real certificates honouring subject, SANs, usages, CA flag, signer and validity", async () => {
        const result = await runProgram(chain);
        const ca = new X509Certificate(await valueOf(result.value.ca.certPem));
        const leaf = new X509Certificate(await valueOf(result.value.leaf.certPem));
        assert.equal(ca.ca, true);
        assert.equal(ca.subject, "O=meshtls\nCN=harness root");
        assert.equal(leaf.ca, false);
        assert.ok(leaf.checkIssued(ca), "leaf names the CA as issuer");
        assert.ok(leaf.verify(ca.publicKey), "leaf is signed by the CA key");
        assert.equal(leaf.subjectAltName, "DNS:a.example, IP Address:10.0.0.1, URI:spiffe://td/ns/x/sa/y");
        assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
        assert.equal(leaf.publicKey.asymmetricKeyType, "rsa");
        assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, "secp384r1");
        const hours = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600_000;
        assert.equal(hours, 5);
        // earlyRenewalHours (6) > validity (5): the provider reports it ready for renewal.
        assert.equal(await valueOf(result.value.leaf.readyForRenewal), true);
        assert.equal(await valueOf(result.value.ca.readyForRenewal), false);
    });

    it("returns private keys as secrets, as the provider marks them", async () => {
        const result = await runProgram(chain);
        assert.equal((await resolve(result.value.key.privateKeyPem)).secret, true);
        assert.equal((await resolve(result.value.key.publicKeyPem)).secret, false);
        assert.equal((await resolve(result.value.leaf.certPem)).secret, false);
    });

    it("refuses an ECDSA key without a curve (the real provider would make P224)", async () => {
        const { error } = await runExpectingError(() => new tls.PrivateKey("bad", { algorithm: "ECDSA" }));
        assert.match(String(error), /P224/);
    });

    it("leaves computed outputs unknown in preview", async () => {
        const result = await runProgram(chain, { preview: true });
        const r = await resolve(result.value.leaf.certPem);
        assert.equal(r.known, false);
        assert.equal(result.resources.length, 5);
    });

    it("random mock delays change the registration order but not the URN-keyed registration view", async () => {
        const ROOT = path.join(__dirname, "..");
        const options = { config: readStackConfig(path.join(ROOT, "Pulumi.dev.yaml")) };
        const main = () => loadProgram(path.join(ROOT, "index.ts"));
        const plain = await runProgram(main, options);
        const order = (r: typeof plain) => r.resources.map((x) => x.urn);
        assert.ok(plain.resources.length > 20, `a program large enough for its order to vary: ${plain.resources.length}`);
        // Two seeded runs usually reorder already; a few more seeds make a coincidence (same order
        // despite different timing) practically impossible without making the test slow.
        const orders = new Set([order(plain).join("\n")]);
        for (const seed of [1, 2, 3, 4]) {
            const delayed = await runProgram(main, { ...options, mockDelays: { seed, maxMs: 5 } });
            assert.deepEqual(order(delayed).slice().sort(), order(plain).slice().sort(), `seed ${seed}: the same URNs`);
            assert.deepEqual(registrationView(delayed), registrationView(plain), `seed ${seed}: the same registrations`);
            orders.add(order(delayed).join("\n"));
            if (orders.size >= 3) {
                break;
            }
        }
        assert.ok(orders.size >= 3, `the delays must reorder registrations for this test to mean anything; saw ${orders.size} distinct orders`);
    });

    it("registrationView is keyed by URN and refuses a URN registered twice", async () => {
        const twice = await runProgram(() => {
            new tls.PrivateKey("k", { algorithm: "ECDSA", ecdsaCurve: "P256" });
            new tls.PrivateKey("a", { algorithm: "ECDSA", ecdsaCurve: "P256" });
        });
        assert.deepEqual(Object.keys(registrationView(twice)), [
            "urn:pulumi:test::meshtls::tls:index/privateKey:PrivateKey::a",
            "urn:pulumi:test::meshtls::tls:index/privateKey:PrivateKey::k",
        ]);
        assert.throws(() => registrationView(new ProgramResult([...twice.resources, twice.resources[0]], undefined)), /registered twice/);
    });

    it("keeps source-mapped stacks on program errors (only the SDK's promise bookkeeping stacks are skipped)", async () => {
        const { error } = await runExpectingError(() => {
            throw new Error("boom"); // stack-marker
        });
        const line = fs.readFileSync(__filename, "utf8").split("\n").findIndex((l) => l.includes("stack-marker")) + 1;
        assert.match(String(error.stack), new RegExp(`harness\\.spec\\.ts:${line}:`), String(error.stack));
    });

    it("passes stack config to the program", async () => {
        const result = await runProgram(() => new pulumi.Config("meshtls").require("target"), {
            config: { "meshtls:target": "render" },
        });
        assert.equal(result.value, "render");
    });
});
