// `npm run status`: the pure half (targets from the outputs, judging, the table, the verdict)
// without I/O, then the whole command against local HTTP servers on 127.0.0.1 standing in for the
// nodes and systems, and through a stub `pulumi` on PATH.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { AddressInfo } from "net";
import {
    clusterSize, formatReport, judgeAll, judgeCluster, judgeNode, judgeOrdinal, judgeSystem, Line, shownUrl, targetsFromOutputs, verdict,
} from "../components/platform/monitoringStatus";
import { main, parseStatusArgs } from "../scripts/status";
import { serve, Scripted } from "./util/http";
import { runAsync } from "./util/runAsync";
import { run, stubBin, tempDir } from "./util/tools";
import { ROOT } from "./harness/graph";

const ID = "4f1a".repeat(32);
const ok = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });

/** Outputs shaped as stacks/outputs.ts and the topologies write them (the dev plan's, abridged). */
function outputsOf(u: { gl0: string; ml0: string; cl1: string[]; dl1: string[]; scitt?: string; neo?: string; lottery?: string; wealthwars?: string }) {
    const layer = (urls: string[]) => ({ publicUrls: urls, expectedClusterSize: urls.length, healthChecks: urls.map((x) => `curl -s ${x}/node/info | jq -r .state`) });
    return {
        topology: "dev",
        ottochain: { metagraphId: "DAGabc", layers: { gl0: layer([u.gl0]), ml0: layer([u.ml0]), cl1: layer(u.cl1), dl1: layer(u.dl1) }, devGenesisWallet: { address: "DAG0", keystore: "/k" } },
        ...(u.scitt ? { scitt: { url: u.scitt, healthUrl: `${u.scitt}/node/network` } } : {}),
        ...(u.neo ? { neo: { url: u.neo, healthUrl: `${u.neo}/healthz`, apiTokens: "neo-secret-token-1" } } : {}),
        ...(u.lottery ? { lottery: { endpoint: u.lottery, healthUrl: `${u.lottery}/health` } } : {}),
        ...(u.wealthwars ? { wealthwars: { url: u.wealthwars, healthUrl: `${u.wealthwars}/health`, databaseUrl: "postgres://ww:db-secret-pw@10.0.0.9:5432/ww" } } : {}),
    };
}

describe("status: targets from the stack outputs", () => {
    it("names every node, each L1 cluster with its expected size, ML0 for the ordinal, the four systems (SCITT's self-signed)", () => {
        const t = targetsFromOutputs(outputsOf({
            gl0: "http://10.0.0.1:9000", ml0: "http://10.0.0.1:9200", cl1: ["http://10.0.0.2:9300", "http://10.0.0.2:9310"], dl1: ["http://10.0.0.3:9400"],
            scitt: "https://10.0.0.4:8000", neo: "https://neo.example.org", lottery: "http://10.0.0.5:6080", wealthwars: "https://ww.example.org",
        }));
        assert.deepEqual(t.nodes.map((n) => `${n.name} ${n.url}`), [
            "gl0 http://10.0.0.1:9000", "ml0 http://10.0.0.1:9200", "cl1-0 http://10.0.0.2:9300", "cl1-1 http://10.0.0.2:9310", "dl1-0 http://10.0.0.3:9400",
        ]);
        assert.deepEqual(t.clusters, [{ layer: "cl1", expectedSize: 2 }, { layer: "dl1", expectedSize: 1 }]);
        assert.equal(t.ordinalUrl, "http://10.0.0.1:9200");
        assert.deepEqual(t.systems.map((s) => `${s.system} ${s.healthUrl} ${s.insecureTls}`), [
            "scitt https://10.0.0.4:8000/node/network true", "wealthwars https://ww.example.org/health false", "lottery http://10.0.0.5:6080/health false", "neo https://neo.example.org/healthz false",
        ]);
        assert.deepEqual(t.skipped, []);
    });

    it("skips a secret placeholder or a non-URL and says so, without its value; an external GL0 stack has no gl0 line", () => {
        const o = outputsOf({ gl0: "x", ml0: "http://10.0.0.1:9200", cl1: ["[secret]"], dl1: [] });
        delete (o.ottochain.layers as Record<string, unknown>).gl0;
        (o as Record<string, unknown>).neo = { healthUrl: "[secret]" };
        const t = targetsFromOutputs(o);
        assert.deepEqual(t.nodes.map((n) => n.name), ["ml0"]);
        assert.deepEqual(t.skipped, ["ottochain.layers.cl1.publicUrls[0] (a secret output)", "ottochain.layers.dl1.expectedClusterSize (not a positive integer)", "neo.healthUrl (a secret output)"]);
        assert.throws(() => targetsFromOutputs([]), /not a JSON object/);
    });

    it("shows URLs without credentials or query", () => {
        assert.equal(shownUrl("https://user:pw@h.example:8443/health?token=abc"), "https://h.example:8443/health");
        assert.equal(shownUrl("http://10.0.0.1:9000"), "http://10.0.0.1:9000");
    });
});

