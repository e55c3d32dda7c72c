// Fleet rotation proven by real mutual-TLS handshakes (issue 20, item 5), two clusters: "east" (trust domain
// east.example) and "west" (west.example), each the other's alias, under one FleetCertificateAuthority run
// through Stable g1 -> TrustNew g2 -> ServeNew g2 -> Stable g2 with the real-certificate tls mocks. Each
// cluster's issuer (its own intermediate of the signing generation, and the fleet's bundle) comes from the
// CA's exported `material` through `fleetClusterIssuer`, the path a cluster stack takes. SPIFFE leaves
// signed by it meet over node:tls on 127.0.0.1 (tests/handshake/spiffe.ts).
//
// 1. Material: the 4 CA runs; a generation's root, and a cluster's intermediate of a generation, are the
//    same certificate in every run that holds them (the mocks cache by resource name and inputs).
// 2. The fleet's legal rollout, one stack per cluster: the CA leads each phase, then east, then west
//    (10 steps); every step passes the fleet rule and each party's own step guard.
// 3. Matrix over (cluster, phase) x (cluster, phase): 8 x 8 = 64 pairs, each two ways = 128 handshakes:
//    a client leaf against a server's bundle (only the server's chain check can refuse), and two workloads
//    each with its own leaf and bundle (the client's chain check refuses first when the server's leaf is
//    untrusted, so both checks are exercised). Adjacent phases succeed within and across clusters; a leaf
//    whose root the peer's bundle lacks is refused by the chain check. The single-cluster spec's third way
//    (server leaf against a client's bundle) is left out here to keep the file fast: it mirrors the first.
// 4. In every step of 2., the workloads of each cluster (its current deployment's, and the previous one's
//    while they roll after a move) meet every workload of the other cluster both ways: 32 handshakes.
// 5. Negatives: east serving from g2 while west holds only g1 is refused by the rule and breaks the
//    handshake; a trust domain outside the aliases is refused by the SPIFFE check.
// 128 + 32 + 6 = 166 handshakes: the file takes 2.4 to 2.9 s of CPU with the 4 CA runs, 3.5 to 4 s of wall
// time on the shared 2-core machine at load average 7 (plus ts-node's compile). Handshakes run 8 at a time.
import "reflect-metadata";
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { CaRotationState, FleetCertificateAuthority, FleetIssuerExport, PlainIssuer, fleetClusterIssuer, fleetPhaseProblem, fleetStepProblems, rotationGuardProblem } from "../../sdk";
import { CHAIN_REFUSAL, HandshakeResult, TlsEndpoint, WorkloadCertificate, caGenerationOf, distinctCertificatesPem, mapLimited, mtlsHandshake, signWorkload, splitPem } from "../handshake/spiffe";
import { runProgram, valueOf } from "../harness";
import { ROTATION_STEPS, rotationStateOf } from "../pki/rotationPhases";

const CLUSTERS = ["east", "west"] as const;
type Cluster = (typeof CLUSTERS)[number];
const TRUST_DOMAINS: Readonly<Record<Cluster, string>> = { east: "east.example", west: "west.example" };
const OTHER: Readonly<Record<Cluster, Cluster>> = { east: "west", west: "east" };
const NS = "shop";
/** Handshakes run at once (see mapLimited). */
const BAND = 8;

const PHASES = ROTATION_STEPS;
const STATES: readonly CaRotationState[] = PHASES.map(rotationStateOf);

/** A cluster at a phase of the rotation (an index into PHASES). */
interface Point {
    cluster: Cluster;
    phase: number;
}

/** A workload: its cluster and phase, its leaf, the bundle it holds, and the trust domains it accepts. */
interface Workload extends Point {
    leaf: WorkloadCertificate;
    bundlePem: string;
    trustDomains: readonly string[];
}

/** The 8 (cluster, phase) points, east's first. */
const POINTS: readonly Point[] = CLUSTERS.flatMap((cluster) => PHASES.map((_, phase) => ({ cluster, phase })));
/** Every ordered pair of points: (client, server). */
const PAIRS: ReadonlyArray<readonly [Point, Point]> = POINTS.flatMap((a) => POINTS.map((b) => [a, b] as const));
const pointIndex = (p: Point) => CLUSTERS.indexOf(p.cluster) * PHASES.length + p.phase;

