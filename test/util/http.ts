// A local HTTP server that walks through states, for readiness and join scripts run for real.
import * as http from "http";
import { AddressInfo } from "net";

export interface Scripted {
    url: string;
    /** Requests seen: "METHOD path body". */
    seen: string[];
    close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 (a free port). */
export async function serve(handler: (method: string, path: string, body: string) => { status: number; body: string }): Promise<Scripted> {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            seen.push(`${req.method} ${req.url} ${body}`.trim());
            const r = handler(req.method ?? "GET", req.url ?? "/", body);
            res.writeHead(r.status, { "Content-Type": "application/json" });
            res.end(r.body);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** A node whose /node/info walks through the given states, one per request, staying on the last. */
export function walkingStates(states: string[], id = "peer-abc") {
    let i = 0;
    return () => {
        const state = states[Math.min(i, states.length - 1)];
        i++;
        return { status: 200, body: JSON.stringify({ id, state, host: "127.0.0.1" }) };
    };
}
