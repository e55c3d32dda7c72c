// Test helper: a posture output (link id -> LinkPosture) as link id -> state, for expected-link tables.
import type { LinkPosture } from "../../sdk/posture";

/** Link id -> state. */
export function postureStates(posture: Record<string, LinkPosture>): Record<string, string> {
    return Object.fromEntries(Object.entries(posture).map(([id, l]) => [id, l.state]));
}

/** Operator mode's link ids: the operator writes the clusters into every gateway an AuthPolicy / RateLimitPolicy targets. */
export const OPERATOR_AUTHORINO = "gateway */* -> kuadrant-system/authorino-authorino-authorization:50051";
export const OPERATOR_LIMITADOR = "gateway */* -> kuadrant-system/limitador-limitador:8081";
