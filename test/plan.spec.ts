// The offline plan a reviewer reads: the tree, JSON with secrets masked, and the diff between
// the working tree and another commit.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { defaultPlan, FAKE_PROD_SECRETS } from "./harness/graph";
import { diffPlans, maskedInputs, MASK, parsePath, renderTree, toJson } from "./harness/render";
import { parseArgs } from "../scripts/plan";

const ROOT = path.join(__dirname, "..");

describe("offline plan", () => {
    it("prints a tree with what each resource waits for", async () => {
        const text = renderTree(await defaultPlan("prod"));
        assert.match(text, /▸ chainfleet:ottochain:Metagraph {2}ottochain/);
        assert.match(text, /\+ command:local:Command {2}ottochain-ml0-ready/);
        // The paths a reviewer checks: deployer → SSM → every host, cluster → RDS.
        for (const h of ["a", "b", "c", "scitt"]) assert.match(text, new RegExp(`deployer → SSM Session Manager → host ${h} \\(host-${h}-instance-id\\):22`));
        assert.match(text, /cluster \(10\.40\.0\.0\/16, 10\.100\.0\.0\/16\) → RDS:5432 \[network create\]/);
        assert.match(text, /waits for: .*ottochain-gl0-ready/);
        assert.match(text, /prod: \d+ resources in \d+ components/);
    });

    it("masks every secret in JSON", async () => {
        const json = JSON.stringify(toJson(await defaultPlan("prod")));
        for (const v of Object.values(FAKE_PROD_SECRETS)) assert.ok(!json.includes(JSON.stringify(v).slice(1, -1)), "a secret leaked into the JSON plan");
        assert.ok(json.includes(MASK));
        assert.deepEqual(parsePath("a.b[2].c"), ["a", "b", 2, "c"]);
        assert.deepEqual(maskedInputs({ inputs: { a: [1, { k: "s" }] }, secretPaths: ["a[1].k"] }), { a: [1, { k: MASK }] });
    });

    it("diffs two plans: added, removed, changed inputs, with secrets masked", () => {
        const before = { stack: "prod", resources: [
            { urn: "u1", type: "t", name: "a", dependencies: [], protect: false, retainOnDelete: false, deleteBeforeReplace: false, inputs: { x: 1, s: MASK } },
            { urn: "u2", type: "t", name: "b", dependencies: [], protect: false, retainOnDelete: false, deleteBeforeReplace: false, inputs: {} },
        ] };
        const after = { stack: "prod", resources: [
            { ...before.resources[0], inputs: { x: 2, s: MASK }, protect: true },
            { urn: "u3", type: "t", name: "c", dependencies: [], protect: false, retainOnDelete: false, deleteBeforeReplace: false, inputs: {} },
        ] };
        const d = diffPlans(before, after);
        assert.deepEqual(d.added, ["u3"]);
        assert.deepEqual(d.removed, ["u2"]);
        assert.deepEqual(d.changed, [{ urn: "u1", changes: ["option protect: false → true", "x: 1 → 2"] }]);
    });

    it("parses its arguments and refuses bad ones", () => {
        assert.deepEqual(parseArgs(["--stack", "prod", "--json", "--set", "neo.replicas=3"]), { stack: "prod", json: true, overrides: { "neo.replicas": 3 }, secrets: {} });
        assert.throws(() => parseArgs(["--stack", "staging"]), /--stack must be dev or prod \(got staging\)/);
        assert.throws(() => parseArgs(["--bogus"]), /unknown argument --bogus/);
    });

    it("npm run plan -- --diff <ref> compares the working tree's plan with a commit's", function () {
        this.timeout(120_000);
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", "prod", "--diff", "HEAD", "--set", "ottochain.currencyL1.nodes=4"], { cwd: ROOT, encoding: "utf8" });
        const head = out.split("\n")[0];
        // Against a clean checkout (CI) only the override differs — the new node's resources, and the
        // three that now cover it: its host's version check and metrics publisher, and its cluster's
        // size alarm; uncommitted edits may change more.
        const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
        assert.match(head, dirty ? /^Offline plan diff for prod against HEAD: \d+ to add, \d+ to remove, \d+ to change$/ : /^Offline plan diff for prod against HEAD: \d+ to add, 0 to remove, 3 to change$/);
        if (!dirty) {
            for (const n of ["ottochain-versions-b", "ottochain-monitoring-b-publisher", "ottochain-monitoring-cl1-cluster-below-size"]) {
                assert.ok(out.split("\n").some((l) => l.startsWith("  ~ ") && l.includes(n)), `${n} not changed:\n${out}`);
            }
        }
        const added = out.split("\n").filter((l) => l.startsWith("  + "));
        assert.ok(added.length >= 6);
        assert.ok(added.every((l) => l.includes("cl1-3")), added.join("\n"));
    });

    it("a commit against itself is no change in dev, though the other commit was planned in another directory", function () {
        this.timeout(120_000);
        const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
        if (dirty) this.skip(); // uncommitted edits are real changes against HEAD; CI's clean clone runs it
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", "dev", "--diff", "HEAD"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(out.split("\n")[0], "Offline plan diff for dev against HEAD: 0 to add, 0 to remove, 0 to change", out);
    });
});
