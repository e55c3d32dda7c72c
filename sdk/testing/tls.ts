// A mock of the @pulumi/tls provider that makes REAL keys and certificates honouring the inputs, so
// tests check fingerprints, chains and usages against real crypto rather than placeholders.
//
// Behaviour copied from hashicorp/terraform-provider-tls (internal/provider/common_cert.go), which
// @pulumi/tls 5.x bridges:
// - ECDSA keys default to P224 upstream; this mock refuses a missing curve (and P224) so a program that
//   forgets to set one fails its tests instead of shipping P224 keys.
// - `maxPathLength` is only applied when > 0 (Go's x509 treats 0 without MaxPathLenZero as "unset").
// - CA certificates always get a SubjectKeyIdentifier; locally signed certificates get an
//   AuthorityKeyIdentifier from the issuer's SKI (Go's x509.CreateCertificate does that).
// - validity starts "now"; `readyForRenewal` is now >= validityEnd - earlyRenewalHours.
// Results are cached by (type, name, inputs): the same resource with the same inputs returns the same
// outputs within a process, as a real stack returns what is in its state. That keeps determinism tests
// meaningful: a changed input yields a different certificate.
//
// node:crypto makes keys but cannot sign certificates, so certificates and requests are made with
// @peculiar/x509, loaded on first use (it is not a dependency of meshtls; see `loadX509`).
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as X509 from "@peculiar/x509";
import { canonicalJson } from "./canonicalJson";

type CryptoKey = crypto.webcrypto.CryptoKey;
type Algorithm = crypto.webcrypto.Algorithm;
type EcdsaParams = crypto.webcrypto.EcdsaParams;
type RsaHashedImportParams = crypto.webcrypto.RsaHashedImportParams;

type Inputs = Record<string, unknown>;
type State = Record<string, unknown>;

/** The packages certificates need, beside meshtls's own dependencies. */
export const X509_PACKAGES = ["@peculiar/x509", "reflect-metadata"] as const;

let x509Ready = false;

/**
 * @peculiar/x509 with node's WebCrypto as its provider. Required on each call (node caches modules),
 * so a missing package is reported where a certificate is asked for, naming what to install.
 */
function loadX509(): typeof X509 {
    let x509: typeof X509;
    try {
        // @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("reflect-metadata");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        x509 = require("@peculiar/x509") as typeof X509;
    } catch (err) {
        if ((err as { code?: unknown }).code === "MODULE_NOT_FOUND") {
            throw new Error(
                `meshtls/testing: the tls mock makes real certificates with ${X509_PACKAGES.join(" and ")} ` +
                    `(node:crypto cannot sign certificates), which are not installed. ` +
                    `Add them to your test dependencies: npm install --save-dev ${X509_PACKAGES.join(" ")}`,
                { cause: err },
            );
        }
        throw err;
    }
    if (!x509Ready) {
        x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
        x509Ready = true;
    }
    return x509;
}

/** The provider's `allowedUses` that are key usage bits. */
function keyUsageBits(x509: typeof X509): Partial<Record<string, number>> {
    return {
        digital_signature: x509.KeyUsageFlags.digitalSignature,
        content_commitment: x509.KeyUsageFlags.nonRepudiation,
        key_encipherment: x509.KeyUsageFlags.keyEncipherment,
        data_encipherment: x509.KeyUsageFlags.dataEncipherment,
        key_agreement: x509.KeyUsageFlags.keyAgreement,
        cert_signing: x509.KeyUsageFlags.keyCertSign,
        crl_signing: x509.KeyUsageFlags.cRLSign,
        encipher_only: x509.KeyUsageFlags.encipherOnly,
        decipher_only: x509.KeyUsageFlags.decipherOnly,
    };
}

/** The provider's `allowedUses` that are extended key usages. */
function extendedKeyUsageOids(x509: typeof X509): Partial<Record<string, string>> {
    return {
        any_extended: "2.5.29.37.0",
        server_auth: x509.ExtendedKeyUsage.serverAuth,
        client_auth: x509.ExtendedKeyUsage.clientAuth,
        code_signing: x509.ExtendedKeyUsage.codeSigning,
        email_protection: x509.ExtendedKeyUsage.emailProtection,
        timestamping: x509.ExtendedKeyUsage.timeStamping,
        ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
    };
}

