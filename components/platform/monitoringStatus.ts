// The pure half of `npm run status` (scripts/status.ts): what to probe, read from the stack's
// outputs; how each answer is judged; the table and the verdict. No I/O here: the command fetches,
// this decides. It prints what the OttoChain guide's check-health.sh prints (each node's state,
// each L1 cluster's size, ML0's ordinal), for every system, with a verdict and an exit code.
//
// Tessellation endpoints (read in Constellation-Labs/tessellation):
// - GET /node/info → { id, state, version, … } (node-shared http/routes/NodeRoutes.scala);
// - GET /cluster/info → the array of the node's cluster peers (node-shared http/routes/ClusterRoutes.scala);
// - GET /snapshots/latest/ordinal → { "value": <ordinal> } on ML0: SnapshotRoutes mounted under the
//   prefix "/snapshots" (modules/currency-l0/.../currency/l0/modules/HttpApi.scala@0f88b57d), whose
//   `latest / ordinal` route answers ("value" ->> ordinal) only when the node is Ready, 503 before
//   (modules/node-shared/.../node/shared/http/routes/SnapshotRoutes.scala@979ce2d4).

/** What `pulumi stack output --json` prints for a secret output when --show-secrets is absent. */
export const SECRET_PLACEHOLDER = "[secret]";

export type L0Layer = "gl0" | "ml0";
export type L1Layer = "cl1" | "dl1";
export const NODE_LAYERS = ["gl0", "ml0", "cl1", "dl1"] as const;
/** The systems whose health is their `healthUrl` output, in table order. */
export const HEALTH_SYSTEMS = ["scitt", "wealthwars", "lottery", "neo"] as const;
/** Systems whose health endpoint has a self-signed certificate (SCITT's CCF service certificate). */
const SELF_SIGNED = new Set<string>(["scitt"]);

export interface NodeTarget {
    layer: (typeof NODE_LAYERS)[number];
    /** gl0, ml0, cl1-0, …: the program's node names (spec.ts nodeName). */
    name: string;
    /** Public HTTP base URL, e.g. http://10.40.1.5:9300. */
    url: string;
}

export interface ClusterTarget {
    layer: L1Layer;
    /** The node count the stack was configured with (output expectedClusterSize). */
    expectedSize: number;
}

export interface SystemTarget {
    system: string;
    healthUrl: string;
    /** Accept a self-signed certificate (SCITT). */
    insecureTls: boolean;
}

export interface Targets {
    nodes: NodeTarget[];
    clusters: ClusterTarget[];
    /** ML0's base URL, whose ordinal is sampled twice. */
    ordinalUrl?: string;
    systems: SystemTarget[];
    /** Outputs that were present but not usable (a secret, a wrong shape), said in the report. */
    skipped: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isUrl = (v: unknown): v is string => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v);

/**
 * The probes a stack's outputs call for. Reads only the fields it needs (ottochain.layers.<layer>
 * .publicUrls and .expectedClusterSize, <system>.healthUrl); a value that is the secret placeholder
 * or not a URL is skipped and said so, never printed.
 */
export function targetsFromOutputs(outputs: unknown): Targets {
    const t: Targets = { nodes: [], clusters: [], systems: [], skipped: [] };
    if (!isObject(outputs)) throw new Error("the stack outputs are not a JSON object");
    const otto = outputs.ottochain;
    const layers = isObject(otto) && isObject(otto.layers) ? otto.layers : undefined;
    for (const layer of NODE_LAYERS) {
        const l = layers?.[layer];
        if (!isObject(l)) continue;
        const urls = Array.isArray(l.publicUrls) ? l.publicUrls : [];
        urls.forEach((u, i) => {
            const name = layer === "gl0" || layer === "ml0" ? layer : `${layer}-${i}`;
            if (isUrl(u)) t.nodes.push({ layer, name, url: u.replace(/\/+$/, "") });
            else t.skipped.push(`ottochain.layers.${layer}.publicUrls[${i}] (${u === SECRET_PLACEHOLDER ? "a secret output" : "not a URL"})`);
        });
        if (layer === "cl1" || layer === "dl1") {
            const n = l.expectedClusterSize;
            if (typeof n === "number" && Number.isInteger(n) && n > 0) t.clusters.push({ layer, expectedSize: n });
            else t.skipped.push(`ottochain.layers.${layer}.expectedClusterSize (not a positive integer)`);
        }
    }
    t.ordinalUrl = t.nodes.find((n) => n.layer === "ml0")?.url;
    for (const system of HEALTH_SYSTEMS) {
        const s = outputs[system];
        if (!isObject(s) || s.healthUrl === undefined) continue;
        if (isUrl(s.healthUrl)) t.systems.push({ system, healthUrl: s.healthUrl, insecureTls: SELF_SIGNED.has(system) });
        else t.skipped.push(`${system}.healthUrl (${s.healthUrl === SECRET_PLACEHOLDER ? "a secret output" : "not a URL"})`);
    }
    return t;
}

