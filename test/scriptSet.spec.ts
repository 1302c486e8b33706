// Scripts shipped as files (components/platform/scriptSet.ts): the set's digest follows its
// content, installing is whole and idempotent, and the planned metagraph names its scripts by a
// path carrying the digest — mounted read-only into every node, sourced by every gate, installed
// before either — so a node's inputs stay small and a script edit changes what rolls.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { installScriptSet, scriptSet, scriptSetDir } from "../components/platform/scriptSet";
import { NODE_SCRIPTS_MOUNT, OTTOCHAIN_SCRIPTS, rolloutDigest } from "../components/systems/ottochain/nodeScript";
import { dependsOnTransitively, planStack } from "./harness/graph";
import { run, tempDir } from "./util/tools";

describe("script sets", function () {
    this.timeout(60_000);

    it("the digest follows names and contents; a hostile name is refused", () => {
        const a = scriptSet("s", { "a.sh": "echo a\n" });
        assert.notEqual(a.digest, scriptSet("s", { "a.sh": "echo b\n" }).digest);
        assert.notEqual(a.digest, scriptSet("s", { "b.sh": "echo a\n" }).digest);
        assert.equal(a.digest, scriptSet("s", { "a.sh": "echo a\n" }).digest);
        assert.throws(() => scriptSet("s", { "../x.sh": "" }), /plain NAME\.sh/);
        assert.throws(() => scriptSet("a b", {}), /plain word/);
    });

    it("installs whole, read-only, byte for byte (content that would end a here-document too), and a second run changes nothing", () => {
        const set = scriptSet("t", { "lib.sh": "x() { echo \"$1\"; }\n", "odd.sh": "CHAINFLEET_SCRIPT\n$(touch /tmp/never)\n'\"`\n" });
        const root = path.join(tempDir(), "scripts");
        for (let i = 0; i < 2; i++) assert.equal(run("bash", ["-c", installScriptSet(root, set)]).status, 0);
        const dir = scriptSetDir(root, set);
        assert.deepEqual(fs.readdirSync(root), [path.basename(dir)], "no partial directory is left");
        for (const [f, content] of Object.entries(set.files)) {
            assert.equal(fs.readFileSync(path.join(dir, f), "utf8"), content);
            assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o444);
        }
        assert.equal(fs.statSync(dir).mode & 0o777, 0o555);
    });

    it("the rollout digest of an L1 node changes with the scripts' directory (a script edit rolls the nodes)", () => {
        const made = (dir: string) => ({ binds: [{ hostPath: dir, target: NODE_SCRIPTS_MOUNT, readOnly: true }] });
        assert.notEqual(rolloutDigest(made("/data/scripts/ottochain-aaaa")), rolloutDigest(made("/data/scripts/ottochain-bbbb")));
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every node mounts the set by its digest, every gate sources it, and both wait for its install`, async () => {
            const g = await planStack(stack, {});
            const installs = g.resources.filter((r) => /-scripts-ottochain$/.test(r.name));
            assert.ok(installs.length >= 1);
            const dirOf = (text: string) => new RegExp(`/scripts/ottochain-${OTTOCHAIN_SCRIPTS.digest}\\b`).test(text);
            const nodes = g.resources.filter((r) => r.type === "docker:index/container:Container" && /^ottochain-/.test(r.name));
            assert.ok(nodes.length >= 8);
            for (const n of nodes) {
                const vols = n.inputs.volumes as { hostPath?: string; containerPath?: string; readOnly?: boolean }[];
                const mount = vols.find((v) => v.containerPath === NODE_SCRIPTS_MOUNT);
                assert.ok(mount && dirOf(mount.hostPath ?? "") && mount.readOnly, `${n.name} mounts no script set read-only`);
                assert.ok(JSON.stringify(n.inputs).length < 4096, `${n.name}'s inputs are ${JSON.stringify(n.inputs).length} bytes`);
                assert.ok(installs.some((i) => dependsOnTransitively(g, n, i)), `${n.name} does not wait for the install`);
            }
            const gates = g.resources.filter((r) => r.type === "command:local:Command" && /-(turn|ready|joined|versions(-[a-z]+)?)$/.test(r.name) && /ottochain/.test(r.name));
            assert.ok(gates.length >= 8);
            for (const gate of gates) {
                assert.ok(dirOf(String(gate.inputs.create)), `${gate.name} sources no installed set`);
                assert.ok(installs.some((i) => dependsOnTransitively(g, gate, i)), `${gate.name} does not wait for the install`);
            }
        });
    }
});
