// The e2e scenarios in order (a fresh up, b same config, c chaos, d scale, g rolling L1 update and
// revert, h genesis reset, i resync and re-key, f secrets, e destroy, j the README's first command
// from a fresh clone),
// each a function that throws on failure. Prints PASS/FAIL per scenario, the figures, and a final
// line exactly "N passed, N failed"; returns the exit code.
import { log } from "../runner/log";
import { chaos } from "./chaos";
import { Ctx, Scenario } from "./context";
import { destroyScenario } from "./destroy";
import { firstCommand } from "./firstCommand";
import { fresh } from "./fresh";
import { noop } from "./noop";
import { reset, resyncRekey } from "./reset";
import { rolling } from "./rolling";
import { scale } from "./scale";
import { secretsScenario } from "./secrets";

export const SCENARIOS: Scenario[] = [fresh, noop, chaos, scale, rolling, reset, resyncRekey, secretsScenario, destroyScenario, firstCommand];

export async function runScenarios(workdir: string, sets: Record<string, unknown>, only?: string[]): Promise<number> {
    const t0 = Date.now();
    const ctx: Ctx = { workdir, sets: { ...sets }, figures: {}, secrets: new Set() };
    let passed = 0, failed = 0;
    for (const s of SCENARIOS.filter((x) => !only || only.includes(x.id))) {
        log(`--- scenario ${s.id}: ${s.title}`);
        const ts = Date.now();
        try {
            await s.run(ctx);
            passed++;
            log(`PASS ${s.id}. ${s.title} (${((Date.now() - ts) / 1000).toFixed(1)}s)`);
        } catch (e) {
            failed++;
            log(`FAIL ${s.id}. ${s.title} (${((Date.now() - ts) / 1000).toFixed(1)}s)\n    ${(e as Error).message}`);
        }
    }
    ctx.figures["total wall time"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    for (const [k, v] of Object.entries(ctx.figures)) log(`figure: ${k}: ${v}`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
}