/** One HTTP answer, or why there was none. */
export type Fetched = { status: number; body: string } | { error: string };

export interface Observations {
    /** /node/info of each node, by node name. */
    nodeInfo: Record<string, Fetched>;
    /** /cluster/info of each L1 node, by node name. */
    clusterInfo: Record<string, Fetched>;
    /** ML0's /snapshots/latest/ordinal, sampled twice intervalSeconds apart. */
    ordinal?: { first: Fetched; second: Fetched; intervalSeconds: number };
    /** healthUrl of each system, by system name. */
    health: Record<string, Fetched>;
}

export interface Line {
    /** What the line is about: a node, a cluster, the ordinal, a system. */
    what: string;
    /** Where it was asked (credentials and query stripped). */
    where: string;
    ok: boolean;
    /** The state seen: Ready, 3/3, advancing, HTTP 200, unreachable, …. */
    state: string;
    detail: string;
}

/** A URL as it may be shown: no user:password@, no query (a token could sit there). */
export function shownUrl(u: string): string {
    try {
        const p = new URL(u);
        return `${p.protocol}//${p.host}${p.pathname === "/" ? "" : p.pathname}`;
    } catch {
        return "(unparsable URL)";
    }
}

function failure(f: Fetched): string | undefined {
    if ("error" in f) return `unreachable: ${f.error}`;
    if (f.status < 200 || f.status > 299) return `HTTP ${f.status}`;
    return undefined;
}

function parseJson(f: Fetched): unknown {
    if ("error" in f) return undefined;
    try {
        return JSON.parse(f.body);
    } catch {
        return undefined;
    }
}

