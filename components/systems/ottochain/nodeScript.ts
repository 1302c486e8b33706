// The metagraph's scripts, shipped as files (components/platform/scriptSet.ts): the readiness
// library, run-node.sh (every node container's command) and roll.sh (the host gates of a rolling
// L1 restart), installed once per host and named by path; and the short texts that source them.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cmd, shippedScript } from "../../platform/shell";
import { HealthcheckSpec } from "../../platform/containerSpec";
import { scriptSet, sourceLines } from "../../platform/scriptSet";

/** The set every metagraph host installs (a new digest when any of the three files changes). */
export const OTTOCHAIN_SCRIPTS = scriptSet("ottochain", {
    "readiness.sh": shippedScript("readiness.sh"),
    "run-node.sh": fs.readFileSync(path.join(__dirname, "run-node.sh"), "utf8"),
    "roll.sh": fs.readFileSync(path.join(__dirname, "roll.sh"), "utf8"),
});

/** Where a node container sees the set (its host directory mounted read-only). */
export const NODE_SCRIPTS_MOUNT = "/chainfleet/scripts";

/** bash -c text of every node container: the readiness library (for the background rejoin), then run-node.sh. */
export function nodeCommandScript(dir = NODE_SCRIPTS_MOUNT): string {
    return `${sourceLines(dir, ["readiness.sh", "run-node.sh"])}\n`;
}

/**
 * The container health check of a node: the readiness library's node_healthy (state == "Ready"
 * from /node/info), with curl when the image has it and bash's /dev/tcp otherwise.
 */
export function nodeHealthcheck(publicPort: number, dir = NODE_SCRIPTS_MOUNT): HealthcheckSpec {
    return {
        test: ["CMD", "bash", "-c", `${sourceLines(dir, ["readiness.sh"])}\nnode_healthy http://127.0.0.1:${publicPort}`],
        intervalSeconds: 15,
        timeoutSeconds: 10,
        retries: 4,
        startPeriodSeconds: 120,
    };
}

/** Labels of an L1 container that the roll gates read on the host (roll.sh header). */
export const ROLL_LABELS = {
    cluster: "chainfleet.ottochain.cluster",
    port: "chainfleet.ottochain.port",
    versions: "chainfleet.ottochain.versions",
    /** chainfleet:ottochain.genesisResetToken the container was made with (absent: none). */
    reset: "chainfleet.ottochain.reset",
} as const;

/** The env variable holding an L1 container's rollout digest (env takes values known only at deploy time; labels do not). */
export const ROLLOUT_ENV = "CHAINFLEET_ROLLOUT";

/** A host script: the installed set's readiness library and roll.sh sourced, then one call. */
function rollScript(dir: string, fn: "roll_turn" | "roll_joined", ...args: (string | number)[]): string {
    return `${sourceLines(dir, ["readiness.sh", "roll.sh"])}\nset -euo pipefail\n${cmd(fn, ...args)}\n`;
}

/** Where an L1 cluster's turn is kept on its host (gone on reboot, when every node restarts anyway). */
export function rollLockPath(cluster: string): string {
    return `/tmp/chainfleet-roll-${cluster}`;
}

export interface TurnSpec {
    /** The host directory of the installed OTTOCHAIN_SCRIPTS. */
    scripts: string;
    /** The turn file (rollLockPath). */
    lock: string;
    node: string;
    container: string;
    /** rolloutDigest of what the new container is made from. */
    rollout: string;
    /** "<tessellationVersion>/<metagraphVersion>" of the new container. */
    versions: string;
    /** Value of the cluster label every container of the cluster carries. */
    cluster: string;
    /** Bound of a wait without progress, seconds. */
    timeoutSeconds: number;
    intervalSeconds?: number;
    /** The genesis reset token of the new container ("" or absent: none). */
    reset?: string;
}

/** The gate before a node's container is replaced: waits for its turn (roll.sh roll_turn). */
export function turnScript(t: TurnSpec): string {
    return rollScript(t.scripts, "roll_turn", t.lock, t.node, t.container, t.rollout, t.versions, t.cluster, t.timeoutSeconds, t.intervalSeconds ?? 3, t.reset ?? "");
}

/** The gate after: the node Ready and listed by its peer (none for a cluster of one), then the turn given back. */
export function joinedTurnScript(j: { scripts: string; lock: string; node: string; selfUrl: string; peerUrl?: string; timeoutSeconds: number; intervalSeconds?: number }): string {
    return rollScript(j.scripts, "roll_joined", j.lock, j.node, j.selfUrl, j.peerUrl ?? "", j.timeoutSeconds, j.intervalSeconds ?? 3);
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
function canonicalJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "null";
}

/** A short digest of everything a container is made from: it changes exactly when the container is replaced. */
export function rolloutDigest(made: unknown): string {
    return crypto.createHash("sha256").update(canonicalJson(made)).digest("hex").slice(0, 16);
}
