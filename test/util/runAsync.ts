// Runs a command without blocking this process's event loop, for scripts that talk to stand-in
// HTTP servers served from the same process (spawnSync would stall them).
import { spawn } from "child_process";
import { Ran } from "./tools";

export function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Ran> {
    return new Promise((resolve, reject) => {
        const c = spawn(cmd, args, { env, cwd });
        let stdout = "";
        let stderr = "";
        c.stdout.on("data", (d) => (stdout += d));
        c.stderr.on("data", (d) => (stderr += d));
        c.on("error", reject);
        c.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
}
