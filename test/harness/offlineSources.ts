// The offline harness's stand-ins for the git sources the stack files and the config defaults name
// upstream, which no spec may fetch (no network here, and a spec must not depend on one):
// - github.com/microsoft/scitt-ccf-ledger (chainfleet:scitt.source in the dev stack file): its
//   commit holds docker/Dockerfile, all a plan opens (the Docker provider's Check);
// - github.com/scasplte2/ottochain (chainfleet:ottochain.source) and
//   github.com/Constellation-Labs/tessellation (chainfleet:ottochain.tessellationSource, its
//   default url): a plan only checks them out, and only while their jars are to be built; each
//   holds a build.sbt naming upstream's project ids and module directories (scasplte2/ottochain
//   build.sbt; Constellation-Labs/tessellation build.sbt) and nothing that builds.
// buildConfig points each such source at a local repository in one directory per content under
// the temp dir, made by the first process that needs it; its commit is the same in every process
// (fixed dates), so its URL and a checkout another process left are reused.
// They reproduce a checkout's layout; they build nothing the systems run.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TESSELLATION_SOURCE_DEFAULTS } from "../../stacks/config/schema";
import { gitRepo } from "../util/gitRepo";
import { contentDir } from "./contentDir";

interface StandIn {
    /** What it stands in for, in its one commit's message. */
    what: string;
    files: Record<string, string>;
}

const sbtBuild = (what: string, projects: [string, string][]) =>
    `// offline stand-in of ${what}'s build.sbt: the project ids and directories only\n` + projects.map(([id, dir]) => `lazy val ${id} = (project in file("${dir}"))\n`).join("");

/** Upstream sources the stack files and defaults name, by URL, and their stand-ins. */
const STAND_INS: Record<string, StandIn> = {
    "https://github.com/microsoft/scitt-ccf-ledger.git": {
        what: "microsoft/scitt-ccf-ledger",
        files: { "docker/Dockerfile": "# offline stand-in of scitt-ccf-ledger's docker/Dockerfile (its build arg; nothing builds)\nFROM scratch\nARG SCITT_VERSION_OVERRIDE\n" },
    },
    "https://github.com/scasplte2/ottochain.git": {
        what: "scasplte2/ottochain",
        files: { "build.sbt": sbtBuild("scasplte2/ottochain", [["currencyL0", "modules/l0"], ["currencyL1", "modules/l1"], ["dataL1", "modules/data_l1"]]) },
    },
    [TESSELLATION_SOURCE_DEFAULTS.url]: {
        what: "Constellation-Labs/tessellation",
        files: { "build.sbt": sbtBuild("Constellation-Labs/tessellation", [["keytool", "modules/keytool"], ["wallet", "modules/wallet"], ["dagL0", "modules/dag-l0"]]) },
    },
};

export const UPSTREAM_SOURCES = new Set(Object.keys(STAND_INS));

/** chainfleet:ottochain.tessellationSource's default url, played when the key is unset. */
const TESSELLATION_URL = TESSELLATION_SOURCE_DEFAULTS.url;

const made = new Map<string, { url: string; ref: string }>();

/** The local stand-in repository (file:// URL) of an upstream URL, and its commit. */
export function offlineSource(upstream = "https://github.com/microsoft/scitt-ccf-ledger.git"): { url: string; ref: string } {
    const done = made.get(upstream);
    if (done) return done;
    const s = STAND_INS[upstream];
    if (!s) throw new Error(`no offline stand-in for ${upstream}`);
    // One directory per stand-in content, the same in every process: its file:// URL is part of a
    // build command's triggers, so a second e2e `up` (another process) must see the same URL.
    const dir = contentDir("chainfleet-offline-sources", [upstream, s],
        (d) => void gitRepo(d, { date: "2026-01-01T00:00:00Z" }).commit(s.files, `offline stand-in of ${s.what}`),
        (d) => fs.existsSync(path.join(d, ".git")));
    const r = { url: `file://${dir}`, ref: execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim() };
    made.set(upstream, r);
    return r;
}

type WithSource = { url?: string; ref?: string } | undefined;

/** A source whose url is upstream's, pointed at the stand-in (anything else unchanged). */
function played(s: WithSource): WithSource {
    return s?.url && UPSTREAM_SOURCES.has(s.url) ? { ...s, ...offlineSource(s.url) } : s;
}

/**
 * A config value (chainfleet:scitt or chainfleet:ottochain) with its upstream sources replaced by
 * the stand-ins; withTessellationDefault: the value is dev's chainfleet:ottochain, where an unset
 * tessellationSource means upstream's (prod rejects the key, so it is never added there).
 */
export function withOfflineSource(value: unknown, withTessellationDefault = false): unknown {
    if (value === null || typeof value !== "object") return value;
    const v = value as { source?: WithSource; tessellationSource?: WithSource };
    const out: Record<string, unknown> = { ...v };
    if (v.source !== undefined) out.source = played(v.source);
    if (v.tessellationSource !== undefined || withTessellationDefault) out.tessellationSource = played({ url: TESSELLATION_URL, ...v.tessellationSource });
    return out;
}

/**
 * What the offline harness plays in a config map it built: for each git source whose upstream URL
 * it pointed at a stand-in, one line naming the key, the URL and ref the stack asks for, and the
 * stand-in. `given` is the map as the user's values make it, `played` the one the plan runs on.
 */
export function playedSourceLines(given: Record<string, string>, played: Record<string, string>): string[] {
    const out: string[] = [];
    for (const [section, keys] of [["scitt", ["source"]], ["ottochain", ["source", "tessellationSource"]]] as const) {
        const parse = (m: Record<string, string>) => (m[`chainfleet:${section}`] === undefined ? {} : JSON.parse(m[`chainfleet:${section}`]) as Record<string, WithSource>);
        const before = parse(given);
        const after = parse(played);
        for (const key of keys) {
            const a = after[key];
            const b = before[key] ?? (key === "tessellationSource" ? { url: TESSELLATION_URL } : undefined);
            if (!a?.url || a.url === b?.url) continue;
            out.push(`chainfleet:${section}.${key}: ${b?.url}${b?.ref ? ` @ ${b.ref}` : ""} is played by a local stand-in repository (${a.url} @ ${a.ref?.slice(0, 12)}; test/harness/offlineSources.ts): a plan fetches nothing`);
        }
    }
    return out;
}
