// Rendering a planned graph for people: a tree with dependencies (the offline preview), JSON with
// secrets masked, and a diff between two plans.
import { Graph, PlannedResource } from "./graph";

export const MASK = "[secret]";

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]. */
export function parsePath(p: string): (string | number)[] {
    const out: (string | number)[] = [];
    for (const part of p.split(".")) {
        const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
        if (!m) { out.push(part); continue; }
        if (m[1]) out.push(m[1]);
        for (const idx of m[2].match(/\d+/g) ?? []) out.push(Number(idx));
    }
    return out;
}

/** A copy of the inputs with every secret path replaced by [secret]. */
export function maskedInputs(r: Pick<PlannedResource, "inputs" | "secretPaths">): Record<string, unknown> {
    const copy = structuredClone(r.inputs) as Record<string, unknown>;
    for (const p of r.secretPaths) {
        if (p === "") return { [MASK]: MASK };
        const path = parsePath(p);
        let cur: unknown = copy;
        for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)?.[k];
        if (cur && typeof cur === "object") (cur as Record<string | number, unknown>)[path[path.length - 1]] = MASK;
    }
    return copy;
}

function flags(r: PlannedResource): string {
    const f = [r.protect && "protect", r.retainOnDelete && "retainOnDelete", r.deleteBeforeReplace && "deleteBeforeReplace",
        r.ignoreChanges.length > 0 && `ignoreChanges=${r.ignoreChanges.join(",")}`, r.secretPaths.length > 0 && `secret inputs=${r.secretPaths.length}`]
        .filter(Boolean);
    return f.length ? `  [${f.join(" ")}]` : "";
}

/** The plan as a tree of components and resources, each with what it waits for. */
export function renderTree(g: Graph): string {
    const children = new Map<string, PlannedResource[]>();
    const roots: PlannedResource[] = [];
    const byUrn = new Map(g.resources.map((r) => [r.urn, r]));
    for (const r of g.resources) {
        if (r.parent && byUrn.has(r.parent)) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        else roots.push(r);
    }
    const lines: string[] = [];
    const walk = (r: PlannedResource, depth: number) => {
        const indent = "  ".repeat(depth);
        lines.push(`${indent}${r.custom ? "+" : "▸"} ${r.type}  ${r.name}${flags(r)}`);
        const deps = r.dependencies.filter((d) => d !== r.parent).map((d) => byUrn.get(d)?.name ?? d.split("::").pop());
        if (deps.length) lines.push(`${indent}    waits for: ${deps.join(", ")}`);
        for (const c of children.get(r.urn) ?? []) walk(c, depth + 1);
    };
    for (const r of roots) walk(r, 0);
    const paths = pathLines(g);
    if (paths.length) lines.push("", "paths:", ...paths.map((l) => `  ${l}`));
    const custom = g.resources.filter((r) => r.custom).length;
    lines.push("", `${g.stack}: ${custom} resources in ${g.resources.length - custom} components (offline plan: no cloud, CLI or Docker engine)`);
    return lines.join("\n");
}

/**
 * The network paths a reviewer checks, from the stack outputs: how the deployer reaches each
 * Docker host (stacks/access.ts accessOutputs) and what the databases admit from the cluster.
 */
function pathLines(g: Graph): string[] {
    const out: string[] = [];
    const a = g.outputs.access as { mode: string; bastion?: string; hosts: Record<string, { target: string }> } | undefined;
    if (a) {
        const via = a.mode === "ssm" ? "SSM Session Manager" : a.mode === "bastion" ? `bastion ${a.bastion}` : a.mode === "jump" ? "the jump host" : "direct";
        for (const [label, h] of Object.entries(a.hosts)) out.push(`deployer → ${via} → host ${label} (${h.target}):22`);
    }
    const n = g.outputs.network as { mode: string; rdsAdmits?: { cidrs: string[]; securityGroupIds: string[] } } | undefined;
    if (n?.rdsAdmits) out.push(`cluster (${[...n.rdsAdmits.cidrs, ...n.rdsAdmits.securityGroupIds].join(", ")}) → RDS:5432 [network ${n.mode}]`);
    return out;
}

export interface PlanJson {
    stack: string;
    resources: { urn: string; type: string; name: string; parent?: string; dependencies: string[]; protect: boolean; retainOnDelete: boolean; deleteBeforeReplace: boolean; inputs: Record<string, unknown> }[];
}

export function toJson(g: Graph): PlanJson {
    return {
        stack: g.stack,
        resources: g.resources.map((r) => ({
            urn: r.urn, type: r.type, name: r.name, parent: r.parent, dependencies: r.dependencies,
            protect: r.protect, retainOnDelete: r.retainOnDelete, deleteBeforeReplace: r.deleteBeforeReplace, inputs: maskedInputs(r),
        })),
    };
}

/** Flattens inputs to "path = value" lines for comparison. */
function flatten(v: unknown, at: string, out: Map<string, string>): void {
    if (v !== null && typeof v === "object") {
        const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [at ? `.${k}` : k, x] as const);
        if (entries.length === 0) out.set(at, JSON.stringify(v));
        for (const [k, x] of entries) flatten(x, `${at}${k}`, out);
    } else out.set(at, JSON.stringify(v));
}

export interface PlanDiff { added: string[]; removed: string[]; changed: { urn: string; changes: string[] }[] }

/** What the new plan adds, removes and changes against the old one (secrets stay masked). */
export function diffPlans(before: PlanJson, after: PlanJson): PlanDiff {
    const b = new Map(before.resources.map((r) => [r.urn, r]));
    const a = new Map(after.resources.map((r) => [r.urn, r]));
    const diff: PlanDiff = { added: [], removed: [], changed: [] };
    for (const urn of a.keys()) if (!b.has(urn)) diff.added.push(urn);
    for (const urn of b.keys()) if (!a.has(urn)) diff.removed.push(urn);
    for (const [urn, ar] of a) {
        const br = b.get(urn);
        if (!br) continue;
        const fa = new Map<string, string>(); const fb = new Map<string, string>();
        flatten(ar.inputs, "", fa); flatten(br.inputs, "", fb);
        const changes: string[] = [];
        for (const k of new Set([...fa.keys(), ...fb.keys()])) {
            if (fa.get(k) !== fb.get(k)) changes.push(`${k}: ${fb.get(k) ?? "(none)"} → ${fa.get(k) ?? "(none)"}`);
        }
        for (const opt of ["protect", "retainOnDelete", "deleteBeforeReplace"] as const) {
            if (ar[opt] !== br[opt]) changes.push(`option ${opt}: ${br[opt]} → ${ar[opt]}`);
        }
        if (changes.length) diff.changed.push({ urn, changes: changes.sort() });
    }
    return diff;
}

export function renderDiff(d: PlanDiff, ref: string, stack: string): string {
    const short = (u: string) => u.split("::").slice(2).join("::");
    const lines = [`Offline plan diff for ${stack} against ${ref}: ${d.added.length} to add, ${d.removed.length} to remove, ${d.changed.length} to change`];
    for (const u of d.added) lines.push(`  + ${short(u)}`);
    for (const u of d.removed) lines.push(`  - ${short(u)}`);
    for (const c of d.changed) {
        lines.push(`  ~ ${short(c.urn)}`);
        for (const ch of c.changes.slice(0, 20)) lines.push(`      ${ch.length > 300 ? `${ch.slice(0, 300)}…` : ch}`);
        if (c.changes.length > 20) lines.push(`      … ${c.changes.length - 20} more`);
    }
    return lines.join("\n");
}
