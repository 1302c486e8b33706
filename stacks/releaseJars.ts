// Dev: the Tessellation tool jars downloaded by chainfleet:ottochain.tessellationVersion from the
// release base URL, each checked against the SHA-256 pinned in chainfleet:ottochain.releaseSha256,
// before any resource is registered. A mismatch stops the program naming the key, the pin and what
// was served, and leaves nothing in jarsDir. Release layout as the guide downloads them:
// https://github.com/Constellation-Labs/tessellation/releases/download/v<version>/cl-keytool.jar
// (seed 002, "Download New Tessellation Tools"). A needed jar that is not pinned is built from
// chainfleet:ottochain.tessellationSource instead (tessellationJarSources; stacks/dev.ts).
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import type { PlainConfig } from "./config/schema";
import { ottochainShape } from "./placement";
import { neededTessellationJarNames, tessellationJarsDir } from "../components/systems/ottochain/artifacts";

/** Release asset of each jar the nodes read from jarsDir (GL0 runs the release's cl-node.jar). */
export const RELEASE_ASSETS: Record<string, string> = { "cl-keytool.jar": "cl-keytool.jar", "cl-wallet.jar": "cl-wallet.jar", "global-l0.jar": "cl-node.jar" };

export interface ReleaseJar {
    /** File name in the version's directory (<jarsDir>/tessellation/<version>/). */
    jar: string;
    url: string;
    sha256: string;
    /** Where it goes. */
    target: string;
}

/** The release tag of a Tessellation version: v<version>, a leading v added once (2.8.1 and v2.8.1 are both v2.8.1). */
export function releaseTag(version: string): string {
    return version.startsWith("v") ? version : `v${version}`;
}

type JarsConfig = Pick<PlainConfig, "ottochain" | "topology">;

/** The Tessellation jars this config's dev nodes and keystores read (dev, OttoChain on; global-l0.jar only with a self-hosted GL0), in TESSELLATION_JARS order. */
export function neededTessellationJars(c: JarsConfig): string[] {
    if (c.topology !== "dev" || !c.ottochain.enabled) return [];
    return neededTessellationJarNames(ottochainShape(c).selfHostedGlobalL0);
}

/**
 * How each needed Tessellation jar gets into its version's directory, decided per jar: "download"
 * when pinned in chainfleet:ottochain.releaseSha256 (a pin always wins), else "build" from
 * chainfleet:ottochain.tessellationSource unless its enabled is false, else "none" (it must be there).
 */
export function tessellationJarSources(c: JarsConfig): { jar: string; how: "download" | "build" | "none" }[] {
    const o = c.ottochain;
    const build = o.tessellationSource?.enabled !== false; // unset: enabled (TESSELLATION_SOURCE_DEFAULTS)
    return neededTessellationJars(c).map((jar) => ({ jar, how: o.releaseSha256[jar as keyof typeof o.releaseSha256] !== undefined ? "download" : build ? "build" : "none" }));
}

/** The pinned jars this config needs (dev, OttoChain on; global-l0.jar only with a self-hosted GL0). */
export function releaseJars(c: PlainConfig): ReleaseJar[] {
    const o = c.ottochain;
    return tessellationJarSources(c).filter((s) => s.how === "download").map(({ jar }) => ({
        jar, sha256: o.releaseSha256[jar as keyof typeof o.releaseSha256]!, target: path.join(tessellationJarsDir(o.jarsDir, o.tessellationVersion), jar),
        url: `${o.releaseBaseUrl.replace(/\/+$/, "")}/${releaseTag(o.tessellationVersion)}/${RELEASE_ASSETS[jar]}`,
    }));
}

/** The SHA-256 of a file, lowercase hex (as releaseSha256 pins it). */
export const sha256Of = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** GET url into file, following redirects (GitHub serves release assets through one). Resolves to undefined or why it failed. */
export function download(url: string, file: string, redirects = 5): Promise<string | undefined> {
    return new Promise((resolve) => {
        const get = url.startsWith("https:") ? https.get : http.get;
        const req = get(url, { timeout: 60_000 }, (res) => {
            const status = res.statusCode ?? 0;
            if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
                res.resume();
                return resolve(download(new URL(res.headers.location, url).toString(), file, redirects - 1));
            }
            if (status !== 200) {
                res.resume();
                return resolve(`HTTP ${status}`);
            }
            const out = fs.createWriteStream(file);
            res.pipe(out);
            out.on("finish", () => resolve(undefined));
            out.on("error", (e) => resolve(e.message));
            res.on("error", (e) => resolve(e.message));
        });
        req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
        req.on("error", (e) => resolve(e.message));
    });
}

export class ReleaseJarError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Tessellation release jars failed their check (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was registered):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ReleaseJarError";
    }
}

/**
 * Puts every pinned jar in place: a present jar must match its pin; an absent one is downloaded to
 * a temporary file beside it and moved in only when its SHA-256 matches. Throws ReleaseJarError
 * listing every problem; returns what was downloaded.
 */
export async function ensureReleaseJars(c: PlainConfig): Promise<string[]> {
    const problems: string[] = [];
    const done: string[] = [];
    const pin = (j: ReleaseJar) => `chainfleet:ottochain.releaseSha256.${j.jar}`;
    for (const j of releaseJars(c)) {
        if (fs.existsSync(j.target)) {
            const have = sha256Of(j.target);
            if (have !== j.sha256) {
                problems.push(`${pin(j)} is "${j.sha256}" but ${j.target} has SHA-256 "${have}": remove the file to download ${j.url} again, or pin the jar you mean to run`);
            }
            continue;
        }
        fs.mkdirSync(path.dirname(j.target), { recursive: true });
        const tmp = `${j.target}.download-${process.pid}`;
        const failed = await download(j.url, tmp);
        if (failed !== undefined) {
            fs.rmSync(tmp, { force: true });
            problems.push(`${j.url} (chainfleet:ottochain.releaseBaseUrl, chainfleet:ottochain.tessellationVersion "${c.ottochain.tessellationVersion}") could not be downloaded (${failed}): check the version and the base URL, or put ${j.jar} in ${path.dirname(j.target)} yourself`);
            continue;
        }
        const got = sha256Of(tmp);
        if (got !== j.sha256) {
            fs.rmSync(tmp, { force: true });
            problems.push(`${pin(j)} is "${j.sha256}" but ${j.url} served a file with SHA-256 "${got}" (not kept): check chainfleet:ottochain.tessellationVersion "${c.ottochain.tessellationVersion}" and pin the checksum its release publishes`);
            continue;
        }
        fs.renameSync(tmp, j.target);
        done.push(`downloaded ${j.url} to ${j.target} (SHA-256 ${got})`);
    }
    if (problems.length) throw new ReleaseJarError(problems);
    return done;
}
