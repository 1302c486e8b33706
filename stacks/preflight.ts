// The dev preflight: before any resource is registered, check that this machine can run what the
// config places on it — the Docker engine answers, the memory limits fit, the ports are free, the
// artifacts are there or will be made — and report every failure at once, each naming the config
// key (or DOCKER_HOST), the value and the fix, the way ConfigError reports config.
// The checks run through PreflightProbes, so each message is tested without an engine.
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { PlainConfig } from "./config/schema";
import { DEV_HOST, hostMemoryUse, otherPortClaims, ottochainNodes, ottochainShape } from "./placement";
import { HOST_RESERVED_MIB } from "./rules";
import { gitSources, stillToMake, tessellationSourceOf } from "./gitSources";
import { genesisCsvs, requiredJarPaths } from "../components/systems/ottochain/artifacts";
import { LAYER_KEYS, NodeSpec } from "../components/systems/ottochain/spec";
import { dockerfileForProvider } from "../components/systems/scitt/scitt";

import { NS } from "../components/platform/configKey";

/** strict: failures stop the program; warn: they are Pulumi warnings; off: no check. */
export type PreflightMode = "strict" | "warn" | "off";

/** What decides the mode when chainfleet:preflight is unset. */
export interface PreflightContext {
    /** A CI run (the CI variable is set, as GitHub Actions, GitLab CI and most runners do). */
    ci: boolean;
    /** `pulumi preview` (a dry run). */
    preview: boolean;
    /** Run by a Pulumi engine (CLI or Automation API); false only under unit-test mocks. */
    engine: boolean;
}

/**
 * chainfleet:preflight when set; else strict in dev (a preview fails early too, before anything is
 * planned), warn for a preview in CI (the runner may have no Docker: the report is shown, the
 * preview goes on), off in prod (its hosts are remote; their checks are config rules) and under
 * unit-test mocks (no engine: there is no machine being deployed to).
 */
export function preflightMode(c: Pick<PlainConfig, "preflight" | "topology">, ctx: PreflightContext): PreflightMode {
    if (c.preflight) return c.preflight;
    if (c.topology !== "dev" || !ctx.engine) return "off";
    return ctx.ci && ctx.preview ? "warn" : "strict";
}

/** The Docker engine endpoint of the dev DockerHost: DOCKER_HOST, else the default socket (as the Docker provider reads it). */
export type DockerEndpoint =
    | { kind: "unix"; socketPath: string; url: string }
    | { kind: "tcp"; host: string; port: number; tls: boolean; certPath: string; url: string }
    | { kind: "other"; url: string };

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
    const url = env.DOCKER_HOST || `unix://${DEFAULT_DOCKER_SOCKET}`;
    if (url.startsWith("unix://")) return { kind: "unix", socketPath: url.slice("unix://".length), url };
    const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(url);
    if (tcp) {
        const tls = !!env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== "0";
        return { kind: "tcp", host: tcp[1], port: Number(tcp[2] ?? (tls ? 2376 : 2375)), tls, certPath: env.DOCKER_CERT_PATH || path.join(os.homedir(), ".docker"), url };
    }
    return { kind: "other", url };
}

/** Whether containers of this engine publish their ports on this machine (so a local listen tells). */
function portsAreLocal(e: DockerEndpoint): boolean {
    return e.kind === "unix" || (e.kind === "tcp" && ["127.0.0.1", "localhost", "::1"].includes(e.host));
}

/** The machine as the preflight sees it; tests pass fakes. */
export interface PreflightProbes {
    /** GET on the engine's API: the status and body, or the connection error as a sentence. */
    dockerGet(e: DockerEndpoint, apiPath: string): Promise<{ status: number; body: string } | { error: string }>;
    /** Listens on address:port and closes again: undefined when the port is free, else the error code (EADDRINUSE, EACCES…). */
    listen(address: string, port: number): Promise<string | undefined>;
    /** This machine's memory, MiB (os.totalmem). */
    totalMemoryMiB(): number;
    exists(p: string): boolean;
    /** The path, or its nearest existing ancestor, is writable by this user (so it can be made). */
    writable(p: string): boolean;
}

