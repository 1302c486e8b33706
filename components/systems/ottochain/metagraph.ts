// The OttoChain metagraph: Global L0 (self-hosted or external) → Metagraph L0 → Currency L1 and
// Data L1 clusters in parallel, each step gated on the exact "Ready" state of the one before.
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { readinessGate } from "../../platform/readiness";
import { OTTOCHAIN_SCRIPTS } from "./nodeScript";
import { versionCheckScript } from "../../platform/readinessScript";
import { q } from "../../platform/shell";
import { L1Cluster } from "./l1Cluster";
import { MetagraphNode, NodeCommon } from "./node";
import { healthCommands, Layer, metagraphNodes, metagraphPortProblems, MetagraphShape, NodeSpec } from "./spec";

export interface MetagraphArgs {
    /** Docker hosts by placement label (dev: one host under every label). */
    hosts: Record<string, DockerHost>;
    shape: MetagraphShape;
    common: NodeCommon;
    /** External Global L0 peer (when shape.selfHostedGlobalL0 is false). */
    externalGlobalL0?: { id: string; host: string; port: number };
    readinessTimeoutSeconds: number;
    /** The Tessellation version every node must report in /node/info once Ready (checked after each rollout). */
    tessellationVersion: string;
    /** Seconds a validator may take from its start or join to Ready before it restarts for a fresh join. */
    joinTimeoutSeconds: number;
}

export interface LayerOutputs {
    publicUrls: pulumi.Output<string>[];
    expectedSize: number;
    healthCommands: pulumi.Output<string[]>;
}

export class Metagraph extends pulumi.ComponentResource {
    /** Token identifier: the content of ML0's genesis.address, read after ML0 is Ready. */
    readonly metagraphId: pulumi.Output<string>;
    readonly layers: Partial<Record<Layer, LayerOutputs>>;
    /** Where the genesis files live on ML0's host (kept by the stack, never deleted). */
    readonly genesisFiles: { host: pulumi.Output<string>; snapshot: string; address: string; csv: string };

