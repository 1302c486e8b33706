// docker:index/container:Container for real: the Engine API calls of the upstream provider's
// create, read and delete (kreuzwerker/terraform-provider-docker,
// internal/provider/resource_docker_container_funcs.go at 83c00e0, and the input mapping in
// resource_docker_container_structures.go), with the Pulumi input names of @pulumi/docker 5.x.
import { api, containerLogs, DockerApiError, inspectContainer, isNotFound } from "./dockerApi";

type Inputs = Record<string, unknown>;

/**
 * A create that failed after the container existed (connect, start, wait): the provider has
 * already set the id, so the engine keeps the container in state with init errors, and the next
 * update treats it as the engine's step generator does (runner/state.ts decide(): an empty update
 * unless replaceOnChanges covers "#initerror"). The runner records them the same way (`initErrors`).
 */
export class PartialCreateError extends Error {
    constructor(readonly id: string, readonly outputs: Inputs, message: string) {
        super(message);
    }
}
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Go's time.ParseDuration for the forms we meet ("30s", "2m0s", "500ms", "1h"), in nanoseconds. */
export function goDuration(s: unknown): number {
    if (typeof s !== "string" || s === "" || s === "0") return 0;
    const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    let total = 0;
    const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
    let m: RegExpExecArray | null;
    let matched = "";
    while ((m = re.exec(s)) !== null) {
        total += Number(m[1]) * unit[m[2]];
        matched += m[0];
    }
    // The provider ignores a parse error (`_ =`), leaving 0; so do we.
    return matched === s ? Math.round(total) : 0;
}

/** docker/cli opts.ParseCPUs: decimal cores → NanoCPUs. */
export function nanoCpus(cpus: unknown): number | undefined {
    const s = str(cpus);
    if (!s) return undefined;
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0) throw new Error(`Error setting cpus: invalid value ${s}`);
    return Math.round(n * 1e9);
}

