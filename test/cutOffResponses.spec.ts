// A response cut off mid-body (a node or dockerd restarting under the request) emits no 'end', and
// Node's IncomingMessage swallows its error when nothing listens for it: a promise waiting for the
// body never settles, and once nothing else is pending Node exits 0. That once ended the real tier
// in the middle of scenario c with exit 0. Every HTTP helper that waits for a body must settle.
import { strict as assert } from "assert";
import * as http from "http";
import * as net from "net";
import { httpGet } from "./e2e/scenarios/fleet";
import { realProbes } from "../stacks/preflight";

/** A server that sends headers promising 100 bytes, sends 5, then destroys the socket. */
async function cuttingServer(): Promise<{ port: number; close(): Promise<void> }> {
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Length": "100" });
        res.write("hello");
        setTimeout(() => res.socket?.destroy(), 50);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Settles the promise or says it never would (the bound only turns a hang into a failure message). */
function settles<T>(p: Promise<T>, what: string): Promise<{ value?: T; error?: Error }> {
    return new Promise((resolve) => {
        const never = setTimeout(() => resolve({ error: new Error(`${what} never settled`) }), 5000);
        p.then((value) => { clearTimeout(never); resolve({ value }); }, (error: Error) => { clearTimeout(never); resolve({ error }); });
    });
}

describe("HTTP helpers settle when the answer is cut off", () => {
    it("the e2e fleet probe (httpGet) rejects, naming the URL", async () => {
        const s = await cuttingServer();
        try {
            const r = await settles(httpGet(`http://127.0.0.1:${s.port}/node/info`), "httpGet");
            assert.ok(r.error && !/never settled/.test(r.error.message), `expected a rejection: ${r.error?.message ?? "resolved"}`);
        } finally { await s.close(); }
    });

    it("the preflight's engine probe answers with an error instead of hanging the program", async () => {
        const s = await cuttingServer();
        try {
            const r = await settles(realProbes.dockerGet({ kind: "tcp", host: "127.0.0.1", port: s.port, tls: false, certPath: "/nonexistent", url: `tcp://127.0.0.1:${s.port}` }, "/info"), "dockerGet");
            assert.ok(r.value && "error" in r.value, `expected an error answer: ${JSON.stringify(r)}`);
        } finally { await s.close(); }
    });
});
