// The scripts as the plan generates them, not as a builder renders them with sample inputs: every
// command a resource runs (create/update/delete), every host's user data, every container's
// command and entrypoint script (test/harness/plannedScripts.ts), and every bash script
// or sshd config those write as a file (a literal here-document), from both stack files and from a
// config whose values are the hostile ones the grammars admit, pass bash -n and shellcheck
// (warnings and errors; the nested quoting of a script sent over ssh draws only notes), and the
// bastion's sshd_config passes sshd -t.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planStack } from "./harness/graph";
import { plannedScripts } from "./harness/plannedScripts";
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
            // Each script once (many resources share one), and of the files written the bash scripts and sshd configs.
            const scripts = new Map<string, string>();
            const sshdConfigs: string[] = [];
            for (const s of plannedScripts(g)) {
                const bash = !s.written || /^#!(\/bin\/bash|\/usr\/bin\/env bash)/.test(s.text);
                if (bash && !scripts.has(s.text)) scripts.set(s.text, s.where);
                if (s.written && /^\s*AllowUsers /m.test(s.text)) sshdConfigs.push(s.text);
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
