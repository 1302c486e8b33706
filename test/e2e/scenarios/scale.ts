// d. Currency L1 3 → 4: the second run creates only the new node's resources (nothing replaced
// or deleted but the version check, which now covers the new node; no other container touched),
// and the new node joins: every CL1 node reports 4.
import { log } from "../runner/log";
import { learnSecrets, READY_BOUND_S, Scenario } from "./context";
import { fleetProblems, waitForFleet } from "./fleet";
import { containerIdentities } from "./noop";
import { failureText, runE2E } from "./run";

export const scale: Scenario = {
    id: "d",
    title: "CL1 3 → 4: only the new node is created, and it joins",
    async run(ctx) {
        const before = await containerIdentities(ctx);
        // Problems from before the scale-up are not this scenario's to wait for (they fail earlier ones).
        const known = await fleetProblems(ctx.workdir);
        ctx.sets["ottochain.currencyL1.nodes"] = 4;
        const r = await runE2E("up", ctx.workdir, ctx.sets);
        learnSecrets(ctx);
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`up failed: ${failureText(r)}`);
        const rep = r.report;
        const foreign = (rep?.created ?? []).filter((n) => !n.includes("cl1-3"));
        if (foreign.length > 0) problems.push(`created besides the new node: ${foreign.join(", ")}`);
        // The one existing resource that re-runs: the version check, which now covers cl1-3 too
        // (replaced create-first, so its old record is deleted after).
        const rerun = (n: string) => n === "ottochain-versions";
        const replaced = (rep?.replaced ?? []).filter((n) => !rerun(n));
        const deleted = (rep?.deleted ?? []).filter((n) => !rerun(n));
        if (replaced.length + deleted.length > 0) problems.push(`replaced [${replaced.join(", ")}], deleted [${deleted.join(", ")}]`);
        if (rep && !rep.created.some((n) => n.includes("cl1-3"))) problems.push("no cl1-3 resource was created");
        const after = await containerIdentities(ctx);
        for (const [name, id] of before) if (after.get(name) !== id) problems.push(`${name} changed: ${id} → ${after.get(name)}`);
        log(`  scale up: ${r.seconds.toFixed(1)}s; created ${rep?.created.join(", ")}`);
        try {
            const s = await waitForFleet(ctx.workdir, r.code === 0 ? READY_BOUND_S : 60, "CL1 at 4 nodes", known);
            ctx.figures["CL1 3 → 4 until the cluster holds 4"] = `${(r.seconds + s).toFixed(1)} s`;
        } catch (e) {
            problems.push((e as Error).message);
        }
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};
