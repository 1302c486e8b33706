// a. Fresh up: from empty, one `up`, then every long-running container healthy, GL0/ML0 Ready,
// each L1 cluster at its configured size, SCITT answering, the Wealth Wars migration finished
// before the backend container was created, each database only on its internal network with no
// published port. Prints the time from empty to all healthy.
import * as fs from "fs";
import * as path from "path";
import { api } from "../runner/dockerApi";
import { log } from "../runner/log";
import { loadState } from "../runner/state";
import { Ctx, learnSecrets, leftovers, READY_BOUND_S, Scenario } from "./context";
import { fleetContainers, inspectOrNull, waitForFleet } from "./fleet";
import { failureText, runE2E } from "./run";

/** Removes what earlier runs left (this engine is the e2e engine), so the run starts empty. */
export async function startEmpty(ctx: Ctx): Promise<void> {
    if (fs.existsSync(path.join(ctx.workdir, ".e2e-state"))) await runE2E("destroy", ctx.workdir, {}, 600);
    const left = await leftovers();
    for (const c of left.containers) await api("DELETE", `/containers/${encodeURIComponent(c)}?force=1`);
    for (const v of left.volumes) await api("DELETE", `/volumes/${encodeURIComponent(v)}`);
    if (left.containers.length + left.volumes.length > 0) log(`fresh start: removed leftovers of earlier runs: ${[...left.containers, ...left.volumes].join(", ")}`);
    for (const d of [".e2e-state", "ottochain"]) fs.rmSync(path.join(ctx.workdir, d), { recursive: true, force: true });
}

async function databaseIsolation(name: string): Promise<string[]> {
    const i = await inspectOrNull(name);
    if (!i) return [`${name}: no such container`];
    const problems: string[] = [];
    const nets = Object.keys(i.NetworkSettings.Networks ?? {});
    if (nets.length !== 1) problems.push(`${name}: on networks ${nets.join(", ") || "(none)"}, want exactly its internal one`);
    for (const n of nets) {
        const net = await api<{ Internal: boolean }>("GET", `/networks/${encodeURIComponent(n)}`);
        if (!net.Internal) problems.push(`${name}: network ${n} is not internal`);
    }
    const published = Object.values(i.NetworkSettings.Ports ?? {}).filter((b) => b && b.length > 0);
    if (published.length > 0 || Object.keys(i.HostConfig.PortBindings ?? {}).length > 0) problems.push(`${name}: publishes ports ${JSON.stringify(i.HostConfig.PortBindings)}`);
    return problems;
}

async function migrationOrder(ctx: Ctx): Promise<string[]> {
    const state = Object.values(loadState(ctx.workdir).resources);
    const migrate = state.find((r) => r.name === "wealthwars-migrate");
    if (!migrate?.createdAt) return ["wealthwars-migrate: did not run (not in state)"];
    const backend = await inspectOrNull("wealthwars-backend");
    if (!backend) return ["wealthwars-backend: no such container"];
    const done = Date.parse(migrate.createdAt);
    const created = Date.parse(backend.Created);
    log(`  migration finished ${migrate.createdAt}, backend container created ${backend.Created}`);
    return done <= created ? [] : [`wealthwars-backend was created ${((done - created) / 1000).toFixed(1)}s before the migration finished`];
}

export const fresh: Scenario = {
    id: "a",
    title: "fresh up: all healthy, nodes Ready, clusters full, SCITT open, migration first, databases isolated",
    async run(ctx) {
        await startEmpty(ctx);
        const t0 = Date.now();
        const r = await runE2E("up", ctx.workdir, ctx.sets);
        learnSecrets(ctx);
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`up failed after ${r.seconds.toFixed(0)}s: ${failureText(r)}`);
        const cs = await fleetContainers(ctx.workdir);
        log(`  up took ${r.seconds.toFixed(1)}s; ${cs.length} containers in state`);
        try {
            await waitForFleet(ctx.workdir, r.code === 0 ? READY_BOUND_S : 30, "fresh fleet");
            ctx.figures["time from empty to all healthy"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
        } catch (e) {
            problems.push((e as Error).message);
        }
        problems.push(...(await migrationOrder(ctx)));
        for (const db of ["wealthwars-postgres", "neo-postgres"]) problems.push(...(await databaseIsolation(db)));
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};