export const realProbes: PreflightProbes = {
    dockerGet: (e, apiPath) => new Promise((resolve) => {
        if (e.kind === "other") return resolve({ error: `${e.url} is not reachable with an HTTP request from here` });
        const read = (p: string) => fs.readFileSync(path.join(e.kind === "tcp" ? e.certPath : "", p));
        let opts: https.RequestOptions;
        try {
            opts = e.kind === "unix"
                ? { socketPath: e.socketPath }
                : { host: e.host, port: e.port, ...(e.tls ? { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") } : {}) };
        } catch (err) {
            return resolve({ error: `the TLS files in DOCKER_CERT_PATH cannot be read (${(err as Error).message})` });
        }
        const get = e.kind === "tcp" && e.tls ? https.get : http.get;
        const req = get({ ...opts, path: apiPath, timeout: 5000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            // A response cut off mid-body emits no 'end' (and its error only to a listener): settle anyway.
            res.on("error", (err) => resolve({ error: err.message }));
            res.on("close", () => { if (!res.complete) resolve({ error: "the engine cut its answer off" }); });
        });
        req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
        req.on("error", (err) => resolve({ error: err.message }));
    }),
    listen: (address, port) => new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(undefined)));
    }),
    totalMemoryMiB: () => Math.floor(os.totalmem() / 2 ** 20),
    exists: (p) => fs.existsSync(p),
    writable: (p) => {
        let d = path.resolve(p);
        while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
        try {
            fs.accessSync(d, fs.constants.W_OK);
            return true;
        } catch {
            return false;
        }
    },
};

/**
 * Memory limits, MiB, of the dev containers whose size is fixed in their component rather than in
 * config: each PostgreSQL container (dev.ts passes this), the Neo service layer
 * (components/systems/neo/neo.ts) and the lottery operator (components/systems/lottery/lottery.ts).
 * test/preflight.spec.ts checks the sum against the containers of the dev plan.
 */
export const DEV_FIXED_MIB = { postgres: 1024, neo: 512, lottery: 512 };

/** What the dev stack's containers may take of this machine's memory: the parts and the keys that size them. */
export function devMemoryUse(c: PlainConfig): { mib: number; parts: string[]; keys: string[] } {
    const placed = hostMemoryUse(c).get(DEV_HOST);
    const use = { mib: placed?.mib ?? 0, parts: [...(placed?.parts ?? [])], keys: [...(placed?.keys ?? [])] };
    const add = (mib: number, part: string, key: string) => {
        use.mib += mib;
        use.parts.push(`${part} ${mib} MiB`);
        if (!use.keys.includes(key)) use.keys.push(key);
    };
    if (c.wealthwars.enabled) {
        add(c.wealthwars.memoryMiB, "wealthwars", `${NS}:wealthwars.memoryMiB`);
        add(DEV_FIXED_MIB.postgres, "wealthwars postgres", `${NS}:wealthwars.enabled`);
    }
    if (c.lottery.enabled) add(DEV_FIXED_MIB.lottery, "lottery", `${NS}:lottery.enabled`);
    if (c.neo.enabled) {
        add(DEV_FIXED_MIB.neo, "neo", `${NS}:neo.enabled`);
        if (c.neo.database === "postgres") add(DEV_FIXED_MIB.postgres, "neo postgres", `${NS}:neo.database`);
    }
    return use;
}

/**
 * The jar files the dev nodes and their keystores read, by version, that must be there before
 * anything is deployed (artifacts.ts requiredJarPaths), less those a build the nodes wait for makes:
 * the metagraph's when chainfleet:ottochain.source is set, Tessellation's that are not pinned while
 * chainfleet:ottochain.tessellationSource.enabled (releaseJars.ts tessellationJarSources). Pinned
 * Tessellation jars are downloaded before the preflight runs (releaseJars.ts), so they are there
 * or have failed already.
 */
export function requiredJars(c: PlainConfig): string[] {
    const o = c.ottochain;
    const all = requiredJarPaths(o.jarsDir, { tessellation: o.tessellationVersion, metagraph: o.metagraphVersion }, ottochainShape(c).selfHostedGlobalL0);
    const built = new Set(gitSources(c).flatMap((s) => s.makes ?? []));
    return all.filter((j) => !built.has(j));
}

