// The enclave lottery operator: validation rules with their messages, the enclave host's
// generated files through real tools, the KMS policy field by field, and the graphs.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { enclaveHostFiles, enclaveHostUserData, enclaveKeyPolicy, EnclaveRun } from "../components/platform/enclaveSpec";
import { enclaveRpcProblems, validateEnclave, EnclaveSizing } from "../stacks/rules";
import { byName, defaultPlan, FAKE_PROD_SECRETS, Graph, ofType, planStack } from "./harness/graph";
import { run, shellProblems, tempDir, writeScript } from "./util/tools";
import { violations } from "../policy/rules";

const RUN: EnclaveRun = {
    name: "lottery", eifS3Uri: "s3://chainfleet-artifacts/lottery/lottery-1.0.0.eif", pcr0: "ab".repeat(48), cpuCount: 2, memoryMiB: 2048, cid: 16,
    servicePort: 6080, rpcProxyPort: 8001, rpcHost: "rpc.example-chain.org", debugMode: false,
    region: "eu-west-1", configPort: 7000, kmsProxyPort: 8002, ciphertextParameter: "/chainfleet/lottery/operator-key.ciphertext",
    appEnv: { BLOCKCHAIN_RPC_URL: "https://rpc.example-chain.org", BLOCKCHAIN_CHAIN_ID: "1", APP_PORT: "6080" },
};
const SIZE: EnclaveSizing = { instanceType: "m6i.xlarge", cpuCount: 2, memoryMiB: 2048, cid: 16, debugMode: false, eifS3Uri: RUN.eifS3Uri, pcr0: RUN.pcr0 };
/** The dev stack file turns the lottery off (no public image): these tests turn it on with an image of one's own. */
const DEV_LOTTERY = { "lottery.enabled": true, "lottery.image": "example.org/lottery:1.0" };
const v = (e: Partial<EnclaveSizing>, form = "enclave", topology: "dev" | "prod" = "prod") => validateEnclave(form, { ...SIZE, ...e }, topology);

/**
 * What `nitro-cli build-enclave` makes an image run, as aws-nitro-enclaves-cli enclave_build/src/
 * docker.rs:266-283 decides it: the CMD (an ENTRYPOINT is dropped) when there is one, else the
 * ENTRYPOINT. Read from a Dockerfile's last stage; `[]` clears, as Docker reads it.
 */
function eifCommand(dockerfile: string): string[] {
    const stages = dockerfile.split(/^FROM\s/m);
    let cmd: string[] | undefined, entrypoint: string[] | undefined;
    for (const line of stages[stages.length - 1].split("\n")) {
        const m = /^(CMD|ENTRYPOINT)\s+(\[.*\])\s*$/.exec(line.trim());
        if (!m) continue;
        const argv = JSON.parse(m[2]) as string[];
        if (m[1] === "CMD") cmd = argv.length ? argv : undefined; else entrypoint = argv.length ? argv : undefined;
    }
    const argv = cmd ?? entrypoint;
    if (!argv) throw new Error("nitro-cli: UnsupportedEntryPoint (no CMD and no ENTRYPOINT)");
    return argv;
}

describe("the EIF image (nitro-cli's rule, the enclave init's PATH and working directory)", () => {
    const dockerfile = fs.readFileSync(path.join(__dirname, "..", "components", "systems", "lottery", "enclave", "Dockerfile"), "utf8");

    it("the EIF image runs enclave-init.sh, then the operator, every path absolute (the init runs from / with PATH /sbin:/usr/sbin:/bin:/usr/bin)", () => {
        const argv = eifCommand(dockerfile);
        assert.equal(argv[0], "/usr/local/bin/enclave-init.sh");
        assert.ok(argv.length >= 2, "enclave-init.sh needs the operator's command as its arguments");
        for (const a of argv) assert.ok(a.startsWith("/"), `${a}: a bare or relative path resolves against / and the init's PATH only`);
        assert.match(dockerfile, /^COPY enclave-init\.sh \/usr\/local\/bin\/enclave-init\.sh$/m);
    });

    it("the model is live: the form the README showed (ENTRYPOINT init + CMD) never runs the init", () => {
        const before = "FROM x\nENTRYPOINT [\"/usr/local/bin/enclave-init.sh\"]\nCMD [\"python3\", \"src/main.py\"]\n";
        assert.deepEqual(eifCommand(before), ["python3", "src/main.py"]);
        assert.deepEqual(eifCommand("FROM x\nENTRYPOINT [\"/a\"]\n"), ["/a"]);
        assert.throws(() => eifCommand("FROM x\nENTRYPOINT []\n"), /UnsupportedEntryPoint/);
    });
});

