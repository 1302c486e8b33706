// g. A rolling L1 update and its revert: CL1's heap goes up, then back. Each time every CL1 node is
// replaced, one at a time (its turn gate, roll.sh): polled every half second, the cluster never
// has fewer than n − 1 nodes Ready, and it ends whole, every node on the new (then the old) heap.
// Then a metagraph-only release and its rollback (metagraphVersion to the stand-in's metagraph-only
// jars, the same Tessellation): every CL1 and DL1 node replaced in turns, each cluster never below
// n − 1 Ready, each node's /metagraph/info on the new metagraph version and the old Tessellation.
// Then a version rollout and its rollback: tessellationVersion and metagraphVersion to the stand-in's
// other version and back (config revert); every node's /node/info reports the new version, then
// the old one again (the old version's jars were kept). Figures: each run's wall time and, per
// node, how long it was not Ready.
import { log } from "../runner/log";
import { inspectContainer } from "../runner/dockerApi";
import { learnSecrets, READY_BOUND_S, Scenario } from "./context";
import { fleetContainers, fleetProblems, httpGet, nodeState, sleep, waitForFleet } from "./fleet";
import { STANDIN_METAGRAPH_ONLY, STANDIN_VERSIONS } from "../runner/workdir";
import { failureText, runE2E } from "./run";

export interface Watch { minReady: number; polls: number; downSeconds: Map<string, number>; order: string[] }

/** Polls the nodes' states until `done` resolves; records the fewest Ready and each node's time not Ready. */
export async function watchCluster(nodes: { name: string; port: number }[], done: Promise<unknown>): Promise<Watch> {
    let finished = false;
    void done.finally(() => { finished = true; });
    const w: Watch = { minReady: nodes.length, polls: 0, downSeconds: new Map(), order: [] };
    const downSince = new Map<string, number>();
    while (!finished) {
        const t = Date.now();
        const states = await Promise.all(nodes.map((n) => nodeState(n.port)));
        w.polls++;
        w.minReady = Math.min(w.minReady, states.filter((s) => s === "Ready").length);
        nodes.forEach((n, i) => {
            if (states[i] !== "Ready" && !downSince.has(n.name)) {
                downSince.set(n.name, t);
                w.order.push(n.name);
            }
            if (states[i] === "Ready" && downSince.has(n.name)) {
                w.downSeconds.set(n.name, (w.downSeconds.get(n.name) ?? 0) + (t - downSince.get(n.name)!) / 1000);
                downSince.delete(n.name);
            }
        });
        await sleep(500);
    }
    return w;
}

async function heapOf(name: string): Promise<string | undefined> {
    const i = (await inspectContainer(name)) as unknown as { Config: { Env: string[] } };
    return i.Config.Env.find((e) => e.startsWith("HEAP_MIB="))?.split("=")[1];
}

