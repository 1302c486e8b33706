// The config schema's leaf keys, walked from the schema itself (so a new key is fuzzed without
// being listed anywhere): each dotted path with "[]" for a list element and "{}" for a map value.
import { configSchema } from "../../stacks/config/schema";

interface Def { type: string; shape?: Record<string, Node>; innerType?: Node; element?: Node; valueType?: Node; in?: Node }
interface Node { _zod: { def: Def } }

export interface LeafKey { path: string[]; type: string }

export function schemaLeaves(): LeafKey[] {
    const out: LeafKey[] = [];
    const walk = (s: Node, path: string[]): void => {
        const def = s._zod.def;
        switch (def.type) {
            case "object": for (const [k, v] of Object.entries(def.shape ?? {})) walk(v, [...path, k]); return;
            case "optional": case "default": case "prefault": case "nullable": walk(def.innerType as Node, path); return;
            case "pipe": walk(def.in as Node, path); return;
            case "array": walk(def.element as Node, [...path, "[]"]); return;
            case "record": walk(def.valueType as Node, [...path, "{}"]); return;
            default: out.push({ path, type: def.type });
        }
    };
    walk(configSchema as unknown as Node, []);
    return out;
}
