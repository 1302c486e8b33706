// Rolling L1 updates (issue 14, item 2). Two rungs:
// - the provider model (test/harness/lifecycle.ts): the steps an edit takes, in the order the SDK
//   registers them (dependencies first), and the edges that make the order at runtime;
// - the roll gates themselves (roll.sh via nodeScript.ts), run for real with stub docker and curl
//   on PATH against a fake cluster on disk, the way the engine would run them: each node's turn,
//   then (its container replaced: down, then back Ready) its joined gate; validators in parallel,
//   the initial validator's turn after theirs (its dependsOn).
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { requiredJarPaths } from "../components/systems/ottochain/artifacts";
import { joinedTurnScript, nodeCommandScript, rolloutDigest, turnScript } from "../components/systems/ottochain/nodeScript";
import { dependsOnTransitively, byName, Graph } from "./harness/graph";
import { changes, describeSteps, losesData, Step, up, UpResult } from "./harness/lifecycle";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";
import { devStackVersions, reEscape } from "./harness/stackConfig";
import { installedSet } from "./util/scriptSets";

const DEV = devStackVersions();

const NODES = ["cl1-0", "cl1-1", "cl1-2"];
const custom = (s: Step) => !s.type.startsWith("chainfleet:");
const stepSet = (steps: Step[]) => changes(steps).filter(custom).map((s) => `${s.op}${s.replaceKind === "delete-before-replace" ? "!" : ""} ${s.name}`).sort();
const at = (steps: Step[], name: string) => {
    const i = steps.findIndex((s) => s.name === name);
    assert.ok(i >= 0, `no step for ${name}`);
    return i;
};