/** The create body: container.Config with HostConfig, as resourceDockerContainerCreate builds them. */
export function createBody(i: Inputs): Record<string, unknown> {
    // portSetToDockerPorts: ExposedPorts "<internal>/<protocol>", bindings {HostIp, HostPort}.
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of list<Inputs>(i.ports)) {
        const key = `${p.internal}/${p.protocol ?? "tcp"}`;
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: String(p.ip ?? ""), HostPort: p.external === undefined ? "" : String(p.external) });
    }
    // volumeSetToDockerVolumes: host_path (or volume_name) → bind "src:dst:rw|ro"; neither → anonymous volume.
    const volumes: Record<string, object> = {};
    const binds: string[] = [];
    const volumesFrom: string[] = [];
    for (const v of list<Inputs>(i.volumes)) {
        const from = str(v.fromContainer);
        const dst = str(v.containerPath);
        const src = str(v.hostPath) ?? str(v.volumeName);
        if (from && dst) throw new Error("Unable to parse volumes: both a container and a path specified in a volume entry");
        if (from) volumesFrom.push(from);
        else if (!dst) throw new Error("Unable to parse volumes: volume entry without container path or source container");
        else {
            volumes[dst] = {};
            if (src) binds.push(`${src}:${dst}:${v.readOnly ? "ro" : "rw"}`);
        }
    }
    const labels: Record<string, string> = {};
    for (const l of list<Inputs>(i.labels)) labels[String(l.label)] = String(l.value);
    const hc = i.healthcheck as Inputs | undefined;
    const caps = i.capabilities as Inputs | undefined;
    const mib = (v: unknown) => (typeof v === "number" && v !== 0 ? v * 1024 * 1024 : undefined);
    const swap = typeof i.memorySwap === "number" && i.memorySwap !== 0 ? (i.memorySwap > 0 ? i.memorySwap * 1024 * 1024 : i.memorySwap) : undefined;
    const hostConfig: Record<string, unknown> = {
        Privileged: i.privileged === true,
        PublishAllPorts: i.publishAllPorts === true,
        RestartPolicy: { Name: str(i.restart) ?? "no", MaximumRetryCount: typeof i.maxRetryCount === "number" ? i.maxRetryCount : 0 },
        Mounts: list<Inputs>(i.mounts).map((m) => ({ Type: m.type, Target: m.target, Source: m.source ?? "", ReadOnly: m.readOnly === true })),
        AutoRemove: i.rm === true,
        ReadonlyRootfs: i.readOnly === true,
        LogConfig: { Type: str(i.logDriver) ?? "", Config: (i.logOpts as Record<string, string> | undefined) ?? undefined },
        Tmpfs: i.tmpfs ?? undefined,
        PortBindings: Object.keys(bindings).length ? bindings : undefined,
        ExtraHosts: list<Inputs>(i.hosts).length ? list<Inputs>(i.hosts).map((h) => `${h.host}:${h.ip}`) : undefined,
        Binds: binds.length ? binds : undefined,
        VolumesFrom: volumesFrom.length ? volumesFrom : undefined,
        CapAdd: caps ? list<string>(caps.adds) : undefined,
        CapDrop: caps ? list<string>(caps.drops) : undefined,
        // deviceSetToDockerDevices: container_path defaults to host_path.
        Devices: list<Inputs>(i.devices).length
            ? list<Inputs>(i.devices).map((d) => ({ PathOnHost: d.hostPath, PathInContainer: str(d.containerPath) ?? d.hostPath, CgroupPermissions: d.permissions ?? "" }))
            : undefined,
        SecurityOpt: list<string>(i.securityOpts).length ? list<string>(i.securityOpts) : undefined,
        Memory: mib(i.memory),
        MemorySwap: swap,
        ShmSize: mib(i.shmSize),
        NanoCpus: nanoCpus(i.cpus),
        NetworkMode: str(i.networkMode),
        CgroupParent: str(i.cgroupParent),
        Init: i.init === true,
        GroupAdd: list<string>(i.groupAdds).length ? list<string>(i.groupAdds) : undefined,
        Sysctls: i.sysctls ?? undefined,
    };
    return {
        Image: i.image,
        Hostname: str(i.hostname) ?? "",
        Domainname: str(i.domainname) ?? "",
        Tty: i.tty === true,
        OpenStdin: i.stdinOpen === true,
        StopSignal: str(i.stopSignal) ?? "",
        StopTimeout: typeof i.stopTimeout === "number" && i.stopTimeout !== 0 ? i.stopTimeout : undefined,
        Env: list<string>(i.envs).length ? list<string>(i.envs) : undefined,
        Cmd: list<string>(i.command).length ? list<string>(i.command) : undefined,
        Entrypoint: list<string>(i.entrypoints).length ? list<string>(i.entrypoints) : undefined,
        User: str(i.user),
        ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
        WorkingDir: str(i.workingDir),
        Volumes: Object.keys(volumes).length ? volumes : undefined,
        Labels: labels,
        Healthcheck: hc ? {
            Test: list<string>(hc.tests),
            Interval: goDuration(hc.interval),
            Timeout: goDuration(hc.timeout),
            StartPeriod: goDuration(hc.startPeriod),
            StartInterval: goDuration(hc.startInterval),
            Retries: typeof hc.retries === "number" ? hc.retries : 0,
        } : undefined,
        HostConfig: hostConfig,
        NetworkingConfig: {},
    };
}

/** Create, connect networks, start, wait for healthy if asked, then read: returns id and outputs. */
export async function createContainer(i: Inputs, note: (s: string) => void): Promise<{ id: string; outputs: Inputs }> {
    const image = String(i.image ?? "");
    const name = String(i.name ?? "");
    // findImage (no registry here: the image must be local).
    try {
        await api("GET", `/images/${encodeURIComponent(image)}/json`);
    } catch (e) {
        throw new Error(`Unable to create container with image ${image}: ${(e as Error).message}`);
    }
    for (const c of list<string>(i.command)) if (c === "") throw new Error("values for command may not be empty");
    // client.ContainerCreate(ctx, config, hostConfig, networkingConfig, platform, name)
    let id: string;
    try {
        id = (await api<{ Id: string }>("POST", `/containers/create?name=${encodeURIComponent(name)}`, createBody(i))).Id;
    } catch (e) {
        throw new Error(`Unable to create container: ${(e as Error).message}`);
    }
    try {
        return await afterCreate(id, i, name, note);
    } catch (e) {
        if (e instanceof ExitedImmediately) throw e;
        throw new PartialCreateError(id, { ...i }, (e as Error).message);
    }
}

/** The provider deleted the container itself: nothing partial to keep. */
class ExitedImmediately extends Error {}

