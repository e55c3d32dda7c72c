// The rotation guard (pure), exhaustively over generations 1..3 and the three phases: every documented
// step of the README runbook allowed forward and back, every trust-breaking jump refused with the step
// to take instead, and the plan refusing a known previous state before anything exists.
import { strict as assert } from "node:assert";
import {
    CaRotationState,
    RotationPhase,
    checkRotationStep,
    formatRotationState,
    planCertificateAuthority,
    rotationGuardProblem,
    rotationStateProblem,
    signingGenerationOf,
    trustedGenerationsOf,
} from "../../sdk/pki";
import { assertInvalid } from "../planErrors";

const CA = "meshtls:index:CertificateAuthority";
const stable = (g: number): CaRotationState => ({ generation: g, rotationPhase: RotationPhase.Stable });
const trustNew = (g: number, p: number): CaRotationState => ({ generation: g, previousGeneration: p, rotationPhase: RotationPhase.TrustNew });
const serveNew = (g: number, p: number): CaRotationState => ({ generation: g, previousGeneration: p, rotationPhase: RotationPhase.ServeNew });

/** Every valid state over generations 1..3: 3 Stable, 6 TrustNew, 6 ServeNew. */
const GENERATIONS = [1, 2, 3];
const STATES: CaRotationState[] = [
    ...GENERATIONS.map(stable),
    ...GENERATIONS.flatMap((g) => GENERATIONS.filter((p) => p !== g).map((p) => trustNew(g, p))),
    ...GENERATIONS.flatMap((g) => GENERATIONS.filter((p) => p !== g).map((p) => serveNew(g, p))),
];
const label = (s: CaRotationState) => `${s.rotationPhase} g${s.generation}${s.previousGeneration === undefined ? "" : ` (prev g${s.previousGeneration})`}`;
const same = (a: CaRotationState, b: CaRotationState) => formatRotationState(a) === formatRotationState(b);

