// Jars built from an sbt source in a Docker build stage (jars.Dockerfile), extracted into one
// version's jars directory: the metagraph's from chainfleet:ottochain.source, Tessellation's tools
// and node from chainfleet:ottochain.tessellationSource. Works with the classic builder as with
// BuildKit: the jars stage is tagged, a stopped container made of it, and the jars copied out
// (`docker build --output` needs buildx).
// A jar once there is never rebuilt or overwritten: the script builds only the jars its version's
// directory lacks (none: nothing runs, not even git), and a new version goes to its own directory
// (artifacts.ts), so rolling back finds the old jars where they were.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../../platform/host";
import { cmd, q } from "../../../platform/shell";

/**
 * Written into a version's jars directory by each build: "url <url>", "ref <ref>", "commit <id>"
 * lines. A later plan compares it with the configured source (stacks/gitSources.ts), since jars
 * already there are never rebuilt: a new ref for the same version would otherwise run nothing new.
 */
export const BUILT_FROM_FILE = ".built-from";

/** The build's Dockerfile, shipped beside this file. */
export const JARS_DOCKERFILE = path.join(__dirname, "jars.Dockerfile");

/** One jar a build makes: the sbt task that assembles it, its module's directory under modules/, its file name in the version's directory. */
export interface BuiltJar {
    task: string;
    module: string;
    jar: string;
}

/**
 * The metagraph's jars: scasplte2/ottochain build.sbt (currencyL0 = modules/l0, currencyL1 =
 * modules/l1, dataL1 = modules/data_l1), built as its justfile `build` recipe does
 * (sbt "currencyL0/assembly" "currencyL1/assembly" "dataL1/assembly"; Euclid's
 * infra/metagraph-base-image/Dockerfile the same), named as the nodes read them (artifacts.ts).
 */
export const METAGRAPH_BUILD: readonly BuiltJar[] = [
    { task: "currencyL0/assembly", module: "l0", jar: "metagraph-l0.jar" },
    { task: "currencyL1/assembly", module: "l1", jar: "currency-l1.jar" },
    { task: "dataL1/assembly", module: "data_l1", jar: "data-l1.jar" },
];

/**
 * Tessellation's tools and node: Constellation-Labs/tessellation build.sbt (keytool =
 * modules/keytool, wallet = modules/wallet, dagL0 = modules/dag-l0), built as
 * .github/workflows/release.yml does (sbt keytool/assembly wallet/assembly dagL0/assembly, each
 * modules/<dir>/target/scala-2.13/tessellation-<module>-assembly-<version>.jar released as
 * cl-keytool.jar, cl-wallet.jar and cl-node.jar, which is our global-l0.jar); Euclid's
 * infra/metagraph-ubuntu/Dockerfile builds them so for a ref that is not a release tag.
 */
export const TESSELLATION_BUILD: readonly BuiltJar[] = [
    { task: "keytool/assembly", module: "keytool", jar: "cl-keytool.jar" },
    { task: "wallet/assembly", module: "wallet", jar: "cl-wallet.jar" },
    { task: "dagL0/assembly", module: "dag-l0", jar: "global-l0.jar" },
];

export interface JarsBuild {
    /** What is built, for the image tag and the log lines: "metagraph" or "tessellation". */
    family: string;
    /** The source checkout (build context), relative to the project or absolute. */
    checkout: string;
    /** Its git URL and ref: with builderImage, dest and jars, what re-runs the build when changed (never the commit, known only after a checkout). */
    url: string;
    ref: string;
    /** Image with sbt and a JDK the build stage runs in (pinned). */
    builderImage: string;
    /** The version's jars directory: <jarsDir>/metagraph/<metagraphVersion> or <jarsDir>/tessellation/<tessellationVersion>. */
    dest: string;
    /** The jars this config needs from the family, in task order; those already in dest are not built. */
    jars: readonly BuiltJar[];
    /** Tessellation: v<tessellationVersion>, the version its build.sbt gives the jars (RELEASE_TAG). */
    releaseTag?: string;
    dockerfile?: string;
}

