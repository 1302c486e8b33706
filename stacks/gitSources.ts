// Sources built from git, each a git URL and ref: chainfleet:scitt.source (the scitt-ccf-ledger
// checkout its image is built from) and, in dev, chainfleet:ottochain.source (the metagraph whose
// jars are built, components/systems/ottochain/build). The checkout is made or brought to the ref before any resource is
// registered, at plan time as in preview and up, because the Docker provider's Check opens the
// Dockerfile of a build at preview (LIFECYCLE.md: pulumi-docker#572). It lives in the project
// (.chainfleet/src/<name>, git-ignored), so the plan names the same build context on every
// machine; a ref that is already checked out (a full commit id) needs no network.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { PlainConfig } from "./config";

const NS = "chainfleet";

export interface GitSource {
    /** The config key of the source, e.g. "scitt.source". */
    key: string;
    url: string;
    ref: string;
    /** The checkout, relative to the project. */
    dir: string;
}

/** Where a source's checkout lives, relative to the project. */
export function sourceDir(name: string): string {
    return path.join(".chainfleet", "src", name);
}

/** The git sources this config builds from. */
export function gitSources(c: Pick<PlainConfig, "scitt" | "ottochain" | "topology">): GitSource[] {
    const out: GitSource[] = [];
    const s = c.scitt.source;
    if (c.scitt.enabled && s.url !== undefined && s.ref !== undefined) out.push({ key: "scitt.source", url: s.url, ref: s.ref, dir: sourceDir("scitt-ccf-ledger") });
    const m = c.ottochain.source;
    if (c.topology === "dev" && c.ottochain.enabled && m.url !== undefined && m.ref !== undefined) out.push({ key: "ottochain.source", url: m.url, ref: m.ref, dir: sourceDir("ottochain-metagraph") });
    return out;
}

/** The rules of the git source keys: url and ref together; the metagraph's source in dev only. */
export function gitSourceProblems(c: Pick<PlainConfig, "ottochain" | "topology">): string[] {
    const m = c.ottochain.source;
    const out: string[] = [];
    if ((m.url === undefined) !== (m.ref === undefined)) {
        out.push(`${NS}:ottochain.source.url and ${NS}:ottochain.source.ref go together: the metagraph repository and the branch, tag or commit to build (got url ${JSON.stringify(m.url) ?? "nothing"}, ref ${JSON.stringify(m.ref) ?? "nothing"})`);
    }
    if (c.topology === "prod" && m.url !== undefined) {
        out.push(`${NS}:ottochain.source is built on this machine in dev only; in prod build the jars once and set ${NS}:ottochain.jarsSource to them (got url "${m.url}")`);
    }
    return out;
}

export class GitSourceError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "GitSourceError";
    }
}

type Git = (args: string[]) => string;

/** git as a child process, its stderr kept for the error. */
export const realGit: Git = (args) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 }).trim();

function lastLine(e: unknown): string {
    const err = e as { stderr?: string | Buffer; message?: string; code?: string };
    if (err.code === "ENOENT") return "git is not installed on this machine";
    const text = String(err.stderr ?? err.message ?? e).trim().split("\n").filter(Boolean);
    return text[text.length - 1] ?? String(e);
}

/**
 * Brings the checkout to the ref: reused as is when it already is at that commit; else one commit
 * fetched (depth 1) and checked out, the tree cleaned of anything else. Returns the commit id.
 */
export function ensureGitSource(s: GitSource, git: Git = realGit): { commit: string; fetched: boolean } {
    const inDir = (...args: string[]) => git(["-C", s.dir, ...args]);
    if (/^[0-9a-f]{40}$/.test(s.ref) && fs.existsSync(path.join(s.dir, ".git"))) {
        try {
            if (inDir("rev-parse", "HEAD") === s.ref && inDir("status", "--porcelain") === "") return { commit: s.ref, fetched: false };
        } catch { /* not a usable checkout: fetch it again below */ }
    }
    try {
        fs.mkdirSync(s.dir, { recursive: true });
        if (!fs.existsSync(path.join(s.dir, ".git"))) git(["init", "--quiet", s.dir]);
        inDir("fetch", "--quiet", "--depth", "1", "--", s.url, s.ref);
        inDir("checkout", "--quiet", "--force", "--detach", "FETCH_HEAD");
        inDir("clean", "-ffdxq");
        return { commit: inDir("rev-parse", "HEAD"), fetched: true };
    } catch (e) {
        throw new GitSourceError(`${NS}:${s.key}: could not check out ref "${s.ref}" of "${s.url}" into ${s.dir}: ${lastLine(e)}. ` +
            `Check ${NS}:${s.key}.url and ${NS}:${s.key}.ref (a branch, a tag or a full commit id the server serves)`);
    }
}

/** Every git source of the config, checked out; one line each to log. Throws naming the key. */
export function ensureGitSources(c: Pick<PlainConfig, "scitt" | "ottochain" | "topology">, git: Git = realGit): string[] {
    return gitSources(c).map((s) => {
        const r = ensureGitSource(s, git);
        const pin = /^[0-9a-f]{40}$/.test(s.ref) ? "" : ` (ref "${s.ref}" moves: pin a full commit id for builds that repeat)`;
        return `${NS}:${s.key}: ${s.dir} at ${r.commit}${r.fetched ? `, fetched from ${s.url}` : ""}${pin}`;
    });
}

/** The commit a source's checkout is at (after ensureGitSources), for what is built from it. */
export function checkedOutCommit(s: GitSource, git: Git = realGit): string {
    return git(["-C", s.dir, "rev-parse", "HEAD"]);
}

/** The git source of one config key, when the config builds from it. */
export function gitSourceOf(c: Pick<PlainConfig, "scitt" | "ottochain" | "topology">, key: "scitt.source" | "ottochain.source"): GitSource | undefined {
    return gitSources(c).find((s) => s.key === key);
}
