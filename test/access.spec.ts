// The deployer's path to the prod hosts (components/platform/sshAccess.ts, stacks/access.ts):
// the command lines run for real against OpenSSH servers on loopback (a "host" and a bastion with
// the bastion's own sshd settings), the Docker provider's argv as docker/cli builds it, the SSM
// ProxyCommand against a stub `aws`, known_hosts recording and pinning; then the prod plan.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { bastionSshdConfig, bastionUserData } from "../components/platform/bastion";
import { secretEnvPreamble, secretEnvStdin } from "../components/platform/shell";
import {
    copyCommand, dockerSshUrl, hostKeyAlias, knownHostsLine, parseJumpHost, remoteScriptCommand, SshAccess, sshOptions, waitForHostCommand, writeAccessFiles,
} from "../components/platform/sshAccess";
import { byName, defaultPlan, dependsOnTransitively, FAKE_PROD_SECRETS, Graph, ofType, planStack } from "./harness/graph";
import { expectProblem, problems } from "./harness/configLoad";
import { keyPair, startSshd, Sshd, sshdUnavailable } from "./util/sshd";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";

/** Runs a generated local command with bash, as command.local.Command does (interpreter bash -c). */
function bash(line: string, o: { stdin?: string; env?: Record<string, string> } = {}) {
    return run("/bin/bash", ["-c", line], { input: o.stdin ?? "", env: { ...process.env, ...o.env }, timeout: 60_000 });
}

