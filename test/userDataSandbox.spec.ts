// The user data of the bastion and of a Docker host, as the plan generates it, run for real as
// root in a sandbox: a mount namespace (unshare) whose whole root is an overlay over a tmpfs,
// entered with chroot, so whatever a script writes lands in the tmpfs, is listed, and is gone
// with the namespace. The system's tools are played by stubs that record their arguments (dnf,
// systemctl, sshd, blkid, mkfs.xfs, mount, usermod); the data volume's device is a file.
// Each script must write only its own files and call only its own tools: nothing a config value
// could have smuggled in. Where unshare is not allowed (not root, no CAP_SYS_ADMIN) it says why
// and skips. The enclave host's user data (nitro-cli, vsock) runs on the prod rehearsal (#23).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planStack } from "./harness/graph";
import { bastionSshdConfig } from "../components/platform/bastion";
import { run, stubBin, tempDir } from "./util/tools";

const TOOLS = ["dnf", "systemctl", "sshd", "blkid", "mkfs.xfs", "mount", "usermod"];

/** Runs a user-data script in the sandbox; returns the files it wrote (absolute) and the tool calls. */
function sandboxed(userData: string, prepare: string): { written: string[]; calls: string[]; read: (f: string) => string } {
    const dir = tempDir();
    const log = path.join(dir, "calls.log");
    // blkid: the first call finds no filesystem (so mkfs runs), the UUID query answers one.
    const bin = stubBin(Object.fromEntries(TOOLS.map((t) => [t, t === "blkid"
        ? `echo "blkid $*" >> ${log}; case "$*" in *UUID*) echo 0b5e-fake-uuid;; *) exit 2;; esac`
        : `echo "${t} $*" >> ${log}`])));
    fs.writeFileSync(path.join(dir, "user-data"), userData);
    const ovl = path.join(dir, "ovl");
    fs.mkdirSync(ovl);
    const root = `${ovl}/root`;
    const inner = [
        "set -e",
        `mount -t tmpfs none ${ovl}`,
        `mkdir ${ovl}/u ${ovl}/w ${root}`,
        `mount -t overlay overlay -o lowerdir=/,upperdir=${ovl}/u,workdir=${ovl}/w ${root}`,
        // /dev: a tmpfs of its own with only /dev/null (the device file of the data volume goes there).
        `mount -t tmpfs none ${root}/dev && touch ${root}/dev/null && mount --bind /dev/null ${root}/dev/null`,
        `chroot ${root} /usr/bin/env -i PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin bash --norc --noprofile -c ${JSON.stringify(`set -e; ${prepare}; bash --norc --noprofile ${dir}/user-data`)}`,
        `(cd ${ovl}/u && find . -type f | sed 's|^\\.||') > ${dir}/written`,
        `cp ${ovl}/u${log} ${log} 2>/dev/null || true`,
        `tar -C ${ovl}/u -cf ${dir}/upper.tar .`,
    ].join("\n");
    const r = run("unshare", ["--mount", "--fork", "bash", "-c", inner]);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const written = fs.readFileSync(path.join(dir, "written"), "utf8").split("\n").filter((l) => l && !l.startsWith(dir) && l !== "/dev/null");
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    const upper = path.join(dir, "upper");
    fs.mkdirSync(upper);
    run("tar", ["-C", upper, "-xf", path.join(dir, "upper.tar")]);
    return { written, calls, read: (f) => fs.readFileSync(path.join(upper, f), "utf8") };
}

describe("user data in a sandbox", function () {
    this.timeout(60_000);
    before(function () {
        const probe = run("unshare", ["--mount", "--fork", "true"]);
        if (probe.status !== 0) {
            console.log(`      skipped: unshare --mount is not allowed here (${probe.stderr.trim()}): needs root or CAP_SYS_ADMIN`);
            this.skip();
        }
    });

    it("the bastion writes only its sshd hardening and calls only sshd -t and systemctl", async () => {
        const g = await planStack("prod", { "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["203.0.113.0/24"], "hosts.sshUser": "ops_1" });
        const bastion = g.resources.find((r) => r.type === "aws:ec2/instance:Instance" && /bastion/.test(r.name));
        assert.ok(bastion, "the plan has no bastion instance");
        const s = sandboxed(String(bastion.inputs.userData), "true");
        assert.deepEqual(s.written, ["/etc/ssh/sshd_config.d/00-chainfleet-bastion.conf"]);
        assert.equal(s.read("/etc/ssh/sshd_config.d/00-chainfleet-bastion.conf"), bastionSshdConfig("ops_1").trimEnd() + "\n");
        assert.deepEqual(s.calls, ["sshd -t", "systemctl reload sshd", "systemctl enable --now amazon-ssm-agent"]);
    });

    it("a Docker host writes only Docker's config, its fstab line and its data volume's host keys, and calls only its tools", async () => {
        const g = await planStack("prod", {});
        const host = g.resources.find((r) => r.type === "aws:ec2/instance:Instance" && r.name === "host-a-instance");
        assert.ok(host, "the plan has no host-a instance");
        const userData = String(host.inputs.userData);
        const dev = /^dev=(\S+)$/m.exec(userData)?.[1];
        assert.ok(dev, "the user data names no data volume device");
        const s = sandboxed(userData, `mkdir -p ${path.dirname(dev)} && touch ${dev}`);
        const unexpected = s.written.filter((f) => f !== "/etc/docker/daemon.json" && f !== "/etc/fstab" && !f.startsWith("/data/.chainfleet/ssh-host-keys/ssh_host_"));
        assert.deepEqual(unexpected, [], "files beyond Docker's config, fstab and the saved host keys");
        assert.ok(s.written.includes("/etc/docker/daemon.json"));
        assert.match(s.read("/etc/fstab"), /^UUID=0b5e-fake-uuid \/data xfs defaults,nofail 0 2$/m);
        assert.deepEqual(s.calls.map((c) => c.split(" ")[0]).filter((t, i, a) => a.indexOf(t) === i).sort(), ["blkid", "dnf", "mkfs.xfs", "mount", "systemctl", "usermod"]);
        assert.ok(s.calls.includes(`mkfs.xfs -L chainfleet-data ${dev}`), "a volume with no filesystem is formatted once");
        assert.ok(s.calls.includes("usermod -aG docker ec2-user"), s.calls.join("\n"));
    });
});
