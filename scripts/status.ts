// npm run status -- --stack <name> [--outputs <file.json>] [--interval <seconds>] [--timeout <seconds>]
// What the OttoChain guide's check-health.sh prints, for every system of a deployed stack: each
// node's state and version, each L1 cluster's size against its expected size, ML0's ordinal and
// whether it advances, the health of SCITT, Wealth Wars, the lottery and Neo. The targets come
// from the stack's outputs: `pulumi stack output --stack <name> --json --show-secrets`, or a file
// saved from it (--outputs, for machines without the CLI). Exit 0 healthy, 1 unhealthy, 2 usage
// or unreadable outputs. Only the fields probed are read, and no output value but URLs (without
// credentials or query) is printed. Judging and formatting: components/platform/monitoringStatus.ts.
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { EXIT, Fetched, formatReport, judgeAll, Observations, targetsFromOutputs } from "../components/platform/monitoringStatus";

export interface StatusArgs {
    stack: string;
    /** A file holding the JSON of `pulumi stack output --json --show-secrets` (instead of the CLI). */
    outputs?: string;
    /** Seconds between the two samples of ML0's ordinal. */
    intervalSeconds: number;
    /** Bound of each HTTP request (and of the pulumi CLI call, ×6), seconds. */
    timeoutSeconds: number;
}

const USAGE = "usage: npm run status -- --stack <name> [--outputs <file.json>] [--interval <seconds, default 10>] [--timeout <seconds, default 5>]";

export function parseStatusArgs(argv: string[]): StatusArgs {
    const a: Partial<StatusArgs> = { intervalSeconds: 10, timeoutSeconds: 5 };
    const seconds = (flag: string, v: string | undefined) => {
        const n = Number(v);
        if (v === undefined || !Number.isFinite(n) || n < 0 || n > 3600) throw new Error(`${flag} must be a number of seconds from 0 to 3600 (got ${v ?? "nothing"})\n${USAGE}`);
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i];
        if (v === "--stack") a.stack = argv[++i];
        else if (v === "--outputs") a.outputs = argv[++i];
        else if (v === "--interval") a.intervalSeconds = seconds(v, argv[++i]);
        else if (v === "--timeout") a.timeoutSeconds = seconds(v, argv[++i]);
        else throw new Error(`unknown argument ${v}\n${USAGE}`);
    }
    if (!a.stack || a.stack.startsWith("--")) throw new Error(`--stack <name> is required\n${USAGE}`);
    if (a.outputs !== undefined && (!a.outputs || a.outputs.startsWith("--"))) throw new Error(`--outputs needs a file\n${USAGE}`);
    if (a.timeoutSeconds === 0) throw new Error(`--timeout must be more than 0 seconds\n${USAGE}`);
    return a as StatusArgs;
}

/** The stack's outputs, from the file or from the Pulumi CLI on PATH. */
export function readOutputs(a: StatusArgs): Promise<unknown> {
    if (a.outputs) {
        const text = fs.readFileSync(a.outputs, "utf8");
        try {
            return Promise.resolve(JSON.parse(text));
        } catch {
            // Not JSON.parse's message: it quotes the text, which may hold secret outputs.
            return Promise.reject(new Error(`${a.outputs} is not JSON (save it with pulumi stack output --json --show-secrets)`));
        }
    }
    return new Promise((resolve, reject) => {
        execFile("pulumi", ["stack", "output", "--stack", a.stack, "--json", "--show-secrets"], {
            encoding: "utf8", timeout: a.timeoutSeconds * 6000, maxBuffer: 64 * 1024 * 1024,
        }, (err, stdout, stderr) => {
            if (err) {
                // stderr only: stdout could hold secret outputs.
                const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "the pulumi CLI is not on PATH (use --outputs <file.json>)" : stderr.trim() || err.message.split("\n")[0];
                reject(new Error(`pulumi stack output --stack ${a.stack} failed: ${why}`));
                return;
            }
            try {
                resolve(JSON.parse(stdout));
            } catch {
                reject(new Error(`pulumi stack output --stack ${a.stack} printed something that is not JSON`));
            }
        });
    });
}

/** GET with a hard bound on the whole request; never throws. */
export function httpGet(url: string, timeoutSeconds: number, insecureTls = false): Promise<Fetched> {
    return new Promise((resolve) => {
        let done = false;
        const finish = (f: Fetched) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            resolve(f);
        };
        const lib = url.startsWith("https:") ? https : http;
        const req = lib.get(url, { rejectUnauthorized: !insecureTls, headers: { Accept: "application/json" } }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => { if (body.length < 4 * 1024 * 1024) body += c; });
            res.on("end", () => finish({ status: res.statusCode ?? 0, body }));
            res.on("error", (e) => finish({ error: e.message }));
        });
        const timer = setTimeout(() => {
            finish({ error: `no answer within ${timeoutSeconds} s` });
            req.destroy();
        }, timeoutSeconds * 1000);
        req.on("error", (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    });
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** Probes everything the outputs name (in parallel, the ordinal twice) and returns the report and the exit code. */
export async function status(a: StatusArgs, now: () => Date = () => new Date()): Promise<{ report: string; code: number }> {
    const t = targetsFromOutputs(await readOutputs(a));
    const get = (u: string, insecure = false) => httpGet(u, a.timeoutSeconds, insecure);
    const o: Observations = { nodeInfo: {}, clusterInfo: {}, health: {} };
    const ordinalUrl = t.ordinalUrl ? `${t.ordinalUrl}/snapshots/latest/ordinal` : undefined;
    const firstOrdinal = ordinalUrl ? get(ordinalUrl) : undefined;
    await Promise.all([
        ...t.nodes.map(async (n) => { o.nodeInfo[n.name] = await get(`${n.url}/node/info`); }),
        ...t.nodes.filter((n) => n.layer === "cl1" || n.layer === "dl1").map(async (n) => { o.clusterInfo[n.name] = await get(`${n.url}/cluster/info`); }),
        ...t.systems.map(async (s) => { o.health[s.system] = await get(s.healthUrl, s.insecureTls); }),
        (async () => {
            if (!ordinalUrl || !firstOrdinal) return;
            const first = await firstOrdinal;
            await sleep(a.intervalSeconds);
            o.ordinal = { first, second: await get(ordinalUrl), intervalSeconds: a.intervalSeconds };
        })(),
    ]);
    const lines = judgeAll(t, o);
    const report = formatReport(a.stack, now().toISOString(), lines, t.skipped);
    return { report, code: lines.length > 0 && lines.every((l) => l.ok) ? EXIT.healthy : EXIT.unhealthy };
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
    let args: StatusArgs;
    try {
        args = parseStatusArgs(argv);
    } catch (e) {
        err(`${(e as Error).message}\n`);
        return EXIT.usage;
    }
    try {
        const r = await status(args);
        out(r.report);
        return r.code;
    } catch (e) {
        err(`status: ${(e as Error).message}\n`);
        return EXIT.usage;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