/** A set of host ports one owner takes, where it binds them, the key that moves or drops them, and the container of ours that holds them. */
export interface PortNeed {
    owner: string;
    key: string;
    fix: string;
    address: string;
    ports: number[];
    /** Host-networked containers publish nothing the engine lists: they are recognised by name. */
    containerName?: string;
}

/** The container a metagraph node runs in (components/systems/ottochain/node.ts containerName). */
export function nodeContainerName(n: NodeSpec): string {
    return `ottochain-${n.name}`;
}

/** Every host port dev takes, by owner. OttoChain nodes run with host networking: Tessellation binds 0.0.0.0 (its CLI port 127.0.0.1), so they are tried on 0.0.0.0. */
export function devPortNeeds(c: PlainConfig): PortNeed[] {
    const out: PortNeed[] = [];
    for (const claim of otherPortClaims(c)) {
        const address = claim.owner === "scitt" ? c.scitt.bindAddress : c.hosts.localAddress;
        const keys = claim.key.replace(/^chainfleet:(\w+)\.port\/nodePort$/, "chainfleet:$1.port or .nodePort");
        out.push({ owner: claim.owner, key: keys, fix: `change ${keys}`, address, ports: claim.ports });
    }
    for (const n of ottochainNodes(c)) {
        const l1 = n.layer === "cl1" || n.layer === "dl1";
        const key = l1 ? `${NS}:ottochain.${LAYER_KEYS[n.layer]}.nodes` : n.layer === "gl0" ? `${NS}:ottochain.globalL0.source` : `${NS}:ottochain.enabled`;
        const fix = l1 ? `lower ${key} (OttoChain's ports are fixed per node)`
            : n.layer === "gl0" ? `use an external Global L0 (${key}: external; GL0's ports are fixed)` : `set ${key} to false (ML0's ports are fixed)`;
        out.push({ owner: `ottochain ${n.name}`, key, fix, address: "0.0.0.0", ports: [n.ports.public, n.ports.p2p, n.ports.cli], containerName: nodeContainerName(n) });
    }
    return out;
}

/** A container as the engine lists it (GET /containers/json?all=true). */
interface EngineContainer {
    Names?: string[];
    Labels?: Record<string, string>;
    Ports?: { PublicPort?: number }[];
}

/** Whether a container of this stack holds the port: one we label (chainfleet.component) that publishes it, or the node's own host-networked container. */
function heldByUs(containers: EngineContainer[], need: PortNeed, port: number): boolean {
    return containers.some((k) => k.Labels?.["chainfleet.component"] !== undefined && (
        (need.containerName !== undefined && (k.Names ?? []).includes(`/${need.containerName}`)) ||
        (k.Ports ?? []).some((p) => p.PublicPort === port)));
}

export interface PreflightReport {
    /** Failures, one sentence each (key, value, fix). */
    problems: string[];
    /** Checks that could not run here, and why (never failures). */
    notes: string[];
}

