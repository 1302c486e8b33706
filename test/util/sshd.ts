// A real OpenSSH server on loopback for the access specs: Debian's sshd (openssh-server) started
// in the foreground on a free port with a config of the test's own, its host key made fresh, and
// stopped by the spec. Root is needed for sshd to log another user in (CI and this machine run as
// root); the caller skips with a reason otherwise.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { freePort } from "./ports";
import { run, tempDir } from "./tools";

export const SSHD = "/usr/sbin/sshd";

/** Why sshd specs cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
    if (!fs.existsSync(SSHD)) return "no /usr/sbin/sshd (apt-get install openssh-server)";
    if (process.getuid && process.getuid() !== 0) return "sshd must run as root to log a user in";
    return undefined;
}

export interface Sshd {
    port: number;
    /** The server's ed25519 public key ("ssh-ed25519 AAAA…"). */
    hostPublicKey: string;
    stop(): Promise<void>;
}

/** A fresh ed25519 key pair in dir: returns the private key path (public at .pub). */
export function keyPair(dir: string, name: string): string {
    const p = path.join(dir, name);
    const r = run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", p]);
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
    return p;
}

/**
 * Starts sshd with `config` (sshd_config text: the caller's settings first, so they win, as in a
 * drop-in) plus what a loopback test server needs: its port, host key, authorized keys file.
 * `hostKey` reuses a key (to restart "the same host"); by default a new one is made.
 */
export async function startSshd(o: { config: string; authorizedKeys: string; hostKey?: string }): Promise<Sshd> {
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    const dir = tempDir("chainfleet-sshd-");
    fs.chmodSync(dir, 0o755);
    const hostKey = o.hostKey ?? keyPair(dir, "host_ed25519");
    const auth = path.join(dir, "authorized_keys");
    fs.writeFileSync(auth, o.authorizedKeys, { mode: 0o644 });
    const port = await freePort();
    const cfg = path.join(dir, "sshd_config");
    fs.writeFileSync(cfg, [
        o.config.trimEnd(),
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${auth}`,
        "StrictModes no",
        "UsePAM no",
        `PidFile ${path.join(dir, "sshd.pid")}`,
        "Subsystem sftp internal-sftp",
        "LogLevel ERROR",
        "",
    ].join("\n"));
    const check = run(SSHD, ["-t", "-f", cfg]);
    if (check.status !== 0) throw new Error(`sshd -t: ${check.stderr}`);
    const child: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", cfg], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (b) => (stderr += String(b)));
    await waitListening(port, () => `sshd did not listen on ${port}: ${stderr}`);
    return {
        port,
        hostPublicKey: fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" "),
        stop: () => new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        }),
    };
}

async function waitListening(port: number, why: () => string): Promise<void> {
    for (let i = 0; i < 100; i++) {
        const ok = await new Promise<boolean>((resolve) => {
            const s = net.connect(port, "127.0.0.1", () => { s.end(); resolve(true); });
            s.on("error", () => resolve(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(why());
}
