// Sources built from git, each a git URL and ref: chainfleet:scitt.source (the scitt-ccf-ledger
// checkout its image is built from) and, in dev, chainfleet:ottochain.source (the metagraph whose
// jars are built) and chainfleet:ottochain.tessellationSource (Tessellation, whose tool and node
// jars are built when not pinned; components/systems/ottochain/build). The checkout is made or
// brought to the ref before any resource is registered, at plan time as in preview and up, because
// the Docker provider's Check opens the Dockerfile of a build at preview (docs/lifecycle.md:
// pulumi-docker#572). A jars build's checkout is made only while its build has something to make
// (its version's directory lacks one of the jars): once the jars are there a plan neither fetches
// nor checks out, so a second preview needs no network. It lives in the project
// (.chainfleet/src/<name>, git-ignored), so the plan names the same build context on every
// machine; a ref that is already checked out (a full commit id) needs no network.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PlainConfig, TESSELLATION_SOURCE_DEFAULTS } from "./config/schema";
import { releaseTag, tessellationJarSources } from "./releaseJars";
import { METAGRAPH_JARS, metagraphJarsDir, tessellationJarsDir } from "../components/systems/ottochain/artifacts";
import { BUILT_FROM_FILE } from "../components/systems/ottochain/build/jarsBuild";

import { NS } from "../components/platform/configKey";

export type GitSourceKey = "scitt.source" | "ottochain.source" | "ottochain.tessellationSource";

export interface GitSource {
    /** The config key of the source, e.g. "scitt.source". */
    key: GitSourceKey;
    url: string;
    ref: string;
    /** The checkout, relative to the project. */
    dir: string;
    /**
     * The files its build makes: the checkout is needed, and made, only while one of them is absent
     * (or empty). Unset: always (SCITT's image build opens the checkout at every plan).
     */
    makes?: string[];
}

type SourcesConfig = Pick<PlainConfig, "scitt" | "ottochain" | "topology">;

/** Where a source's checkout lives, relative to the project. */
export function sourceDir(name: string): string {
    return path.join(".chainfleet", "src", name);
}

/** chainfleet:ottochain.tessellationSource with its defaults: the ref is v<tessellationVersion> unless set. */
export function tessellationSourceOf(c: Pick<PlainConfig, "ottochain">): { url: string; ref: string; builderImage: string; enabled: boolean } {
    const s = c.ottochain.tessellationSource;
    return {
        url: s?.url ?? TESSELLATION_SOURCE_DEFAULTS.url, ref: s?.ref ?? releaseTag(c.ottochain.tessellationVersion),
        builderImage: s?.builderImage ?? TESSELLATION_SOURCE_DEFAULTS.builderImage, enabled: s?.enabled ?? TESSELLATION_SOURCE_DEFAULTS.enabled,
    };
}

/**
 * The git sources this config builds from, whether or not their builds have anything to make now
 * (the build commands are planned from these, so a plan is the same before and after the jars exist).
 * Tessellation's only when a jar this config needs is to be built (not pinned, tessellationSource.enabled).
 */
export function gitSources(c: SourcesConfig): GitSource[] {
    const out: GitSource[] = [];
    const s = c.scitt.source;
    if (c.scitt.enabled && s.url !== undefined && s.ref !== undefined) out.push({ key: "scitt.source", url: s.url, ref: s.ref, dir: sourceDir("scitt-ccf-ledger") });
    const o = c.ottochain;
    if (c.topology !== "dev" || !o.enabled) return out;
    const m = o.source;
    if (m.url !== undefined && m.ref !== undefined) {
        const dest = metagraphJarsDir(o.jarsDir, o.metagraphVersion);
        out.push({ key: "ottochain.source", url: m.url, ref: m.ref, dir: sourceDir("ottochain-metagraph"), makes: METAGRAPH_JARS.map((j) => path.posix.join(dest, j)) });
    }
    const built = tessellationJarSources(c).filter((j) => j.how === "build");
    if (built.length > 0) {
        const t = tessellationSourceOf(c);
        const dest = tessellationJarsDir(o.jarsDir, o.tessellationVersion);
        out.push({ key: "ottochain.tessellationSource", url: t.url, ref: t.ref, dir: sourceDir("tessellation"), makes: built.map((j) => path.posix.join(dest, j.jar)) });
    }
    return out;
}