describe("rolling L1 updates: lifecycle edits", () => {
    let base: UpResult;
    before(async () => {
        base = await up("dev", undefined);
    });

    it("first creation: every L1 node has a turn gate off the ML0 chain, so the nodes still start together", () => {
        const g = base.graph;
        const ml0Ready = byName(g, "ottochain-ml0-ready");
        for (const n of NODES) {
            const turn = byName(g, `ottochain-cl1-${n}-turn`);
            assert.match(String(turn.inputs.create), new RegExp(`roll_turn /tmp/chainfleet-roll-ottochain-cl1 ${n} ottochain-${n} [0-9a-f]{16} ${reEscape(`${DEV.tessellation}/${DEV.metagraph}`)} ottochain-cl1 2700 3`));
            assert.ok(!dependsOnTransitively(g, turn, ml0Ready), `${n}'s turn waits for nothing of the metagraph`);
            assert.ok(dependsOnTransitively(g, byName(g, `ottochain-cl1-${n}-container`), turn), `${n}'s container waits for its turn`);
        }
        // A validator's container does not wait for the initial validator (nor its gate).
        assert.ok(!dependsOnTransitively(g, byName(g, "ottochain-cl1-cl1-2-container"), byName(g, "ottochain-cl1-cl1-0-ready")));
    });

    it("a CL1 heap change replaces CL1's containers behind their turns, validators' turns before the initial validator's", async () => {
        const r = await up("dev", base.state, { "ottochain.currencyL1.heapMiB": 2048 });
        assert.deepEqual(r.steps.filter((s) => losesData(s, base.state)).map((s) => s.name), []);
        assert.deepEqual(stepSet(r.steps), [
            ...NODES.map((n) => `replace ottochain-cl1-${n}-turn`),
            ...NODES.map((n) => `replace! ottochain-cl1-${n}-container`),
            "replace ottochain-cl1-cl1-0-ready", "replace ottochain-cl1-cl1-1-join", "replace ottochain-cl1-cl1-2-join",
            "replace ottochain-versions",
        ].sort(), describeSteps(r.steps));
        // The order the SDK registers them in (each after its dependencies): turn → container → joined gate,
        // and the initial validator's turn after both validators' turns.
        const s = r.steps;
        for (const n of NODES) {
            const gate = n === "cl1-0" ? "ready" : "join";
            assert.ok(at(s, `ottochain-cl1-${n}-turn`) < at(s, `ottochain-cl1-${n}-container`), `${n}: turn before its container`);
            assert.ok(at(s, `ottochain-cl1-${n}-container`) < at(s, `ottochain-cl1-${n}-${gate}`), `${n}: container before its gate`);
        }
        assert.ok(at(s, "ottochain-cl1-cl1-0-turn") > Math.max(at(s, "ottochain-cl1-cl1-1-turn"), at(s, "ottochain-cl1-cl1-2-turn")), "the initial validator's turn comes last");
        assert.ok(dependsOnTransitively(r.graph, byName(r.graph, "ottochain-cl1-cl1-0-turn"), byName(r.graph, "ottochain-cl1-cl1-2-turn")));
        // Each container stops gracefully (the JVM leaves its cluster) before the new one starts.
        for (const n of NODES) assert.equal(byName(r.graph, `ottochain-cl1-${n}-container`).inputs.destroyGraceSeconds, 60);
        // DL1, GL0 and ML0 are untouched.
        assert.ok(!changes(s).some((x) => /dl1|gl0|ml0/.test(x.name)), describeSteps(s));
    });

    it("a change to every layer (the JVM image): GL0, then ML0, then each L1 cluster behind its turns", async () => {
        const r = await up("dev", base.state, { "ottochain.image": "eclipse-temurin:21.0.5_11-jre-jammy" });
        const s = r.steps;
        const replaced = new Set(changes(s).filter((x) => x.op === "replace").map((x) => x.name));
        for (const n of ["gl0", "ml0", ...NODES.map((x) => `cl1-${x}`), "dl1-dl1-0", "dl1-dl1-1", "dl1-dl1-2"]) {
            assert.ok(replaced.has(`ottochain-${n}-container`), `ottochain-${n}-container is not replaced: ${describeSteps(s)}`);
        }
        assert.ok(at(s, "ottochain-gl0-ready") < at(s, "ottochain-ml0-container"), "ML0 after GL0 is Ready");
        for (const l1 of ["cl1-cl1", "dl1-dl1"]) {
            for (const i of [0, 1, 2]) assert.ok(at(s, "ottochain-ml0-ready") < at(s, `ottochain-${l1}-${i}-container`), `${l1}-${i} after ML0 is Ready`);
        }
        const g: Graph = r.graph;
        assert.ok(dependsOnTransitively(g, byName(g, "ottochain-dl1-dl1-1-container"), byName(g, "ottochain-gl0-ready")));
        assert.ok(dependsOnTransitively(g, byName(g, "ottochain-dl1-dl1-0-turn"), byName(g, "ottochain-dl1-dl1-2-turn")));
        // The two clusters roll independently: their turns are apart.
        assert.ok(!dependsOnTransitively(g, byName(g, "ottochain-dl1-dl1-0-turn"), byName(g, "ottochain-cl1-cl1-2-turn")));
        assert.match(String(byName(g, "ottochain-dl1-dl1-1-turn").inputs.create), /roll_turn \/tmp\/chainfleet-roll-ottochain-dl1 dl1-1 /);
    });

    it("a version change rolls out (each node mounts its version's jars) and setting it back rolls back", async () => {
        const jars = (r: UpResult, n: string) => (byName(r.graph, `ottochain-${n}-container`).inputs.volumes as { containerPath: string; hostPath?: string }[])
            .find((v) => v.containerPath === "/jars")!.hostPath;
        const jarsDir = String(jars(base, "gl0")).replace(new RegExp(`/tessellation/${reEscape(DEV.tessellation)}$`), "");
        assert.equal(jars(base, "ml0"), `${jarsDir}/metagraph/${DEV.metagraph}`);
        assert.equal(jars(base, "cl1-cl1-1"), `${jarsDir}/metagraph/${DEV.metagraph}`);

        // Tessellation: GL0 on the new release's jars, then ML0 and the L1 nodes (their turns know
        // the versions changed: a whole-cluster restart), and every node's version checked.
        const tess = await up("dev", base.state, { "ottochain.tessellationVersion": "3.3.2", "ottochain.metagraphVersion": "0.2.0" });
        assert.equal(jars(tess, "gl0"), `${jarsDir}/tessellation/3.3.2`);
        assert.equal(jars(tess, "dl1-dl1-2"), `${jarsDir}/metagraph/0.2.0`);
        assert.match(String(byName(tess.graph, "ottochain-cl1-cl1-1-key").inputs.create), new RegExp(`-v ${jarsDir}/tessellation/3\\.3\\.2:/jars:ro`));
        const replaced = new Set(changes(tess.steps).filter((x) => x.op === "replace").map((x) => x.name));
        for (const n of ["gl0", "ml0", "cl1-cl1-0", "cl1-cl1-1", "dl1-dl1-0"]) assert.ok(replaced.has(`ottochain-${n}-container`), `${n} not replaced`);
        assert.ok(at(tess.steps, "ottochain-gl0-ready") < at(tess.steps, "ottochain-ml0-container"));
        assert.ok(at(tess.steps, "ottochain-ml0-ready") < at(tess.steps, "ottochain-cl1-cl1-1-container"));
        assert.match(String(byName(tess.graph, "ottochain-cl1-cl1-1-turn").inputs.create), / 3\.3\.2\/0\.2\.0 ottochain-cl1 /);
        assert.match(String(byName(tess.graph, "ottochain-versions").inputs.create), /check_versions 3\.3\.2 /);
        assert.deepEqual(tess.steps.filter((x) => losesData(x, base.state)).map((x) => x.name), []);

        // Only the metagraph's version: GL0 stays, ML0 and the L1 nodes move.
        const meta = await up("dev", base.state, { "ottochain.metagraphVersion": "0.2.0" });
        const metaReplaced = new Set(changes(meta.steps).filter((x) => x.op === "replace").map((x) => x.name));
        assert.ok(!metaReplaced.has("ottochain-gl0-container") && metaReplaced.has("ottochain-ml0-container") && metaReplaced.has("ottochain-cl1-cl1-2-container"), describeSteps(meta.steps));

        // Rollback is the config revert: from the new state back to the old jars' directories.
        const back = await up("dev", tess.state);
        assert.equal(jars(back, "gl0"), `${jarsDir}/tessellation/${DEV.tessellation}`);
        assert.equal(jars(back, "cl1-cl1-1"), `${jarsDir}/metagraph/${DEV.metagraph}`);
        assert.ok(changes(back.steps).some((x) => x.name === "ottochain-cl1-cl1-1-container" && x.op === "replace"));
        assert.match(String(byName(back.graph, "ottochain-versions").inputs.create), new RegExp(`check_versions ${reEscape(DEV.tessellation)} `));
        // Nothing here deletes an old version's jars: no resource owns the version directories.
        assert.ok(!changes(back.steps).some((x) => x.op === "delete"), describeSteps(back.steps));
    });

    it("requiredJarPaths names each version's jars where the nodes mount them", () => {
        assert.deepEqual(requiredJarPaths("/j", { tessellation: "2.8.1", metagraph: "1.0" }, true), [
            "/j/tessellation/2.8.1/global-l0.jar", "/j/tessellation/2.8.1/cl-keytool.jar", "/j/tessellation/2.8.1/cl-wallet.jar",
            "/j/metagraph/1.0/metagraph-l0.jar", "/j/metagraph/1.0/currency-l1.jar", "/j/metagraph/1.0/data-l1.jar",
        ]);
        assert.ok(!requiredJarPaths("/j", { tessellation: "2.8.1", metagraph: "1.0" }, false).some((p) => p.endsWith("global-l0.jar")), "an external GL0 needs no global-l0.jar");
    });

    it("the rollout digest is stable for equal inputs and changes with any of them", () => {
        assert.equal(rolloutDigest({ a: 1, b: { c: [1, 2] } }), rolloutDigest({ b: { c: [1, 2] }, a: 1 }));
        assert.notEqual(rolloutDigest({ a: 1, b: { c: [1, 2] } }), rolloutDigest({ a: 1, b: { c: [2, 1] } }));
        assert.match(rolloutDigest({}), /^[0-9a-f]{16}$/);
    });
});

