// Jars built from a git source (components/systems/ottochain/build): the one build script of both
// families (the metagraph's and Tessellation's) against a stub docker — kept when present, only
// what is absent built, whole or nothing, nothing left behind — then for real on the Docker engine:
// the shipped jars.Dockerfile with a stand-in builder image (a busybox rootfs made here, nothing
// pulled) whose `sbt` resolves each project id against the checkout's build.sbt as sbt does
// ("Not a valid project ID" else), records its argv and RELEASE_TAG in the jars it writes where
// sbt-assembly would, so the ids and tasks the build passes are checked.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { BuiltJar, JARS_DOCKERFILE, JarsBuild, jarsBuildScript, METAGRAPH_BUILD, TESSELLATION_BUILD } from "../components/systems/ottochain/build/jarsBuild";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";
import { gitRepo } from "./util/gitRepo";

/** A git checkout with these files, one commit; its commit id. */
function checkout(files: Record<string, string>, dir = path.join(tempDir("jars-src-"), "src")): { dir: string; commit: string } {
    return { dir, commit: gitRepo(dir).commit(files, "source") };
}

/** build.sbt lines as upstream declares its projects: `lazy val <id> = (project in file("modules/<dir>"))`. */
const buildSbt = (jars: readonly BuiltJar[]) => jars.map((j) => `lazy val ${j.task.split("/")[0]} = (project in file("modules/${j.module}"))\n`).join("");

const FAMILIES = {
    metagraph: { jars: METAGRAPH_BUILD, dir: "metagraph/1.2.0", releaseTag: undefined },
    tessellation: { jars: TESSELLATION_BUILD, dir: "tessellation/4.0.0-rc.2", releaseTag: "v4.0.0-rc.2" },
} as const;
type Family = keyof typeof FAMILIES;

function buildOf(family: Family, src: string, root: string, extra: Partial<JarsBuild> = {}): JarsBuild {
    const f = FAMILIES[family];
    return { family, checkout: src, url: "https://example.org/x.git", ref: "v1", builderImage: "sbt:1", dest: path.join(root, "jars", f.dir), jars: f.jars, releaseTag: f.releaseTag, ...extra };
}

/** A docker stub logging each call; `cp` writes the jar it is asked for ("built <name>"), or fails when told to. */
function dockerStub(log: string, failOn?: "create" | "cp"): string {
    return stubBin({
        docker: `echo "$*" >> ${log}
case "$1" in
  build) ;;
  create) ${failOn === "create" ? "exit 1" : "echo cid-1"} ;;
  cp) ${failOn === "cp" ? "exit 1" : 'echo "built ${2##*/}" > "$3"'} ;;
esac`,
    });
}

const withPath = (bin: string) => ({ env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });

