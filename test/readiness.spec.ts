// The readiness gate and the cluster join, run for real with bash and curl against a local HTTP
// server that walks through node states.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { joinedScript, versionCheckScript, waitForStateScript } from "../components/platform/readinessScript";
import { nodeCommandScript } from "../components/systems/ottochain/nodeScript";
import { shippedScript } from "../components/platform/shell";
import { serve, walkingStates } from "./util/http";
import { shellProblems, stubBin, tempDir } from "./util/tools";
import { installedSet } from "./util/scriptSets";

/** Runs a script with bash asynchronously (the server runs in this process). */
function bash(script: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return bashWith(script);
}

function bashWith(script: string, env?: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const p = spawn("/bin/bash", ["-c", script, "run-node"], env ? { env } : {});
        let stdout = "", stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    });
}

describe("readiness gate", () => {
    it("is shellcheck-clean, as shipped and as generated", () => {
        assert.deepEqual(shellProblems(shippedScript("readiness.sh")), []);
        assert.deepEqual(shellProblems(waitForStateScript({ scripts: installedSet(), url: "http://10.0.0.1:9000/node/info", field: "state", expected: "Ready", timeoutSeconds: 60 })), []);
        assert.deepEqual(shellProblems(joinedScript({ scripts: installedSet(), selfUrl: "http://a:1", peerUrl: "http://b:2", timeoutSeconds: 5 })), []);
    });

    it("waits through other states until the field equals the value exactly", async () => {
        const s = await serve(walkingStates(["Initial", "ReadyToJoin", "Observing", "Ready"]));
        try {
            const r = await bash(waitForStateScript({ scripts: installedSet(), url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 20, intervalSeconds: 0.1 }));
            assert.equal(r.status, 0, r.stderr);
            assert.equal(JSON.parse(r.stdout).state, "Ready");
            assert.equal(s.seen.length, 4, "ReadyToJoin must not count as Ready");
        } finally { await s.close(); }
    });

    it("fails in bounded time saying what it awaited and what it last saw", async () => {
        const s = await serve(walkingStates(["ReadyToJoin"]));
        try {
            const started = Date.now();
            const r = await bash(waitForStateScript({ scripts: installedSet(), url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 1, intervalSeconds: 0.2 }));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /timed out after 1s waiting for state == "Ready" at http:\/\/127\.0\.0\.1:\d+\/node\/info; last seen: state="ReadyToJoin"/);
            assert.ok(Date.now() - started < 10_000);
        } finally { await s.close(); }
    });

    it("reports a failing endpoint as the last thing seen", async () => {
        const s = await serve(() => ({ status: 503, body: "{}" }));
        try {
            const r = await bash(waitForStateScript({ scripts: installedSet(), url: `${s.url}/node/info`, field: "state", expected: "Ready", timeoutSeconds: 1, intervalSeconds: 0.2 }));
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /last seen: request failed: .*503/);
        } finally { await s.close(); }
    });
});

