// Tessellation's jars built from its source in dev (chainfleet:ottochain.tessellationSource,
// stacks/gitSources.ts, stacks/releaseJars.ts, stacks/dev.ts): the key's defaults and rules; per
// jar, a pin downloads and anything else needed is built; the dev plan's build command and what
// waits for it; the preflight's messages; and day 2 through the lifecycle engine: a first plan with
// no jars checks the sources out and creates both build commands, and once the jars are there a
// second plan fetches nothing, checks nothing out and changes no resource. Sources are local
// repositories (file://); the upstream defaults are played by test/harness/offlineSources.ts.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ChainfleetConfig } from "../stacks/config/schema";
import { ConfigError, loadConfig } from "../stacks/config/load";
import { ensureGitSources, gitSourceOf, realGit, tessellationSourceOf } from "../stacks/gitSources";
import { SBT_BUILDER_IMAGE, TESSELLATION_SOURCE_DEFAULTS } from "../stacks/config/schema";
import { preflight, PreflightProbes } from "../stacks/preflight";
import { tessellationJarSources } from "../stacks/releaseJars";
import { buildConfig, byName, dependsOnTransitively, FAKE_PROD_SECRETS, Graph, Overrides, planStack, configSourceOf } from "./harness/graph";
import { describeSteps, up } from "./harness/lifecycle";
import { offlineSource } from "./harness/offlineSources";
import { StackName } from "./harness/stackConfig";
import { tempDir } from "./util/tools";
import { gitRepo } from "./util/gitRepo";

const NS = "chainfleet";
const VERSION = "4.0.0-rc.2";
const TESSELLATION_JAR_NAMES = ["global-l0.jar", "cl-keytool.jar", "cl-wallet.jar"];
const METAGRAPH_JAR_NAMES = ["metagraph-l0.jar", "currency-l1.jar", "data-l1.jar"];
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Loads a stack file plus overrides the way the program does, the chainfleet:ottochain value
 * then changed by `edit` (after the harness's offline stand-ins, so a default stays upstream's).
 */
function loadEdited(stack: StackName, overrides: Overrides, edit: (o: Record<string, unknown>) => void): ChainfleetConfig {
    const { config, secretKeys } = buildConfig(stack, overrides, stack === "prod" ? FAKE_PROD_SECRETS : {});
    const o = JSON.parse(config["chainfleet:ottochain"]) as Record<string, unknown>;
    edit(o);
    config["chainfleet:ottochain"] = JSON.stringify(o);
    return loadConfig(configSourceOf(config, secretKeys, stack));
}

function problemsOf(f: () => unknown): string[] {
    try {
        f();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

/** A dev config loaded through the harness (its sources played offline). */
function devConfig(overrides: Overrides = {}): ChainfleetConfig {
    return loadEdited("dev", { "ottochain.tessellationVersion": VERSION, ...overrides }, () => undefined);
}

/** A repository tagged v<VERSION> on branch main: a ref that is not a commit id, so a checkout of it always fetches. */
function originRepo(name: string): { url: string; head: string; dir: string } {
    const repo = gitRepo(path.join(tempDir(`origin-${name}-`), name), { branch: "main" });
    return { url: repo.url, head: repo.commit({ "build.sbt": `// ${name}\n` }, name, `v${VERSION}`), dir: repo.dir };
}

function writeJars(dir: string, names: string[]): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const j of names) fs.writeFileSync(path.join(dir, j), `a ${j}`);
}

const infoLines = (g: Graph) => g.logs.filter((l) => l.severity === "info").map((l) => l.message);

