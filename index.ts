// chainfleet: read and validate all config once, pick the topology, export per-system outputs.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./stacks/config";
import { deployDev } from "./stacks/dev";
import { deployProd } from "./stacks/prod";

const config = loadConfig(); // throws, naming every bad key, before any resource is registered
for (const w of config.warnings) void pulumi.log.warn(w);

export = config.topology === "dev" ? deployDev(config) : deployProd(config);
