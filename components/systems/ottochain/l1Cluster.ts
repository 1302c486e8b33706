// An L1 cluster (Currency L1 or Data L1). First creation: every node starts at once; the initial
// validator forms the cluster and the others join it, so the critical path does not grow with the
// size. A later change that replaces the nodes restarts them one at a time (roll.sh): validators
// first, the initial validator last, each back to Ready and in the cluster before the next, so
// the cluster never has fewer than n − 1 nodes Ready.
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { healthCommands, NodeSpec } from "./spec";
import { MetagraphNode, NodeCommon } from "./node";
import { joinedTurnScript, OTTOCHAIN_SCRIPTS, rollLockPath } from "./nodeScript";

export interface L1ClusterArgs {
    /** Nodes of this cluster, index 0 = initial validator. */
    nodes: NodeSpec[];
    host: DockerHost;
    common: NodeCommon;
    /** Metagraph L0 peer and token identifier (from the running ML0 and its genesis). */
    metagraphL0: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    globalL0: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    tokenIdentifier: pulumi.Input<string>;
    /** ML0 Ready gate: no container here starts (or is replaced) before it. */
    after: pulumi.Resource[];
    /** Bound of each readiness gate, seconds; a wait for a node's turn may last this long without progress, three times over (GL0's, ML0's and the node ahead's restart). */
    readinessTimeoutSeconds: number;
    /** Seconds a validator may take from its start or join to Ready before it restarts for a fresh join. */
    joinTimeoutSeconds: number;
}

export class L1Cluster extends pulumi.ComponentResource {
    readonly publicUrls: pulumi.Output<string>[];
    readonly expectedSize: number;
    readonly healthCommands: pulumi.Output<string[]>;
    /** The gates that pass once every node is Ready and in the cluster. */
    readonly ready: pulumi.Resource[] = [];
    /** Container ids of the nodes, in node order. */
    readonly containerIds: pulumi.Output<string>[] = [];

    constructor(name: string, args: L1ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:ottochain:L1Cluster", name, {}, opts);
        const [initialSpec, ...validatorSpecs] = args.nodes;
        const peers = { globalL0: args.globalL0, metagraphL0: args.metagraphL0, tokenIdentifier: args.tokenIdentifier };
        const address = args.host.address;
        const url = (n: NodeSpec) => pulumi.interpolate`http://${address}:${n.ports.public}`;
        const joinOf = (peer: NodeSpec) => ({ peerUrl: url(peer), peerIp: address, peerP2pPort: peer.ports.p2p, timeoutSeconds: args.joinTimeoutSeconds });
        const lock = rollLockPath(name);
        const turnTimeout = 3 * args.readinessTimeoutSeconds;
        const node = (spec: NodeSpec, join: ReturnType<typeof joinOf> | undefined, turnsFirst: pulumi.Resource[]) => new MetagraphNode(`${name}-${spec.name}`, {
            spec, host: args.host, common: args.common, ...peers, after: args.after, join,
            roll: { cluster: name, after: turnsFirst, timeoutSeconds: turnTimeout },
        }, { parent: this });
        // Each node's gate after its container: Ready and listed by its join peer, then its turn
        // given back. It waits for nothing else (a validator's gate does not wait for the initial
        // validator's), so a roll can finish the validators while the initial validator still waits.
        const joined = (spec: NodeSpec, n: MetagraphNode, peer: NodeSpec | undefined, gateName: string) => {
            const scripts = args.host.scripts(OTTOCHAIN_SCRIPTS);
            const script = pulumi.all([url(spec), peer ? url(peer) : ""]).apply(([self, p]) => joinedTurnScript({
                scripts: scripts.dir, lock, node: spec.name, selfUrl: self, peerUrl: p || undefined, timeoutSeconds: args.readinessTimeoutSeconds,
            }));
            return args.host.run(`${name}-${gateName}`, script, { parent: this, dependsOn: [n.container, scripts.installed], triggers: [n.container.id, n.rollout] });
        };

        // Validators: each joins the initial validator; their turns go first.
        const validators = validatorSpecs.map((v) => ({ spec: v, node: node(v, joinOf(initialSpec), []) }));
        // The initial validator: its turn after every validator's; it rejoins the second node when
        // it restarts alone (run-node.sh).
        const second = validatorSpecs[0];
        const initial = node(initialSpec, second ? joinOf(second) : undefined, validators.map((v) => v.node.turn!));
        this.containerIds.push(initial.container.id, ...validators.map((v) => v.node.container.id));
        this.ready.push(joined(initialSpec, initial, second, `${initialSpec.name}-ready`));
        for (const v of validators) this.ready.push(joined(v.spec, v.node, initialSpec, `${v.spec.name}-join`));

        this.expectedSize = args.nodes.length;
        this.publicUrls = args.nodes.map(url);
        this.healthCommands = pulumi.output(address).apply((a) => [...new Set(args.nodes.flatMap((n) => healthCommands(a, n)))]);
        this.registerOutputs({ publicUrls: this.publicUrls, expectedSize: this.expectedSize });
    }
}