describe("one joiner per validator (the node's entrypoint) and the gate that proves the join", () => {
    /**
     * One test server plays the validator (its /node/info and, as its CLI port, POST /cluster/join)
     * and the initial validator (/peer/...). `afterJoin` is the state a successful join leads to.
     */
    async function validator(joinAnswers: number[], afterJoin = "Ready") {
        let joins = 0;
        let joined = false;
        return serve((method, path) => {
            if (path === "/peer/node/info") return { status: 200, body: JSON.stringify({ id: "initial-peer-id", state: "Ready" }) };
            if (path === "/peer/cluster/info") return { status: 200, body: JSON.stringify(joined && afterJoin === "Ready" ? [{ id: "initial-peer-id" }, { id: "self-id" }] : [{ id: "initial-peer-id" }]) };
            if (path === "/node/info") return { status: 200, body: JSON.stringify({ id: "self-id", state: joined ? afterJoin : "ReadyToJoin" }) };
            if (method === "POST" && path === "/cluster/join") {
                const status = joinAnswers[Math.min(joins++, joinAnswers.length - 1)];
                if (status === 200) joined = true;
                return { status, body: status === 409 ? '{"reason":"Node state does not allow for joining the cluster"}' : "{}" };
            }
            return { status: 404, body: "{}" };
        });
    }

    /** Runs the node entrypoint as a validator with a stub java that lives `javaSeconds`. */
    function runValidator(url: string, javaSeconds: number, joinTimeout = 30) {
        const port = new URL(url).port;
        const jars = tempDir();
        fs.writeFileSync(path.join(jars, "currency-l1.jar"), "");
        const bin = stubBin({ java: `trap 'echo java-got-TERM >&2; kill $! 2>/dev/null; exit 0' TERM\nsleep ${javaSeconds} & wait` });
        return bashWith(nodeCommandScript(installedSet()), {
            PATH: `${bin}:/usr/bin:/bin`, NODE_HOME: tempDir(), JARS_DIR: jars, NODE_NAME: "cl1-1", NODE_KIND: "validator", CL_JAR: "currency-l1.jar", HEAP_MIB: "256",
            CL_PUBLIC_HTTP_PORT: port, CL_CLI_HTTP_PORT: port, JOIN_PEER_URL: `${url}/peer`, JOIN_PEER_IP: "10.0.0.7", JOIN_PEER_P2P_PORT: "9301",
            JOIN_TIMEOUT_SECONDS: String(joinTimeout), JOIN_POLL_SECONDS: "0.2",
        });
    }

    it("joins once the node is ReadyToJoin, retrying 409s, with the initial validator's id, and stops joining once Ready", async () => {
        const s = await validator([409, 409, 200]);
        try {
            const r = await runValidator(s.url, 3);
            assert.equal(r.status, 0, r.stderr);
            const posts = s.seen.filter((l) => l.startsWith("POST /cluster/join"));
            assert.equal(posts.length, 3, "joins until accepted, then never again");
            assert.deepEqual(JSON.parse(posts[0].slice("POST /cluster/join ".length)), { id: "initial-peer-id", ip: "10.0.0.7", p2pPort: 9301 });
        } finally { await s.close(); }
    });

    it("joins only a Ready peer: a peer without a session would leave the node stuck", async () => {
        let peerState = "SessionStarted";
        let joined = false;
        const s = await serve((method, p) => {
            if (p === "/peer/node/info") return { status: 200, body: JSON.stringify({ id: "initial-peer-id", state: peerState }) };
            if (p === "/node/info") return { status: 200, body: JSON.stringify({ id: "self-id", state: joined ? "Ready" : "ReadyToJoin" }) };
            if (method === "POST" && p === "/cluster/join") { joined = true; return { status: 200, body: "{}" }; }
            return { status: 404, body: "{}" };
        });
        try {
            setTimeout(() => { peerState = "Ready"; }, 1500);
            const r = await runValidator(s.url, 3, 1);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stderr, /peer .* is not Ready yet; waiting to join/);
            assert.doesNotMatch(r.stderr, /restarting for a fresh join/, "waiting for the peer is not a stuck join");
            assert.equal(s.seen.filter((l) => l.startsWith("POST")).length, 1);
        } finally { await s.close(); }
    });

    it("a join that never completes (peer down) stops java so Docker restarts the node for a fresh join", async () => {
        const s = await validator([200], "SessionStarted");
        try {
            const r = await runValidator(s.url, 30, 1);
            assert.equal(r.status, 1, r.stderr);
            assert.match(r.stderr, /not Ready 1s after the join \(state SessionStarted\); restarting for a fresh join/);
            assert.match(r.stderr, /java-got-TERM/);
        } finally { await s.close(); }
    });

    it("the host-side gate only waits: Ready and listed by the initial validator, never a POST", async () => {
        const s = await validator([200]);
        try {
            const poster = runValidator(s.url, 3);
            const r = await bash(joinedScript({ scripts: installedSet(), selfUrl: s.url, peerUrl: `${s.url}/peer`, timeoutSeconds: 20, intervalSeconds: 0.2 }));
            await poster;
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /is Ready and in the cluster/);
            assert.equal(s.seen.filter((l) => l.startsWith("POST")).length, 1, "one joiner: the node's own");
        } finally { await s.close(); }
    });

    it("the health check means state == Ready, also without curl in the image", async () => {
        const s = await serve(walkingStates(["ReadyToJoin", "Ready"]));
        try {
            // A PATH with no curl: http_get falls back to bash's /dev/tcp.
            const bin = tempDir();
            for (const tool of ["sed", "head", "cat", "grep"]) fs.symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
            const check = `${shippedScript("readiness.sh")}\nnode_healthy ${s.url}`;
            assert.notEqual((await bashWith(check, { PATH: bin })).status, 0, "ReadyToJoin is not healthy");
            const r = await bashWith(check, { PATH: bin });
            assert.equal(r.status, 0, r.stderr);
        } finally { await s.close(); }
    });
});

describe("version check after a rollout", () => {
    it("passes when every node reports the version, else names each node that differs or is silent", async () => {
        const node = (version: string) => serve(() => ({ status: 200, body: JSON.stringify({ id: "x", state: "Ready", version }) }));
        const [a, b] = [await node("2.8.1"), await node("v2.8.1")];
        const c = await node("2.9.0");
        try {
            const ok = await bash(versionCheckScript(installedSet(), "2.8.1", [{ name: "gl0", url: a.url }, { name: "ml0", url: b.url }]));
            assert.equal(ok.status, 0, ok.stderr);
            assert.match(ok.stdout, /all 2 nodes run 2\.8\.1/);
            const bad = await bash(versionCheckScript(installedSet(), "2.8.1", [{ name: "gl0", url: a.url }, { name: "cl1-1", url: c.url }, { name: "cl1-2", url: "http://127.0.0.1:9" }]));
            assert.notEqual(bad.status, 0);
            assert.match(bad.stderr, /Tessellation version mismatch: expected 2\.8\.1, but cl1-1 runs 2\.9\.0, cl1-2 runs nothing \(no answer\)$/m);
        } finally { await Promise.all([a.close(), b.close(), c.close()]); }
    });
});
