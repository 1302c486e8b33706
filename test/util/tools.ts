// Real tools on generated text: bash -n, shellcheck, systemd-analyze, scripts run in temp dirs.
import { spawnSync, SpawnSyncOptions } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function tempDir(prefix = "chainfleet-test-"): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Ran { status: number; stdout: string; stderr: string }

export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Ran {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000, ...opts });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Writes a script to a temp file and returns its path. */
export function writeScript(text: string, name = "script.sh", dir = tempDir()): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text, { mode: 0o755 });
    return p;
}

/**
 * Asserts the text is valid bash and shellcheck-clean; returns the problems (empty = clean).
 * Sourced files are followed (-x): a script that sources an installed script set is checked with it.
 */
export function shellProblems(text: string, shell = "bash"): string[] {
    const p = writeScript(text.startsWith("#!") ? text : `#!/usr/bin/env ${shell}\n${text}`);
    const out: string[] = [];
    const syntax = run("bash", ["-n", p]);
    if (syntax.status !== 0) out.push(`bash -n: ${syntax.stderr}`);
    const sc = run("shellcheck", ["-x", "-s", shell, "-f", "gcc", p]);
    if (sc.status !== 0) out.push(`shellcheck: ${sc.stdout}${sc.stderr}`);
    return out;
}

/** Creates executable stubs on a fresh PATH dir: name → bash body. */
export function stubBin(stubs: Record<string, string>, dir = tempDir("chainfleet-stubs-")): string {
    for (const [name, body] of Object.entries(stubs)) writeScript(`#!/usr/bin/env bash\n${body}\n`, name, dir);
    return dir;
}
