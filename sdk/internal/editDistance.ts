// Edit distance for "did you mean" hints on stack config keys and namespaces. Optimal string alignment
// (restricted Damerau-Levenshtein): insertions, deletions, substitutions and transpositions of two
// adjacent characters each cost 1, so the common typo `meshtsl` is one edit from `meshtls`, not two.
// Restricted: a transposed pair is not edited again (`ca` -> `abc` is 3, not 2); for near-miss hints
// the difference does not matter, and the table stays a plain O(|a|·|b|) loop.

/**
 * The optimal string alignment distance between `a` and `b`: the fewest insertions, deletions,
 * substitutions and adjacent transpositions that turn one into the other (no substring edited twice).
 * Case-sensitive and by UTF-16 code unit; symmetric; 0 exactly when `a === b`.
 */
export function editDistance(a: string, b: string): number {
    // d[i][j]: distance between the first i characters of a and the first j of b.
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The one candidate closest to `word` when it is within `maxDistance` edits, fewer edits than the longer
 * of the two has characters (rewriting all of `xy` into `ca` is no near miss), and no other candidate is
 * as close (a tie suggests nothing rather than a guess); undefined otherwise. A candidate equal to
 * `word` is returned as is.
 */
export function closestWithin(word: string, candidates: readonly string[], maxDistance: number): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    let tied = false;
    for (const c of new Set(candidates)) {
        const dist = editDistance(word, c);
        if (dist < bestDistance) {
            [best, bestDistance, tied] = [c, dist, false];
        } else if (dist === bestDistance) {
            tied = true;
        }
    }
    if (best === undefined || tied || bestDistance > maxDistance) {
        return undefined;
    }
    return bestDistance === 0 || bestDistance < Math.max(word.length, best.length) ? best : undefined;
}
