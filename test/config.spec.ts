// Every config rule has a failing case whose message is checked (key, value, rule).
import { strict as assert } from "assert";
import { expectProblem, load, problems } from "./harness/configLoad";
import { DEV_ALL_SYSTEMS, FAKE_PROD_SECRETS } from "./harness/graph";
import { decodeEncryptionKey, HOST_GIB_PER_VCPU, INSTANCE_TYPES, instanceMemoryMiB } from "../stacks/rules";
import * as fs from "fs";
import * as path from "path";
import { run, stubBin, tempDir } from "./util/tools";
import { PROD_SITE_VALUES } from "./harness/prodSiteValues";
import { reEscape, stackFile } from "./harness/stackConfig";

/**
 * A `pulumi` stub that parses `config set` like cobra: flags until `--`, positionals after it;
 * prints the stack, key and value (the value from stdin when none is given), fails on extra args.
 */
const PULUMI_STUB = `stack=""; secret=0; pos=(); dashdash=0
[ "$1 $2" = "config set" ] || { echo "not config set" >&2; exit 2; }; shift 2
while [ $# -gt 0 ]; do
  if [ $dashdash = 1 ]; then pos+=("$1")
  else case "$1" in --) dashdash=1;; --stack) stack="$2"; shift;; --secret) secret=1;; -*) echo "unknown flag $1" >&2; exit 2;; *) pos+=("$1");; esac; fi
  shift
done
[ \${#pos[@]} -ge 1 ] && [ \${#pos[@]} -le 2 ] || { echo "accepts 1 or 2 args, received \${#pos[@]}" >&2; exit 2; }
value="\${pos[1]-$(cat)}"
printf 'stack=%s secret=%s key=%s value=%s\n' "$stack" "$secret" "\${pos[0]}" "$value"`;

