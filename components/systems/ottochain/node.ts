// One Tessellation node: its keystore (made once on the host, never overwritten), then its
// container with host networking, read-only jars and key, and its own data volume.
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { NODE_SCRIPTS_MOUNT, nodeCommandScript, nodeHealthcheck, OTTOCHAIN_SCRIPTS, ROLL_LABELS, rollLockPath, ROLLOUT_ENV, rolloutDigest, turnScript } from "./nodeScript";
import { ServiceContainer, ServiceContainerArgs } from "../../platform/serviceContainer";
import { JVM_OVERHEAD_MIB, keygenScript, nodeEnv, NodeSpec } from "./spec";
import { layerJarsDir, tessellationJarsDir } from "./artifacts";

/** What every node of a metagraph shares. */
export interface NodeCommon {
    /** Pinned JVM image the keytool runs on (each node runs its own spec.image). */
    image: string;
    /** Host directories (absolute) of jars (by version: artifacts.ts), keystores, genesis files. */
    jarsDir: string;
    keysDir: string;
    genesisDir: string;
    keyAlias: string;
    appEnv: string;
    collateral: number;
    /** Keystore password, a secret (CL_PASSWORD). */
    password: pulumi.Output<string>;
    /** chainfleet:ottochain.genesisResetToken: every node moves its data aside once per token and starts anew (run-node.sh). */
    genesisResetToken?: string;
    /** chainfleet:ottochain.resync: L1 node name → token; a new token moves the node's data aside and it rejoins, in its turn. */
    resync?: Record<string, string>;
    /** chainfleet:ottochain.rekey: L1 node name → token; a new token keeps the old keystore aside, makes a new one and restarts the node (data aside), in its turn. */
    rekey?: Record<string, string>;
    /** The Tessellation version that runs (ottochain.tessellationVersion): its jars' directory, and what a join peer must run. */
    tessellationVersion: string;
    /** The metagraph version that runs (ottochain.metagraphVersion): the directory of ML0's and the L1 nodes' jars. */
    metagraphVersion: string;
    retainData: boolean;
    /** Per host label: what must exist on the host first (copied jars and genesis CSVs). */
    hostPrepared?: Record<string, pulumi.Resource[]>;
}

export interface MetagraphNodeArgs {
    spec: NodeSpec;
    host: DockerHost;
    common: NodeCommon;
    globalL0?: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    metagraphL0?: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    tokenIdentifier?: pulumi.Input<string>;
    /** Gates that must pass before the container starts. */
    after: pulumi.Resource[];
    /**
     * L1 nodes of a cluster of two or more: the peer to join on every start (validators: the
     * initial validator; the initial validator: the second node, joined only when the cluster is
     * alive without it — run-node.sh).
     */
    join?: { peerUrl: pulumi.Input<string>; peerIp: pulumi.Input<string>; peerP2pPort: number; timeoutSeconds: number };
    /**
     * L1 nodes: restart one at a time (roll.sh). `cluster` names the cluster (its containers'
     * label and its turn on the host); `after` are the turns that go first (the initial validator
     * waits for the validators'); `timeoutSeconds` bounds a wait for the turn without progress.
     */
    roll?: { cluster: string; after: pulumi.Resource[]; timeoutSeconds: number };
}


export class MetagraphNode extends pulumi.ComponentResource {
    readonly container: ServiceContainer["container"];
    /** Peer id, printed by cl-wallet from the node's own keystore. */
    readonly peerId: pulumi.Output<string>;
    /** L1 nodes: the gate that waits for this node's turn before its container is replaced. */
    readonly turn?: pulumi.Resource;
    /** L1 nodes: digest of what the container is made from (its ROLLOUT_ENV; see below). */
    readonly rollout?: string;

