// c. Chaos: kill -9 (the main process, from the host) of one container of each kind at once, `docker restart` GL0 then ML0 then one
// L1 validator, then restart dockerd itself (only a daemon our engine.sh started: its pid file).
// After each step the whole fleet must be back (healthy, Ready, clusters full) within
// RECOVERY_BOUND_S; SCITT must come back through Recover, ML0 through run-rollback, and the
// markers written into every data volume beforehand must still be there.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../harness/graph";
import { api, containerLogs, engineAnswers } from "../runner/dockerApi";
import { log } from "../runner/log";
import { checkMarkers, Ctx, markVolumes, RECOVERY_BOUND_S, Scenario } from "./context";
import { FleetContainer, fleetContainers, fleetProblems, inspectOrNull, sleep, waitForFleet } from "./fleet";
import { LedgerState, ledgerContinuityProblems, scittLedgerState } from "./scittLedger";

const PID_FILE = process.env.CHAINFLEET_DOCKERD_PID_FILE ?? "/tmp/chainfleet-dockerd.pid";

/** One container per kind: each OttoChain layer (an L1's last validator), and every other component. */
function oneOfEachKind(cs: FleetContainer[]): FleetContainer[] {
    const byKind = new Map<string, FleetContainer>();
    for (const c of cs) byKind.set(c.layer ?? c.name, c); // sorted by name: the last L1 node wins
    return [...byKind.values()];
}

/** The SCITT ledger as chaos began: every step must leave the same service with all its chunks. */
let ledgerBefore: LedgerState | undefined;

/** Waits for the fleet and records the time; a failure becomes a problem line. Then the ledger's continuity. */
async function recover(ctx: Ctx, step: string, problems: string[]): Promise<void> {
    try {
        const s = await waitForFleet(ctx.workdir, RECOVERY_BOUND_S, step, ctx.known);
        ctx.figures[`recovery after ${step}`] = `${s.toFixed(1)} s`;
        log(`  ${step}: fleet whole again after ${s.toFixed(1)}s`);
    } catch (e) {
        problems.push((e as Error).message);
    }
    if (ledgerBefore) {
        try { problems.push(...ledgerContinuityProblems(ledgerBefore, scittLedgerState(), step)); } catch (e) { problems.push((e as Error).message); }
    }
}

/** Whether a container's log since a time (ms) matches a pattern. */
async function logHas(name: string, since: number, pattern: RegExp): Promise<boolean> {
    const text = await containerLogs(name, 500, Math.floor(since / 1000)).catch(() => "");
    return pattern.test(text);
}

/** The daemon our engine.sh started, if any: its pid (a dockerd) or why not. */
function ourDaemon(): { pid?: number; reason?: string } {
    if (!fs.existsSync(PID_FILE)) return { reason: `no ${PID_FILE}: the running dockerd was not started by test/e2e/engine.sh` };
    const pid = Number(fs.readFileSync(PID_FILE, "utf8").trim());
    const comm = fs.existsSync(`/proc/${pid}/comm`) ? fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() : "";
    return comm === "dockerd" ? { pid } : { reason: `pid ${pid} in ${PID_FILE} is not a running dockerd` };
}

async function restartDaemon(ctx: Ctx, problems: string[]): Promise<void> {
    const d = ourDaemon();
    if (!d.pid) {
        log(`  dockerd restart skipped: ${d.reason}`);
        return;
    }
    const t0 = Date.now();
    process.kill(d.pid, "SIGTERM");
    for (let i = 0; i < 120 && fs.existsSync(`/proc/${d.pid}`); i++) await sleep(1000);
    if (fs.existsSync(`/proc/${d.pid}`)) { problems.push(`dockerd ${d.pid} still running 120s after SIGTERM`); return; }
    const start = spawnSync("bash", [path.join(ROOT, "test/e2e/engine.sh"), "start"], { encoding: "utf8", timeout: 120_000 });
    if (start.status !== 0 || !(await engineAnswers())) { problems.push(`engine.sh start failed: ${start.stderr.trim()}`); return; }
    log(`  dockerd restarted in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    await recover(ctx, "dockerd restart", problems);
    ctx.figures["recovery after dockerd restart (from SIGTERM)"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    if (!(await logHas("scitt-service", t0, /→ Recover/))) problems.push("scitt-service: no 'ledger: present → Recover' in its log after the dockerd restart");
}

export const chaos: Scenario = {
    id: "c",
    title: "chaos: kill -9 each kind, restart GL0/ML0/L1, restart dockerd: all back, Recover, rollback, no data lost",
    async run(ctx) {
        // Problems already there before chaos fail the scenario but do not stop it: recovery is
        // then measured for everything else, so each step still gives evidence.
        const before = await fleetProblems(ctx.workdir);
        const problems: string[] = before.length > 0 ? [`the fleet was not whole before chaos (ignored while measuring recovery): ${before.join("; ")}`] : [];
        ctx.known = before;
        const markers = markVolumes(ctx.workdir);
        ledgerBefore = scittLedgerState();
        log(`  scitt ledger before chaos: first identity ${ledgerBefore.opened.slice(0, 12)}…, ${ledgerBefore.chunks.length} committed chunks`);
        const cs = await fleetContainers(ctx.workdir);

        // A container that is already down or restarting cannot be killed: only running ones are victims.
        const running = new Set<string>();
        for (const c of cs) if ((await inspectOrNull(c.name))?.State.Running) running.add(c.name);
        const victims = oneOfEachKind(cs).filter((v) => running.has(v.name));
        let t = Date.now();
        // SIGKILL to each container's main process from the host: a crash as the restart policy
        // sees it. (`docker kill` marks the container as stopped by hand, and Docker then does not
        // restart it under unless-stopped; that is an operator's stop, not a crash.)
        log(`  kill -9 of the main process of ${victims.map((v) => v.name).join(", ")}`);
        for (const v of victims) {
            const pid = (await inspectOrNull(v.name))?.State.Pid;
            if (pid) process.kill(pid, "SIGKILL");
        }
        await sleep(2000);
        await recover(ctx, "kill -9 of each kind", problems);
        if (victims.some((v) => v.name === "scitt-service") && !(await logHas("scitt-service", t, /→ Recover/))) {
            problems.push("scitt-service: no 'ledger: present → Recover' in its log after kill -9");
        }

        const l1 = cs.find((c) => c.layer === "cl1" && !c.name.endsWith("-0")) ?? cs.find((c) => c.layer === "dl1");
        for (const name of ["ottochain-gl0", "ottochain-ml0", l1?.name ?? "ottochain-cl1-1"]) {
            t = Date.now();
            log(`  docker restart ${name}`);
            await api("POST", `/containers/${name}/restart`, undefined, 180_000);
            await recover(ctx, `docker restart ${name}`, problems);
            if (name === "ottochain-ml0" && !(await logHas(name, t, /starts with run-rollback/))) {
                problems.push("ottochain-ml0: no 'starts with run-rollback' in its log after docker restart");
            }
        }

        await restartDaemon(ctx, problems);
        problems.push(...checkMarkers(markers));
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};
