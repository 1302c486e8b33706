// The metagraph's jars built from its git source (components/systems/ottochain/build): the build
// script against a stub docker (kept when present, whole or nothing), then for real on a Docker
// engine when one answers: the shipped metagraph.Dockerfile with a stand-in builder image (a
// busybox rootfs made here, nothing pulled) whose `sbt` writes the assembly jars where sbt would.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { METAGRAPH_DOCKERFILE, metagraphBuildScript } from "../components/systems/ottochain/build/metagraphBuild";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

describe("metagraph jars built from source", function () {
    this.timeout(180_000);

    it("the script is shellcheck-clean, and keeps a version's jars that are already there", () => {
        const dest = path.join(tempDir(), "metagraph", "1.2.0");
        const script = metagraphBuildScript({ checkout: "/src", commit: COMMIT, builderImage: "sbt:1", dest });
        assert.deepEqual(shellProblems(script), []);
        fs.mkdirSync(dest, { recursive: true });
        for (const j of ["metagraph-l0.jar", "currency-l1.jar", "data-l1.jar"]) fs.writeFileSync(path.join(dest, j), "old");
        const log = path.join(tempDir(), "docker.log");
        const r = run("bash", ["-c", script], { env: { ...process.env, PATH: `${stubBin({ docker: `echo "$*" >> ${log}` })}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /present: kept as they are/);
        assert.ok(!fs.existsSync(log), "no build for a version already built");
    });

    it("a failed extraction leaves neither a version directory nor a partial one, nor a container", () => {
        const root = tempDir();
        const dest = path.join(root, "metagraph", "1.2.0");
        const log = path.join(root, "docker.log");
        const docker = stubBin({ docker: `echo "$*" >> ${log}; case "$1" in create) echo cid-1;; cp) exit 1;; esac` });
        const r = run("bash", ["-c", metagraphBuildScript({ checkout: "/src", commit: COMMIT, builderImage: "sbt:1", dest })], { env: { ...process.env, PATH: `${docker}:${process.env.PATH}` } });
        assert.notEqual(r.status, 0);
        assert.deepEqual(fs.readdirSync(path.join(root, "metagraph")), [], "nothing left in the versions directory");
        const calls = fs.readFileSync(log, "utf8").trim().split("\n");
        assert.match(calls[0], new RegExp(`^build --quiet --file ${METAGRAPH_DOCKERFILE} --build-arg BUILDER_IMAGE=sbt:1 --target jars --tag chainfleet-metagraph-jars:0123456789ab /src$`));
        assert.equal(calls[calls.length - 1], "rm -f cid-1");
    });

    it("builds with the shipped Dockerfile on a real engine and extracts exactly the three jars", function () {
        if (run("docker", ["info"]).status !== 0) this.skip(); // no engine: the e2e tier's engine.sh starts one (.ci/run does, before npm test)
        if (!fs.existsSync("/bin/busybox")) throw new Error("busybox-static is needed for the stand-in builder (apt-get install busybox-static)");
        const work = tempDir("metagraph-build-");
        // The stand-in builder: busybox, and an `sbt` that makes each module's assembly jar.
        const rootfs = path.join(work, "rootfs");
        fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
        fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin", "busybox"));
        for (const t of ["sh", "mkdir", "cp", "echo", "cat", "ls"]) fs.symlinkSync("busybox", path.join(rootfs, "bin", t));
        fs.writeFileSync(path.join(rootfs, "bin", "sbt"), `#!/bin/sh
# stand-in for sbt: the guide's assembly tasks leave one jar per module under target/scala-2.13
for m in l0 l1 data_l1; do mkdir -p modules/$m/target/scala-2.13; echo "jar of $m from $(cat VERSION)" > modules/$m/target/scala-2.13/$m-assembly-1.2.0.jar; done
`, { mode: 0o755 });
        const builder = "chainfleet-test/sbt-standin:1";
        const imported = run("bash", ["-c", `tar -C ${rootfs} -c . | docker import --change 'ENV PATH=/bin' - ${builder}`]);
        assert.equal(imported.status, 0, imported.stderr);
        const checkout = path.join(work, "src");
        fs.mkdirSync(checkout);
        fs.writeFileSync(path.join(checkout, "VERSION"), "1.2.0\n");
        const dest = path.join(work, "jars", "metagraph", "1.2.0");
        const r = run("bash", ["-c", metagraphBuildScript({ checkout, commit: COMMIT, builderImage: builder, dest })], { timeout: 170_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(dest).sort(), ["currency-l1.jar", "data-l1.jar", "metagraph-l0.jar"]);
        assert.equal(fs.readFileSync(path.join(dest, "currency-l1.jar"), "utf8"), "jar of l1 from 1.2.0\n");
        assert.equal(fs.readFileSync(path.join(dest, "metagraph-l0.jar"), "utf8"), "jar of l0 from 1.2.0\n");
        assert.equal(run("docker", ["ps", "-aq", "--filter", "ancestor=chainfleet-metagraph-jars:0123456789ab"]).stdout.trim(), "", "no container left");
        run("docker", ["rmi", "-f", "chainfleet-metagraph-jars:0123456789ab", builder]);
    });
});