// ---------------------------------------------------------------- the gates, for real

interface FakeNode { state: "Ready" | "Down" | "ReadyToJoin"; rollout: string; versions: string; port: number }

/** A fake L1 cluster on disk, with stub docker and curl reading it (what roll.sh asks of each). */
function fakeCluster(nodes: Record<string, FakeNode>) {
    const dir = tempDir("chainfleet-roll-");
    const write = (name: string, n: FakeNode) => fs.writeFileSync(path.join(dir, `${name}.node`), `${n.state} ${n.rollout} ${n.versions} ${n.port}\n`);
    for (const [k, v] of Object.entries(nodes)) write(k, v);
    const bin = stubBin({
        // docker inspect -f FMT ottochain-<node> | docker ps -a --filter label=...=<cluster> --format ...
        docker: `D=${dir}
if [ "$1" = inspect ]; then
  f=$D/\${4#ottochain-}.node; [ -e "$f" ] || { echo "Error: No such object: $4" >&2; exit 1; }
  read -r state rollout versions port < "$f"
  case "$3" in *Config.Env*) printf 'PATH=/usr/bin\\nCHAINFLEET_ROLLOUT=%s\\n' "$rollout" ;; *versions*) echo "$versions" ;; *) echo "unexpected format $3" >&2; exit 2 ;; esac
  exit 0
fi
if [ "$1" = ps ]; then
  for f in "$D"/*.node; do read -r state rollout versions port < "$f"; n=$(basename "$f" .node); echo "ottochain-$n $port"; done
  exit 0
fi
echo "unexpected docker $*" >&2; exit 2`,
        // curl -fsS --max-time 5 http://127.0.0.1:<port>/node/info | /cluster/info
        curl: `D=${dir}
url=\${!#}; rest=\${url#http://*:}; port=\${rest%%/*}; p=/\${rest#*/}
for f in "$D"/*.node; do
  read -r state rollout versions port2 < "$f"
  [ "$port2" = "$port" ] || continue
  [ "$state" = Down ] && { echo "curl: (7) Failed to connect to port $port" >&2; exit 7; }
  case "$p" in
    /node/info) printf '{"state":"%s","id":"%s-id","version":"%s"}' "$state" "$(basename "$f" .node)" "$versions" ;;
    /cluster/info) printf '['; sep=""; for g in "$D"/*.node; do read -r s _ _ _ < "$g"; [ "$s" = Ready ] && printf '%s{"id":"%s-id"}' "$sep" "$(basename "$g" .node)" && sep=,; done; printf ']' ;;
    *) exit 22 ;;
  esac
  exit 0
done
echo "curl: (7) nothing on port $port" >&2; exit 7`,
    });
    const read = (name: string): FakeNode => {
        const [state, rollout, versions, port] = fs.readFileSync(path.join(dir, `${name}.node`), "utf8").trim().split(" ");
        return { state: state as FakeNode["state"], rollout, versions, port: Number(port) };
    };
    return { dir, bin, lock: path.join(dir, "turn"), write, read };
}

