// The dev preflight: every failure message (key, value, fix) against fake probes, the mode rules,
// one real listening socket for the port check, and the memory it sums against the dev plan.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ChainfleetConfig, ottochainDirDefault } from "../stacks/config/schema";
import { loadConfig } from "../stacks/config/load";
import {
    DEFAULT_DOCKER_SOCKET, devMemoryUse, devPortNeeds, dockerEndpoint, nodeContainerName, preflight, PreflightError, PreflightProbes,
    preflightMode, preflightWarnings, realProbes, requiredJars,
} from "../stacks/preflight";
import { ottochainNodes } from "../stacks/placement";
import { devNotices } from "../stacks/dev";
import { buildConfig, defaultPlan, ofType, Overrides, planStack, configSourceOf } from "./harness/graph";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";
import { secretEnvPreamble, secretEnvStdin } from "../components/platform/shell";
import { DEV_GENESIS_BALANCE, DEV_GENESIS_WALLET, devGenesisScript } from "../components/systems/ottochain/devGenesis";

/** The dev stack file plus overrides, loaded as the program loads it. */
function devConfig(overrides: Overrides = {}): ChainfleetConfig {
    const { config, secretKeys } = buildConfig("dev", overrides, {});
    return loadConfig(configSourceOf(config, secretKeys, "dev"));
}

/** A dev config whose artifacts sit in a fresh temp dir (jars present, genesis absent) and SCITT from an image. */
function readyConfig(overrides: Overrides = {}): ChainfleetConfig {
    const dir = tempDir("chainfleet-preflight-");
    return devConfig({
        "ottochain.jarsDir": path.join(dir, "jars"), "ottochain.keysDir": path.join(dir, "keys"), "ottochain.genesisDir": path.join(dir, "genesis"),
        "scitt.source": undefined, "scitt.image": "example.org/scitt:1.0", ...overrides,
    });
}

interface Fake {
    ping?: { status: number } | { error: string };
    containers?: object[];
    engineMemMiB?: number;
    /** The engine's NCPU (/info); default 64. */
    engineCpus?: number;
    memMiB?: number;
    /** "address:port" → error code of listen. */
    busy?: Record<string, string>;
    /** Paths that do not exist (everything else does). */
    missing?: string[];
    unwritable?: string[];
}

function fakeProbes(f: Fake = {}): PreflightProbes & { listened: string[] } {
    const listened: string[] = [];
    return {
        listened,
        dockerGet: async (_e, p) => {
            const ping = f.ping ?? { status: 200 };
            if ("error" in ping) return ping;
            if (p === "/_ping") return { status: ping.status, body: "OK" };
            if (p.startsWith("/containers/json")) return { status: 200, body: JSON.stringify(f.containers ?? []) };
            if (p === "/info") return { status: 200, body: JSON.stringify({ MemTotal: (f.engineMemMiB ?? 65536) * 2 ** 20, NCPU: f.engineCpus ?? 64 }) };
            return { status: 404, body: "" };
        },
        listen: async (address, port) => {
            listened.push(`${address}:${port}`);
            return f.busy?.[`${address}:${port}`];
        },
        totalMemoryMiB: () => f.memMiB ?? 65536,
        exists: (p) => !(f.missing ?? []).some((m) => p === m || p.startsWith(`${m}/`)),
        writable: (p) => !(f.unwritable ?? []).includes(p),
    };
}

const SOCKET_ENV = {};

