// The e2e work directory and the config overrides that point the dev stack at it: stand-in
// images (pinned tags made from chainfleet-e2e/<name>:latest, since the config refuses "latest"),
// host dirs (jars, keystores, genesis) under the workdir, SCITT from an image instead of a build.
// Prepares what the program expects to exist: the jars (copied out of the tessellation stand-in,
// every version it holds, laid out by version as artifacts.ts says: tessellation/<v>/ and
// metagraph/<v>/) and GL0/ML0 genesis.csv (artifacts.ts genesisCsvs, run-node.sh).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { api } from "./dockerApi";
import { Overrides } from "../../harness/graph";
import { METAGRAPH_JARS, metagraphJarsDir, TESSELLATION_JARS, tessellationJarsDir } from "../../../components/systems/ottochain/artifacts";

/** The versions the stand-in image holds (its Dockerfile's STANDIN_VERSIONS); the first is the one Pulumi.dev.yaml pins. */
export const STANDIN_VERSIONS = ["2.8.1", "3.3.2"];
/** The stand-in image's metagraph-only release (STANDIN_METAGRAPH_ONLY): new metagraph jars on STANDIN_VERSIONS[0]'s Tessellation. */
export const STANDIN_METAGRAPH_ONLY = "2.8.1-m2";

export const STANDINS = ["base", "postgres", "http-service", "http-service-nocurl", "tessellation", "scitt", "sbt"] as const;
export type Standin = (typeof STANDINS)[number];

/** Which stand-in plays which configured image: slim images (no curl; node, busybox wget) for the Node.js and Alpine apps, as upstream ships them. */
export const IMAGE_KEYS: Record<string, Standin> = {
    "scitt.image": "scitt",
    "wealthwars.image": "http-service-nocurl",
    "wealthwars.database.image": "postgres",
    "ottochain.image": "tessellation",
    "lottery.image": "http-service",
    "neo.image": "http-service-nocurl",
    "neo.postgres.image": "postgres",
};

/** Owner of the host genesis dirs: prod's artifact copy makes them the login user's (uid 1000). */
const GENESIS_OWNER = process.env.E2E_GENESIS_OWNER ?? "1000:1000";

/** A pinned tag for a stand-in: chainfleet-e2e/<name>:e2e-<image id prefix>, made if missing. */
export async function pinnedStandin(name: Standin): Promise<string> {
    const latest = `chainfleet-e2e/${name}:latest`;
    let id: string;
    try {
        id = (await api<{ Id: string }>("GET", `/images/${encodeURIComponent(latest)}/json`)).Id;
    } catch {
        throw new Error(`stand-in image ${latest} is missing: build it from test/e2e/images/${name}/ first`);
    }
    const tag = `e2e-${id.replace(/^sha256:/, "").slice(0, 12)}`;
    await api("POST", `/images/${encodeURIComponent(latest)}/tag?repo=${encodeURIComponent(`chainfleet-e2e/${name}`)}&tag=${tag}`);
    return `chainfleet-e2e/${name}:${tag}`;
}

export interface Workdir { dir: string; jarsDir: string; keysDir: string; genesisDir: string }

export function workdirPaths(dir: string): Workdir {
    const o = path.join(dir, "ottochain");
    return { dir, jarsDir: path.join(o, "jars"), keysDir: path.join(o, "keys"), genesisDir: path.join(o, "genesis") };
}

/** A genesis.csv of one funded address (`address,amount` per line, Tessellation's format). */
const GENESIS_CSV = "DAG0e2eStandInGenesisAddress0000000000000,1000000000000000\n";

