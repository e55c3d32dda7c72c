// Flag parsing the bench scripts share.

/** An integer flag value of at least `min`, or an error naming the flag and the value. */
export function intArg(flag: string, v: string | undefined, min: number): number {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) {
        throw new Error(`${flag} takes an integer >= ${min}, got ${String(v)}`);
    }
    return x;
}
