// The rotation guard: whether moving a CertificateAuthority from its previous rotation state to the
// requested one keeps every served certificate chain trusted. Pure: plain data in, a verdict out.
//
// The rule. In each state one generation signs (Stable g: g; TrustNew: previousGeneration; ServeNew:
// generation) and a set of generations is trusted (Stable: {g}; TrustNew and ServeNew: both). A step
// from A to B is allowed when
//   (1) B's signer is trusted in A: peers that still hold A's bundle accept the leaves B issues, and
//   (2) A's signer is trusted in B: leaves A issued, still served until re-issued, verify against B's bundle.
// Every step of the README's runbook satisfies both, forward and back (and the rollback that swaps the
// two numbers); the jumps that break trust fail one: Stable g1 -> ServeNew g2 and Stable g1 -> Stable g2
// fail (1), TrustNew g2 -> Stable g2 fails (2), and their mirrors likewise. A refusal names the step to
// take instead; it is always allowed itself, and following refusals reaches the request in at most
// three steps.
import { CaRotationState, RotationPhase } from "./types";

/** The guard's answer for one step. */
export interface RotationStepVerdict {
    /** Whether the step keeps every served chain trusted. */
    allowed: boolean;
    /** Why the step is refused (absent when allowed). */
    reason?: string;
    /** The step to take instead, as the exact arguments (absent when allowed). */
    instead?: CaRotationState;
}

/** The generation whose CA signs in a state. */
export function signingGenerationOf(state: CaRotationState): number {
    return state.rotationPhase === RotationPhase.TrustNew && state.previousGeneration !== undefined ? state.previousGeneration : state.generation;
}

/** The generations trusted in a state, ascending. */
export function trustedGenerationsOf(state: CaRotationState): number[] {
    const all = state.rotationPhase === RotationPhase.Stable || state.previousGeneration === undefined ? [state.generation] : [state.generation, state.previousGeneration];
    return [...new Set(all)].sort((a, b) => a - b);
}

/** A state as the CertificateAuthority's arguments would spell it: `generation: 2, previousGeneration: 1, rotationPhase: TrustNew`. */
export function formatRotationState(state: CaRotationState): string {
    const prev = state.rotationPhase === RotationPhase.Stable || state.previousGeneration === undefined ? "" : `, previousGeneration: ${state.previousGeneration}`;
    return `generation: ${state.generation}${prev}, rotationPhase: ${state.rotationPhase}`;
}

/**
 * Why a value is not a CaRotationState (a whole-number generation >= 1, a known phase, and a different
 * whole-number previousGeneration exactly in TrustNew and ServeNew); undefined when it is one.
 */
export function rotationStateProblem(value: unknown): string | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return "expected an object { generation, previousGeneration?, rotationPhase }, as CertificateAuthority.rotationState exports it";
    }
    const s = value as Record<string, unknown>;
    const whole = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 1;
    if (!whole(s.generation)) {
        return "generation must be a whole number >= 1";
    }
    const phases: unknown[] = Object.values(RotationPhase);
    if (!phases.includes(s.rotationPhase)) {
        return `rotationPhase must be one of ${Object.values(RotationPhase).join(", ")}`;
    }
    const prev = s.previousGeneration;
    if (s.rotationPhase === RotationPhase.Stable) {
        return prev === undefined || prev === null ? undefined : "previousGeneration must be absent in rotationPhase Stable";
    }
    if (!whole(prev)) {
        return `previousGeneration must be a whole number >= 1 in rotationPhase ${String(s.rotationPhase)}`;
    }
    return prev === s.generation ? "previousGeneration must differ from generation" : undefined;
}

/** A state with both generations trusted and `signer` signing, spelled as `prefer` spells it when it can. */
function bothTrusted(signer: number, other: number, prefer: Array<CaRotationState | undefined>, fallback: RotationPhase): CaRotationState {
    // Two spellings of the same trust: TrustNew with the signer as previousGeneration, or ServeNew with it as generation.
    const trustNew: CaRotationState = { generation: other, previousGeneration: signer, rotationPhase: RotationPhase.TrustNew };
    const serveNew: CaRotationState = { generation: signer, previousGeneration: other, rotationPhase: RotationPhase.ServeNew };
    for (const p of prefer) {
        for (const candidate of [trustNew, serveNew]) {
            if (p !== undefined && p.generation === candidate.generation && p.previousGeneration === candidate.previousGeneration) {
                return candidate;
            }
        }
    }
    return fallback === RotationPhase.TrustNew ? trustNew : serveNew;
}

/**
 * Checks one rotation step. No previous state (a first deploy, or a stack that never exported one) is
 * allowed, and so is an unchanged state. Both states must be valid (see `rotationStateProblem`).
 */
export function checkRotationStep(previous: CaRotationState | undefined, requested: CaRotationState): RotationStepVerdict {
    if (previous === undefined) {
        return { allowed: true };
    }
    const fromSigner = signingGenerationOf(previous);
    const toSigner = signingGenerationOf(requested);
    const fromTrusted = trustedGenerationsOf(previous);
    const toTrusted = trustedGenerationsOf(requested);
    const list = (gs: number[]) => gs.join(" and ");
    if (!fromTrusted.includes(toSigner)) {
        // Trust the new signer first, while the current one keeps signing (the runbook's TrustNew).
        return {
            allowed: false,
            reason: `generation ${toSigner} would sign certificates that peers still holding the current trust bundle (generation ${list(fromTrusted)}) do not trust`,
            instead: bothTrusted(fromSigner, toSigner, [previous, requested], RotationPhase.TrustNew),
        };
    }
    if (!toTrusted.includes(fromSigner)) {
        // Switch the signer first, while both roots stay trusted (the runbook's ServeNew, or back to TrustNew).
        return {
            allowed: false,
            reason: `generation ${fromSigner} signs the certificates served now, and the requested trust bundle (generation ${list(toTrusted)}) drops its root before they are re-issued`,
            instead: bothTrusted(toSigner, fromSigner, [previous, requested], RotationPhase.ServeNew),
        };
    }
    return { allowed: true };
}

/** A rotation guard problem, in the terms of ArgsValidator.fail: the field, the value given, what to do. */
export interface RotationGuardProblem {
    /** The argument(s) the problem is about, as the user wrote them. */
    field: string;
    /** The value given. */
    value: unknown;
    /** What is accepted instead (for a refused step: the step to take, as exact arguments). */
    accepted: string;
}

/**
 * The guard as a CertificateAuthority applies it to its `previousRotationState` argument: a problem
 * naming `previousRotationState` when it is not a rotation state, or naming the requested fields and the
 * step to take instead when the step breaks trust; undefined when the step is allowed (or there is no
 * previous state: null and undefined both mean none, as a stack output that was never exported reads).
 */
export function rotationGuardProblem(previous: unknown, requested: CaRotationState): RotationGuardProblem | undefined {
    if (previous === undefined || previous === null) {
        return undefined;
    }
    const invalid = rotationStateProblem(previous);
    if (invalid !== undefined) {
        return { field: "previousRotationState", value: previous, accepted: invalid };
    }
    const verdict = checkRotationStep(previous as CaRotationState, requested);
    if (verdict.allowed || verdict.instead === undefined) {
        return undefined;
    }
    return {
        field: "generation/previousGeneration/rotationPhase",
        value: formatRotationState(requested),
        accepted:
            `the step from previousRotationState (${formatRotationState(previous as CaRotationState)}) breaks trust: ${verdict.reason ?? ""}; ` +
            `take this step first: ${formatRotationState(verdict.instead)} (README, rotation runbook), or leave previousRotationState unset to skip this check knowingly`,
    };
}
