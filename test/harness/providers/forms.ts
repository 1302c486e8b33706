// Small read-back helpers shared by the provider models: a canonical order for Terraform TypeSet
// values (a set has no order, so state and inputs are compared as sorted lists) and type guards
// that keep every readBack total.

/** JSON with object keys sorted, so equal values always give the same string. */
export function stableJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "undefined";
}

/** A TypeSet's canonical form: the elements sorted by their stable JSON; non-arrays unchanged. */
export function sortedSet(v: unknown): unknown {
    if (!Array.isArray(v)) return v;
    return [...v].sort((a, b) => (stableJson(a) < stableJson(b) ? -1 : stableJson(a) > stableJson(b) ? 1 : 0));
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}
