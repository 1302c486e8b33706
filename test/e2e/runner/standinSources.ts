// Local stand-ins for what the dev stack's first command fetches from the internet, so the e2e
// tier can run it from a fresh clone with no network:
// - the Tessellation release downloads (github.com/Constellation-Labs/tessellation/releases/
//   download/v<version>/<asset>, seed 002): an HTTP server on loopback that answers as GitHub
//   does, a 302 to the asset's storage URL and then the bytes; it counts what it served;
// - the git sources (scitt-ccf-ledger, the OttoChain metagraph, Tessellation): local repositories
//   served over file://, each with the layout our build opens: scitt-ccf-ledger's docker/Dockerfile,
//   and for the two sbt builds a build.sbt whose project ids and directories are upstream's
//   (scasplte2/ottochain build.sbt: currencyL0 = modules/l0, currencyL1 = modules/l1, dataL1 =
//   modules/data_l1; Constellation-Labs/tessellation build.sbt: keytool, wallet, dagL0 = modules/
//   dag-l0), built by the sbt stand-in image (test/e2e/images/sbt).
// What they do not reproduce: the upstream code. Every jar is the Tessellation stand-in
// (test/e2e/images/tessellation/TessellationStandin.java, which plays the layer its file name
// says), compiled from source in the build stage; the SCITT Dockerfile builds FROM the SCITT
// stand-in image and adds one file, so a test can tell the running image came from the checkout.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { ROOT } from "../../harness/graph";
import { gitRepo } from "../../util/gitRepo";

const TESSELLATION_IMAGE_DIR = path.join(ROOT, "test", "e2e", "images", "tessellation");

export interface LocalRepo { url: string; ref: string; dir: string }

/** A git repository of these files (path → content; a script when it ends in .sh), one commit, optional tag. */
export function makeRepo(dir: string, files: Record<string, string>, tag?: string): LocalRepo {
    const repo = gitRepo(dir);
    return { url: repo.url, ref: repo.commit(files, "e2e stand-in source", tag), dir };
}

/** scitt-ccf-ledger's docker/Dockerfile, played: the SCITT stand-in plus a marker of this checkout. */
export function scittSource(dir: string, scittImage: string, marker: string): LocalRepo {
    return makeRepo(dir, {
        "docker/Dockerfile": [
            "# e2e stand-in of scitt-ccf-ledger docker/Dockerfile (see test/e2e/runner/standinSources.ts)",
            `FROM ${scittImage}`,
            // Upstream's build contract (docs/upstream/README.md): ARG SCITT_VERSION_OVERRIDE with no
            // default; without it app/cmake/version.cmake runs git describe where the build has no .git
            // and stops with this FATAL_ERROR. The version is what /version answers upstream.
            "ARG SCITT_VERSION_OVERRIDE",
            "RUN if [ -z \"$SCITT_VERSION_OVERRIDE\" ]; then echo 'CMake Error at cmake/version.cmake: Error getting version from git' >&2; exit 1; fi; printf '%s' \"$SCITT_VERSION_OVERRIDE\" > /opt/scitt/share/VERSION",
            "COPY SOURCE_MARKER /opt/scitt/share/chainfleet-e2e-source",
            "",
        ].join("\n"),
        SOURCE_MARKER: `${marker}\n`,
    });
}

/** One sbt project: its id, its directory and its name setting (the jar is <name>-assembly-<version>.jar). */
interface SbtProject { id: string; dir: string; name: string }

/**
 * project/standin-assembly.sh <project dir> <out jar>: the stand-in sbt's way to build a module,
 * compiling the module's copy of the Tessellation stand-in with build-jar.sh at the SDK version.
 */
const ASSEMBLY_SH = `#!/usr/bin/env bash
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp project/build-jar.sh "$1/src/main/java/TessellationStandin.java" "$tmp/"
bash "$tmp/build-jar.sh" "$(pwd)/$2" "$(cat project/TESSELLATION_VERSION)"
`;

function sbtSource(dir: string, projects: SbtProject[], version: string, tessellationVersion: string, tag?: string): LocalRepo {
    const java = fs.readFileSync(path.join(TESSELLATION_IMAGE_DIR, "TessellationStandin.java"), "utf8");
    const files: Record<string, string> = {
        "build.sbt": [`ThisBuild / version := "${version}"`, ...projects.map((p) => `lazy val ${p.id} = (project in file("${p.dir}"))\n  .settings(name := "${p.name}")`)].join("\n") + "\n",
        "project/build.properties": "sbt.version=1.12.0\n",
        "project/TESSELLATION_VERSION": `${tessellationVersion}\n`,
        "project/standin-assembly.sh": ASSEMBLY_SH,
        "project/build-jar.sh": fs.readFileSync(path.join(TESSELLATION_IMAGE_DIR, "build-jar.sh"), "utf8"),
    };
    for (const p of projects) files[`${p.dir}/src/main/java/TessellationStandin.java`] = java;
    return makeRepo(dir, files, tag);
}