/** A peer id shown short (first 8 … last 4 hex digits): enough to tell nodes apart. */
export function shortId(id: string): string {
    return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** A node: its /node/info state must be exactly "Ready"; version and id are shown. */
export function judgeNode(n: NodeTarget, info: Fetched | undefined): Line {
    const base = { what: n.name, where: shownUrl(n.url) };
    const bad = info === undefined ? "not asked" : failure(info);
    if (bad) return { ...base, ok: false, state: "DOWN", detail: bad };
    const j = parseJson(info!);
    if (!isObject(j) || typeof j.state !== "string") return { ...base, ok: false, state: "DOWN", detail: "/node/info is not a node's JSON" };
    const detail = [`version ${typeof j.version === "string" ? j.version : "?"}`, `id ${typeof j.id === "string" ? shortId(j.id) : "?"}`].join(", ");
    return { ...base, ok: j.state === "Ready", state: j.state, detail };
}

/** The size of a cluster as one node sees it (the length of its /cluster/info), or undefined. */
export function clusterSize(f: Fetched | undefined): number | undefined {
    if (f === undefined || failure(f)) return undefined;
    const j = parseJson(f);
    return Array.isArray(j) ? j.length : undefined;
}

/**
 * An L1 cluster: the largest size any of its nodes reports must reach the expected size (a node
 * that dropped out sees a smaller cluster; the others no longer list it).
 */
export function judgeCluster(c: ClusterTarget, nodes: NodeTarget[], clusterInfo: Record<string, Fetched>): Line {
    const views = nodes.filter((n) => n.layer === c.layer).map((n) => ({ n: n.name, size: clusterSize(clusterInfo[n.name]) }));
    const sizes = views.map((v) => v.size).filter((s): s is number => s !== undefined);
    const size = sizes.length > 0 ? Math.max(...sizes) : 0;
    const detail = views.map((v) => `${v.n} sees ${v.size ?? "nothing"}`).join(", ");
    return {
        what: `${c.layer} cluster`, where: "/cluster/info", ok: size >= c.expectedSize, state: `${size}/${c.expectedSize}`,
        detail: size >= c.expectedSize ? detail : `below its expected size of ${c.expectedSize}: ${detail}`,
    };
}

/** ML0's ordinal: the value field of /snapshots/latest/ordinal. */
export function ordinalOf(f: Fetched): number | undefined {
    if (failure(f)) return undefined;
    const j = parseJson(f);
    return isObject(j) && typeof j.value === "number" ? j.value : undefined;
}

/** ML0's ordinal must answer both times and grow between the two samples. */
export function judgeOrdinal(url: string, o: NonNullable<Observations["ordinal"]>): Line {
    const base = { what: "ml0 ordinal", where: shownUrl(`${url}/snapshots/latest/ordinal`) };
    const a = ordinalOf(o.first);
    const b = ordinalOf(o.second);
    if (a === undefined || b === undefined) {
        const f = a === undefined ? o.first : o.second;
        return { ...base, ok: false, state: "N/A", detail: failure(f) ?? "no ordinal in the answer" };
    }
    if (b > a) return { ...base, ok: true, state: String(b), detail: `advancing: ${a} → ${b} in ${o.intervalSeconds} s` };
    return { ...base, ok: false, state: String(b), detail: `stalled: ${a} → ${b} in ${o.intervalSeconds} s` };
}

/** A system's health URL must answer 2xx. */
export function judgeSystem(s: SystemTarget, f: Fetched | undefined): Line {
    const base = { what: s.system, where: shownUrl(s.healthUrl) };
    const bad = f === undefined ? "not asked" : failure(f);
    if (bad) return { ...base, ok: false, state: "DOWN", detail: bad };
    return { ...base, ok: true, state: "healthy", detail: `HTTP ${(f as { status: number }).status}` };
}

/** Every line of the report, in check-health.sh's order: nodes, clusters, the ordinal, then the other systems. */
export function judgeAll(t: Targets, o: Observations): Line[] {
    const lines: Line[] = t.nodes.map((n) => judgeNode(n, o.nodeInfo[n.name]));
    for (const c of t.clusters) lines.push(judgeCluster(c, t.nodes, o.clusterInfo));
    if (t.ordinalUrl && o.ordinal) lines.push(judgeOrdinal(t.ordinalUrl, o.ordinal));
    for (const s of t.systems) lines.push(judgeSystem(s, o.health[s.system]));
    return lines;
}

export interface Verdict { healthy: boolean; text: string }

export function verdict(lines: Line[]): Verdict {
    const bad = lines.filter((l) => !l.ok);
    if (lines.length === 0) return { healthy: false, text: "UNHEALTHY: the outputs name nothing to check (is the stack deployed?)" };
    if (bad.length === 0) return { healthy: true, text: `HEALTHY: all ${lines.length} checks passed` };
    return { healthy: false, text: `UNHEALTHY: ${bad.length} of ${lines.length} checks failed: ${bad.map((l) => `${l.what} ${l.state}`).join(", ")}` };
}

/** The table: one line per node, cluster, ordinal and system, aligned, then the verdict line. */
export function formatReport(stack: string, at: string, lines: Line[], skipped: string[]): string {
    const head = ["", "WHAT", "STATE", "WHERE", "DETAIL"];
    const rows = lines.map((l) => [l.ok ? "ok" : "FAIL", l.what, l.state, l.where, l.detail]);
    const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join("  ").trimEnd();
    const out = [`=== chainfleet status: stack ${stack} ===`, `Time: ${at}`, "", fmt(head), ...rows.map(fmt), ""];
    for (const s of skipped) out.push(`skipped: ${s}`);
    if (skipped.length) out.push("");
    out.push(verdict(lines).text);
    return `${out.join("\n")}\n`;
}

/** Exit codes of `npm run status` (documented in the README). */
export const EXIT = { healthy: 0, unhealthy: 1, usage: 2 } as const;