describe("dev preflight", () => {
    it("passes a machine that has everything, listening on every published and host-networked port", async () => {
        const c = readyConfig();
        const probes = fakeProbes();
        const r = await preflight(c, probes, SOCKET_ENV);
        assert.deepEqual(r, { problems: [], notes: [] });
        // SCITT's two ports on its bind address, Neo's on hosts.localAddress, each OttoChain node's three on 0.0.0.0.
        assert.ok(probes.listened.includes("127.0.0.1:8000") && probes.listened.includes("127.0.0.1:8001"), probes.listened.join(" "));
        assert.ok(probes.listened.includes("127.0.0.1:8080"));
        for (const p of [9000, 9001, 9002, 9200, 9300, 9322, 9400, 9422]) assert.ok(probes.listened.includes(`0.0.0.0:${p}`), `0.0.0.0:${p}`);
        assert.equal(probes.listened.length, 2 + 1 + ottochainNodes(c).length * 3);
    });

    it("an engine that does not answer: DOCKER_HOST, the endpoint and the fix", async () => {
        const r = await preflight(readyConfig(), fakeProbes({ ping: { error: "connect ENOENT /var/run/docker.sock" } }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            "the Docker engine at unix:///var/run/docker.sock (DOCKER_HOST unset: the default socket) does not answer GET /_ping (connect ENOENT /var/run/docker.sock): start Docker, or set DOCKER_HOST to the engine to deploy to",
        ]);
        const tcp = await preflight(readyConfig(), fakeProbes({ ping: { status: 500 } }), { DOCKER_HOST: "tcp://127.0.0.1:2375" });
        assert.deepEqual(tcp.problems, ["the Docker engine at tcp://127.0.0.1:2375 (DOCKER_HOST) does not answer GET /_ping (HTTP 500): start Docker, or set DOCKER_HOST to the engine to deploy to"]);
    });

    it("reads the endpoint the Docker provider uses; an ssh:// engine is noted, not failed, and its ports are not tried here", async () => {
        assert.deepEqual(dockerEndpoint({}), { kind: "unix", socketPath: DEFAULT_DOCKER_SOCKET, url: `unix://${DEFAULT_DOCKER_SOCKET}` });
        assert.deepEqual(dockerEndpoint({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }), { kind: "unix", socketPath: "/run/user/1000/docker.sock", url: "unix:///run/user/1000/docker.sock" });
        const tls = dockerEndpoint({ DOCKER_HOST: "tcp://10.0.0.5", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs" });
        assert.deepEqual(tls, { kind: "tcp", host: "10.0.0.5", port: 2376, tls: true, certPath: "/certs", url: "tcp://10.0.0.5" });
        const probes = fakeProbes();
        const r = await preflight(readyConfig(), probes, { DOCKER_HOST: "ssh://me@box" });
        assert.deepEqual(r.problems, []);
        assert.deepEqual(r.notes, [
            "the Docker engine at ssh://me@box (DOCKER_HOST) was not checked: only unix:// and tcp:// endpoints can be asked from here",
            "ports were not checked: the engine at ssh://me@box (DOCKER_HOST) publishes them on another machine",
        ]);
        assert.deepEqual(probes.listened, []);
    });

    it("memory: the sum of every limit, its parts and the keys that lower it, against this machine less the host's reserve", async () => {
        const c = readyConfig();
        const use = devMemoryUse(c);
        // gl0 + ml0: 2 × (2048 + 768); 3 + 3 L1 nodes × (1024 + 768); SCITT 2048; Neo 512 + its PostgreSQL 1024.
        assert.equal(use.mib, 2 * 2816 + 6 * 1792 + 2048 + 512 + 1024);
        const r = await preflight(c, fakeProbes({ memMiB: 16384 }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            "the dev containers' memory limits add up to 19968 MiB (gl0 1 × (2048 heap + 768) MiB + ml0 1 × (2048 heap + 768) MiB + cl1 3 × (1024 heap + 768) MiB + dl1 3 × (1024 heap + 768) MiB + scitt 2048 MiB + neo 512 MiB + neo postgres 1024 MiB), " +
            "more than the 15360 MiB left when this machine has 16384 MiB less 1024 MiB for the OS and Docker: lower chainfleet:ottochain.globalL0.heapMiB or chainfleet:ottochain.metagraphL0.heapMiB or chainfleet:ottochain.currencyL1.heapMiB or .nodes or chainfleet:ottochain.dataL1.heapMiB or .nodes or chainfleet:scitt.memoryMiB or chainfleet:neo.enabled or chainfleet:neo.database, or turn a system off (chainfleet:<system>.enabled: false)",
        ]);
        // Exactly fitting passes; the engine's VM counts when it is smaller than the machine.
        assert.deepEqual((await preflight(c, fakeProbes({ memMiB: use.mib + 1024 }), SOCKET_ENV)).problems, []);
        const vm = await preflight(c, fakeProbes({ memMiB: 65536, engineMemMiB: 8192 }), SOCKET_ENV);
        assert.match(vm.problems[0], /more than the 7168 MiB left when the Docker engine \(its VM\) has 8192 MiB less 1024 MiB/);
        // Wealth Wars, when on, adds its limit and its database.
        const ww = devMemoryUse(readyConfig({ "wealthwars.enabled": true, "wealthwars.image": "example.org/ww:1.0" }));
        assert.equal(ww.mib, use.mib + 2048 + 1024);
        assert.ok(ww.keys.includes("chainfleet:wealthwars.memoryMiB"));
    });

    it("CPUs: a container's limit above the engine's CPUs is refused before anything is registered, naming the key", async () => {
        const c = readyConfig({ "scitt.cpus": 4, "wealthwars.enabled": true, "wealthwars.image": "example.org/ww:1.0", "wealthwars.cpus": 2 });
        const r = await preflight(c, fakeProbes({ engineCpus: 2 }), SOCKET_ENV);
        assert.deepEqual(r.problems.filter((p) => /CPUs/.test(p)), [
            "chainfleet:scitt.cpus is 4 CPUs, more than the 2 the Docker engine at unix:///var/run/docker.sock has: Docker would refuse the container (after deleting the old one, on a replacement); set it to at most 2",
        ]);
        assert.deepEqual((await preflight(readyConfig({ "scitt.cpus": 2 }), fakeProbes({ engineCpus: 2 }), SOCKET_ENV)).problems, []);
        // The bound is exact: a quarter core over is refused.
        assert.match((await preflight(readyConfig({ "scitt.cpus": 2.25 }), fakeProbes({ engineCpus: 2 }), SOCKET_ENV)).problems.join("\n"), /chainfleet:scitt\.cpus is 2\.25 CPUs, more than the 2/);
        // A system that is off is not counted.
        assert.deepEqual((await preflight(readyConfig({ "wealthwars.cpus": 8 }), fakeProbes({ engineCpus: 2 }), SOCKET_ENV)).problems, []);
    });

    it("memory: what the preflight sums is what the dev plan's containers are given", async () => {
        const overrides = { "wealthwars.enabled": true, "wealthwars.image": "example.org/ww:1.0", "lottery.enabled": true, "lottery.image": "example.org/lottery:1.0" };
        const g = await planStack("dev", overrides);
        const containers = ofType(g, "docker:index/container:Container").filter((r) => r.inputs.restart === "unless-stopped");
        const planned = containers.reduce((sum, r) => sum + Number(r.inputs.memory), 0);
        assert.equal(planned, devMemoryUse(devConfig(overrides)).mib);
    });

    it("ports: one message per owner naming its busy ports, its address, its key and the fix", async () => {
        const busy = { "127.0.0.1:8001": "EADDRINUSE", "0.0.0.0:9000": "EADDRINUSE", "0.0.0.0:9312": "EADDRINUSE", "0.0.0.0:9311": "EACCES", "0.0.0.0:9201": "EADDRINUSE", "127.0.0.1:8080": "EADDRINUSE" };
        const r = await preflight(readyConfig(), fakeProbes({ busy }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            "scitt: port 8001 (in use) on 127.0.0.1 is not free for it (chainfleet:scitt.port or .nodePort): stop what holds it (`lsof -nP -iTCP:8001 -sTCP:LISTEN` shows it), or change chainfleet:scitt.port or .nodePort",
            "neo: port 8080 (in use) on 127.0.0.1 is not free for it (chainfleet:neo.port): stop what holds it (`lsof -nP -iTCP:8080 -sTCP:LISTEN` shows it), or change chainfleet:neo.port",
            "ottochain gl0: port 9000 (in use) on 0.0.0.0 is not free for it (chainfleet:ottochain.globalL0.source): stop what holds it (`lsof -nP -iTCP:9000 -sTCP:LISTEN` shows it), or use an external Global L0 (chainfleet:ottochain.globalL0.source: external; GL0's ports are fixed)",
            "ottochain ml0: port 9201 (in use) on 0.0.0.0 is not free for it (chainfleet:ottochain.enabled): stop what holds it (`lsof -nP -iTCP:9201 -sTCP:LISTEN` shows it), or set chainfleet:ottochain.enabled to false (ML0's ports are fixed)",
            "ottochain cl1-1: ports 9311 (EACCES), 9312 (in use) on 0.0.0.0 are not free for it (chainfleet:ottochain.currencyL1.nodes): stop what holds them (`lsof -nP -iTCP:9311 -sTCP:LISTEN` shows it), or lower chainfleet:ottochain.currencyL1.nodes (OttoChain's ports are fixed per node)",
        ]);
    });

    it("ports held by this stack's own containers pass (a second `up`); a stranger on the same port does not", async () => {
        const busy = { "127.0.0.1:8000": "EADDRINUSE", "0.0.0.0:9300": "EADDRINUSE", "0.0.0.0:9400": "EADDRINUSE" };
        const ours = [
            { Names: ["/scitt-service"], Labels: { "chainfleet.component": "scitt" }, Ports: [{ IP: "127.0.0.1", PrivatePort: 8000, PublicPort: 8000 }] },
            { Names: ["/ottochain-cl1-0"], Labels: { "chainfleet.component": "ottochain-cl1-cl1-0", "chainfleet.ottochain.layer": "cl1" }, Ports: [] },
            // Not ours: no chainfleet label, though its name looks like a node's.
            { Names: ["/ottochain-dl1-0"], Labels: {}, Ports: [] },
        ];
        const r = await preflight(readyConfig(), fakeProbes({ busy, containers: ours }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            "ottochain dl1-0: port 9400 (in use) on 0.0.0.0 is not free for it (chainfleet:ottochain.dataL1.nodes): stop what holds it (`lsof -nP -iTCP:9400 -sTCP:LISTEN` shows it), or lower chainfleet:ottochain.dataL1.nodes (OttoChain's ports are fixed per node)",
        ]);
    });

    it("the node containers the port check recognises are the ones the dev plan names", async () => {
        const g = await defaultPlan("dev");
        const names = ofType(g, "docker:index/container:Container").map((r) => r.inputs.name as string).filter((n) => n.startsWith("ottochain-"));
        assert.deepEqual(names.sort(), ottochainNodes(devConfig()).map(nodeContainerName).sort());
        assert.equal(devPortNeeds(devConfig()).filter((n) => n.containerName).length, names.length);
    });

    it("artifacts: missing jars named with the key and value; genesis and keys dirs that cannot be made", async () => {
        // Nothing builds the jars here: Tessellation's source is off and no metagraph source is set.
        const c = readyConfig({ "ottochain.tessellationVersion": "2.8.1", "ottochain.metagraphVersion": "0.1.0", "ottochain.tessellationSource.enabled": false, "ottochain.source": {} });
        const o = c.ottochain;
        const missing = [path.join(o.jarsDir, "tessellation/2.8.1/cl-wallet.jar"), path.join(o.jarsDir, "metagraph/0.1.0/data-l1.jar"), path.join(o.genesisDir, "ml0")];
        const r = await preflight(c, fakeProbes({ missing, unwritable: [o.genesisDir, o.keysDir] }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            `chainfleet:ottochain.jarsDir "${o.jarsDir}" lacks tessellation/2.8.1/cl-wallet.jar and chainfleet:ottochain.tessellationSource.enabled is false, so nothing builds it: ` +
            "pin chainfleet:ottochain.releaseSha256.<jar> to download it from the Tessellation 2.8.1 release, set chainfleet:ottochain.tessellationSource.enabled to true to build it from source, " +
            "put it there, or set chainfleet:ottochain.jarsDir to the directory that holds it",
            `chainfleet:ottochain.jarsDir "${o.jarsDir}" lacks metagraph/0.1.0/data-l1.jar: set chainfleet:ottochain.source (url and ref) to build your metagraph 0.1.0's jars, ` +
            "put it there, or set chainfleet:ottochain.jarsDir to the directory that holds it",
            `chainfleet:ottochain.genesisDir "${o.genesisDir}" has no ml0/genesis.csv and cannot be written by this user, so the dev genesis cannot be made there: set chainfleet:ottochain.genesisDir to a directory you own, or put the genesis CSVs there`,
            `chainfleet:ottochain.keysDir "${o.keysDir}" cannot be written by this user, so the node keystores cannot be made there: set chainfleet:ottochain.keysDir to a directory you own`,
        ]);
        // Absent genesis CSVs in a writable dir are no problem: the dev genesis makes them.
        assert.deepEqual((await preflight(c, fakeProbes({ missing: [path.join(o.genesisDir, "gl0"), path.join(o.genesisDir, "ml0")] }), SOCKET_ENV)).problems, []);
        // An external Global L0 needs no global-l0.jar.
        const ext = readyConfig({ "ottochain.tessellationSource.enabled": false, "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": "a".repeat(128), "ottochain.globalL0.host": "10.0.0.9" });
        assert.ok(!requiredJars(ext).some((j) => j.endsWith("global-l0.jar")));
        assert.equal(requiredJars(c).length, 6);
        // Jars a build makes are not required up front (the nodes wait for the build): the metagraph's
        // from chainfleet:ottochain.source, Tessellation's unpinned ones from its source (on by default).
        const built = readyConfig({ "ottochain.tessellationVersion": "2.8.1", "ottochain.tessellationSource.enabled": false, "ottochain.source.url": "https://example.org/metagraph.git", "ottochain.source.ref": "v0.1.0" });
        assert.deepEqual(requiredJars(built).map((j) => path.relative(built.ottochain.jarsDir, j)), ["tessellation/2.8.1/global-l0.jar", "tessellation/2.8.1/cl-keytool.jar", "tessellation/2.8.1/cl-wallet.jar"]);
        const tess = readyConfig({ "ottochain.metagraphVersion": "0.1.0", "ottochain.source": {} });
        assert.deepEqual(requiredJars(tess).map((j) => path.relative(tess.ottochain.jarsDir, j)), ["metagraph/0.1.0/metagraph-l0.jar", "metagraph/0.1.0/currency-l1.jar", "metagraph/0.1.0/data-l1.jar"]);
    });

    it("SCITT: a build context that is not there, or has no Dockerfile, names the key, the value and the fix", async () => {
        const c = readyConfig({ "scitt.image": undefined, "scitt.buildContext": "../no-such-scitt-checkout" });
        const r = await preflight(c, fakeProbes({ missing: ["../no-such-scitt-checkout"] }), SOCKET_ENV);
        assert.deepEqual(r.problems, [
            `chainfleet:scitt.buildContext "../no-such-scitt-checkout" does not exist (resolved: ${path.resolve("../no-such-scitt-checkout")}): clone scitt-ccf-ledger there ` +
            "(git clone https://github.com/microsoft/scitt-ccf-ledger ../no-such-scitt-checkout), or set chainfleet:scitt.source.url and .ref to have it checked out, or chainfleet:scitt.image to a pinned image",
        ]);
        const r2 = await preflight(c, fakeProbes({ missing: ["../no-such-scitt-checkout/docker/Dockerfile"] }), SOCKET_ENV);
        assert.deepEqual(r2.problems, [
            'chainfleet:scitt.dockerfile "docker/Dockerfile" is not in chainfleet:scitt.buildContext "../no-such-scitt-checkout" (no ../no-such-scitt-checkout/docker/Dockerfile): ' +
            "set chainfleet:scitt.dockerfile to the checkout's Dockerfile, or chainfleet:scitt.image to a pinned image",
        ]);
    });

    it("reports every failure together, and prod has no machine checks", async () => {
        const c = readyConfig({ "ottochain.tessellationSource.enabled": false, "ottochain.source": {} });
        const r = await preflight(c, fakeProbes({ ping: { error: "down" }, memMiB: 2048, busy: { "127.0.0.1:8080": "EADDRINUSE" }, missing: [c.ottochain.jarsDir] }), SOCKET_ENV);
        assert.equal(r.problems.length, 5, r.problems.join("\n"));
        const prod = { ...c, topology: "prod" as const };
        assert.deepEqual(await preflight(prod, fakeProbes({ ping: { error: "down" } }), SOCKET_ENV), { problems: [], notes: [] });
    });

    it("modes: strict in dev, warn for a CI preview, off in prod and under mocks; the key wins", () => {
        const ctx = { ci: false, preview: false, engine: true };
        assert.equal(preflightMode({ topology: "dev" }, ctx), "strict");
        assert.equal(preflightMode({ topology: "dev" }, { ...ctx, preview: true }), "strict");
        assert.equal(preflightMode({ topology: "dev" }, { ...ctx, ci: true }), "strict");
        assert.equal(preflightMode({ topology: "dev" }, { ...ctx, ci: true, preview: true }), "warn");
        assert.equal(preflightMode({ topology: "prod" }, ctx), "off");
        assert.equal(preflightMode({ topology: "dev" }, { ...ctx, engine: false }), "off");
        assert.equal(preflightMode({ topology: "dev", preflight: "off" }, ctx), "off");
        assert.equal(preflightMode({ topology: "dev", preflight: "strict" }, { ci: true, preview: true, engine: false }), "strict");
        const report = { problems: ["a", "b"], notes: ["n"] };
        assert.throws(() => preflightWarnings("strict", report), (e: unknown) => e instanceof PreflightError && e.problems.length === 2 &&
            e.message.startsWith("This machine is not ready for the dev stack (2 problems; nothing was registered):\n  - a\n  - b\n"));
        assert.deepEqual(preflightWarnings("warn", report), ["preflight: a", "preflight: b", "preflight: n"]);
        assert.deepEqual(preflightWarnings("strict", { problems: [], notes: ["n"] }), ["preflight: n"]);
    });

    it("strict stops the program before any resource is registered; warn lets the plan go on with the problems as warnings", async function () {
        // The mocks have no engine, so the key forces the mode; the probes are the real ones. An ssh://
        // DOCKER_HOST keeps them off the shared engine and this machine's ports (both are only noted);
        // the jars dir does not exist, whatever this machine has.
        const jarsDir = path.join(tempDir(), "no-jars");
        const overrides = { preflight: "strict", "ottochain.jarsDir": jarsDir, "ottochain.tessellationVersion": "2.8.1", "ottochain.tessellationSource.enabled": false };
        const saved = process.env.DOCKER_HOST;
        process.env.DOCKER_HOST = "ssh://nobody@engine.invalid";
        try {
            await assert.rejects(planStack("dev", overrides), (e: unknown) => e instanceof Error && e.name === "PreflightError" &&
                e.message.includes(`chainfleet:ottochain.jarsDir "${jarsDir}" lacks tessellation/2.8.1/global-l0.jar`));
            const g = await planStack("dev", { ...overrides, preflight: "warn" });
            assert.ok(g.resources.length > 10);
            assert.ok(g.logs.some((l) => l.severity === "warning" && l.message.startsWith(`preflight: chainfleet:ottochain.jarsDir "${jarsDir}" lacks`)), JSON.stringify(g.logs));
            assert.ok(g.logs.some((l) => l.message === "preflight: ports were not checked: the engine at ssh://nobody@engine.invalid (DOCKER_HOST) publishes them on another machine"));
        } finally {
            if (saved === undefined) delete process.env.DOCKER_HOST;
            else process.env.DOCKER_HOST = saved;
        }
    });

    it("the real port probe: a port held by a listening socket is in use, and free once it closes", async () => {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
        const port = (server.address() as net.AddressInfo).port;
        assert.equal(await realProbes.listen("127.0.0.1", port), "EADDRINUSE");
        await new Promise<void>((resolve) => server.close(() => resolve()));
        assert.equal(await realProbes.listen("127.0.0.1", port), undefined);
    });

    it("the port check for real: SCITT's port held by a socket on 127.0.0.1 is reported, and passes once the socket closes", async () => {
        const listenOn = async (port: number) => {
            const server = net.createServer();
            await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port }, resolve));
            return server;
        };
        const held = await listenOn(0);
        const port = (held.address() as net.AddressInfo).port;
        const spare = await listenOn(0);
        const nodePort = (spare.address() as net.AddressInfo).port;
        await new Promise<void>((resolve) => spare.close(() => resolve()));
        // Only SCITT publishes anything here: no real listen touches another port of this machine.
        const c = readyConfig({ "ottochain.enabled": false, "neo.enabled": false, "scitt.port": port, "scitt.nodePort": nodePort });
        const probes = { ...fakeProbes(), listen: realProbes.listen };
        try {
            assert.deepEqual((await preflight(c, probes, SOCKET_ENV)).problems, [
                `scitt: port ${port} (in use) on 127.0.0.1 is not free for it (chainfleet:scitt.port or .nodePort): stop what holds it (\`lsof -nP -iTCP:${port} -sTCP:LISTEN\` shows it), or change chainfleet:scitt.port or .nodePort`,
            ]);
        } finally {
            await new Promise<void>((resolve) => held.close(() => resolve()));
        }
        assert.deepEqual((await preflight(c, probes, SOCKET_ENV)).problems, []);
    });

    it("the real file probes: writable walks up to the nearest existing directory", () => {
        const dir = tempDir();
        assert.equal(realProbes.writable(path.join(dir, "a", "b", "c")), true);
        assert.equal(realProbes.exists(path.join(dir, "a")), false);
        fs.writeFileSync(path.join(dir, "ro"), "");
        fs.chmodSync(dir, 0o500);
        try {
            // root writes anywhere; everyone else is refused by a read-only directory.
            assert.equal(realProbes.writable(path.join(dir, "x")), os.userInfo().uid === 0);
        } finally {
            fs.chmodSync(dir, 0o700);
        }
    });
});