/** Whether a leaf of point `a` chains to a root that point `b`'s bundle holds (one root per generation: the cluster does not matter). */
const expectedAccepted = (a: Point, b: Point): boolean => PHASES[b.phase].trusted.includes(PHASES[a.phase].signing);
const adjacent = (a: Point, b: Point): boolean => Math.abs(a.phase - b.phase) <= 1;
const pointLabel = (p: Point) => `${p.cluster} ${PHASES[p.phase].label}`;
const pairLabel = (a: Point, b: Point) => `${pointLabel(a)} client / ${pointLabel(b)} server`;

/** One step of a fleet rollout: the phase (index into PHASES) of the CA and of each cluster. */
interface FleetStep {
    ca: number;
    east: number;
    west: number;
}
const step = (ca: number, east: number, west: number): FleetStep => ({ ca, east, west });
const stepLabel = (s: FleetStep) => `(CA ${PHASES[s.ca].label}, east ${PHASES[s.east].label}, west ${PHASES[s.west].label})`;

/** The rollout with one stack per cluster: each phase, the CA first, then east, then west. */
const ROLLOUT: readonly FleetStep[] = [
    step(0, 0, 0),
    step(1, 0, 0),
    step(1, 1, 0),
    step(1, 1, 1),
    step(2, 1, 1),
    step(2, 2, 1),
    step(2, 2, 2),
    step(3, 2, 2),
    step(3, 3, 2),
    step(3, 3, 3),
];

/** Why the fleet rule or a party's own step guard refuses the move from `prev` to `next`, if it does. */
function stepProblems(prev: FleetStep | undefined, next: FleetStep): string[] {
    const problems: string[] = [];
    for (const c of CLUSTERS) {
        const p = fleetPhaseProblem(STATES[next[c]], STATES[next.ca]);
        if (p !== undefined) {
            problems.push(`${c}: ${p}`);
        }
    }
    if (prev === undefined) {
        return problems;
    }
    if (prev.ca !== next.ca) {
        // The CA stack's guard over the clusters' last exported states, and its own step guard.
        for (const p of fleetStepProblems(STATES[next.ca], { east: STATES[prev.east], west: STATES[prev.west] })) {
            problems.push(`CA step, cluster ${p.cluster}: ${p.reason}`);
        }
        const own = rotationGuardProblem(STATES[prev.ca], STATES[next.ca]);
        if (own !== undefined) {
            problems.push(`CA step: ${own.accepted}`);
        }
    }
    for (const c of CLUSTERS) {
        const own = prev[c] === next[c] ? undefined : rotationGuardProblem(STATES[prev[c]], STATES[next[c]]);
        if (own !== undefined) {
            problems.push(`${c} step: ${own.accepted}`);
        }
    }
    return problems;
}

const endpoint = (w: Workload, bundlePem = w.bundlePem, trustDomains: readonly string[] = w.trustDomains): TlsEndpoint => ({
    chainPem: w.leaf.chainPem,
    keyPem: w.leaf.keyPem,
    bundlePem,
    expectTrustDomain: trustDomains,
});

/** The cluster's issuer in `state` from the CA's export, or a failed assertion naming the refusal. */
function issuerFrom(material: FleetIssuerExport, cluster: Cluster, state: CaRotationState): PlainIssuer {
    const built = fleetClusterIssuer(material, cluster, state);
    assert.ok("issuer" in built, `${cluster}: ${"problem" in built ? built.problem : ""}`);
    return built.issuer;
}

/** A cluster stack's deployment in a rollout: the step, the cluster, and the issuer it built then. */
interface Deploy {
    step: number;
    cluster: Cluster;
    issuer: PlainIssuer;
}

