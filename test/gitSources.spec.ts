// Builds from git (stacks/gitSources.ts): checkouts made for real from a local repository served
// as a file:// URL (no network), reused without a fetch when already at the commit, cleaned when
// touched, and every failure named by its config key; then the plan builds SCITT from it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureGitSource, ensureGitSources, GitSource, realGit, scittBuildVersion, tagsAt } from "../stacks/gitSources";
import { byName, defaultPlan, dependsOnTransitively, planStack } from "./harness/graph";
import { readStackConfig } from "./harness/stackConfig";
import { expectProblem, problems } from "./harness/configLoad";
import { run, tempDir } from "./util/tools";
import { gitRepo } from "./util/gitRepo";

/** A repository with a Dockerfile at docker/Dockerfile: tag v1, then a second commit on main. */
function originRepo(): { url: string; v1: string; head: string; dir: string } {
    const repo = gitRepo(tempDir("origin-"), { branch: "main" }); // serves any commit id, as GitHub serves reachable ones
    const v1 = repo.commit({ "docker/Dockerfile": "FROM scratch\n" }, "one", "v1");
    return { url: repo.url, v1, head: repo.commit({ README: "two\n" }, "two"), dir: repo.dir };
}

describe("git sources", function () {
    this.timeout(60_000);
    let origin: ReturnType<typeof originRepo>;
    before(() => { origin = originRepo(); });
    const source = (ref: string, dir = path.join(tempDir("checkout-"), "scitt")): GitSource => ({ key: "scitt.source", url: origin.url, ref, dir });

    it("checks out a tag, a branch or a commit; an already checked-out commit is reused without a fetch", () => {
        const s = source("v1");
        assert.deepEqual(ensureGitSource(s), { commit: origin.v1, fetched: true });
        assert.ok(fs.existsSync(path.join(s.dir, "docker", "Dockerfile")));
        assert.deepEqual(ensureGitSource({ ...s, ref: "main" }), { commit: origin.head, fetched: true });
        const calls: string[][] = [];
        const counting = (args: string[]) => { calls.push(args); return realGit(args); };
        const pinned = { ...s, ref: origin.head };
        assert.deepEqual(ensureGitSource(pinned, counting), { commit: origin.head, fetched: false });
        assert.ok(!calls.some((a) => a.includes("fetch")), "no fetch for a commit already checked out");
    });

    it("a checkout has the tags at its commit, so the build's version is what upstream's build.sh computes in a clone", () => {
        const s = source(origin.v1);
        ensureGitSource(s);
        const config = (dir: string, version?: string) => ({ scitt: { enabled: true, buildContext: dir, version } }) as Parameters<typeof scittBuildVersion>[0];
        assert.equal(scittBuildVersion(config(s.dir)), `v1-0-g${origin.v1.slice(0, 7)}`);
        assert.equal(scittBuildVersion(config(s.dir, "1.2.3-custom")), "1.2.3-custom", "chainfleet:scitt.version wins");
        assert.equal(scittBuildVersion({ scitt: { enabled: true, image: "x/y:1", buildContext: undefined } } as never), undefined, "an image is not built");
        assert.throws(() => scittBuildVersion(config(tempDir("no-git-"))), /chainfleet:scitt\.buildContext: ".*" is no git checkout to compute the build's version from .*set chainfleet:scitt\.version/);
        assert.deepEqual(tagsAt(`${origin.v1}\trefs/tags/a\n${"1".repeat(40)}\trefs/tags/b\n${origin.v1}\trefs/tags/c^{}\n`, origin.v1), ["a", "c"]);
    });

    it("a touched checkout is brought back to the ref, untracked files gone", () => {
        const s = source(origin.v1);
        ensureGitSource(s);
        fs.writeFileSync(path.join(s.dir, "docker", "Dockerfile"), "FROM evil\n");
        fs.writeFileSync(path.join(s.dir, "stray"), "x");
        assert.equal(ensureGitSource(s).fetched, true);
        assert.equal(fs.readFileSync(path.join(s.dir, "docker", "Dockerfile"), "utf8"), "FROM scratch\n");
        assert.ok(!fs.existsSync(path.join(s.dir, "stray")));
    });

    it("a ref the server does not have, or no git, fails naming the key, the ref and the URL", () => {
        assert.throws(() => ensureGitSource(source("no-such-branch")),
            (e: Error) => /^chainfleet:scitt\.source: could not check out ref "no-such-branch" of "file:\/\/\S+" into \S+: .*no-such-branch.*Check chainfleet:scitt\.source\.url and chainfleet:scitt\.source\.ref/.test(e.message));
        const noGit = () => { throw Object.assign(new Error("spawn git ENOENT"), { code: "ENOENT" }); };
        assert.throws(() => ensureGitSource(source("v1"), noGit), /: git is not installed on this machine\./);
    });

    it("says when a ref moves", () => {
        const c = { topology: "dev", scitt: { enabled: true, source: { url: origin.url, ref: "main" } }, ottochain: { enabled: false, source: {} } } as Parameters<typeof ensureGitSources>[0];
        const [line] = ensureGitSources(c);
        assert.match(line, /at [0-9a-f]{40}, fetched from file:\/\/.* \(ref "main" moves: pin a full commit id for builds that repeat\)$/);
    });

    it("the metagraph's source: url and ref together, and built in dev only", () => {
        expectProblem(problems("dev", { "ottochain.source": { url: "https://github.com/Constellation-Labs/metagraph-examples.git" } }), /^chainfleet:ottochain\.source\.url and chainfleet:ottochain\.source\.ref go together/);
        expectProblem(problems("prod", { "ottochain.source": { url: "https://github.com/x/y.git", ref: "v1" } }),
            'chainfleet:ottochain.source is built on this machine in dev only; in prod build the jars once and set chainfleet:ottochain.jarsSource to them (got url "https://github.com/x/y.git")');
        expectProblem(problems("dev", { "ottochain.source": { url: "https://github.com/x/y.git", ref: "v1", builderImage: "sbt:latest" } }), /^chainfleet:ottochain\.source\.builderImage must be an image pinned/);
    });

    it("the dev stack file builds SCITT from upstream at a pinned commit, played offline by a local repository", async () => {
        const file = readStackConfig("dev")["chainfleet:scitt"] as { source: { url: string; ref: string }; buildContext?: string; image?: string };
        assert.deepEqual([file.source.url, /^[0-9a-f]{40}$/.test(file.source.ref), file.buildContext, file.image], ["https://github.com/microsoft/scitt-ccf-ledger.git", true, undefined, undefined]);
        const g = await defaultPlan("dev");
        assert.equal((byName(g, "scitt-image").inputs.build as { context: string }).context, path.join(".chainfleet", "src", "scitt-ccf-ledger"));
    });

    it("config: exactly one of image, buildContext and source.url; url and ref together", () => {
        expectProblem(problems("dev", { "scitt.buildContext": "../scitt-ccf-ledger", "scitt.source": { url: "https://example.org/scitt-ccf-ledger.git", ref: "v0.9.0" } }),
            /^chainfleet:scitt\.image, chainfleet:scitt\.buildContext and chainfleet:scitt\.source\.url: set exactly one \(got image nothing, buildContext "\.\.\/scitt-ccf-ledger", source\.url "https:/);
        expectProblem(problems("dev", { "scitt.source": { url: "https://example.org/scitt-ccf-ledger.git" } }),
            /^chainfleet:scitt\.source\.url and chainfleet:scitt\.source\.ref go together/);
        expectProblem(problems("dev", { "scitt.source": { url: "github.com/x", ref: "v1" } }),
            'chainfleet:scitt.source.url must be a git URL (https://, ssh://, git://, file:// or user@host:path) with no space, quote, $ or shell syntax (got "github.com/x")');
    });

    it("the dev plan builds the metagraph's jars from ottochain.source into its version's directory, and every metagraph node waits for them", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        const g = await planStack("dev", { "ottochain.source": { url: origin.url, ref: origin.v1 }, "ottochain.metagraphVersion": "1.4.2", "ottochain.jarsDir": jarsDir, preflight: "off" });
        const build = byName(g, "ottochain-metagraph-jars");
        assert.deepEqual((build.inputs.triggers as string[]).slice(0, 2), [origin.url, origin.v1], "rebuilt for another source or ref");
        assert.match(String(build.inputs.create), /--target jars --tag "\$tag" \.chainfleet\/src\/ottochain-metagraph >&2/);
        assert.match(String(build.inputs.create), /^dest=\S+jars\/metagraph\/1\.4\.2$/m);
        for (const task of ["currencyL0/assembly", "currencyL1/assembly", "dataL1/assembly"]) assert.ok(String(build.inputs.create).includes(`tasks+=(${task})`), task);
        for (const n of ["ottochain-ml0-container", "ottochain-cl1-cl1-0-container", "ottochain-dl1-dl1-2-container"]) {
            assert.ok(dependsOnTransitively(g, byName(g, n), build), `${n} does not wait for the jars`);
        }
        const without = await planStack("dev", { "ottochain.source": {}, preflight: "off" });
        assert.equal(without.resources.filter((r) => r.name === "ottochain-metagraph-jars").length, 0);
    });

    it("the dev plan builds SCITT from the checkout, named relative to the project", async () => {
        const g = await planStack("dev", { "scitt.source": { url: origin.url, ref: origin.v1 }, preflight: "off" });
        const build = byName(g, "scitt-image").inputs.build as { context: string; dockerfile: string };
        assert.equal(build.context, path.join(".chainfleet", "src", "scitt-ccf-ledger"));
        assert.equal(build.dockerfile, path.join(".chainfleet", "src", "scitt-ccf-ledger", "docker", "Dockerfile"));
        assert.equal(run("git", ["-C", build.context, "rev-parse", "HEAD"]).stdout.trim(), origin.v1);
    });
});