    constructor(name: string, args: MetagraphArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:ottochain:Metagraph", name, {}, opts);
        const nodes = metagraphNodes(args.shape);
        const problems = metagraphPortProblems(nodes);
        if (problems.length) throw new Error(problems.join("\n"));
        const hostOf = (n: NodeSpec) => {
            const h = args.hosts[n.host];
            if (!h) throw new Error(`chainfleet:ottochain.placement: ${n.name} is placed on host "${n.host}", which the topology does not define`);
            return h;
        };
        const only = (layer: Layer) => nodes.filter((n) => n.layer === layer);
        const gate = (nodeName: string, host: DockerHost, port: number, container: pulumi.Resource) => readinessGate(`${name}-${nodeName}-ready`, {
            host, scripts: host.scripts(OTTOCHAIN_SCRIPTS), url: pulumi.interpolate`http://${host.address}:${port}/node/info`, field: "state", expected: "Ready",
            timeoutSeconds: args.readinessTimeoutSeconds, after: [container], triggers: [(container as MetagraphNode["container"]).id],
        }, this);
        this.layers = {};

        // Global L0: ours, or an external network's peer.
        let globalL0: { id: pulumi.Input<string>; host: pulumi.Input<string>; port: number };
        let after: pulumi.Resource[] = [];
        // Every node the version check covers, with the label of the host it runs on.
        const checked: { name: string; label: string; url: pulumi.Output<string>; container: pulumi.Output<string> }[] = [];
        const gl0Spec = only("gl0")[0];
        if (gl0Spec) {
            const host = hostOf(gl0Spec);
            const gl0 = new MetagraphNode(`${name}-gl0`, { spec: gl0Spec, host, common: args.common, after: [] }, { parent: this });
            after = [gate("gl0", host, gl0Spec.ports.public, gl0.container)];
            globalL0 = { id: gl0.peerId, host: host.address, port: gl0Spec.ports.public };
            this.layers.gl0 = this.layerOutputs([gl0Spec], host);
            checked.push({ name: "gl0", label: gl0Spec.host, url: this.layers.gl0.publicUrls[0], container: gl0.container.id });
        } else {
            if (!args.externalGlobalL0) throw new Error(`${name}: an external Global L0 needs its peer id, host and port`);
            globalL0 = args.externalGlobalL0;
        }

        // Metagraph L0, then its token identifier from the genesis it made (or kept).
        const ml0Spec = only("ml0")[0];
        const ml0Host = hostOf(ml0Spec);
        const ml0 = new MetagraphNode(`${name}-ml0`, { spec: ml0Spec, host: ml0Host, common: args.common, globalL0, after }, { parent: this });
        const ml0Ready = gate("ml0", ml0Host, ml0Spec.ports.public, ml0.container);
        const addressFile = `${args.common.genesisDir}/ml0/genesis.address`;
        const idCommand = ml0Host.run(`${name}-metagraph-id`, `set -euo pipefail\n${ml0Host.sudo}cat ${q(addressFile)}`, { parent: this, dependsOn: [ml0Ready], triggers: [ml0.container.id] });
        this.metagraphId = idCommand.stdout.apply((s) => s.trim());
        this.layers.ml0 = this.layerOutputs([ml0Spec], ml0Host);
        checked.push({ name: "ml0", label: ml0Spec.host, url: this.layers.ml0.publicUrls[0], container: ml0.container.id });
        const ml0Genesis = `${args.common.genesisDir}/ml0`;
        this.genesisFiles = { host: ml0Host.address, csv: `${ml0Genesis}/genesis.csv`, snapshot: `${ml0Genesis}/genesis.snapshot`, address: addressFile };
        const metagraphL0 = { id: ml0.peerId, host: ml0Host.address, port: ml0Spec.ports.public };

        const readyGates: pulumi.Resource[] = [...after, ml0Ready];

        // Currency L1 and Data L1 in parallel, both after ML0 is Ready and its id is known.
        for (const layer of ["cl1", "dl1"] as const) {
            const specs = only(layer);
            if (specs.length === 0) continue;
            const host = hostOf(specs[0]);
            const cluster = new L1Cluster(`${name}-${layer}`, {
                nodes: specs, host, common: args.common, globalL0, metagraphL0, tokenIdentifier: this.metagraphId,
                after: [ml0Ready, idCommand], readinessTimeoutSeconds: args.readinessTimeoutSeconds, joinTimeoutSeconds: args.joinTimeoutSeconds,
            }, { parent: this });
            this.layers[layer] = { publicUrls: cluster.publicUrls, expectedSize: cluster.expectedSize, healthCommands: cluster.healthCommands };
            readyGates.push(...cluster.ready);
            specs.forEach((n, i) => checked.push({ name: n.name, label: n.host, url: cluster.publicUrls[i], container: cluster.containerIds[i] }));
        }

        // After every rollout: each node reports the configured Tessellation version, or the update
        // fails naming the nodes that differ. Run from each node's host (prod hosts reach their own nodes).
        const byHost = new Map<string, typeof checked>();
        for (const c of checked) byHost.set(c.label, [...(byHost.get(c.label) ?? []), c]);
        for (const [label, nodesOnHost] of byHost) {
            const scripts = args.hosts[label].scripts(OTTOCHAIN_SCRIPTS);
            const script = pulumi.all(nodesOnHost.map((n) => n.url)).apply((urls) =>
                versionCheckScript(scripts.dir, args.tessellationVersion, nodesOnHost.map((n, j) => ({ name: n.name, url: urls[j] }))));
            args.hosts[label].run(`${name}-versions${byHost.size > 1 ? `-${label}` : ""}`, script, {
                parent: this, dependsOn: [...readyGates, scripts.installed], triggers: [args.tessellationVersion, ...nodesOnHost.map((n) => n.container)],
            });
        }
        this.registerOutputs({ metagraphId: this.metagraphId });
    }

    private layerOutputs(specs: NodeSpec[], host: DockerHost): LayerOutputs {
        return {
            publicUrls: specs.map((n) => pulumi.interpolate`http://${host.address}:${n.ports.public}`),
            expectedSize: specs.length,
            healthCommands: host.address.apply((a) => specs.flatMap((n) => healthCommands(a, n))),
        };
    }
}
