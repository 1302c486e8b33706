// The metagraph's jars built from chainfleet:ottochain.source in a Docker build stage
// (metagraph.Dockerfile, sbt as the guide runs it), extracted into that metagraph version's jars
// directory. Works with the classic builder as with BuildKit: the jars stage is tagged, a stopped
// container made of it, and the three jars copied out (`docker build --output` needs buildx).
// A version's jars, once there, are never rebuilt or overwritten: a new version goes to its own
// directory (artifacts.ts), so rolling back finds the old jars where they were.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../../platform/host";
import { cmd, q } from "../../../platform/shell";
import { METAGRAPH_JARS } from "../artifacts";

/** The build's Dockerfile, shipped beside this file. */
export const METAGRAPH_DOCKERFILE = path.join(__dirname, "metagraph.Dockerfile");

export interface MetagraphBuild {
    /** The source checkout (build context). */
    checkout: string;
    /** Its commit: names the image, and a new commit rebuilds only into a version not built yet. */
    commit: string;
    /** Image with sbt and a JDK the build stage runs in (pinned). */
    builderImage: string;
    /** Where this metagraph version's jars go: <jarsDir>/metagraph/<metagraphVersion>. */
    dest: string;
    dockerfile?: string;
}

/** The local script that builds and extracts the jars (kept as they are when all three exist). */
export function metagraphBuildScript(b: MetagraphBuild): string {
    const tag = `chainfleet-metagraph-jars:${b.commit.slice(0, 12)}`;
    const present = METAGRAPH_JARS.map((j) => `[ -s ${q(path.posix.join(b.dest, j))} ]`).join(" && ");
    return [
        "set -euo pipefail",
        `if ${present}; then echo ${q(`metagraph jars in ${b.dest} present: kept as they are`)}; exit 0; fi`,
        `${cmd("docker", "build", "--quiet", "--file", b.dockerfile ?? METAGRAPH_DOCKERFILE, "--build-arg", `BUILDER_IMAGE=${b.builderImage}`, "--target", "jars", "--tag", tag, b.checkout)} >&2`,
        `${cmd("mkdir", "-p", path.posix.dirname(b.dest))}`,
        `tmp=$(${cmd("mktemp", "-d", `${b.dest}.partial.XXXXXX`)})`,
        `cid=$(${cmd("docker", "create", tag, "/jars")})`,
        // Whatever happens, no stopped container and no partial directory stay behind.
        `trap 'docker rm -f "$cid" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT`,
        ...METAGRAPH_JARS.map((j) => `docker cp "$cid:/${j}" "$tmp/${j}"`),
        // Whole or not at all: the directory appears only with its three jars.
        `mv -T "$tmp" ${q(b.dest)}`,
        `echo ${q(`metagraph jars of ${b.commit} built into ${b.dest}`)}`,
    ].join("\n");
}

/** The build as a command on the (local) Docker host; nodes of the metagraph wait for it. */
export function buildMetagraphJars(name: string, host: DockerHost, b: MetagraphBuild, opts: pulumi.CustomResourceOptions = {}) {
    return host.run(name, metagraphBuildScript(b), { ...opts, triggers: [b.commit, b.builderImage, b.dest] });
}
