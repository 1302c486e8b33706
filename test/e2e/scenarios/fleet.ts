// What the scenarios observe of a running dev fleet: its containers (from the runner's state),
// their Docker health, each OttoChain node's /node/info state and L1 /cluster/info size, SCITT's
// /node/network, and bounded waits on all of these.
import * as http from "http";
import * as https from "https";
import { ContainerInspect, inspectContainer, isNotFound } from "../runner/dockerApi";
import { loadState, ResourceState } from "../runner/state";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET a local URL (HTTPS without verification: SCITT's certificate is self-signed). */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
    const mod = url.startsWith("https:") ? https : http;
    return new Promise((resolve, reject) => {
        const req = mod.get(url, { timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString("utf8")));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            // A response cut off mid-body (the node or dockerd restarting) emits no 'end', and Node's
            // IncomingMessage swallows its error when nothing listens: the promise would never settle,
            // and once nothing else is pending Node exits 0 in the middle of a scenario.
            res.on("error", reject);
            res.on("close", () => { if (!res.complete) reject(new Error(`${url}: the response was cut off`)); });
        });
        req.on("timeout", () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

export interface FleetContainer { name: string; resource: ResourceState; layer?: string; publicPort?: number }

/** The containers the runner created, with OttoChain layer and public port where they have one. */
export async function fleetContainers(workdir: string): Promise<FleetContainer[]> {
    const out: FleetContainer[] = [];
    for (const r of Object.values(loadState(workdir).resources)) {
        if (r.type !== "docker:index/container:Container") continue;
        const labels = (r.inputs.labels as { label: string; value: string }[] | undefined) ?? [];
        const layer = labels.find((l) => l.label === "chainfleet.ottochain.layer")?.value;
        const envs = (r.inputs.envs as string[] | undefined) ?? [];
        const port = envs.find((e) => e.startsWith("CL_PUBLIC_HTTP_PORT="))?.split("=")[1];
        out.push({ name: String(r.inputs.name), resource: r, layer, publicPort: port ? Number(port) : undefined });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function inspectOrNull(name: string): Promise<ContainerInspect | null> {
    try { return await inspectContainer(name); } catch (e) { if (isNotFound(e)) return null; throw e; }
}

/** A node's /node/info state, or why there is none. */
export async function nodeState(port: number): Promise<string> {
    try {
        const r = await httpGet(`http://127.0.0.1:${port}/node/info`);
        if (r.status !== 200) return `HTTP ${r.status}`;
        return String((JSON.parse(r.body) as { state?: string }).state);
    } catch (e) {
        return `no answer (${(e as Error).message})`;
    }
}

/** Size of an L1 node's /cluster/info, or -1. */
export async function clusterSize(port: number): Promise<number> {
    try {
        const r = await httpGet(`http://127.0.0.1:${port}/cluster/info`);
        const v = JSON.parse(r.body) as unknown;
        return r.status === 200 && Array.isArray(v) ? v.length : -1;
    } catch {
        return -1;
    }
}

/** Everything that is not as it should be; empty when the fleet is whole. */
export async function fleetProblems(workdir: string): Promise<string[]> {
    const problems: string[] = [];
    const cs = await fleetContainers(workdir);
    const sizes = new Map<string, number>();
    for (const c of cs) if (c.layer === "cl1" || c.layer === "dl1") sizes.set(c.layer, (sizes.get(c.layer) ?? 0) + 1);
    for (const c of cs) {
        const i = await inspectOrNull(c.name);
        if (!i) { problems.push(`${c.name}: no such container`); continue; }
        if (!i.State.Running) problems.push(`${c.name}: ${i.State.Status} (exit ${i.State.ExitCode}, restarts ${i.RestartCount})`);
        else if (i.State.Health && i.State.Health.Status !== "healthy") problems.push(`${c.name}: ${i.State.Health.Status}`);
        if (c.publicPort !== undefined) {
            const s = await nodeState(c.publicPort);
            if (s !== "Ready") problems.push(`${c.name}: node state ${s}`);
            const want = sizes.get(c.layer ?? "");
            if (want !== undefined) {
                const got = await clusterSize(c.publicPort);
                if (got !== want) problems.push(`${c.name}: cluster size ${got}, want ${want}`);
            }
        }
        if (c.name === "scitt-service") {
            const port = ((c.resource.inputs.ports as { external: number }[] | undefined) ?? [])[0]?.external ?? 8000;
            try {
                const r = await httpGet(`https://127.0.0.1:${port}/node/network`);
                if (r.status !== 200) problems.push(`scitt: /node/network HTTP ${r.status}`);
            } catch (e) {
                problems.push(`scitt: /node/network ${(e as Error).message}`);
            }
        }
    }
    return problems;
}

/**
 * Polls fleetProblems until none (apart from `known` ones that were there before) or the bound;
 * returns seconds taken, or throws with the last problems.
 */
export async function waitForFleet(workdir: string, boundS: number, what: string, known: string[] = []): Promise<number> {
    const t0 = Date.now();
    let last: string[] = [];
    while ((Date.now() - t0) / 1000 < boundS) {
        last = (await fleetProblems(workdir)).filter((p) => !known.includes(p));
        if (last.length === 0) return (Date.now() - t0) / 1000;
        await sleep(3000);
    }
    throw new Error(`${what}: not whole after ${boundS}s: ${last.join("; ")}`);
}