describe("reliability: handshake matrix over a two-cluster fleet rotation (2 clusters x 4 phases, 64 pairs x 2 + 32 in the rollout + 6 negative = 166 real mTLS handshakes, ~2.7 s CPU)", () => {
    /** Per CA phase: the exported material and the issuers output. */
    const runs: Array<{ material: FleetIssuerExport; issuers: Record<string, { certPem: unknown; trustBundlePem: unknown }>; aliases: Record<string, string[]>; domains: Record<string, string> }> = [];
    /** Per point (pointIndex): the issuer built from its own phase's CA run, and a client and a server workload. */
    const issuers: PlainIssuer[] = [];
    const clients: Workload[] = [];
    const servers: Workload[] = [];
    let allRootsPem = "";
    const accepts = (c: Cluster): string[] => [runs[0].domains[c], ...runs[0].aliases[c]];
    /** Each cluster stack's deployments in `rollout`: the first step, then each step that moves it, from that step's CA material. */
    const deploysOf = (rollout: readonly FleetStep[]): Deploy[] =>
        rollout.flatMap((s, i) =>
            CLUSTERS.filter((c) => i === 0 || rollout[i - 1][c] !== s[c]).map((cluster) => ({ step: i, cluster, issuer: issuerFrom(runs[s.ca].material, cluster, STATES[s[cluster]]) })),
        );

    before(async () => {
        for (const state of STATES) {
            const result = await runProgram(() => ({
                f: new FleetCertificateAuthority("hs-fleet", { ...state, clusters: CLUSTERS.map((name) => ({ name, trustDomain: TRUST_DOMAINS[name] })) }),
            }));
            const { f } = result.value;
            const clusters = await valueOf(f.clusters);
            runs.push({
                material: await valueOf(f.material),
                issuers: await valueOf(f.issuers),
                aliases: Object.fromEntries(CLUSTERS.map((c) => [c, clusters[c].trustDomainAliases])),
                domains: Object.fromEntries(CLUSTERS.map((c) => [c, clusters[c].trustDomain])),
            });
        }
        for (const point of POINTS) {
            const issuer = issuerFrom(runs[point.phase].material, point.cluster, STATES[point.phase]);
            issuers.push(issuer);
            const common = { ...point, bundlePem: issuer.trustBundlePem, trustDomains: accepts(point.cluster) };
            clients.push({ ...common, leaf: await signWorkload(issuer, TRUST_DOMAINS[point.cluster], NS, "frontend") });
            servers.push({ ...common, leaf: await signWorkload(issuer, TRUST_DOMAINS[point.cluster], NS, "backend") });
        }
        allRootsPem = distinctCertificatesPem(...issuers.map((i) => i.trustBundlePem));
    });

    describe("1. material", () => {
        it("each CA phase exports the generations the table says; each cluster's issuer is its own intermediate of the signing generation, under that generation's root", () => {
            assert.equal(runs.length, 4);
            assert.equal(issuers.length, 8);
            for (const [i, run] of runs.entries()) {
                assert.deepEqual(run.material.rotationState, STATES[i]);
                assert.deepEqual(Object.keys(run.material.generations).map(Number), PHASES[i].trusted, PHASES[i].label);
                assert.deepEqual(run.material.trustDomains, TRUST_DOMAINS);
            }
            for (const [i, point] of POINTS.entries()) {
                const issuer = issuers[i];
                const label = pointLabel(point);
                assert.deepEqual(splitPem(issuer.trustBundlePem).map((p) => caGenerationOf(new X509Certificate(p))), PHASES[point.phase].trusted, label);
                const chain = splitPem(issuer.caChainPem).map((p) => new X509Certificate(p));
                assert.equal(chain.length, 2, `${label}: intermediate then root`);
                assert.match(chain[0].subject, new RegExp(`CN=${point.cluster} intermediate g${PHASES[point.phase].signing} `), label);
                assert.ok(chain[0].ca && chain[0].checkIssued(chain[1]) && chain[0].verify(chain[1].publicKey), `${label}: the intermediate chains to the root`);
                assert.equal(caGenerationOf(chain[1]), PHASES[point.phase].signing, label);
                // The component's own issuers output is built by the same function from the same material.
                const output = runs[point.phase].issuers[point.cluster];
                assert.deepEqual([output.certPem, output.trustBundlePem], [issuer.certPem, issuer.trustBundlePem], label);
            }
        });

        it("a generation's root, and a cluster's intermediate of a generation, are the same certificate in every CA run that holds them (else cross-phase handshakes would fail for no rollout's reason)", () => {
            const seen = new Map<string, Set<string>>();
            const note = (key: string, pem: string) => seen.set(key, (seen.get(key) ?? new Set()).add(new X509Certificate(pem).fingerprint256));
            let entries = 0;
            for (const run of runs) {
                for (const [g, gen] of Object.entries(run.material.generations)) {
                    note(`root g${g}`, gen.rootCertPem);
                    entries++;
                    for (const c of CLUSTERS) {
                        note(`${c} g${g}`, gen.clusters[c].certPem);
                    }
                }
            }
            // Generations per run: 1, 2, 2, 1.
            assert.equal(entries, 6);
            assert.deepEqual(
                [...seen.entries()].map(([k, fps]) => [k, fps.size]),
                [
                    ["root g1", 1],
                    ["east g1", 1],
                    ["west g1", 1],
                    ["root g2", 1],
                    ["east g2", 1],
                    ["west g2", 1],
                ],
            );
            // One root per generation for the whole fleet, one intermediate per cluster and generation.
            assert.equal(splitPem(allRootsPem).length, 2);
            assert.equal(new Set(issuers.map((i) => new X509Certificate(i.certPem).fingerprint256)).size, 4);
        });

        it("each cluster's trust domain has the other's as its alias (the component's clusters output)", () => {
            assert.equal(runs.length, 4);
            for (const run of runs) {
                assert.deepEqual(run.domains, TRUST_DOMAINS);
                assert.deepEqual(run.aliases, { east: ["west.example"], west: ["east.example"] });
            }
            assert.deepEqual(accepts("east"), ["east.example", "west.example"]);
        });
    });

    describe("2. the fleet's rollout, one stack per cluster", () => {
        it("the sequence moves one party one phase per step, the CA first: 10 steps, 9 moves (3 CA, 3 per cluster)", () => {
            assert.equal(ROLLOUT.length, 10);
            assert.deepEqual(ROLLOUT[0], step(0, 0, 0));
            assert.deepEqual(ROLLOUT[9], step(3, 3, 3));
            const movers: string[] = [];
            for (let i = 1; i < ROLLOUT.length; i++) {
                const moved = (["ca", "east", "west"] as const).filter((k) => ROLLOUT[i][k] !== ROLLOUT[i - 1][k]);
                assert.equal(moved.length, 1, stepLabel(ROLLOUT[i]));
                assert.equal(ROLLOUT[i][moved[0]], ROLLOUT[i - 1][moved[0]] + 1, stepLabel(ROLLOUT[i]));
                movers.push(moved[0]);
            }
            assert.deepEqual(movers, ["ca", "east", "west", "ca", "east", "west", "ca", "east", "west"]);
        });

        it("every step is allowed: each cluster at the CA's phase or one behind (fleetPhaseProblem), each CA move past the clusters' states (fleetStepProblems), each party's own step guard", () => {
            assert.equal(ROLLOUT.length, 10);
            for (const [i, s] of ROLLOUT.entries()) {
                assert.deepEqual(stepProblems(ROLLOUT[i - 1], s), [], stepLabel(s));
            }
        });

        it("each cluster stack builds its issuer with fleetClusterIssuer from the CA material of the step it deploys in (its first and each move): its own phase's intermediate and bundle (8 deploys)", () => {
            const deploys = deploysOf(ROLLOUT);
            assert.equal(deploys.length, 8);
            for (const d of deploys) {
                const s = ROLLOUT[d.step];
                const same = issuers[pointIndex({ cluster: d.cluster, phase: s[d.cluster] })];
                assert.deepEqual([d.issuer.certPem, d.issuer.trustBundlePem, d.issuer.caChainPem], [same.certPem, same.trustBundlePem, same.caChainPem], `${stepLabel(s)}: ${d.cluster}`);
            }
        });

        it("once the CA is Stable g2, a cluster stack re-deployed at ServeNew g2 is told to finish (Stable g2): the CA no longer holds generation 1, and every cluster already serves generation 2 (3 of 20)", () => {
            const refused: string[] = [];
            let attempts = 0;
            for (const s of ROLLOUT) {
                for (const c of CLUSTERS) {
                    attempts++;
                    assert.equal(fleetPhaseProblem(STATES[s[c]], STATES[s.ca]), undefined, `${stepLabel(s)}: ${c}`);
                    const built = fleetClusterIssuer(runs[s.ca].material, c, STATES[s[c]]);
                    if ("problem" in built) {
                        refused.push(`${stepLabel(s)}: ${c}: ${built.problem}`);
                    }
                }
            }
            assert.equal(attempts, 20);
            const gap = ": the fleet CA holds no generation 1 (it holds 2): move this cluster to generation: 2, rotationPhase: Stable";
            assert.deepEqual(refused, [
                `(CA Stable g2, east ServeNew g2, west ServeNew g2): east${gap}`,
                `(CA Stable g2, east ServeNew g2, west ServeNew g2): west${gap}`,
                `(CA Stable g2, east Stable g2, west ServeNew g2): west${gap}`,
            ]);
        });
    });

    describe("3. matrix: (cluster, phase) x (cluster, phase)", () => {
        it("expected outcomes: 64 pairs (16 per cluster pair), 40 adjacent ones all trusted both ways, 16 leaves whose root the peer's bundle lacks", () => {
            assert.equal(PAIRS.length, 64);
            const near = PAIRS.filter(([a, b]) => adjacent(a, b));
            assert.equal(near.length, 40);
            assert.equal(near.filter(([a, b]) => expectedAccepted(a, b) && expectedAccepted(b, a)).length, 40);
            assert.equal(PAIRS.filter(([a, b]) => !expectedAccepted(a, b)).length, 16);
            assert.equal(PAIRS.filter(([a, b]) => a.cluster !== b.cluster).length, 32);
            // Two workloads meet when each trusts the other: exactly the adjacent pairs.
            assert.deepEqual(
                PAIRS.filter(([a, b]) => expectedAccepted(a, b) && expectedAccepted(b, a)),
                near,
            );
        });

        /** Runs `handshake` over every pair; asserts the count of successes, then each pair. */
        async function runMatrix(
            handshake: (a: Point, b: Point) => Promise<HandshakeResult>,
            expected: (a: Point, b: Point) => boolean,
            refusedBy: (a: Point, b: Point) => "server" | "client",
            successes: number,
        ): Promise<void> {
            const results = await mapLimited(PAIRS, BAND, ([a, b]) => handshake(a, b));
            assert.equal(results.length, 64);
            assert.equal(PAIRS.filter(([a, b]) => expected(a, b)).length, successes);
            assert.equal(results.filter((r) => r.ok).length, successes, results.map((r, i) => `${pairLabel(...PAIRS[i])}: ${r.ok ? "ok" : r.error}`).join("\n"));
            for (const [i, [a, b]] of PAIRS.entries()) {
                const r = results[i];
                if (adjacent(a, b)) {
                    assert.equal(r.ok, true, `${pairLabel(a, b)} are adjacent: ${r.error}`);
                }
                assert.equal(r.ok, expected(a, b), `${pairLabel(a, b)}: ${r.error}`);
                if (r.ok) {
                    // Each side's SPIFFE check saw the other's ID, across trust domains through the aliases.
                    assert.deepEqual([r.serverSawPeer, r.clientSawPeer], [clients[pointIndex(a)].leaf.spiffeId, servers[pointIndex(b)].leaf.spiffeId], pairLabel(a, b));
                } else {
                    assert.equal(r.rejectedBy, refusedBy(a, b), `${pairLabel(a, b)}: ${r.error}`);
                    assert.match(r.error ?? "", new RegExp(`^${refusedBy(a, b)}: .*(${CHAIN_REFUSAL.source})`), pairLabel(a, b));
                }
            }
        }

        it("a client leaf of (cluster, p) against a server holding q's bundle: refused by the server exactly when its root is absent (48 accepted, 16 refused)", async () => {
            // The server's leaf is trusted by the client whatever the phases, so only the server's check decides.
            await runMatrix(
                (a, b) => mtlsHandshake(endpoint(servers[pointIndex(b)]), endpoint(clients[pointIndex(a)], allRootsPem)),
                expectedAccepted,
                () => "server",
                48,
            );
        });

        it("two workloads, each with its own leaf and bundle: they meet exactly when the phases are adjacent, within and across clusters (40 accepted, 24 refused)", async () => {
            // In TLS 1.3 the client judges the server's chain first; the server judges only what gets through.
            await runMatrix(
                (a, b) => mtlsHandshake(endpoint(servers[pointIndex(b)]), endpoint(clients[pointIndex(a)])),
                (a, b) => expectedAccepted(a, b) && expectedAccepted(b, a),
                (a, b) => (expectedAccepted(b, a) ? "server" : "client"),
                40,
            );
        });
    });

    describe("4. handshakes in every step of the rollout", () => {
        it("each step's workloads (each cluster's current deployment's, and its previous one's while they roll after a move) meet every workload of the other cluster both ways (32 handshakes)", async () => {
            // A cluster's workloads carry leaves from its current deployment and, until they roll, its previous one.
            const deploys = deploysOf(ROLLOUT);
            const leaves = await Promise.all(
                deploys.map(async (d): Promise<Workload> => ({
                    cluster: d.cluster,
                    phase: ROLLOUT[d.step][d.cluster],
                    leaf: await signWorkload(d.issuer, TRUST_DOMAINS[d.cluster], NS, `deploy-${d.step}`),
                    bundlePem: d.issuer.trustBundlePem,
                    trustDomains: accepts(d.cluster),
                })),
            );
            const pairs: Array<{ step: FleetStep; client: Workload; server: Workload }> = [];
            for (const [i, s] of ROLLOUT.entries()) {
                // The latest deployment's workloads, and the previous one's when the cluster moved in this step.
                const live = (c: Cluster): Workload[] => {
                    const mine = deploys.flatMap((d, k) => (d.cluster === c && d.step <= i ? [{ step: d.step, w: leaves[k] }] : []));
                    const [before, last] = [mine.at(-2), mine.at(-1)];
                    assert.ok(last, `${stepLabel(s)}: ${c} deployed`);
                    return last.step === i && before !== undefined ? [last.w, before.w] : [last.w];
                };
                for (const c of CLUSTERS) {
                    for (const client of live(c)) {
                        pairs.push(...live(OTHER[c]).map((server) => ({ step: s, client, server })));
                    }
                }
            }
            // Step 0: one deployment each (2); a CA move: one each (2); a cluster's move: 2 x 1 both ways (4).
            assert.equal(pairs.length, 2 + 3 * 2 + 6 * 4);
            // Within a step the two clusters differ by at most one phase, as do a workload and its lagging peer.
            assert.equal(pairs.filter((p) => adjacent(p.client, p.server) && p.client.cluster !== p.server.cluster).length, 32);
            const results = await mapLimited(pairs, BAND, (p) => mtlsHandshake(endpoint(p.server), endpoint(p.client)));
            assert.equal(results.length, 32);
            const outcomes: string[] = [];
            for (const [i, r] of results.entries()) {
                const { step: s, client, server } = pairs[i];
                if (!r.ok) {
                    outcomes.push(`${stepLabel(s)}: ${pointLabel(client)} -> ${pointLabel(server)}: ${r.error}`);
                } else if (r.serverSawPeer !== client.leaf.spiffeId || r.clientSawPeer !== server.leaf.spiffeId) {
                    outcomes.push(`${stepLabel(s)}: ${pointLabel(client)} -> ${pointLabel(server)}: saw ${String(r.serverSawPeer)} / ${String(r.clientSawPeer)}`);
                }
            }
            assert.deepEqual(outcomes, []);
        });
    });

    describe("5. negatives", () => {
        const WRONG = step(2, 2, 0);
        const east = () => clients[pointIndex({ cluster: "east", phase: 2 })];
        const west = () => servers[pointIndex({ cluster: "west", phase: 0 })];

        it("east serving from g2 while west holds only g1: refused by the rule on every side (fleetPhaseProblem, fleetStepProblems, fleetClusterIssuer)", () => {
            // With the CA at ServeNew, west is two behind; with the CA still at TrustNew, east is ahead.
            const problems = stepProblems(undefined, WRONG);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^west: .*may already serve generation 2, which this state does not trust: move this cluster to TrustNew first/);
            assert.match(fleetPhaseProblem(STATES[2], STATES[1]) ?? "", /ahead of the fleet CA/);
            // The CA stack refuses to reach ServeNew while west's exported state is Stable g1.
            const refused = fleetStepProblems(STATES[2], { east: STATES[1], west: STATES[0] });
            assert.deepEqual(
                refused.map((p) => p.cluster),
                ["west"],
            );
            // West's stack refuses its Stable g1 beside a ServeNew CA; east's refuses ServeNew beside a TrustNew CA.
            const westBuilt = fleetClusterIssuer(runs[2].material, "west", STATES[0]);
            assert.ok("problem" in westBuilt);
            assert.match(westBuilt.problem, /move this cluster to TrustNew first/);
            const eastBuilt = fleetClusterIssuer(runs[1].material, "east", STATES[2]);
            assert.ok("problem" in eastBuilt);
            assert.match(eastBuilt.problem, /ahead of the fleet CA/);
            // The legal rollout never has it.
            assert.equal(ROLLOUT.filter((s) => s.east === 2 && s.west === 0).length, 0);
        });

        it("and the real handshake breaks: an east ServeNew g2 leaf is refused by a west Stable g1 server's chain check, and the other way by a west client", async () => {
            const eastToWest = await mtlsHandshake(endpoint(west()), endpoint(east()));
            assert.equal(eastToWest.ok, false);
            assert.equal(eastToWest.rejectedBy, "server");
            assert.match(eastToWest.error ?? "", new RegExp(`^server: .*(${CHAIN_REFUSAL.source})`));
            const eastServer = servers[pointIndex({ cluster: "east", phase: 2 })];
            const westClient = clients[pointIndex({ cluster: "west", phase: 0 })];
            const westToEast = await mtlsHandshake(endpoint(eastServer), endpoint(westClient));
            assert.equal(westToEast.ok, false);
            assert.equal(westToEast.rejectedBy, "client");
            assert.match(westToEast.error ?? "", new RegExp(`^client: .*(${CHAIN_REFUSAL.source})`));
            // Control: with west at TrustNew (the legal order) the same east leaf is accepted.
            const westTrustNew = servers[pointIndex({ cluster: "west", phase: 1 })];
            const ok = await mtlsHandshake(endpoint(westTrustNew), endpoint(east()));
            assert.equal(ok.ok, true, ok.error);
        });

        it("a trust domain outside the aliases is refused by the SPIFFE check on either side, not by the chain; without the alias, the other cluster's is too", async () => {
            const eastIssuer = issuers[pointIndex({ cluster: "east", phase: 0 })];
            const foreignLeaf = await signWorkload(eastIssuer, "north.example", NS, "frontend");
            assert.equal(foreignLeaf.spiffeId, "spiffe://north.example/ns/shop/sa/frontend");
            const foreign: Workload = { ...clients[pointIndex({ cluster: "east", phase: 0 })], leaf: foreignLeaf };

            const asClient = await mtlsHandshake(endpoint(west()), endpoint(foreign));
            assert.equal(asClient.ok, false);
            assert.equal(asClient.rejectedBy, "server");
            assert.equal(asClient.error, "server: the peer's SPIFFE ID spiffe://north.example/ns/shop/sa/frontend is in trust domain north.example, not in west.example, east.example");
            assert.doesNotMatch(asClient.error ?? "", CHAIN_REFUSAL);

            const asServer = await mtlsHandshake(endpoint(foreign), endpoint(clients[pointIndex({ cluster: "west", phase: 0 })]));
            assert.equal(asServer.ok, false);
            assert.equal(asServer.rejectedBy, "client");
            assert.match(asServer.error ?? "", /^client: the peer's SPIFFE ID spiffe:\/\/north\.example\/ns\/shop\/sa\/frontend is in trust domain north\.example, not in west\.example, east\.example/);

            // West without east's domain as an alias refuses a genuine east workload the same way.
            const noAlias = await mtlsHandshake(endpoint(west(), undefined, ["west.example"]), endpoint(clients[pointIndex({ cluster: "east", phase: 0 })]));
            assert.equal(noAlias.ok, false);
            assert.equal(noAlias.error, "server: the peer's SPIFFE ID spiffe://east.example/ns/shop/sa/frontend is in trust domain east.example, not in west.example");
        });
    });
});
