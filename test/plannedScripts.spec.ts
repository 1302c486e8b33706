// The scripts as the plan generates them, not as a builder renders them with sample inputs: every
// command a resource runs (create/update/delete), every host's user data, and every bash script
// or sshd config those write as a file (a literal here-document), from both stack files and from a
// config whose values are the hostile ones the grammars admit, pass bash -n and shellcheck
// (warnings and errors; the nested quoting of a script sent over ssh draws only notes), and the
// bastion's sshd_config passes sshd -t.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planStack } from "./harness/graph";
import { literalHeredocBodies } from "./harness/shellContext";
import type { StackName } from "./harness/stackConfig";
import { run, tempDir } from "./util/tools";

/** Values the grammars admit that are hardest on a script (test/configFuzz.spec.ts finds them). */
const ADMITTED_HOSTILE = {
    "wealthwars.migrateCommand": ["npx", "$(touch /tmp/x)", "a'b", "a\nb"],
    "ottochain.keyAlias": "CHAINFLEET_EOF",
    "ottochain.genesisResetToken": "EOF",
};

const PLANS: [string, StackName, Record<string, unknown>][] = [
    ["dev stack file", "dev", {}],
    ["dev, hostile admitted values", "dev", { ...ADMITTED_HOSTILE, "wealthwars.enabled": true, "wealthwars.image": "registry.example/wealth-wars:1.0.0" }],
    ["prod stack file", "prod", {}],
    ["prod via a bastion, hostile admitted values", "prod", { ...ADMITTED_HOSTILE, "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["203.0.113.0/24"] }],
];

/** bash -n on each script, then one shellcheck over all of them (one process: it is slow to start). */
function lint(scripts: Map<string, string>): string[] {
    const dir = tempDir();
    const files: string[] = [];
    const out: string[] = [];
    for (const [text, where] of scripts) {
        const file = path.join(dir, `${files.length}.sh`);
        fs.writeFileSync(file, text);
        files.push(file);
        const n = run("bash", ["-n", file]);
        if (n.status !== 0) out.push(`${where}: bash -n: ${n.stderr}`);
    }
    const sc = run("shellcheck", ["-s", "bash", "-S", "warning", "-f", "gcc", ...files]);
    if (sc.status !== 0) {
        const names = [...scripts.values()];
        for (const line of `${sc.stdout}${sc.stderr}`.split("\n").filter((l) => l)) {
            const i = /\/(\d+)\.sh:/.exec(line)?.[1];
            out.push(`${i === undefined ? "shellcheck" : names[Number(i)]}: ${line}`);
        }
    }
    return out;
}

describe("planned scripts pass bash -n, shellcheck and sshd -t", function () {
    this.timeout(180_000);
    for (const [title, stack, set] of PLANS) {
        it(title, async () => {
            const g = await planStack(stack, set);
            const scripts = new Map<string, string>();
            const sshdConfigs: string[] = [];
            for (const r of g.resources) {
                if (!/^(command:|aws:ec2)/.test(r.type)) continue;
                for (const k of ["create", "update", "delete", "userData"]) {
                    const v = r.inputs[k];
                    if (typeof v !== "string") continue;
                    if (!scripts.has(v)) scripts.set(v, `${r.type} ${r.name}.${k}`);
                    for (const body of literalHeredocBodies(v)) {
                        if (/^#!(\/bin\/bash|\/usr\/bin\/env bash)/.test(body) && !scripts.has(body)) scripts.set(body, `${r.name}.${k} (a file it writes)`);
                        if (/^\s*AllowUsers /m.test(body)) sshdConfigs.push(body);
                    }
                }
            }
            assert.ok(scripts.size > 10, `only ${scripts.size} scripts planned: the walk is broken`);
            assert.deepEqual(lint(scripts), []);
            if (title.includes("bastion")) {
                assert.ok(sshdConfigs.length > 0, "the bastion's user data writes no sshd_config");
                const dir = tempDir();
                run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "hostkey")]);
                for (const conf of sshdConfigs) {
                    fs.writeFileSync(path.join(dir, "sshd_config"), conf);
                    const t = run("/usr/sbin/sshd", ["-t", "-f", path.join(dir, "sshd_config"), "-h", path.join(dir, "hostkey")]);
                    assert.equal(t.status, 0, `sshd -t: ${t.stderr}\n${conf}`);
                }
            }
        });
    }
});
