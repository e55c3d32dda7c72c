// The single-cluster CA rotation the README runbook describes, as the specs that run it use it: each step's
// CertificateAuthority arguments, the generations whose roots the step trusts, and the one that signs.
import { CaRotationState, CertificateAuthorityArgs, RotationPhase } from "../../sdk";

/** One rotation step: the CA's arguments, the generations whose roots it trusts, and the one that signs. */
export interface RotationStep {
    /** How the step is named in test titles. */
    label: string;
    /** The CertificateAuthority's rotation arguments at this step. */
    ca: CertificateAuthorityArgs;
    /** The generations whose roots the trust bundle holds, in bundle order. */
    trusted: number[];
    /** The generation whose CA signs leaves. */
    signing: number;
}

/** Stable g1 -> TrustNew g2 -> ServeNew g2 -> Stable g2 (README, "Rotation runbook"). */
export const ROTATION_STEPS: readonly RotationStep[] = Object.freeze([
    { label: "Stable g1", ca: { generation: 1 }, trusted: [1], signing: 1 },
    { label: "TrustNew g2", ca: { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew }, trusted: [1, 2], signing: 1 },
    { label: "ServeNew g2", ca: { generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew }, trusted: [1, 2], signing: 2 },
    { label: "Stable g2", ca: { generation: 2, rotationPhase: RotationPhase.Stable }, trusted: [2], signing: 2 },
]);

/** A step's rotation state, as the CA exports it (`rotationState`; Stable when the arguments leave the phase out). */
export function rotationStateOf(step: RotationStep): CaRotationState {
    const { generation = 1, previousGeneration, rotationPhase = RotationPhase.Stable } = step.ca;
    return previousGeneration === undefined ? { generation, rotationPhase } : { generation, previousGeneration, rotationPhase };
}
