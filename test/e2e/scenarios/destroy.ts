// e. Destroy: every container goes; protected or retained volumes stay, with their data (the
// marker written into each before destroy).
import { log } from "../runner/log";
import { checkMarkers, dataVolumes, inVolume, learnSecrets, markVolumes, Scenario } from "./context";
import { fleetContainers, inspectOrNull } from "./fleet";
import { failureText, runE2E } from "./run";

export const destroyScenario: Scenario = {
    id: "e",
    title: "destroy: containers gone, protected/retained volumes kept with their data",
    async run(ctx) {
        learnSecrets(ctx);
        const containers = await fleetContainers(ctx.workdir);
        const volumes = dataVolumes(ctx.workdir).map((v) => String(v.inputs.name));
        const markers = markVolumes(ctx.workdir);
        const r = await runE2E("destroy", ctx.workdir, {});
        const problems: string[] = [];
        if (r.code !== 0) problems.push(`destroy failed: ${failureText(r)}`);
        for (const c of containers) if (await inspectOrNull(c.name)) problems.push(`${c.name} still exists`);
        problems.push(...checkMarkers(markers));
        // The marker is the data check (some volumes, e.g. an L1 validator's, hold nothing else); sizes are for the log.
        const sizes = volumes.map((v) => `${v}: ${inVolume(v, "ls -A /v | grep -vc '^.e2e-marker$' || true").trim()} entries`);
        log(`  kept volumes: ${sizes.join(", ")}`);
        log(`  destroy: ${r.seconds.toFixed(1)}s; kept ${volumes.length} data volumes: ${volumes.join(", ")}`);
        if (problems.length > 0) throw new Error(problems.join("\n    "));
    },
};