async function afterCreate(id: string, i: Inputs, name: string, note: (s: string) => void): Promise<{ id: string; outputs: Inputs }> {
    // networks_advanced: disconnect the default bridge, then NetworkConnect each with its aliases.
    const nets = list<Inputs>(i.networksAdvanced);
    if (nets.length > 0) {
        try {
            await api("POST", "/networks/bridge/disconnect", { Container: id, Force: false });
        } catch (e) {
            if (!String((e as Error).message).includes("is not connected to the network bridge")) throw new Error(`Unable to disconnect the default network: ${(e as Error).message}`);
        }
        for (const n of nets) {
            const endpoint = { Aliases: list<string>(n.aliases), IPAMConfig: { IPv4Address: str(n.ipv4Address) ?? "", IPv6Address: str(n.ipv6Address) ?? "" } };
            try {
                await api("POST", `/networks/${encodeURIComponent(String(n.name))}/connect`, { Container: id, EndpointConfig: endpoint });
            } catch (e) {
                throw new Error(`Unable to connect to network '${n.name}': ${(e as Error).message}`);
            }
        }
    }
    const creationTime = Date.now();
    if (i.start !== false) {
        try {
            await api("POST", `/containers/${id}/start`);
        } catch (e) {
            throw new Error(`Unable to start container: ${(e as Error).message}`);
        }
        // wait: poll ContainerInspect every second until Health.Status is healthy, bounded by wait_timeout.
        if (i.wait === true) await waitHealthy(id, name, Number(i.waitTimeout ?? 60), note);
    }
    // resourceDockerContainerRead: StateChangeConf pending → running, 15 s; must_run and not running → delete + error.
    const deadline = Date.now() + 15_000;
    for (;;) {
        const c = await inspectContainer(id);
        if (c.State.Running || i.mustRun === false) break;
        if (Date.parse(c.State.FinishedAt) > creationTime) {
            await deleteContainer(id).catch(() => undefined);
            throw new ExitedImmediately(`container exited immediately (${name}: exit ${c.State.ExitCode}${c.State.Error ? `, ${c.State.Error}` : ""})`);
        }
        if (Date.now() > deadline) {
            await deleteContainer(id).catch(() => undefined);
            throw new ExitedImmediately(`container failed to be in running state (${name})`);
        }
        await sleep(100);
    }
    const c = await inspectContainer(id);
    const networkData = Object.entries(c.NetworkSettings.Networks ?? {}).map(([networkName, s]) => ({ networkName, ipAddress: s.IPAddress }));
    return { id, outputs: { ...i, name: c.Name.replace(/^\//, ""), image: c.Image, networkData } };
}

async function waitHealthy(id: string, name: string, timeoutS: number, note: (s: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutS * 1000;
    let last = "";
    for (;;) {
        const c = await inspectContainer(id);
        if (!c.State.Health) {
            throw new Error("you have supplied a 'wait' argument, but the container does not have a healthcheck defined. Please remove the 'wait' argument or add a 'healthcheck' attribute");
        }
        if (c.State.Health.Status === "healthy") return;
        const now = `${c.State.Status}/${c.State.Health.Status}`;
        if (now !== last) note(`${name}: ${now} (restarts ${c.RestartCount})`);
        last = now;
        if (Date.now() > deadline) {
            // The provider's error is only "container failed to be in healthy state"; the last
            // health check output is added here as evidence.
            const probe = c.State.Health.Log?.slice(-1)[0];
            const check = probe ? `last check exit ${probe.ExitCode}: ${probe.Output?.trim().slice(0, 300)}` : "no check ran yet";
            const tail = (await containerLogs(id, 3)).trim().split("\n").map((l) => l.slice(0, 240)).join(" | ");
            throw new Error(`container failed to be in healthy state (${name} after ${timeoutS}s: ${now}, restarts ${c.RestartCount}; ${check}; log tail: ${tail})`);
        }
        await sleep(1000);
    }
}

/** resourceDockerContainerDelete: stop with destroy_grace_seconds (default 0), force-remove, wait not-running. */
export async function deleteContainer(id: string, graceSeconds = 0): Promise<void> {
    try {
        await api("POST", `/containers/${id}/stop?t=${graceSeconds}`, undefined, (graceSeconds + 30) * 1000);
    } catch (e) {
        if (!isNotFound(e) && !(e instanceof DockerApiError && e.status === 304)) throw new Error(`Error stopping container ${id}: ${(e as Error).message}`);
    }
    try {
        await api("DELETE", `/containers/${id}?force=1&v=1`);
    } catch (e) {
        if (!isNotFound(e) && !String((e as Error).message).includes("is already in progress")) throw new Error(`Error deleting container ${id}: ${(e as Error).message}`);
    }
    await api("POST", `/containers/${id}/wait?condition=not-running`, undefined, 30_000).catch(() => undefined);
}