describe("chainfleet:ottochain.tessellationSource: config", () => {
    it("unset in dev: Tessellation upstream at v<tessellationVersion> (a leading v added once), the metagraph's builder image, enabled", () => {
        const c = loadEdited("dev", { "ottochain.tessellationVersion": VERSION }, (o) => delete o.tessellationSource);
        assert.equal(c.ottochain.tessellationSource, undefined);
        assert.deepEqual(tessellationSourceOf(c), { url: "https://github.com/Constellation-Labs/tessellation.git", ref: `v${VERSION}`, builderImage: SBT_BUILDER_IMAGE, enabled: true });
        assert.equal(tessellationSourceOf(c).builderImage, c.ottochain.source.builderImage, "the same pinned sbt image as chainfleet:ottochain.source.builderImage");
        const v = loadEdited("dev", { "ottochain.tessellationVersion": `v${VERSION}` }, (o) => delete o.tessellationSource);
        assert.equal(tessellationSourceOf(v).ref, `v${VERSION}`);
        // Partly set: the rest defaults.
        const partly = loadEdited("dev", {}, (o) => { o.tessellationSource = { ref: "develop" }; });
        assert.deepEqual(partly.ottochain.tessellationSource, { url: TESSELLATION_SOURCE_DEFAULTS.url, ref: "develop", builderImage: SBT_BUILDER_IMAGE, enabled: true });
    });

    it("set in prod is an error naming the key; a bad url, ref, image or key names each", () => {
        const prod = problemsOf(() => loadEdited("prod", {}, (o) => { o.tessellationSource = { enabled: false }; }));
        assert.ok(prod.includes(`${NS}:ottochain.tessellationSource is built on this machine in dev only; in prod leave it unset and put the Tessellation jars in ${NS}:ottochain.jarsSource ` +
            `(tessellation/<tessellationVersion>/) (got {"url":"${TESSELLATION_SOURCE_DEFAULTS.url}","builderImage":"${SBT_BUILDER_IMAGE}","enabled":false})`), prod.join("\n"));
        assert.ok(!problemsOf(() => loadEdited("prod", {}, (o) => delete o.tessellationSource)).some((p) => p.includes("tessellationSource")));
        const bad = problemsOf(() => loadEdited("dev", {}, (o) => { o.tessellationSource = { url: "github.com/x", ref: "-x", builderImage: "sbt:latest", enabled: "yes", branch: "main" }; }));
        for (const expected of [
            /^chainfleet:ottochain\.tessellationSource\.url must be a git URL \(https:\/\/, ssh:\/\/, git:\/\/, file:\/\/ or user@host:path\) with no space, quote, \$ or shell syntax \(got "github\.com\/x"\)$/,
            /^chainfleet:ottochain\.tessellationSource\.ref must be a branch, tag or commit id \(got "-x"\)$/,
            /^chainfleet:ottochain\.tessellationSource\.builderImage must be an image pinned/,
            /^chainfleet:ottochain\.tessellationSource\.enabled must be/,
            /^chainfleet:ottochain\.tessellationSource has unknown key "branch"/,
        ]) assert.ok(bad.some((p) => expected.test(p)), `${expected}\n${bad.join("\n")}`);
    });
});

