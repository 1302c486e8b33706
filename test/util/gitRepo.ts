// A local git repository for specs and the e2e stand-ins, served over file:// as a remote would
// serve it: commits of given files (an *.sh file executable), optional tags, any commit id
// fetchable (uploadpack.allowAnySHA1InWant, as GitHub serves any reachable commit).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface GitRepo {
    dir: string;
    url: string;
    /** Writes the files, commits them (and tags the commit when asked); returns the commit id. */
    commit(files: Record<string, string>, message: string, tag?: string): string;
}

/**
 * A new repository in dir (made, or emptied first). `date` fixes the commits' dates, so the same
 * files give the same commit id in every process; `branch` names the first branch.
 */
export function gitRepo(dir: string, opts: { date?: string; branch?: string } = {}): GitRepo {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const env = opts.date ? { ...process.env, GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date } : process.env;
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=chainfleet-tests", "-c", "user.email=tests@example.invalid", ...args], { encoding: "utf8", env }).trim();
    git("init", "--quiet", ...(opts.branch ? [`--initial-branch=${opts.branch}`] : []));
    git("config", "uploadpack.allowAnySHA1InWant", "true");
    return {
        dir,
        url: `file://${dir}`,
        commit(files, message, tag) {
            for (const [rel, content] of Object.entries(files)) {
                const f = path.join(dir, rel);
                fs.mkdirSync(path.dirname(f), { recursive: true });
                fs.writeFileSync(f, content, { mode: rel.endsWith(".sh") ? 0o755 : 0o644 });
            }
            git("add", ".");
            git("commit", "--quiet", "-m", message);
            if (tag) git("tag", tag);
            return git("rev-parse", "HEAD");
        },
    };
}
