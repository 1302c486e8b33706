// What a plan runs or writes as a script, found in one place for the specs that check it (the
// planned-scripts lint, the config fuzz): the strings of the inputs that run or land as a file
// (command create/update/delete, EC2 user data, a container's command and entrypoint; never
// triggers, labels or provider arguments, which are data), and every file those write as a
// literal here-document, which another reader (bash, systemd, sshd) parses later.
import type { Graph } from "./graph";
import { literalHeredocBodies } from "./shellContext";

export interface PlannedScript {
    /** "<type> <name>.<input>", with " (file N)" for a file it writes. */
    where: string;
    text: string;
    /** A file the script writes (a literal here-document body), not the script itself. */
    written: boolean;
}

const SCRIPT_INPUTS = ["create", "update", "delete", "userData", "content", "command", "entrypoint"];

export function plannedScripts(g: Graph): PlannedScript[] {
    const out: PlannedScript[] = [];
    const walk = (v: unknown, where: string): void => {
        if (typeof v === "string") {
            if (/\n/.test(v) || /^(set -|#!|sudo |docker |bash )/.test(v)) {
                out.push({ where, text: v, written: false });
                literalHeredocBodies(v).forEach((body, n) => out.push({ where: `${where} (file ${n + 1})`, text: body, written: true }));
            }
        } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
    };
    for (const r of g.resources) {
        if (!/^(command:|aws:ec2|docker:)/.test(r.type)) continue;
        for (const k of SCRIPT_INPUTS) if (r.inputs[k] !== undefined) walk(r.inputs[k], `${r.type} ${r.name}.${k}`);
    }
    return out;
}
