// A minimal Docker Engine API client: JSON requests over /var/run/docker.sock with node's http
// module (no dependency), each bounded by a timeout. The calls mirror what @pulumi/docker's
// upstream (kreuzwerker/terraform-provider-docker, via docker/docker/client) sends.
import * as http from "http";

const SOCKET = process.env.DOCKER_SOCK ?? "/var/run/docker.sock";
/** API version prefix: Debian bookworm's docker.io (20.10) speaks up to 1.41. */
const VERSION = "/v1.41";

export class DockerApiError extends Error {
    constructor(readonly status: number, readonly method: string, readonly path: string, message: string) {
        super(`Error response from daemon (${method} ${path}, HTTP ${status}): ${message}`);
    }
}

export interface ApiResult { status: number; body: string; raw: Buffer }

/** One request; resolves with status and body text, rejects on a socket error or timeout. */
export function rawRequest(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<ApiResult> {
    return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = http.request({
            socketPath: SOCKET, method, path: VERSION + path,
            headers: payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {},
            timeout: timeoutMs,
        }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
                const raw = Buffer.concat(chunks);
                resolve({ status: res.statusCode ?? 0, body: raw.toString("utf8"), raw });
            });
            res.on("error", reject);
            // Cut off mid-body (dockerd stopping): no 'end'; without this the promise never settles.
            res.on("close", () => { if (!res.complete) reject(new Error(`docker API ${method} ${path}: the response was cut off`)); });
        });
        req.on("timeout", () => req.destroy(new Error(`docker API ${method} ${path}: no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
        if (payload) req.write(payload);
        req.end();
    });
}

/** A request whose non-2xx answer is an error carrying the daemon's message. */
export async function api<T = unknown>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const r = await rawRequest(method, path, body, timeoutMs);
    if (r.status >= 400) {
        let message = r.body.trim();
        try { message = (JSON.parse(r.body) as { message?: string }).message ?? message; } catch { /* plain text */ }
        throw new DockerApiError(r.status, method, path, message);
    }
    if (!r.body) return undefined as T;
    try { return JSON.parse(r.body) as T; } catch { return r.body as unknown as T; }
}

/** True when the engine answers /_ping. */
export async function engineAnswers(): Promise<boolean> {
    try { return (await rawRequest("GET", "/_ping", undefined, 3000)).status === 200; } catch { return false; }
}

/** A 404 from the daemon ("No such container/volume/network/image"). */
export function isNotFound(e: unknown): boolean {
    return e instanceof DockerApiError && e.status === 404;
}

/** The parts of `GET /containers/{id}/json` the runner and scenarios read. */
export interface ContainerInspect {
    Id: string;
    Name: string;
    Created: string;
    Image: string;
    Args: string[];
    RestartCount: number;
    State: {
        Status: string; Running: boolean; Restarting: boolean; ExitCode: number; Error: string; StartedAt: string; FinishedAt: string;
        Pid: number; Health?: { Status: string; FailingStreak: number; Log?: { ExitCode: number; Output: string; End: string }[] };
    };
    Config: { Labels?: Record<string, string>; Env?: string[]; Cmd?: string[] | null; Entrypoint?: string[] | null; Healthcheck?: unknown };
    HostConfig: {
        NetworkMode: string; PortBindings?: Record<string, { HostIp: string; HostPort: string }[]> | null;
        RestartPolicy: { Name: string; MaximumRetryCount: number }; Tmpfs?: Record<string, string> | null;
        NanoCpus: number; Memory: number; MemorySwap: number; ReadonlyRootfs: boolean;
    };
    NetworkSettings: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null; Networks?: Record<string, { IPAddress: string; Aliases?: string[] | null }> };
    Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

export function inspectContainer(idOrName: string): Promise<ContainerInspect> {
    return api<ContainerInspect>("GET", `/containers/${encodeURIComponent(idOrName)}/json`);
}

/** Container logs (stdout+stderr) as text; the multiplexed stream's 8-byte frame headers removed. */
export async function containerLogs(idOrName: string, tail = 200, sinceS = 0): Promise<string> {
    const r = await rawRequest("GET", `/containers/${encodeURIComponent(idOrName)}/logs?stdout=1&stderr=1&tail=${tail}&since=${sinceS}`, undefined, 30_000);
    if (r.status >= 400) return `(no logs: HTTP ${r.status})`;
    const buf = r.raw;
    // Without a TTY the stream is framed: [stream, 0, 0, 0, size(4 bytes BE)] + payload.
    if (buf.length >= 8 && buf[0] <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0) {
        const parts: Buffer[] = [];
        let i = 0;
        while (i + 8 <= buf.length) {
            const size = buf.readUInt32BE(i + 4);
            parts.push(buf.subarray(i + 8, i + 8 + size));
            i += 8 + size;
        }
        return Buffer.concat(parts).toString("utf8");
    }
    return r.body;
}
