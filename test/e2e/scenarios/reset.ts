// h. A genesis reset on the real tier: every metagraph node's data volume gets a marker in data/,
// then `up` with a new ottochain.genesisResetToken. Every node container (GL0, ML0, each L1 node) is
// replaced, the fleet comes back Ready at its sizes, and in every node's volume the old data/ (with
// the marker) is kept as data.before-reset-<token>, the token recorded once; the same token again
// replaces nothing. Figure: the reset's wall time.
import * as fs from "fs";
import * as path from "path";
import { log } from "../runner/log";
import { workdirPaths } from "../runner/workdir";
import { inVolume, learnSecrets, READY_BOUND_S, Scenario } from "./context";
import { fleetContainers, fleetProblems, httpGet, waitForFleet } from "./fleet";
import { watchCluster } from "./rolling";
import { failureText, runE2E } from "./run";

const MARK = ".e2e-before-reset";

export const reset: Scenario = {
    id: "h",
    title: "genesis reset: every layer restarted and back Ready, each node's old data kept aside as data.before-reset-<token>; the same token again changes nothing",
    async run(ctx) {
        const nodes = (await fleetContainers(ctx.workdir)).filter((c) => c.layer !== undefined && c.publicPort !== undefined);
        if (nodes.length === 0) throw new Error("no metagraph nodes: run scenario a first");
        const volumeOf = (container: string) => `${container}-data`;
        const known = await fleetProblems(ctx.workdir);
        // A marker in each node's data/ (made if the layer keeps none there), owned like the volume.
        for (const n of nodes) {
            inVolume(volumeOf(n.name), `mkdir -p /v/data && printf old > /v/data/${MARK} && chown -R "$(stat -c %u:%g /v)" /v/data`);
        }
        const token = `e2e-${Date.now()}`;
        ctx.sets["ottochain.genesisResetToken"] = token;
        const r = await runE2E("up", ctx.workdir, ctx.sets);
        learnSecrets(ctx);
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`up failed: ${failureText(r)}`);
        const replaced = new Set(r.report?.replaced ?? []);
        for (const n of nodes) if (!replaced.has(n.resource.name)) problems.push(`${n.resource.name} was not replaced`);
        try {
            await waitForFleet(ctx.workdir, r.code === 0 ? READY_BOUND_S : 60, "after the genesis reset", known);
        } catch (e) {
            problems.push((e as Error).message);
        }
        for (const n of nodes) {
            const seen = inVolume(volumeOf(n.name), `echo "$(cat /v/data.before-reset-${token}/${MARK} 2>/dev/null)"; echo "$(cat /v/.genesis-reset-token 2>/dev/null)"; [ -e /v/data/${MARK} ] && echo still-in-data || echo fresh`).split("\n");
            if (seen[0] !== "old") problems.push(`${n.name}: old data not kept in data.before-reset-${token} (marker ${JSON.stringify(seen[0])})`);
            if (seen[1] !== token) problems.push(`${n.name}: .genesis-reset-token holds ${JSON.stringify(seen[1])}, want ${token}`);
            if (seen[2] !== "fresh") problems.push(`${n.name}: data/ still holds the old marker`);
        }
        ctx.figures["genesis reset (every layer, L1 clusters together)"] = `${r.seconds.toFixed(1)} s`;
        log(`  genesis reset ${token}: ${r.seconds.toFixed(1)} s, ${nodes.length} nodes`);
        const again = await runE2E("up", ctx.workdir, ctx.sets);
        learnSecrets(ctx);
        if (again.code !== 0) problems.push(`the same token again: up failed: ${failureText(again)}`);
        const churn = (again.report?.replaced ?? []).filter((x) => x.startsWith("ottochain-"));
        if (churn.length) problems.push(`the same token again replaced ${churn.join(", ")}`);
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};

