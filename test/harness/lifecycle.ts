// The provider-model rung of docs/testing.md: the real program planned under our monitor, with each
// registration answered the way the engine and the providers would answer it on `pulumi up`.
//
// Pulumi's own integration lifecycle (pulumi/pulumi pkg/testing/integration/program.go) is
// preview → up → preview/up expecting no changes → refresh expecting no changes → edits → destroy.
// Here: `up(stack, prior)` plans the program against a prior state and decides, per resource, the
// step the engine would take (pulumi/pulumi pkg/resource/deploy/step_generator.go):
// - create: not in the prior state; delete: in it but no longer registered (a protected resource
//   cannot be deleted; a retained one is dropped from state and kept);
// - same / update / replace: the new inputs diffed against the stored state, where the stored
//   state is what the provider's Read made of what we sent (providers/*.ts readBack), an input is
//   compared exactly unless it is a set, and a change replaces when the provider forces it
//   (forceNew, or a nested force-new path) or the resource asks (replaceOnChanges);
// - a replacement is delete-before-replace when the resource or its provider says so, else
//   create-before-delete.
// Registration happens in dependency order, so a replacement's new id (and whatever else a new
// physical resource changes) flows into its dependents' inputs, as on a real `up`.
import { Graph, Overrides, planStack, PlannedResource, ROOT } from "./graph";
import { fakeOutputs } from "./fakes";
import { FORCE_NEW_PATHS, MODELS, NESTED_FORCE_NEW, PROVIDER_DELETE_BEFORE_REPLACE } from "./providers";
import { InputModel } from "./providers/model";
import { stableJson } from "./providers/forms";
import { StackName } from "./stackConfig";
import path from "path";

export type Op = "create" | "same" | "update" | "replace" | "delete";

export interface Step {
    urn: string;
    type: string;
    name: string;
    op: Op;
    /** For replace: the order the engine uses. */
    replaceKind?: "create-before-delete" | "delete-before-replace";
    /** Inputs whose change caused the step. */
    changed: string[];
    /** For delete: the resource is retained (dropped from state, kept in the world). */
    retained?: boolean;
}

/** One resource as kept in state after a step. */
export interface ResourceState {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id: string;
    /** Inputs in the form the provider's Read stored them. */
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    /** How many times it was replaced (0 = the first physical resource). */
    generation: number;
}

export type StackState = Map<string, ResourceState>;

export interface UpResult {
    graph: Graph;
    steps: Step[];
    state: StackState;
    /** Check errors: "<type> <name>: <input>: <message>". A real preview would fail on any. */
    checkErrors: string[];
    /** Deletes the engine would refuse (protected resources). */
    refused: string[];
}

/** Outputs a new physical resource changes when it replaces the old one (beyond its id). */
const CHANGED_BY_REPLACEMENT: Record<string, string[]> = {
    "aws:ec2/instance:Instance": ["privateIp", "publicIp", "arn"],
    "aws:ebs/volume:Volume": ["arn"],
    "aws:rds/instance:Instance": ["arn"],
    "aws:kms/key:Key": ["arn", "keyId"],
    "aws:kms/ciphertext:Ciphertext": ["ciphertextBlob"],
    "random:index/randomPassword:RandomPassword": ["result"],
    "random:index/randomBytes:RandomBytes": ["hex", "base64"],
    // Auto-named resources get a new random suffix when replaced create-before-delete (Pulumi
    // auto-naming; pulumi-kubernetes the same for metadata.name).
    "kubernetes:core/v1:Secret": ["metadata.name"],
    "aws:ec2/keyPair:KeyPair": ["keyName", "arn"],
};

