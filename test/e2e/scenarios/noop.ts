// b. The same config again: nothing created, replaced or deleted; every container keeps its id
// and its StartedAt (none restarted by the run).
import { log } from "../runner/log";
import { Ctx, learnSecrets, Scenario } from "./context";
import { fleetContainers, inspectOrNull } from "./fleet";
import { failureText, runE2E } from "./run";

/** name → "id@StartedAt" of every fleet container. */
export async function containerIdentities(ctx: Ctx): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const c of await fleetContainers(ctx.workdir)) {
        const i = await inspectOrNull(c.name);
        out.set(c.name, i ? `${i.Id.slice(0, 12)}@${i.State.StartedAt}` : "absent");
    }
    return out;
}

export const noop: Scenario = {
    id: "b",
    title: "same config again: nothing recreated",
    async run(ctx) {
        const before = await containerIdentities(ctx);
        const r = await runE2E("up", ctx.workdir, ctx.sets);
        learnSecrets(ctx);
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`up failed: ${failureText(r)}`);
        const rep = r.report;
        if (rep && rep.created.length + rep.updated.length + rep.replaced.length + rep.deleted.length > 0) {
            problems.push(`changes on a same-config run: created [${rep.created.join(", ")}], updated [${rep.updated.join(", ")}], replaced [${rep.replaced.join(", ")}], deleted [${rep.deleted.join(", ")}]`);
        }
        const after = await containerIdentities(ctx);
        for (const [name, id] of before) if (after.get(name) !== id) problems.push(`${name}: ${id} → ${after.get(name)}`);
        log(`  second up: ${r.seconds.toFixed(1)}s, ${rep?.same.length ?? 0} resources unchanged`);
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};