/**
 * The local script that builds the jars dest lacks and moves them in, all or none: each is
 * copied out of the build into a temporary directory beside dest first, and only when every one
 * is there do they move in (dest itself, when it is new). No container and no temporary
 * directory stay behind. The image is tagged by the checkout's commit (git rev-parse HEAD).
 */
export function jarsBuildScript(b: JarsBuild): string {
    if (b.jars.length === 0) throw new Error(`jars build of ${b.family}: no jars to build`);
    const label = `${b.family} jars`;
    return [
        "set -euo pipefail",
        `dest=${q(b.dest)}`,
        "tasks=()",
        "pairs=()",
        "jars=()",
        ...b.jars.map((j) => `if [ ! -s "$dest/"${q(j.jar)} ]; then tasks+=(${q(j.task)}); pairs+=(${q(`${j.module}:${j.jar}`)}); jars+=(${q(j.jar)}); fi`),
        `if [ "\${#jars[@]}" -eq 0 ]; then echo ${q(`${label} in ${b.dest} present: kept as they are`)}; exit 0; fi`,
        `commit=$(${cmd("git", "-C", b.checkout, "rev-parse", "HEAD")})`,
        `tag="chainfleet-${b.family}-jars:\${commit:0:12}"`,
        `${cmd("docker", "build", "--quiet", "--file", b.dockerfile ?? JARS_DOCKERFILE, "--build-arg", `BUILDER_IMAGE=${b.builderImage}`)} ` +
            `--build-arg "SBT_TASKS=\${tasks[*]}" --build-arg "JARS=\${pairs[*]}" ` +
            `${b.releaseTag === undefined ? "" : `${cmd("--build-arg", `RELEASE_TAG=${b.releaseTag}`)} `}--target jars --tag "$tag" ${q(b.checkout)} >&2`,
        cmd("mkdir", "-p", path.posix.dirname(b.dest)),
        `tmp=$(mktemp -d "$dest.partial.XXXXXX")`,
        'cid=""',
        // Whatever happens, no stopped container and no partial directory stay behind.
        `trap 'if [ -n "$cid" ]; then docker rm -f "$cid" >/dev/null 2>&1 || true; fi; rm -rf "$tmp"' EXIT`,
        `cid=$(docker create "$tag" /jars)`,
        'for j in "${jars[@]}"; do docker cp "$cid:/$j" "$tmp/$j"; done',
        'chmod 0755 "$tmp"',
        // Whole or not at all: every jar is out of the build before any moves in.
        'if [ -d "$dest" ]; then',
        '  for j in "${jars[@]}"; do mv -f "$tmp/$j" "$dest/$j"; done',
        "else",
        '  mv -T "$tmp" "$dest"',
        "fi",
        `{ printf 'url %s\\n' ${q(b.url)}; printf 'ref %s\\n' ${q(b.ref)}; printf 'commit %s\\n' "$commit"; } > "$dest/${BUILT_FROM_FILE}"`,
        `echo "${b.family} jars \${jars[*]} of $commit built into $dest"`,
    ].join("\n");
}

/** What re-runs the build: the source (url, ref), the builder, the directory and the jars (never a commit: a plan need not check out). */
export function jarsBuildTriggers(b: JarsBuild): string[] {
    return [b.url, b.ref, b.builderImage, b.dest, b.jars.map((j) => `${j.task}=${j.module}:${j.jar}`).join(" "), b.releaseTag ?? ""];
}

/** The build as a command on the (local) Docker host; what needs the jars waits for it. */
export function buildJars(name: string, host: DockerHost, b: JarsBuild, opts: pulumi.CustomResourceOptions = {}) {
    return host.run(name, jarsBuildScript(b), { ...opts, triggers: jarsBuildTriggers(b) });
}
