// The fleet rotation guard: the order between the CA and the clusters of a fleet that share one root.
// Pure: plain data in, a verdict out.
//
// Each cluster of a fleet holds a rotation state (which generation signs, which are trusted) and so does
// the fleet CA. Trust reaches workloads over time, not through graph edges, so every phase is its own
// deployment; what keeps the fleet safe is the order between deployments. The rule: the CA's state leads,
// and every cluster stays at the CA's position or one step behind it on the CA's rotation
// (Stable p -> TrustNew n -> ServeNew n -> Stable n, the direction the CA's `previousGeneration` ->
// `generation` spells). Then across every pair of clusters each signer is trusted by the other:
//   CA at TrustNew: clusters at Stable p or TrustNew: p signs everywhere, p is trusted everywhere.
//   CA at ServeNew: clusters at TrustNew or ServeNew: both roots are trusted everywhere.
//   CA at Stable n: clusters at ServeNew or Stable n: n signs everywhere, n is trusted everywhere.
// So the CA reaches ServeNew only once every cluster trusts the new root, and drops the old root only
// once no cluster serves from it. Both sides use the one rule (`fleetPhaseProblem`):
//   - the CA (stack) refuses a step that would leave a cluster (its last exported state) out of range;
//   - a cluster (stack) refuses a state the CA has not reached (ahead of it) or has left behind.
// Each side also keeps its own step guard (./rotationGuard.ts) against its own previous state, for the
// leaves already served.
import { formatRotationState, rotationStateProblem, signingGenerationOf, trustedGenerationsOf } from "./rotationGuard";
import { CaRotationState, RotationPhase } from "./types";

/** Where a state stands on a rotation from generation `from` to generation `to`: 0 to 3. */
export enum FleetRotationPosition {
    /** Only `from` is trusted and signs. */
    StableFrom = 0,
    /** Both trusted, `from` signs (the runbook's TrustNew). */
    TrustBoth = 1,
    /** Both trusted, `to` signs (the runbook's ServeNew). */
    ServeNew = 2,
    /** Only `to` is trusted and signs. */
    StableTo = 3,
}

/**
 * The position of `state` on the rotation `from` -> `to`, judged by what it trusts and which generation
 * signs (not by how it is spelled), or undefined when it uses a generation outside {from, to}.
 */
export function rotationPosition(state: CaRotationState, from: number, to: number): FleetRotationPosition | undefined {
    const trusted = trustedGenerationsOf(state);
    const signer = signingGenerationOf(state);
    if (trusted.some((g) => g !== from && g !== to)) {
        return undefined;
    }
    if (trusted.length === 1) {
        return trusted[0] === from ? FleetRotationPosition.StableFrom : FleetRotationPosition.StableTo;
    }
    return signer === from ? FleetRotationPosition.TrustBoth : FleetRotationPosition.ServeNew;
}

/** The rotation a CA state is on: `from` -> `to`; a Stable state is the end of a rotation to its generation. */
function rotationOf(ca: CaRotationState): { from: number; to: number } {
    return ca.rotationPhase === RotationPhase.Stable || ca.previousGeneration === undefined
        ? { from: ca.generation, to: ca.generation }
        : { from: ca.previousGeneration, to: ca.generation };
}

/**
 * Why a cluster in state `cluster` cannot run beside a fleet CA in state `ca` (the cluster ahead of the
 * CA, more than one step behind it, or on generations the CA does not hold), or undefined when it can.
 * Both states must be valid rotation states (see `rotationStateProblem`).
 */
export function fleetPhaseProblem(cluster: CaRotationState, ca: CaRotationState): string | undefined {
    const { from, to } = rotationOf(ca);
    if (from === to) {
        // The CA is Stable at `to`: every cluster signs from `to` (Stable, or ServeNew on its way there).
        const ok = signingGenerationOf(cluster) === to && trustedGenerationsOf(cluster).includes(to);
        return ok ? undefined : `the fleet CA is at ${formatRotationState(ca)}: every cluster must sign from generation ${to} (ServeNew or Stable at generation ${to})`;
    }
    const caAt: number = rotationPosition(ca, from, to) ?? FleetRotationPosition.StableFrom;
    const at: number | undefined = rotationPosition(cluster, from, to);
    if (at === undefined) {
        return `the fleet CA holds generations ${from} and ${to} only (${formatRotationState(ca)})`;
    }
    if (at > caAt) {
        return `it is ahead of the fleet CA (${formatRotationState(ca)}): a cluster may not sign from or drop a root before the CA has moved every cluster there`;
    }
    if (at + 1 < caAt) {
        // Only reachable with the CA at ServeNew and the cluster still at Stable on the old root.
        return `the fleet CA is at ${formatRotationState(ca)}, so other clusters may already serve generation ${to}, which this state does not trust: move this cluster to TrustNew first`;
    }
    return undefined;
}

/** One cluster the fleet guard refuses. */
export interface FleetClusterProblem {
    /** The cluster's name. */
    cluster: string;
    /** Its state, as the guard read it. */
    state: unknown;
    /** Why it blocks the step. */
    reason: string;
}

/**
 * The CA side of the fleet guard: the clusters whose last exported state (`clusterStates`, cluster name ->
 * its `rotationState` output) would be out of range if the CA moved to `requested`. A cluster with no
 * state (null or undefined: never deployed, or a stack that never exported one) does not block; a value
 * that is not a rotation state does, so a typo cannot switch the guard off.
 */
export function fleetStepProblems(requested: CaRotationState, clusterStates: Readonly<Record<string, unknown>>): FleetClusterProblem[] {
    const problems: FleetClusterProblem[] = [];
    for (const cluster of Object.keys(clusterStates).sort()) {
        const state = clusterStates[cluster];
        if (state === undefined || state === null) {
            continue;
        }
        const invalid = rotationStateProblem(state);
        const reason = invalid ?? fleetPhaseProblem(state as CaRotationState, requested);
        if (reason !== undefined) {
            problems.push({ cluster, state, reason });
        }
    }
    return problems;
}
