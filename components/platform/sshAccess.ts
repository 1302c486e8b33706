// The deployer's path to the prod Docker hosts, as plain data and command lines (tested without
// mocks, and for real against sshd on loopback). One path serves both users of it: the host
// commands (`ssh … bash -c <script>`, `scp`) and the Docker provider, which runs the system `ssh`
// with `docker system dial-stdio` (docker/cli cli/connhelper/connhelper.go: sshFlags are argv
// words placed before the destination; no shell). So the key, the known hosts and the proxy are
// the same for both, and nothing depends on the deployer's ssh-agent or ~/.ssh/config.
//
// Modes:
//   ssm     - SSM Session Manager (AWS-StartSSHSession): no inbound port at all; the target is the
//             instance id and `aws ssm start-session` is the ProxyCommand (needs the AWS CLI and the
//             session-manager-plugin on the deployer, and ssm:StartSession on the instances).
//   bastion - a bastion this program creates (its own security group from hosts.sshAllowedCidrs);
//             the hosts admit ssh from the bastion's security group only.
//   jump    - an existing jump host ("user@host[:port]"); the hosts admit hosts.sshAllowedCidrs.
//   direct  - the deployer is already inside the network (VPN, a runner in the VPC).
// Key and known_hosts live in a per-stack directory relative to the project root: the engine
// starts every provider plugin with the project directory as its working directory
// (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go: cmd.Dir = pwd), so the same relative
// path works from a laptop and a CI runner, and no deployer's home directory lands in the plan.
import * as fs from "fs";
import * as path from "path";
import { cmd, POSIX_USER, q } from "./shell";

export const ACCESS_MODES = ["ssm", "bastion", "jump", "direct"] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** A jump host: user, address and ssh port. */
export interface JumpHost {
    user: string;
    host: string;
    port: number;
}

export interface SshAccess {
    mode: AccessMode;
    /** Directory holding `id_chainfleet` (the private key, 0600) and `known_hosts`. */
    dir: string;
    /** Pinned known_hosts lines were given: refuse any host key not in the file. */
    pinnedHostKeys: boolean;
    /** bastion and jump modes: the hop. */
    jump?: JumpHost;
    /** ssm mode: the AWS region of the instances (else the AWS CLI's own default). */
    region?: string;
    /** The hosts' sshd port (22 on EC2; tests use another). */
    port?: number;
}

/** The alias a host's key is recorded under: stable across replacement (new IP, same data volume). */
export function hostKeyAlias(label: string): string {
    return `chainfleet-${label}`;
}

export const KEY_FILE = "id_chainfleet";
export const KNOWN_HOSTS_FILE = "known_hosts";

/** user@host[:port], the user by the login-name grammar every other ssh user follows. */
const JUMP_HOST = new RegExp(`^(${POSIX_USER.source.slice(1, -1)})@([A-Za-z0-9.-]+)(?::(\\d{1,5}))?$`);

/** Parses "user@host" or "user@host:port" (a jump host). */
export function parseJumpHost(s: string): JumpHost | undefined {
    const m = JUMP_HOST.exec(s);
    if (!m || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(m[2]) || m[2].includes("..")) return undefined;
    const port = m[3] ? Number(m[3]) : 22;
    return port >= 1 && port <= 65535 ? { user: m[1], host: m[2], port } : undefined;
}

/** Options every ssh of ours uses: our key only, our known hosts, no prompts. */
function baseOptions(a: SshAccess, alias: string): string[] {
    return [
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        "-i", path.join(a.dir, KEY_FILE),
        "-o", `UserKnownHostsFile=${path.join(a.dir, KNOWN_HOSTS_FILE)}`,
        // accept-new records a host's key on first contact and refuses a changed one afterwards.
        "-o", `StrictHostKeyChecking=${a.pinnedHostKeys ? "yes" : "accept-new"}`,
        "-o", `HostKeyAlias=${alias}`,
        // Plain entries (Debian's ssh_config hashes them): an operator reads and pins these lines.
        "-o", "HashKnownHosts=no",
        "-o", "ConnectTimeout=20",
        "-o", "ServerAliveInterval=30",
        "-o", "ServerAliveCountMax=4",
    ];
}

/** The ProxyCommand of a mode ("" when the deployer connects directly). */
export function proxyCommand(a: SshAccess): string {
    if (a.mode === "ssm") {
        return cmd("aws", "ssm", "start-session", "--target", "%h", "--document-name", "AWS-StartSSHSession", "--parameters", "portNumber=%p",
            ...(a.region ? ["--region", a.region] : []));
    }
    if (a.mode === "bastion" || a.mode === "jump") {
        const j = a.jump;
        if (!j) throw new Error(`ssh access mode ${a.mode} needs a jump host`);
        return cmd("ssh", ...baseOptions(a, hostKeyAlias("bastion")), ...(j.port === 22 ? [] : ["-p", j.port]), "-W", "%h:%p", `${j.user}@${j.host}`);
    }
    return "";
}