describe("status: judging and the table", () => {
    const node = { layer: "cl1" as const, name: "cl1-1", url: "http://10.0.0.2:9310" };

    it("a node is ok only in the exact state Ready; version and a short id are shown; no answer is DOWN", () => {
        assert.deepEqual(judgeNode(node, ok({ id: ID, state: "Ready", version: "2.8.1" })), {
            what: "cl1-1", where: "http://10.0.0.2:9310", ok: true, state: "Ready", detail: "version 2.8.1, id 4f1a4f1a…4f1a",
        });
        assert.equal(judgeNode(node, ok({ id: ID, state: "ReadyToJoin", version: "2.8.1" })).ok, false);
        assert.deepEqual(judgeNode(node, { error: "ECONNREFUSED" }), { what: "cl1-1", where: "http://10.0.0.2:9310", ok: false, state: "DOWN", detail: "unreachable: ECONNREFUSED" });
        assert.equal(judgeNode(node, { status: 503, body: "" }).detail, "HTTP 503");
        assert.equal(judgeNode(node, { status: 200, body: "<html>" }).detail, "/node/info is not a node's JSON");
    });

    it("a cluster is ok when some node sees it at its expected size; below, the line says who sees what", () => {
        const nodes = [0, 1, 2].map((i) => ({ layer: "cl1" as const, name: `cl1-${i}`, url: `http://h:${9300 + 10 * i}` }));
        const peers = (n: number) => ok(Array.from({ length: n }, (_, i) => ({ id: `p${i}` })));
        assert.equal(clusterSize(peers(3)), 3);
        assert.equal(clusterSize({ error: "x" }), undefined);
        const full = judgeCluster({ layer: "cl1", expectedSize: 3 }, nodes, { "cl1-0": peers(3), "cl1-1": peers(3), "cl1-2": peers(1) });
        assert.deepEqual([full.ok, full.state], [true, "3/3"]);
        const below = judgeCluster({ layer: "cl1", expectedSize: 3 }, nodes, { "cl1-0": peers(2), "cl1-1": peers(2), "cl1-2": { error: "ECONNREFUSED" } });
        assert.deepEqual(below, {
            what: "cl1 cluster", where: "/cluster/info", ok: false, state: "2/3",
            detail: "below its expected size of 3: cl1-0 sees 2, cl1-1 sees 2, cl1-2 sees nothing",
        });
    });

    it("the ordinal must grow between the two samples; equal is stalled; no answer is N/A", () => {
        const o = (a: number, b: number) => ({ first: ok({ value: a }), second: ok({ value: b }), intervalSeconds: 10 });
        assert.deepEqual(judgeOrdinal("http://h:9200", o(41, 43)), { what: "ml0 ordinal", where: "http://h:9200/snapshots/latest/ordinal", ok: true, state: "43", detail: "advancing: 41 → 43 in 10 s" });
        assert.deepEqual([judgeOrdinal("http://h:9200", o(41, 41)).ok, judgeOrdinal("http://h:9200", o(41, 41)).detail], [false, "stalled: 41 → 41 in 10 s"]);
        assert.equal(judgeOrdinal("http://h:9200", { first: { status: 503, body: "" }, second: ok({ value: 1 }), intervalSeconds: 10 }).detail, "HTTP 503");
    });

    it("a system is healthy on 2xx only", () => {
        const s = { system: "neo", healthUrl: "http://h:8080/healthz", insecureTls: false };
        assert.equal(judgeSystem(s, { status: 204, body: "" }).ok, true);
        assert.deepEqual(judgeSystem(s, { status: 500, body: "" }), { what: "neo", where: "http://h:8080/healthz", ok: false, state: "DOWN", detail: "HTTP 500" });
    });

    it("the verdict names each failed check; nothing to check is not healthy", () => {
        const l = (what: string, isOk: boolean, state = "x"): Line => ({ what, where: "w", ok: isOk, state, detail: "" });
        assert.deepEqual(verdict([l("gl0", true), l("ml0", true)]), { healthy: true, text: "HEALTHY: all 2 checks passed" });
        assert.deepEqual(verdict([l("gl0", true), l("cl1-2", false, "ReadyToJoin"), l("neo", false, "DOWN")]), { healthy: false, text: "UNHEALTHY: 2 of 3 checks failed: cl1-2 ReadyToJoin, neo DOWN" });
        assert.equal(verdict([]).healthy, false);
    });

    it("formats one aligned line per check, the skipped outputs, then the verdict", () => {
        const t = targetsFromOutputs(outputsOf({ gl0: "http://h:9000", ml0: "http://h:9200", cl1: ["http://h:9300"], dl1: [] }));
        const lines = judgeAll(t, {
            nodeInfo: { gl0: ok({ id: ID, state: "Ready", version: "2.8.1" }), ml0: ok({ id: ID, state: "Ready", version: "2.8.1" }), "cl1-0": ok({ id: ID, state: "Ready", version: "2.8.1" }) },
            clusterInfo: { "cl1-0": ok([{ id: ID }]) }, health: {}, ordinal: { first: ok({ value: 5 }), second: ok({ value: 6 }), intervalSeconds: 10 },
        });
        const text = formatReport("dev", "2026-12-01T08:00:00.000Z", lines, ["neo.healthUrl (a secret output)"]);
        assert.equal(text, [
            "=== chainfleet status: stack dev ===",
            "Time: 2026-12-01T08:00:00.000Z",
            "",
            "    WHAT         STATE  WHERE                                   DETAIL",
            "ok  gl0          Ready  http://h:9000                           version 2.8.1, id 4f1a4f1a…4f1a",
            "ok  ml0          Ready  http://h:9200                           version 2.8.1, id 4f1a4f1a…4f1a",
            "ok  cl1-0        Ready  http://h:9300                           version 2.8.1, id 4f1a4f1a…4f1a",
            "ok  cl1 cluster  1/1    /cluster/info                           cl1-0 sees 1",
            "ok  ml0 ordinal  6      http://h:9200/snapshots/latest/ordinal  advancing: 5 → 6 in 10 s",
            "",
            "skipped: neo.healthUrl (a secret output)",
            "",
            "HEALTHY: all 5 checks passed",
            "",
        ].join("\n"));
    });

    it("parses its arguments, and refuses bad ones with the usage", () => {
        assert.deepEqual(parseStatusArgs(["--stack", "prod"]), { stack: "prod", intervalSeconds: 10, timeoutSeconds: 5 });
        assert.deepEqual(parseStatusArgs(["--stack", "p", "--outputs", "o.json", "--interval", "0.5", "--timeout", "2"]), { stack: "p", outputs: "o.json", intervalSeconds: 0.5, timeoutSeconds: 2 });
        assert.throws(() => parseStatusArgs([]), /--stack <name> is required\nusage: npm run status/);
        assert.throws(() => parseStatusArgs(["--stack", "p", "--interval", "soon"]), /--interval must be a number of seconds from 0 to 3600 \(got soon\)/);
        assert.throws(() => parseStatusArgs(["--stack", "p", "--timeout", "0"]), /--timeout must be more than 0/);
        assert.throws(() => parseStatusArgs(["--stack", "p", "--verbose"]), /unknown argument --verbose/);
    });
});