// i. An L1 node resync and a node re-key in one `up` (ottochain.resync cl1-2, ottochain.rekey
// cl1-1): only those two containers are replaced, one at a time in their turns (CL1 never below
// n − 1 Ready, polled every half second); cl1-1 comes back under a new peer id with its old keystore
// kept as <node>.before-rekey-<token>.p12 (same bytes) and its data aside; cl1-2's data is aside
// as data.before-resync-<token>; the fleet ends whole. Figure: the wall time.
export const resyncRekey: Scenario = {
    id: "i",
    title: "resync cl1-2 and re-key cl1-1: only they restart, in turns (n − 1 Ready), new peer id, old keystore and data kept aside",
    async run(ctx) {
        const cl1 = (await fleetContainers(ctx.workdir)).filter((c) => c.layer === "cl1" && c.publicPort !== undefined);
        if (cl1.length < 3) throw new Error(`CL1 has ${cl1.length} node(s): this scenario needs 3`);
        const port = (name: string) => cl1.find((c) => c.name === `ottochain-${name}`)!.publicPort!;
        const known = await fleetProblems(ctx.workdir);
        const keys = workdirPaths(ctx.workdir).keysDir;
        const oldKey = fs.readFileSync(path.join(keys, "cl1-1.p12"));
        const oldId = await peerId(port("cl1-1"));
        for (const n of ["cl1-1", "cl1-2"]) inVolume(`ottochain-${n}-data`, `mkdir -p /v/data && printf old > /v/data/${MARK} && chown -R "$(stat -c %u:%g /v)" /v/data`);
        const token = `e2e-${Date.now()}`;
        ctx.sets["ottochain.resync"] = { "cl1-2": token };
        ctx.sets["ottochain.rekey"] = { "cl1-1": token };
        const run = runE2E("up", ctx.workdir, ctx.sets);
        const watch = await watchCluster(cl1.map((c) => ({ name: c.name, port: c.publicPort! })), run);
        const r = await run;
        learnSecrets(ctx);
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`up failed: ${failureText(r)}`);
        const replaced = (r.report?.replaced ?? []).filter((x) => x.endsWith("-container")).sort();
        if (replaced.join() !== "ottochain-cl1-cl1-1-container,ottochain-cl1-cl1-2-container") problems.push(`replaced containers: ${replaced.join(", ") || "none"}, want cl1-1's and cl1-2's only`);
        if (watch.minReady < cl1.length - 1) problems.push(`only ${watch.minReady} of ${cl1.length} CL1 nodes Ready at one poll (of ${watch.polls})`);
        try {
            await waitForFleet(ctx.workdir, r.code === 0 ? READY_BOUND_S : 60, "after the resync and re-key", known);
        } catch (e) {
            problems.push((e as Error).message);
        }
        const newId = await peerId(port("cl1-1"));
        if (!newId || newId === oldId) problems.push(`cl1-1's peer id is ${newId || "unknown"}, was ${oldId}: want a new one`);
        const kept = path.join(keys, `cl1-1.before-rekey-${token}.p12`);
        if (!fs.existsSync(kept) || !fs.readFileSync(kept).equals(oldKey)) problems.push(`${kept} does not hold the old keystore`);
        for (const [n, why] of [["cl1-1", "rekey"], ["cl1-2", "resync"]]) {
            const seen = inVolume(`ottochain-${n}-data`, `cat /v/data.before-${why}-${token}/${MARK} 2>/dev/null || true`).trim();
            if (seen !== "old") problems.push(`${n}: old data not kept in data.before-${why}-${token}`);
        }
        const per = [...watch.downSeconds.entries()].map(([n, s]) => `${n.replace(/^ottochain-/, "")} ${s.toFixed(1)} s`).join(", ");
        ctx.figures["resync cl1-2 + re-key cl1-1 (in turns): wall time; each node not Ready"] = `${r.seconds.toFixed(1)} s; ${per}; fewest Ready ${watch.minReady}/${cl1.length}`;
        log(`  resync + re-key ${token}: ${r.seconds.toFixed(1)} s, order ${watch.order.join(" → ")}, fewest Ready ${watch.minReady}/${cl1.length}`);
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};

async function peerId(port: number): Promise<string> {
    try {
        return String((JSON.parse((await httpGet(`http://127.0.0.1:${port}/node/info`)).body) as { id?: string }).id ?? "");
    } catch {
        return "";
    }
}
