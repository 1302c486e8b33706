// Reset, resync, re-key, scale down (issue 14, item 4). Two rungs, as test/rolling.spec.ts:
// - the provider model (test/harness/lifecycle.ts): the steps each config action takes, in the
//   order the SDK registers them, and that no stateful resource loses data;
// - the scripts themselves, run for real with stubs on PATH: the node entrypoint (run-node.sh)
//   moving data aside once per token, the keygen script keeping the old keystore aside, and the
//   turn gate (roll.sh) letting a genesis reset restart a cluster together.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { nodeCommandScript, turnScript } from "../components/systems/ottochain/nodeScript";
import { keptKeystoreName, keygenScript } from "../components/systems/ottochain/spec";
import { byName, dependsOnTransitively } from "./harness/graph";
import { changes, describeSteps, losesData, Step, up, UpResult } from "./harness/lifecycle";
import { expectProblem, problems } from "./harness/configLoad";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";
import { devStackVersions, reEscape } from "./harness/stackConfig";
import { installedSet } from "./util/scriptSets";

const DEV = devStackVersions();

const L1 = ["cl1-cl1-0", "cl1-cl1-1", "cl1-cl1-2", "dl1-dl1-0", "dl1-dl1-1", "dl1-dl1-2"];
const custom = (s: Step) => !s.type.startsWith("chainfleet:");
const stepSet = (steps: Step[]) => changes(steps).filter(custom).map((s) => `${s.op} ${s.name}`).sort();
const at = (steps: Step[], name: string) => {
    const i = steps.findIndex((s) => s.name === name);
    assert.ok(i >= 0, `no step for ${name}`);
    return i;
};
const envOf = (r: UpResult, node: string) => byName(r.graph, `ottochain-${node}-container`).inputs.envs as string[];
const labelOf = (r: UpResult, node: string, label: string) =>
    (byName(r.graph, `ottochain-${node}-container`).inputs.labels as { label: string; value: string }[]).find((l) => l.label === label)?.value;
const noDataLost = (r: UpResult, prior: UpResult) => assert.deepEqual(r.steps.filter((s) => losesData(s, prior.state)).map((s) => s.name), []);