describe("dev defaults a fresh machine can use", () => {
    it("host dirs default to a directory the user owns in dev, and stay /opt/ottochain on prod hosts", () => {
        const c = devConfig();
        assert.equal(c.ottochain.jarsDir, path.join(os.homedir(), ".chainfleet", "dev", "ottochain", "jars"));
        assert.equal(c.ottochain.keysDir, ottochainDirDefault("dev", "keys"));
        assert.equal(c.ottochain.genesisDir, ottochainDirDefault("dev", "genesis"));
        assert.equal(ottochainDirDefault("prod", "jars"), "/opt/ottochain/jars");
        assert.equal(devConfig({ "ottochain.jarsDir": "/srv/jars" }).ottochain.jarsDir, "/srv/jars");
    });

    it("the dev stack file names no /opt path and no placeholder image", () => {
        const text = fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8");
        assert.ok(!text.includes("/opt"), "an /opt path");
        assert.ok(!text.includes("ghcr.io/chainfleet/"), "a placeholder image");
    });

    it("Wealth Wars and the lottery are off in dev, and the preview says which keys turn each on", async () => {
        const c = devConfig();
        assert.equal(c.wealthwars.enabled, false);
        assert.equal(c.lottery.enabled, false);
        const expected = [
            "Wealth Wars is off in this dev stack (it has no public image): to run it set chainfleet:wealthwars.enabled: true and chainfleet:wealthwars.image: <your pinned image>",
            "the lottery operator is off in this dev stack (it has no public image): to run it set chainfleet:lottery.enabled: true and chainfleet:lottery.image: <your pinned image>",
        ];
        assert.deepEqual(devNotices(c), expected);
        const g = await defaultPlan("dev");
        for (const m of expected) assert.ok(g.logs.some((l) => l.severity === "warning" && l.message === m), m);
        assert.deepEqual(devNotices(devConfig({ "wealthwars.enabled": true, "wealthwars.image": "example.org/ww:1.0" })), [expected[1]]);
    });

    it("turning one on with the placeholder image is a config error naming both keys", () => {
        assert.throws(() => devConfig({ "wealthwars.enabled": true }), (e: unknown) => e instanceof Error && e.message.includes(
            'chainfleet:wealthwars.image must be an image that exists when chainfleet:wealthwars.enabled is true (got "ghcr.io/chainfleet/wealth-wars-backend:0.1.0", a placeholder: nothing is published under ghcr.io/chainfleet/): ' +
            "set chainfleet:wealthwars.image to your pinned image, or chainfleet:wealthwars.enabled to false"));
        assert.throws(() => devConfig({ "lottery.enabled": true }), /chainfleet:lottery\.image must be an image that exists/);
        assert.doesNotThrow(() => devConfig({ "lottery.enabled": true, "lottery.image": "example.org/lottery:1.0" }));
    });
});

