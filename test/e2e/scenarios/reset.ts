// h. A genesis reset on the real tier: every metagraph node's data volume gets a marker in data/,
// then `up` with a new ottochain.genesisResetToken. Every node container (GL0, ML0, each L1 node) is
// replaced, the fleet comes back Ready at its sizes, and in every node's volume the old data/ (with
// the marker) is kept as data.before-reset-<token>, the token recorded once; the same token again
// replaces nothing. Figure: the reset's wall time.
import { log } from "../runner/log";
import { inVolume, learnSecrets, READY_BOUND_S, Scenario } from "./context";
import { fleetContainers, fleetProblems, waitForFleet } from "./fleet";
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
