// The OttoChain metagraph as both topologies place it: only the hosts, the keystore password and
// (prod) the copied artifacts differ; everything else comes from chainfleet:ottochain.
import * as pulumi from "@pulumi/pulumi";
import { ChainfleetConfig } from "./config/schema";
import { metagraphOutputs } from "./outputs";
import { ottochainShape } from "./placement";
import { DockerHost } from "../components/platform/host";
import { Metagraph } from "../components/systems/ottochain/metagraph";

export function deployMetagraph(c: ChainfleetConfig, hosts: Record<string, DockerHost>, password: pulumi.Output<string>, hostPrepared?: Record<string, pulumi.Resource[]>) {
    const o = c.ottochain;
    const g = o.globalL0;
    const m = new Metagraph("ottochain", {
        hosts,
        shape: ottochainShape(c),
        common: {
            image: o.image, jarsDir: o.jarsDir, keysDir: o.keysDir, genesisDir: o.genesisDir, keyAlias: o.keyAlias,
            appEnv: o.appEnv, collateral: o.collateral, password, genesisResetToken: o.genesisResetToken, resync: o.resync, rekey: o.rekey, retainData: c.retainData, hostPrepared,
            tessellationVersion: o.tessellationVersion, metagraphVersion: o.metagraphVersion,
        },
        externalGlobalL0: g.source === "external" ? { id: g.peerId!, host: g.host!, port: g.port } : undefined,
        readinessTimeoutSeconds: o.readinessTimeoutSeconds,
        tessellationVersion: o.tessellationVersion,
        joinTimeoutSeconds: o.joinTimeoutSeconds,
    });
    return metagraphOutputs(m);
}
