// npm run bench [-- --sizes 3,30,100 --repeat 3]
// How long the offline plan of prod takes as the L1 clusters grow (a benchmark, not a test: the
// suite asserts the graph's shape, this reports time). Prints one line per size: resources, the
// critical path length, and the median wall time of building the graph.
import { longestChain, planStack } from "../test/harness/graph";

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const opt = (name: string, dflt: string) => {
        const i = argv.indexOf(`--${name}`);
        return i >= 0 ? argv[i + 1] : dflt;
    };
    const sizes = opt("sizes", "3,30,100").split(",").map(Number);
    const repeat = Number(opt("repeat", "3"));
    await planStack("prod"); // warm the module cache so the first size is not charged for loading
    console.log("nodes/L1  resources  critical-path  median-ms  runs-ms");
    for (const n of sizes) {
        const overrides = { "ottochain.currencyL1.nodes": n, "ottochain.currencyL1.maxNodes": n, "ottochain.dataL1.nodes": n, "ottochain.dataL1.maxNodes": n, "hosts.instanceType": "r6i.16xlarge" };
        const times: number[] = [];
        let resources = 0, chain = 0;
        for (let i = 0; i < repeat; i++) {
            const t = process.hrtime.bigint();
            const g = await planStack("prod", overrides);
            times.push(Number(process.hrtime.bigint() - t) / 1e6);
            resources = g.resources.length;
            chain = longestChain(g);
        }
        const sorted = [...times].sort((a, b) => a - b);
        console.log(`${String(n).padStart(8)}  ${String(resources).padStart(9)}  ${String(chain).padStart(13)}  ${sorted[Math.floor(sorted.length / 2)].toFixed(0).padStart(9)}  ${times.map((x) => x.toFixed(0)).join(",")}`);
    }
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