describe("reset, resync, re-key: lifecycle edits", () => {
    let base: UpResult;
    before(async () => {
        base = await up("dev", undefined);
    });

    it("a genesis reset reaches every layer in order, GL0 → ML0 → both L1 clusters, no volume touched; the same token again is a no-op", async () => {
        const r = await up("dev", base.state, { "ottochain.genesisResetToken": "r1" });
        noDataLost(r, base);
        const s = r.steps;
        // Every node's container is replaced with the token in its env (its entrypoint moves data aside).
        for (const n of ["gl0", "ml0", ...L1]) {
            assert.ok(changes(s).some((x) => x.name === `ottochain-${n}-container` && x.op === "replace"), `${n} not replaced: ${describeSteps(s)}`);
            assert.ok(envOf(r, n).includes("GENESIS_RESET_TOKEN=r1"), `${n} lacks the token`);
        }
        // No data volume, keystore or genesis file changes: the old data stays in the volume, moved aside.
        assert.ok(!changes(s).some((x) => x.type === "docker:index/volume:Volume"), describeSteps(s));
        assert.ok(!changes(s).some((x) => /-key$/.test(x.name)), "no keystore is made anew");
        assert.ok(at(s, "ottochain-gl0-ready") < at(s, "ottochain-ml0-container"), "ML0 after GL0 is Ready");
        for (const n of L1) assert.ok(at(s, "ottochain-ml0-ready") < at(s, `ottochain-${n}-container`), `${n} after ML0 is Ready`);
        assert.ok(dependsOnTransitively(r.graph, byName(r.graph, "ottochain-dl1-dl1-2-container"), byName(r.graph, "ottochain-ml0-ready")));
        // The L1 containers carry the token as a label, and their turns are told it: a changed token
        // lets each cluster restart together (roll.sh), as the whole metagraph does.
        for (const n of L1) assert.equal(labelOf(r, n, "chainfleet.ottochain.reset"), "r1");
        assert.match(String(byName(r.graph, "ottochain-cl1-cl1-1-turn").inputs.create), new RegExp(`roll_turn /tmp/chainfleet-roll-ottochain-cl1 cl1-1 \\S+ [0-9a-f]{16} ${reEscape(`${DEV.tessellation}/${DEV.metagraph}`)} ottochain-cl1 2700 3 r1\n`));
        // The same token again: nothing to do.
        const again = await up("dev", r.state, { "ottochain.genesisResetToken": "r1" });
        assert.deepEqual(changes(again.steps).map((x) => x.name), []);
    });

    it("an external GL0: the reset reaches ML0 and both L1 clusters", async () => {
        const ext = { "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": "a".repeat(128), "ottochain.globalL0.host": "10.0.0.9" };
        const before = await up("dev", undefined, ext);
        const r = await up("dev", before.state, { ...ext, "ottochain.genesisResetToken": "r2" });
        noDataLost(r, before);
        const replaced = new Set(changes(r.steps).filter((x) => x.op === "replace").map((x) => x.name));
        for (const n of ["ml0", ...L1]) assert.ok(replaced.has(`ottochain-${n}-container`), `${n} not replaced`);
        assert.ok(![...replaced].some((n) => n.includes("gl0")));
    });

    it("an L1 node resync: only that node, behind its turn (the cluster keeps n − 1 Ready), data aside in its own volume", async () => {
        const r = await up("dev", base.state, { "ottochain.resync": { "cl1-2": "s1" } });
        noDataLost(r, base);
        assert.deepEqual(stepSet(r.steps), [
            "replace ottochain-cl1-cl1-2-container", "replace ottochain-cl1-cl1-2-join", "replace ottochain-cl1-cl1-2-turn", "replace ottochain-versions",
        ], describeSteps(r.steps));
        assert.ok(envOf(r, "cl1-cl1-2").includes("RESYNC_TOKEN=s1"));
        assert.ok(at(r.steps, "ottochain-cl1-cl1-2-turn") < at(r.steps, "ottochain-cl1-cl1-2-container"));
        // No reset label: the turn is a normal rolling turn.
        assert.equal(labelOf(r, "cl1-cl1-2", "chainfleet.ottochain.reset"), undefined);
        assert.match(String(byName(r.graph, "ottochain-cl1-cl1-2-turn").inputs.create), / 2700 3 ''\n/);
        // Every node of DL1 at once, one by one through their turns (validators first: the roll order).
        const all = await up("dev", base.state, { "ottochain.resync": { "dl1-0": "s2", "dl1-1": "s2", "dl1-2": "s2" } });
        assert.ok(changes(all.steps).every((x) => /dl1|versions/.test(x.name)), describeSteps(all.steps));
        assert.ok(at(all.steps, "ottochain-dl1-dl1-0-turn") > at(all.steps, "ottochain-dl1-dl1-2-turn"), "the initial validator last");
        assert.deepEqual(changes((await up("dev", r.state, { "ottochain.resync": { "cl1-2": "s1" } })).steps).map((x) => x.name), [], "same token: no-op");
    });

    it("a node re-key: its keystore command runs again (old one kept aside), then its container behind its turn; no other node changes", async () => {
        const r = await up("dev", base.state, { "ottochain.rekey": { "cl1-1": "k1" } });
        noDataLost(r, base);
        // Exactly these, and nothing of any other node: L1 joiners read a peer's id from its
        // /node/info at join time (run-node.sh), so no other container's env holds cl1-1's id.
        // The key command's script changed: an update, which runs `create` again (pulumi-command:
        // "update … if empty, create will run again"), printing the new peer id.
        assert.deepEqual(stepSet(r.steps), [
            "replace ottochain-cl1-cl1-1-container", "replace ottochain-cl1-cl1-1-join", "replace ottochain-cl1-cl1-1-turn", "replace ottochain-versions", "update ottochain-cl1-cl1-1-key",
        ], describeSteps(r.steps));
        const key = String(byName(r.graph, "ottochain-cl1-cl1-1-key").inputs.create);
        assert.match(key, /mv -n \S+\/cl1-1\.p12 \S+\/cl1-1\.before-rekey-k1\.p12/);
        assert.ok(envOf(r, "cl1-cl1-1").includes("REKEY_TOKEN=k1"));
        assert.ok(at(r.steps, "ottochain-cl1-cl1-1-key") < at(r.steps, "ottochain-cl1-cl1-1-container"));
        // The keystore moves only in the node's turn: while it waits, the old container keeps the key its data belongs to.
        assert.ok(at(r.steps, "ottochain-cl1-cl1-1-turn") < at(r.steps, "ottochain-cl1-cl1-1-key"));
        assert.ok(dependsOnTransitively(r.graph, byName(r.graph, "ottochain-cl1-cl1-1-key"), byName(r.graph, "ottochain-cl1-cl1-1-turn")));
        assert.ok(!dependsOnTransitively(base.graph, byName(base.graph, "ottochain-cl1-cl1-1-key"), byName(base.graph, "ottochain-cl1-cl1-1-turn")), "without a re-key the key does not wait");
        assert.deepEqual(changes((await up("dev", r.state, { "ottochain.rekey": { "cl1-1": "k1" } })).steps).map((x) => x.name), [], "same token: no-op");
    });

    it("scale down 3 → 2: the removed node's container goes, its data volume is kept (retained), nothing else restarts", async () => {
        const r = await up("dev", base.state, { "ottochain.dataL1.nodes": 2 });
        noDataLost(r, base);
        const gone = changes(r.steps).filter((x) => x.op === "delete");
        assert.ok(gone.length > 0 && gone.every((x) => x.name.startsWith("ottochain-dl1-dl1-2")), describeSteps(r.steps));
        assert.equal(gone.find((x) => x.type === "docker:index/volume:Volume")?.retained, true);
        assert.ok(changes(r.steps).every((x) => x.op === "delete" || x.name === "ottochain-versions"), describeSteps(r.steps));
    });

    it("config rules name the key, the value and the rule", () => {
        expectProblem(problems("dev", { "ottochain.resync": { ml0: "x" } }), /chainfleet:ottochain\.resync\."ml0" names an L0 node: only L1 nodes can be resynced .*genesisResetToken.* \(got "ml0"\)/);
        expectProblem(problems("dev", { "ottochain.rekey": { gl0: "x" } }), /chainfleet:ottochain\.rekey\."gl0" names an L0 node: only L1 nodes can be re-keyed/);
        expectProblem(problems("dev", { "ottochain.rekey": { "cl1-3": "x" } }), 'chainfleet:ottochain.rekey."cl1-3" names no node: chainfleet:ottochain.currencyL1.nodes is 3 (cl1-0 … cl1-2); a removed node needs no action, its data volume is kept (got "cl1-3")');
        expectProblem(problems("dev", { "ottochain.resync": { node1: "x" } }), 'chainfleet:ottochain.resync keys must be L1 node names like cl1-2 or dl1-0 (got "node1")');
        expectProblem(problems("dev", { "ottochain.resync": { "cl1-0": "a b" } }), 'chainfleet:ottochain.resync.cl1-0 must be a token of letters, digits, . _ - (at most 64, starting with a letter or digit) (got "a b")');
        assert.deepEqual(problems("dev", { "ottochain.resync": { "cl1-2": "s1" }, "ottochain.rekey": { "dl1-0": "k1" } }), []);
    });
});