describe("jars built from source: the build script of both families", function () {
    this.timeout(60_000);

    for (const family of Object.keys(FAMILIES) as Family[]) {
        it(`${family}: the script is shellcheck-clean, and keeps a version's jars that are all there (no docker, no git)`, () => {
            const root = tempDir();
            const b = buildOf(family, "/no/checkout", root);
            assert.deepEqual(shellProblems(jarsBuildScript(b)), []);
            fs.mkdirSync(b.dest, { recursive: true });
            for (const j of b.jars) fs.writeFileSync(path.join(b.dest, j.jar), "old");
            const log = path.join(root, "calls.log");
            const r = run("bash", ["-c", jarsBuildScript(b)], withPath(stubBin({ docker: `echo "docker $*" >> ${log}`, git: `echo "git $*" >> ${log}` })));
            assert.equal(r.status, 0, r.stderr);
            assert.equal(r.stdout.trim(), `${family} jars in ${b.dest} present: kept as they are`);
            assert.ok(!fs.existsSync(log), "neither docker nor git runs for a version already built");
            for (const j of b.jars) assert.equal(fs.readFileSync(path.join(b.dest, j.jar), "utf8"), "old");
        });

        it(`${family}: a failed extraction leaves no version directory, no partial one and no container`, () => {
            const root = tempDir();
            const src = checkout({ "build.sbt": buildSbt(FAMILIES[family].jars) });
            const log = path.join(root, "docker.log");
            const b = buildOf(family, src.dir, root);
            const r = run("bash", ["-c", jarsBuildScript(b)], withPath(dockerStub(log, "cp")));
            assert.notEqual(r.status, 0);
            assert.deepEqual(fs.readdirSync(path.dirname(b.dest)), [], "nothing left in the versions directory");
            const calls = fs.readFileSync(log, "utf8").trim().split("\n");
            const tasks = b.jars.map((j) => j.task).join(" ");
            const pairs = b.jars.map((j) => `${j.module}:${j.jar}`).join(" ");
            const tag = `chainfleet-${family}-jars:${src.commit.slice(0, 12)}`;
            assert.equal(calls[0], `build --quiet --file ${JARS_DOCKERFILE} --build-arg BUILDER_IMAGE=sbt:1 --build-arg SBT_TASKS=${tasks} --build-arg JARS=${pairs} ` +
                `${b.releaseTag ? `--build-arg RELEASE_TAG=${b.releaseTag} ` : ""}--target jars --tag ${tag} ${src.dir}`);
            assert.equal(calls[calls.length - 1], "rm -f cid-1");
        });
    }

    it("builds only the jars the version's directory lacks, moves them in beside the one there, and leaves no temporary directory", () => {
        const root = tempDir();
        const src = checkout({ "build.sbt": buildSbt(TESSELLATION_BUILD) });
        const log = path.join(root, "docker.log");
        const b = buildOf("tessellation", src.dir, root);
        fs.mkdirSync(b.dest, { recursive: true });
        fs.writeFileSync(path.join(b.dest, "cl-wallet.jar"), "downloaded");
        const r = run("bash", ["-c", jarsBuildScript(b)], withPath(dockerStub(log)));
        assert.equal(r.status, 0, r.stderr);
        assert.match(fs.readFileSync(log, "utf8"), /--build-arg SBT_TASKS=keytool\/assembly dagL0\/assembly --build-arg JARS=keytool:cl-keytool.jar dag-l0:global-l0.jar /);
        assert.deepEqual(fs.readdirSync(path.dirname(b.dest)), ["4.0.0-rc.2"], "no partial directory beside it");
        assert.deepEqual(Object.fromEntries(fs.readdirSync(b.dest).sort().map((f) => [f, fs.readFileSync(path.join(b.dest, f), "utf8").trim()])),
            { ".built-from": `url ${b.url}\nref ${b.ref}\ncommit ${src.commit}`, "cl-keytool.jar": "built cl-keytool.jar", "cl-wallet.jar": "downloaded", "global-l0.jar": "built global-l0.jar" });
        assert.equal(r.stdout.trim(), `tessellation jars cl-keytool.jar global-l0.jar of ${src.commit} built into ${b.dest}`);
    });

    it("a failed extraction into a directory that holds some jars leaves it as it was; a failed `docker create` leaves no temporary directory", () => {
        const root = tempDir();
        const src = checkout({ "build.sbt": buildSbt(TESSELLATION_BUILD) });
        const b = buildOf("tessellation", src.dir, root);
        fs.mkdirSync(b.dest, { recursive: true });
        fs.writeFileSync(path.join(b.dest, "cl-wallet.jar"), "downloaded");
        for (const failOn of ["cp", "create"] as const) {
            const r = run("bash", ["-c", jarsBuildScript(b)], withPath(dockerStub(path.join(root, `${failOn}.log`), failOn)));
            assert.notEqual(r.status, 0, failOn);
            assert.deepEqual(fs.readdirSync(path.dirname(b.dest)), ["4.0.0-rc.2"], failOn);
            assert.deepEqual(fs.readdirSync(b.dest), ["cl-wallet.jar"], failOn);
        }
    });
});

