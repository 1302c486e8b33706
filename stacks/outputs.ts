// Stack outputs shared by both topologies: endpoints, health URLs, management hints per system.
import * as pulumi from "@pulumi/pulumi";
import { Metagraph } from "../components/systems/ottochain/metagraph";

export function metagraphOutputs(m: Metagraph) {
    const layers: Record<string, unknown> = {};
    for (const [layer, o] of Object.entries(m.layers)) {
        layers[layer] = { publicUrls: o.publicUrls, expectedClusterSize: o.expectedSize, healthChecks: o.healthCommands };
    }
    return { metagraphId: m.metagraphId, genesisFiles: m.genesisFiles, layers };
}

export type Outputs = Record<string, pulumi.Input<unknown>>;