// ---------------------------------------------------------------- the scripts, for real

/** Runs the node entrypoint in `home` (kept across runs) with stub java (records its args) and curl (the join peer answers `peer`). */
function startNode(home: string, env: Record<string, string>, peer?: string) {
    const genesis = path.join(home, "..", "genesis");
    const jars = path.join(home, "..", "jars");
    fs.mkdirSync(genesis, { recursive: true });
    fs.mkdirSync(jars, { recursive: true });
    for (const j of ["global-l0.jar", "metagraph-l0.jar", "currency-l1.jar"]) fs.writeFileSync(path.join(jars, j), "");
    fs.writeFileSync(path.join(genesis, "genesis.csv"), "DAG1,100\n");
    fs.writeFileSync(path.join(genesis, "genesis.snapshot"), "s");
    const log = path.join(home, "..", "java.log");
    fs.rmSync(log, { force: true });
    const bin = stubBin({
        java: `echo "$*" >> ${log}`,
        curl: peer === undefined ? "exit 7" : `case "\${!#}" in */node/info) printf '%s' '${peer}' ;; *) exit 22 ;; esac`,
    });
    const r = run("bash", ["-c", nodeCommandScript(installedSet()), "run-node"], {
        env: { PATH: `${bin}:/usr/bin:/bin`, NODE_HOME: home, JARS_DIR: jars, GENESIS_DIR: genesis, HEAP_MIB: "512", ...env },
    });
    return { ...r, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
}

function nodeHome(withData = "old"): string {
    const home = path.join(tempDir("ottochain-reset-"), "node");
    fs.mkdirSync(path.join(home, "data", "incremental_snapshot"), { recursive: true });
    fs.writeFileSync(path.join(home, "data", "incremental_snapshot", "7"), withData);
    return home;
}
const kept = (home: string, dir: string) => fs.readFileSync(path.join(home, dir, "incremental_snapshot", "7"), "utf8");

describe("reset, resync, re-key: the node entrypoint, run for real", () => {
    const cl1 = { NODE_NAME: "cl1-0", NODE_KIND: "initial-validator", CL_JAR: "currency-l1.jar", JOIN_PEER_URL: "http://127.0.0.1:9310", JOIN_PEER_IP: "127.0.0.1", JOIN_PEER_P2P_PORT: "9311", CL_PUBLIC_HTTP_PORT: "9300", CL_CLI_HTTP_PORT: "9302", NODE_VERSION: "2.8.1", JOIN_POLL_SECONDS: "0.1" };
    const alivePeer = '{"state":"Ready","id":"abc","version":"2.8.1"}';

    it("GL0: a new reset token moves data aside and runs genesis; a restart with the same token rolls back the new chain", () => {
        const home = nodeHome();
        const gl0 = { NODE_NAME: "gl0", NODE_KIND: "gl0", CL_JAR: "global-l0.jar", GENESIS_RESET_TOKEN: "r1" };
        const r = startNode(home, gl0);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.calls[0], /global-l0\.jar run-genesis \S+genesis\.csv$/);
        assert.equal(kept(home, "data.before-reset-r1"), "old");
        assert.match(r.stdout, /gl0: reset r1: old data kept in data\.before-reset-r1/);
        // The new chain's data, then a restart (same token): nothing moves again.
        fs.mkdirSync(path.join(home, "data", "incremental_snapshot"), { recursive: true });
        fs.writeFileSync(path.join(home, "data", "incremental_snapshot", "7"), "new");
        const again = startNode(home, gl0);
        assert.equal(kept(home, "data"), "new");
        assert.equal(kept(home, "data.before-reset-r1"), "old");
        assert.match(again.stderr, /no snapshot hash to roll back to/, "it went on to roll back, as a node with data does");
    });

    it("L1 initial validator in a genesis reset: data aside and a new cluster even though its old peer still answers; later restarts rejoin", () => {
        const home = nodeHome();
        const r = startNode(home, { ...cl1, GENESIS_RESET_TOKEN: "r1" }, alivePeer);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.calls[0], /currency-l1\.jar run-initial-validator$/);
        assert.match(r.stdout, /genesis reset: starting a new cluster/);
        assert.equal(kept(home, "data.before-reset-r1"), "old");
        // The same token: an ordinary restart of a node whose cluster is alive: it rejoins.
        const again = startNode(home, { ...cl1, GENESIS_RESET_TOKEN: "r1" }, alivePeer);
        assert.match(again.calls[0], /run-validator$/);
    });

    it("L1 resync and re-key: data aside once per token (each its own name), the node rejoins its live cluster", () => {
        const home = nodeHome("first");
        const v = { ...cl1, NODE_NAME: "cl1-2", NODE_KIND: "validator", JOIN_PEER_URL: "" };
        const r = startNode(home, { ...v, RESYNC_TOKEN: "s1" });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.calls[0], /run-validator$/);
        assert.equal(kept(home, "data.before-resync-s1"), "first");
        assert.equal(fs.existsSync(path.join(home, "data")), false, "the node starts empty and syncs from L0");
        fs.mkdirSync(path.join(home, "data", "incremental_snapshot"), { recursive: true });
        fs.writeFileSync(path.join(home, "data", "incremental_snapshot", "7"), "second");
        startNode(home, { ...v, RESYNC_TOKEN: "s1" });
        assert.equal(kept(home, "data"), "second", "same token: nothing moved");
        const k = startNode(home, { ...v, RESYNC_TOKEN: "s1", REKEY_TOKEN: "k1" });
        assert.equal(k.status, 0, k.stderr);
        assert.equal(kept(home, "data.before-rekey-k1"), "second");
        assert.equal(kept(home, "data.before-resync-s1"), "first", "earlier kept data untouched");
        // An initial validator resynced alone (its cluster alive) rejoins it, as on any lone restart.
        const iv = startNode(nodeHome(), { ...cl1, RESYNC_TOKEN: "s9" }, alivePeer);
        assert.match(iv.calls[0], /run-validator$/);
    });

    it("never moves data over a kept directory: the node stops and names it", () => {
        const home = nodeHome();
        fs.mkdirSync(path.join(home, "data.before-resync-s1"));
        const r = startNode(home, { ...cl1, NODE_KIND: "validator", JOIN_PEER_URL: "", RESYNC_TOKEN: "s1" });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /data\.before-resync-s1 exists already: not moving data\/ over it \(choose a new token\)/);
        assert.equal(kept(home, "data"), "old");
        assert.deepEqual(r.calls, []);
    });
});

