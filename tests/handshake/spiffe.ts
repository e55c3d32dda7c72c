// Real mutual-TLS handshakes between SPIFFE workloads, for the rotation matrix (issue 20, item 5).
//
// `signWorkload` issues what istiod's CA hands a workload: an EC P-256 leaf with an empty subject, one
// critical URI SAN `spiffe://<trust-domain>/ns/<ns>/sa/<sa>`, serverAuth + clientAuth, short validity,
// signed by a meshtls issuer (`CertificateAuthority.issuer`). `mtlsHandshake` runs a node:tls server and
// client on 127.0.0.1 with those leaves and each side's trust bundle. OpenSSL checks the chains; Node
// checks only DNS names and IPs by itself, so the SPIFFE ID and its trust domain are checked here, in the
// client's `checkServerIdentity` and on the server from the peer certificate, which is the proxies' job in a
// mesh (not read upstream here). Certificates are made with @peculiar/x509 over node's WebCrypto, parsed
// with node:crypto, never by hand.
//
// Upstream read at istio/istio 1.30.3: pkg/spiffe/spiffe.go (`spiffe://<td>/ns/<ns>/sa/<sa>`),
// security/pkg/pki/util/generate_cert.go genCertTemplateFromCSR (empty subject, digitalSignature +
// keyEncipherment, serverAuth + clientAuth, NotBefore = now - ClockSkewGracePeriod (2 min), NotAfter
// clamped to the signing certificate's) and security/pkg/pki/util/san.go (the SAN is critical because the
// subject is empty).
import "reflect-metadata";
import * as crypto from "node:crypto";
import type * as net from "node:net";
import * as tls from "node:tls";
import { inspect } from "node:util";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** What signs a workload: the fields of `IssuerMaterial` a leaf needs (plain strings, not Outputs). */
export interface WorkloadIssuer {
    /** PEM of the signing CA certificate (the intermediate when there is one). */
    certPem: string;
    /** PEM private key of `certPem` (SEC1, PKCS#1 or PKCS#8; EC or RSA). */
    privateKeyPem: string;
    /** `certPem` followed by every issuer up to and including its root (Istio's `cert-chain.pem`). */
    caChainPem: string;
}

/** A signed workload identity. */
export interface WorkloadCertificate {
    /** The workload's SPIFFE ID, the leaf's only URI SAN. */
    spiffeId: string;
    /** PEM of the leaf. */
    certPem: string;
    /** PEM (PKCS#8) private key of the leaf. */
    keyPem: string;
    /** The leaf followed by the issuer's chain: what the workload presents in a handshake. */
    chainPem: string;
}

/** Options of `signWorkload`. */
export interface SignWorkloadOptions {
    /**
     * Validity in minutes from now (istiod's default workload TTL is 24 h; a test needs minutes), capped
     * at the issuer's own end of validity.
     * @default 60
     */
    validityMinutes?: number;
}

/** The SPIFFE ID Istio gives a workload (istio/istio 1.30.3 pkg/spiffe/spiffe.go: `spiffe://<td>/ns/<ns>/sa/<sa>`). */
export function workloadSpiffeId(trustDomain: string, ns: string, sa: string): string {
    return `spiffe://${trustDomain}/ns/${ns}/sa/${sa}`;
}

/** The private key of an issuer as a WebCrypto signing key with its signature algorithm. */
async function importSigner(pem: string): Promise<{ key: crypto.webcrypto.CryptoKey; algorithm: crypto.webcrypto.EcdsaParams | crypto.webcrypto.RsaHashedImportParams }> {
    const keyObject = crypto.createPrivateKey(pem);
    const der = keyObject.export({ type: "pkcs8", format: "der" });
    if (keyObject.asymmetricKeyType === "ec") {
        const curves: Partial<Record<string, { namedCurve: string; hash: string }>> = {
            prime256v1: { namedCurve: "P-256", hash: "SHA-256" },
            secp384r1: { namedCurve: "P-384", hash: "SHA-384" },
            secp521r1: { namedCurve: "P-521", hash: "SHA-512" },
        };
        const curve = curves[keyObject.asymmetricKeyDetails?.namedCurve ?? ""];
        if (curve === undefined) {
            throw new Error(`signWorkload: the issuer's EC curve ${String(keyObject.asymmetricKeyDetails?.namedCurve)} is not supported`);
        }
        const key = await crypto.webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: curve.namedCurve }, false, ["sign"]);
        return { key, algorithm: { name: "ECDSA", hash: curve.hash } };
    }
    if (keyObject.asymmetricKeyType === "rsa") {
        const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
        return { key: await crypto.webcrypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]), algorithm };
    }
    throw new Error(`signWorkload: the issuer's key type ${String(keyObject.asymmetricKeyType)} is not supported`);
}

