// Runs `scripts/e2e.ts up|destroy` in a child process (a fresh SDK per run, like a fresh
// `pulumi up`), streaming its redacted output, bounded in time; returns its exit code and report.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../harness/graph";
import { RunReport } from "../runner/apply";

export interface ChildRun { code: number; seconds: number; report?: RunReport }

/** Where a run happens: another checkout of the program (its scripts/e2e.ts, in its directory), more env, more arguments. */
export interface RunWhere { root?: string; env?: Record<string, string>; args?: string[] }

export function runE2E(command: "up" | "destroy", workdir: string, sets: Record<string, unknown>, boundS = 1800, where: RunWhere = {}): Promise<ChildRun> {
    const root = where.root ?? ROOT;
    const args = ["-r", "ts-node/register/transpile-only", path.join(root, "scripts", "e2e.ts"), command, "--workdir", workdir, ...(where.args ?? [])];
    for (const [k, v] of Object.entries(sets)) args.push("--set", `${k}=${JSON.stringify(v)}`);
    const reportFile = path.join(workdir, "last-report.json");
    fs.rmSync(reportFile, { force: true });
    const t0 = Date.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, TS_NODE_PROJECT: path.join(root, "tsconfig.json"), ...where.env } });
        const timer = setTimeout(() => {
            console.log(`e2e ${command}: still running after ${boundS}s; stopping it (SIGTERM)`);
            child.kill("SIGTERM");
        }, boundS * 1000);
        child.on("close", (code) => {
            clearTimeout(timer);
            const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as RunReport) : undefined;
            resolve({ code: code ?? 1, seconds: (Date.now() - t0) / 1000, report });
        });
    });
}

/** A one-line summary of a failed run for a FAIL message. */
export function failureText(r: ChildRun): string {
    const errs = r.report?.failed.map((f) => `${f.name}: ${f.error.split("\n")[0]}`) ?? ["no report"];
    return `exit ${r.code}; ${errs.join(" | ")}`;
}
