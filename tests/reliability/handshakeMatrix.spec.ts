// Rotation proven by real mutual-TLS handshakes (issue 20, item 5), single cluster: the CertificateAuthority
// (with an intermediate) runs through Stable g1 -> TrustNew g2 -> ServeNew g2 -> Stable g2 under the real-
// certificate tls mocks (meshtls/testing, as ambientRotation.spec does). Each phase p gives the issuer that
// signs and the trust bundle workloads hold; SPIFFE leaves signed from it meet over node:tls on 127.0.0.1
// (tests/handshake/spiffe.ts). The matrix: 4 phases, 16 (p, q) pairs, each run three ways (client leaf p
// against server bundle q, server leaf q against client bundle p, and two workloads each at its own phase)
// = 48 handshakes, about 0.4 s on the shared 2-core machine (the whole file under 1 s with the 4 CA runs,
// plus ts-node's compile).
//
// A leaf must be accepted when its phase is adjacent to the peer's (|p - q| <= 1: the pairs that meet during
// a rollout, since a workload's certificate and bundle lag its cluster's phase by at most one step) and
// refused exactly when its root is absent from the peer's bundle.
//
// Two clusters (the fleet CA, next session): a `Workload` gains its cluster, PHASES becomes the fleet's
// phase sequence giving per cluster the issuer (that cluster's intermediate) and bundle, and the pairs run
// over (cluster, phase) x (cluster, phase); `expectedAccepted` stays "the leaf's root generation is in the
// peer's bundle", and trust domains differing per cluster go in `expectTrustDomain` as the aliases.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { CaRotationState, CertificateAuthority, RotationPhase } from "../../sdk";
import { CHAIN_REFUSAL, HandshakeResult, TlsEndpoint, WorkloadCertificate, WorkloadIssuer, caGenerationOf as generationOf, distinctCertificatesPem, mtlsHandshake, signWorkload, splitPem } from "../handshake/spiffe";
import { assertRejected, runProgram, valueOf } from "../harness";
import { ROTATION_STEPS } from "../pki/rotationPhases";

const CA = "meshtls:index:CertificateAuthority";
const TRUST_DOMAIN = "cluster.local";
const NS = "shop";

const PHASES = ROTATION_STEPS;

/** What a phase hands its workloads: the issuer that signs and the roots they trust. */
interface PhaseMaterial {
    issuer: WorkloadIssuer;
    bundlePem: string;
}

/** A workload of the mesh in one phase: its leaf and the bundle it holds. */
interface Workload {
    phase: number;
    leaf: WorkloadCertificate;
    bundlePem: string;
}

/** Every ordered pair of phase indices. */
const PAIRS: Array<[number, number]> = PHASES.flatMap((_, p) => PHASES.map((__, q): [number, number] => [p, q]));

/** Whether a leaf signed in phase p chains to a root that phase q's bundle holds (from the phase table). */
const expectedAccepted = (p: number, q: number): boolean => PHASES[q].trusted.includes(PHASES[p].signing);

const endpoint = (w: Workload, bundlePem = w.bundlePem, expectTrustDomain: string | readonly string[] = TRUST_DOMAIN): TlsEndpoint => ({
    chainPem: w.leaf.chainPem,
    keyPem: w.leaf.keyPem,
    bundlePem,
    expectTrustDomain,
});

const pairLabel = (p: number, q: number) => `${PHASES[p].label} / ${PHASES[q].label}`;