/** The PEM certificates in `pem`, in order (each re-emitted by node:crypto, so the text is canonical). */
export function splitPem(pem: string): string[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new crypto.X509Certificate(p).toString());
}

/**
 * `fn` over `items` with at most `limit` running at once, results in order. Many handshakes at once cost
 * about twice the CPU each (64 at once: ~17 ms; 8: ~9 ms on the 2-core machine), so matrices run in bands.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i], i);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** The distinct certificates of `pems` (by SHA-256 fingerprint, first occurrence kept), concatenated PEM. */
export function distinctCertificatesPem(...pems: string[]): string {
    const byFingerprint = new Map(pems.flatMap(splitPem).map((pem) => [new crypto.X509Certificate(pem).fingerprint256, pem] as const));
    return [...byFingerprint.values()].join("");
}

/** The generation in a meshtls CA subject (`CN=<base> g<generation> <suffix>`), NaN when it has none. */
export function caGenerationOf(cert: crypto.X509Certificate): number {
    return Number(/ g(\d+) /.exec(cert.subject)?.[1] ?? NaN);
}

/**
 * A refusal by OpenSSL's chain check, as `HandshakeResult.error` reports it: the leaf's root is not in the
 * verifier's bundle (with the intermediate sent, OpenSSL reaches the self-signed root and refuses it).
 */
export const CHAIN_REFUSAL = /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/;

/**
 * Issues a SPIFFE workload leaf from `issuer`, as istiod's CA would: a fresh EC P-256 key, an empty
 * subject with the SPIFFE ID as its only (critical) URI SAN, digitalSignature + keyEncipherment,
 * serverAuth + clientAuth, and the issuer's subject key identifier as authority key identifier.
 *
 * @param issuer The signing CA (usually a `CertificateAuthority.issuer`, resolved).
 * @param trustDomain The trust domain in the SPIFFE ID (`cluster.local` by Istio's default).
 * @param ns The workload's namespace.
 * @param sa The workload's service account.
 */
export async function signWorkload(issuer: WorkloadIssuer, trustDomain: string, ns: string, sa: string, options: SignWorkloadOptions = {}): Promise<WorkloadCertificate> {
    const spiffeId = workloadSpiffeId(trustDomain, ns, sa);
    const issuerCert = new x509.X509Certificate(issuer.certPem);
    const signer = await importSigner(issuer.privateKeyPem);
    const keys = await crypto.webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    // istiod backdates by ClockSkewGracePeriod (2 min) and clamps NotAfter to the signing certificate's.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const notBefore = new Date(now - 120_000);
    const wanted = new Date(now + (options.validityMinutes ?? 60) * 60_000);
    const notAfter = wanted < issuerCert.notAfter ? wanted : issuerCert.notAfter;
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
        // An empty subject makes the SAN the identity, so RFC 5280 section 4.2.1.6 wants it critical.
        new x509.SubjectAlternativeNameExtension([{ type: "url", value: spiffeId }], true),
    ];
    const ski = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
    if (ski !== null) {
        extensions.push(new x509.AuthorityKeyIdentifierExtension(ski.keyId));
    }
    const serial = crypto.randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial.toString("hex"),
        subject: new x509.Name([]),
        issuer: issuerCert.subjectName,
        notBefore,
        notAfter,
        signingAlgorithm: signer.algorithm,
        publicKey: keys.publicKey,
        signingKey: signer.key,
        extensions,
    });
    const certPem = `${leaf.toString("pem")}\n`;
    const keyPem = crypto.KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
    return { spiffeId, certPem, keyPem, chainPem: [certPem, ...splitPem(issuer.caChainPem)].map((p) => p.trim()).join("\n") + "\n" };
}

