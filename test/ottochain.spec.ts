// The OttoChain metagraph: run modes chosen by state (run for real against a stub java), the
// readiness-gated order, scaling by config, and the graph's shape as the clusters grow.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { nodeCommandScript } from "../components/systems/ottochain/nodeScript";
import { METAGRAPH_JARS, TESSELLATION_JARS } from "../components/systems/ottochain/artifacts";
import { keygenScript, metagraphNodes, nodeEnv, nodePorts, nodeName } from "../components/systems/ottochain/spec";
import { byName, dependsOnTransitively, Graph, longestChain, ofType, planStack, defaultPlan, PlannedResource } from "./harness/graph";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";
import { devStackVersions, reEscape } from "./harness/stackConfig";
import { installedSet, setText } from "./util/scriptSets";

const DEV_VERSIONS = devStackVersions();

/** Runs the node entrypoint in a temp node home with a stub java that records its arguments. */
function runNode(env: Record<string, string>, prepare?: (home: string, genesis: string) => void) {
    const home = tempDir("ottochain-node-");
    const genesis = tempDir("ottochain-genesis-");
    const jars = tempDir("ottochain-jars-");
    for (const j of ["global-l0.jar", "metagraph-l0.jar", "currency-l1.jar", "data-l1.jar"]) fs.writeFileSync(path.join(jars, j), "");
    const log = path.join(home, "java.log");
    const bin = stubBin({
        java: `echo "$*" >> ${log}
case "$*" in *create-genesis*) echo snapshot > genesis.snapshot; echo DAG0metagraphid > genesis.address ;; esac`,
    });
    prepare?.(home, genesis);
    const r = run("bash", ["-c", nodeCommandScript(installedSet()), "run-node"], {
        env: { PATH: `${bin}:/usr/bin:/bin`, NODE_HOME: home, JARS_DIR: jars, GENESIS_DIR: genesis, HEAP_MIB: "1024", ...env },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    return { ...r, calls, home, genesis };
}

describe("ottochain run modes", () => {
    it("node entrypoint and keygen script are shellcheck-clean", () => {
        assert.deepEqual(shellProblems(setText(undefined, ["readiness.sh", "run-node.sh"])), []);
        assert.deepEqual(shellProblems(keygenScript({ sudo: "sudo ", sudoKeepingPassword: "sudo --preserve-env=CL_PASSWORD ", image: "eclipse-temurin:21-jre-jammy", keysDir: "/data/ottochain/keys", jarsDir: "/data/ottochain/jars", node: "cl1-0", keyAlias: "alias" })), []);
    });

    it("ML0 with no data runs create-genesis once, then run-genesis on the snapshot", () => {
        const r = runNode({ NODE_NAME: "ml0", NODE_KIND: "ml0", CL_JAR: "metagraph-l0.jar" }, (_h, g) => fs.writeFileSync(path.join(g, "genesis.csv"), "DAG1,100\n"));
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.calls.length, 2);
        assert.match(r.calls[0], /-Xmx1024m -jar .*metagraph-l0\.jar create-genesis genesis\.csv$/);
        assert.match(r.calls[1], new RegExp(`-Xmx1024m -jar .*metagraph-l0\\.jar run-genesis ${r.genesis}/genesis\\.snapshot$`));
        assert.equal(fs.readFileSync(path.join(r.genesis, "genesis.address"), "utf8").trim(), "DAG0metagraphid");
    });

    it("ML0 with an existing snapshot runs run-rollback and never touches genesis", () => {
        const r = runNode({ NODE_NAME: "ml0", NODE_KIND: "ml0", CL_JAR: "metagraph-l0.jar" }, (h, g) => {
            fs.mkdirSync(path.join(h, "data", "incremental_snapshot"), { recursive: true });
            fs.writeFileSync(path.join(h, "data", "incremental_snapshot", "42"), "x");
            fs.writeFileSync(path.join(g, "genesis.snapshot"), "kept");
            fs.writeFileSync(path.join(g, "genesis.address"), "DAG0metagraphid\n");
        });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.calls.map((c) => c.split(" ").pop()), ["run-rollback"]);
        assert.equal(fs.readFileSync(path.join(r.genesis, "genesis.snapshot"), "utf8"), "kept");
    });

    it("GL0 with snapshots rolls back to the newest one's hash (its ordinal file hard-linked under hash/)", () => {
        const r = runNode({ NODE_NAME: "gl0", NODE_KIND: "gl0", CL_JAR: "global-l0.jar" }, (h) => {
            const ordinal = path.join(h, "data", "incremental_snapshot", "ordinal", "0");
            fs.mkdirSync(ordinal, { recursive: true });
            for (const [n, hash] of [["2", "aa11"], ["10", "bb22"], ["9", "cc33"]]) {
                fs.writeFileSync(path.join(ordinal, n), n);
                const dir = path.join(h, "data", "incremental_snapshot", "hash", hash.slice(0, 2));
                fs.mkdirSync(dir, { recursive: true });
                fs.linkSync(path.join(ordinal, n), path.join(dir, hash));
            }
        });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.calls.map((c) => c.split(" ").slice(-2).join(" ")), ["run-rollback bb22"], "ordinal 10 is newer than 9 and 2");
    });

    it("an empty snapshot directory is not a snapshot", () => {
        const r = runNode({ NODE_NAME: "ml0", NODE_KIND: "ml0", CL_JAR: "metagraph-l0.jar" }, (h, g) => {
            fs.mkdirSync(path.join(h, "data", "incremental_snapshot"), { recursive: true });
            fs.writeFileSync(path.join(g, "genesis.snapshot"), "s");
        });
        assert.match(r.calls[0], /run-genesis/);
    });

    it("a genesis reset token moves old data aside (kept) and runs genesis once", () => {
        const prep = (h: string, g: string) => {
            fs.mkdirSync(path.join(h, "data", "incremental_snapshot"), { recursive: true });
            fs.writeFileSync(path.join(h, "data", "incremental_snapshot", "42"), "x");
            fs.writeFileSync(path.join(g, "genesis.snapshot"), "s");
        };
        const r = runNode({ NODE_NAME: "ml0", NODE_KIND: "ml0", CL_JAR: "metagraph-l0.jar", GENESIS_RESET_TOKEN: "r1" }, prep);
        assert.match(r.calls[0], /run-genesis/);
        assert.ok(fs.existsSync(path.join(r.home, "data.before-reset-r1", "incremental_snapshot", "42")), "old data kept");
        // The same token again is not a new reset: the node rolls back as usual.
        fs.mkdirSync(path.join(r.home, "data", "incremental_snapshot"), { recursive: true });
        fs.writeFileSync(path.join(r.home, "data", "incremental_snapshot", "43"), "y");
        const again = run("bash", ["-c", nodeCommandScript(installedSet()), "run-node"], {
            env: { PATH: `${path.dirname(r.calls.length ? "/usr/bin/x" : "")}:/usr/bin:/bin`, NODE_HOME: r.home, JARS_DIR: "/nonexistent", HEAP_MIB: "1", NODE_NAME: "ml0", NODE_KIND: "ml0", CL_JAR: "metagraph-l0.jar", GENESIS_DIR: r.genesis, GENESIS_RESET_TOKEN: "r1" },
        });
        assert.notEqual(again.status, 0); // no jars here: it stops before java, but must not have moved data again
        assert.ok(fs.existsSync(path.join(r.home, "data", "incremental_snapshot", "43")));
    });

    it("GL0 runs genesis from its csv first and rolls back later", () => {
        const first = runNode({ NODE_NAME: "gl0", NODE_KIND: "gl0", CL_JAR: "global-l0.jar" }, (_h, g) => fs.writeFileSync(path.join(g, "genesis.csv"), "x"));
        assert.match(first.calls[0], /global-l0\.jar run-genesis .*genesis\.csv$/);
        const missing = runNode({ NODE_NAME: "gl0", NODE_KIND: "gl0", CL_JAR: "global-l0.jar" });
        assert.notEqual(missing.status, 0);
        assert.match(missing.stderr, /genesis\.csv missing/);
    });

    it("L1: the first node is the initial validator, the others validators", () => {
        assert.match(runNode({ NODE_NAME: "cl1-0", NODE_KIND: "initial-validator", CL_JAR: "currency-l1.jar" }).calls[0], /currency-l1\.jar run-initial-validator$/);
        assert.match(runNode({ NODE_NAME: "dl1-2", NODE_KIND: "validator", CL_JAR: "data-l1.jar" }).calls[0], /data-l1\.jar run-validator$/);
    });
});