describe("reliability: handshake matrix over a single-cluster rotation (4 phases, 16 pairs x 3 = 48 real mTLS handshakes, ~0.4 s)", () => {
    const material: PhaseMaterial[] = [];
    const clients: Workload[] = [];
    const servers: Workload[] = [];
    let allRootsPem = "";

    before(async () => {
        for (const phase of PHASES) {
            const result = await runProgram(() => ({ ca: new CertificateAuthority("mesh-ca", { commonName: "handshake mesh CA", intermediate: {}, ...phase.ca }) }));
            const issuer = await valueOf(result.value.ca.issuer);
            material.push({
                issuer: { certPem: await valueOf(issuer.certPem), privateKeyPem: await valueOf(issuer.privateKeyPem), caChainPem: await valueOf(issuer.caChainPem) },
                bundlePem: await valueOf(result.value.ca.trustBundlePem),
            });
        }
        for (const [phase, m] of material.entries()) {
            clients.push({ phase, leaf: await signWorkload(m.issuer, TRUST_DOMAIN, NS, "frontend"), bundlePem: m.bundlePem });
            servers.push({ phase, leaf: await signWorkload(m.issuer, TRUST_DOMAIN, NS, "backend"), bundlePem: m.bundlePem });
        }
        allRootsPem = distinctCertificatesPem(...material.map((m) => m.bundlePem));
    });

    it("each phase's material is what the table says, and a generation's root is the same certificate in every phase that has it", () => {
        assert.equal(material.length, 4);
        const rootsByGeneration = new Map<number, Set<string>>();
        for (const [i, m] of material.entries()) {
            const bundle = splitPem(m.bundlePem).map((p) => new X509Certificate(p));
            assert.deepEqual(bundle.map(generationOf), PHASES[i].trusted, PHASES[i].label);
            const chain = splitPem(m.issuer.caChainPem).map((p) => new X509Certificate(p));
            assert.equal(chain.length, 2, "intermediate then root");
            assert.equal(chain[0].ca && !chain[0].checkIssued(chain[0]), true, "an intermediate signs");
            assert.deepEqual(chain.map(generationOf), [PHASES[i].signing, PHASES[i].signing]);
            for (const root of bundle) {
                const seen = rootsByGeneration.get(generationOf(root)) ?? new Set<string>();
                seen.add(root.fingerprint256);
                rootsByGeneration.set(generationOf(root), seen);
            }
        }
        // Otherwise every cross-phase handshake would fail for a reason no rollout has.
        assert.deepEqual([...rootsByGeneration.entries()].map(([g, fps]) => [g, fps.size]), [[1, 1], [2, 1]]);
        assert.equal(splitPem(allRootsPem).length, 2);
    });

    it("expected outcomes: 16 pairs, 10 adjacent ones all trusted both ways, and 4 leaves whose root the peer's bundle lacks", () => {
        assert.equal(PAIRS.length, 16);
        const adjacent = PAIRS.filter(([p, q]) => Math.abs(p - q) <= 1);
        assert.equal(adjacent.length, 10);
        assert.equal(adjacent.filter(([p, q]) => expectedAccepted(p, q) && expectedAccepted(q, p)).length, 10);
        const absent = PAIRS.filter(([p, q]) => !expectedAccepted(p, q));
        assert.deepEqual(absent, [
            [0, 3],
            [1, 3],
            [2, 0],
            [3, 0],
        ]);
        // Two workloads meet when each trusts the other: exactly the adjacent pairs.
        assert.deepEqual(
            PAIRS.filter(([p, q]) => expectedAccepted(p, q) && expectedAccepted(q, p)),
            adjacent,
        );
    });

    /** Runs `handshake` over every pair; asserts the count of successes and failures, then each pair. */
    async function runMatrix(
        handshake: (p: number, q: number) => Promise<HandshakeResult>,
        expected: (p: number, q: number) => boolean,
        refusedBy: "server" | "client",
        expectedPeer: (p: number, q: number) => { serverSawPeer: string; clientSawPeer: string },
        successes: number,
    ): Promise<void> {
        const results = await Promise.all(PAIRS.map(([p, q]) => handshake(p, q)));
        assert.equal(PAIRS.filter(([p, q]) => expected(p, q)).length, successes);
        assert.equal(results.filter((r) => r.ok).length, successes, results.map((r, i) => `${pairLabel(...PAIRS[i])}: ${r.ok ? "ok" : r.error}`).join("\n"));
        assert.equal(results.length, 16);
        for (const [i, [p, q]] of PAIRS.entries()) {
            const r = results[i];
            if (Math.abs(p - q) <= 1) {
                assert.equal(r.ok, true, `${pairLabel(p, q)} are adjacent: ${r.error}`);
            }
            assert.equal(r.ok, expected(p, q), `${pairLabel(p, q)}: ${r.error}`);
            if (r.ok) {
                assert.deepEqual({ serverSawPeer: r.serverSawPeer, clientSawPeer: r.clientSawPeer }, expectedPeer(p, q), pairLabel(p, q));
            } else {
                assert.equal(r.rejectedBy, refusedBy, `${pairLabel(p, q)}: ${r.error}`);
                assert.match(r.error ?? "", new RegExp(`^${refusedBy}: .*(${CHAIN_REFUSAL.source})`), pairLabel(p, q));
            }
        }
    }

    it("a client leaf of phase p against a server holding phase q's bundle: refused by the server exactly when its root is absent (12 accepted, 4 refused)", async () => {
        // The server's leaf is trusted by the client whatever the phases, so only the server's check decides.
        await runMatrix(
            (p, q) => mtlsHandshake(endpoint(servers[q]), endpoint(clients[p], allRootsPem)),
            expectedAccepted,
            "server",
            (p, q) => ({ serverSawPeer: clients[p].leaf.spiffeId, clientSawPeer: servers[q].leaf.spiffeId }),
            12,
        );
    });

    it("a server leaf of phase q against a client holding phase p's bundle: refused by the client exactly when its root is absent (12 accepted, 4 refused)", async () => {
        await runMatrix(
            (p, q) => mtlsHandshake(endpoint(servers[q], allRootsPem), endpoint(clients[p])),
            (p, q) => expectedAccepted(q, p),
            "client",
            (p, q) => ({ serverSawPeer: clients[p].leaf.spiffeId, clientSawPeer: servers[q].leaf.spiffeId }),
            12,
        );
    });

    it("two workloads, each with its own phase's leaf and bundle: they meet exactly when the phases are adjacent (10 accepted, 6 refused)", async () => {
        const results = await Promise.all(PAIRS.map(([p, q]) => mtlsHandshake(endpoint(servers[q]), endpoint(clients[p]))));
        assert.equal(results.length, 16);
        assert.equal(results.filter((r) => r.ok).length, 10);
        for (const [i, [p, q]] of PAIRS.entries()) {
            const r = results[i];
            const rootsPresent = expectedAccepted(p, q) && expectedAccepted(q, p);
            assert.equal(r.ok, Math.abs(p - q) <= 1, `${pairLabel(p, q)}: ${r.error}`);
            assert.equal(r.ok, rootsPresent, `${pairLabel(p, q)}: fails exactly when a leaf's root is absent from the peer's bundle`);
            if (!r.ok) {
                // In TLS 1.3 the client judges the server's chain first; the server judges only what gets through.
                assert.equal(r.rejectedBy, expectedAccepted(q, p) ? "server" : "client", `${pairLabel(p, q)}: ${r.error}`);
                assert.match(r.error ?? "", CHAIN_REFUSAL);
            }
        }
    });

    /**
     * The handshakes that fail when a rollout follows `sequence` (phase indices): at each step the
     * workloads already moved meet those not yet moved, in both roles. Empty when the order is safe.
     */
    async function rolloutProblems(sequence: readonly number[]): Promise<string[]> {
        const problems: string[] = [];
        for (let i = 1; i < sequence.length; i++) {
            const [from, to] = [sequence[i - 1], sequence[i]];
            for (const [c, s] of [
                [from, to],
                [to, from],
            ]) {
                const r = await mtlsHandshake(endpoint(servers[s]), endpoint(clients[c]));
                if (!r.ok) {
                    problems.push(`${PHASES[c].label} client -> ${PHASES[s].label} server: ${r.error}`);
                }
            }
        }
        return problems;
    }

    it("the designed order Stable g1 -> TrustNew -> ServeNew -> Stable g2 keeps every step's old and new workloads talking", async () => {
        assert.deepEqual(await rolloutProblems([0, 1, 2, 3]), []);
    });

    it("negative: ServeNew without TrustNew (the new root serves while peers still hold only the old root) breaks handshakes both ways", async () => {
        const problems = await rolloutProblems([0, 2, 3]);
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(problems[0], /^Stable g1 client -> ServeNew g2 server: client: .*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT)/);
        assert.match(problems[1], /^ServeNew g2 client -> Stable g1 server: server: .*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT)/);
        // Skipping straight to Stable g2 breaks the same way.
        assert.equal((await rolloutProblems([0, 3])).length, 2);
    });

    it("negative: the rotation guard refuses that order before anything is registered", async () => {
        const stableG1: CaRotationState = { generation: 1, rotationPhase: RotationPhase.Stable };
        await assertRejected(
            () => new CertificateAuthority("mesh-ca", { commonName: "handshake mesh CA", intermediate: {}, ...PHASES[2].ca, previousRotationState: stableG1 }),
            CA,
            "mesh-ca",
            /take this step first: generation: 2, previousGeneration: 1, rotationPhase: TrustNew/,
        );
    });

    it("a leaf from the right CA with the wrong trust domain is refused by the SPIFFE check on either side, not by the chain", async () => {
        const foreign = await signWorkload(material[0].issuer, "other.example", NS, "frontend");
        assert.equal(foreign.spiffeId, "spiffe://other.example/ns/shop/sa/frontend");
        const foreignWorkload: Workload = { phase: 0, leaf: foreign, bundlePem: material[0].bundlePem };

        const asClient = await mtlsHandshake(endpoint(servers[0]), endpoint(foreignWorkload));
        assert.equal(asClient.ok, false);
        assert.equal(asClient.rejectedBy, "server");
        assert.equal(asClient.error, "server: the peer's SPIFFE ID spiffe://other.example/ns/shop/sa/frontend is in trust domain other.example, not in cluster.local");
        assert.doesNotMatch(asClient.error ?? "", CHAIN_REFUSAL);

        const asServer = await mtlsHandshake(endpoint(foreignWorkload), endpoint(clients[0]));
        assert.equal(asServer.ok, false);
        assert.equal(asServer.rejectedBy, "client");
        assert.match(asServer.error ?? "", /^client: the peer's SPIFFE ID spiffe:\/\/other\.example\/ns\/shop\/sa\/frontend is in trust domain other\.example, not in cluster\.local/);

        // The chain is fine: with the foreign domain as an alias (trustDomainAliases) the same leaf is accepted.
        const aliased = await mtlsHandshake(endpoint(servers[0], undefined, [TRUST_DOMAIN, "other.example"]), endpoint(foreignWorkload));
        assert.equal(aliased.ok, true, aliased.error);
        assert.equal(aliased.serverSawPeer, foreign.spiffeId);
        assert.equal(aliased.clientSawPeer, servers[0].leaf.spiffeId);
    });

    it("signWorkload issues what istiod would: empty subject, one critical SPIFFE URI SAN, serverAuth + clientAuth, chained to the phase's issuer", () => {
        const leaf = new X509Certificate(clients[2].leaf.certPem);
        // Typed as a string, but node reports an empty subject as undefined.
        assert.equal((leaf.subject as string | undefined) ?? "", "");
        assert.equal(new x509.X509Certificate(clients[2].leaf.certPem).getExtension(x509.SubjectAlternativeNameExtension)?.critical, true);
        assert.equal(leaf.subjectAltName, "URI:spiffe://cluster.local/ns/shop/sa/frontend");
        assert.equal(leaf.ca, false);
        assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
        assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
        const chain = splitPem(clients[2].leaf.chainPem).map((p) => new X509Certificate(p));
        assert.equal(chain.length, 3);
        assert.ok(leaf.checkIssued(chain[1]) && leaf.verify(chain[1].publicKey));
        assert.equal(generationOf(chain[1]), 2);
        assert.ok(new Date(leaf.validTo).getTime() - Date.now() <= 61 * 60_000);
    });
});
