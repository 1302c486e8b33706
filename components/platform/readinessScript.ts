// Pure builders of the readiness and join scripts (text only; readiness.ts runs them).
import { cmd, shippedScript } from "./shell";

const LIB = shippedScript("readiness.sh");

/** A complete bash script: the readiness library, then one call. */
export function readinessScript(fn: "wait_for_state" | "cluster_join", ...args: (string | number)[]): string {
    return `${LIB}\nset -euo pipefail\n${cmd(fn, ...args)}\n`;
}

export interface WaitSpec {
    /** URL answering JSON. */
    url: string;
    /** Top-level string field to compare. */
    field: string;
    /** Exact value awaited. */
    expected: string;
    /** Upper bound of the wait, seconds. */
    timeoutSeconds: number;
    /** Seconds between polls. */
    intervalSeconds?: number;
}

export function waitForStateScript(w: WaitSpec): string {
    return readinessScript("wait_for_state", w.url, w.field, w.expected, w.timeoutSeconds, w.intervalSeconds ?? 2);
}

export interface JoinSpec {
    /** Public URL of the joining node, e.g. http://10.0.0.5:9310. */
    selfUrl: string;
    /** Its CLI port (127.0.0.1 only). */
    selfCliPort: number;
    /** Public URL of the cluster's initial validator. */
    peerUrl: string;
    /** Initial validator's IP and p2p port. */
    peerIp: string;
    peerP2pPort: number;
    /** Join attempts answered 409 before giving up. */
    attempts: number;
    /** Bound of each wait, seconds. */
    timeoutSeconds: number;
    intervalSeconds?: number;
}

export function clusterJoinScript(j: JoinSpec): string {
    return readinessScript("cluster_join", j.selfUrl, j.selfCliPort, j.peerUrl, j.peerIp, j.peerP2pPort, j.attempts, j.timeoutSeconds, j.intervalSeconds ?? 3);
}
