// Value helpers shared by every product folder: pure, no Pulumi imports.

/** A copy of a string map with keys in sorted order, so rendered objects are byte-identical. */
export function sortKeys(map: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.keys(map)
            .sort()
            .map((k) => [k, map[k]]),
    );
}

/**
 * Compares two versions like `1.22.1` or `v1.17.0-beta3` by their numeric major.minor.patch
 * (pre-release suffixes ignored): negative when a < b, 0 when equal, positive when a > b.
 */
export function compareVersions(a: string, b: string): number {
    const parts = (v: string) =>
        v
            .replace(/^v/, "")
            .split("-")[0]
            .split(".")
            .map((n) => Number.parseInt(n, 10) || 0);
    const [pa, pb] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

/**
 * Whether `labels` satisfy a `matchLabels` selector: every selector key present with the same value (an
 * empty selector matches everything), as Kubernetes' `labels.SelectorFromSet` does.
 */
export function matchesLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
    return Object.entries(selector).every(([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v);
}

/**
 * A boolean as Go's strconv.ParseBool reads an env string or flag (`1`, `t`, `T`, `TRUE`, `true`, `True`
 * and their false forms); anything else is returned as given.
 */
export function goBool(value: unknown): unknown {
    if (typeof value === "boolean") {
        return value;
    }
    const text = String(value);
    if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) {
        return true;
    }
    if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) {
        return false;
    }
    return value;
}
