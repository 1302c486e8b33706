// Dotted config paths ("a.b.c") in nested config values.

/** Sets a dotted path ("a.b.c") in a nested object, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
    const parts = dotted.split(".");
    let cur = obj;
    for (const p of parts.slice(0, -1)) {
        if (cur[p] === null || typeof cur[p] !== "object") cur[p] = {};
        cur = cur[p] as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]] = value;
}
