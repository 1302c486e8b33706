// Pure parts of a hardened container: env lines, ports, healthcheck, restart, logs, limits.
// Everything CIS Docker Benchmark §5 asks of a container is decided here and unit-tested.

export type RestartPolicy = { policy: "unless-stopped" } | { policy: "on-failure"; maxRetries: number };

export interface HealthcheckSpec {
    /** Command run inside the container, exec form: ["CMD", "curl", "-fsS", "http://127.0.0.1:3000/health"]. */
    test: string[];
    /** Seconds between checks. */
    intervalSeconds: number;
    /** Seconds a check may take. */
    timeoutSeconds: number;
    /** Failures before unhealthy. */
    retries: number;
    /** Grace period after start, seconds. */
    startPeriodSeconds: number;
}

export interface PortSpec {
    /** Port inside the container. */
    internal: number;
    /** Port on the host (default: the same). */
    external?: number;
    /** Interface on the host; 0.0.0.0 only for ports public by design. */
    ip: string;
    protocol?: "tcp" | "udp";
}

/** Default rotation: json-file, 50 MiB × 5. Docker rotates nothing by default. */
export const LOG_OPTS = { "max-size": "50m", "max-file": "5" } as const;

/** Docker's restart string and retry cap for a policy. */
export function restartArgs(r: RestartPolicy): { restart: string; maxRetryCount?: number } {
    if (r.policy === "on-failure") {
        if (!Number.isInteger(r.maxRetries) || r.maxRetries < 1) throw new Error(`on-failure restart needs a retry cap ≥ 1 (got ${r.maxRetries})`);
        return { restart: "on-failure", maxRetryCount: r.maxRetries };
    }
    return { restart: "unless-stopped" };
}

/** Docker provider healthcheck block (durations as Go strings). */
export function healthcheckArgs(h: HealthcheckSpec) {
    if (h.test.length < 2 || !["CMD", "CMD-SHELL"].includes(h.test[0])) {
        throw new Error(`healthcheck test must start with CMD or CMD-SHELL and name a command (got ${JSON.stringify(h.test)})`);
    }
    return {
        tests: h.test,
        interval: `${h.intervalSeconds}s`,
        timeout: `${h.timeoutSeconds}s`,
        retries: h.retries,
        startPeriod: `${h.startPeriodSeconds}s`,
    };
}

/** An HTTP healthcheck using curl inside the image. */
export function httpHealthcheck(url: string, overrides: Partial<Omit<HealthcheckSpec, "test">> = {}): HealthcheckSpec {
    return {
        test: ["CMD", "curl", "-fsS", "--max-time", "5", "-o", "/dev/null", url],
        intervalSeconds: 30,
        timeoutSeconds: 10,
        retries: 3,
        startPeriodSeconds: 30,
        ...overrides,
    };
}

/** KEY=value lines, sorted so the input does not churn between runs. */
export function envLines(env: Record<string, string | number>): string[] {
    return Object.keys(env)
        .sort()
        .map((k) => {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name "${k}"`);
            return `${k}=${env[k]}`;
        });
}

/** Docker provider ports, each bound to its interface. */
export function portArgs(ports: PortSpec[]) {
    return ports.map((p) => ({ internal: p.internal, external: p.external ?? p.internal, ip: p.ip, protocol: p.protocol ?? "tcp" }));
}

/** Every host port a container takes: published ports, or with host networking the ports it listens on. */
export function hostPortsOf(ports: PortSpec[], hostNetworkPorts: number[]): number[] {
    return [...ports.map((p) => p.external ?? p.internal), ...hostNetworkPorts];
}

/** Finds host ports claimed twice on one host: "port 9300 is taken by cl1-0 and dl1-0". */
export function portCollisions(claims: { owner: string; ports: number[] }[]): string[] {
    const seen = new Map<number, string>();
    const out: string[] = [];
    for (const c of claims) {
        for (const p of c.ports) {
            const other = seen.get(p);
            if (other !== undefined && other !== c.owner) out.push(`port ${p} is taken by both ${other} and ${c.owner}`);
            else seen.set(p, c.owner);
        }
    }
    return out;
}

/** Memory in bytes → the Docker provider's MiB integer. */
export function memoryMiB(mib: number): number {
    if (!Number.isInteger(mib) || mib < 6) throw new Error(`memory limit must be an integer ≥ 6 MiB (got ${mib})`);
    return mib;
}

/** A systemd slice that caps a container's tasks (the Docker provider has no pids_limit). */
export function pidsSliceName(containerName: string): string {
    return `chainfleet-${containerName.replace(/[^a-zA-Z0-9_-]/g, "_")}.slice`;
}

export function pidsSliceUnit(containerName: string, pidsLimit: number): string {
    return `[Unit]\nDescription=chainfleet PIDs limit of container ${containerName}\nBefore=slices.target\n\n[Slice]\nTasksMax=${pidsLimit}\n`;
}

/** Labels a ServiceContainer sets to record why a hardening rule is relaxed, or how it is met. */
export const REASON_LABELS = {
    hostNetwork: "chainfleet.host-network-reason",
    publicPorts: "chainfleet.public-ports-reason",
    pidsLimit: "chainfleet.pids-limit",
} as const;