type Cluster = ReturnType<typeof fakeCluster>;

/** Runs a gate script with the stubs first on PATH; resolves with its exit status and output. */
function gate(c: Cluster, script: string): Promise<{ status: number; out: string }> {
    return new Promise((resolve) => {
        const child = spawn("bash", ["-c", script], { env: { PATH: `${c.bin}:/usr/bin:/bin` } });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => resolve({ status: code ?? -1, out }));
    });
}

const PORTS: Record<string, number> = { "cl1-0": 9300, "cl1-1": 9310, "cl1-2": 9320 };
const turnOf = (c: Cluster, node: string, rollout: string, versions = "2.8.1", timeoutSeconds = 30) => turnScript({ scripts: installedSet(),
    lock: c.lock, node, container: `ottochain-${node}`, rollout, versions, cluster: "ottochain-cl1", timeoutSeconds, intervalSeconds: 0.1,
});
const joinedOf = (c: Cluster, node: string) => joinedTurnScript({ scripts: installedSet(),
    lock: c.lock, node, selfUrl: `http://127.0.0.1:${PORTS[node]}`, peerUrl: `http://127.0.0.1:${PORTS[node === "cl1-0" ? "cl1-1" : "cl1-0"]}`, timeoutSeconds: 30, intervalSeconds: 0.1,
});
const cluster3 = (rollout = "old", versions = "2.8.1") => fakeCluster(Object.fromEntries(NODES.map((n) => [n, { state: "Ready", rollout, versions, port: PORTS[n] }])));