/** The OttoChain metagraph's source: the three module projects of upstream's build.sbt. */
export function metagraphSource(dir: string, metagraphVersion: string, tessellationVersion: string): LocalRepo {
    return sbtSource(dir, [
        { id: "currencyL0", dir: "modules/l0", name: "ottochain-currency-l0" },
        { id: "currencyL1", dir: "modules/l1", name: "ottochain-currency-l1" },
        { id: "dataL1", dir: "modules/data_l1", name: "ottochain-data-l1" },
    ], metagraphVersion, tessellationVersion);
}

/** Tessellation's source: the tool projects of upstream's build.sbt, tagged v<version> as upstream tags releases. */
export function tessellationSource(dir: string, version: string): LocalRepo {
    return sbtSource(dir, [
        { id: "keytool", dir: "modules/keytool", name: "tessellation-keytool" },
        { id: "wallet", dir: "modules/wallet", name: "tessellation-wallet" },
        { id: "dagL0", dir: "modules/dag-l0", name: "tessellation-dag-l0" },
    ], version, version, `v${version.replace(/^v/, "")}`);
}

/** Release assets of one version, built from the stand-in source in the sbt stand-in image: asset name → file. */
export function buildReleaseAssets(dir: string, version: string, sbtImage: string, assets: string[]): Record<string, string> {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ["TessellationStandin.java", "build-jar.sh"]) fs.copyFileSync(path.join(TESSELLATION_IMAGE_DIR, f), path.join(dir, f));
    execFileSync("docker", ["run", "--rm", "--network", "none", "-v", `${dir}:/w`, sbtImage, "bash", "/w/build-jar.sh", "/w/standin.jar", version.replace(/^v/, "")], { stdio: "ignore", timeout: 300_000 });
    const out: Record<string, string> = {};
    for (const a of assets) {
        out[a] = path.join(dir, a);
        fs.copyFileSync(path.join(dir, "standin.jar"), out[a]);
    }
    return out;
}

export interface ReleaseServer {
    /** What chainfleet:ottochain.releaseBaseUrl is set to: <base>/v<version>/<asset>. */
    baseUrl: string;
    /** Asset downloads answered with bytes, by "v<version>/<asset>". */
    served: Map<string, number>;
    close(): Promise<void>;
}

/** Serves <baseUrl>/v<version>/<asset> as GitHub does: a 302 to the asset's storage URL, then its bytes. */
export function serveReleases(version: string, assets: Record<string, string>): Promise<ReleaseServer> {
    const tag = `v${version.replace(/^v/, "")}`;
    const served = new Map<string, number>();
    const server = http.createServer((req, res) => {
        const url = req.url ?? "";
        const release = url.match(/^\/Constellation-Labs\/tessellation\/releases\/download\/([^/]+)\/([^/?]+)$/);
        if (release && release[1] === tag && assets[release[2]]) {
            res.writeHead(302, { location: `/release-assets/${release[2]}?tag=${tag}` });
            res.end();
            return;
        }
        const stored = url.match(/^\/release-assets\/([^/?]+)\?tag=(.+)$/);
        if (stored && stored[2] === tag && assets[stored[1]]) {
            const key = `${tag}/${stored[1]}`;
            served.set(key, (served.get(key) ?? 0) + 1);
            res.writeHead(200, { "content-type": "application/octet-stream" });
            fs.createReadStream(assets[stored[1]]).pipe(res);
            return;
        }
        res.writeHead(404);
        res.end("Not Found");
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        resolve({
            baseUrl: `http://127.0.0.1:${port}/Constellation-Labs/tessellation/releases/download`,
            served,
            close: () => new Promise((r) => server.close(() => r())),
        });
    }));
}

/**
 * A fresh clone of this working tree: every tracked and untracked-but-not-ignored file (so the
 * run tests what is in the tree, uncommitted edits included, and nothing git ignores, such as
 * .chainfleet/ checkouts and keys), with node_modules linked rather than installed again.
 */
export function freshClone(dir: string): string {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files = execFileSync("git", ["-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8", maxBuffer: 64 << 20 })
        .split("\0").filter((f) => f && fs.existsSync(path.join(ROOT, f)));
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
        fs.chmodSync(path.join(dir, f), fs.statSync(path.join(ROOT, f)).mode & 0o777);
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}