describe("lottery enclave validation", () => {
    it("accepts a fitting enclave", () => assert.deepEqual(v({}), []));

    it("refuses instance types that cannot host an enclave", () => {
        assert.deepEqual(v({ instanceType: "m6i.large" }), ['chainfleet:lottery.enclave.instanceType must have ≥ 4 vCPUs on Intel/AMD to host an enclave (got "m6i.large" with 2)']);
        assert.deepEqual(v({ instanceType: "t3.xlarge" }), ['chainfleet:lottery.enclave.instanceType must be a Nitro instance type that supports enclaves, e.g. m6i.xlarge, c6i.2xlarge, m6g.large (got "t3.xlarge")']);
        assert.deepEqual(validateEnclave("enclave", { ...SIZE, instanceType: "m6g.large", cpuCount: 1, memoryMiB: 1024 }, "prod"), ['chainfleet:lottery.enclave.cpuCount must leave the parent ≥ 2 of the 2 vCPUs of "m6g.large" (got 1)']);
    });

    it("refuses odd CPUs on multithreaded parents and starving the parent", () => {
        assert.deepEqual(v({ instanceType: "m6i.2xlarge", cpuCount: 3 }), ['chainfleet:lottery.enclave.cpuCount must be even on "m6i.2xlarge" (2 threads per core: enclaves take whole cores) (got 3)']);
        assert.deepEqual(v({ cpuCount: 4 }), ['chainfleet:lottery.enclave.cpuCount must leave the parent ≥ 2 of the 4 vCPUs of "m6i.xlarge" (got 4)']);
        assert.deepEqual(v({ instanceType: "m7a.xlarge", cpuCount: 1 }), [], "no SMT on m7a: odd is fine");
    });

    it("refuses too little or too much memory", () => {
        assert.deepEqual(v({ memoryMiB: 32 }), ["chainfleet:lottery.enclave.memoryMiB must be ≥ 64 (got 32)"]);
        assert.deepEqual(v({ memoryMiB: 16000 }), ['chainfleet:lottery.enclave.memoryMiB must be ≤ 15360 on "m6i.xlarge" (16384 MiB less 1024 for the parent) (got 16000)']);
    });

    it("refuses debug mode in prod and a missing EIF or PCR0", () => {
        assert.deepEqual(v({ debugMode: true }), ["chainfleet:lottery.enclave.debugMode must be false in prod: debug mode zeroes the PCRs, so attestation proves nothing (got true)"]);
        assert.deepEqual(v({ eifS3Uri: undefined, pcr0: undefined }), [
            "chainfleet:lottery.enclave.eifS3Uri must be set for the enclave form: the s3://bucket/key of the EIF (got nothing)",
            "chainfleet:lottery.enclave.pcr0 must be set for the enclave form: the EIF's PCR0 printed by nitro-cli build-enclave (got nothing)",
        ]);
    });

    it("refuses an enclave or a cluster in dev", () => {
        assert.deepEqual(v({}, "enclave", "dev"), ['chainfleet:lottery.form must be "container" or "kubernetes" in dev: a Nitro Enclave needs an EC2 parent (got "enclave")']);
        assert.deepEqual(v({}, "kubernetes", "dev"), ['chainfleet:lottery.form must be "container" in dev: the dev topology has no Kubernetes cluster (got "kubernetes")']);
    });

    it("refuses a parent vsock port that is the packaged proxy's 8000 or another listener's", () => {
        const ports = { rpcProxyPort: 8001, configPort: 7000, kmsProxyPort: 8002 };
        assert.deepEqual(v(ports), []);
        assert.deepEqual(v({ ...ports, kmsProxyPort: 8000 }), ["chainfleet:lottery.enclave.kmsProxyPort must not be 8000: the packaged nitro-enclaves-vsock-proxy listens there (got 8000)"]);
        assert.deepEqual(v({ ...ports, configPort: 8001 }), ["chainfleet:lottery.enclave.configPort must differ from chainfleet:lottery.enclave.rpcProxyPort: each parent vsock listener needs its own port (got 8001 for both)"]);
        assert.deepEqual(v({ ...ports, kmsProxyPort: 7000 }), ["chainfleet:lottery.enclave.kmsProxyPort must differ from chainfleet:lottery.enclave.configPort: each parent vsock listener needs its own port (got 7000 for both)"]);
    });

    it("the enclave's RPC is https on 443, the only egress its vsock-proxy gives; other forms take any URL", () => {
        assert.deepEqual(enclaveRpcProblems("enclave", "https://rpc.example-chain.org"), []);
        assert.deepEqual(enclaveRpcProblems("enclave", "https://rpc.example-chain.org:443/v1"), []);
        assert.deepEqual(enclaveRpcProblems("enclave", "http://rpc.example-chain.org:8545"),
            ['chainfleet:lottery.rpcUrl must be an https:// URL on port 443 in the enclave form: the enclave reaches its chain only through the parent\'s vsock-proxy to <host>:443 (got "http://rpc.example-chain.org:8545")']);
        assert.equal(enclaveRpcProblems("enclave", "https://rpc.example-chain.org:8443").length, 1);
        assert.deepEqual(enclaveRpcProblems("container", "http://host.docker.internal:8545"), []);
    });

    it("refuses CIDs outside 4 … 4294967294 and replicas other than 1 (through the stack config)", async () => {
        await assert.rejects(planStack("prod", { "lottery.enclave.cid": 3 }), /chainfleet:lottery\.enclave\.cid must be an integer from 4 to 4294967294 \(got 3\)/);
        await assert.rejects(planStack("prod", { "lottery.enclave.cid": 4294967295 }), /chainfleet:lottery\.enclave\.cid must be an integer from 4 to 4294967294 \(got 4294967295\)/);
        await assert.rejects(planStack("dev", { "lottery.replicas": 2 }), /chainfleet:lottery\.replicas must be exactly 1 \(the operator has no shared state bus: two instances would race\) \(got 2\)/);
        await assert.rejects(planStack("prod", { "lottery.enclave.instanceType": "m6i.large" }), /m6i\.large" with 2/);
        await assert.rejects(planStack("prod", { "lottery.enclave.configPort": 8000 }), /chainfleet:lottery\.enclave\.configPort must not be 8000/);
    });
});

describe("enclave host files", () => {
    it("user data and the EIF check pass bash -n and shellcheck", () => {
        assert.deepEqual(shellProblems(enclaveHostUserData(RUN)), []);
        assert.deepEqual(shellProblems(enclaveHostFiles(RUN)["/usr/local/bin/chainfleet-check-eif"]), []);
        const size = Buffer.byteLength(enclaveHostUserData(RUN));
        assert.ok(size <= 16384, `user data is ${size} bytes: EC2 takes at most 16 KB`);
    });

    it("the allocator matches the enclave size; the vsock-proxy allowlist holds only the RPC host and the region's KMS", () => {
        const files = enclaveHostFiles(RUN);
        assert.deepEqual(parse(files["/etc/nitro_enclaves/allocator.yaml"]), { memory_mib: 2048, cpu_count: 2 });
        assert.deepEqual(parse(files["/etc/nitro_enclaves/chainfleet-vsock-proxy.yaml"]), { allowlist: [{ address: "rpc.example-chain.org", port: 443 }, { address: "kms.eu-west-1.amazonaws.com", port: 443 }] });
    });

    it("the boot channel: config service on vsock 7000, KMS proxy on 8002, boot config without secrets, enclave after its channels", () => {
        const files = enclaveHostFiles(RUN);
        assert.match(files["/etc/systemd/system/chainfleet-lottery-config.service"], /^ExecStart=\/usr\/bin\/socat VSOCK-LISTEN:7000,fork,reuseaddr EXEC:\/usr\/local\/bin\/chainfleet-enclave-config$/m);
        assert.match(files["/etc/systemd/system/chainfleet-lottery-kms-proxy.service"], /^ExecStart=\/usr\/bin\/vsock-proxy 8002 kms\.eu-west-1\.amazonaws\.com 443 --config \/etc\/nitro_enclaves\/chainfleet-vsock-proxy\.yaml$/m);
        assert.deepEqual(JSON.parse(files["/etc/chainfleet/enclave-boot.json"]), {
            version: 1, region: "eu-west-1", kmsProxyPort: 8002, rpc: { host: "rpc.example-chain.org", port: 443, proxyPort: 8001 }, ingressPort: 6080, env: RUN.appEnv,
        });
        const unit = files["/etc/systemd/system/chainfleet-lottery.service"];
        for (const d of ["Wants", "After"]) {
            assert.match(unit, new RegExp(`^${d}=.*chainfleet-lottery-config\\.service chainfleet-lottery-kms-proxy\\.service chainfleet-lottery-egress\\.service$`, "m"));
        }
        const ud = enclaveHostUserData(RUN);
        assert.match(ud, /^chmod 0600 \/etc\/chainfleet\/enclave-boot\.json$/m);
        assert.match(ud, /chainfleet-lottery-kms-proxy\.service chainfleet-lottery-config\.service$/m);
    });

    it("the systemd units pass systemd-analyze verify (stub executables) with no warning", () => {
        const dir = tempDir("units-");
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        for (const b of ["nitro-cli", "socat", "vsock-proxy", "chainfleet-check-eif", "chainfleet-enclave-config"]) writeScript("#!/bin/sh\n", b, bin);
        fs.writeFileSync(path.join(dir, "nitro-enclaves-allocator.service"), "[Unit]\nDescription=stub of the packaged allocator\n[Service]\nExecStart=/bin/true\n");
        const units: string[] = [];
        for (const [p, content] of Object.entries(enclaveHostFiles(RUN))) {
            if (!p.startsWith("/etc/systemd/system/")) continue;
            const file = path.join(dir, path.basename(p));
            fs.writeFileSync(file, content.replace(/\/usr\/(local\/)?bin\//g, `${bin}/`));
            units.push(file);
        }
        assert.equal(units.length, 7);
        const r = run("systemd-analyze", ["verify", ...units], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr.trim(), "", "systemd-analyze printed warnings");
        // The verifier is live: a broken directive is reported.
        fs.writeFileSync(path.join(dir, "broken.service"), "[Service]\nExecStart=/bin/true\nRestart=sometimes\n");
        assert.match(run("systemd-analyze", ["verify", path.join(dir, "broken.service")]).stderr, /restart specifier/);
    });

    it("runs the enclave with the configured size and CID, restarts it, and never in debug mode", () => {
        const unit = enclaveHostFiles(RUN)["/etc/systemd/system/chainfleet-lottery.service"];
        assert.match(unit, /nitro-cli run-enclave --eif-path \/opt\/chainfleet\/enclave\.eif --cpu-count 2 --memory 2048 --enclave-cid 16 --enclave-name lottery$/m);
        assert.ok(!unit.includes("--debug-mode"));
        assert.match(unit, /Restart=on-failure/);
        assert.match(enclaveHostFiles(RUN)["/etc/systemd/system/chainfleet-lottery-egress.service"], /vsock-proxy 8001 rpc\.example-chain\.org 443/);
        assert.match(enclaveHostFiles(RUN)["/etc/systemd/system/chainfleet-lottery-ingress.service"], /TCP-LISTEN:6080,fork,reuseaddr VSOCK-CONNECT:16:6080/);
    });

    it("refuses an EIF whose PCR0 differs (the check script, run against a stub nitro-cli and aws)", () => {
        const dir = tempDir("eif-");
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        writeScript(`#!/bin/bash\ntouch "$4"\n`, "aws", bin);
        writeScript(`#!/bin/bash\necho '{"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR0": "${"cd".repeat(48)}"}}'\n`, "nitro-cli", bin);
        const script = enclaveHostFiles(RUN)["/usr/local/bin/chainfleet-check-eif"].replace(/\/opt\/chainfleet\/enclave\.eif/g, `${dir}/enclave.eif`);
        const r = run("bash", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin` } });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`has PCR0 ${"cd".repeat(48)}, expected ${"ab".repeat(48)}: refusing to run it`));
        const ok = run("bash", ["-c", script.replace(RUN.pcr0, "cd".repeat(48))], { env: { PATH: `${bin}:/usr/bin:/bin` } });
        assert.equal(ok.status, 0, ok.stderr);
        assert.ok(fs.existsSync(`${dir}/enclave.eif`));
    });

    it("the KMS policy lets only the attested enclave decrypt", () => {
        const p = enclaveKeyPolicy({ accountId: "123456789012", partition: "aws", hostRoleArn: "arn:aws:iam::123456789012:role/host", pcr0: RUN.pcr0 });
        assert.equal(p.Version, "2012-10-17");
        const [admin, encrypt, enclave] = p.Statement;
        assert.deepEqual(admin.Principal, { AWS: "arn:aws:iam::123456789012:root" });
        assert.ok(!admin.Action.some((a) => a === "kms:Decrypt" || a === "kms:*" || a.startsWith("kms:Decrypt")), "the account never decrypts");
        assert.deepEqual(encrypt.Action, ["kms:Encrypt"]);
        assert.deepEqual(encrypt.Principal, { AWS: "arn:aws:iam::123456789012:root" }, "not the deploying session, which changes per run");
        assert.deepEqual(enclave.Principal, { AWS: "arn:aws:iam::123456789012:role/host" });
        assert.deepEqual(enclave.Action, ["kms:Decrypt"]);
        assert.equal(enclave.Effect, "Allow");
        assert.deepEqual(enclave.Condition, { StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": RUN.pcr0 } });
        const decrypters = p.Statement.filter((s) => s.Action.includes("kms:Decrypt"));
        assert.equal(decrypters.length, 1);
    });
});

describe("lottery graphs", () => {
    let dev: Graph, prod: Graph;
    before(async () => {
        dev = await planStack("dev", DEV_LOTTERY);
        prod = await defaultPlan("prod");
    });

    it("dev: one container on 6080 with /health, host-gateway, BLOCKCHAIN_* env and the key as a secret", () => {
        const c = byName(dev, "lottery-container");
        const i = c.inputs as { hosts: { host: string; ip: string }[]; envs: string[]; ports: { internal: number }[]; healthcheck: { tests: string[] } };
        assert.deepEqual(i.hosts, [{ host: "host.docker.internal", ip: "host-gateway" }]);
        assert.equal(i.ports[0].internal, 6080);
        assert.ok(i.healthcheck.tests.some((t) => t.includes("http://127.0.0.1:6080/health")));
        assert.equal(i.healthcheck.tests[1], "python3", "the probe runs with the FastAPI image's own python");
        for (const k of ["BLOCKCHAIN_RPC_URL", "BLOCKCHAIN_CHAIN_ID", "BLOCKCHAIN_CONTRACT_ADDRESS", "BLOCKCHAIN_GAS_MULTIPLIER", "APP_LOG_LEVEL", "BLOCKCHAIN_OPERATOR_PRIVATE_KEY"]) {
            assert.ok(i.envs.some((e) => e.startsWith(`${k}=`)), k);
        }
        assert.ok(c.secretPaths.includes("envs"));
    });

    it("prod: a Nitro parent with enclaves on, IMDSv2, encrypted, private, SSM, no SSH; key bound to PCR0", () => {
        const inst = byName(prod, "lottery-instance").inputs as Record<string, unknown>;
        assert.deepEqual(inst.enclaveOptions, { enabled: true });
        assert.equal(inst.instanceType, "m6i.xlarge");
        assert.equal((inst.metadataOptions as { httpTokens: string }).httpTokens, "required");
        assert.equal((inst.rootBlockDevice as { encrypted: boolean }).encrypted, true);
        assert.equal(inst.associatePublicIpAddress, false);
        assert.equal(inst.keyName, undefined, "no SSH key pair");
        const sg = byName(prod, "lottery-sg").inputs as { ingress: { fromPort: number }[] };
        assert.deepEqual(sg.ingress.map((r) => r.fromPort), [6080]);
        const policy = JSON.parse(String(byName(prod, "lottery-key").inputs.policy));
        const pcr0 = (prod.outputs.lottery as { expectedPcr0: string }).expectedPcr0;
        assert.equal(policy.Statement[2].Condition.StringEqualsIgnoreCase["kms:RecipientAttestation:ImageSha384"], pcr0);
        const ct = byName(prod, "lottery-operator-key");
        assert.ok(ct.secretPaths.includes("plaintext"));
        assert.equal((prod.outputs.lottery as { enclaveCid: number }).enclaveCid, 16);
        assert.match(JSON.stringify((prod.outputs.lottery as { hints: unknown }).hints), /nitro-cli describe-enclaves/);
        assert.match(JSON.stringify((prod.outputs.lottery as { hints: unknown }).hints), /"restartAfterKeyRotation":"aws ssm send-command .*systemctl restart chainfleet-lottery\.service/);
        for (const unit of ["chainfleet-lottery-config", "chainfleet-lottery-kms-proxy", "chainfleet-lottery-egress"]) {
            assert.ok(enclaveHostUserData(RUN).includes(`${unit}.service`), unit);
            assert.match(JSON.stringify((prod.outputs.lottery as { hints: unknown }).hints), new RegExp(`-u ${unit} `), `the logs hint follows ${unit}`);
        }
        assert.equal(ofType(prod, "chainfleet:lottery:LotteryOperator").length, 1);
        // The boot channel in the planned user data: the provider's region, the stack's ports and parameter.
        const ud = String(inst.userData);
        assert.match(ud, /^ExecStart=\/usr\/bin\/vsock-proxy 8002 kms\.eu-west-1\.amazonaws\.com 443 /m);
        assert.match(ud, /^ExecStart=\/usr\/bin\/socat VSOCK-LISTEN:7000,fork,reuseaddr EXEC:/m);
        assert.match(ud, /aws ssm get-parameter --region "\$region" --name \/chainfleet\/lottery\/operator-key\.ciphertext /);
        assert.ok(!ud.includes(FAKE_PROD_SECRETS.lotteryOperatorKey), "the operator key is not in the user data");
    });

    it("prod: the host role gets SSM core, the EIF and the ciphertext parameter; KMS only through the key policy", () => {
        const policies = ofType(prod, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("lottery-"));
        const actions = policies.flatMap((p) => (JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string[] }[] }).Statement.flatMap((st) => st.Action));
        assert.deepEqual(actions.sort(), ["s3:GetObject", "ssm:GetParameter"]);
        const attachments = ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((p) => p.name.startsWith("lottery-"));
        assert.deepEqual(attachments.map((a) => String(a.inputs.policyArn)), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    });

    it("kubernetes form: one replica, Service 80→6080, key from a Secret", async () => {
        const g = await planStack("prod", { "lottery.form": "kubernetes" });
        const d = ofType(g, "kubernetes:apps/v1:Deployment").find((x) => x.name.startsWith("lottery"))!;
        const spec = d.inputs.spec as { replicas: number; template: { spec: { containers: { envFrom: unknown[] }[] } } };
        assert.equal(spec.replicas, 1);
        assert.ok(spec.template.spec.containers[0].envFrom.length === 1);
        const svc = ofType(g, "kubernetes:core/v1:Service").find((x) => x.name.startsWith("lottery"))!;
        assert.deepEqual((svc.inputs.spec as { ports: unknown[] }).ports, [{ name: "http", port: 80, targetPort: 6080 }]);
        assert.deepEqual(violations({ type: d.type, name: d.name, props: d.inputs }), [], "single replica by design, recorded");
        const secret = ofType(g, "kubernetes:core/v1:Secret").find((x) => x.name.startsWith("lottery"))!;
        assert.ok(secret.secretPaths.includes("stringData"));
    });
});

describe("one lottery operator, always", () => {
    it("every form: dev container and enclave host replaced delete-first, Kubernetes Deployment Recreate with one replica", async () => {
        const dev = await planStack("dev", DEV_LOTTERY);
        const prod = await defaultPlan("prod");
        const kube = await planStack("prod", { "lottery.form": "kubernetes" });
        assert.equal(byName(dev, "lottery-container").deleteBeforeReplace, true);
        assert.equal(byName(prod, "lottery-instance").deleteBeforeReplace, true);
        const d = byName(kube, "lottery-deployment").inputs as { spec: { replicas: number; strategy: { type: string } } };
        assert.deepEqual([d.spec.replicas, d.spec.strategy.type], [1, "Recreate"]);
    });
});
