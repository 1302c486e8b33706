// Pure builders of the readiness and join scripts (text only; readiness.ts runs them). Each
// sources the readiness library of a script set installed on the host (scriptSet.ts), then makes
// one call.
import { cmd } from "./shell";
import { sourceLines } from "./scriptSet";

/** A complete bash script: the library in `scripts` (a host directory holding readiness.sh) sourced, then one call. */
export function readinessScript(scripts: string, fn: "wait_for_state" | "wait_joined" | "check_versions", ...args: (string | number)[]): string {
    return `${sourceLines(scripts, ["readiness.sh"])}\nset -euo pipefail\n${cmd(fn, ...args)}\n`;
}

export interface WaitSpec {
    /** Host directory of an installed script set holding readiness.sh. */
    scripts: string;
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
    return readinessScript(w.scripts, "wait_for_state", w.url, w.field, w.expected, w.timeoutSeconds, w.intervalSeconds ?? 2);
}

export interface JoinedSpec {
    /** Host directory of an installed script set holding readiness.sh. */
    scripts: string;
    /** Public URL of the validator, e.g. http://10.0.0.5:9310. */
    selfUrl: string;
    /** Public URL of the cluster's initial validator. */
    peerUrl: string;
    /** Bound of the wait, seconds. */
    timeoutSeconds: number;
    intervalSeconds?: number;
}

/** Waits until a validator is Ready and listed by its initial validator (its own entrypoint joins it). */
export function joinedScript(j: JoinedSpec): string {
    return readinessScript(j.scripts, "wait_joined", j.selfUrl, j.peerUrl, j.timeoutSeconds, j.intervalSeconds ?? 3);
}

/** Fails unless every node's /node/info version is `expected`, naming each node that differs. */
export function versionCheckScript(scripts: string, expected: string, nodes: { name: string; url: string }[]): string {
    return readinessScript(scripts, "check_versions", expected, ...nodes.map((n) => `${n.name}=${n.url}`));
}
