// Backups and restore of the prod hosts' state: the data volume restored from a snapshot by a
// config edit (lifecycle: the old volume kept, the host replaced with the restored one, stop →
// detach → attach) and the rules of the restore key; the node keystores kept off the hosts
// (the backup script run for real against a stub aws, its units verified, the plan's IAM).
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { KEYS_BACKUP_BIN, keyBackupInstallScript, keyBackupUnits } from "../components/platform/keyBackup";
import { shippedScript } from "../components/platform/shell";
import { byName, FAKE_PROD_SECRETS, ofType, planStack } from "./harness/graph";
import { run, shellProblems, stubBin, tempDir, writeScript } from "./util/tools";
import { expectProblem, problems } from "./harness/configLoad";
import { changes, losesData, up, UpResult } from "./harness/lifecycle";

const SNAPSHOT = "snap-0123456789abcdef0";

describe("restore a host's data volume from a snapshot", function () {
    this.timeout(180_000);
    let base: UpResult;
    before(async () => { base = await up("prod", undefined, {}, FAKE_PROD_SECRETS); });

    it("the restore key names a host of this plan and a snapshot id, in prod only", () => {
        expectProblem(problems("prod", { "hosts.restore": { z: SNAPSHOT } }), `chainfleet:hosts.restore.z must name a Docker host of this plan (a, b, c, scitt) (got host "z")`);
        expectProblem(problems("prod", { "hosts.restore": { b: "vol-0123" } }), 'chainfleet:hosts.restore.b must be an EBS snapshot id like snap-0abc12345def67890 (got "vol-0123")');
        expectProblem(problems("dev", { "hosts.restore": { local: SNAPSHOT } }), /^chainfleet:hosts\.restore\.local restores an EC2 host's data volume from an EBS snapshot: prod only/);
        assert.deepEqual(problems("prod", { "hosts.restore": { b: SNAPSHOT } }), []);
    });

    it("the volume is made from the snapshot; data volumes are retained (not protected, so a restore can replace one) and snapshot on a delete", async () => {
        const g = await planStack("prod", { "hosts.restore": { b: SNAPSHOT } });
        assert.equal(byName(g, "host-b-data").inputs.snapshotId, SNAPSHOT);
        assert.equal(byName(g, "host-a-data").inputs.snapshotId, undefined);
        for (const h of ["a", "b", "c", "scitt"]) {
            const v = byName(g, `host-${h}-data`);
            assert.deepEqual([v.retainOnDelete, v.protect, v.inputs.finalSnapshot], [true, false, true], v.name);
        }
    });

    it("restoring host b: a new volume from the snapshot, the old one kept; host b replaced delete-first (stop → detach → replace → attach); nothing else replaced", async () => {
        const r = await up("prod", base.state, { "hosts.restore": { b: SNAPSHOT } }, FAKE_PROD_SECRETS);
        assert.deepEqual(r.steps.filter((s) => losesData(s, base.state)).map((s) => s.name), [], "no data lost: the replaced volume is retained");
        assert.deepEqual(r.refused, []);
        const step = (n: string) => r.steps.find((s) => s.name === n)!;
        assert.equal(step("host-b-data").op, "replace");
        assert.equal(step("host-b-data").replaceKind, "create-before-delete", "the restored volume exists before anything is detached");
        assert.equal(step("host-b-instance").replaceKind, "delete-before-replace");
        assert.equal(step("host-b-data-attach").replaceKind, "delete-before-replace");
        // Only what lives on host b is replaced: its containers come back with the new instance's
        // address (their Docker volumes are on the restored data root and are kept); no other host moves.
        const replaced = changes(r.steps).filter((s) => s.op === "replace" && !s.type.startsWith("chainfleet:"));
        for (const n of ["host-b-data", "host-b-data-attach", "host-b-instance"]) assert.ok(replaced.some((s) => s.name === n), n);
        const elsewhere = replaced.filter((s) => /^(host-(a|c|scitt)-|ottochain-(gl0|ml0|dl1)-|scitt-)/.test(s.name) || /-(a|c)$/.test(s.name));
        assert.deepEqual(elsewhere.map((s) => s.name), []);
        assert.ok(!replaced.some((s) => s.type === "docker:index/volume:Volume"), "no node data volume is replaced");
        for (const h of ["a", "c", "scitt"]) assert.equal(step(`host-${h}-data`).op, "same");
        // The host's engine check runs again for the new instance (its trigger is the instance id).
        assert.equal(step("host-b-engine-ready").op, "replace");

        // Leaving the key set is a no-op; removing it later keeps the restored volume (Optional + Computed).
        const again = await up("prod", r.state, { "hosts.restore": { b: SNAPSHOT } }, FAKE_PROD_SECRETS);
        assert.deepEqual(changes(again.steps).map((s) => `${s.op} ${s.name}`), []);
        const unset = await up("prod", r.state, {}, FAKE_PROD_SECRETS);
        assert.deepEqual(changes(unset.steps).map((s) => `${s.op} ${s.name}`), []);
    });
});

describe("node keystores kept off the hosts (Secrets Manager, KMS)", function () {
    this.timeout(120_000);
    const SCRIPT = shippedScript("keys-backup.sh");

    /** Runs keys-backup.sh with a stub `aws` that records each call and keeps the archive it was sent. */
    function backup(keys: string, state: string, awsBody = 'for a; do case "$a" in fileb://*) cp "${a#fileb://}" "$SENT/$(date +%s%N).tgz";; esac; done; echo "$*" >> "$SENT/calls"') {
        const sent = path.join(state, "sent");
        fs.mkdirSync(sent, { recursive: true });
        const bin = stubBin({ aws: awsBody });
        const r = run("bash", ["-c", SCRIPT, "keys-backup", keys, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:chainfleet/prod/ottochain-keys/b", "eu-west-1"],
            { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CHAINFLEET_STATE_DIR: path.join(state, "lib"), SENT: sent } });
        const calls = fs.existsSync(path.join(sent, "calls")) ? fs.readFileSync(path.join(sent, "calls"), "utf8").trim().split("\n") : [];
        const archives = fs.readdirSync(sent).filter((f) => f.endsWith(".tgz")).sort().map((f) => path.join(sent, f));
        return { ...r, calls, archives };
    }
    const listing = (tgz: string) => run("tar", ["-tzf", tgz]).stdout.trim().split("\n");

    it("is shellcheck-clean, and so is its install script; the units pass systemd-analyze verify", () => {
        assert.deepEqual(shellProblems(SCRIPT), []);
        const units = keyBackupUnits({ keysDir: "/data/ottochain/keys", secretId: "arn:aws:secretsmanager:eu-west-1:1:secret:x", region: "eu-west-1", everyMinutes: 15 });
        assert.deepEqual(shellProblems(keyBackupInstallScript("sudo ", units)), []);
        const dir = tempDir("units-");
        writeScript("#!/bin/sh\n", "keys-backup", dir);
        const service = path.join(dir, "chainfleet-keys-backup.service");
        fs.writeFileSync(service, units.service.replace(KEYS_BACKUP_BIN, path.join(dir, "keys-backup")));
        fs.writeFileSync(path.join(dir, "chainfleet-keys-backup.timer"), units.timer);
        const r = run("systemd-analyze", ["verify", service, path.join(dir, "chainfleet-keys-backup.timer")], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr.trim(), "", "systemd-analyze printed warnings");
        assert.match(units.timer, /OnUnitActiveSec=15min/);
        // The install, run in a scratch root with a stub systemctl: files byte for byte, then the timer.
        const root = tempDir("root-");
        const bin = stubBin({ systemctl: `echo "$*" >> ${root}/systemctl.log` });
        const install = keyBackupInstallScript("", units).replace(/\/usr\/local\/libexec|\/etc\/systemd/g, (m) => `${root}${m}`);
        const ran = run("bash", ["-c", install], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(ran.status, 0, ran.stderr);
        assert.equal(fs.readFileSync(`${root}${KEYS_BACKUP_BIN}`, "utf8"), SCRIPT);
        assert.equal(fs.statSync(`${root}${KEYS_BACKUP_BIN}`).mode & 0o777, 0o755);
        assert.equal(fs.readFileSync(`${root}/etc/systemd/system/chainfleet-keys-backup.timer`, "utf8"), units.timer);
        assert.deepEqual(fs.readFileSync(`${root}/systemctl.log`, "utf8").trim().split("\n"), ["daemon-reload", "enable --now chainfleet-keys-backup.timer", "start chainfleet-keys-backup.service"]);
    });

    it("sends the keystores once, again only when they change; a failed send is retried by the next run", () => {
        const keys = tempDir("keys-");
        const state = tempDir("state-");
        const none = backup(keys, state);
        assert.equal(none.status, 0, none.stderr);
        assert.match(none.stdout, /no keystores in .* yet/);
        assert.deepEqual(none.calls, []);

        fs.writeFileSync(path.join(keys, "cl1-0.p12"), Buffer.from([1, 2, 3]));
        fs.writeFileSync(path.join(keys, "cl1-1.p12"), Buffer.from([4, 5, 6]));
        fs.writeFileSync(path.join(keys, "notes.txt"), "not a keystore");
        const first = backup(keys, state);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(first.calls.length, 1);
        assert.match(first.calls[0], /^secretsmanager put-secret-value --region eu-west-1 --secret-id arn:aws:secretsmanager:\S+ottochain-keys\/b --secret-binary fileb:\/\//);
        assert.deepEqual(listing(first.archives[0]), ["cl1-0.p12", "cl1-1.p12"]);

        // Unchanged (even with new mtimes): nothing sent.
        fs.utimesSync(path.join(keys, "cl1-0.p12"), new Date(), new Date(2000, 1, 1));
        const same = backup(keys, state);
        assert.equal(same.calls.length, 1);
        assert.match(same.stdout, /unchanged since the last backup/);

        // A new key: sent; a send that fails: the next run sends it.
        fs.writeFileSync(path.join(keys, "cl1-2.p12"), Buffer.from([7]));
        const failed = backup(keys, state, 'echo "AccessDeniedException" >&2; exit 254');
        assert.notEqual(failed.status, 0);
        const retried = backup(keys, state);
        assert.equal(retried.calls.length, 2);
        assert.deepEqual(listing(retried.archives[1]), ["cl1-0.p12", "cl1-1.p12", "cl1-2.p12"]);
        // The archive restores as documented.
        const restored = tempDir("restored-");
        assert.equal(run("tar", ["-xzf", retried.archives[1], "-C", restored]).status, 0);
        assert.deepEqual(fs.readFileSync(path.join(restored, "cl1-1.p12")), Buffer.from([4, 5, 6]));
    });

    it("refuses a set larger than a secret can hold, saying so, and sends nothing", () => {
        const keys = tempDir("keys-");
        fs.writeFileSync(path.join(keys, "big.p12"), crypto.randomBytes(70_000));
        const r = backup(keys, tempDir("state-"));
        assert.equal(r.status, 1);
        assert.match(r.stderr, /over Secrets Manager's 65536; nothing sent/);
        assert.deepEqual(r.calls, []);
    });

    it("prod: one secret per metagraph host under the stack's KMS key; each host may write only its own, through Secrets Manager", async () => {
        const g = await planStack("prod");
        const secrets = ofType(g, "aws:secretsmanager/secret:Secret").map((s) => s.inputs.name).sort();
        assert.deepEqual(secrets, ["chainfleet/prod/ottochain-keys/a", "chainfleet/prod/ottochain-keys/b", "chainfleet/prod/ottochain-keys/c"]);
        const policy = JSON.parse(String(byName(g, "ottochain-keys-b-policy").inputs.policy)) as { Statement: { Action: string[]; Resource: string[]; Condition?: object }[] };
        assert.deepEqual(policy.Statement[0].Action, ["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"]);
        assert.equal(policy.Statement[0].Resource.length, 1);
        assert.deepEqual(policy.Statement[1].Condition, { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } });
        assert.ok(!String(byName(g, "ottochain-keys-b-policy").inputs.policy).includes("GetSecretValue"), "a host cannot read backups back");
        const timer = byName(g, "ottochain-keys-b-timer");
        assert.match(String(timer.inputs.create), /systemctl enable --now chainfleet-keys-backup\.timer/);
        assert.ok(byName(g, "ottochain-keys-b-secret").retainOnDelete);
        const kms = byName(g, "ottochain-keys-kms");
        assert.ok(kms.retainOnDelete && !kms.protect, "kept on destroy, which a protected key would refuse");
        assert.equal(ofType(await planStack("prod", { "hosts.keyBackup.enabled": false }), "aws:secretsmanager/secret:Secret").length, 0);
    });
});