describe("ottochain spec", () => {
    it("ports and names follow the layer layout", () => {
        assert.deepEqual(nodePorts("gl0"), { public: 9000, p2p: 9001, cli: 9002 });
        assert.deepEqual(nodePorts("ml0"), { public: 9200, p2p: 9201, cli: 9202 });
        assert.deepEqual(nodePorts("cl1", 3), { public: 9330, p2p: 9331, cli: 9332 });
        assert.deepEqual(nodePorts("dl1", 1), { public: 9410, p2p: 9411, cli: 9412 });
        assert.equal(nodeName("cl1", 3), "cl1-3");
    });

    it("sets every CL_* variable a Tessellation node reads (CL_PASSWORD apart, as a secret)", () => {
        const [, , cl1] = metagraphNodes({ selfHostedGlobalL0: true, heapMiB: { gl0: 1, ml0: 1, cl1: 1, dl1: 1 }, image: { gl0: "j:1", ml0: "j:1", cl1: "j:1", dl1: "j:1" }, nodes: { cl1: 1, dl1: 0 }, placement: { gl0: "a", ml0: "a", cl1: "b", dl1: "c" } });
        const env = nodeEnv({
            node: cl1, externalIp: "10.0.0.2", keyAlias: "alias", appEnv: "dev", collateral: 0,
            globalL0: { id: "g", host: "10.0.0.1", port: 9000 }, metagraphL0: { id: "m", host: "10.0.0.1", port: 9200 }, tokenIdentifier: "DAGx",
        });
        for (const k of ["CL_KEYSTORE", "CL_KEYALIAS", "CL_PUBLIC_HTTP_PORT", "CL_P2P_HTTP_PORT", "CL_CLI_HTTP_PORT", "CL_EXTERNAL_IP", "CL_APP_ENV", "CL_COLLATERAL",
            "CL_GLOBAL_L0_PEER_ID", "CL_GLOBAL_L0_PEER_HTTP_HOST", "CL_GLOBAL_L0_PEER_HTTP_PORT", "CL_L0_PEER_ID", "CL_L0_PEER_HTTP_HOST", "CL_L0_PEER_HTTP_PORT", "CL_L0_TOKEN_IDENTIFIER"]) {
            assert.ok(k in env, `${k} missing`);
        }
        assert.ok(!("CL_PASSWORD" in env));
        assert.equal(env.CL_EXTERNAL_IP, "10.0.0.2");
    });
});

