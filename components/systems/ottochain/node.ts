// One Tessellation node: its keystore (made once on the host, never overwritten), then its
// container with host networking, read-only jars and key, and its own data volume.
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { nodeHealthcheck } from "./nodeScript";
import { ServiceContainer } from "../../platform/serviceContainer";
import { JVM_OVERHEAD_MIB, keygenScript, nodeEnv, NodeSpec } from "./spec";
import { nodeCommandScript } from "./nodeScript";

/** What every node of a metagraph shares. */
export interface NodeCommon {
    /** Pinned JVM image the keytool runs on (each node runs its own spec.image). */
    image: string;
    /** Host directories (absolute) of jars, keystores, genesis files. */
    jarsDir: string;
    keysDir: string;
    genesisDir: string;
    keyAlias: string;
    appEnv: string;
    collateral: number;
    /** Keystore password, a secret (CL_PASSWORD). */
    password: pulumi.Output<string>;
    genesisResetToken?: string;
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
    /** Validators: the initial validator to rejoin on every start. */
    join?: { peerUrl: pulumi.Input<string>; peerIp: pulumi.Input<string>; peerP2pPort: number; timeoutSeconds: number };
}


export class MetagraphNode extends pulumi.ComponentResource {
    readonly container: ServiceContainer["container"];
    /** Peer id, printed by cl-wallet from the node's own keystore. */
    readonly peerId: pulumi.Output<string>;

    constructor(name: string, args: MetagraphNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:ottochain:Node", name, {}, opts);
        const { spec, host, common } = args;
        const keygen = host.run(`${name}-key`, keygenScript({
            sudo: host.sudo, sudoKeepingPassword: host.sudoKeeping(["CL_PASSWORD"]), image: common.image, keysDir: common.keysDir, jarsDir: common.jarsDir,
            node: spec.name, keyAlias: common.keyAlias,
        }), { parent: this, dependsOn: common.hostPrepared?.[spec.host] ?? [], secretEnv: { CL_PASSWORD: common.password } });
        this.peerId = keygen.stdout.apply((s) => s.trim());

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
        });
        if (args.join) {
            Object.assign(env, {
                JOIN_PEER_URL: args.join.peerUrl, JOIN_PEER_IP: args.join.peerIp, JOIN_PEER_P2P_PORT: args.join.peerP2pPort,
                JOIN_TIMEOUT_SECONDS: args.join.timeoutSeconds,
            });
        }
        const genesisSub = spec.layer === "gl0" ? "gl0" : "ml0";
        const c = new ServiceContainer(name, {
            host,
            containerName: `ottochain-${spec.name}`,
            image: { ref: spec.image },
            command: ["bash", "-c", nodeCommandScript(), "run-node"],
            env,
            secretEnv: { CL_PASSWORD: common.password },
            hostNetwork: { reason: "Tessellation advertises CL_EXTERNAL_IP and binds its CLI port to the host's 127.0.0.1 for joins" },
            volumes: [{ name: `ottochain-${spec.name}-data`, target: "/node" }],
            binds: [
                { hostPath: common.jarsDir, target: "/jars", readOnly: true },
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
        }, { parent: this, dependsOn: [keygen, ...args.after] });
        this.container = c.container;
        this.registerOutputs({ peerId: this.peerId });
    }
}
