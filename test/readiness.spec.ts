// The readiness gate and the cluster join, run for real with bash and curl against a local HTTP
// server that walks through node states.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { clusterJoinScript, waitForStateScript } from "../components/platform/readinessScript";
import { shippedScript } from "../components/platform/shell";
import { serve, walkingStates } from "./util/http";
import { shellProblems } from "./util/tools";

/** Runs a script with bash asynchronously (the server runs in this process). */
function bash(script: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const p = spawn("bash", ["-c", script]);
        let stdout = "", stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    });
}

describe("readiness gate", () => {
    it("is shellcheck-clean, as shipped and as generated", () => {
        assert.deepEqual(shellProblems(shippedScript("readiness.sh")), []);
        assert.deepEqual(shellProblems(waitForStateScript({ url: "http://10.0.0.1:9000/node/info", field: "state", expected: "Ready", timeoutSeconds: 60 })), []);
        assert.deepEqual(shellProblems(clusterJoinScript({ selfUrl: "http://a:1", selfCliPort: 9312, peerUrl: "http://b:2", peerIp: "10.0.0.2", peerP2pPort: 9301, attempts: 3, timeoutSeconds: 5 })), []);
    });

    it("waits through other states until the field equals the value exactly", async () => {
        const s = await serve(walkingStates(["Initial", "ReadyToJoin", "Observing", "Ready"]));
        try {
            const r = await bash(waitForStateScript({ url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 20, intervalSeconds: 0.1 }));
            assert.equal(r.status, 0, r.stderr);
            assert.equal(JSON.parse(r.stdout).state, "Ready");
            assert.equal(s.seen.length, 4, "ReadyToJoin must not count as Ready");
        } finally { await s.close(); }
    });

    it("fails in bounded time saying what it awaited and what it last saw", async () => {
        const s = await serve(walkingStates(["ReadyToJoin"]));
        try {
            const started = Date.now();
            const r = await bash(waitForStateScript({ url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 1, intervalSeconds: 0.2 }));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /timed out after 1s waiting for state == "Ready" at http:\/\/127\.0\.0\.1:\d+\/node\/info; last seen: state="ReadyToJoin"/);
            assert.ok(Date.now() - started < 10_000);
        } finally { await s.close(); }
    });

    it("reports a failing endpoint as the last thing seen", async () => {
        const s = await serve(() => ({ status: 503, body: "{}" }));
        try {
            const r = await bash(waitForStateScript({ url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 1, intervalSeconds: 0.2 }));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /last seen: request failed: .*503/);
        } finally { await s.close(); }
    });
});

describe("cluster join", () => {
    /** A validator (own info + CLI join endpoint) and its initial validator on one test server. */
    async function cluster(joinAnswers: number[], selfStates: string[]) {
        let joins = 0;
        const self = walkingStates(selfStates, "self-id");
        let joined = false;
        return serve((method, path, body) => {
            if (path === "/peer/node/info") return { status: 200, body: JSON.stringify({ id: "initial-peer-id", state: "Ready" }) };
            if (path === "/self/node/info") {
                const r = self();
                return joined ? { status: 200, body: JSON.stringify({ id: "self-id", state: "Ready" }) } : r;
            }
            if (method === "POST" && path === "/cluster/join") {
                const status = joinAnswers[Math.min(joins++, joinAnswers.length - 1)];
                if (status === 200) joined = true;
                return { status, body: status === 409 ? '{"reason":"Node state does not allow for joining the cluster"}' : `{"got":${body}}` };
            }
            return { status: 404, body: "{}" };
        });
    }

    function joinScript(url: string, attempts: number) {
        const port = Number(new URL(url).port);
        // The CLI endpoint is 127.0.0.1:<cli port>; the test server answers it at the root.
        return clusterJoinScript({ selfUrl: `${url}/self`, selfCliPort: port, peerUrl: `${url}/peer`, peerIp: "10.0.0.7", peerP2pPort: 9301, attempts, timeoutSeconds: 10, intervalSeconds: 0.1 });
    }

    it("waits for ReadyToJoin, retries 409 a few times, joins with the initial validator's id, then waits for Ready", async () => {
        const s = await cluster([409, 409, 409, 200], ["Initial", "ReadyToJoin"]);
        try {
            const r = await bash(joinScript(s.url, 10));
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /join accepted after 4 attempt\(s\)/);
            const posts = s.seen.filter((l) => l.startsWith("POST /cluster/join"));
            assert.equal(posts.length, 4);
            assert.deepEqual(JSON.parse(posts[0].slice("POST /cluster/join ".length)), { id: "initial-peer-id", ip: "10.0.0.7", p2pPort: 9301 });
            const firstPost = s.seen.findIndex((l) => l.startsWith("POST"));
            assert.ok(s.seen.slice(0, firstPost).some((l) => l.startsWith("GET /self/node/info")), "asked its own state before joining");
        } finally { await s.close(); }
    });

    it("gives up after the bounded number of 409s", async () => {
        const s = await cluster([409], ["ReadyToJoin"]);
        try {
            const r = await bash(joinScript(s.url, 3));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /join refused with 409 3 times/);
            assert.equal(s.seen.filter((l) => l.startsWith("POST")).length, 3);
        } finally { await s.close(); }
    });

    it("fails at once on an unexpected status", async () => {
        const s = await cluster([500], ["ReadyToJoin"]);
        try {
            const r = await bash(joinScript(s.url, 5));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /join failed with HTTP 500/);
        } finally { await s.close(); }
    });

    it("does nothing when the node is already Ready", async () => {
        const s = await cluster([200], ["Ready"]);
        try {
            const r = await bash(joinScript(s.url, 5));
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /already joined/);
            assert.equal(s.seen.filter((l) => l.startsWith("POST")).length, 0);
        } finally { await s.close(); }
    });
});
