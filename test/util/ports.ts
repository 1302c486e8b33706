// TCP ports for specs that start servers (sshd, socat, the cchost stand-in, HTTP stand-ins).
// Why not `listen(0)`: the kernel hands out ports from its ephemeral range (32768–60999 on Linux),
// the same range every outgoing connection on the machine takes its source port from, so a port
// released here can be taken by someone's connect() before the spec's server binds it. And why not
// a random number: two specs (or two mocha workers) can draw the same one, and nothing checks it.
// So: ports below the ephemeral range, in a window of this process's own (by pid, so parallel
// workers start apart), never handed out twice in a process, and each checked free by binding it.
import * as net from "net";

const LOW = 10_000;
const HIGH = 32_767; // below /proc/sys/net/ipv4/ip_local_port_range's default start
const WINDOW = 200;
const windows = Math.floor((HIGH - LOW) / WINDOW);
let next = LOW + (process.pid % windows) * WINDOW;
const given = new Set<number>();

function bindable(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.once("error", () => resolve(false));
        s.listen({ port, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
    });
}

/** `count` consecutive free ports on 127.0.0.1 (the first returned); consecutive because some tools take a base port. */
export async function freePortRun(count: number): Promise<number> {
    for (let tries = 0; tries < HIGH - LOW; tries++) {
        if (next + count > HIGH) next = LOW;
        const base = next;
        next += count;
        const run = Array.from({ length: count }, (_, i) => base + i);
        if (run.some((p) => given.has(p))) continue;
        const free = await Promise.all(run.map(bindable));
        if (free.every(Boolean)) {
            run.forEach((p) => given.add(p));
            return base;
        }
    }
    throw new Error(`no ${count} consecutive free ports between ${LOW} and ${HIGH}`);
}

/** One free port on 127.0.0.1, never given before in this process. */
export function freePort(): Promise<number> {
    return freePortRun(1);
}