describe("rolling L1 updates: the gates, run for real", () => {
    it("the gate scripts are shellcheck-clean", () => {
        const c = cluster3();
        assert.deepEqual(shellProblems(turnOf(c, "cl1-1", "new")), []);
        assert.deepEqual(shellProblems(joinedOf(c, "cl1-1")), []);
    });

    it("a roll: validators first, the initial validator last, one at a time, never fewer than n − 1 Ready, each back and listed before the next", async () => {
        const c = cluster3();
        const events: string[] = [];
        const readyOthers = (self: string) => NODES.filter((n) => n !== self && c.read(n).state === "Ready").length;
        // What the engine does for one node once its turn gate passes: the container is deleted
        // (the node is down), created with the new rollout (it starts, then is Ready), then the
        // joined gate runs.
        const replace = async (node: string) => {
            const t = await gate(c, turnOf(c, node, "new"));
            assert.equal(t.status, 0, t.out);
            assert.equal(readyOthers(node), NODES.length - 1, `${node} went down while another node was not Ready`);
            events.push(`down ${node}`);
            c.write(node, { ...c.read(node), state: "Down" });
            await new Promise((r) => setTimeout(r, 300));
            c.write(node, { ...c.read(node), state: "ReadyToJoin", rollout: "new" });
            await new Promise((r) => setTimeout(r, 300));
            c.write(node, { ...c.read(node), state: "Ready" });
            const j = await gate(c, joinedOf(c, node));
            assert.equal(j.status, 0, j.out);
            events.push(`up ${node}`);
            return t;
        };
        // As the engine runs them: both validators' turn gates at once; the initial validator's
        // turn after theirs have passed (its dependsOn), here after their whole replacement.
        await Promise.all(["cl1-1", "cl1-2"].map((n) => replace(n)));
        await replace("cl1-0");
        assert.deepEqual(events.filter((e) => e.startsWith("down")).slice(-1), ["down cl1-0"], events.join(", "));
        // One at a time: every down is followed by its own up before the next down.
        for (let i = 0; i < events.length; i += 2) {
            assert.match(events[i], /^down /);
            assert.equal(events[i + 1], `up ${events[i].slice(5)}`, events.join(", "));
        }
        assert.equal(fs.existsSync(c.lock), false, "the turn is given back at the end");
        for (const n of NODES) assert.equal(c.read(n).rollout, "new");
    });

    it("first creation (no container) and an unchanged node take no turn", async () => {
        const c = fakeCluster({ "cl1-1": { state: "Ready", rollout: "same", versions: "2.8.1", port: 9310 } });
        const first = await gate(c, turnOf(c, "cl1-2", "new"));
        assert.equal(first.status, 0, first.out);
        assert.match(first.out, /cl1-2 has no container yet/);
        const same = await gate(c, turnOf(c, "cl1-1", "same"));
        assert.match(same.out, /cl1-1 already runs rollout same/);
        assert.equal(fs.existsSync(c.lock), false);
    });

    it("a Tessellation version change restarts the cluster together: the handshake refuses joins across Tessellation versions", async () => {
        const c = cluster3("old", "2.8.1/0.1.0");
        fs.writeFileSync(c.lock, "cl1-2 other\n");
        const t = await gate(c, turnOf(c, "cl1-1", "new", "3.3.2/0.1.0"));
        assert.equal(t.status, 0, t.out);
        assert.match(t.out, /from Tessellation 2\.8\.1 to 3\.3\.2: nodes of different Tessellation versions cannot join each other, so the cluster restarts together/);
    });

    it("a metagraph-only change rolls: the handshake does not compare the metagraph version, so the node waits for its turn", async () => {
        const c = cluster3("old", "2.8.1/0.1.0");
        fs.writeFileSync(c.lock, "cl1-2 new\n");
        const t = await gate(c, turnOf(c, "cl1-1", "new", "2.8.1/0.2.0", 1));
        assert.equal(t.status, 1, t.out);
        assert.doesNotMatch(t.out, /restarts together/);
        assert.match(t.out, /waiting for the turn of cl1-1: cl1-2 is restarting/);
    });

    it("waits while another node holds the turn or is not Ready, and fails naming it", async () => {
        const c = cluster3();
        fs.writeFileSync(c.lock, "cl1-2 new\n");
        const held = await gate(c, turnOf(c, "cl1-1", "new", "2.8.1", 1));
        assert.equal(held.status, 1);
        assert.match(held.out, /timed out after 1s without progress waiting for the turn of cl1-1: cl1-2 is restarting/);
        fs.rmSync(c.lock);
        c.write("cl1-2", { ...c.read("cl1-2"), state: "ReadyToJoin" });
        const notReady = await gate(c, turnOf(c, "cl1-1", "new", "2.8.1", 1));
        assert.equal(notReady.status, 1);
        assert.match(notReady.out, /ottochain-cl1-2 is ReadyToJoin/);
        assert.equal(fs.existsSync(c.lock), false, "no turn taken");
        // The cluster lists fewer nodes than it has containers: not whole either.
        c.write("cl1-2", { ...c.read("cl1-2"), state: "Down" });
        const down = await gate(c, turnOf(c, "cl1-1", "new", "2.8.1", 1));
        assert.match(down.out, /ottochain-cl1-2 is not answering; the cluster lists 2 of its 3 nodes/);
    });

    it("the joined gate gives back only its own turn", async () => {
        const c = cluster3();
        fs.writeFileSync(c.lock, "cl1-2 new\n");
        const other = await gate(c, joinedOf(c, "cl1-1"));
        assert.equal(other.status, 0, other.out);
        assert.equal(fs.readFileSync(c.lock, "utf8"), "cl1-2 new\n");
        const own = await gate(c, joinedOf(c, "cl1-2"));
        assert.match(own.out, /joined: .*9320 is Ready and in the cluster of .*9300[\s\S]*cl1-2 gives the turn back/);
        assert.equal(fs.existsSync(c.lock), false);
    });
});

