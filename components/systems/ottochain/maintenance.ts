// Rules of the metagraph's maintenance actions by config (chainfleet:ottochain.resync, .rekey):
// which nodes they may name. Pure, used by stacks/config/rules.ts before anything is registered.
import { LAYER_KEYS, nodeName } from "./spec";

import { NS } from "../../platform/configKey";

/** Problems of `ottochain.resync` / `ottochain.rekey` (node name → token) for the configured L1 sizes. */
export function maintenanceProblems(a: { resync: Record<string, string>; rekey: Record<string, string>; nodes: { cl1: number; dl1: number } }): string[] {
    const l1Nodes = (["cl1", "dl1"] as const).flatMap((l) => Array.from({ length: a.nodes[l] }, (_, i) => nodeName(l, i)));
    const out: string[] = [];
    for (const key of ["resync", "rekey"] as const) {
        for (const node of Object.keys(a[key])) {
            if (l1Nodes.includes(node)) continue;
            if (node === "gl0" || node === "ml0") {
                out.push(`${NS}:ottochain.${key}."${node}" names an L0 node: only L1 nodes can be ${key === "resync" ? "resynced (an L0 node's data is its chain: set chainfleet:ottochain.genesisResetToken to start it anew)" : "re-keyed (an L0 node's snapshots and genesis are signed with its key: a new key is a new network)"} (got "${node}")`);
                continue;
            }
            const m = /^(cl1|dl1)-\d+$/.exec(node);
            const layer = m?.[1] as "cl1" | "dl1" | undefined;
            out.push(layer
                ? `${NS}:ottochain.${key}."${node}" names no node: chainfleet:ottochain.${LAYER_KEYS[layer]}.nodes is ${a.nodes[layer]} (${layer}-0 … ${layer}-${a.nodes[layer] - 1}); a removed node needs no action, its data volume is kept (got "${node}")`
                : `${NS}:ottochain.${key} keys must be L1 node names like cl1-2 or dl1-0 (got "${node}")`);
        }
    }
    return out;
}