/** One end of a handshake. */
export interface TlsEndpoint {
    /** The leaf followed by its issuer chain (`WorkloadCertificate.chainPem`). */
    chainPem: string;
    /** PEM private key of the leaf. */
    keyPem: string;
    /** The roots this end trusts, concatenated PEM (a `trustBundlePem`). */
    bundlePem: string;
    /**
     * The trust domain(s) a peer's SPIFFE ID may have: the local one, plus Istio's `trustDomainAliases`
     * when clusters of a fleet have different trust domains.
     */
    expectTrustDomain: string | readonly string[];
}

/** Options of `mtlsHandshake`. */
export interface HandshakeOptions {
    /**
     * Upper bound on the whole exchange; at expiry every socket is destroyed and the result fails.
     * @default 5000
     */
    timeoutMs?: number;
}

/** The outcome of one mutual-TLS handshake. */
export interface HandshakeResult {
    /** Both chains verified, both SPIFFE IDs accepted, and the server's acceptance reached the client. */
    ok: boolean;
    /** Why it failed, each side's refusal prefixed with `server:` or `client:`; absent when `ok`. */
    error?: string;
    /**
     * Which end refused the other by its own checks (chain or SPIFFE ID), as opposed to receiving the
     * peer's alert or a reset. The first refusal ends the handshake (in TLS 1.3 the client judges the
     * server's chain before sending its own), so `both` is only reported when each end's own check fired.
     * Absent when `ok` or when neither refused (a timeout).
     */
    rejectedBy?: "server" | "client" | "both";
    /** The client's SPIFFE ID as the server accepted it. */
    serverSawPeer?: string;
    /** The server's SPIFFE ID as the client accepted it. */
    clientSawPeer?: string;
}

/** The URI SANs in Node's `subjectaltname` string (`DNS:a, URI:spiffe://…`; values with specials are JSON-quoted). */
export function uriSans(subjectaltname: string | undefined): string[] {
    const uris: string[] = [];
    for (const m of (subjectaltname ?? "").matchAll(/(?:^|, )URI:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
        uris.push(m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1]);
    }
    return uris;
}

/**
 * The peer's SPIFFE ID from its `subjectaltname`, or why it is refused: not exactly one URI SAN, not a
 * `spiffe://<td>/<path>` ID, or a trust domain outside `trustDomains`.
 */
