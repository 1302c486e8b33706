// Readiness gates: a resource that exists only once a service answers a JSON field exactly.
// Dependents list the gate in dependsOn. Runs on the service's host (locally in dev, SSH in prod).
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "./host";
import { waitForStateScript, WaitSpec } from "./readinessScript";

export interface ReadinessGateArgs extends Omit<WaitSpec, "url" | "scripts"> {
    /** The script set holding readiness.sh, installed on `host` (DockerHost.scripts). */
    scripts: { dir: string; installed: pulumi.Resource };
    /** URL answering JSON (may be an Output, e.g. from a host address). */
    url: pulumi.Input<string>;
    /** Host the check runs on. */
    host: DockerHost;
    /** What must exist before the wait starts (the container). */
    after: pulumi.Input<pulumi.Resource>[];
    /** Values whose change re-runs the wait (e.g. the container id). */
    triggers?: pulumi.Input<unknown>[];
}

/** Creates the gate; its stdout is the JSON the service answered when it reached the state. */
export function readinessGate(name: string, args: ReadinessGateArgs, parent: pulumi.Resource) {
    const script = pulumi.output(args.url).apply((url) => waitForStateScript({ ...args, scripts: args.scripts.dir, url }));
    return args.host.run(name, script, { parent, dependsOn: [...args.after, args.scripts.installed], triggers: args.triggers });
}