    constructor(name: string, args: MetagraphNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:ottochain:Node", name, {}, opts);
        const { spec, host, common } = args;
        const env = nodeEnv<pulumi.Input<string>>({
            node: spec,
            externalIp: host.address,
            keyAlias: common.keyAlias,
            appEnv: common.appEnv,
            collateral: common.collateral,
            globalL0: args.globalL0,
            metagraphL0: args.metagraphL0,
            tokenIdentifier: args.tokenIdentifier,
            genesisResetToken: common.genesisResetToken,
            resyncToken: common.resync?.[spec.name],
            rekeyToken: common.rekey?.[spec.name],
        });
        if (args.join) {
            Object.assign(env, {
                JOIN_PEER_URL: args.join.peerUrl, JOIN_PEER_IP: args.join.peerIp, JOIN_PEER_P2P_PORT: args.join.peerP2pPort,
                JOIN_TIMEOUT_SECONDS: args.join.timeoutSeconds,
            });
        }
        if (args.roll) env.NODE_VERSION = common.tessellationVersion;
        const genesisSub = spec.layer === "gl0" ? "gl0" : "ml0";
        const containerName = `ottochain-${spec.name}`;
        const versions = { tessellation: common.tessellationVersion, metagraph: common.metagraphVersion };
        const scripts = host.scripts(OTTOCHAIN_SCRIPTS);
        const made: Omit<ServiceContainerArgs, "host"> = {
            containerName,
            image: { ref: spec.image },
            // The scripts by path: their directory (named by their digest) is mounted below.
            command: ["bash", "-c", nodeCommandScript(), "run-node"],
            env,
            secretEnv: { CL_PASSWORD: common.password },
            hostNetwork: { reason: "Tessellation advertises CL_EXTERNAL_IP and binds its CLI port to the host's 127.0.0.1 for joins" },
            volumes: [{ name: `ottochain-${spec.name}-data`, target: "/node" }],
            binds: [
                { hostPath: scripts.dir, target: NODE_SCRIPTS_MOUNT, readOnly: true },
                // The jars of the version that runs: a version change replaces the node, a revert brings the old jars back.
                { hostPath: layerJarsDir(common.jarsDir, spec.layer, versions), target: "/jars", readOnly: true },
                { hostPath: `${common.keysDir}/${spec.name}.p12`, target: "/keys/node.p12", readOnly: true },
                ...(spec.layer === "gl0" || spec.layer === "ml0"
                    ? [{ hostPath: `${common.genesisDir}/${genesisSub}`, target: "/genesis", readOnly: spec.layer === "gl0" }]
                    : []),
            ],
            // exec: the JVM unpacks native libraries (e.g. brotli4j) into java.io.tmpdir and maps them.
            tmpfs: { "/tmp": "rw,exec,nosuid,size=256m" },
            // Healthy means the node's state is exactly Ready (not "the port answers"), checked with
            // bash alone so it holds in any JVM image.
            healthcheck: nodeHealthcheck(spec.ports.public),
            // The entrypoint starts as root to hand the data volume to the run user, then drops to it.
            capAdd: ["CHOWN", "SETUID", "SETGID"],
            restart: { policy: "unless-stopped" },
            memoryMiB: spec.heapMiB + JVM_OVERHEAD_MIB,
            cpus: spec.layer === "gl0" || spec.layer === "ml0" ? 2 : 1,
            pidsLimit: 4096,
            retainData: common.retainData,
            stopGraceSeconds: 60,
            labels: { "chainfleet.ottochain.layer": spec.layer },
        };
        // L1: the rollout digest of what the container is made from, in its env for the turn to
        // compare; it changes when the config changes the container (image, heap, jars, command,
        // limits). Left out: the secret (a password change restarts the nodes without turns) and
        // values known only at deploy time (host addresses, peer ids, the token identifier: new L0
        // keys or a new metagraph restart the cluster together — nodes of another metagraph cannot
        // join each other). Being plain, the digest keeps the turn off the ML0 chain, so a first
        // creation's critical path is what it was.
        let turn: pulumi.Resource | undefined;
        let containerArgs: ServiceContainerArgs = { ...made, host };
        if (args.roll) {
            const roll = args.roll;
            const running = `${versions.tessellation}/${versions.metagraph}`;
            // The genesis reset token as a label too: a new one restarts the whole metagraph, so the turn lets the cluster restart together.
            const reset = common.genesisResetToken ?? "";
            const labels = {
                ...made.labels, [ROLL_LABELS.cluster]: roll.cluster, [ROLL_LABELS.port]: String(spec.ports.public), [ROLL_LABELS.versions]: running,
                ...(reset ? { [ROLL_LABELS.reset]: reset } : {}),
            };
            const plainEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string" || typeof v === "number"));
            // Only what replaces a container (test/harness/providers/docker.ts): memory and the
            // restart policy are updated in place, retainData is the volumes' (the heap is in env).
            const { memoryMiB: _inPlace, restart: _alsoInPlace, retainData: _volumes, ...replacing } = made;
            const rollout = rolloutDigest({ ...replacing, labels, env: plainEnv, secretEnv: Object.keys(made.secretEnv ?? {}) });
            turn = host.run(`${name}-turn`, turnScript({
                scripts: scripts.dir, lock: rollLockPath(roll.cluster), node: spec.name, container: containerName, rollout, versions: running, cluster: roll.cluster, timeoutSeconds: roll.timeoutSeconds, reset,
            }), { parent: this, dependsOn: [...roll.after, scripts.installed], triggers: [rollout] });
            containerArgs = { ...containerArgs, labels, env: { ...env, [ROLLOUT_ENV]: rollout } };
            this.rollout = rollout;
        }
        // A re-key moves the keystore the running container mounts: only in this node's turn (the
        // cluster whole without it), so the old container, if Docker restarts it while waiting,
        // still finds the key its data belongs to.
        const rekeying = common.rekey?.[spec.name] !== undefined && turn !== undefined;
        const keygen = host.run(`${name}-key`, keygenScript({
            sudo: host.sudo, sudoKeepingPassword: host.sudoKeeping(["CL_PASSWORD"]), image: common.image, keysDir: common.keysDir, jarsDir: tessellationJarsDir(common.jarsDir, common.tessellationVersion),
            node: spec.name, keyAlias: common.keyAlias, rekeyToken: common.rekey?.[spec.name],
        }), { parent: this, dependsOn: [...(common.hostPrepared?.[spec.host] ?? []), ...(rekeying ? [turn!] : [])], secretEnv: { CL_PASSWORD: common.password } });
        this.peerId = keygen.stdout.apply((s) => s.trim());
        const c = new ServiceContainer(name, containerArgs, { parent: this, dependsOn: [keygen, scripts.installed, ...args.after, ...(turn ? [turn] : [])] });
        this.turn = turn;
        this.container = c.container;
        this.registerOutputs({ peerId: this.peerId });
    }
}
