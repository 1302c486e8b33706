// Pure facts of an OttoChain metagraph: node names, ports, jars, env, placement and port checks.
// Tested without mocks. Ports and env are a Tessellation node's (its CL_* variables, as Tessellation reads them).
import { portCollisions } from "../../platform/containerSpec";
import { q } from "../../platform/shell";

export type Layer = "gl0" | "ml0" | "cl1" | "dl1";

/** JVM memory on top of the heap (metaspace, threads, direct buffers), MiB: a node's limit is heap + this. */
export const JVM_OVERHEAD_MIB = 768;
export type NodeKind = "gl0" | "ml0" | "initial-validator" | "validator";

export interface NodePorts { public: number; p2p: number; cli: number }

const BASE: Record<Layer, number> = { gl0: 9000, ml0: 9200, cl1: 9300, dl1: 9400 };
export const JARS: Record<Layer, string> = { gl0: "global-l0.jar", ml0: "metagraph-l0.jar", cl1: "currency-l1.jar", dl1: "data-l1.jar" };
export const LAYER_KEYS: Record<Layer, string> = { gl0: "globalL0", ml0: "metagraphL0", cl1: "currencyL1", dl1: "dataL1" };

/** Ports of node i of a layer: GL0 9000-9002, ML0 9200-9202, CL1 9300+10i…, DL1 9400+10i…. */
export function nodePorts(layer: Layer, index = 0): NodePorts {
    const base = BASE[layer] + 10 * index;
    return { public: base, p2p: base + 1, cli: base + 2 };
}

/** Node name: gl0, ml0, cl1-0, cl1-1, …, dl1-0, …. */
export function nodeName(layer: Layer, index = 0): string {
    return layer === "gl0" || layer === "ml0" ? layer : `${layer}-${index}`;
}

export function nodeKind(layer: Layer, index: number): NodeKind {
    if (layer === "gl0" || layer === "ml0") return layer;
    return index === 0 ? "initial-validator" : "validator";
}

export interface NodeSpec {
    layer: Layer;
    index: number;
    name: string;
    kind: NodeKind;
    ports: NodePorts;
    heapMiB: number;
    /** Pinned JVM image the node runs on (its layer's, or the metagraph's). */
    image: string;
    /** Host label it is placed on. */
    host: string;
}

export interface MetagraphShape {
    selfHostedGlobalL0: boolean;
    heapMiB: Record<Layer, number>;
    image: Record<Layer, string>;
    nodes: { cl1: number; dl1: number };
    placement: Record<Layer, string>;
}

/** Every node of the metagraph in start order. */
export function metagraphNodes(s: MetagraphShape): NodeSpec[] {
    const out: NodeSpec[] = [];
    const add = (layer: Layer, index: number) =>
        out.push({ layer, index, name: nodeName(layer, index), kind: nodeKind(layer, index), ports: nodePorts(layer, index), heapMiB: s.heapMiB[layer], image: s.image[layer], host: s.placement[layer] });
    if (s.selfHostedGlobalL0) add("gl0", 0);
    add("ml0", 0);
    for (let i = 0; i < s.nodes.cl1; i++) add("cl1", i);
    for (let i = 0; i < s.nodes.dl1; i++) add("dl1", i);
    return out;
}

/** Port collisions between nodes placed on the same host, as config errors naming the keys. */
/** A service's ports on a host, with the config key that sets them (for the error message). */
export interface PortClaim { host: string; owner: string; key: string; ports: number[] }

/** The config key that puts a node's ports where they are: the L1 node count, or the layer's placement. */
function nodeKey(n: NodeSpec): string {
    return n.layer === "cl1" || n.layer === "dl1" ? `chainfleet:ottochain.${LAYER_KEYS[n.layer]}.nodes` : `chainfleet:ottochain.placement.${LAYER_KEYS[n.layer]}`;
}

/** Port collisions between the nodes and other services placed on the same host, naming the keys. */
export function metagraphPortProblems(nodes: NodeSpec[], otherClaims: PortClaim[] = []): string[] {
    const claims: PortClaim[] = [
        ...otherClaims,
        ...nodes.map((n) => ({ host: n.host, owner: n.name, key: nodeKey(n), ports: [n.ports.public, n.ports.p2p, n.ports.cli] })),
    ];
    const problems: string[] = [];
    for (const h of new Set(claims.map((c) => c.host))) {
        const here = claims.filter((c) => c.host === h).map((c) => ({ owner: `${c.owner} (${c.key})`, ports: c.ports }));
        for (const p of portCollisions(here)) problems.push(`on host "${h}" ${p}: change one of them (a port, a node count or a placement)`);
    }
    return problems;
}

export interface PeerRef {
    id: string;
    host: string;
    port: number;
}

export interface NodeEnvInputs<T> {
    node: NodeSpec;
    externalIp: T;
    keyAlias: string;
    appEnv: string;
    collateral: number;
    globalL0?: PeerRef | { id: T; host: T; port: number };
    metagraphL0?: { id: T; host: T; port: number };
    tokenIdentifier?: T;
    /** chainfleet:ottochain.genesisResetToken: every node moves its data aside once per token (run-node.sh). */
    genesisResetToken?: string;
    /** L1 nodes: this node's chainfleet:ottochain.resync token (its data aside, rejoin from L0). */
    resyncToken?: string;
    /** L1 nodes: this node's chainfleet:ottochain.rekey token (its data aside with its old key). */
    rekeyToken?: string;
}

