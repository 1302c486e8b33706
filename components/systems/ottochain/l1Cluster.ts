// An L1 cluster (Currency L1 or Data L1): the initial validator, Ready first; then every other
// validator starts and joins it in parallel, so the critical path does not grow with the size.
import * as pulumi from "@pulumi/pulumi";
import { readinessGate } from "../../platform/readiness";
import { joinedScript } from "../../platform/readinessScript";
import { DockerHost } from "../../platform/host";
import { healthCommands, NodeSpec } from "./spec";
import { MetagraphNode, NodeCommon } from "./node";

export interface L1ClusterArgs {
    /** Nodes of this cluster, index 0 = initial validator. */
    nodes: NodeSpec[];
    host: DockerHost;
    common: NodeCommon;
    /** Metagraph L0 peer and token identifier (from the running ML0 and its genesis). */
    metagraphL0: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    globalL0: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
    tokenIdentifier: pulumi.Input<string>;
    /** ML0 Ready gate: nothing here starts before it. */
    after: pulumi.Resource[];
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
        const initial = new MetagraphNode(`${name}-${initialSpec.name}`, { spec: initialSpec, host: args.host, common: args.common, ...peers, after: args.after }, { parent: this });
        this.containerIds.push(initial.container.id);
        const initialReady = readinessGate(`${name}-${initialSpec.name}-ready`, {
            host: args.host,
            url: pulumi.interpolate`http://${address}:${initialSpec.ports.public}/node/info`,
            field: "state", expected: "Ready", timeoutSeconds: args.readinessTimeoutSeconds,
            after: [initial.container], triggers: [initial.container.id],
        }, this);
        this.ready.push(initialReady);
        const peerUrl = pulumi.interpolate`http://${address}:${initialSpec.ports.public}`;
        for (const v of validatorSpecs) {
            const join = { peerUrl, peerIp: address, peerP2pPort: initialSpec.ports.p2p, timeoutSeconds: args.joinTimeoutSeconds };
            const node = new MetagraphNode(`${name}-${v.name}`, { spec: v, host: args.host, common: args.common, ...peers, after: args.after, join }, { parent: this });
            this.containerIds.push(node.container.id);
            // One joiner per node: the validator's entrypoint joins (and rejoins after any restart);
            // this only waits until it is Ready and in the cluster.
            const script = pulumi.all([address, peerUrl]).apply(([a, p]) => joinedScript({
                selfUrl: `http://${a}:${v.ports.public}`, peerUrl: p, timeoutSeconds: args.readinessTimeoutSeconds,
            }));
            this.ready.push(args.host.run(`${name}-${v.name}-join`, script, { parent: this, dependsOn: [initialReady, node.container], triggers: [node.container.id] }));
        }
        this.expectedSize = args.nodes.length;
        this.publicUrls = args.nodes.map((n) => pulumi.interpolate`http://${address}:${n.ports.public}`);
        this.healthCommands = pulumi.output(address).apply((a) => [...new Set(args.nodes.flatMap((n) => healthCommands(a, n)))]);
        this.registerOutputs({ publicUrls: this.publicUrls, expectedSize: this.expectedSize });
    }
}