/** WebCrypto curve and signature hash of each ECDSA curve the mock makes, by the provider's name and node's. */
const CURVES: Readonly<Record<string, { webCurve: string; hash: string; nodeCurve: string }>> = {
    P256: { webCurve: "P-256", hash: "SHA-256", nodeCurve: "prime256v1" },
    P384: { webCurve: "P-384", hash: "SHA-384", nodeCurve: "secp384r1" },
    P521: { webCurve: "P-521", hash: "SHA-512", nodeCurve: "secp521r1" },
};

function curveOfKey(keyObject: crypto.KeyObject): { webCurve: string; hash: string } {
    const named = keyObject.asymmetricKeyDetails?.namedCurve;
    const curve = Object.values(CURVES).find((c) => c.nodeCurve === named);
    if (curve === undefined) {
        throw new Error(`meshtls/testing tls mock: ECDSA curve ${String(named)} is not supported`);
    }
    return curve;
}

const cache = new Map<string, State>();

function str(inputs: Inputs, key: string): string | undefined {
    const v = inputs[key];
    return typeof v === "string" ? v : undefined;
}

function strList(inputs: Inputs, key: string): string[] {
    const v = inputs[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function num(inputs: Inputs, key: string): number | undefined {
    const v = inputs[key];
    return typeof v === "number" ? v : undefined;
}

function required<T>(value: T | undefined, what: string): T {
    if (value === undefined) {
        throw new Error(`meshtls/testing tls mock: required input ${what} is missing`);
    }
    return value;
}

/** Generates a key as tls.PrivateKey would and returns its outputs (node:crypto only). */
function privateKeyState(inputs: Inputs): State {
    const algorithm = required(str(inputs, "algorithm"), "algorithm");
    let keyPair: crypto.KeyPairKeyObjectResult;
    let privateKeyPem: string;
    if (algorithm === "ECDSA") {
        const curve = str(inputs, "ecdsaCurve");
        const params = curve === undefined ? undefined : CURVES[curve];
        if (params === undefined) {
            throw new Error(
                `meshtls/testing tls mock: ecdsaCurve ${JSON.stringify(curve)} is not supported here (use one of ${Object.keys(CURVES).join(", ")}); ` +
                    `the real provider defaults to P224 when it is unset, which a program must never rely on`,
            );
        }
        keyPair = crypto.generateKeyPairSync("ec", { namedCurve: params.webCurve });
        privateKeyPem = keyPair.privateKey.export({ type: "sec1", format: "pem" }).toString();
    } else if (algorithm === "RSA") {
        const bits = num(inputs, "rsaBits") ?? 2048;
        keyPair = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
        privateKeyPem = keyPair.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    } else {
        throw new Error(`meshtls/testing tls mock: algorithm ${algorithm} is not supported (use ECDSA or RSA)`);
    }
    const publicKeyPem = keyPair.publicKey.export({ type: "spki", format: "pem" }).toString();
    return {
        ...inputs,
        algorithm,
        privateKeyPem: pulumi.secret(privateKeyPem),
        privateKeyPemPkcs8: pulumi.secret(keyPair.privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
        publicKeyPem,
    };
}

interface SigningKey {
    key: CryptoKey;
    algorithm: Algorithm | EcdsaParams | RsaHashedImportParams;
    keyAlgorithm: string;
}

async function importPrivateKey(pem: string): Promise<SigningKey> {
    const keyObject = crypto.createPrivateKey(pem);
    const der = keyObject.export({ type: "pkcs8", format: "der" });
    if (keyObject.asymmetricKeyType === "ec") {
        const curve = curveOfKey(keyObject);
        const key = await crypto.webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: curve.webCurve }, true, ["sign"]);
        return { key, algorithm: { name: "ECDSA", hash: curve.hash } as EcdsaParams, keyAlgorithm: "ECDSA" };
    }
    const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const key = await crypto.webcrypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
    return { key, algorithm, keyAlgorithm: "RSA" };
}

async function importPublicKey(spkiDer: Buffer): Promise<CryptoKey> {
    const keyObject = crypto.createPublicKey({ key: spkiDer, format: "der", type: "spki" });
    const algorithm =
        keyObject.asymmetricKeyType === "ec" ? { name: "ECDSA", namedCurve: curveOfKey(keyObject).webCurve } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    return crypto.webcrypto.subtle.importKey("spki", spkiDer, algorithm, true, ["verify"]);
}

/** The subject as Go's pkix.Name orders it. */
function subjectName(x509: typeof X509, subject: unknown): X509.Name {
    const s = (subject && typeof subject === "object" ? subject : {}) as Record<string, unknown>;
    const parts: Array<[string, unknown]> = [
        ["C", s.country],
        ["ST", s.province],
        ["L", s.locality],
        ["street", s.streetAddresses],
        ["postalCode", s.postalCode],
        ["O", s.organization],
        ["OU", s.organizationalUnit],
        ["CN", s.commonName],
        ["serialNumber", s.serialNumber],
    ];
    const json: X509.JsonName = [];
    for (const [attr, value] of parts) {
        const values = Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value];
        if (values.length > 0) {
            json.push({ [attr]: values.map(String) });
        }
    }
    return new x509.Name(json);
}