describe("deployer access: command lines", () => {
    const a: SshAccess = { mode: "direct", dir: ".chainfleet/ssh/prod", pinnedHostKeys: false };

    it("every ssh uses our key only, our known_hosts, the host's stable alias, and never prompts", () => {
        const o = sshOptions(a, "b").join(" ");
        for (const want of ["BatchMode=yes", "IdentitiesOnly=yes", "-i .chainfleet/ssh/prod/id_chainfleet", "UserKnownHostsFile=.chainfleet/ssh/prod/known_hosts",
            "StrictHostKeyChecking=accept-new", "HostKeyAlias=chainfleet-b"]) assert.ok(o.includes(want), `${want} missing from ${o}`);
        assert.ok(sshOptions({ ...a, pinnedHostKeys: true }, "b").includes("StrictHostKeyChecking=yes"));
        assert.ok(!o.includes("ProxyCommand"), "direct has no proxy");
        // No path of the deployer's home: the same plan from a laptop and a CI runner.
        assert.ok(!o.includes(process.env.HOME ?? "/root"));
    });

    it("ssm proxies through Session Manager's ssh document; bastion and jump through ssh -W", () => {
        const ssm = sshOptions({ ...a, mode: "ssm", region: "eu-west-1" }, "a");
        assert.ok(ssm.includes("ProxyCommand=aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region eu-west-1"));
        const jump = sshOptions({ ...a, mode: "jump", jump: { user: "ops", host: "203.0.113.5", port: 2222 } }, "a");
        const proxy = jump.find((w) => w.startsWith("ProxyCommand="))!;
        assert.match(proxy, /^ProxyCommand=ssh .*-i \.chainfleet\/ssh\/prod\/id_chainfleet .*HostKeyAlias=chainfleet-bastion .*-p 2222 -W %h:%p ops@203\.0\.113\.5$/);
        assert.throws(() => sshOptions({ ...a, mode: "bastion" }, "a"), /needs a jump host/);
        assert.equal(dockerSshUrl(a, "ec2-user", "10.40.1.9"), "ssh://ec2-user@10.40.1.9");
        assert.equal(dockerSshUrl({ ...a, port: 2200 }, "ec2-user", "i-0abc"), "ssh://ec2-user@i-0abc:2200");
    });

    it("parses jump hosts and refuses what is not user@host[:port]", () => {
        assert.deepEqual(parseJumpHost("ops@jump.example.com"), { user: "ops", host: "jump.example.com", port: 22 });
        assert.deepEqual(parseJumpHost("ops@10.0.0.5:2222"), { user: "ops", host: "10.0.0.5", port: 2222 });
        for (const bad of ["jump.example.com", "ops@", "ops@host:99999", "ops@host;rm -rf /", "-oProxyCommand=x@h"]) assert.equal(parseJumpHost(bad), undefined, bad);
    });

    it("generated commands and the bastion's user data pass bash -n and shellcheck", () => {
        const script = "set -euo pipefail\necho \"it's $HOME\"";
        // SC1003 is a note about the script quoted inside a quoted word: that nesting is the point.
        const nested = (line: string) => `# shellcheck disable=SC1003\n${line}`;
        assert.deepEqual(shellProblems(nested(remoteScriptCommand(a, "a", "ec2-user", "10.0.0.1", script))), []);
        assert.deepEqual(shellProblems(nested(waitForHostCommand({ ...a, mode: "ssm" }, "a", "ec2-user", "i-0abc", script, 30))), []);
        assert.deepEqual(shellProblems(copyCommand(a, "a", "ec2-user", "10.0.0.1", "jars/a b.jar", "/data/x")), []);
        assert.deepEqual(shellProblems(bastionUserData("ec2-user")), []);
        // A value past the config rule (another caller) is refused here too, never spliced into root's heredoc.
        for (const bad of ["ec2-user\nSSHD\ntouch /tmp/pwned", "ec2-user root"]) assert.throws(() => bastionUserData(bad), /is not a POSIX user name/);
    });

    it("writes the key 0600 and rewrites nothing that is unchanged", () => {
        const dir = path.join(tempDir(), "ssh", "prod");
        writeAccessFiles(dir, { privateKey: "KEY", publicKey: "ssh-ed25519 AAAA x" });
        const key = path.join(dir, "id_chainfleet");
        assert.equal(fs.statSync(key).mode & 0o777, 0o600);
        assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
        assert.equal(fs.readFileSync(key, "utf8"), "KEY\n");
        assert.ok(!fs.existsSync(path.join(dir, "known_hosts")), "unpinned: ssh records host keys itself");
        const before = fs.statSync(key).mtimeMs;
        writeAccessFiles(dir, { privateKey: "KEY\n", publicKey: "ssh-ed25519 AAAA x" });
        assert.equal(fs.statSync(key).mtimeMs, before);
        writeAccessFiles(dir, { privateKey: "KEY", publicKey: "ssh-ed25519 AAAA x", knownHosts: ["chainfleet-a ssh-ed25519 AAAB"] });
        assert.equal(fs.readFileSync(path.join(dir, "known_hosts"), "utf8"), "chainfleet-a ssh-ed25519 AAAB\n");
        assert.equal(knownHostsLine("a", "ssh-ed25519 AAAB root@ip-10-0-0-1\n"), "chainfleet-a ssh-ed25519 AAAB");
    });
});