describe("Tessellation jars: downloaded when pinned, else built", () => {
    it("per jar: a pin downloads it, an unpinned one is built, none when the source is off; global-l0.jar only with a self-hosted GL0", () => {
        const pins = { "ottochain.releaseSha256": { "cl-wallet.jar": sha("w") } };
        assert.deepEqual(tessellationJarSources(devConfig(pins)), [
            { jar: "global-l0.jar", how: "build" }, { jar: "cl-keytool.jar", how: "build" }, { jar: "cl-wallet.jar", how: "download" },
        ]);
        assert.deepEqual(tessellationJarSources(devConfig({ ...pins, "ottochain.tessellationSource.enabled": false })), [
            { jar: "global-l0.jar", how: "none" }, { jar: "cl-keytool.jar", how: "none" }, { jar: "cl-wallet.jar", how: "download" },
        ]);
        const external = { "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": "a".repeat(128), "ottochain.globalL0.host": "10.0.0.9" };
        assert.deepEqual(tessellationJarSources(devConfig({ ...pins, ...external })).map((j) => j.jar), ["cl-keytool.jar", "cl-wallet.jar"]);
        // What the source's checkout is made for: the built jars only, never a pinned one.
        const c = devConfig({ ...pins, "ottochain.jarsDir": "/j" });
        assert.deepEqual(gitSourceOf(c, "ottochain.tessellationSource")?.makes, [`/j/tessellation/${VERSION}/global-l0.jar`, `/j/tessellation/${VERSION}/cl-keytool.jar`]);
        const all = devConfig({ "ottochain.releaseSha256": Object.fromEntries(TESSELLATION_JAR_NAMES.map((j) => [j, sha(j)])) });
        assert.equal(gitSourceOf(all, "ottochain.tessellationSource"), undefined, "every jar pinned: nothing to build");
    });

    it("a checkout is made only while a jar to build is absent: a pinned jar (downloaded first) never asks for one", () => {
        const origin = originRepo("tessellation");
        const jarsDir = path.join(tempDir(), "jars");
        const dest = path.join(jarsDir, "tessellation", VERSION);
        const calls: string[][] = [];
        const counting = (args: string[]) => { calls.push(args); return realGit(args); };
        const c = devConfig({
            "ottochain.jarsDir": jarsDir, "ottochain.source": {}, "scitt.enabled": false,
            "ottochain.tessellationSource": { url: origin.url }, "ottochain.releaseSha256": { "cl-wallet.jar": sha("w") },
        });
        // The jars to build are there; the pinned one is not (yet): no git at all.
        writeJars(dest, ["global-l0.jar", "cl-keytool.jar"]);
        assert.deepEqual(ensureGitSources(c, counting), [
            `${NS}:ottochain.tessellationSource: its jars (global-l0.jar, cl-keytool.jar in ${dest}) are there: nothing to build, .chainfleet/src/tessellation not checked out`,
        ]);
        assert.equal(calls.length, 0, "no git at all");
        // One to build is absent (an empty file counts as absent, as the build script counts it): the tag is fetched.
        fs.writeFileSync(path.join(dest, "cl-keytool.jar"), "");
        const [line] = ensureGitSources(c, counting);
        assert.equal(line, `${NS}:ottochain.tessellationSource: .chainfleet/src/tessellation at ${origin.head}, fetched from ${origin.url} (ref "v${VERSION}" moves: pin a full commit id for builds that repeat)`);
        assert.ok(calls.some((a) => a.includes("fetch") && a.includes(`v${VERSION}`)));
    });
});

describe("Tessellation jars: the dev plan", function () {
    this.timeout(120_000);

    it("an unpinned, absent jar: ottochain-tessellation-jars builds the needed jars into the version's directory; the dev genesis, every keygen and every node wait for it", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        // The pinned jar is in place (as downloaded), so nothing is fetched (a base URL nothing answers on).
        writeJars(path.join(jarsDir, "tessellation", VERSION), ["cl-wallet.jar"]);
        const g = await planStack("dev", {
            "ottochain.tessellationVersion": VERSION, "ottochain.jarsDir": jarsDir, "ottochain.releaseSha256": { "cl-wallet.jar": sha("a cl-wallet.jar") },
            "ottochain.releaseBaseUrl": "http://127.0.0.1:9", preflight: "off",
        });
        const build = byName(g, "ottochain-tessellation-jars");
        const create = String(build.inputs.create);
        assert.match(create, new RegExp(`^dest=${jarsDir}/tessellation/${VERSION.replace(/\./g, "\\.")}$`, "m"));
        // The script's tasks and pairs: every needed jar (a pinned one is downloaded before, so it is there and kept).
        for (const [task, pair] of [["keytool/assembly", "keytool:cl-keytool.jar"], ["wallet/assembly", "wallet:cl-wallet.jar"], ["dagL0/assembly", "dag-l0:global-l0.jar"]]) {
            assert.ok(create.includes(`tasks+=(${task}); pairs+=(${pair})`), task);
        }
        assert.ok(create.includes(`--build-arg RELEASE_TAG=v${VERSION} --target jars --tag "$tag" .chainfleet/src/tessellation >&2`), create);
        // The configured ref (here the offline stand-in's commit id) is recorded by the build; no other commit is in it.
        assert.ok(!/[0-9a-f]{40}/.test(create.split(offlineSource(TESSELLATION_SOURCE_DEFAULTS.url).ref).join("")), "no commit in the command: a plan need not check out");
        const waiting = g.resources.filter((r) => r.name === "ottochain-dev-genesis" || /^ottochain-.*-key$/.test(r.name) || /^ottochain-.*-container$/.test(r.name) && r.type === "docker:index/container:Container");
        assert.ok(waiting.length >= 1 + 8 + 8, waiting.map((r) => r.name).join(", "));
        for (const r of waiting) assert.ok(dependsOnTransitively(g, r, build), `${r.name} does not wait for the Tessellation jars`);
        // An external GL0 needs no global-l0.jar: no dagL0 task.
        const ext = await planStack("dev", {
            "ottochain.tessellationVersion": VERSION, "ottochain.jarsDir": jarsDir, preflight: "off",
            "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": "a".repeat(128), "ottochain.globalL0.host": "10.0.0.9",
        });
        assert.ok(!String(byName(ext, "ottochain-tessellation-jars").inputs.create).includes("dagL0"));
    });

    it("every needed jar pinned, or the source off: no build command", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        writeJars(path.join(jarsDir, "tessellation", VERSION), TESSELLATION_JAR_NAMES);
        const pins = Object.fromEntries(TESSELLATION_JAR_NAMES.map((j) => [j, sha(`a ${j}`)]));
        // The pins match the jars in place: nothing is downloaded (a base URL nothing answers on).
        const pinned = await planStack("dev", {
            "ottochain.tessellationVersion": VERSION, "ottochain.jarsDir": jarsDir, "ottochain.releaseSha256": pins, "ottochain.releaseBaseUrl": "http://127.0.0.1:9", preflight: "off",
        });
        assert.equal(pinned.resources.filter((r) => r.name === "ottochain-tessellation-jars").length, 0);
        const off = await planStack("dev", { "ottochain.tessellationVersion": VERSION, "ottochain.jarsDir": jarsDir, "ottochain.tessellationSource.enabled": false, preflight: "off" });
        assert.equal(off.resources.filter((r) => r.name === "ottochain-tessellation-jars").length, 0);
        assert.ok(!infoLines(off).some((l) => l.includes("tessellationSource")), "no checkout either");
    });
});