function containersOf(g: Graph, prefix: string): PlannedResource[] {
    return ofType(g, "docker:index/container:Container").filter((c) => String(c.inputs.name).startsWith(prefix));
}

describe("ottochain graph", () => {
    let dev: Graph;
    let prod: Graph;
    before(async () => {
        dev = await defaultPlan("dev");
        prod = await defaultPlan("prod");
    });

    it("runs every node with host networking, unless-stopped, read-only jars and key, its own data volume and the secret password", () => {
        const nodes = containersOf(dev, "ottochain-");
        assert.equal(nodes.length, 8);
        for (const c of nodes) {
            const i = c.inputs as { networkMode: string; restart: string; volumes: { containerPath: string; readOnly: boolean; volumeName?: string; hostPath?: string }[]; envs: string[]; command: string[]; image: string };
            assert.equal(i.networkMode, "host");
            assert.equal(i.restart, "unless-stopped");
            assert.ok(i.volumes.some((v) => v.containerPath === "/jars" && v.readOnly && new RegExp(`/(tessellation/${reEscape(DEV_VERSIONS.tessellation)}|metagraph/${reEscape(DEV_VERSIONS.metagraph)})$`).test(String(v.hostPath))), "the jars of the version that runs");
            assert.ok(i.volumes.some((v) => v.containerPath === "/keys/node.p12" && v.readOnly));
            assert.ok(i.volumes.some((v) => v.containerPath === "/node" && !v.readOnly && v.volumeName));
            assert.ok(c.secretPaths.includes("envs"), "CL_PASSWORD makes the env secret");
            assert.ok(i.envs.some((e) => e.startsWith("CL_PASSWORD=")));
            assert.equal(i.command[0], "bash");
        }
        const vols = ofType(dev, "docker:index/volume:Volume").filter((v) => String(v.inputs.name).startsWith("ottochain-"));
        assert.equal(new Set(vols.map((v) => v.inputs.name)).size, 8, "one data volume per node");
        for (const v of vols) assert.ok(v.retainOnDelete && !v.protect, "retained, not protected: a cluster can scale down");
    });

    it("orders by readiness: GL0 ready → ML0 ready → L1 initial ready → validator joins", () => {
        for (const g of [dev, prod]) {
            const gl0Ready = byName(g, "ottochain-gl0-ready");
            const ml0 = byName(g, "ottochain-ml0-container");
            const ml0Ready = byName(g, "ottochain-ml0-ready");
            const initial = byName(g, "ottochain-cl1-cl1-0-container");
            const initialReady = byName(g, "ottochain-cl1-cl1-0-ready");
            const join = byName(g, "ottochain-cl1-cl1-2-join");
            assert.ok(dependsOnTransitively(g, ml0, gl0Ready), "ML0 waits for GL0 Ready");
            assert.ok(dependsOnTransitively(g, initial, ml0Ready), "CL1 waits for ML0 Ready");
            // A validator's gate waits for it to be Ready and listed by the initial validator, by
            // polling, not through a dependency: in a roll the initial validator goes last.
            assert.ok(!dependsOnTransitively(g, join, initialReady), "a validator's gate does not wait for the initial validator's");
            assert.match(String(gl0Ready.inputs.create), /wait_for_state http:\/\/[\d.]+:9000\/node\/info state Ready/);
            assert.match(String(join.inputs.create), /roll_joined \/tmp\/chainfleet-roll-ottochain-cl1 cl1-2 http:\/\/[\d.]+:9320 http:\/\/[\d.]+:9300 900 3/);
            assert.match(String(initialReady.inputs.create), /roll_joined \/tmp\/chainfleet-roll-ottochain-cl1 cl1-0 http:\/\/[\d.]+:9300 http:\/\/[\d.]+:9310 900 3/);
            // CL1 and DL1 are parallel: neither waits for the other.
            const dl1Initial = byName(g, "ottochain-dl1-dl1-0-container");
            assert.ok(!dependsOnTransitively(g, dl1Initial, initialReady));
            assert.ok(!dependsOnTransitively(g, initial, byName(g, "ottochain-dl1-dl1-0-ready")));
            // Validators start without waiting for the initial validator; only their joins do.
            assert.ok(!dependsOnTransitively(g, byName(g, "ottochain-cl1-cl1-2-container"), initialReady));
        }
    });

    it("places layers on hosts in prod: peers point at host A, each node's CL_EXTERNAL_IP is its own host", () => {
        const env = (name: string) => Object.fromEntries((byName(prod, name).inputs.envs as string[]).map((e) => e.split(/=(.*)/s).slice(0, 2)));
        const a = byName(prod, "host-a-instance"), b = byName(prod, "host-b-instance");
        const gl0 = env("ottochain-gl0-container"), cl1 = env("ottochain-cl1-cl1-1-container"), dl1 = env("ottochain-dl1-dl1-1-container");
        assert.equal(cl1.CL_GLOBAL_L0_PEER_HTTP_HOST, gl0.CL_EXTERNAL_IP);
        assert.equal(cl1.CL_L0_PEER_HTTP_HOST, gl0.CL_EXTERNAL_IP);
        assert.notEqual(cl1.CL_EXTERNAL_IP, gl0.CL_EXTERNAL_IP);
        assert.notEqual(dl1.CL_EXTERNAL_IP, cl1.CL_EXTERNAL_IP);
        assert.match(byName(prod, "ottochain-cl1-cl1-1-container").provider ?? "", /host-b-docker/);
        assert.ok(a && b);
        // Peer ids come from the keys (keygen output), never from config.
        assert.equal(cl1.CL_GLOBAL_L0_PEER_ID, String(byName(prod, "ottochain-gl0-key").inputs.create ? gl0Key(prod) : ""));
        assert.equal(cl1.CL_L0_TOKEN_IDENTIFIER, (prod.outputs.ottochain as { metagraphId: string }).metagraphId);
    });

    it("going from 3 to 4 CL1 nodes only adds node cl1-3's resources", async () => {
        const four = await planStack("prod", { "ottochain.currencyL1.nodes": 4 });
        const before = new Map(prod.resources.map((r) => [r.urn, r]));
        const added = four.resources.filter((r) => !before.has(r.urn));
        assert.ok(added.length > 0);
        for (const r of added) assert.match(r.name, /cl1-3/, `${r.name} was added`);
        assert.deepEqual(added.filter((r) => r.custom).map((r) => r.type).sort(), [
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "command:local:Command", "command:local:Command", "command:local:Command", "command:local:Command",
            "docker:index/container:Container", "docker:index/remoteImage:RemoteImage", "docker:index/volume:Volume",
        ]); // its alarm (not Ready); key, pids slice, turn, join; container; image; volume
        const after = new Map(four.resources.map((r) => [r.urn, r]));
        for (const [urn, r] of before) {
            assert.ok(after.has(urn), `${r.name} removed`);
            // The host's version check now also covers cl1-3.
            // So do the monitoring pieces that know the cluster's size: host b's publisher and CL1's size alarm.
            if (["ottochain-versions-b", "ottochain-monitoring-b-publisher", "ottochain-monitoring-cl1-cluster-below-size"].includes(r.name)) continue;
            assert.deepEqual(after.get(urn)!.inputs, r.inputs, `${r.name} changed`);
        }
        assert.match(String(after.get(byName(prod, "ottochain-versions-b").urn)!.inputs.create), /check_versions 2\.8\.1 .*cl1-3=http/);
        const join = byName(four, "ottochain-cl1-cl1-3-join");
        assert.match(String(join.inputs.create), /roll_joined \S+ cl1-3 http:\/\/[\d.]+:9330 /);
    });

    it("the critical path does not grow with the cluster size", async () => {
        const three = longestChain(prod);
        const twenty = longestChain(await planStack("prod", { "ottochain.currencyL1.nodes": 20, "ottochain.currencyL1.maxNodes": 20, "ottochain.dataL1.nodes": 20, "ottochain.dataL1.maxNodes": 20, "hosts.instanceType": "r6i.8xlarge" }));
        assert.equal(twenty, three);
    });

    it("can point at an external Global L0 instead of running one", async () => {
        const peerId = "ab".repeat(64);
        const g = await planStack("prod", { "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": peerId, "ottochain.globalL0.host": "198.51.100.7" });
        assert.equal(containersOf(g, "ottochain-gl0").length, 0);
        const env = byName(g, "ottochain-ml0-container").inputs.envs as string[];
        assert.ok(env.includes(`CL_GLOBAL_L0_PEER_ID=${peerId}`));
        assert.ok(env.includes("CL_GLOBAL_L0_PEER_HTTP_HOST=198.51.100.7"));
    });

    it("prod copies the jars and genesis CSVs to each metagraph host before any keygen, and only those", async () => {
        const fixtures = path.join(__dirname, "fixtures", "ottochain");
        // A jars source laid out by version, as the hosts' jarsDir: two Tessellation versions (the
        // one before is copied too, for a rollback), one metagraph version.
        const jarsSource = tempDir("ottochain-jars-source-");
        for (const [dir, jars] of [["tessellation/2.8.1", TESSELLATION_JARS], ["tessellation/2.8.0", TESSELLATION_JARS], ["metagraph/0.1.0", METAGRAPH_JARS]] as const) {
            fs.mkdirSync(path.join(jarsSource, dir), { recursive: true });
            for (const j of jars) fs.writeFileSync(path.join(jarsSource, dir, j), j);
        }
        const g = await planStack("prod", { "ottochain.jarsSource": jarsSource, "ottochain.genesisSource": `${fixtures}/genesis` });
        // Copies are scp commands over the deployer's ssh path: the destination ends the command line.
        const copies = ofType(g, "command:local:Command").filter((c) => String(c.inputs.create).startsWith("scp ") && c.name.startsWith("ottochain-")).map((c) => ({ ...c, inputs: { ...c.inputs, remotePath: String(c.inputs.create).split(":").pop() } }));
        // Nine jars (3 + 3 + 3) on each of hosts a, b, c, each into its version's directory; the genesis CSVs only on a, where GL0 and ML0 run.
        const jarCopies = copies.filter((c) => String(c.inputs.remotePath).endsWith(".jar"));
        assert.equal(jarCopies.length, 27);
        assert.ok(jarCopies.some((c) => c.name === "ottochain-artifacts-b-tessellation-2.8.0-cl-wallet-jar" && String(c.inputs.remotePath).endsWith("/jars/tessellation/2.8.0/cl-wallet.jar")));
        assert.ok(jarCopies.some((c) => String(c.inputs.remotePath).endsWith("/jars/metagraph/0.1.0/data-l1.jar")));
        assert.deepEqual(copies.filter((c) => String(c.inputs.remotePath).endsWith(".csv")).map((c) => c.name).sort(), ["ottochain-artifacts-a-gl0-genesis-csv", "ottochain-artifacts-a-ml0-genesis-csv"]);
        assert.ok(copies.every((c) => /\/(jars\/(tessellation|metagraph)\/[\w.-]+\/[\w-]+\.jar|genesis\/(gl0|ml0)\/genesis\.csv)$/.test(String(c.inputs.remotePath))), "never a snapshot or address");
        const key = byName(g, "ottochain-cl1-cl1-2-key");
        assert.ok(dependsOnTransitively(g, key, byName(g, "ottochain-artifacts-b-metagraph-0.1.0-data-l1-jar")));
        assert.ok(!dependsOnTransitively(g, key, byName(g, "ottochain-artifacts-a-metagraph-0.1.0-data-l1-jar")), "a node waits for its own host's copies only");
        await assert.rejects(planStack("prod", { "ottochain.jarsSource": jarsSource, "ottochain.metagraphVersion": "0.2.0" }),
            /chainfleet:ottochain\.jarsSource must be a directory holding tessellation\/2\.8\.1\/global-l0\.jar, .* \(laid out by version .*ottochain\.metagraphVersion 0\.2\.0\) \(missing: metagraph\/0\.2\.0\/metagraph-l0\.jar, metagraph\/0\.2\.0\/currency-l1\.jar, metagraph\/0\.2\.0\/data-l1\.jar\)/);
        await assert.rejects(planStack("dev", { "ottochain.jarsSource": `${fixtures}/jars` }), /chainfleet:ottochain\.jarsSource must be unset in dev/);
    });

    it("exports per layer URLs, the expected cluster size, the metagraph id and health commands", () => {
        const o = prod.outputs.ottochain as { metagraphId: string; layers: Record<string, { publicUrls: string[]; expectedClusterSize: number; healthChecks: string[] }> };
        assert.match(o.metagraphId, /^DAG/);
        assert.equal((prod.outputs.ottochain as { genesisFiles: { snapshot: string } }).genesisFiles.snapshot, "/data/ottochain/genesis/ml0/genesis.snapshot");
        assert.equal(o.layers.cl1.expectedClusterSize, 3);
        assert.equal(o.layers.cl1.publicUrls.length, 3);
        assert.ok(o.layers.dl1.healthChecks.some((c) => c.includes("/cluster/info | jq length")));
    });
});

/** The fake peer id the mocks give GL0's keygen (the harness derives it from the resource name). */
function gl0Key(g: Graph): string {
    const env = byName(g, "ottochain-ml0-container").inputs.envs as string[];
    return env.find((e) => e.startsWith("CL_GLOBAL_L0_PEER_ID="))!.split("=")[1];
}