/** Makes the dirs and files the dev program expects on the host; idempotent. */
export async function prepareWorkdir(dir: string, tessellationImage: string | undefined): Promise<Workdir> {
    const w = workdirPaths(dir);
    for (const d of [w.jarsDir, w.keysDir, path.join(w.genesisDir, "gl0"), path.join(w.genesisDir, "ml0")]) fs.mkdirSync(d, { recursive: true });
    const marker = path.join(w.jarsDir, ".from-image");
    if (tessellationImage && (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== tessellationImage)) {
        // docker create + docker cp: each version's stand-in jars live in the image under
        // /opt/standin/<version>/ (one jar under every name); each name goes where its family's
        // version directory is.
        const id = execFileSync("docker", ["create", tessellationImage], { encoding: "utf8" }).trim();
        const tmp = fs.mkdtempSync(path.join(dir, ".standin-"));
        try {
            for (const v of STANDIN_VERSIONS) {
                execFileSync("docker", ["cp", `${id}:/opt/standin/${v}/.`, path.join(tmp, v)]);
                for (const [to, jars] of [[tessellationJarsDir(w.jarsDir, v), TESSELLATION_JARS], [metagraphJarsDir(w.jarsDir, v), METAGRAPH_JARS]] as const) {
                    fs.mkdirSync(to, { recursive: true });
                    for (const j of jars) fs.copyFileSync(path.join(tmp, v, j), path.join(to, j));
                }
            }
            const only = path.join(tmp, "metagraph-only");
            execFileSync("docker", ["cp", `${id}:/opt/standin/metagraph-only/${STANDIN_METAGRAPH_ONLY}/.`, only]);
            fs.mkdirSync(metagraphJarsDir(w.jarsDir, STANDIN_METAGRAPH_ONLY), { recursive: true });
            for (const j of METAGRAPH_JARS) fs.copyFileSync(path.join(only, j), path.join(metagraphJarsDir(w.jarsDir, STANDIN_METAGRAPH_ONLY), j));
        } finally {
            execFileSync("docker", ["rm", "-f", id], { stdio: "ignore" });
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        fs.writeFileSync(marker, tessellationImage);
    }
    for (const layer of ["gl0", "ml0"]) {
        const csv = path.join(w.genesisDir, layer, "genesis.csv");
        if (!fs.existsSync(csv)) fs.writeFileSync(csv, GENESIS_CSV);
    }
    execFileSync("chown", ["-R", GENESIS_OWNER, w.genesisDir]);
    return w;
}

/**
 * The overrides every e2e run applies; --set values go on top. A missing stand-in is reported in
 * `missing` and its key left as configured: the RemoteImage then fails, naming the image.
 */
export async function e2eOverrides(dir: string): Promise<{ overrides: Overrides; missing: string[] }> {
    const w = workdirPaths(dir);
    const o: Overrides = {};
    const missing: string[] = [];
    const pinned = new Map<Standin, string | undefined>();
    for (const [key, standin] of Object.entries(IMAGE_KEYS)) {
        if (!pinned.has(standin)) {
            try { pinned.set(standin, await pinnedStandin(standin)); } catch (e) { pinned.set(standin, undefined); missing.push((e as Error).message); }
        }
        if (pinned.get(standin)) o[key] = pinned.get(standin);
    }
    o["scitt.buildContext"] = undefined;
    o["scitt.source"] = undefined; // the stand-in image plays SCITT here
    // The dev stack file keeps the two systems without a public image off; their stand-ins play them here.
    o["wealthwars.enabled"] = true;
    o["lottery.enabled"] = true;
    o["ottochain.jarsDir"] = w.jarsDir;
    // The stand-in's jars are prepared here (prepareWorkdir), in the versions it holds: nothing is
    // built or downloaded (scenario j runs the stack file's sources and versions instead), and its
    // metagraph jars are its Tessellation jars, so the same version names both.
    o["ottochain.tessellationVersion"] = STANDIN_VERSIONS[0];
    o["ottochain.metagraphVersion"] = STANDIN_VERSIONS[0];
    o["ottochain.source"] = undefined;
    o["ottochain.releaseSha256"] = {};
    o["ottochain.keysDir"] = w.keysDir;
    o["ottochain.genesisDir"] = w.genesisDir;
    // Bounds that keep a failing run short (a healthy gate passes in seconds on the stand-ins), and
    // a stuck validator join retried after a minute instead of three.
    o["ottochain.readinessTimeoutSeconds"] = 300;
    o["ottochain.joinTimeoutSeconds"] = 60;
    return { overrides: o, missing };
}