function sanExtension(x509: typeof X509, dnsNames: string[], ipAddresses: string[], uris: string[]): X509.Extension[] {
    const names: X509.JsonGeneralName[] = [
        ...dnsNames.map((value) => ({ type: "dns" as const, value })),
        ...ipAddresses.map((value) => ({ type: "ip" as const, value })),
        ...uris.map((value) => ({ type: "url" as const, value })),
    ];
    return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

/** Deterministic positive 128-bit serial from the resource identity, like the provider's random one. */
function serialFor(seed: string): string {
    const bytes = crypto.createHash("sha256").update(seed).digest().subarray(0, 16);
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    return bytes.toString("hex");
}

interface CertSpec {
    seed: string;
    subject: X509.Name;
    issuer: X509.Name;
    publicKey: CryptoKey;
    signer: SigningKey;
    issuerSki?: string;
    inputs: Inputs;
    sans: X509.Extension[];
}

async function issue(x509: typeof X509, spec: CertSpec): Promise<State> {
    const { inputs } = spec;
    const hours = required(num(inputs, "validityPeriodHours"), "validityPeriodHours");
    const uses = strList(inputs, "allowedUses");
    const isCa = inputs.isCaCertificate === true;
    const maxPathLength = num(inputs, "maxPathLength");
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + hours * 3600_000);

    const extensions: X509.Extension[] = [
        new x509.BasicConstraintsExtension(isCa, isCa && maxPathLength !== undefined && maxPathLength > 0 ? maxPathLength : undefined, true),
    ];
    const bits = keyUsageBits(x509);
    const usageBits = uses.reduce((acc, u) => acc | (bits[u] ?? 0), 0);
    if (usageBits !== 0) {
        // KeyUsageFlags is a bit set: OR-ed flags are a plain number by design.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
        extensions.push(new x509.KeyUsagesExtension(usageBits, true));
    }
    const ekuOids = extendedKeyUsageOids(x509);
    const ekus = uses.map((u) => ekuOids[u]).filter((o): o is string => o !== undefined);
    if (ekus.length > 0) {
        extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
    }
    extensions.push(...spec.sans);
    if (isCa || inputs.setSubjectKeyId === true) {
        extensions.push(await x509.SubjectKeyIdentifierExtension.create(spec.publicKey));
    }
    if (spec.issuerSki) {
        extensions.push(new x509.AuthorityKeyIdentifierExtension(spec.issuerSki));
    }
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialFor(spec.seed),
        subject: spec.subject,
        issuer: spec.issuer,
        notBefore,
        notAfter,
        signingAlgorithm: spec.signer.algorithm,
        publicKey: spec.publicKey,
        signingKey: spec.signer.key,
        extensions,
    });
    const earlyRenewalHours = num(inputs, "earlyRenewalHours") ?? 0;
    return {
        ...inputs,
        certPem: cert.toString("pem") + "\n",
        validityStartTime: notBefore.toISOString().replace(".000Z", "Z"),
        validityEndTime: notAfter.toISOString().replace(".000Z", "Z"),
        earlyRenewalHours,
        readyForRenewal: Date.now() >= notAfter.getTime() - earlyRenewalHours * 3600_000,
        isCaCertificate: isCa,
    };
}

async function selfSignedCertState(name: string, inputs: Inputs): Promise<State> {
    const x509 = loadX509();
    const keyPem = required(str(inputs, "privateKeyPem"), "privateKeyPem");
    const signer = await importPrivateKey(keyPem);
    const spki = crypto.createPublicKey(keyPem).export({ type: "spki", format: "der" });
    const publicKey = await importPublicKey(spki);
    const subject = subjectName(x509, inputs.subject);
    const state = await issue(x509, {
        seed: `SelfSignedCert/${name}/${canonicalJson(inputs)}`,
        subject,
        issuer: subject,
        publicKey,
        signer,
        inputs,
        sans: sanExtension(x509, strList(inputs, "dnsNames"), strList(inputs, "ipAddresses"), strList(inputs, "uris")),
    });
    return { ...state, keyAlgorithm: signer.keyAlgorithm, privateKeyPem: pulumi.secret(keyPem) };
}