/** Appends a generation mark to the string at a dotted path, if there is one. */
function markAt(o: Record<string, unknown>, dotted: string, generation: number): void {
    const parts = dotted.split(".");
    let cur: Record<string, unknown> = o;
    for (const p of parts.slice(0, -1)) {
        const next = cur[p];
        if (next === null || typeof next !== "object") return;
        cur[p] = { ...(next as Record<string, unknown>) };
        cur = cur[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (typeof cur[last] === "string") cur[last] = `${cur[last]}~g${generation}`;
}

/** Types that hold data: replacing or deleting one loses it unless it is retained. */
export const STATEFUL_TYPES = new Set([
    "docker:index/volume:Volume", "aws:ebs/volume:Volume", "aws:rds/instance:Instance", "aws:kms/key:Key",
]);

/** True when a step would lose data: a stateful resource replaced, or deleted without being retained. */
export function losesData(s: Step, prior: StackState): boolean {
    if (!STATEFUL_TYPES.has(s.type)) return false;
    const r = prior.get(s.urn);
    if (s.op === "replace") return !(r?.retainOnDelete ?? false);
    return s.op === "delete" && !s.retained;
}

function readBackOf(m: InputModel | undefined, sent: unknown, all: Record<string, unknown>): unknown {
    return m?.readBack ? m.readBack(sent, all) : sent;
}

/** The inputs as the provider's Read stores them. */
export function storedForm(r: Pick<PlannedResource, "type" | "inputs">): Record<string, unknown> {
    const model = MODELS.get(r.type);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.inputs)) out[k] = readBackOf(model?.inputs[k], v, r.inputs);
    return out;
}

/** Values at a dotted path with [*] wildcards ("policyDetails.schedules[*].copyTags", ".spec.selector"). */
function valuesAt(obj: unknown, dotted: string): unknown[] {
    const parts = dotted.replace(/^\./, "").split(".").flatMap((p) => (p.endsWith("[*]") ? [p.slice(0, -3), "*"] : [p]));
    let cur: unknown[] = [obj];
    for (const p of parts) {
        cur = cur.flatMap((v) => {
            if (p === "*") return Array.isArray(v) ? v : [];
            return v !== null && typeof v === "object" ? [(v as Record<string, unknown>)[p]] : [undefined];
        });
    }
    return cur;
}

/** Nested paths (from the root of the inputs) whose change forces replacement for a type. */
function nestedForceNew(type: string): string[] {
    return [...(FORCE_NEW_PATHS[type] ?? []), ...(NESTED_FORCE_NEW[type] ?? [])].map((p) => p.replace(/^\./, ""));
}

/** The step for a resource already in state, given what the program now sends. */
export function diffStep(r: PlannedResource, old: ResourceState): Step {
    const model = MODELS.get(r.type);
    const changed: string[] = [];
    let replace = false;
    const keys = new Set([...Object.keys(r.inputs), ...Object.keys(old.inputs)]);
    for (const k of keys) {
        const m = model?.inputs[k];
        const now = m?.unordered ? readBackOf(m, r.inputs[k], r.inputs) : r.inputs[k];
        if (stableJson(now) === stableJson(old.inputs[k])) continue;
        if (now === undefined && m?.computed) continue; // Optional + Computed: unset keeps the stored value
        changed.push(k);
        const nested = nestedForceNew(r.type).filter((p) => p.split(".")[0] === k || p.split("[")[0] === k);
        const nestedChanged = nested.some((p) => stableJson(valuesAt({ [k]: r.inputs[k] }, p)) !== stableJson(valuesAt({ [k]: old.inputs[k] }, p)));
        const asked = r.replaceOnChanges.some((p) => p === k || p.startsWith(`${k}.`) || p === "*");
        if (m?.forceNew || nestedChanged || asked) replace = true;
    }
    const base = { urn: r.urn, type: r.type, name: r.name, changed };
    if (changed.length === 0) return { ...base, op: "same" };
    if (!replace) return { ...base, op: "update" };
    const dbr = r.deleteBeforeReplace || PROVIDER_DELETE_BEFORE_REPLACE.has(r.type);
    return { ...base, op: "replace", replaceKind: dbr ? "delete-before-replace" : "create-before-delete" };
}

/** Check validations of the provider model on one registration. */
export function checkErrors(r: PlannedResource, cwd = ROOT): string[] {
    const model = MODELS.get(r.type);
    if (!model) return [];
    const out: string[] = [];
    for (const [k, v] of Object.entries(r.inputs)) {
        const msg = model.inputs[k]?.check?.(v, r.inputs, { cwd });
        if (msg) out.push(`${r.type} ${r.name}: ${k}: ${msg}`);
    }
    return out;
}

