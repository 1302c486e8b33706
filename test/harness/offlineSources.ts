// The offline harness's stand-in for the git sources stack files name upstream: the dev stack
// builds SCITT from github.com/microsoft/scitt-ccf-ledger, which no spec may fetch (no network
// here, and a spec must not depend on one). buildConfig points that source at a local repository
// made once per test process: its commit holds docker/Dockerfile, all a plan opens. It reproduces
// a checkout's layout for the Docker provider's Check; it builds nothing SCITT runs.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Upstream sources the stack files name, by URL. */
export const UPSTREAM_SOURCES = new Set(["https://github.com/microsoft/scitt-ccf-ledger.git"]);

let made: { url: string; ref: string } | undefined;

/** The local stand-in repository (file:// URL) and its commit. */
export function offlineSource(): { url: string; ref: string } {
    if (made) return made;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chainfleet-offline-source-"));
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=chainfleet-tests", "-c", "user.email=tests@example.invalid", ...args], { encoding: "utf8" }).trim();
    git("init", "--quiet");
    git("config", "uploadpack.allowAnySHA1InWant", "true");
    fs.mkdirSync(path.join(dir, "docker"));
    fs.writeFileSync(path.join(dir, "docker", "Dockerfile"), "# offline stand-in of scitt-ccf-ledger's docker/Dockerfile\nFROM scratch\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "offline stand-in");
    made = { url: `file://${dir}`, ref: git("rev-parse", "HEAD") };
    return made;
}

/** A config value with an upstream source replaced by the stand-in (anything else unchanged). */
export function withOfflineSource(scitt: unknown): unknown {
    const s = scitt as { source?: { url?: string; ref?: string } } | undefined;
    if (!s?.source?.url || !UPSTREAM_SOURCES.has(s.source.url)) return scitt;
    return { ...s, source: { ...s.source, ...offlineSource() } };
}