describe("rolling L1 updates: a restarted initial validator rejoins its cluster", () => {
    /** Runs the node entrypoint as an L1 initial validator whose rejoin peer answers `peer` (stub curl), with a stub java. */
    function initialWith(peer: string | undefined, nodeVersion = "2.8.1") {
        const home = tempDir("ottochain-node-");
        const jars = tempDir("ottochain-jars-");
        fs.writeFileSync(path.join(jars, "currency-l1.jar"), "");
        const log = path.join(home, "java.log");
        const bin = stubBin({
            java: `echo "$*" >> ${log}`,
            curl: peer === undefined ? "exit 7" : `case "\${!#}" in */node/info) printf '%s' '${peer}' ;; *) exit 22 ;; esac`,
        });
        const r = run("bash", ["-c", nodeCommandScript(installedSet()), "run-node"], {
            env: {
                PATH: `${bin}:/usr/bin:/bin`, NODE_HOME: home, JARS_DIR: jars, HEAP_MIB: "1024", NODE_NAME: "cl1-0", NODE_KIND: "initial-validator", CL_JAR: "currency-l1.jar",
                JOIN_PEER_URL: "http://127.0.0.1:9310", JOIN_PEER_IP: "127.0.0.1", JOIN_PEER_P2P_PORT: "9311", CL_PUBLIC_HTTP_PORT: "9300", CL_CLI_HTTP_PORT: "9302", NODE_VERSION: nodeVersion,
                JOIN_POLL_SECONDS: "0.1",
            },
        });
        return { ...r, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
    }

    it("joins the cluster when its second node is Ready on the same version", () => {
        const r = initialWith('{"state":"Ready","id":"abc","version":"v2.8.1"}');
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.calls[0], /currency-l1\.jar run-validator$/);
        assert.match(r.stdout, /the cluster is alive at http:\/\/127\.0\.0\.1:9310: rejoining it/);
    });

    it("a validator joins only a peer of its own version, and waits (healthy) for the peer's restart otherwise", () => {
        const home = tempDir("ottochain-node-");
        const jars = tempDir("ottochain-jars-");
        fs.writeFileSync(path.join(jars, "currency-l1.jar"), "");
        const posts = path.join(home, "posts.log");
        const bin = stubBin({
            java: "sleep 1",
            curl: `case "$*" in *"-X POST"*) echo "$*" >> ${posts}; printf 200 ;; *9310/node/info*) printf '{"state":"ReadyToJoin","id":"me"}' ;; *9300/node/info*) printf '{"state":"Ready","id":"peer","version":"3.3.2"}' ;; *) exit 7 ;; esac`,
        });
        const r = run("bash", ["-c", nodeCommandScript(installedSet()), "run-node"], {
            env: {
                PATH: `${bin}:/usr/bin:/bin`, NODE_HOME: home, JARS_DIR: jars, HEAP_MIB: "1024", NODE_NAME: "cl1-1", NODE_KIND: "validator", CL_JAR: "currency-l1.jar",
                JOIN_PEER_URL: "http://127.0.0.1:9300", JOIN_PEER_IP: "127.0.0.1", JOIN_PEER_P2P_PORT: "9301", CL_PUBLIC_HTTP_PORT: "9310", CL_CLI_HTTP_PORT: "9312", NODE_VERSION: "2.8.1",
                JOIN_POLL_SECONDS: "0.2",
            },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /peer http:\/\/127\.0\.0\.1:9300 runs 3\.3\.2, this node 2\.8\.1; waiting for it to restart/);
        assert.equal(fs.existsSync(posts), false, "no join was posted to a peer of another version");
    });

    it("starts a new cluster when its peer is down, not Ready, or on another version", () => {
        for (const peer of [undefined, '{"state":"ReadyToJoin","id":"abc","version":"2.8.1"}', '{"state":"Ready","id":"abc","version":"3.3.2"}']) {
            const r = initialWith(peer);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.calls[0], /currency-l1\.jar run-initial-validator$/, `peer ${peer}`);
        }
    });
});