describe("pki (pure): rotation guard", () => {
    it("knows every state: 15 over generations 1..3, each valid, each with its signer and trusted roots", () => {
        assert.equal(STATES.length, 15);
        assert.equal(new Set(STATES.map(formatRotationState)).size, 15);
        for (const s of STATES) {
            assert.equal(rotationStateProblem(s), undefined, label(s));
        }
        assert.deepEqual([signingGenerationOf(trustNew(2, 1)), trustedGenerationsOf(trustNew(2, 1))], [1, [1, 2]]);
        assert.deepEqual([signingGenerationOf(serveNew(2, 1)), trustedGenerationsOf(serveNew(2, 1))], [2, [1, 2]]);
        assert.deepEqual([signingGenerationOf(stable(3)), trustedGenerationsOf(stable(3))], [3, [3]]);
    });

    it("allows 99 of the 225 steps between two states, and every step from no previous state", () => {
        // By hand: from Stable g (3 states) the signer g must stay the signer and stay trusted: Stable g,
        // TrustNew x (prev g), ServeNew g (prev x), x one of the 2 others: 5 each, 15. From TrustNew g
        // (prev p) (6 states): Stable p, TrustNew x (prev p) for 2 x, TrustNew p (prev g), ServeNew p (prev x)
        // for 2 x, ServeNew g (prev p): 7 each, 42. ServeNew mirrors TrustNew: 42. 15 + 42 + 42 = 99.
        const pairs = STATES.flatMap((a) => STATES.map((b) => [a, b] as const));
        assert.equal(pairs.length, 225);
        assert.equal(pairs.filter(([a, b]) => checkRotationStep(a, b).allowed).length, 99);
        assert.equal(STATES.filter((b) => checkRotationStep(undefined, b).allowed).length, 15);
    });

    it("allows every unchanged state", () => {
        assert.equal(STATES.length, 15);
        for (const s of STATES) {
            assert.deepEqual(checkRotationStep(s, { ...s }), { allowed: true }, label(s));
        }
    });

    /** The README runbook's steps, forward and back, for rotations 1 -> 2 and 2 -> 3 and 3 -> 1. */
    const documented: Array<[string, CaRotationState, CaRotationState]> = [];
    for (const [from, to] of [[1, 2], [2, 3], [3, 1]]) {
        documented.push(
            [`step 1 TrustNew (${from} -> ${to})`, stable(from), trustNew(to, from)],
            [`step 2 ServeNew (${from} -> ${to})`, trustNew(to, from), serveNew(to, from)],
            [`step 3 Stable (${from} -> ${to})`, serveNew(to, from), stable(to)],
            [`revert step 3 (${from} -> ${to})`, stable(to), serveNew(to, from)],
            [`revert step 2 (${from} -> ${to})`, serveNew(to, from), trustNew(to, from)],
            [`revert step 1 (${from} -> ${to})`, trustNew(to, from), stable(from)],
            [`swap-back rollback from TrustNew (${from} -> ${to})`, trustNew(to, from), serveNew(from, to)],
            [`swap-back rollback from ServeNew (${from} -> ${to})`, serveNew(to, from), trustNew(from, to)],
            [`swap-back rollback, its ServeNew (${from} -> ${to})`, trustNew(from, to), serveNew(from, to)],
            [`swap-back rollback, its Stable (${from} -> ${to})`, serveNew(from, to), stable(from)],
        );
    }

    it("allows each documented step, forward and back (30 steps over three rotations)", () => {
        assert.equal(documented.length, 30);
        for (const [what, a, b] of documented) {
            assert.deepEqual(checkRotationStep(a, b), { allowed: true }, `${what}: ${label(a)} -> ${label(b)}`);
        }
    });

    /** The trust-breaking jumps and the exact step the guard names instead. */
    const refused: Array<[string, CaRotationState, CaRotationState, CaRotationState]> = [
        ["Stable g1 -> ServeNew g2 skips TrustNew", stable(1), serveNew(2, 1), trustNew(2, 1)],
        ["Stable g1 -> Stable g2 only bumps the generation", stable(1), stable(2), trustNew(2, 1)],
        ["TrustNew g2 -> Stable g2 skips ServeNew", trustNew(2, 1), stable(2), serveNew(2, 1)],
        ["mirror: ServeNew g2 -> Stable g1 skips back to TrustNew", serveNew(2, 1), stable(1), trustNew(2, 1)],
        ["mirror: Stable g2 -> Stable g1 only lowers the generation", stable(2), stable(1), trustNew(1, 2)],
        ["mirror: Stable g2 -> TrustNew g2 (prev g1) re-adds g1 as the signer", stable(2), trustNew(2, 1), serveNew(2, 1)],
        ["Stable g3 -> ServeNew g1 (prev g3) skips TrustNew", stable(3), serveNew(1, 3), trustNew(1, 3)],
        ["Stable g1 -> Stable g3 skips a generation and TrustNew", stable(1), stable(3), trustNew(3, 1)],
        ["TrustNew g3 (prev g2) -> Stable g3 skips ServeNew", trustNew(3, 2), stable(3), serveNew(3, 2)],
        ["a new rotation from TrustNew g2 (prev g1) to ServeNew g3 (prev g2): g3 was never trusted", trustNew(2, 1), serveNew(3, 2), trustNew(3, 1)],
    ];

    it("refuses each trust-breaking jump (and its rollback mirror) and names the step to take instead", () => {
        assert.equal(refused.length, 10);
        for (const [what, a, b, instead] of refused) {
            const verdict = checkRotationStep(a, b);
            assert.equal(verdict.allowed, false, what);
            assert.ok(verdict.instead, what);
            assert.equal(formatRotationState(verdict.instead), formatRotationState(instead), what);
            assert.match(verdict.reason ?? "", /generation \d+/, what);
        }
    });

    it("over every refused step: the step named instead is allowed, and following refusals reaches the request in at most three steps", () => {
        const pairs = STATES.flatMap((a) => STATES.map((b) => [a, b] as const)).filter(([a, b]) => !checkRotationStep(a, b).allowed);
        assert.equal(pairs.length, 225 - 99);
        for (const [a, b] of pairs) {
            let at = a;
            let steps = 0;
            while (!same(at, b)) {
                const verdict = checkRotationStep(at, b);
                const next = verdict.allowed ? b : verdict.instead;
                assert.ok(next, `${label(a)} -> ${label(b)}: no step named`);
                assert.equal(checkRotationStep(at, next).allowed, true, `${label(at)} -> ${label(next)} named but refused`);
                assert.equal(rotationStateProblem(next), undefined);
                at = next;
                steps++;
                assert.ok(steps <= 3, `${label(a)} -> ${label(b)} takes more than three steps`);
            }
            assert.ok(steps >= 2, `${label(a)} -> ${label(b)} was refused, so it takes at least two steps`);
        }
    });

    it("refuses a previous state that is not one, naming previousRotationState", () => {
        const bad: Array<[unknown, RegExp]> = [
            ["Stable", /expected an object/],
            [{ generation: 0, rotationPhase: "Stable" }, /generation must be a whole number >= 1/],
            [{ generation: 2, rotationPhase: "Rotating" }, /rotationPhase must be one of Stable, TrustNew, ServeNew/],
            [{ generation: 2, rotationPhase: "ServeNew" }, /previousGeneration must be a whole number >= 1 in rotationPhase ServeNew/],
            [{ generation: 2, previousGeneration: 1, rotationPhase: "Stable" }, /previousGeneration must be absent in rotationPhase Stable/],
            [{ generation: 4, previousGeneration: 4, rotationPhase: "TrustNew" }, /previousGeneration must differ from generation/],
        ];
        assert.equal(bad.length, 6);
        for (const [value, message] of bad) {
            const problem = rotationGuardProblem(value, stable(1));
            assert.equal(problem?.field, "previousRotationState", JSON.stringify(value));
            assert.match(problem.accepted, message);
        }
        // A stack output that was never exported reads as undefined (or null): no previous state.
        assert.equal(rotationGuardProblem(undefined, stable(5)), undefined);
        assert.equal(rotationGuardProblem(null, stable(5)), undefined);
    });

    describe("planCertificateAuthority with a known previousRotationState", () => {
        it("refuses Stable g4 -> ServeNew g5 before anything exists, naming the argument and the exact step", () => {
            assertInvalid(
                () => planCertificateAuthority("edge-ca", { generation: 5, previousGeneration: 4, rotationPhase: RotationPhase.ServeNew, previousRotationState: stable(4) }),
                CA,
                "edge-ca",
                [
                    /^generation\/previousGeneration\/rotationPhase: got "generation: 5, previousGeneration: 4, rotationPhase: ServeNew"; the step from previousRotationState \(generation: 4, rotationPhase: Stable\) breaks trust: generation 5 would sign .*; take this step first: generation: 5, previousGeneration: 4, rotationPhase: TrustNew \(README, rotation runbook\)/,
                ],
            );
        });

        it("refuses a malformed previous state, naming previousRotationState", () => {
            assertInvalid(() => planCertificateAuthority("edge-ca", { previousRotationState: { generation: 1.5, rotationPhase: RotationPhase.Stable } }), CA, "edge-ca", [
                /^previousRotationState: got \{"generation":1\.5,"rotationPhase":"Stable"\}; generation must be a whole number >= 1/,
            ]);
        });

        it("reports the other problems, not the guard, when the requested state is itself invalid", () => {
            assertInvalid(() => planCertificateAuthority("edge-ca", { generation: 7, rotationPhase: RotationPhase.TrustNew, previousRotationState: stable(7) }), CA, "edge-ca", [
                /^previousGeneration: got nothing; it is required in rotationPhase TrustNew/,
            ]);
        });

        it("accepts each documented step and the defaults (generation 1 Stable) after a first deploy", () => {
            assert.equal(documented.length, 30);
            for (const [what, a, b] of documented) {
                const plan = planCertificateAuthority("edge-ca", { ...b, previousRotationState: a });
                assert.equal(plan.generation, b.generation, what);
            }
            assert.equal(planCertificateAuthority("edge-ca", { previousRotationState: stable(1) }).rotationPhase, RotationPhase.Stable);
            assert.equal(planCertificateAuthority("edge-ca", { previousRotationState: undefined }).generation, 1);
        });
    });
});