export function checkSpiffePeer(subjectaltname: string | undefined, trustDomains: string | readonly string[]): { id: string } | { problem: string } {
    const uris = uriSans(subjectaltname);
    if (uris.length !== 1) {
        return { problem: `the peer certificate has ${uris.length} URI SANs, not one SPIFFE ID` };
    }
    const m = /^spiffe:\/\/([a-z0-9._-]+)(\/[^?#]*)$/.exec(uris[0]);
    if (m === null) {
        return { problem: `the peer's URI SAN ${uris[0]} is not a SPIFFE ID` };
    }
    const allowed = typeof trustDomains === "string" ? [trustDomains] : trustDomains;
    if (!allowed.includes(m[1])) {
        return { problem: `the peer's SPIFFE ID ${uris[0]} is in trust domain ${m[1]}, not in ${allowed.join(", ")}` };
    }
    return { id: uris[0] };
}

/** A local verification failure, by the code OpenSSL gave it, or the message of a SPIFFE refusal. */
const describeRefusal = (err: Error | undefined, code: string | undefined): string => {
    const message = err?.message ?? code ?? "refused";
    return code !== undefined && code !== message ? `${message} (${code})` : message;
};

/** What the server writes once it has accepted the client's SPIFFE ID (in TLS 1.3 the client finishes first). */
const ACCEPTED = "spiffe-peer-accepted\n";

/**
 * One mutual-TLS handshake on 127.0.0.1 between `server` and `client`, each with its chain, key and
 * trust bundle: OpenSSL verifies both chains (`requestCert` + `rejectUnauthorized` on the server); the
 * client checks the server's SPIFFE ID in `checkServerIdentity`, the server the client's from
 * `getPeerCertificate().subjectaltname`. Success needs the server's acceptance to reach the client,
 * since in TLS 1.3 the client completes before the server has judged its certificate. Every socket and
 * the server are closed before the promise settles; it never rejects.
 */
export function mtlsHandshake(server: TlsEndpoint, client: TlsEndpoint, options: HandshakeOptions = {}): Promise<HandshakeResult> {
    return new Promise((resolve) => {
        const serverRefusals: string[] = [];
        const clientRefusals: string[] = [];
        const received: string[] = [];
        let serverSawPeer: string | undefined;
        let clientSawPeer: string | undefined;
        let accepted = false;
        let clientClosed = false;
        let settled = false;
        const serverSockets = new Set<net.Socket>();
        let serverConnections = 0;

        const srv = tls.createServer({
            cert: server.chainPem,
            key: server.keyPem,
            ca: server.bundlePem,
            requestCert: true,
            rejectUnauthorized: true,
        });
        let conn: tls.TLSSocket | undefined;

        const finish = (timedOut: boolean) => {
            if (settled) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            conn?.destroy();
            for (const s of serverSockets) {
                s.destroy();
            }
            const refusals = [...serverRefusals.map((e) => `server: ${e}`), ...clientRefusals.map((e) => `client: ${e}`)];
            const ok = !timedOut && refusals.length === 0 && accepted && serverSawPeer !== undefined && clientSawPeer !== undefined;
            const result: HandshakeResult = { ok, serverSawPeer, clientSawPeer };
            if (!ok) {
                result.error = [...refusals, ...received, ...(timedOut ? [`timed out after ${options.timeoutMs ?? 5000} ms`] : [])].join("; ") || "the server's acceptance never reached the client";
                if (serverRefusals.length > 0 || clientRefusals.length > 0) {
                    result.rejectedBy = serverRefusals.length > 0 && clientRefusals.length > 0 ? "both" : serverRefusals.length > 0 ? "server" : "client";
                }
            }
            srv.close(() => {
                resolve(result);
            });
        };
        const maybeDone = () => {
            if (clientClosed && serverConnections > 0 && serverSockets.size === 0) {
                finish(false);
            }
        };
        const timer = setTimeout(() => {
            finish(true);
        }, options.timeoutMs ?? 5000);

        srv.on("connection", (raw: net.Socket) => {
            serverConnections++;
            serverSockets.add(raw);
            raw.on("close", () => {
                serverSockets.delete(raw);
                maybeDone();
            });
        });
        srv.on("secureConnection", (socket: tls.TLSSocket) => {
            socket.on("error", (err: Error) => received.push(`server socket: ${err.message}`));
            const verdict = checkSpiffePeer(socket.getPeerCertificate().subjectaltname, server.expectTrustDomain);
            if ("problem" in verdict) {
                serverRefusals.push(verdict.problem);
                socket.destroy();
                return;
            }
            serverSawPeer = verdict.id;
            socket.end(ACCEPTED);
        });
        srv.on("tlsClientError", (err: Error, socket: tls.TLSSocket) => {
            // With rejectUnauthorized, Node destroys a socket whose client chain failed and records why in
            // `authorizationError` (the error itself is then only "socket hang up"); anything else (an
            // alert, a reset) is what the server received, not a refusal of its own.
            // Typed as Error, but Node stores the verification code (a string) there, or nothing.
            const code: unknown = socket.authorizationError;
            if (code !== undefined && code !== null) {
                serverRefusals.push(describeRefusal(undefined, typeof code === "string" ? code : inspect(code)));
            } else {
                received.push(`server received: ${err.message}`);
            }
            socket.destroy();
        });

        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            let data = "";
            conn = tls.connect({
                host: "127.0.0.1",
                port,
                cert: client.chainPem,
                key: client.keyPem,
                ca: client.bundlePem,
                rejectUnauthorized: true,
                // Called only once OpenSSL has verified the chain: a refusal here is the SPIFFE check's.
                checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => {
                    const verdict = checkSpiffePeer(cert.subjectaltname, client.expectTrustDomain);
                    if ("problem" in verdict) {
                        return new Error(verdict.problem);
                    }
                    clientSawPeer = verdict.id;
                    return undefined;
                },
            });
            conn.setEncoding("utf8");
            conn.on("data", (chunk: string) => {
                data += chunk;
                accepted = data === ACCEPTED;
            });
            const socket = conn;
            conn.on("error", (err: Error) => {
                // Node sets `authorizationError` before destroying the socket for a failed chain or a
                // refusal of checkServerIdentity; without it the error is the server's alert or a reset.
                const code: unknown = socket.authorizationError;
                if (code !== undefined && code !== null) {
                    clientRefusals.push(describeRefusal(err, (err as { code?: string }).code));
                } else {
                    received.push(`client received: ${err.message}`);
                }
            });
            conn.on("close", () => {
                clientClosed = true;
                maybeDone();
            });
        });
    });
}