/** (type, input) pairs the plan sets that the provider model does not describe. */
export function unmodelled(g: Graph): string[] {
    const gaps = new Set<string>();
    for (const r of g.resources) {
        if (!r.custom) continue;
        const model = MODELS.get(r.type);
        if (!model) {
            gaps.add(`${r.type} (no model)`);
            continue;
        }
        for (const k of Object.keys(r.inputs)) if (!model.inputs[k]) gaps.add(`${r.type} ${k}`);
    }
    return [...gaps].sort();
}

function outputsFor(r: PlannedResource, id: string, generation: number): Record<string, unknown> {
    const fresh: Record<string, unknown> = { ...r.inputs, ...fakeOutputs(r.type, r.name, r.inputs) };
    if (generation > 0) {
        for (const k of CHANGED_BY_REPLACEMENT[r.type] ?? []) markAt(fresh, k, generation);
    }
    return { ...fresh, id };
}

/**
 * One `pulumi up` of a stack against a prior state (undefined: an empty stack). `cwd` is the
 * directory the program runs in, for Check rules that open files.
 */
export async function up(stack: StackName, prior: StackState | undefined, overrides: Overrides = {}, secrets?: Record<string, string>, cwd = ROOT): Promise<UpResult> {
    const before = prior ?? new Map<string, ResourceState>();
    const steps: Step[] = [];
    const state: StackState = new Map();
    const graph = await planStack(stack, overrides, secrets, path.join(ROOT, "index.ts"), (r) => {
        const old = before.get(r.urn);
        let step: Step;
        let generation = 0;
        if (!old) step = { urn: r.urn, type: r.type, name: r.name, op: "create", changed: [] };
        else if (!r.custom) step = { urn: r.urn, type: r.type, name: r.name, op: "same", changed: [] };
        else {
            step = diffStep(r, old);
            generation = old.generation + (step.op === "replace" ? 1 : 0);
        }
        steps.push(step);
        const id = r.custom ? `${r.name}-id${generation > 0 ? `~g${generation}` : ""}` : "";
        const outputs = old && step.op === "same" ? old.outputs : outputsFor(r, id, generation);
        state.set(r.urn, {
            urn: r.urn, type: r.type, name: r.name, custom: r.custom, id, inputs: storedForm(r), outputs,
            protect: r.protect, retainOnDelete: r.retainOnDelete, dependencies: r.dependencies, generation,
        });
        return { id, state: outputs };
    });
    const refused: string[] = [];
    for (const old of before.values()) {
        if (state.has(old.urn)) continue;
        if (old.protect) refused.push(`${old.type} ${old.name}: protected, so the engine refuses to delete it`);
        steps.push({ urn: old.urn, type: old.type, name: old.name, op: "delete", changed: [], retained: old.retainOnDelete });
    }
    return { graph, steps, state, checkErrors: graph.resources.flatMap((r) => checkErrors(r, cwd)), refused };
}

/** `pulumi destroy`: every resource deleted, protected ones refused, retained ones kept. */
export function destroy(state: StackState): { steps: Step[]; refused: string[] } {
    const steps: Step[] = [];
    const refused: string[] = [];
    for (const r of state.values()) {
        if (r.protect) refused.push(`${r.type} ${r.name}: protected, so the engine refuses to delete it`);
        steps.push({ urn: r.urn, type: r.type, name: r.name, op: "delete", changed: [], retained: r.retainOnDelete });
    }
    return { steps, refused };
}

/** `pulumi refresh`: Read of every resource. Changes when a stored value is not a fixed point of Read. */
export function refreshChanges(state: StackState): string[] {
    const out: string[] = [];
    for (const r of state.values()) {
        if (!r.custom) continue;
        const again = storedForm({ type: r.type, inputs: r.inputs });
        for (const k of Object.keys(r.inputs)) {
            if (stableJson(again[k]) !== stableJson(r.inputs[k])) out.push(`${r.type} ${r.name}: ${k}`);
        }
    }
    return out;
}

/** Steps other than `same`, as "op name" lines, for assertion messages. */
export function changes(steps: Step[]): Step[] {
    return steps.filter((s) => s.op !== "same");
}

export function describeSteps(steps: Step[]): string {
    return changes(steps).map((s) => `${s.op}${s.replaceKind ? ` (${s.replaceKind})` : ""} ${s.type} ${s.name}${s.changed.length ? ` [${s.changed.join(", ")}]` : ""}`).join("\n");
}