describe("reset, resync, re-key: the keygen and turn scripts, run for real", () => {
    /** Runs the keygen script with a stub docker: `generate` writes a new keystore, `show-id` prints an id from its content. */
    function keygen(keys: string, rekeyToken?: string) {
        const jars = tempDir("ottochain-jars-");
        const bin = stubBin({
            docker: `ks=""; for a in "$@"; do case "$a" in CL_KEYSTORE=/keys/*) ks=${keys}/\${a#CL_KEYSTORE=/keys/} ;; esac; done
case "$*" in *" generate") echo "key-$RANDOM$RANDOM" > "$ks" ;; *" show-id") echo "id of $(cat "$ks")" ;; *) exit 2 ;; esac`,
        });
        const script = keygenScript({ sudo: "", sudoKeepingPassword: "", image: "j:1", keysDir: keys, jarsDir: jars, node: "cl1-1", keyAlias: "alias", rekeyToken });
        return { ...run("bash", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin`, CL_PASSWORD: "pw" } }), script };
    }

    it("a re-key keeps the old keystore aside (still *.p12, so the host's keystore backup keeps it too), makes a new one, once per token", () => {
        const keys = path.join(tempDir("ottochain-keys-"), "keys");
        const first = keygen(keys);
        assert.equal(first.status, 0, first.stderr);
        const oldKey = fs.readFileSync(path.join(keys, "cl1-1.p12"), "utf8");
        const r = keygen(keys, "k1");
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(shellProblems(r.script), []);
        assert.equal(keptKeystoreName("cl1-1", "k1"), "cl1-1.before-rekey-k1.p12");
        assert.equal(fs.readFileSync(path.join(keys, "cl1-1.before-rekey-k1.p12"), "utf8"), oldKey);
        const newKey = fs.readFileSync(path.join(keys, "cl1-1.p12"), "utf8");
        assert.notEqual(newKey, oldKey);
        assert.equal(r.stdout.trim(), `id of ${newKey.trim()}`, "the new peer id");
        assert.match(r.stderr, /re-key k1: old keystore kept in \S+cl1-1\.before-rekey-k1\.p12/);
        // Again with the same token (a re-run): the new keystore stays, the kept one is untouched.
        const again = keygen(keys, "k1");
        assert.equal(again.stdout.trim(), `id of ${newKey.trim()}`);
        assert.equal(fs.readFileSync(path.join(keys, "cl1-1.before-rekey-k1.p12"), "utf8"), oldKey);
        assert.deepEqual(fs.readdirSync(keys).sort(), ["cl1-1.before-rekey-k1.p12", "cl1-1.p12"]);
    });

    /** roll_turn against one running container whose reset label is `running` (stub docker), every other node Ready. */
    function turn(running: string, reset: string) {
        const dir = tempDir("chainfleet-roll-");
        const bin = stubBin({
            docker: `case "$*" in
  *Config.Env*) printf 'CHAINFLEET_ROLLOUT=old\\n' ;;
  *ottochain.versions*) echo 2.8.1/0.1.0 ;;
  *ottochain.reset*) echo '${running}' ;;
  ps*) echo "ottochain-cl1-1 9310" ;;
  *) exit 2 ;;
