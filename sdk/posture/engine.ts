// The posture engine: every link the objects declare and its effective state. (Being written.)
import type { PostureInput, PostureResult } from "./model";

/** The effective posture of `input`: every link, its state, and the objects that decided it. */
export function computePosture(input: PostureInput): PostureResult {
    void input;
    return { links: [], ignored: {} };
}