describe("stack config", () => {
    it("accepts both real stack files", () => {
        assert.deepEqual(problems("dev"), []);
        assert.deepEqual(problems("prod"), []);
    });

    it("names the key, the value and the rule", () => {
        expectProblem(problems("dev", { "ottochain.currencyL1.nodes": 0 }), "chainfleet:ottochain.currencyL1.nodes must be an integer ≥ 1 (got 0)");
        expectProblem(problems("dev", { "scitt.port": 70000 }), "chainfleet:scitt.port must be an integer from 1 to 65535 (got 70000)");
        expectProblem(problems("dev", { "scitt.platform": "sgx" }), 'chainfleet:scitt.platform must be one of "virtual", "snp" (got "sgx")');
        expectProblem(problems("dev", { topology: "staging" }), 'chainfleet:topology must be one of "dev", "prod" (got "staging")');
        expectProblem(problems("dev", { "wealthwars.replicas": 1.5 }), "chainfleet:wealthwars.replicas must be an integer from 1 to 50 (got 1.5)");
        expectProblem(problems("dev", { "scitt.enabled": "yes" }), 'chainfleet:scitt.enabled must be true or false (got "yes")');
        expectProblem(problems("dev", { "hosts.localAddress": "localhost" }), 'chainfleet:hosts.localAddress must be an IPv4 address like 127.0.0.1 (got "localhost")');
        expectProblem(problems("dev", { "wealthwars.solanaRpcUrl": "ftp://x" }), 'chainfleet:wealthwars.solanaRpcUrl must be an http(s) URL to a host name or IPv4 address, with no credentials, space, quote, $ or backslash (got "ftp://x")');
        expectProblem(problems("dev", { "wealthwars.database.backupRetentionDays": 3 }), "chainfleet:wealthwars.database.backupRetentionDays must be an integer from 7 to 35 (got 3)");
        expectProblem(problems("dev", { "scitt.cpus": 0 }), "chainfleet:scitt.cpus must be a number from 0.25 to 64 (got 0)");
        expectProblem(problems("prod", { "network.cidr": "10.0.0.0" }), 'chainfleet:network.cidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.0.0.0")');
        expectProblem(problems("prod", { "network.availabilityZones": 1 }), "chainfleet:network.availabilityZones must be an integer from 2 to 6 (got 1)");
        expectProblem(problems("dev", { "hosts.snapshots.intervalHours": 5 }), "chainfleet:hosts.snapshots.intervalHours must be one of 1, 2, 3, 4, 6, 8, 12, 24 (got 5)");
        expectProblem(problems("dev", { "ottochain.tessellationVersion": "latest" }), 'chainfleet:ottochain.tessellationVersion must be a version like 2.8.1 (got "latest")');
        expectProblem(problems("dev", { "lottery.contractAddress": "0x12" }), 'chainfleet:lottery.contractAddress must be a 0x-prefixed 20-byte hex address (got "0x12")');
        expectProblem(problems("dev", { "kubernetes.namespace": "Bad_NS" }), 'chainfleet:kubernetes.namespace must be a DNS-1123 label (lowercase a-z, 0-9 and -, at most 63, starting and ending with a letter or digit) (got "Bad_NS")');
        expectProblem(problems("dev", { "ottochain.placement.dataL1": "C!" }), 'chainfleet:ottochain.placement.dataL1 must be a host label like c (got "C!")');
        expectProblem(problems("dev", { "ottochain.genesisResetToken": "a b" }), 'chainfleet:ottochain.genesisResetToken must be a token of letters, digits, . _ - (at most 64, starting with a letter or digit) (got "a b")');
        expectProblem(problems("dev", { "wealthwars.migrateCommand": [] }), "chainfleet:wealthwars.migrateCommand must be a non-empty list (got [])");
        expectProblem(problems("dev", { "hosts.sshAllowedCidrs": "10.0.0.0/8" }), 'chainfleet:hosts.sshAllowedCidrs must be a list of IPv4 CIDRs (got "10.0.0.0/8")');
    });

    it("the host catalogue knows every enclave type with the same memory (the memory rule reads only the catalogue)", () => {
        for (const [type, info] of Object.entries(INSTANCE_TYPES)) {
            assert.equal(instanceMemoryMiB(type), info.memoryMiB, type);
            assert.ok(HOST_GIB_PER_VCPU[type.split(".")[0]] !== undefined, type);
        }
        assert.equal(instanceMemoryMiB("t3.xlarge"), 16384);
        assert.equal(instanceMemoryMiB("r8g.48xlarge"), 192 * 8 * 1024);
        assert.equal(instanceMemoryMiB("x2idn.xlarge"), undefined);
    });

    it("an integer for a string key (what pulumi config set --path stores for 17) is read as that string", () => {
        assert.equal(load("dev", { "ottochain.metagraphVersion": 17 }).ottochain.metagraphVersion, "17");
        assert.equal(load("dev", { "ottochain.resync": { "cl1-0": 2 } }).ottochain.resync["cl1-0"], "2");
        expectProblem(problems("dev", { "ottochain.metagraphVersion": 1.5 }), /--path --type string chainfleet:ottochain\.metagraphVersion -- 1\.5`/);
    });

    it("hosts.sshUser is a POSIX user name: what would end the bastion's heredoc, add an AllowUsers entry or run a command is refused", () => {
        const rule = "must be a POSIX user name: a lowercase letter or _, then up to 31 of a-z 0-9 _ - (as useradd accepts; no space, newline or quote)";
        const hostile = ["ec2-user\nSSHD\ntouch /root/pwned", "ec2-user root", "$(id)", "`id`", "ec2-user'", "Admin", "1user", "-oProxyCommand", "ops@host", "", "a".repeat(33), "ec2-üser"];
        for (const bad of hostile) {
            expectProblem(problems("prod", { "hosts.sshUser": bad, "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["203.0.113.0/24"] }),
                `chainfleet:hosts.sshUser ${rule} (got ${JSON.stringify(bad)})`);
        }
        for (const good of ["ec2-user", "ubuntu", "admin", "_svc", "a".repeat(32)]) assert.deepEqual(problems("prod", { "hosts.sshUser": good }), [], good);
    });

    it("CIDRs and addresses: octets 0 to 255, and a CIDR with no host bits", () => {
        expectProblem(problems("prod", { "network.cidr": "10.300.0.0/16" }), 'chainfleet:network.cidr must be an IPv4 CIDR whose octets are 0 to 255 (got "10.300.0.0/16")');
        expectProblem(problems("prod", { "hosts.ingressAllowedCidrs": ["10.0.0.1/8"] }),
            'chainfleet:hosts.ingressAllowedCidrs[0] must be a CIDR with no host bits set (the address must be the network\'s first, e.g. 10.0.0.0/16, not 10.0.0.1/16) (got "10.0.0.1/8")');
        expectProblem(problems("dev", { "hosts.localAddress": "127.0.0.256" }), 'chainfleet:hosts.localAddress must be an IPv4 address whose octets are 0 to 255 (got "127.0.0.256")');
        // One message per value: the first rule it breaks, not every later one too.
        const about = (key: string, list: string[]) => list.filter((p) => p.startsWith(`chainfleet:${key} `));
        assert.deepEqual(about("hosts.localAddress", problems("dev", { "hosts.localAddress": "localhost" })), ['chainfleet:hosts.localAddress must be an IPv4 address like 127.0.0.1 (got "localhost")']);
        assert.deepEqual(about("network.cidr", problems("prod", { "network.cidr": "10.0.0.0" })), ['chainfleet:network.cidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.0.0.0")']);
        assert.deepEqual(about("network.cidr", problems("prod", { "network.cidr": "10.300.0.1/16" })), ['chainfleet:network.cidr must be an IPv4 CIDR whose octets are 0 to 255 (got "10.300.0.1/16")']);
        for (const good of ["10.0.0.0/8", "192.168.1.128/25", "203.0.113.7/32", "0.0.0.0/0"]) {
            assert.ok(!problems("prod", { "hosts.ingressAllowedCidrs": [good] }).some((p) => p.includes("ingressAllowedCidrs")), good);
        }
    });

    it("Neo: replicas ≥ 1, tokens and a key whenever its database is used in prod", () => {
        expectProblem(problems("prod", { "neo.replicas": 0 }), "chainfleet:neo.replicas must be an integer from 1 to 100 (got 0)");
        const { neoEncryptionKey: _k, neoApiTokens: _t, ...rest } = FAKE_PROD_SECRETS;
        const list = problems("prod", {}, rest);
        expectProblem(list, /^chainfleet:neoEncryptionKey \(SECRET_ENCRYPTION_KEY of the Neo service layer\) is required/);
        expectProblem(list, /^chainfleet:neoApiTokens \(.*\) is required/);
    });

    it("refuses unpinned images", () => {
        expectProblem(problems("dev", { "neo.image": "ghcr.io/r3e-network/service-layer:latest" }), /^chainfleet:neo\.image must be an image pinned to a tag or digest .* \(got "ghcr.io\/r3e-network\/service-layer:latest"\)$/);
        expectProblem(problems("dev", { "wealthwars.image": "backend" }), /^chainfleet:wealthwars\.image must be an image pinned/);
        assert.deepEqual(problems("dev", { "neo.image": `ghcr.io/x/y@sha256:${"a".repeat(64)}` }), []);
        assert.deepEqual(problems("dev", { "neo.image": "localhost:5000/x/y:1.2" }), []);
    });

    it("reports unknown keys as typos", () => {
        expectProblem(problems("dev", { "scitt.prot": 8000 }), 'chainfleet:scitt has unknown key "prot" (a typo?)');
        expectProblem(problems("dev", { otochain: {} }), 'unknown config key "chainfleet:otochain" (a typo?)');
    });

    it("reports several bad values at once", () => {
        const list = problems("dev", { "ottochain.currencyL1.nodes": 0, "scitt.port": 0, "neo.replicas": 0 });
        assert.equal(list.length, 3, list.join("\n"));
    });

    it("the prod stack file holds no placeholder, and each value it leaves to the operator is refused while unset, naming its key", () => {
        const text = fs.readFileSync(stackFile("prod"), "utf8");
        for (const p of ["ghcr.io/chainfleet/", "service-layer:v0.9.0", "replace-me", "replace with", "example.com", "123456789012"]) assert.ok(!text.includes(p), `Pulumi.prod.yaml holds the placeholder ${p}`);
        for (const key of Object.keys(PROD_SITE_VALUES).filter((k) => k !== "lottery.image")) {
            assert.match(text, new RegExp(`# ${reEscape(key.split(".").pop()!)}: REQUIRED`), `${key} is not marked REQUIRED in the stack file`);
            const found = problems("prod", { [key]: undefined });
            assert.ok(found.some((m) => m.includes(`chainfleet:${key}`)), `${key} unset: ${JSON.stringify(found)}`);
        }
    });

    it("checks rules that span keys", () => {
        expectProblem(problems("dev", { "scitt.image": "x/scitt:1.0", "scitt.source": undefined, "scitt.buildContext": "../scitt-ccf-ledger" }), 'chainfleet:scitt.image, chainfleet:scitt.buildContext and chainfleet:scitt.source.url: set exactly one (got image "x/scitt:1.0", buildContext "../scitt-ccf-ledger", source.url nothing)');
        expectProblem(problems("prod", { "scitt.attestationConfigPath": undefined }), 'chainfleet:scitt.attestationConfigPath must be set when chainfleet:scitt.platform is "snp" (got nothing)');
        expectProblem(problems("dev", { "scitt.platform": "snp" }), /^chainfleet:scitt\.platform "snp" needs AMD SEV-SNP hardware, which the dev topology .* use "virtual" in dev \(got "snp"\)$/);
        expectProblem(problems("prod", { "scitt.instanceType": undefined }), 'chainfleet:scitt.instanceType must be an AMD SEV-SNP type (m6a.*, c6a.*, r6a.*) when chainfleet:scitt.platform is "snp" (got "t3.xlarge" from chainfleet:hosts.instanceType)');
        expectProblem(problems("prod", { "scitt.instanceType": "m5.xlarge" }), /chainfleet:scitt\.instanceType must be an AMD SEV-SNP type .* \(got "m5\.xlarge"\)$/);
        assert.deepEqual(problems("prod", { "scitt.instanceType": "c6a.2xlarge" }), []);
        expectProblem(problems("prod", { "scitt.attestationConfigSource": "/nonexistent/attestation.json" }), 'chainfleet:scitt.attestationConfigSource must be a file on this machine (got "/nonexistent/attestation.json", which does not exist)');
        // The prod hosts are made by the same up: what they need from this machine must be named (#23 defects 1 and 2).
        expectProblem(problems("prod", { "scitt.attestationConfigSource": undefined }), 'chainfleet:scitt.attestationConfigSource must be set when chainfleet:scitt.platform is "snp" in prod: the SCITT host is made by this same up, so nothing else puts the file at chainfleet:scitt.attestationConfigPath, and the node would start on an empty directory there (got nothing)');
        assert.deepEqual(problems("prod", { "scitt.attestationConfigSource": undefined, "scitt.platform": "virtual", "scitt.instanceType": undefined }), [], "virtual needs no attestation config");
        expectProblem(problems("prod", { "ottochain.jarsSource": undefined }), /^chainfleet:ottochain\.jarsSource must be set in prod: the metagraph hosts are made by this same up, so nothing else puts jars on them before the nodes start; a local directory holding the jars, laid out by version as chainfleet:ottochain\.jarsDir .* \(got nothing\)$/);
        expectProblem(problems("prod", { "ottochain.genesisSource": undefined }), /^chainfleet:ottochain\.genesisSource must be set in prod: .*nothing else puts genesis files on them .*gl0\/genesis\.csv .* and ml0\/genesis\.csv \(got nothing\)$/);
        assert.deepEqual(problems("prod", { "ottochain.jarsSource": undefined, "ottochain.genesisSource": undefined, "ottochain.enabled": false }), []);
        expectProblem(problems("prod", { "neo.ingress.tls": undefined }), /^chainfleet:neo\.ingress\.tls must be set in prod: "cert-manager" .* or "existing-secret" \(you create the secret "neo-service-layer-tls" in chainfleet:kubernetes\.namespace first\); nothing else provides it \(got nothing\)$/);
        expectProblem(problems("prod", { "neo.ingress.clusterIssuer": undefined }), 'chainfleet:neo.ingress.clusterIssuer must be set when chainfleet:neo.ingress.tls is "cert-manager": the ClusterIssuer that issues the certificate (got nothing)');
        assert.deepEqual(problems("prod", { "neo.ingress.tls": "existing-secret", "neo.ingress.clusterIssuer": undefined }), []);
        expectProblem(problems("dev", { "scitt.nodePort": 8000 }), "chainfleet:scitt.nodePort must differ from chainfleet:scitt.port (both 8000)");
        expectProblem(problems("dev", { "ottochain.globalL0.source": "external" }), /^chainfleet:ottochain\.globalL0\.peerId and chainfleet:ottochain\.globalL0\.host must be set when chainfleet:ottochain\.globalL0\.source is "external"/);
        expectProblem(problems("prod", { "neo.database": "memory" }), 'chainfleet:neo.database must be "postgres" in prod: the in-memory store loses data on every restart (got "memory")');
        expectProblem(problems("prod", { "neo.autoscaling.enabled": true, "neo.autoscaling.maxReplicas": 1 }), "chainfleet:neo.autoscaling.maxReplicas must be ≥ chainfleet:neo.replicas (got 1 < 2)");
        expectProblem(problems("prod", { "neo.ingress.host": undefined }), /^chainfleet:neo\.ingress\.host must be set in prod/);
        expectProblem(problems("prod", { "hosts.sshPublicKey": undefined }), /^chainfleet:hosts\.sshPublicKey must be set in prod/);
        expectProblem(problems("prod", { "hosts.sshAllowedCidrs": ["0.0.0.0/0"] }), 'chainfleet:hosts.sshAllowedCidrs[0] must not open SSH to the world (got "0.0.0.0/0")');
    });

    it("finds port collisions on a host", () => {
        // In dev every layer shares one host: CL1 node 10 takes 9400, which is DL1 node 0's.
        expectProblem(problems("dev", { "ottochain.currencyL1.nodes": 11, "ottochain.currencyL1.maxNodes": 11 }), 'on host "local" ports 9400, 9401, 9402 are taken by both cl1-10 (chainfleet:ottochain.currencyL1.nodes) and dl1-0 (chainfleet:ottochain.dataL1.nodes): change one of them (a port, a node count or a placement)');
        expectProblem(problems("dev", { "neo.port": 9000 }), /^on host "local" port 9000 is taken by both neo \(chainfleet:neo\.port\) and gl0 \(chainfleet:ottochain\.placement\.globalL0\)/);
        expectProblem(problems("prod", { "ottochain.placement.dataL1": "b", "ottochain.currencyL1.nodes": 11, "ottochain.currencyL1.maxNodes": 20 }), /on host "b" ports 9400, 9401, 9402 are taken by both cl1-10 \(chainfleet:ottochain\.currencyL1\.nodes\) and dl1-0 \(chainfleet:ottochain\.dataL1\.nodes\)/);
        expectProblem(problems("dev", { ...DEV_ALL_SYSTEMS, "wealthwars.port": 8000 }), 'on host "local" port 8000 is taken by both scitt (chainfleet:scitt.port/nodePort) and wealthwars (chainfleet:wealthwars.port): change one of them (a port, a node count or a placement)');
        assert.deepEqual(problems("prod", { "ottochain.currencyL1.nodes": 100, "ottochain.currencyL1.maxNodes": 100, "ottochain.dataL1.nodes": 100, "ottochain.dataL1.maxNodes": 100, "hosts.instanceType": "r6i.16xlarge" }), []);
        expectProblem(problems("prod", { "ottochain.currencyL1.nodes": 11 }), "chainfleet:ottochain.currencyL1.nodes must be ≤ chainfleet:ottochain.currencyL1.maxNodes (got 11 > 10): raise maxNodes to open the hosts' ports for more nodes");
    });

    it("parses Kubernetes quantities and keeps requests within limits", () => {
        expectProblem(problems("prod", { "neo.resources.limitMemory": "512MB" }), 'chainfleet:neo.resources.limitMemory must be a Kubernetes memory quantity like "256Mi", "1Gi" or "500M" (got "512MB")');
        expectProblem(problems("prod", { "neo.resources.requestCpu": "250 m" }), 'chainfleet:neo.resources.requestCpu must be a Kubernetes CPU quantity like "250m" or "1.5" (got "250 m")');
        expectProblem(problems("prod", { "neo.resources.requestMemory": "1Gi" }), 'chainfleet:neo.resources.requestMemory must not exceed chainfleet:neo.resources.limitMemory (got "1Gi" > "512Mi")');
        expectProblem(problems("prod", { "neo.resources.requestCpu": "1500m" }), 'chainfleet:neo.resources.requestCpu must not exceed chainfleet:neo.resources.limitCpu (got "1500m" > "1")');
        assert.deepEqual(problems("prod", { "neo.resources.requestMemory": "500M", "neo.resources.limitMemory": "0.5Gi", "neo.resources.requestCpu": "0.5" }), []);
    });

    it("refuses JVM heaps and limits that do not fit their host's memory, naming the keys", () => {
        const list = problems("prod", { "ottochain.metagraphL0.heapMiB": 65536 });
        expectProblem(list, /^host "a" needs \d+ MiB \(.*ml0 1 × \(65536 heap \+ 768\) MiB.*\), more than t3\.xlarge's 16384 MiB less 1024 MiB for the OS and Docker: lower .*chainfleet:ottochain\.metagraphL0\.heapMiB.* \(got "t3\.xlarge"\)$/);
        expectProblem(problems("prod", { "ottochain.currencyL1.nodes": 8 }), /^host "b" needs 22528 MiB \(cl1 8 × \(2048 heap \+ 768\) MiB\)/);
        assert.deepEqual(problems("prod", { "ottochain.currencyL1.nodes": 5 }), [], "5 × 2816 MiB fits 15360 MiB");
        expectProblem(problems("prod", { "scitt.memoryMiB": 16384 }), /^host "scitt" needs 16384 MiB \(scitt 16384 MiB\)/);
    });

    it("says which pulumi config set --secret command a missing prod secret needs", () => {
        const list = problems("prod", {}, {});
        const home = tempDir();
        fs.mkdirSync(path.join(home, ".ssh"));
        fs.writeFileSync(path.join(home, ".ssh", "chainfleet_ed25519"), "-----BEGIN KEY-----\nline\n");
        fs.writeFileSync(path.join(home, "authority.json"), "[1,2,3]");
        const bin = stubBin({ pulumi: PULUMI_STUB, openssl: "echo 0a1b2c3d", cat: 'exec /bin/cat "$@"' });
        for (const key of ["sshPrivateKey", "wealthwarsAuthoritySecretKey", "ottochainKeystorePassword", "lotteryOperatorKey", "neoApiTokens", "neoEncryptionKey"]) {
            const hit = list.map((p) => new RegExp(`^chainfleet:${key} \\(.*\\) is required: run \`(.*)\`$`).exec(p)).find(Boolean);
            assert.ok(hit, `no hint for ${key} in:\n${list.join("\n")}`);
            // Paste the hint into a shell, as a user would: it must set this key on the user's stack.
            const r = run("bash", ["-c", hit[1]], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home }, cwd: home, input: "" });
            assert.equal(r.status, 0, `${hit[1]}\n${r.stderr}`);
            assert.match(r.stdout, new RegExp(`^stack=org/chainfleet/production secret=1 key=chainfleet:${key} value=.+`), hit[1]);
        }
        assert.ok(!list.some((p) => p.includes("wealthwarsApiKeys")), "optional secrets are not required");
        // A disabled system needs no secret.
        const { wealthwarsAuthoritySecretKey: _w, ...rest } = FAKE_PROD_SECRETS;
        assert.deepEqual(problems("prod", { "wealthwars.enabled": false }, rest), []);
    });

    it("refuses secrets stored in plain text and broken secret values, without echoing them", () => {
        expectProblem(problems("prod", {}, FAKE_PROD_SECRETS, ["chainfleet:neoApiTokens"]), /^chainfleet:neoApiTokens must be stored as a secret .* run `pulumi config set --stack org\/chainfleet\/production --secret chainfleet:neoApiTokens -- /);
        const bad = { ...FAKE_PROD_SECRETS, neoEncryptionKey: "too-short", lotteryOperatorKey: "0x1234", neoApiTokens: "a,,b", ottochainKeystorePassword: "short" };
        const list = problems("prod", {}, bad);
        expectProblem(list, "chainfleet:neoEncryptionKey must be 16, 24 or 32 bytes, given raw, base64 or hex (got a secret value that is not)");
        expectProblem(list, "chainfleet:lotteryOperatorKey must be 0x followed by 64 hex digits (got a secret value that is not)");
        expectProblem(list, "chainfleet:neoApiTokens must be comma-separated, non-empty tokens (got a secret value that is not)");
        expectProblem(list, "chainfleet:ottochainKeystorePassword must be at least 8 characters (got a secret value that is not)");
        for (const p of list) for (const v of Object.values(bad)) assert.ok(!p.includes(v), `a problem echoes a secret: ${p}`);
    });

    it("warns below consensus and below two replicas, without failing", () => {
        const c = load("prod", { "ottochain.dataL1.nodes": 2, "neo.replicas": 1 });
        assert.ok(c.warnings.includes("chainfleet:ottochain.dataL1.nodes is 2: an L1 cluster needs ≥ 3 nodes for consensus"));
        assert.ok(c.warnings.includes("chainfleet:neo.replicas is 1: below 2 a node drain takes the service down"));
    });

    it("decodes the Neo encryption key raw, base64 or hex", () => {
        assert.equal(decodeEncryptionKey("0123456789abcdef")?.length, 16); // as hex 8 bytes (invalid), as raw 16: valid
        assert.equal(decodeEncryptionKey("00".repeat(32))?.length, 32);
        assert.equal(decodeEncryptionKey(Buffer.alloc(24, 7).toString("base64"))?.length, 24);
        assert.equal(decodeEncryptionKey("x".repeat(20)), undefined);
    });
});
