// The e2e runner's state: what it created, per URN, with the inputs it sent and the outputs it
// got, in <workdir>/.e2e-state/state.json. A second run compares new inputs with these through
// decide(); the lead's precise provider model can replace decide() without touching the rest.
import * as fs from "fs";
import * as path from "path";

export interface ResourceState {
    urn: string;
    type: string;
    name: string;
    id: string;
    /** Inputs as sent (secrets unwrapped: the state file is mode 0600 in a temp workdir). */
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    /** URNs this resource waited for (its dependencies and its parent chain's). */
    dependencies: string[];
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /** Top-level input/output keys that are secret (their values are redacted from console output). */
    secretKeys?: string[];
    /** replaceOnChanges as registered (property paths; "*" is every property). */
    replaceOnChanges?: string[];
    /**
     * Created but failed to initialise (e.g. never healthy): the engine keeps it in state with these
     * errors, and the next run treats it as Pulumi's step generator does (see decide()).
     */
    initErrors?: string[];
    /** When the create finished (ISO time): the scenarios order events with it. */
    createdAt?: string;
}

export interface State { resources: Record<string, ResourceState> }

export function statePath(workdir: string): string {
    return path.join(workdir, ".e2e-state", "state.json");
}

export function loadState(workdir: string): State {
    const p = statePath(workdir);
    if (!fs.existsSync(p)) return { resources: {} };
    return JSON.parse(fs.readFileSync(p, "utf8")) as State;
}

/** Writes atomically (temp file + rename), so an aborted run leaves the last good state. */
export function saveState(workdir: string, state: State): void {
    const p = statePath(workdir);
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
    const tmp = `${p}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 1), { mode: 0o600 });
    fs.renameSync(tmp, p);
}

export type Decision = { action: "create" } | { action: "same" } | { action: "update"; why: string } | { action: "replace"; changed: string[] };

/** The property path Pulumi's engine uses for "the old state had init errors" (step_generator.go's initErrorSpecialKey). */
export const INIT_ERROR_KEY = "#initerror";

/**
 * What to do with a resource given its stored state (if any) and the new inputs. Deliberately
 * simple: any difference in any input replaces (no in-place updates, no provider read-back
 * normalisation). This is the seam for the precise provider model.
 *
 * A resource whose create failed after it existed (init errors) follows the engine, not
 * Terraform's taint: pulumi/pulumi pkg/resource/deploy/step_generator.go (continueStepsFromDiff,
 * applyReplaceOnChanges) replaces it only when its replaceOnChanges covers "#initerror" ("*"
 * does); otherwise unchanged inputs make an empty Update step, which leaves the resource as it is
 * (a container that never turned healthy stays, and the `up` reports success).
 */
export function decide(old: ResourceState | undefined, inputs: Record<string, unknown>, replaceOnChanges: string[] = []): Decision {
    if (!old) return { action: "create" };
    const keys = new Set([...Object.keys(old.inputs), ...Object.keys(inputs)]);
    const changed = [...keys].filter((k) => JSON.stringify(old.inputs[k]) !== JSON.stringify(inputs[k])).sort();
    if (changed.length > 0) return { action: "replace", changed };
    if (old.initErrors?.length) {
        if (replaceOnChanges.some((p) => p === "*" || p === INIT_ERROR_KEY)) return { action: "replace", changed: [INIT_ERROR_KEY] };
        return { action: "update", why: `init errors from the last run (${old.initErrors.join("; ")}); unchanged inputs: the engine updates in place` };
    }
    return { action: "same" };
}

/**
 * Deletion order: a resource goes only after every resource that depends on it. Returns waves;
 * each wave's members are independent of each other and can go in parallel.
 */
export function deletionWaves(resources: ResourceState[]): ResourceState[][] {
    const left = new Map(resources.map((r) => [r.urn, r]));
    const waves: ResourceState[][] = [];
    while (left.size > 0) {
        const needed = new Set<string>();
        for (const r of left.values()) for (const d of r.dependencies) if (d !== r.urn) needed.add(d);
        const wave = [...left.values()].filter((r) => !needed.has(r.urn));
        if (wave.length === 0) throw new Error(`dependency cycle among ${[...left.keys()].join(", ")}`);
        for (const r of wave) left.delete(r.urn);
        waves.push(wave);
    }
    return waves;
}