/** A stand-in node: /node/info, /cluster/info and (ML0) an ordinal that advances per request unless stalled. */
interface FakeNode { state: string; clusterSize: number; stalled?: boolean; ordinal?: number }
function nodeHandler(n: FakeNode) {
    return (_m: string, p: string) => {
        if (p === "/node/info") return ok({ id: ID, state: n.state, version: "2.8.1", host: "127.0.0.1" });
        if (p === "/cluster/info") return ok(Array.from({ length: n.clusterSize }, (_, i) => ({ id: `${i}`.repeat(128).slice(0, 128), state: "Ready" })));
        if (p === "/snapshots/latest/ordinal") {
            const value = n.ordinal ?? 100;
            if (!n.stalled) n.ordinal = value + 1;
            return ok({ value });
        }
        return { status: 404, body: "" };
    };
}

/** A port where nothing listens: bound, then closed. */
async function closedPort(): Promise<string> {
    const s = await serve(() => ok({}));
    await s.close();
    return s.url;
}

/** An HTTPS server with a fresh self-signed certificate, as SCITT's CCF node has. */
async function selfSignedHealth(): Promise<{ url: string; close(): Promise<void> }> {
    const dir = tempDir("scitt-cert-");
    const r = run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=scitt",
        "-keyout", path.join(dir, "k.pem"), "-out", path.join(dir, "c.pem")]);
    assert.equal(r.status, 0, r.stderr);
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, "k.pem")), cert: fs.readFileSync(path.join(dir, "c.pem")) }, (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{\"service_certificate\":\"-----BEGIN CERTIFICATE-----\"}");
    });
    await new Promise<void>((r2) => server.listen(0, "127.0.0.1", r2));
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r2) => server.close(() => r2())) };
}