async function certRequestState(inputs: Inputs): Promise<State> {
    const x509 = loadX509();
    const keyPem = required(str(inputs, "privateKeyPem"), "privateKeyPem");
    const signer = await importPrivateKey(keyPem);
    const spki = crypto.createPublicKey(keyPem).export({ type: "spki", format: "der" });
    const publicKey = await importPublicKey(spki);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(x509, inputs.subject),
        keys: { privateKey: signer.key, publicKey },
        signingAlgorithm: signer.algorithm,
        extensions: sanExtension(x509, strList(inputs, "dnsNames"), strList(inputs, "ipAddresses"), strList(inputs, "uris")),
    });
    return {
        ...inputs,
        privateKeyPem: pulumi.secret(keyPem),
        keyAlgorithm: signer.keyAlgorithm,
        certRequestPem: csr.toString("pem") + "\n",
    };
}

async function locallySignedCertState(name: string, inputs: Inputs): Promise<State> {
    const x509 = loadX509();
    const csr = new x509.Pkcs10CertificateRequest(required(str(inputs, "certRequestPem"), "certRequestPem"));
    if (!(await csr.verify())) {
        throw new Error("meshtls/testing tls mock: certRequestPem has a bad signature");
    }
    const caCert = new x509.X509Certificate(required(str(inputs, "caCertPem"), "caCertPem"));
    const caKeyPem = required(str(inputs, "caPrivateKeyPem"), "caPrivateKeyPem");
    // The provider refuses a CA key that does not match the CA certificate; so does the mock.
    const caSpki = crypto.createPublicKey(caKeyPem).export({ type: "spki", format: "der" });
    if (!Buffer.from(caCert.publicKey.rawData).equals(caSpki)) {
        throw new Error("meshtls/testing tls mock: caPrivateKeyPem does not belong to caCertPem");
    }
    const signer = await importPrivateKey(caKeyPem);
    const sanExt = csr.getExtension("2.5.29.17");
    const ski = caCert.getExtension<X509.SubjectKeyIdentifierExtension>("2.5.29.14");
    const state = await issue(x509, {
        seed: `LocallySignedCert/${name}/${canonicalJson(inputs)}`,
        subject: new x509.Name(csr.subjectName.toJSON()),
        issuer: new x509.Name(caCert.subjectName.toJSON()),
        publicKey: await importPublicKey(Buffer.from(csr.publicKey.rawData)),
        signer,
        issuerSki: ski?.keyId,
        inputs,
        sans: sanExt ? [sanExt] : [],
    });
    return { ...state, caKeyAlgorithm: signer.keyAlgorithm, caPrivateKeyPem: pulumi.secret(caKeyPem) };
}

/** The @pulumi/tls resource types the tls mock answers. */
export const TLS_RESOURCE_TYPES: ReadonlySet<string> = new Set([
    "tls:index/privateKey:PrivateKey",
    "tls:index/selfSignedCert:SelfSignedCert",
    "tls:index/certRequest:CertRequest",
    "tls:index/locallySignedCert:LocallySignedCert",
]);

/**
 * Outputs of a @pulumi/tls resource from its plain inputs (secrets unwrapped): real keys (node:crypto)
 * and real certificates and requests (@peculiar/x509, required on first use). In preview only the
 * inputs come back, so computed outputs are unknown, as in a real preview of a create. The same type,
 * name and inputs give the same outputs within a process, as a stack's state would. Throws for a type
 * not in `TLS_RESOURCE_TYPES`, a missing required input, an ECDSA key without `ecdsaCurve` (or with
 * P224, the provider's default), and a CA key that does not belong to the CA certificate.
 */
export async function mockTlsResource(type: string, name: string, inputs: Record<string, unknown>, preview: boolean): Promise<Record<string, unknown>> {
    if (preview) {
        return { ...inputs };
    }
    const key = `${type}/${name}/${canonicalJson(inputs)}`;
    const hit = cache.get(key);
    if (hit) {
        return hit;
    }
    let state: State;
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            state = privateKeyState(inputs);
            break;
        case "tls:index/selfSignedCert:SelfSignedCert":
            state = await selfSignedCertState(name, inputs);
            break;
        case "tls:index/certRequest:CertRequest":
            state = await certRequestState(inputs);
            break;
        case "tls:index/locallySignedCert:LocallySignedCert":
            state = await locallySignedCertState(name, inputs);
            break;
        default:
            throw new Error(`meshtls/testing tls mock: unknown type ${type}`);
    }
    cache.set(key, state);
    return state;
}