describe("Tessellation jars: the preflight", () => {
    const probes = (f: { missing?: string[]; unwritable?: string[] }): PreflightProbes => ({
        dockerGet: async (_e, p) => (p === "/_ping" ? { status: 200, body: "OK" } : p === "/info" ? { status: 200, body: JSON.stringify({ MemTotal: 2 ** 36 }) } : { status: 200, body: "[]" }),
        listen: async () => undefined,
        totalMemoryMiB: () => 65536,
        exists: (p) => !(f.missing ?? []).some((m) => p === m || p.startsWith(`${m}/`)),
        writable: (p) => !(f.unwritable ?? []).includes(p),
    });
    const ENV = { DOCKER_HOST: "unix:///var/run/docker.sock" };
    const ready = (overrides: Overrides = {}) => {
        const dir = tempDir("chainfleet-preflight-");
        return devConfig({
            "ottochain.jarsDir": path.join(dir, "jars"), "ottochain.keysDir": path.join(dir, "keys"), "ottochain.genesisDir": path.join(dir, "genesis"),
            "scitt.source": undefined, "scitt.image": "example.org/scitt:1.0", "ottochain.source": {}, ...overrides,
        });
    };

    it("an unpinned, absent jar is buildable: no problem while the source is on", async () => {
        const c = ready();
        const missing = TESSELLATION_JAR_NAMES.map((j) => path.join(c.ottochain.jarsDir, "tessellation", VERSION, j));
        assert.deepEqual((await preflight(c, probes({ missing }), ENV)).problems, []);
    });

    it("the source off and a jar neither there nor pinned: one message naming releaseSha256, tessellationSource.enabled and jarsDir", async () => {
        const c = ready({ "ottochain.tessellationSource.enabled": false, "ottochain.releaseSha256": { "cl-wallet.jar": sha("w") } });
        const dir = path.join(c.ottochain.jarsDir, "tessellation", VERSION);
        const r = await preflight(c, probes({ missing: [path.join(dir, "global-l0.jar"), path.join(dir, "cl-keytool.jar")] }), ENV);
        assert.deepEqual(r.problems, [
            `${NS}:ottochain.jarsDir "${c.ottochain.jarsDir}" lacks tessellation/${VERSION}/global-l0.jar, tessellation/${VERSION}/cl-keytool.jar and ${NS}:ottochain.tessellationSource.enabled is false, so nothing builds them: ` +
            `pin ${NS}:ottochain.releaseSha256.<jar> to download them from the Tessellation ${VERSION} release, set ${NS}:ottochain.tessellationSource.enabled to true to build them from source, ` +
            `put them there, or set ${NS}:ottochain.jarsDir to the directory that holds them`,
        ]);
    });

    it("a build with jars to make and a jarsDir this user cannot write: the message names the sources and jarsDir", async () => {
        const origin = "https://example.org/ottochain.git";
        const c = ready({ "ottochain.source": { url: origin, ref: "v1" } });
        const o = c.ottochain;
        const missing = [path.join(o.jarsDir, "tessellation", VERSION, "cl-wallet.jar"), path.join(o.jarsDir, "metagraph", o.metagraphVersion, "data-l1.jar")];
        const r = await preflight(c, probes({ missing, unwritable: [o.jarsDir] }), ENV);
        assert.deepEqual(r.problems, [
            `${NS}:ottochain.jarsDir "${o.jarsDir}" cannot be written by this user, so the jars of ${NS}:ottochain.source and ${NS}:ottochain.tessellationSource cannot be built into it: ` +
            `set ${NS}:ottochain.jarsDir to a directory you own`,
        ]);
        // Everything built already: an unwritable jarsDir is no problem.
        assert.deepEqual((await preflight(c, probes({ unwritable: [o.jarsDir] }), ENV)).problems, []);
    });
});