describe("status: the whole command against stand-in nodes on 127.0.0.1", function () {
    this.timeout(120_000);
    const servers: { close(): Promise<void> }[] = [];
    let nodes: Record<string, FakeNode>;
    let outputsFile: string;
    let outputsJson: string;

    before(async () => {
        nodes = {
            gl0: { state: "Ready", clusterSize: 1 }, ml0: { state: "Ready", clusterSize: 1 },
            ...Object.fromEntries(["cl1-0", "cl1-1", "cl1-2", "dl1-0", "dl1-1", "dl1-2"].map((n) => [n, { state: "Ready", clusterSize: 3 }])),
        };
        const urls: Record<string, string> = {};
        for (const [name, n] of Object.entries(nodes)) {
            const s: Scripted = await serve(nodeHandler(n));
            servers.push(s);
            urls[name] = s.url;
        }
        const scitt = await selfSignedHealth();
        const neo = await serve((_m, p) => (p === "/healthz" ? ok({ status: "ok" }) : { status: 404, body: "" }));
        const lottery = await serve((_m, p) => (p === "/health" ? ok({ status: "healthy" }) : { status: 404, body: "" }));
        servers.push(scitt, neo, lottery);
        const outputs = outputsOf({
            gl0: urls.gl0, ml0: urls.ml0, cl1: ["cl1-0", "cl1-1", "cl1-2"].map((n) => urls[n]), dl1: ["dl1-0", "dl1-1", "dl1-2"].map((n) => urls[n]),
            scitt: scitt.url, neo: neo.url, lottery: lottery.url, wealthwars: await closedPort(),
        });
        outputsJson = JSON.stringify(outputs);
        outputsFile = path.join(tempDir("status-"), "outputs.json");
        fs.writeFileSync(outputsFile, outputsJson);
    });
    after(async () => { for (const s of servers) await s.close(); });

    /** Runs the command in this process (the same main() npm run status runs) and captures its output. */
    async function status(extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
        let out = "";
        let err = "";
        const code = await main(["--stack", "dev", "--outputs", outputsFile, "--interval", "0.2", "--timeout", "3", ...extra], (s) => (out += s), (s) => (err += s));
        return { code, out, err };
    }
    const lineOf = (out: string, what: string) => out.split("\n").find((l) => l.split(/\s{2,}/)[1] === what) ?? `(no line for ${what})`;

    function heal() {
        for (const n of Object.values(nodes)) { n.state = "Ready"; n.stalled = false; n.ordinal = 100; }
        for (const n of ["cl1-0", "cl1-1", "cl1-2", "dl1-0", "dl1-1", "dl1-2"]) nodes[n].clusterSize = 3;
    }

    it("all healthy but an unreachable system: every node Ready, clusters 3/3, the ordinal advancing, SCITT's self-signed health ok, wealthwars DOWN, exit 1", async () => {
        heal();
        const r = await status();
        assert.equal(r.err, "");
        for (const n of Object.keys(nodes)) assert.match(lineOf(r.out, n), new RegExp(`^ok\\s+${n}\\s+Ready\\s+http://127\\.0\\.0\\.1:\\d+\\s+version 2\\.8\\.1, id 4f1a4f1a…4f1a$`));
        assert.match(lineOf(r.out, "cl1 cluster"), /^ok\s+cl1 cluster\s+3\/3\s/);
        assert.match(lineOf(r.out, "dl1 cluster"), /^ok\s+dl1 cluster\s+3\/3\s/);
        assert.match(lineOf(r.out, "ml0 ordinal"), /^ok\s+ml0 ordinal\s+101\s+http:\/\/127\.0\.0\.1:\d+\/snapshots\/latest\/ordinal\s+advancing: 100 → 101 in 0\.2 s$/);
        assert.match(lineOf(r.out, "scitt"), /^ok\s+scitt\s+healthy\s+https:\/\/127\.0\.0\.1:\d+\/node\/network\s+HTTP 200$/);
        assert.match(lineOf(r.out, "neo"), /^ok\s+neo\s+healthy\s/);
        assert.match(lineOf(r.out, "lottery"), /^ok\s+lottery\s+healthy\s/);
        assert.match(lineOf(r.out, "wealthwars"), /^FAIL\s+wealthwars\s+DOWN\s+http:\/\/127\.0\.0\.1:\d+\/health\s+unreachable: ECONNREFUSED$/);
        assert.match(r.out, /\nUNHEALTHY: 1 of 15 checks failed: wealthwars DOWN\n$/);
        assert.equal(r.code, 1);
    });

    it("healthy: exit 0 and the HEALTHY verdict (wealthwars not in the outputs)", async () => {
        heal();
        const o = JSON.parse(outputsJson) as Record<string, unknown>;
        delete o.wealthwars;
        const file = path.join(tempDir("status-"), "healthy.json");
        fs.writeFileSync(file, JSON.stringify(o));
        let out = "";
        const code = await main(["--stack", "dev", "--outputs", file, "--interval", "0.2"], (s) => (out += s), () => undefined);
        assert.match(out, /\nHEALTHY: all 14 checks passed\n$/);
        assert.equal(code, 0);
    });

    it("a node not Ready, a cluster below its size and a stalled ordinal each fail their line and the verdict", async () => {
        heal();
        nodes["cl1-2"].state = "ReadyToJoin";
        for (const n of ["dl1-0", "dl1-1"]) nodes[n].clusterSize = 2;
        nodes["dl1-2"].clusterSize = 1;
        nodes.ml0.stalled = true;
        const r = await status();
        assert.match(lineOf(r.out, "cl1-2"), /^FAIL\s+cl1-2\s+ReadyToJoin\s/);
        assert.match(lineOf(r.out, "cl1-1"), /^ok\s+cl1-1\s+Ready\s/);
        assert.match(lineOf(r.out, "dl1 cluster"), /^FAIL\s+dl1 cluster\s+2\/3\s+\/cluster\/info\s+below its expected size of 3: dl1-0 sees 2, dl1-1 sees 2, dl1-2 sees 1$/);
        assert.match(lineOf(r.out, "ml0 ordinal"), /^FAIL\s+ml0 ordinal\s+100\s+\S+\s+stalled: 100 → 100 in 0\.2 s$/);
        assert.match(r.out, /\nUNHEALTHY: 4 of 15 checks failed: cl1-2 ReadyToJoin, dl1 cluster 2\/3, ml0 ordinal 100, wealthwars DOWN\n$/);
        assert.equal(r.code, 1);
    });

    it("never prints a secret output (the outputs hold the Neo API token and the database password)", async () => {
        heal();
        const r = await status();
        assert.ok(outputsJson.includes("neo-secret-token-1") && outputsJson.includes("db-secret-pw"), "the fixture holds the secrets");
        assert.ok(!r.out.includes("neo-secret-token-1") && !r.out.includes("db-secret-pw"), r.out);
    });

    it("through the Pulumi CLI: npm run status calls `pulumi stack output --stack <name> --json --show-secrets` (a stub on PATH)", async () => {
        heal();
        const dir = tempDir("pulumi-stub-");
        const argsFile = path.join(dir, "args");
        fs.writeFileSync(path.join(dir, "outputs.json"), outputsJson);
        const bin = stubBin({ pulumi: `printf '%s\\n' "$*" > '${argsFile}'\ncat '${path.join(dir, "outputs.json")}'` });
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
        const r = await runAsync("npm", ["run", "--silent", "status", "--", "--stack", "prod", "--interval", "0.2"], env, ROOT);
        assert.equal(fs.readFileSync(argsFile, "utf8"), "stack output --stack prod --json --show-secrets\n");
        assert.match(r.stdout, /^=== chainfleet status: stack prod ===\n/);
        assert.match(r.stdout, /\nUNHEALTHY: 1 of 15 checks failed: wealthwars DOWN\n$/);
        assert.equal(r.status, 1, r.stderr);
    });

    it("a CLI that fails, or is absent, exits 2 naming the command, and prints nothing of stdout", () => {
        const bin = stubBin({ pulumi: "echo 'neo-secret-token-1'\necho 'error: no stack named prod found' >&2\nexit 255" });
        const r = run("npm", ["run", "--silent", "status", "--", "--stack", "prod"], { cwd: ROOT, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.stderr.trim(), "status: pulumi stack output --stack prod failed: error: no stack named prod found");
        assert.ok(!r.stdout.includes("neo-secret-token-1") && !r.stderr.includes("neo-secret-token-1"));
        assert.equal(r.status, 2);
    });

    it("an outputs file that is not JSON exits 2 without quoting it", async () => {
        const file = path.join(tempDir("status-"), "bad.json");
        fs.writeFileSync(file, "apiTokens: neo-secret-token-1");
        let err = "";
        const code = await main(["--stack", "dev", "--outputs", file], () => undefined, (s) => (err += s));
        assert.equal(code, 2);
        assert.equal(err, `status: ${file} is not JSON (save it with pulumi stack output --json --show-secrets)\n`);
    });
});
