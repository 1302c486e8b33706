// f. No secret value (random passwords and keys, secret env, secret command strings) appears in
// the runner's raw log: command output and errors as `pulumi up` would print them.
import * as fs from "fs";
import * as path from "path";
import { Scenario } from "./context";

export const secretsScenario: Scenario = {
    id: "f",
    title: "no secret value in any log or error text of the runs",
    async run(ctx) {
        const text = fs.readFileSync(path.join(ctx.workdir, "e2e.log"), "utf8");
        if (ctx.secrets.size === 0) throw new Error("no secret values known (no run reached state)");
        const hits: string[] = [];
        for (const s of ctx.secrets) {
            const at = text.indexOf(s);
            if (at < 0) continue;
            // Say where without printing the value: the log line's start, up to the secret.
            const lineStart = text.lastIndexOf("\n", at) + 1;
            hits.push(`${text.slice(lineStart, Math.min(at, lineStart + 160)).trim()} …[a ${s.length}-char secret]`);
        }
        if (hits.length > 0) throw new Error(`${hits.length} secret value(s) in e2e.log:\n    ${[...new Set(hits)].slice(0, 10).join("\n    ")}`);
    },
};