/** A file a build made is there: present and not empty (as the build script counts it, `[ -s ]`). */
export function madeFile(f: string): boolean {
    try {
        return fs.statSync(f).size > 0;
    } catch {
        return false;
    }
}

/** What of a source's build is still to make: the absent files (every source without `makes` needs its checkout: undefined). */
export function stillToMake(s: GitSource, made: (f: string) => boolean = madeFile): string[] | undefined {
    return s.makes?.filter((f) => !made(f));
}

/** A source's url and ref go together: the problem when only one is set (`repository` says which, e.g. "the metagraph repository"). */
export function urlRefProblems(key: GitSourceKey, repository: string, s: { url?: string; ref?: string }): string[] {
    if ((s.url === undefined) === (s.ref === undefined)) return [];
    const show = (v?: string) => JSON.stringify(v) ?? "nothing";
    return [`${NS}:${key}.url and ${NS}:${key}.ref go together: ${repository} and the branch, tag or commit to build (got url ${show(s.url)}, ref ${show(s.ref)})`];
}

/** The rules of the git source keys: url and ref together; the jars' sources in dev only. */
export function gitSourceProblems(c: Pick<PlainConfig, "ottochain" | "topology">): string[] {
    const m = c.ottochain.source;
    const out: string[] = urlRefProblems("ottochain.source", "the metagraph repository", m);
    if (c.topology === "prod" && m.url !== undefined) {
        out.push(`${NS}:ottochain.source is built on this machine in dev only; in prod build the jars once and set ${NS}:ottochain.jarsSource to them (got url "${m.url}")`);
    }
    const t = c.ottochain.tessellationSource;
    if (c.topology === "prod" && t !== undefined) {
        out.push(`${NS}:ottochain.tessellationSource is built on this machine in dev only; in prod leave it unset and put the Tessellation jars in ${NS}:ottochain.jarsSource ` +
            `(tessellation/<tessellationVersion>/) (got ${JSON.stringify(t)})`);
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
        const commit = inDir("rev-parse", "HEAD");
        // The tags at this commit too, so `git describe` answers here what it does in a full clone
        // (upstream builds take their version from it: see buildVersion).
        for (const tag of tagsAt(git(["ls-remote", "--tags", "--", s.url]), commit)) inDir("fetch", "--quiet", "--depth", "1", "--", s.url, `+refs/tags/${tag}:refs/tags/${tag}`);
        return { commit, fetched: true };
    } catch (e) {
        throw new GitSourceError(`${NS}:${s.key}: could not check out ref "${s.ref}" of "${s.url}" into ${s.dir}: ${lastLine(e)}. ` +
            `Check ${NS}:${s.key}.url and ${NS}:${s.key}.ref (a branch, a tag or a full commit id the server serves)`);
    }
}

/** The tag names `git ls-remote --tags` lists at a commit (a lightweight tag, or an annotated one peeled by `^{}`). */
export function tagsAt(lsRemote: string, commit: string): string[] {
    const out = new Set<string>();
    for (const line of lsRemote.split("\n")) {
        const m = /^([0-9a-f]{40})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
        if (m && m[1] === commit) out.add(m[2]);
    }
    return [...out].sort();
}

/**
 * The version scitt-ccf-ledger's docker/build.sh passes as SCITT_VERSION_OVERRIDE: `git describe
 * --tags --long --always` in the checkout (scitt-ccf-ledger docker/build.sh @ f7974844; without the
 * arg app/cmake/version.cmake runs git describe inside the build, which has no .git, and stops).
 * chainfleet:scitt.version, when set, wins. Throws naming the key when the context is no checkout.
 */