describe("deployer access: for real against sshd on loopback", function () {
    this.timeout(120_000);
    const skip = sshdUnavailable();
    let dir: string;
    let host: Sshd;
    let bastion: Sshd;
    let hostKey: string;
    const stops: Sshd[] = [];
    const access = (o: Partial<SshAccess> = {}): SshAccess => ({ mode: "direct", dir, pinnedHostKeys: false, port: host.port, ...o });
    const viaBastion = (): SshAccess => access({ mode: "jump", jump: { user: "nobody", host: "127.0.0.1", port: bastion.port } });

    before(async function () {
        if (skip) this.skip();
        dir = tempDir("chainfleet-access-");
        fs.chmodSync(dir, 0o700);
        keyPair(dir, "id_chainfleet"); // the deployer's key, where writeAccessFiles puts it
        const authorized = fs.readFileSync(path.join(dir, "id_chainfleet.pub"), "utf8");
        hostKey = keyPair(tempDir("chainfleet-hostkey-"), "ssh_host_ed25519_key");
        host = await startSshd({ config: "PermitRootLogin prohibit-password\nAllowUsers root\nSetEnv CHAINFLEET_ON_HOST=yes", authorizedKeys: authorized, hostKey });
        // The bastion runs the bastion's own sshd settings; its login user (nobody) has no shell.
        bastion = await startSshd({ config: bastionSshdConfig("nobody"), authorizedKeys: authorized });
        stops.push(host, bastion);
    });
    after(async () => { for (const s of stops) await s.stop(); });

    it("direct: a script with quotes, $ and newlines runs as written; a secret arrives on stdin, never in the command", () => {
        const secret = "pa ss'w$rd=\n";
        const script = `${secretEnvPreamble(["DB_PASSWORD"])}\nprintf '%s|%s|%s' "$DB_PASSWORD" 'it'"'"'s $HOME' "$CHAINFLEET_ON_HOST"`;
        const line = remoteScriptCommand(access(), "a", "root", "127.0.0.1", script);
        assert.ok(!line.includes("pa ss"), "the secret is not in the command");
        const r = bash(line, { stdin: secretEnvStdin({ DB_PASSWORD: secret }) });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${secret}|it's $HOME|yes`);
        assert.equal(bash(remoteScriptCommand(access(), "a", "root", "127.0.0.1", "exit 7")).status, 7, "the script's exit status comes back");
    });

    it("records the host's key under its alias chainfleet-<label>, not its address", () => {
        const known = fs.readFileSync(path.join(dir, "known_hosts"), "utf8");
        const [type, key] = host.hostPublicKey.split(" ");
        assert.ok(known.split("\n").some((l) => l.startsWith(`${hostKeyAlias("a")} ${type} ${key}`)), known);
        assert.ok(!known.includes("127.0.0.1"));
    });

    it("jump/bastion: the host is reached through the bastion, which itself gives no shell and admits only its user", () => {
        const r = bash(remoteScriptCommand(viaBastion(), "a", "root", "127.0.0.1", "echo through; hostname >/dev/null"));
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "through");
        const bastionAccess = { ...access(), port: bastion.port };
        const shell = bash(remoteScriptCommand(bastionAccess, "bastion", "nobody", "127.0.0.1", "echo SHELL-OPEN"));
        assert.notEqual(shell.status, 0);
        assert.ok(!shell.stdout.includes("SHELL-OPEN"), "ForceCommand: no shell on the bastion");
        const root = bash(remoteScriptCommand(bastionAccess, "bastion", "root", "127.0.0.1", "true"));
        assert.notEqual(root.status, 0, "root may not log in to the bastion");
        assert.match(root.stderr, /Permission denied/);
    });

    it("the Docker provider's argv (ssh <sshOpts> -p port -- user@host docker system dial-stdio) reaches the host through the proxy", () => {
        // docker/cli cli/connhelper/ssh: sshFlags, then -p and the destination, then the command; no shell.
        const stub = stubBin({ docker: 'printf "dial-stdio:%s\\n" "$*"' });
        const opts = sshOptions(viaBastion(), "a");
        const r = run("ssh", [...opts, "-p", String(host.port), "--", "root@127.0.0.1", `PATH=${stub}:$PATH`, "docker", "system", "dial-stdio"], { timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "dial-stdio:system dial-stdio");
    });

    it("ssm: the ProxyCommand hands the instance id and port to `aws ssm start-session`", () => {
        const log = path.join(tempDir(), "aws.log");
        // A stand-in for the AWS CLI + session-manager-plugin: checks the arguments, then relays
        // the session to the instance's sshd (here on loopback), as AWS-StartSSHSession does.
        const aws = stubBin({
            aws: `printf '%s\\n' "$*" >> ${log}
[ "$1 $2" = "ssm start-session" ] || exit 64
target=""; port=""; doc=""
while [ $# -gt 0 ]; do case "$1" in --target) target=$2; shift;; --document-name) doc=$2; shift;; --parameters) port=\${2#portNumber=}; shift;; esac; shift; done
[ "$doc" = AWS-StartSSHSession ] && [ "$target" = i-0123456789abcdef0 ] || exit 65
exec 3<>"/dev/tcp/127.0.0.1/$port"; cat <&3 & cat >&3`,
        });
        const ssm = access({ mode: "ssm", region: "eu-west-1" });
        const r = bash(remoteScriptCommand(ssm, "a", "root", "i-0123456789abcdef0", "echo via-ssm"), { env: { PATH: `${aws}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "via-ssm");
        assert.match(fs.readFileSync(log, "utf8"), new RegExp(`--target i-0123456789abcdef0 --document-name AWS-StartSSHSession --parameters portNumber=${host.port} --region eu-west-1`));
    });

    it("copies a file with scp over the same path", () => {
        const src = path.join(tempDir(), "jar with space.jar");
        fs.writeFileSync(src, Buffer.from([0, 1, 2, 255, 10, 13]));
        const dest = path.join(tempDir(), "copied.jar");
        const r = bash(copyCommand(viaBastion(), "a", "root", "127.0.0.1", src, dest));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readFileSync(dest), fs.readFileSync(src));
    });

    it("a replaced host that kept its key (restored from its data volume) is accepted at its new address", async () => {
        const again = await startSshd({ config: "PermitRootLogin prohibit-password\nAllowUsers root", authorizedKeys: fs.readFileSync(path.join(dir, "id_chainfleet.pub"), "utf8"), hostKey });
        stops.push(again);
        const r = bash(waitForHostCommand(access({ port: again.port }), "a", "root", "127.0.0.1", "echo ready", 20));
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "ready");
    });

    it("a host answering with another key is refused, and the wait says which file and line to fix", async () => {
        const impostor = await startSshd({ config: "PermitRootLogin prohibit-password\nAllowUsers root", authorizedKeys: fs.readFileSync(path.join(dir, "id_chainfleet.pub"), "utf8") });
        stops.push(impostor);
        const r = bash(waitForHostCommand(access({ port: impostor.port }), "a", "root", "127.0.0.1", "echo SHOULD-NOT-RUN", 1));
        assert.equal(r.status, 1);
        assert.ok(!r.stdout.includes("SHOULD-NOT-RUN"));
        assert.match(r.stderr, /host a \(127\.0\.0\.1\) did not answer ssh within 1s/);
        assert.match(r.stderr, new RegExp(`ssh-keygen -R chainfleet-a -f ${dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/known_hosts`));
    });

    it("a prod host command as planned — a node's keygen, its password on stdin through sudo into docker — runs over the path", async () => {
        // The host side: sudo that resets the environment as sudo's env_reset does, keeping only
        // --preserve-env names; docker that writes the keystore from CL_PASSWORD, as cl-keytool would.
        const stubs = stubBin({
            sudo: `keep=(); while [ $# -gt 0 ]; do case "$1" in --preserve-env=*) IFS=, read -ra keep <<< "\${1#--preserve-env=}";; -*) ;; *) break;; esac; shift; done
env_args=("PATH=$PATH"); for k in "\${keep[@]}"; do env_args+=("$k=\${!k-}"); done
exec env -i "\${env_args[@]}" "$@"`,
            docker: `store=""; keys=""; for a; do case "$a" in CL_KEYSTORE=*) store=\${a#CL_KEYSTORE=};; *:/keys) keys=\${a%:/keys};; esac; done
case "$*" in *"cl-keytool.jar generate"*) printf '%s' "\${CL_PASSWORD:?no CL_PASSWORD reached docker}" > "$keys/\${store#/keys/}";; *show-id*) echo peer-id-of-\${store##*/};; esac`,
        });
        const node = await startSshd({ config: `PermitRootLogin prohibit-password\nAllowUsers root\nSetEnv PATH=${stubs}:/usr/bin:/bin`, authorizedKeys: fs.readFileSync(path.join(dir, "id_chainfleet.pub"), "utf8") });
        stops.push(node);
        const jarsDir = tempDir("jars-");
        const keysDir = path.join(tempDir("keys-"), "keys");
        // Planned with this test's own key pair: the plan writes chainfleet:sshPrivateKey into keyDir.
        const g = await planStack("prod", {
            "hosts.access.mode": "direct", "hosts.sshAllowedCidrs": ["10.0.0.0/8"], "hosts.access.keyDir": dir,
            "hosts.sshPublicKey": fs.readFileSync(path.join(dir, "id_chainfleet.pub"), "utf8").trim(),
            "ottochain.jarsDir": jarsDir, "ottochain.keysDir": keysDir,
        }, { ...FAKE_PROD_SECRETS, sshPrivateKey: fs.readFileSync(path.join(dir, "id_chainfleet"), "utf8") });
        const keygen = byName(g, "ottochain-cl1-cl1-1-key");
        assert.ok(keygen.secretPaths.includes("stdin") && !keygen.secretPaths.includes("create"));
        // The jars directory the keygen reads its owner from (the version's own directory) exists on the host.
        const owned = /stat -c %u:%g (\S+?)\)/.exec(String(keygen.inputs.create));
        assert.ok(owned && owned[1].startsWith(jarsDir), "the keygen takes the jars' owner");
        fs.mkdirSync(owned![1], { recursive: true });
        // Aim the planned command at the loopback sshd instead of the (fake) EC2 address.
        const line = String(keygen.inputs.create).replace(/ -- ec2-user@[\d.]+ /, ` -p ${node.port} -- root@127.0.0.1 `);
        assert.notEqual(line, String(keygen.inputs.create), "the planned command names its host as ec2-user@<address>");
        const r = bash(line, { stdin: String(keygen.inputs.stdin) });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout.trim(), /^peer-id-of-cl1-1\.p12$/);
        assert.equal(fs.readFileSync(path.join(keysDir, "cl1-1.p12"), "utf8"), FAKE_PROD_SECRETS.ottochainKeystorePassword, "the password reached docker through ssh, stdin and sudo");
        assert.ok(!r.stdout.includes(FAKE_PROD_SECRETS.ottochainKeystorePassword) && !r.stderr.includes(FAKE_PROD_SECRETS.ottochainKeystorePassword));
    });

    it("pinned known hosts: a key that is not pinned is refused even on first contact; the pinned one is accepted", () => {
        const pinnedDir = tempDir("chainfleet-pinned-");
        fs.copyFileSync(path.join(dir, "id_chainfleet"), path.join(pinnedDir, "id_chainfleet"));
        fs.chmodSync(path.join(pinnedDir, "id_chainfleet"), 0o600);
        const pinned = (line: string) => {
            fs.writeFileSync(path.join(pinnedDir, "known_hosts"), `${line}\n`);
            return bash(remoteScriptCommand(access({ dir: pinnedDir, pinnedHostKeys: true }), "a", "root", "127.0.0.1", "echo pinned-ok"));
        };
        const other = fs.readFileSync(`${keyPair(tempDir(), "other")}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
        const refused = pinned(`chainfleet-a ${other}`);
        assert.notEqual(refused.status, 0);
        assert.match(refused.stderr, /IDENTIFICATION HAS CHANGED|Host key verification failed/);
        const ok = pinned(knownHostsLine("a", host.hostPublicKey));
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(ok.stdout.trim(), "pinned-ok");
    });
});

describe("deployer access: config rules", () => {
    it("each mode's requirements name the keys", () => {
        expectProblem(problems("prod", { "hosts.access.mode": "jump" }), 'chainfleet:hosts.access.jumpHost must be set when chainfleet:hosts.access.mode is "jump": the existing jump host as "user@host" or "user@host:port" (got nothing)');
        expectProblem(problems("prod", { "hosts.access.mode": "jump", "hosts.access.jumpHost": "jump.example.com" }), 'chainfleet:hosts.access.jumpHost must be "user@host" or "user@host:port": a POSIX user name, a host name or IPv4 address, a port 1 to 65535 (got "jump.example.com")');
        expectProblem(problems("prod", { "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": [] }), 'chainfleet:hosts.sshAllowedCidrs must list who may reach the bastion on port 22 when chainfleet:hosts.access.mode is "bastion" (got [])');
        expectProblem(problems("prod", { "hosts.access.mode": "ssh" }), 'chainfleet:hosts.access.mode must be one of "ssm", "bastion", "jump", "direct" (got "ssh")');
        expectProblem(problems("prod", { "hosts.access.jumpHost": "ops@jump" }), 'chainfleet:hosts.access.jumpHost is used only when chainfleet:hosts.access.mode is "jump" (got mode "ssm", jumpHost "ops@jump")');
        expectProblem(problems("prod", { "hosts.bastion": "ops@jump" }), /^chainfleet:hosts\.bastion is replaced by chainfleet:hosts\.access: set chainfleet:hosts\.access\.mode to "jump"/);
        expectProblem(problems("prod", { "hosts.access.knownHosts": ["10.0.0.1 ssh-ed25519 AAAA"] }), /^chainfleet:hosts\.access\.knownHosts\.\[0\]|^chainfleet:hosts\.access\.knownHosts\[0\] must be a known_hosts line "chainfleet-<label> <key type> <base64 key>" \(got "10\.0\.0\.1 ssh-ed25519 AAAA"\)$/);
        assert.deepEqual(problems("prod", { "hosts.access.mode": "jump", "hosts.access.jumpHost": "ops@jump.example.com:2222", "hosts.sshAllowedCidrs": ["10.9.0.0/24"] }), []);
    });

    it("an existing VPC needs its id and two private subnets; the created one takes none; RDS must be reachable from the cluster", () => {
        expectProblem(problems("prod", { "network.mode": "existing" }), 'chainfleet:network.vpcId must be set when chainfleet:network.mode is "existing" (got nothing)');
        expectProblem(problems("prod", { "network.mode": "existing", "network.vpcId": "vpc-0abc12345def67890", "network.privateSubnetIds": ["subnet-0abc12345def67890"] }),
            /^chainfleet:network\.privateSubnetIds must list ≥ 2 private subnets in different availability zones/);
        expectProblem(problems("prod", { "network.vpcId": "vpc-0abc12345def67890" }), /^chainfleet:network\.vpcId is used only when chainfleet:network\.mode is "existing"/);
        expectProblem(problems("prod", { "network.vpcId": "vpc-12" }), 'chainfleet:network.vpcId must be a VPC id like vpc-0abc12345def67890 (got "vpc-12")');
        expectProblem(problems("prod", { "kubernetes.clusterCidrs": [] }), /^chainfleet:kubernetes\.clusterCidrs or chainfleet:kubernetes\.clusterSecurityGroupId must be set when chainfleet:network\.mode is "create" and RDS serves the cluster/);
        expectProblem(problems("prod", { "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["198.51.100.0/24"], ...EXISTING }),
            'chainfleet:network.publicSubnetIds must name a public subnet for the bastion when chainfleet:hosts.access.mode is "bastion" and chainfleet:network.mode is "existing" (got [])');
        assert.deepEqual(problems("prod", EXISTING), []);
        // A created VPC is routed to the cluster, or RDS is unreachable from it (#23 defect 3).
        expectProblem(problems("prod", { "network.clusterRoute": {} }), /^chainfleet:network\.clusterRoute\.via must be set when chainfleet:network\.mode is "create" and RDS serves the cluster at chainfleet:kubernetes\.clusterCidrs \["10\.100\.0\.0\/16"\]: nothing else routes/);
        expectProblem(problems("prod", { "network.clusterRoute.routeTableIds": [] }), /^chainfleet:network\.clusterRoute\.vpcId and chainfleet:network\.clusterRoute\.routeTableIds must be set when chainfleet:network\.clusterRoute\.via is "peering"/);
        expectProblem(problems("prod", { "network.clusterRoute": { via: "transitGateway" } }), 'chainfleet:network.clusterRoute.transitGatewayId must be set when chainfleet:network.clusterRoute.via is "transitGateway" (got nothing)');
        assert.deepEqual(problems("prod", { "network.clusterRoute": { via: "transitGateway", transitGatewayId: "tgw-0abc12345def67890" } }), []);
    });
});

describe("the created VPC's routes (prod)", function () {
    this.timeout(60_000);

    it("routes are their own resources, none inline (a route added beside inline ones is removed on the next up), and the cluster is routed both ways over the peering", async () => {
        const g = await defaultPlan("prod");
        for (const rt of ofType(g, "aws:ec2/routeTable:RouteTable")) assert.equal(rt.inputs.routes, undefined, `${rt.name} has inline routes`);
        const routes = ofType(g, "aws:ec2/route:Route");
        assert.deepEqual(routes.filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0").map((r) => r.name).sort(), ["chainfleet-private-default-0", "chainfleet-private-default-1", "chainfleet-public-default"]);
        const peering = byName(g, "chainfleet-cluster-peering");
        assert.deepEqual([peering.inputs.peerVpcId, peering.inputs.autoAccept], ["vpc-0c1a2b3c4d5e6f708", true]);
        for (const i of [0, 1]) {
            const r = byName(g, `chainfleet-private-${i}-cluster-0`);
            assert.equal(r.inputs.destinationCidrBlock, "10.100.0.0/16");
            assert.ok(r.inputs.vpcPeeringConnectionId !== undefined && dependsOnTransitively(g, r, peering));
        }
        const back = byName(g, "chainfleet-cluster-return-0");
        assert.deepEqual([back.inputs.routeTableId, back.inputs.destinationCidrBlock], ["rtb-0c1a2b3c4d5e6f708", "10.40.0.0/16"]);
    });

    it("or through a transit gateway the VPC is attached to on its private subnets", async () => {
        const g = await planStack("prod", { "network.clusterRoute": { via: "transitGateway", transitGatewayId: "tgw-0abc12345def67890" } });
        const attachment = byName(g, "chainfleet-cluster-tgw");
        assert.equal(attachment.inputs.transitGatewayId, "tgw-0abc12345def67890");
        assert.equal((attachment.inputs.subnetIds as string[]).length, 2);
        const r = byName(g, "chainfleet-private-1-cluster-0");
        assert.deepEqual([r.inputs.transitGatewayId, r.inputs.destinationCidrBlock], ["tgw-0abc12345def67890", "10.100.0.0/16"]);
        assert.ok(dependsOnTransitively(g, r, attachment));
        assert.equal(ofType(g, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").length, 0);
    });
});

/** An existing VPC (the cluster's), as an operator would configure it. */
const EXISTING = {
    "network.mode": "existing", "network.vpcId": "vpc-0abc12345def67890", "network.cidr": "10.40.0.0/16",
    "network.privateSubnetIds": ["subnet-0aaa00000000000a1", "subnet-0bbb00000000000b2"], "kubernetes.clusterCidrs": [],
};

describe("deployer access: the prod plan", function () {
    this.timeout(60_000);
    let ssm: Graph;
    before(async () => { ssm = await defaultPlan("prod"); });
    const hostCommands = (g: Graph) => ofType(g, "command:local:Command");

    it("ssm (the default): no host opens port 22, every host command and Docker provider goes through Session Manager to the instance id", () => {
        for (const sg of ofType(ssm, "aws:ec2/securityGroup:SecurityGroup").filter((s) => s.name.startsWith("host-"))) {
            const ingress = (sg.inputs.ingress ?? []) as { fromPort: number }[];
            assert.ok(!ingress.some((r) => r.fromPort === 22), `${sg.name} opens 22`);
        }
        const cmds = hostCommands(ssm);
        assert.ok(cmds.length > 10);
        for (const c of cmds) assert.match(String(c.inputs.create), /ProxyCommand=aws ssm start-session --target %h/, c.name);
        const provider = byName(ssm, "host-a-docker");
        assert.match(String(provider.inputs.host), /^ssh:\/\/ec2-user@host-a-instance-id$/);
        assert.ok((JSON.parse(String(provider.inputs.sshOpts)) as string[]).some((w) => w.startsWith("ProxyCommand=aws ssm start-session")));
        assert.ok(ofType(ssm, "aws:ec2/instance:Instance").every((i) => !String(i.name).startsWith("bastion")), "no bastion");
    });

    it("bastion: one public bastion admits the allowed CIDRs; the hosts admit 22 from its security group only; everything hops through it", async () => {
        const g = await planStack("prod", { "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["198.51.100.0/24"] });
        const bsg = byName(g, "bastion-sg").inputs as { ingress: { fromPort: number; cidrBlocks: string[] }[]; egress: { fromPort: number; cidrBlocks: string[] }[] };
        assert.deepEqual(bsg.ingress.map((r) => [r.fromPort, r.cidrBlocks]), [[22, ["198.51.100.0/24"]]]);
        assert.deepEqual(bsg.egress.find((r) => r.fromPort === 22)!.cidrBlocks, ["10.40.0.0/16"]);
        for (const label of ["a", "b", "c", "scitt"]) {
            const ingress = byName(g, `host-${label}-sg`).inputs.ingress as { fromPort: number; cidrBlocks?: string[]; securityGroups?: string[] }[];
            const ssh = ingress.filter((r) => r.fromPort === 22);
            assert.equal(ssh.length, 1);
            assert.deepEqual([ssh[0].cidrBlocks, ssh[0].securityGroups?.length], [undefined, 1], `host-${label}: 22 only from the bastion's group`);
        }
        const ready = byName(g, "host-b-engine-ready");
        assert.match(String(ready.inputs.create), /ProxyCommand=ssh .* -W %h:%p ec2-user@/);
        assert.ok(dependsOnTransitively(g, ready, byName(g, "bastion-eip")), "the path exists before the first host command");
        assert.equal(byName(g, "bastion-instance").inputs.associatePublicIpAddress, true);
        assert.equal((byName(g, "bastion-instance").inputs.metadataOptions as { httpTokens: string }).httpTokens, "required");
    });

    it("the plan writes chainfleet:sshPrivateKey to hosts.access.keyDir (0600), where every ssh option points", async () => {
        const keyDir = path.join(tempDir(), "keys");
        const g = await planStack("prod", { "hosts.access.keyDir": keyDir });
        const file = path.join(keyDir, "id_chainfleet");
        assert.equal(fs.readFileSync(file, "utf8"), `${FAKE_PROD_SECRETS.sshPrivateKey}\n`);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.ok(fs.readFileSync(`${file}.pub`, "utf8").startsWith("ssh-ed25519 "));
        assert.ok(String(byName(g, "host-c-engine-ready").inputs.create).includes(`-i ${keyDir}/id_chainfleet`));
        assert.equal((g.outputs.access as { keyDir: string }).keyDir, keyDir);
    });

    it("no host command or Docker provider input is secret, and the key never appears in one", () => {
        for (const c of hostCommands(ssm)) {
            assert.ok(!c.secretPaths.some((p) => p === "create" || p.startsWith("create.")), `${c.name}: create is secret`);
            assert.ok(!String(c.inputs.create).includes("BEGIN OPENSSH"), `${c.name} carries the key`);
        }
    });

    it("an existing VPC: nothing of a VPC is created; the hosts and RDS use its subnets; RDS admits the VPC and the cluster", async () => {
        const g = await planStack("prod", { ...EXISTING, "kubernetes.clusterSecurityGroupId": "sg-0c1a2b3c4d5e6f708", "kubernetes.clusterCidrs": ["100.64.0.0/16"] });
        for (const t of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway"]) assert.equal(ofType(g, t).length, 0, t);
        assert.equal(byName(g, "host-a-instance").inputs.subnetId, "subnet-0aaa00000000000a1");
        const rdsSg = byName(g, "wealthwars-db-sg").inputs.ingress as { cidrBlocks?: string[]; securityGroups?: string[] }[];
        assert.deepEqual(rdsSg[0].cidrBlocks, ["10.40.0.0/16", "100.64.0.0/16"]);
        assert.deepEqual(rdsSg[1].securityGroups, ["sg-0c1a2b3c4d5e6f708"]);
        assert.deepEqual(byName(g, "wealthwars-db-subnets").inputs.subnetIds, EXISTING["network.privateSubnetIds"]);
    });

    it("an existing VPC whose CIDR is not network.cidr fails the plan, naming both", async () => {
        await assert.rejects(planStack("prod", { ...EXISTING, "network.cidr": "10.41.0.0/16" }),
            /chainfleet:network\.cidr must be the CIDR of chainfleet:network\.vpcId vpc-0abc12345def67890 \(got "10\.41\.0\.0\/16", the VPC has "10\.40\.0\.0\/16"\)/);
    });
});
