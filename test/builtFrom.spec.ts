// A version's jars are never rebuilt once there (jarsBuild.ts), so a new ref for the same version
// would silently run the old jars. Each build records its source in the version's directory
// (BUILT_FROM_FILE) and the plan refuses a configured source that differs from the record, naming
// the key, both sources and the fix, before anything is registered. Jars put there by hand have no
// record and are taken as they are.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { BUILT_FROM_FILE, jarsBuildScript, METAGRAPH_BUILD } from "../components/systems/ottochain/build/jarsBuild";
import { loadConfig } from "../stacks/config/load";
import { builtFromProblem, ensureGitSources, GitSourceError, gitSourceOf } from "../stacks/gitSources";
import { buildConfig, planStack } from "./harness/graph";
import { run, stubBin, tempDir } from "./util/tools";

const NS = "chainfleet";
const METAGRAPH_JARS = METAGRAPH_BUILD.map((j) => j.jar);

/** The dev config (offline sources) with the metagraph built from `url` at `ref` into jarsDir (and no Tessellation build). */
function devConfig(jarsDir: string, url: string, ref: string) {
    const { config } = buildConfig("dev", { "ottochain.jarsDir": jarsDir, "ottochain.metagraphVersion": "1.0.0", "ottochain.source": { url, ref }, "scitt.enabled": false,
        "ottochain.tessellationSource": { enabled: false } });
    return loadConfig({ all: () => config, isSecret: () => false, stackName: () => "dev" });
}

function writeJars(dir: string, builtFrom?: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const j of METAGRAPH_JARS) fs.writeFileSync(path.join(dir, j), `a ${j}`);
    if (builtFrom !== undefined) fs.writeFileSync(path.join(dir, BUILT_FROM_FILE), builtFrom);
}

describe("jars built from a source remember it", function () {
    this.timeout(60_000);

    it("a build writes the url, the ref and the commit it built into the version's directory", () => {
        const root = tempDir();
        const dest = path.join(root, "jars", "metagraph", "1.0.0");
        const bin = stubBin({
            docker: 'case "$1" in create) echo cid-1 ;; cp) echo "built ${2##*/}" > "$3" ;; esac',
            git: "echo 0123456789abcdef0123456789abcdef01234567",
        });
        const script = jarsBuildScript({ family: "metagraph", checkout: "/src", url: "https://example.org/o.git", ref: "v1", builderImage: "sbt:1", dest, jars: METAGRAPH_BUILD });
        const r = run("bash", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(fs.readFileSync(path.join(dest, BUILT_FROM_FILE), "utf8"), "url https://example.org/o.git\nref v1\ncommit 0123456789abcdef0123456789abcdef01234567\n");
    });

    it("the same source, or jars without a record, pass without a checkout; another ref is refused naming the key, both sources and the fix", () => {
        const jarsDir = path.join(tempDir(), "jars");
        const dest = path.join(jarsDir, "metagraph", "1.0.0");
        const url = "file:///nowhere/ottochain";
        const noGit = (args: string[]): string => { throw new Error(`no git expected: ${args.join(" ")}`); };

        writeJars(dest);
        assert.match(ensureGitSources(devConfig(jarsDir, url, "v2"), noGit).join("\n"), /ottochain\.source: its jars .* are there: nothing to build/);

        fs.writeFileSync(path.join(dest, BUILT_FROM_FILE), `url ${url}\nref v1\ncommit abc123\n`);
        assert.match(ensureGitSources(devConfig(jarsDir, url, "v1"), noGit).join("\n"), /ottochain\.source: its jars .* are there: nothing to build/);

        const c = devConfig(jarsDir, url, "v2");
        assert.throws(() => ensureGitSources(c, noGit), (e: unknown) => {
            assert.ok(e instanceof GitSourceError);
            assert.equal(e.message,
                `${NS}:ottochain.source is url "${url}" ref "v2", but the jars in ${dest} were built from url "${url}" ref "v1" (commit abc123) and are what would run: ` +
                `to build and roll out the new ref, give it a new ${NS}:ottochain.metagraphVersion (its own jars directory; this version's jars stay for a rollback), or set ${NS}:ottochain.source back`);
            return true;
        });
        // Tessellation's jars are named by their release version: the fix there is to move them out.
        const t = { ...gitSourceOf(c, "ottochain.source")!, key: "ottochain.tessellationSource" as const };
        assert.match(builtFromProblem(t, () => `url ${url}\nref v0\ncommit abc\n`) ?? "", /to build the new ref, move the jars out of .* \(a version's jars are never overwritten\), or set chainfleet:ottochain\.tessellationSource back$/);
    });

    it("the program stops before registering anything when the jars there were built from another ref", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        writeJars(path.join(jarsDir, "metagraph", "1.0.0"), "url file:///elsewhere\nref old\ncommit 1\n");
        await assert.rejects(planStack("dev", { "ottochain.jarsDir": jarsDir, "ottochain.metagraphVersion": "1.0.0", "ottochain.source": { url: "file:///nowhere", ref: "new" }, preflight: "off" }),
            (e: unknown) => e instanceof Error && e.name === "GitSourceError" && e.message.includes(`${NS}:ottochain.source is url "file:///nowhere" ref "new"`));
    });
});