describe("jars built from source on a real Docker engine", function () {
    this.timeout(300_000);
    const images: string[] = [];
    after(() => { if (images.length) run("docker", ["rmi", "-f", ...images]); });

    /** The stand-in builder image: busybox, and an `sbt` that resolves project ids against build.sbt and writes each module's assembly jar. */
    function standinBuilder(): string {
        if (run("docker", ["info"]).status !== 0) return ""; // no engine: the e2e tier's engine.sh starts one (.ci/run does, before npm test)
        if (!fs.existsSync("/bin/busybox")) throw new Error("busybox-static is needed for the stand-in builder (apt-get install busybox-static)");
        const rootfs = path.join(tempDir("jars-builder-"), "rootfs");
        fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
        fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin", "busybox"));
        for (const t of ["sh", "mkdir", "cp", "cat", "ls", "rm"]) fs.symlinkSync("busybox", path.join(rootfs, "bin", t));
        fs.writeFileSync(path.join(rootfs, "bin", "sbt"), `#!/bin/sh
# stand-in for sbt: each <id>/assembly must name a project of build.sbt (lazy val <id> = (project in file("<dir>"))),
# and leaves <dir>/target/scala-2.13/<id>-assembly-1.0.jar holding the argv and RELEASE_TAG it ran with.
for task in "$@"; do
  case "$task" in
    clean) ;;
    */assembly)
      id=\${task%/assembly}; dir=""
      while read -r w1 w2 name w3 w4 w5 file; do
        if [ "$w1 $w2 $name $w3" = "lazy val $id =" ]; then dir=\${file#file(\\"}; dir=\${dir%\\"))}; fi
      done < build.sbt
      if [ -z "$dir" ]; then echo "[error] Not a valid project ID: $id" >&2; exit 1; fi
      mkdir -p "$dir/target/scala-2.13"
      echo "jar of $dir; sbt $*; RELEASE_TAG=\${RELEASE_TAG-unset}" > "$dir/target/scala-2.13/$id-assembly-1.0.jar" ;;
    *) echo "[error] unknown task $task" >&2; exit 1 ;;
  esac
done
`, { mode: 0o755 });
        const builder = `chainfleet-test/sbt-standin:${process.pid}`;
        const imported = run("bash", ["-c", `tar -C ${rootfs} -c . | docker import --change 'ENV PATH=/bin' - ${builder}`]);
        assert.equal(imported.status, 0, imported.stderr);
        images.push(builder);
        return builder;
    }

    const jarText = (f: string) => fs.readFileSync(f, "utf8").trim();
    let builder: string | undefined;

    /** A family's build from a checkout of upstream's project layout, on the stand-in builder; undefined without an engine. */
    function realBuild(family: Family): { root: string; b: JarsBuild; tag: string } | undefined {
        builder ??= standinBuilder();
        if (!builder) return undefined;
        const root = tempDir("jars-real-");
        const src = checkout({ "build.sbt": buildSbt(FAMILIES[family].jars) });
        const tag = `chainfleet-${family}-jars:${src.commit.slice(0, 12)}`;
        images.push(tag);
        return { root, b: buildOf(family, src.dir, root, { builderImage: builder }), tag };
    }

    it("the metagraph's: sbt gets clean and the three project ids of scasplte2/ottochain; exactly its three jars come out, no container left", function () {
        const real = realBuild("metagraph");
        if (!real) return this.skip();
        const { b, tag } = real;
        const r = run("bash", ["-c", jarsBuildScript(b)], { timeout: 280_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(b.dest).sort(), [".built-from", "currency-l1.jar", "data-l1.jar", "metagraph-l0.jar"]);
        const argv = "sbt clean currencyL0/assembly currencyL1/assembly dataL1/assembly; RELEASE_TAG=unset";
        assert.equal(jarText(path.join(b.dest, "metagraph-l0.jar")), `jar of modules/l0; ${argv}`);
        assert.equal(jarText(path.join(b.dest, "currency-l1.jar")), `jar of modules/l1; ${argv}`);
        assert.equal(jarText(path.join(b.dest, "data-l1.jar")), `jar of modules/data_l1; ${argv}`);
        assert.equal(run("docker", ["ps", "-aq", "--filter", `ancestor=${tag}`]).stdout.trim(), "", "no container left");
    });

    it("Tessellation's: only the absent tools and node built, at RELEASE_TAG v<version>; the downloaded jar kept; the seed's project ids fail the build and leave nothing", function () {
        const real = realBuild("tessellation");
        if (!real) return this.skip();
        const { root, b } = real;
        fs.mkdirSync(b.dest, { recursive: true });
        fs.writeFileSync(path.join(b.dest, "cl-wallet.jar"), "downloaded");
        const r = run("bash", ["-c", jarsBuildScript(b)], { timeout: 280_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(b.dest).sort(), [".built-from", "cl-keytool.jar", "cl-wallet.jar", "global-l0.jar"]);
        const argv = "sbt clean keytool/assembly dagL0/assembly; RELEASE_TAG=v4.0.0-rc.2";
        assert.equal(jarText(path.join(b.dest, "cl-keytool.jar")), `jar of modules/keytool; ${argv}`);
        assert.equal(jarText(path.join(b.dest, "global-l0.jar")), `jar of modules/dag-l0; ${argv}`);
        assert.equal(jarText(path.join(b.dest, "cl-wallet.jar")), "downloaded");

        // The ids the seed's guide used (l0, l1) are no projects of the metagraph's build.sbt: the build fails, nothing is made.
        const seed = buildOf("metagraph", checkout({ "build.sbt": buildSbt(METAGRAPH_BUILD) }).dir, root, {
            builderImage: b.builderImage, jars: [{ task: "l0/assembly", module: "l0", jar: "metagraph-l0.jar" }],
        });
        const failed = run("bash", ["-c", jarsBuildScript(seed)], { timeout: 280_000 });
        assert.notEqual(failed.status, 0);
        assert.match(failed.stderr, /Not a valid project ID: l0/);
        assert.ok(!fs.existsSync(path.dirname(seed.dest)), "no metagraph versions directory made");
    });
});