/** Runs every dev check. Prod has none here (its machines are remote): returns an empty report. */
export async function preflight(c: PlainConfig, probes: PreflightProbes, env: NodeJS.ProcessEnv = process.env): Promise<PreflightReport> {
    const report: PreflightReport = { problems: [], notes: [] };
    if (c.topology !== "dev") return report;
    const e = dockerEndpoint(env);
    const source = env.DOCKER_HOST ? "DOCKER_HOST" : "DOCKER_HOST unset: the default socket";

    // 1. The engine answers, and what it runs (to tell our own containers from strangers on a port).
    let containers: EngineContainer[] = [];
    let engineMiB: number | undefined;
    let engineCpus: number | undefined;
    if (e.kind === "other") {
        report.notes.push(`the Docker engine at ${e.url} (DOCKER_HOST) was not checked: only unix:// and tcp:// endpoints can be asked from here`);
    } else {
        const ping = await probes.dockerGet(e, "/_ping");
        const why = "error" in ping ? ping.error : ping.status !== 200 ? `HTTP ${ping.status}` : undefined;
        if (why !== undefined) {
            report.problems.push(`the Docker engine at ${e.url} (${source}) does not answer GET /_ping (${why}): start Docker, or set DOCKER_HOST to the engine to deploy to`);
        } else {
            const list = await probes.dockerGet(e, "/containers/json?all=true");
            if (!("error" in list) && list.status === 200) containers = JSON.parse(list.body) as EngineContainer[];
            const info = await probes.dockerGet(e, "/info");
            if (!("error" in info) && info.status === 200) {
                const { MemTotal: mem, NCPU: ncpu } = JSON.parse(info.body) as { MemTotal?: number; NCPU?: number };
                if (mem) engineMiB = Math.floor(mem / 2 ** 20);
                if (ncpu) engineCpus = ncpu;
            }
        }
    }

    // 2. Memory: every limit the dev containers have must fit this machine (or the engine's VM, if smaller).
    const use = devMemoryUse(c);
    const machineMiB = probes.totalMemoryMiB();
    const haveMiB = engineMiB !== undefined && engineMiB < machineMiB ? engineMiB : machineMiB;
    const what = haveMiB === machineMiB ? "this machine has" : "the Docker engine (its VM) has";
    if (use.mib > haveMiB - HOST_RESERVED_MIB) {
        report.problems.push(`the dev containers' memory limits add up to ${use.mib} MiB (${use.parts.join(" + ")}), more than the ${haveMiB - HOST_RESERVED_MIB} MiB left when ${what} ${haveMiB} MiB ` +
            `less ${HOST_RESERVED_MIB} MiB for the OS and Docker: lower ${use.keys.join(" or ")}, or turn a system off (chainfleet:<system>.enabled: false)`);
    }

    // 2b. CPUs: the engine refuses a container whose CPU limit exceeds its CPUs ("range of CPUs is
    // from 0.01 to N"), and a replacement deletes the old container first: so refuse it here.
    if (engineCpus !== undefined) {
        for (const [on, key, cpus] of [[c.scitt.enabled, "scitt.cpus", c.scitt.cpus], [c.wealthwars.enabled, "wealthwars.cpus", c.wealthwars.cpus]] as const) {
            if (on && cpus > engineCpus) {
                report.problems.push(`${NS}:${key} is ${cpus} CPUs, more than the ${engineCpus} the Docker engine at ${e.url} has: Docker would refuse the container ` +
                    `(after deleting the old one, on a replacement); set it to at most ${engineCpus}`);
            }
        }
    }

    // 3. Ports: each published or host-networked port must be free on its address, unless our own container holds it (a second `up`).
    if (!portsAreLocal(e)) {
        report.notes.push(`ports were not checked: the engine at ${e.url} (DOCKER_HOST) publishes them on another machine`);
    } else {
        for (const need of devPortNeeds(c)) {
            const busy: string[] = [];
            for (const p of need.ports) {
                const err = await probes.listen(need.address, p);
                if (err !== undefined && !heldByUs(containers, need, p)) busy.push(`${p} (${err === "EADDRINUSE" ? "in use" : err})`);
            }
            if (busy.length) {
                report.problems.push(`${need.owner}: port${busy.length > 1 ? "s" : ""} ${busy.join(", ")} on ${need.address} ${busy.length > 1 ? "are" : "is"} not free for it (${need.key}): ` +
                    `stop what holds ${busy.length > 1 ? "them" : "it"} (\`lsof -nP -iTCP:${busy[0].split(" ")[0]} -sTCP:LISTEN\` shows it), or ${need.fix}`);
            }
        }
    }

    // 4. Artifacts: jars present; genesis present or makeable (dev genesis); keystores makeable; SCITT image or its build context.
    if (c.ottochain.enabled) {
        const o = c.ottochain;
        const missing = requiredJars(c).filter((j) => !probes.exists(j));
        const family = (name: string) => missing.filter((j) => path.basename(path.dirname(path.dirname(j))) === name).map((j) => path.relative(o.jarsDir, j));
        const tessellation = family("tessellation");
        const metagraph = family("metagraph");
        const them = (n: string[]) => (n.length > 1 ? "them" : "it");
        if (tessellation.length) {
            const off = !tessellationSourceOf(c).enabled;
            const it = them(tessellation);
            report.problems.push(`${NS}:ottochain.jarsDir "${o.jarsDir}" lacks ${tessellation.join(", ")}${off ? ` and ${NS}:ottochain.tessellationSource.enabled is false, so nothing builds ${it}` : ""}: ` +
                `pin ${NS}:ottochain.releaseSha256.<jar> to download ${it} from the Tessellation ${o.tessellationVersion} release, ` +
                `${off ? `set ${NS}:ottochain.tessellationSource.enabled to true to build ${it} from source, ` : ""}put ${it} there, or set ${NS}:ottochain.jarsDir to the directory that holds ${it}`);
        }
        if (metagraph.length) {
            report.problems.push(`${NS}:ottochain.jarsDir "${o.jarsDir}" lacks ${metagraph.join(", ")}: set ${NS}:ottochain.source (url and ref) to build your metagraph ${o.metagraphVersion}'s jars, ` +
                `put ${them(metagraph)} there, or set ${NS}:ottochain.jarsDir to the directory that holds ${them(metagraph)}`);
        }
        const toBuild = gitSources(c).filter((s) => (stillToMake(s, probes.exists) ?? []).length > 0);
        if (toBuild.length && !probes.writable(o.jarsDir)) {
            report.problems.push(`${NS}:ottochain.jarsDir "${o.jarsDir}" cannot be written by this user, so the jars of ${toBuild.map((s) => `${NS}:${s.key}`).join(" and ")} ` +
                `cannot be built into it: set ${NS}:ottochain.jarsDir to a directory you own`);
        }
        const csvs = genesisCsvs(ottochainShape(c).selfHostedGlobalL0);
        const absent = csvs.filter((f) => !probes.exists(path.join(o.genesisDir, f)));
        if (absent.length && !probes.writable(o.genesisDir)) {
            report.problems.push(`${NS}:ottochain.genesisDir "${o.genesisDir}" has no ${absent.join(", ")} and cannot be written by this user, so the dev genesis cannot be made there: ` +
                `set ${NS}:ottochain.genesisDir to a directory you own, or put the genesis CSVs there`);
        }
        if (!probes.writable(o.keysDir)) {
            report.problems.push(`${NS}:ottochain.keysDir "${o.keysDir}" cannot be written by this user, so the node keystores cannot be made there: set ${NS}:ottochain.keysDir to a directory you own`);
        }
    }
    if (c.scitt.enabled && c.scitt.image === undefined && c.scitt.buildContext !== undefined) {
        const ctx = c.scitt.buildContext;
        const dockerfile = dockerfileForProvider(ctx, c.scitt.dockerfile);
        if (!probes.exists(ctx)) {
            report.problems.push(`${NS}:scitt.buildContext "${ctx}" does not exist (resolved: ${path.resolve(ctx)}): clone scitt-ccf-ledger there ` +
                `(git clone https://github.com/microsoft/scitt-ccf-ledger ${ctx}), or set ${NS}:scitt.source.url and .ref to have it checked out, or ${NS}:scitt.image to a pinned image`);
        } else if (!probes.exists(dockerfile)) {
            report.problems.push(`${NS}:scitt.dockerfile "${c.scitt.dockerfile}" is not in ${NS}:scitt.buildContext "${ctx}" (no ${dockerfile}): ` +
                `set ${NS}:scitt.dockerfile to the checkout's Dockerfile, or ${NS}:scitt.image to a pinned image`);
        }
    }
    return report;
}

export class PreflightError extends Error {
    constructor(public readonly problems: string[]) {
        super(`This machine is not ready for the dev stack (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was registered):\n` +
            problems.map((p) => `  - ${p}`).join("\n") +
            `\n  (${NS}:preflight: warn reports these without stopping; off skips the checks)`);
        this.name = "PreflightError";
    }
}

/**
 * Applies the mode to a report: strict throws PreflightError on any problem; warn returns the
 * problems as warnings; notes are always returned as warnings.
 */
export function preflightWarnings(mode: PreflightMode, report: PreflightReport): string[] {
    if (mode === "strict" && report.problems.length) throw new PreflightError(report.problems);
    const prefix = "preflight: ";
    return [...(mode === "warn" ? report.problems : []), ...report.notes].map((m) => prefix + m);
}