describe("Tessellation and metagraph jars: day 2", function () {
    this.timeout(180_000);

    it("first plan with no jars checks both sources out and creates both builds; with the jars there a second plan fetches nothing, checks nothing out and changes nothing", async () => {
        const tessellation = originRepo("tessellation");
        const metagraph = originRepo("ottochain");
        const jarsDir = path.join(tempDir(), "jars");
        // Refs that move (a tag and a branch), so a checkout would fetch; the origins go away before the second plan.
        const overrides: Overrides = {
            "ottochain.tessellationVersion": VERSION, "ottochain.metagraphVersion": "1.0.0", "ottochain.jarsDir": jarsDir, preflight: "off",
            "ottochain.tessellationSource": { url: tessellation.url }, "ottochain.source": { url: metagraph.url, ref: "main" },
        };
        const first = await up("dev", undefined, overrides);
        const created = first.steps.filter((s) => s.op === "create").map((s) => s.name);
        assert.ok(created.includes("ottochain-tessellation-jars") && created.includes("ottochain-metagraph-jars"), created.join(", "));
        const fetched = infoLines(first.graph).filter((l) => l.includes(", fetched from "));
        assert.ok(fetched.some((l) => l.startsWith(`${NS}:ottochain.tessellationSource: .chainfleet/src/tessellation at ${tessellation.head}, fetched from ${tessellation.url}`)), fetched.join("\n"));
        assert.ok(fetched.some((l) => l.startsWith(`${NS}:ottochain.source: .chainfleet/src/ottochain-metagraph at ${metagraph.head}, fetched from ${metagraph.url}`)), fetched.join("\n"));

        writeJars(path.join(jarsDir, "tessellation", VERSION), TESSELLATION_JAR_NAMES);
        writeJars(path.join(jarsDir, "metagraph", "1.0.0"), METAGRAPH_JAR_NAMES);
        for (const o of [tessellation, metagraph]) fs.rmSync(o.dir, { recursive: true, force: true });

        const second = await up("dev", first.state, overrides);
        assert.equal(describeSteps(second.steps), "", "every resource the same");
        assert.equal(second.steps.length, first.steps.length);
        const lines = infoLines(second.graph);
        assert.ok(lines.includes(`${NS}:ottochain.tessellationSource: its jars (global-l0.jar, cl-keytool.jar, cl-wallet.jar in ${jarsDir}/tessellation/${VERSION}) are there: nothing to build, .chainfleet/src/tessellation not checked out`), lines.join("\n"));
        assert.ok(lines.includes(`${NS}:ottochain.source: its jars (metagraph-l0.jar, currency-l1.jar, data-l1.jar in ${jarsDir}/metagraph/1.0.0) are there: nothing to build, .chainfleet/src/ottochain-metagraph not checked out`), lines.join("\n"));
    });
});
