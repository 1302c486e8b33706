// chainfleet: read and validate all config once, check this machine (dev), pick the topology,
// export per-system outputs.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./stacks/config/load";
import { deployDev } from "./stacks/dev";
import { preflight, preflightMode, preflightWarnings, realProbes } from "./stacks/preflight";
import { deployProd } from "./stacks/prod";
import { ensureReleaseJars } from "./stacks/releaseJars";
import { ensureGitSources } from "./stacks/gitSources";

const config = loadConfig(); // throws, naming every bad key, before any resource is registered
for (const w of config.warnings) void pulumi.log.warn(w);

async function main() {
    // Dev: the pinned Tessellation release jars, downloaded and checked (a mismatch stops here).
    for (const m of await ensureReleaseJars(config)) void pulumi.log.info(m);
    // The git sources of builds (chainfleet:scitt.source), checked out: a failed fetch stops here.
    for (const m of ensureGitSources(config)) void pulumi.log.info(m);
    // Dev: the machine's checks, all reported at once, also before any resource is registered.
    const ci = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
    const mode = preflightMode(config, { ci, preview: pulumi.runtime.isDryRun(), engine: pulumi.runtime.hasEngine() });
    if (mode !== "off") for (const w of preflightWarnings(mode, await preflight(config, realProbes))) void pulumi.log.warn(w);
    return config.topology === "dev" ? deployDev(config) : deployProd(config);
}

// The outputs are the promise's value: the Node.js runtime awaits an exported promise
// (pulumi/pulumi#2910, fixed by #2916), and so does the offline harness.
export = main();