describe("dev genesis", () => {
    const ADDRESS = "DAG4devGenesisStubAddress000000000000000";
    /** A docker stub: cl-keytool makes the keystore in the -v …:/keys dir, cl-wallet prints a log line and then the address. */
    const DOCKER = `keys=""; for a in "$@"; do case "$a" in *:/keys) keys=\${a%:/keys} ;; esac; done
echo "docker $*" >> "$LOG"
[ -n "\${CL_PASSWORD-}" ] || { echo "docker got no CL_PASSWORD" >&2; exit 3; }
case "$*" in
  *"cl-keytool.jar generate"*) echo keystore > "$keys/${DEV_GENESIS_WALLET}.p12"; echo "keystore written" ;;
  *"cl-wallet.jar show-address"*) echo "12:00:00 INFO wallet loaded"; echo "$WALLET_SAYS" ;;
  *) echo "unexpected docker call" >&2; exit 9 ;;
esac`;

    function setup() {
        const dir = tempDir("chainfleet-genesis-");
        const d = { jarsDir: path.join(dir, "jars"), keysDir: path.join(dir, "keys"), genesisDir: path.join(dir, "genesis"), log: path.join(dir, "docker.log") };
        fs.mkdirSync(d.jarsDir);
        fs.writeFileSync(d.log, "");
        const script = devGenesisScript({
            sudo: "", sudoKeepingPassword: "", image: "eclipse-temurin:21-jre-jammy", jarsDir: d.jarsDir, keysDir: d.keysDir, genesisDir: d.genesisDir,
            csvs: ["gl0/genesis.csv", "ml0/genesis.csv"], keyAlias: "alias", balance: DEV_GENESIS_BALANCE,
        });
        const bin = stubBin({ docker: DOCKER });
        /** Runs the script the way DockerHost.run does: the preamble, the secret on stdin. */
        const go = (env: Record<string, string> = {}, password = "dev-password") => run("bash", ["-c", `${secretEnvPreamble(["CL_PASSWORD"])}\n${script}`], {
            input: password ? secretEnvStdin({ CL_PASSWORD: password }) : "", env: { PATH: `${bin}:/usr/bin:/bin`, LOG: d.log, WALLET_SAYS: ADDRESS, ...env },
        });
        const calls = () => fs.readFileSync(d.log, "utf8").trim().split("\n").filter(Boolean);
        return { ...d, script, go, calls };
    }

    it("is shellcheck-clean and holds no password", () => {
        const { script } = setup();
        assert.deepEqual(shellProblems(script), []);
        assert.ok(!script.includes("dev-password"));
    });

    it("on a fresh machine: one keystore, its address funded in gl0 and ml0 genesis.csv, the address printed", () => {
        const s = setup();
        const r = s.go();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${ADDRESS}\n`);
        const line = `${ADDRESS},${DEV_GENESIS_BALANCE}\n`;
        assert.equal(fs.readFileSync(path.join(s.genesisDir, "gl0", "genesis.csv"), "utf8"), line);
        assert.equal(fs.readFileSync(path.join(s.genesisDir, "ml0", "genesis.csv"), "utf8"), line);
        assert.ok(fs.existsSync(path.join(s.keysDir, `${DEV_GENESIS_WALLET}.p12`)));
        const calls = s.calls();
        assert.equal(calls.length, 2, calls.join("\n"));
        assert.match(calls[0], /--network none .*-e CL_KEYSTORE=\/keys\/dev-genesis-wallet\.p12 -e CL_KEYALIAS=alias -e CL_PASSWORD eclipse-temurin:21-jre-jammy java -jar \/jars\/cl-keytool\.jar generate$/);
        assert.match(calls[1], /java -jar \/jars\/cl-wallet\.jar show-address$/);
    });

    it("once: a second run with both CSVs present makes nothing and calls no docker", () => {
        const s = setup();
        assert.equal(s.go().status, 0);
        const before = s.calls().length;
        const r = s.go();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /gl0\/genesis\.csv, ml0\/genesis\.csv exist in .*; nothing made/);
        assert.equal(s.calls().length, before);
    });

    it("never overwrites: a given CSV and an existing keystore are kept, only the absent CSV is written", () => {
        const s = setup();
        fs.mkdirSync(path.join(s.genesisDir, "gl0"), { recursive: true });
        fs.writeFileSync(path.join(s.genesisDir, "gl0", "genesis.csv"), "DAGmine,5\n");
        fs.mkdirSync(s.keysDir);
        fs.writeFileSync(path.join(s.keysDir, `${DEV_GENESIS_WALLET}.p12`), "existing");
        const r = s.go();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(fs.readFileSync(path.join(s.genesisDir, "gl0", "genesis.csv"), "utf8"), "DAGmine,5\n");
        assert.equal(fs.readFileSync(path.join(s.genesisDir, "ml0", "genesis.csv"), "utf8"), `${ADDRESS},${DEV_GENESIS_BALANCE}\n`);
        assert.equal(fs.readFileSync(path.join(s.keysDir, `${DEV_GENESIS_WALLET}.p12`), "utf8"), "existing");
        assert.ok(s.calls().every((c) => !c.includes("cl-keytool")), "no second keystore");
    });

    it("fails, writing nothing, when cl-wallet prints no address or no password was passed", () => {
        const s = setup();
        const r = s.go({ WALLET_SAYS: "Error while showing address." });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /chainfleet: dev genesis: cl-wallet show-address printed no DAG address \(got "Error while showing address\."\)/);
        assert.ok(!fs.existsSync(path.join(s.genesisDir, "ml0", "genesis.csv")));
        const n = s.go({}, "");
        assert.notEqual(n.status, 0);
        assert.match(n.stderr, /CL_PASSWORD \(chainfleet:ottochainKeystorePassword\) was not passed/);
    });

    it("the dev plan registers it once, and every node's keystore waits for it", async () => {
        const g = await defaultPlan("dev");
        const gen = g.resources.filter((r) => r.name === "ottochain-dev-genesis");
        assert.equal(gen.length, 1);
        assert.deepEqual(gen[0].secretPaths.filter((p) => p.startsWith("stdin")), ["stdin"]);
        const keygens = g.resources.filter((r) => r.type.startsWith("command:") && r.name.endsWith("-key"));
        assert.equal(keygens.length, ottochainNodes(devConfig()).length);
        for (const k of keygens) assert.ok(k.dependencies.includes(gen[0].urn), `${k.name} waits for the dev genesis`);
        assert.ok(!JSON.stringify(gen[0].inputs.create).includes("CL_PASSWORD="), "no password in the command");
    });
});