export function scittBuildVersion(c: Pick<PlainConfig, "scitt">, git: Git = realGit): string | undefined {
    if (!c.scitt.enabled || c.scitt.image !== undefined || c.scitt.buildContext === undefined) return undefined;
    if (c.scitt.version !== undefined) return c.scitt.version;
    try {
        return git(["-C", c.scitt.buildContext, "describe", "--tags", "--long", "--always"]);
    } catch (e) {
        throw new GitSourceError(`${NS}:scitt.buildContext: "${c.scitt.buildContext}" is no git checkout to compute the build's version from (${lastLine(e)}), as upstream's docker/build.sh does: ` +
            `build from a clone, or set ${NS}:scitt.version (e.g. 0.18.2-0-gf797484)`);
    }
}

/** A file's text, or undefined when it cannot be read. */
function readText(f: string): string | undefined {
    try {
        return fs.readFileSync(f, "utf8");
    } catch {
        return undefined;
    }
}

/**
 * When a source's jars are all there, built by us from another url or ref than the configured one
 * (BUILT_FROM_FILE in their directory), why that cannot go unnoticed: jars already there are never
 * rebuilt, so the new ref would silently run nothing new. Jars put there by hand have no record.
 */
export function builtFromProblem(s: GitSource, read: (f: string) => string | undefined = readText): string | undefined {
    if (!s.makes?.length) return undefined;
    const dir = path.posix.dirname(s.makes[0]);
    const text = read(path.posix.join(dir, BUILT_FROM_FILE));
    if (text === undefined) return undefined;
    const field = (k: string) => text.split("\n").find((l) => l.startsWith(`${k} `))?.slice(k.length + 1);
    const url = field("url"), ref = field("ref"), commit = field("commit");
    if (url === s.url && ref === s.ref) return undefined;
    const fix = s.key === "ottochain.source"
        ? `to build and roll out the new ref, give it a new ${NS}:ottochain.metagraphVersion (its own jars directory; this version's jars stay for a rollback)`
        : `to build the new ref, move the jars out of ${dir} (a version's jars are never overwritten)`;
    return `${NS}:${s.key} is url "${s.url}" ref "${s.ref}", but the jars in ${dir} were built from url "${url ?? "?"}" ref "${ref ?? "?"}" (commit ${commit ?? "?"}) and are what would run: ` +
        `${fix}, or set ${NS}:${s.key} back`;
}

/**
 * Every git source of the config whose build has something to make, checked out; one line each to
 * log (also for a source left alone because its jars are there). Throws naming the key, also when
 * the jars there were built from another source than the configured one (builtFromProblem).
 */
export function ensureGitSources(c: SourcesConfig, git: Git = realGit, made: (f: string) => boolean = madeFile, read: (f: string) => string | undefined = readText): string[] {
    return gitSources(c).map((s) => {
        if (stillToMake(s, made)?.length === 0) {
            const stale = builtFromProblem(s, read);
            if (stale) throw new GitSourceError(stale);
            return `${NS}:${s.key}: its jars (${s.makes!.map((f) => path.posix.basename(f)).join(", ")} in ${path.posix.dirname(s.makes![0])}) are there: nothing to build, ${s.dir} not checked out`;
        }
        const r = ensureGitSource(s, git);
        const pin = /^[0-9a-f]{40}$/.test(s.ref) ? "" : ` (ref "${s.ref}" moves: pin a full commit id for builds that repeat)`;
        return `${NS}:${s.key}: ${s.dir} at ${r.commit}${r.fetched ? `, fetched from ${s.url}` : ""}${pin}`;
    });
}

/** The git source of one config key, when the config builds from it. */
export function gitSourceOf(c: SourcesConfig, key: GitSourceKey): GitSource | undefined {
    return gitSources(c).find((s) => s.key === key);
}