/**
 * ssh options (argv words) to reach the host labelled `label`: the same for host commands and
 * for the Docker provider's `sshOpts`. The port is not among them (the Docker provider takes it
 * from its ssh:// URL).
 */
export function sshOptions(a: SshAccess, label: string): string[] {
    const proxy = proxyCommand(a);
    return [...baseOptions(a, hostKeyAlias(label)), ...(proxy ? ["-o", `ProxyCommand=${proxy}`] : [])];
}

/** The Docker provider's `host`: ssh://user@target[:port]. */
export function dockerSshUrl(a: SshAccess, user: string, target: string): string {
    return `ssh://${user}@${target}${a.port && a.port !== 22 ? `:${a.port}` : ""}`;
}

/**
 * A local bash command that runs `script` on the host with bash, its stdin passed through (the
 * secrets of DockerHost.run arrive there). ssh joins its arguments into one string for the
 * remote login shell, so the script travels as one quoted word: `bash -c '<script>'`.
 */
export function remoteScriptCommand(a: SshAccess, label: string, user: string, target: string, script: string): string {
    return cmd("ssh", ...sshOptions(a, label), ...portArgs(a, "-p"), "--", `${user}@${target}`, `bash -c ${q(script)}`);
}

/** A local bash command that copies a local file to a path on the host (scp over the same path). */
export function copyCommand(a: SshAccess, label: string, user: string, target: string, localPath: string, remotePath: string): string {
    // OpenSSH ≥ 9 scp speaks SFTP: the host's sshd needs its sftp subsystem (Amazon Linux has it).
    return cmd("scp", "-q", ...sshOptions(a, label), ...portArgs(a, "-P"), "--", localPath, `${user}@${target}:${remotePath}`);
}

function portArgs(a: SshAccess, flag: "-p" | "-P"): (string | number)[] {
    return a.port && a.port !== 22 ? [flag, a.port] : [];
}

/**
 * The engine check as run from the deployer: retries ssh until the host answers (a new instance
 * boots, mounts its data volume and restores its saved host keys first), then runs `remote` on
 * it. On timeout it prints ssh's last error, which names a changed host key if that is the cause.
 */
export function waitForHostCommand(a: SshAccess, label: string, user: string, target: string, remote: string, timeoutSeconds: number): string {
    const probe = remoteScriptCommand(a, label, user, target, "true");
    const knownHosts = path.join(a.dir, KNOWN_HOSTS_FILE);
    return [
        "set -uo pipefail",
        `deadline=$((SECONDS + ${Math.floor(timeoutSeconds)}))`,
        `until err=$(${probe} </dev/null 2>&1 >/dev/null); do`,
        `  if [ "$SECONDS" -ge "$deadline" ]; then`,
        `    printf '%s\\n' ${q(`host ${label} (${target}) did not answer ssh within ${Math.floor(timeoutSeconds)}s; last error:`)} "$err" >&2`,
        `    case "$err" in *IDENTIFICATION*|*"Host key verification failed"*) printf '%s\\n' ${q(`its host key differs from the one recorded for ${hostKeyAlias(label)} in ${knownHosts}; if the host was rebuilt on purpose, remove it: ssh-keygen -R ${hostKeyAlias(label)} -f ${knownHosts}`)} >&2 ;; esac`,
        "    exit 1",
        "  fi",
        "  sleep 5",
        "done",
        `exec ${remoteScriptCommand(a, label, user, target, remote)}`,
    ].join("\n");
}

/**
 * Writes the deployer's key (0600) and, when pinned, the known_hosts file into the access
 * directory, only when their content differs (so a preview changes nothing on disk twice). The
 * public half sits beside it so ssh can also use the same key from an agent.
 */
export function writeAccessFiles(dir: string, files: { privateKey: string; publicKey: string; knownHosts?: string[] }): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const put = (name: string, content: string, mode: number) => {
        const file = path.join(dir, name);
        if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) {
            fs.chmodSync(file, mode);
            return;
        }
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, content, { mode });
        fs.renameSync(tmp, file);
    };
    put(KEY_FILE, files.privateKey.endsWith("\n") ? files.privateKey : `${files.privateKey}\n`, 0o600);
    put(`${KEY_FILE}.pub`, `${files.publicKey.trim()}\n`, 0o644);
    if (files.knownHosts) put(KNOWN_HOSTS_FILE, files.knownHosts.map((l) => `${l.trim()}\n`).join(""), 0o644);
}

/** A known_hosts line for a host from the ed25519 key its engine check printed. */
export function knownHostsLine(label: string, publicKey: string): string {
    const [type, key] = publicKey.trim().split(/\s+/);
    return `${hostKeyAlias(label)} ${type} ${key}`;
}
