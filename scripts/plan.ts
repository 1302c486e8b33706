// npm run plan -- --stack dev|prod [--json] [--diff <git ref>] [--set key=json ...] [--secret key=value ...]
// The offline preview: runs the real program under the graph harness and prints the planned
// resources as a tree with their dependencies (or JSON, or a diff against another commit).
// Keys are given as the README spells them (chainfleet:scitt.port) or bare (scitt.port). The
// config is first checked as given, with every rule, then planned with what the harness plays
// (upstream git sources by local stand-ins, unset prod secrets by fakes), which it prints first.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildConfig, configSourceOf, FAKE_PROD_SECRETS, planStack, ROOT } from "../test/harness/graph";
import { playedSourceLines } from "../test/harness/offlineSources";
import { loadConfig } from "../stacks/config/load";
import { diffPlans, PlanJson, renderDiff, renderTree, toJson } from "../test/harness/render";
import { StackName } from "../test/harness/stackConfig";

interface Args { stack: StackName; json: boolean; diff?: string; overrides: Record<string, unknown>; secrets: Record<string, string> }

export function parseArgs(argv: string[]): Args {
    const a: Args = { stack: "dev", json: false, overrides: {}, secrets: {} };
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i];
        if (v === "--stack") a.stack = argv[++i] as StackName;
        else if (v === "--json") a.json = true;
        else if (v === "--diff") a.diff = argv[++i];
        else if (v === "--set") {
            const [k, ...rest] = (argv[++i] ?? "").split("=");
            const raw = rest.join("=");
            try { a.overrides[k] = JSON.parse(raw); } catch { a.overrides[k] = raw; }
        } else if (v === "--secret") {
            const [k, ...rest] = (argv[++i] ?? "").split("=");
            if (!k || rest.length === 0) throw new Error("--secret needs key=value (e.g. --secret chainfleet:ottochainKeystorePassword=short)");
            a.secrets[k.replace(/^chainfleet:/, "")] = rest.join("=");
        } else throw new Error(`unknown argument ${v} (usage: --stack dev|prod [--json] [--diff <git ref>] [--set key=value] [--secret key=value])`);
    }
    if (a.stack !== "dev" && a.stack !== "prod") throw new Error(`--stack must be dev or prod (got ${a.stack})`);
    if (a.diff !== undefined && !a.diff) throw new Error("--diff needs a git ref");
    return a;
}

/** The JSON plan of another commit, planned in a temporary worktree with this checkout's node_modules. */
function planAtRef(ref: string, stack: StackName): PlanJson {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chainfleet-plan-"));
    execFileSync("git", ["-C", ROOT, "worktree", "add", "--detach", dir, ref], { stdio: "pipe" });
    try {
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        if (!fs.existsSync(path.join(dir, "scripts", "plan.ts"))) throw new Error(`${ref} has no scripts/plan.ts to plan with`);
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", stack, "--json"], {
            cwd: dir, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: { ...process.env, TS_NODE_PROJECT: path.join(dir, "tsconfig.json") },
        });
        // The program names files under its own checkout (build contexts, the jars' directory) by
        // absolute path; the other commit was planned in another directory, which is no change of
        // the program's, so its paths are read as this checkout's.
        return JSON.parse(out.split(dir).join(ROOT)) as PlanJson;
    } finally {
        execFileSync("git", ["-C", ROOT, "worktree", "remove", "--force", dir], { stdio: "pipe" });
    }
}

/**
 * The config as given, checked with every rule (a ConfigError names each problem), and the lines
 * saying what the plan plays instead of the real thing.
 */
export function checkAndDescribe(args: Args): { secrets: Record<string, string>; plays: string[] } {
    const fakes = args.stack === "prod" ? Object.keys(FAKE_PROD_SECRETS).filter((k) => args.secrets[k] === undefined) : [];
    const secrets = { ...(args.stack === "prod" ? FAKE_PROD_SECRETS : {}), ...args.secrets };
    const given = buildConfig(args.stack, args.overrides, secrets, false);
    loadConfig(configSourceOf(given.config, given.secretKeys, args.stack));
    const played = buildConfig(args.stack, args.overrides, secrets);
    const plays = [...playedSourceLines(given.config, played.config), ...played.artifactPlays];
    if (played.siteValuesPlayed.length > 0) plays.push(`values the prod stack file leaves to you (REQUIRED there), played by test values (test/harness/prodSiteValues.ts; try yours with --set): ${played.siteValuesPlayed.join(", ")}`);
    if (fakes.length > 0) plays.push(`secrets played by obvious fakes (try a rule with --secret key=value): ${fakes.map((k) => `chainfleet:${k}`).join(", ")}`);
    return { secrets, plays };
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const { secrets, plays } = checkAndDescribe(args);
    for (const line of plays) process.stderr.write(`offline plan: ${line}\n`);
    const graph = await planStack(args.stack, args.overrides, secrets);
    for (const l of graph.logs) if (l.severity === "warning") process.stderr.write(`warning: ${l.message}\n`);
    if (args.diff) {
        const before = planAtRef(args.diff, args.stack);
        process.stdout.write(`${renderDiff(diffPlans(before, toJson(graph)), args.diff, args.stack)}\n`);
    } else if (args.json) {
        process.stdout.write(`${JSON.stringify(toJson(graph), null, 2)}\n`);
    } else {
        process.stdout.write(`${renderTree(graph)}\n`);
    }
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
}
