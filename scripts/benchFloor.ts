// The SDK's own floor for `npm run bench`: a Pulumi program that registers N trivial custom
// resources (one small input each, no dependencies, no components), planned by the same harness
// and mocks as the real program, so the ratio between the two is the cost of our own program.
// N comes from CHAINFLEET_BENCH_FLOOR_RESOURCES (set by scripts/bench.ts to the real plan's count).
import * as pulumi from "@pulumi/pulumi";

class Trivial extends pulumi.CustomResource {
    constructor(name: string, index: number) {
        super("chainfleet:bench:Trivial", name, { index });
    }
}

const count = Number(process.env.CHAINFLEET_BENCH_FLOOR_RESOURCES ?? "0");
for (let i = 0; i < count; i++) new Trivial(`trivial-${i}`, i);