export const rolling: Scenario = {
    id: "g",
    title: "CL1 heap up, then back: a rolling restart each way, never fewer than n − 1 nodes Ready; a metagraph-only release rolls each L1 cluster the same way; a Tessellation version rollout and its rollback",
    async run(ctx) {
        const nodes = (await fleetContainers(ctx.workdir)).filter((c) => c.layer === "cl1" && c.publicPort !== undefined)
            .map((c) => ({ name: c.name, port: c.publicPort! }));
        if (nodes.length < 2) throw new Error(`CL1 has ${nodes.length} node(s): a roll needs two or more`);
        const known = await fleetProblems(ctx.workdir);
        const before = ctx.sets["ottochain.currencyL1.heapMiB"];
        const problems: string[] = [];
        for (const [what, heap] of [["heap up", 1280], ["revert", before]] as const) {
            if (heap === undefined) delete ctx.sets["ottochain.currencyL1.heapMiB"];
            else ctx.sets["ottochain.currencyL1.heapMiB"] = heap;
            const run = runE2E("up", ctx.workdir, ctx.sets);
            const watch = await watchCluster(nodes, run);
            const r = await run;
            learnSecrets(ctx);
            if (r.code !== 0) problems.push(`${what}: up failed: ${failureText(r)}`);
            const replaced = (r.report?.replaced ?? []).filter((n) => /-container$/.test(n));
            const cl1 = nodes.map((n) => `ottochain-cl1-${n.name.replace(/^ottochain-/, "")}-container`);
            for (const c of cl1) if (!replaced.includes(c)) problems.push(`${what}: ${c} was not replaced`);
            const others = replaced.filter((c) => !cl1.includes(c));
            if (others.length) problems.push(`${what}: replaced besides CL1: ${others.join(", ")}`);
            if (watch.minReady < nodes.length - 1) problems.push(`${what}: only ${watch.minReady} of ${nodes.length} CL1 nodes Ready at one poll (of ${watch.polls})`);
            // Validators first, the initial validator (cl1-0) last.
            if (watch.order[watch.order.length - 1] !== "ottochain-cl1-0") problems.push(`${what}: nodes went down in the order ${watch.order.join(", ")}`);
            await settle(ctx.workdir, what, r.code, known, problems);
            const want = heap === undefined ? "1024" : String(heap);
            for (const n of nodes) {
                const got = await heapOf(n.name);
                if (got !== want) problems.push(`${what}: ${n.name} runs HEAP_MIB=${got}, want ${want}`);
            }
            const per = [...watch.downSeconds.entries()].map(([n, s]) => `${n.replace(/^ottochain-/, "")} ${s.toFixed(1)} s`).join(", ");
            ctx.figures[`CL1 roll (${what}): wall time; each node not Ready`] = `${r.seconds.toFixed(1)} s; ${per}; fewest Ready ${watch.minReady}/${nodes.length} over ${watch.polls} polls`;
            log(`  ${what}: ${r.seconds.toFixed(1)} s, order ${watch.order.join(" → ")}, not Ready: ${per}, fewest Ready ${watch.minReady}/${nodes.length}`);
        }
        // A metagraph-only release (the same Tessellation version): the join handshake compares the
        // Tessellation version only, so each L1 cluster rolls, one node at a time, never fewer than
        // n − 1 Ready (docs/upstream/tessellation-ottochain.md); the revert rolls back the same way.
        const l1 = (await fleetContainers(ctx.workdir)).filter((c) => (c.layer === "cl1" || c.layer === "dl1") && c.publicPort !== undefined);
        const layers = ["cl1", "dl1"] as const;
        for (const [what, version] of [["metagraph-only rollout", STANDIN_METAGRAPH_ONLY], ["metagraph-only rollback", undefined]] as const) {
            if (version === undefined) delete ctx.sets["ottochain.metagraphVersion"];
            else ctx.sets["ottochain.metagraphVersion"] = version;
            const run = runE2E("up", ctx.workdir, ctx.sets);
            const watches = await Promise.all(layers.map((layer) => watchCluster(l1.filter((c) => c.layer === layer).map((c) => ({ name: c.name, port: c.publicPort! })), run)));
            const r = await run;
            learnSecrets(ctx);
            if (r.code !== 0) problems.push(`${what}: up failed: ${failureText(r)}`);
            const replaced = r.report?.replaced ?? [];
            for (const c of l1) {
                const resource = `ottochain-${c.layer}-${c.name.replace(/^ottochain-/, "")}-container`;
                if (!replaced.includes(resource)) problems.push(`${what}: ${resource} was not replaced`);
            }
            layers.forEach((layer, i) => {
                const n = l1.filter((c) => c.layer === layer).length;
                if (watches[i].minReady < n - 1) problems.push(`${what}: only ${watches[i].minReady} of ${n} ${layer} nodes Ready at one poll (of ${watches[i].polls}): the cluster did not roll`);
            });
            await settle(ctx.workdir, what, r.code, known, problems);
            const want = version ?? STANDIN_VERSIONS[0];
            for (const c of l1) {
                const info = await metagraphInfo(c.publicPort!);
                if (info.metagraphVersion !== want || info.tessellationVersion !== STANDIN_VERSIONS[0]) {
                    problems.push(`${what}: ${c.name} runs metagraph ${info.metagraphVersion} on Tessellation ${info.tessellationVersion}, want ${want} on ${STANDIN_VERSIONS[0]}`);
                }
            }
            const fewest = layers.map((layer, i) => `${layer} ${watches[i].minReady}/${l1.filter((c) => c.layer === layer).length}`).join(", ");
            ctx.figures[`metagraph-only ${what.replace("metagraph-only ", "")} to ${want}: wall time; fewest Ready per L1 cluster`] = `${r.seconds.toFixed(1)} s; ${fewest}`;
            log(`  ${what}: ${r.seconds.toFixed(1)} s, fewest Ready ${fewest}`);
        }

        // A version change restarts each L1 cluster together (nodes of different versions cannot
        // join each other), after GL0 and ML0; the revert brings the old jars back.
        const all = (await fleetContainers(ctx.workdir)).filter((c) => c.layer !== undefined && c.publicPort !== undefined);
        for (const [what, version] of [["version rollout", STANDIN_VERSIONS[1]], ["version rollback", undefined]] as const) {
            for (const k of ["ottochain.tessellationVersion", "ottochain.metagraphVersion"]) {
                if (version === undefined) delete ctx.sets[k];
                else ctx.sets[k] = version;
            }
            const r = await runE2E("up", ctx.workdir, ctx.sets);
            learnSecrets(ctx);
            if (r.code !== 0) problems.push(`${what}: up failed: ${failureText(r)}`);
            await settle(ctx.workdir, what, r.code, known, problems);
            const want = version ?? STANDIN_VERSIONS[0];
            for (const c of all) {
                const got = await nodeVersion(c.publicPort!);
                if (got !== want) problems.push(`${what}: ${c.name} reports version ${got}, want ${want}`);
            }
            ctx.figures[`metagraph ${what} to ${want} (every layer restarted, L1 clusters together)`] = `${r.seconds.toFixed(1)} s`;
            log(`  ${what}: ${r.seconds.toFixed(1)} s, every node reports ${want}`);
        }
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};

/** Waits for the whole fleet after a step (briefly when its up failed); a failure becomes a problem line. */
async function settle(workdir: string, what: string, code: number | null, known: string[], problems: string[]): Promise<void> {
    try {
        await waitForFleet(workdir, code === 0 ? READY_BOUND_S : 60, `after the ${what}`, known);
    } catch (e) {
        problems.push((e as Error).message);
    }
}

/** A metagraph node's GET /metagraph/info versions (MetagraphRoutes.scala). */
async function metagraphInfo(port: number): Promise<{ tessellationVersion?: string; metagraphVersion?: string }> {
    try {
        return JSON.parse((await httpGet(`http://127.0.0.1:${port}/metagraph/info`)).body) as { tessellationVersion?: string; metagraphVersion?: string };
    } catch {
        return {};
    }
}

async function nodeVersion(port: number): Promise<string> {
    try {
        return String((JSON.parse((await httpGet(`http://127.0.0.1:${port}/node/info`)).body) as { version?: string }).version);
    } catch (e) {
        return `no answer (${(e as Error).message})`;
    }
}
