/** Canonical JSON (sorted keys) of plain data, so cache keys and seeds do not depend on property order. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            const o = v as Record<string, unknown>;
            return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
        }
        return v;
    });
}