/** Every CL_* variable of a node except CL_PASSWORD (secret, set apart). */
export function nodeEnv<T>(i: NodeEnvInputs<T>): Record<string, T | string | number> {
    const n = i.node;
    const env: Record<string, T | string | number> = {
        NODE_NAME: n.name,
        NODE_KIND: n.kind,
        CL_JAR: JARS[n.layer],
        HEAP_MIB: n.heapMiB,
        CL_KEYSTORE: "/keys/node.p12",
        CL_KEYALIAS: i.keyAlias,
        CL_PUBLIC_HTTP_PORT: n.ports.public,
        CL_P2P_HTTP_PORT: n.ports.p2p,
        CL_CLI_HTTP_PORT: n.ports.cli,
        CL_EXTERNAL_IP: i.externalIp,
        CL_APP_ENV: i.appEnv,
        CL_COLLATERAL: i.collateral,
    };
    if (n.layer === "gl0" || n.layer === "ml0") env.GENESIS_DIR = "/genesis";
    // A genesis reset reaches every node: GL0 and ML0 run genesis again, the L1 clusters start anew.
    if (i.genesisResetToken) env.GENESIS_RESET_TOKEN = i.genesisResetToken;
    if ((i.resyncToken || i.rekeyToken) && n.layer !== "cl1" && n.layer !== "dl1") throw new Error(`${n.name}: only L1 nodes are resynced or re-keyed`);
    if (i.resyncToken) env.RESYNC_TOKEN = i.resyncToken;
    if (i.rekeyToken) env.REKEY_TOKEN = i.rekeyToken;
    if (n.layer !== "gl0") {
        if (!i.globalL0) throw new Error(`${n.name} needs the Global L0 peer`);
        env.CL_GLOBAL_L0_PEER_ID = i.globalL0.id;
        env.CL_GLOBAL_L0_PEER_HTTP_HOST = i.globalL0.host;
        env.CL_GLOBAL_L0_PEER_HTTP_PORT = i.globalL0.port;
    }
    if (n.layer === "cl1" || n.layer === "dl1") {
        if (!i.metagraphL0 || i.tokenIdentifier === undefined) throw new Error(`${n.name} needs the Metagraph L0 peer and token identifier`);
        env.CL_L0_PEER_ID = i.metagraphL0.id;
        env.CL_L0_PEER_HTTP_HOST = i.metagraphL0.host;
        env.CL_L0_PEER_HTTP_PORT = i.metagraphL0.port;
        env.CL_L0_TOKEN_IDENTIFIER = i.tokenIdentifier;
    }
    return env;
}

/** Where a node's old keystore is kept after a re-key: still *.p12, so the keystore backup (keys-backup.sh) keeps it off the host too. */
export function keptKeystoreName(node: string, rekeyToken: string): string {
    return `${node}.before-rekey-${rekeyToken}.p12`;
}

/**
 * The host script that creates a node's keystore once (never overwrites) and prints its peer id.
 * With a re-key token, the current keystore is first moved to keptKeystoreName (once: when that
 * name exists the move was done) and a new one made. CL_PASSWORD comes from the environment
 * (DockerHost.run's secretEnv), never from the script; `sudoKeepingPassword` keeps it across sudo,
 * which resets the environment.
 */
export function keygenScript(a: { sudo: string; sudoKeepingPassword: string; image: string; keysDir: string; jarsDir: string; node: string; keyAlias: string; rekeyToken?: string }): string {
    // The keystore belongs to the jars' owner: the user the node's JVM runs as (run-node.sh).
    const run = `${a.sudoKeepingPassword}docker run --rm --network none --user "$owner" -v ${q(`${a.keysDir}:/keys`)} -v ${q(`${a.jarsDir}:/jars:ro`)} ` +
        `-e CL_KEYSTORE=${q(`/keys/${a.node}.p12`)} -e CL_KEYALIAS=${q(a.keyAlias)} -e CL_PASSWORD ${q(a.image)}`;
    return [
        "set -euo pipefail",
        ': "${CL_PASSWORD:?CL_PASSWORD (chainfleet:ottochainKeystorePassword) was not passed to this script}"',
        `owner=$(stat -c %u:%g ${q(a.jarsDir)})`,
        `[ -d ${q(a.keysDir)} ] || ${a.sudo}install -d -m 0700 -o "\${owner%%:*}" -g "\${owner##*:}" ${q(a.keysDir)}`,
        ...(a.rekeyToken ? [
            `if [ -s ${q(`${a.keysDir}/${a.node}.p12`)} ] && [ ! -e ${q(`${a.keysDir}/${keptKeystoreName(a.node, a.rekeyToken)}`)} ]; then`,
            `  ${a.sudo}mv -n ${q(`${a.keysDir}/${a.node}.p12`)} ${q(`${a.keysDir}/${keptKeystoreName(a.node, a.rekeyToken)}`)}`,
            `  echo ${q(`chainfleet: ${a.node}: re-key ${a.rekeyToken}: old keystore kept in ${a.keysDir}/${keptKeystoreName(a.node, a.rekeyToken)}`)} >&2`,
            "fi",
        ] : []),
        `if [ ! -s ${q(`${a.keysDir}/${a.node}.p12`)} ]; then`,
        `  ${run} java -jar /jars/cl-keytool.jar generate >&2`,
        "fi",
        `${run} java -jar /jars/cl-wallet.jar show-id | tail -n 1`,
    ].join("\n");
}

/** Paste-ready health checks of a node. */
export function healthCommands(address: string, n: NodeSpec): string[] {
    const base = `http://${address}:${n.ports.public}`;
    const cmds = [`curl -s ${base}/node/info | jq -r .state`];
    if (n.layer === "cl1" || n.layer === "dl1") cmds.push(`curl -s ${base}/cluster/info | jq length`);
    if (n.layer === "ml0") cmds.push(`curl -s ${base}/snapshots/latest/ordinal | jq .value`);
    return cmds;
}
