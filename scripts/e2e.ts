// npm run e2e -- [up|destroy|scenarios] [--workdir DIR] [--set key=json ...]
// The real-runtime tier: applies the real program (index.ts, Pulumi.dev.yaml plus e2e overrides)
// on a real Docker engine with test/e2e/runner, without the Pulumi CLI.
//   up         create or update everything; state in DIR/.e2e-state/state.json
//   destroy    delete everything except protected and retained resources
//   scenarios  (default) fresh up, no-op up, chaos, scale CL1 3 → 4, destroy: PASS/FAIL per scenario
// --as-configured (up) applies the stack file plus --set only: no stand-in overrides, nothing prepared
// (the first-command scenario's run from a fresh clone). --only a,b runs some scenarios; --program FILE runs another program (e.g. test/e2e/runner/fixtures/smoke.ts) without the dev overrides.
// DIR defaults to $E2E_WORKDIR or /tmp/chainfleet-e2e. Exit code 0 only when everything passed.
import * as fs from "fs";
import * as path from "path";
import { destroy, RunReport, up } from "../test/e2e/runner/apply";
import { engineAnswers } from "../test/e2e/runner/dockerApi";
import { log, logTo } from "../test/e2e/runner/log";
import { e2eOverrides, prepareWorkdir } from "../test/e2e/runner/workdir";
import { runScenarios } from "../test/e2e/scenarios";


export interface E2EArgs { command: "up" | "destroy" | "scenarios"; workdir: string; sets: Record<string, unknown>; program?: string; only?: string[]; asConfigured?: boolean }

export function parseArgs(argv: string[]): E2EArgs {
    const a: E2EArgs = { command: "scenarios", workdir: process.env.E2E_WORKDIR ?? "/tmp/chainfleet-e2e", sets: {} };
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i];
        if (v === "up" || v === "destroy" || v === "scenarios") a.command = v;
        else if (v === "--workdir") a.workdir = path.resolve(argv[++i] ?? "");
        else if (v === "--only") a.only = (argv[++i] ?? "").split(","); // scenarios by letter, e.g. a,b
        else if (v === "--as-configured") a.asConfigured = true;
        else if (v === "--program") a.program = path.resolve(argv[++i] ?? ""); // another program, e.g. the runner's smoke fixture
        else if (v === "--set") {
            const [k, ...rest] = (argv[++i] ?? "").split("=");
            const raw = rest.join("=");
            try { a.sets[k] = JSON.parse(raw); } catch { a.sets[k] = raw; }
        } else throw new Error(`unknown argument ${v} (usage: [up|destroy|scenarios] [--workdir DIR] [--set key=json ...])`);
    }
    return a;
}

function printReport(what: string, r: RunReport): void {
    log(`${what} finished in ${r.seconds.toFixed(1)}s: ${r.created.length} created, ${r.replaced.length} replaced, ${r.same.length} unchanged, ` +
        `${r.deleted.length} deleted, ${r.kept.length} kept, ${r.failed.length} failed`);
    if (r.replaced.length) log(`  replaced: ${r.replaced.join(", ")}`);
    if (r.kept.length) log(`  kept: ${r.kept.join(", ")}`);
    for (const f of r.failed) log(`  error: ${f.name}: ${f.error}`);
}

async function main(): Promise<number> {
    const a = parseArgs(process.argv.slice(2));
    fs.mkdirSync(a.workdir, { recursive: true, mode: 0o700 });
    // A scenarios run starts its log afresh (the secrets scenario scans this run's text only).
    if (a.command === "scenarios") fs.rmSync(path.join(a.workdir, "e2e.log"), { force: true });
    logTo(path.join(a.workdir, "e2e.log"));
    if (!(await engineAnswers())) {
        log("no Docker engine answers on /var/run/docker.sock: run test/e2e/engine.sh start");
        return 2;
    }
    if (a.command === "scenarios") return runScenarios(a.workdir, a.sets, a.only);
    if (a.command === "destroy") {
        const r = await destroy(a.workdir);
        printReport("destroy", r);
        fs.writeFileSync(path.join(a.workdir, "last-report.json"), JSON.stringify(r, null, 1));
        return r.failed.length === 0 ? 0 : 1;
    }
    let r: RunReport;
    if (a.program) r = await up(a.workdir, a.sets, a.program);
    else if (a.asConfigured) r = await up(a.workdir, a.sets);
    else {
        const { overrides, missing } = await e2eOverrides(a.workdir);
        for (const m of missing) log(`warning: ${m}`);
        await prepareWorkdir(a.workdir, overrides["ottochain.image"] as string | undefined);
        r = await up(a.workdir, { ...overrides, ...a.sets });
    }
    printReport("up", r);
    fs.writeFileSync(path.join(a.workdir, "last-report.json"), JSON.stringify(r, null, 1));
    return r.failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
    // Node exits 0 when its event loop empties, even with main() still awaiting a promise that can
    // never settle: a run cut short that way would read as green. It is a failure.
    process.on("beforeExit", () => {
        console.error("e2e: the event loop emptied before the run finished (a promise that can never settle): failing");
        process.exit(1);
    });
    main().then((code) => process.exit(code), (e) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
