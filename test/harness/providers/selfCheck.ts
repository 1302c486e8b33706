// Self-check of the provider model (not a mocha spec): the read-back rules against values worked out
// from the Go sources, then the plans' custom types and inputs that the model does not cover.
// Run: npx ts-node --transpile-only test/harness/providers/selfCheck.ts
import * as assert from "assert";
import { formatGoDuration, parseGoDuration } from "./goFormat";
import { cpusReadBack, healthcheckReadBack, portsReadBack } from "./docker";
import { dlmDescriptionCheck } from "./aws";
import { MODELS } from "./index";

export function checkReadBackRules(): void {
    const cpus: [string, string][] = [["1", "1.0"], ["2", "2.0"], ["0.5", "0.5"], ["1.5", "1.5"], ["0.25", "0.25"], ["1.0", "1.0"], ["10", "10."], ["0.05", "0.1"], ["abc", "abc"], ["0", "0"]];
    for (const [sent, read] of cpus) assert.strictEqual(cpusReadBack(sent), read, `cpus ${sent}`);

    const durations: [string, string][] = [["120s", "2m0s"], ["30s", "30s"], ["90s", "1m30s"], ["0s", "0s"], ["", "0s"], ["5s", "5s"], ["1h", "1h0m0s"], ["1.5s", "1.5s"], ["500ms", "500ms"], ["2m", "2m0s"], ["1500ms", "1.5s"], ["1us", "1\u00b5s"]];
    for (const [sent, read] of durations) {
        const hc = healthcheckReadBack({ interval: sent, retries: 3, tests: ["CMD", "true"] }) as Record<string, unknown>;
        assert.strictEqual(hc.interval, read, `duration ${sent}`);
        assert.strictEqual(hc.retries, 3);
    }
    assert.strictEqual(parseGoDuration("1m"), 60_000_000_000n);
    assert.strictEqual(parseGoDuration("10"), undefined, "missing unit");
    assert.strictEqual(formatGoDuration(-90_000_000_000n), "-1m30s");

    const ports = [{ internal: 8001, external: 8001 }, { internal: 8000, external: 8000 }];
    assert.deepStrictEqual(portsReadBack(ports, { networkMode: "host" }), []);
    assert.deepStrictEqual((portsReadBack(ports, { networkMode: "bridge" }) as { internal: number }[]).map((p) => p.internal), [8000, 8001]);

    assert.ok(dlmDescriptionCheck("chainfleet scitt: snapshots"), "colon must fail");
    assert.strictEqual(dlmDescriptionCheck("chainfleet scitt - snapshots"), undefined);
}

/** Custom types / inputs in both plans that the model does not cover, as "type input" lines. */
export async function gaps(): Promise<string[]> {
    const { planStack } = await import("../graph");
    const out = new Set<string>();
    for (const stack of ["dev", "prod"] as const) {
        const g = await planStack(stack);
        for (const r of g.resources) {
            if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
            const m = MODELS.get(r.type);
            if (!m) {
                out.add(`${r.type} (type not modelled)`);
                continue;
            }
            for (const k of Object.keys(r.inputs)) if (!(k in m.inputs)) out.add(`${r.type} ${k}`);
        }
    }
    return [...out].sort();
}

if (require.main === module) {
    checkReadBackRules();
    console.log("read-back rules: ok");
    gaps().then((g) => {
        console.log(`unmodelled (${g.length}):\n${g.join("\n")}`);
        process.exit(0);
    }, (e) => {
        console.error(e);
        process.exit(1);
    });
}