esac`,
            curl: `case "\${!#}" in */node/info) printf '{"state":"Ready"}' ;; */cluster/info) printf '[{"id":"a"},{"id":"b"}]' ;; *) exit 7 ;; esac`,
        });
        const script = turnScript({ scripts: installedSet(), lock: path.join(dir, "turn"), node: "cl1-1", container: "ottochain-cl1-1", rollout: "new", versions: "2.8.1/0.1.0", cluster: "ottochain-cl1", timeoutSeconds: 5, intervalSeconds: 0.1, reset });
        const r = run("bash", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin` } });
        return { ...r, lockTaken: fs.existsSync(path.join(dir, "turn")), script };
    }

    it("a changed genesis reset token lets the cluster restart together (no turn); an unchanged one takes the turn as usual", () => {
        const reset = turn("", "r1");
        assert.equal(reset.status, 0, reset.stderr);
        assert.deepEqual(shellProblems(reset.script), []);
        assert.match(reset.stdout, /cl1-1 goes from genesis reset none to r1: the whole metagraph restarts, so the cluster restarts together/);
        assert.equal(reset.lockTaken, false);
        const same = turn("r1", "r1");
        assert.equal(same.status, 0, same.stderr);
        assert.match(same.stdout, /cl1-1 takes its turn/);
        assert.equal(same.lockTaken, true);
    });
});
