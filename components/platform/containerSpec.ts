// Pure parts of a hardened container: env lines, ports, healthcheck, restart, logs, limits.
// Everything CIS Docker Benchmark §5 asks of a container is decided here and unit-tested.

/**
 * Only unless-stopped: `on-failure` is not restarted after a daemon restart when the process
 * exited 0 (a SIGTERM), and with a retry cap a start-up crash loop leaves the service down for
 * good after ~100 s (docs/lifecycle.md). Docker's own doubling back-off (to 1 min) limits the rate.
 */
export type RestartPolicy = { policy: "unless-stopped" };

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

/** Docker's restart string for a policy. */
export function restartArgs(r: RestartPolicy): { restart: string } {
    return { restart: r.policy };
}

/**
 * A whole number of seconds as Go's time.Duration.String() prints it ("90" → "1m30s", "3600" →
 * "1h0m0s"). The Docker provider reads healthcheck durations back in this form
 * (kreuzwerker/terraform-provider-docker resource_docker_container_funcs.go, flattenHealthcheck),
 * so sending "120s" would diff against "2m0s" on every later preview.
 */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`a duration must be a whole number of seconds ≥ 0 (got ${seconds})`);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) return `${h}h${m}m${s}s`;
    if (m > 0) return `${m}m${s}s`;
    return `${s}s`;
}

/**
 * Cores as the Docker provider reads `cpus` back (helpers.go nanoInt64ToDecimalString): the
 * NanoCpus value as a 9-digit decimal; when that string holds exactly nine zeros it is rounded to
 * one decimal ("1.000000000" → "1.0", "0.500000000" → "0.5"), otherwise trailing zeros are cut
 * ("1.500000000" → "1.5", "10.000000000" → "10."). `cpus` forces replacement, so we send this
 * form or every later `up` replaces the container.
 */
export function dockerCpus(cores: number): string {
    const nano = Math.round(cores * 1e9);
    if (!Number.isFinite(cores) || nano <= 0) throw new Error(`cpus must be a positive number of cores (got ${cores})`);
    const whole = Math.floor(nano / 1e9);
    const frac = String(nano % 1e9).padStart(9, "0");
    const str = `${whole}.${frac}`;
    if ((str.match(/0/g) ?? []).length === 9) {
        // big.Rat.FloatString(1): round half away from zero to one decimal.
        const tenths = Math.round(nano / 1e8);
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return str.replace(/0+$/, "");
}

/** The NanoCpus value Docker parses from a cpus string (docker/cli opts.ParseCPUs). */
export function parseDockerCpus(s: string): number {
    return Math.round(Number(s) * 1e9);
}

/** Docker provider healthcheck block, durations in the form the provider reads back. */
export function healthcheckArgs(h: HealthcheckSpec) {
    if (h.test.length < 2 || !["CMD", "CMD-SHELL"].includes(h.test[0])) {
        throw new Error(`healthcheck test must start with CMD or CMD-SHELL and name a command (got ${JSON.stringify(h.test)})`);
    }
    return {
        tests: h.test,
        interval: goDuration(h.intervalSeconds),
        timeout: goDuration(h.timeoutSeconds),
        retries: h.retries,
        startPeriod: goDuration(h.startPeriodSeconds),
    };
}

/**
 * What a health check runs inside the application's own image, which may be slim: the tool the
 * image is sure to have (a Node.js app has node, a Python app python3, an Alpine image busybox
 * wget), or curl where the image ships it.
 */
export const HEALTH_PROBES = ["curl", "wget", "node", "python"] as const;
export type HealthProbe = (typeof HEALTH_PROBES)[number];

/** The exec-form command that fails unless GET url answers 2xx within 5 s. */
export function httpProbeCommand(probe: HealthProbe, url: string): string[] {
    switch (probe) {
        case "curl": return ["curl", "-fsS", "--max-time", "5", "-o", "/dev/null", url];
        // No -T: Debian's busybox 1.35 wget segfaults with it (seen on the e2e tier); Docker's
        // healthcheck timeout bounds the probe anyway.
        case "wget": return ["wget", "-q", "-O", "/dev/null", url];
        case "node": return ["node", "-e", `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(5000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
        case "python": return ["python3", "-c", `import sys,urllib.request\ntry: sys.exit(0 if urllib.request.urlopen(${JSON.stringify(url)},timeout=5).status<300 else 1)\nexcept Exception: sys.exit(1)`];
    }
}

/** An HTTP healthcheck run with the image's own tool (default curl). */
export function httpHealthcheck(url: string, overrides: Partial<Omit<HealthcheckSpec, "test">> = {}, probe: HealthProbe = "curl"): HealthcheckSpec {
    return {
        test: ["CMD", ...httpProbeCommand(probe, url)],
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
    // One sentence per pair of owners, naming every port they share.
    const byPair = new Map<string, { first: string; second: string; ports: number[] }>();
    for (const c of claims) {
        for (const p of c.ports) {
            const other = seen.get(p);
            if (other !== undefined && other !== c.owner) {
                const key = JSON.stringify([other, c.owner]);
                const pair = byPair.get(key) ?? { first: other, second: c.owner, ports: [] };
                pair.ports.push(p);
                byPair.set(key, pair);
            } else seen.set(p, c.owner);
        }
    }
    return [...byPair.values()].map((x) => `${x.ports.length === 1 ? "port" : "ports"} ${x.ports.join(", ")} ${x.ports.length === 1 ? "is" : "are"} taken by both ${x.first} and ${x.second}`);
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
