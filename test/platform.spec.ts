// Pure helpers of the platform components, without mocks; generated text through real tools.
import { strict as assert } from "assert";
import { serve } from "./util/http";
import { execFileSync, spawn } from "child_process";
import { portCollisions, restartArgs, healthcheckArgs, envLines, httpHealthcheck, httpProbeCommand, HEALTH_PROBES, pidsSliceUnit } from "../components/platform/containerSpec";
import { postgresUrl, isPlainIdentifier } from "../components/platform/pgUrl";
import { subnetCidrs } from "../components/platform/network";
import { dockerHostUserData, daemonJson } from "../components/platform/cloudInit";
import { engineReadyScript, hostIngressRules } from "../components/platform/host";
import { q, cmd, exportLines } from "../components/platform/shell";
import * as kube from "../components/platform/kubeSpec";
import { isPinnedImage } from "../stacks/config/grammar";
import { violations } from "../policy/rules";
import { shellProblems, run, writeScript, tempDir } from "./util/tools";
import { validateKube } from "./util/kube";

describe("shell quoting", () => {
    it("round-trips any value through bash unchanged", () => {
        const words = ["plain", "a b", "it's", "$(touch /tmp/pwned)", "`id`", "a\nb", "", "x;y|z&", "\"q\"", "ünï"];
        for (const w of words) {
            const out = execFileSync("bash", ["-c", `printf %s ${q(w)}`], { encoding: "utf8" });
            assert.equal(out, w);
        }
        assert.equal(cmd("docker", "run", "a b"), "docker run 'a b'");
        assert.throws(() => exportLines({ "BAD-NAME": "x" }), /invalid environment variable name BAD-NAME/);
    });
});

describe("health probes inside slim images", () => {
    for (const probe of HEALTH_PROBES) {
        it(`${probe}: succeeds on 2xx, fails on 503 and on no answer`, async function () {
            const tool = { curl: "curl", wget: "wget", node: "node", python: "python3" }[probe];
            if (run("bash", ["-c", `command -v ${tool}`]).status !== 0) this.skip();
            let status = 200;
            const s = await serve(() => ({ status, body: "{}" }));
            try {
                const call = async () => {
                    const [cmd, ...args] = httpProbeCommand(probe, `${s.url}/health`);
                    return new Promise<number>((resolve) => spawn(cmd, args).on("close", (c) => resolve(c ?? -1)));
                };
                assert.equal(await call(), 0);
                status = 503;
                assert.notEqual(await call(), 0);
            } finally { await s.close(); }
            const [cmd, ...args] = httpProbeCommand(probe, "http://127.0.0.1:9/health");
            assert.notEqual(run(cmd, args).status, 0);
        });
    }
});

describe("container spec", () => {
    it("restart policy: unless-stopped, which survives daemon restarts and crash loops", () => {
        assert.deepEqual(restartArgs({ policy: "unless-stopped" }), { restart: "unless-stopped" });

    });

    it("healthchecks name a command and use Go durations", () => {
        assert.deepEqual(healthcheckArgs(httpHealthcheck("http://127.0.0.1:3000/health")), {
            tests: ["CMD", "curl", "-fsS", "--max-time", "5", "-o", "/dev/null", "http://127.0.0.1:3000/health"],
            interval: "30s", timeout: "10s", retries: 3, startPeriod: "30s",
        });
        assert.throws(() => healthcheckArgs({ ...httpHealthcheck("x"), test: ["curl"] }), /must start with CMD/);
    });

    it("env lines are sorted and names checked", () => {
        assert.deepEqual(envLines({ B: 2, A: "x=y" }), ["A=x=y", "B=2"]);
        assert.throws(() => envLines({ "1X": "a" }), /invalid environment variable name "1X"/);
    });

    it("finds port collisions between owners on one host", () => {
        assert.deepEqual(portCollisions([{ owner: "a", ports: [1, 2] }, { owner: "b", ports: [2, 3] }]), ["port 2 is taken by both a and b"]);
        assert.deepEqual(portCollisions([{ owner: "a", ports: [1] }, { owner: "b", ports: [2] }]), []);
    });

    it("caps PIDs with a systemd slice that systemd accepts", () => {
        const dir = tempDir();
        writeScript(pidsSliceUnit("scitt-service", 1024), "chainfleet-scitt-service.slice", dir);
        const r = run("systemd-analyze", ["verify", `${dir}/chainfleet-scitt-service.slice`]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(pidsSliceUnit("x", 7), /TasksMax=7/);
    });

    it("knows pinned images", () => {
        for (const ok of ["postgres:16.4", "ghcr.io/a/b:v1", "localhost:5000/x:1", `x@sha256:${"0".repeat(64)}`]) assert.ok(isPinnedImage(ok), ok);
        for (const bad of ["postgres", "postgres:latest", "localhost:5000/x", "x@sha256:abc"]) assert.ok(!isPinnedImage(bad), bad);
    });
});

describe("postgres connection", () => {
    it("URL-encodes user, password and database", () => {
        assert.equal(postgresUrl({ host: "db", port: 5432, database: "app", user: "app", password: "p@ss:/?#%word", sslMode: "require" }),
            "postgresql://app:p%40ss%3A%2F%3F%23%25word@db:5432/app?sslmode=require");
        assert.ok(isPlainIdentifier("service_layer"));
        assert.ok(!isPlainIdentifier("Robert'); DROP"));
    });
});

describe("network", () => {
    it("splits the VPC into public then private subnets, one each per AZ", () => {
        assert.deepEqual(subnetCidrs("10.40.0.0/16", 2), { public: ["10.40.0.0/18", "10.40.64.0/18"], private: ["10.40.128.0/18", "10.40.192.0/18"] });
        assert.deepEqual(subnetCidrs("10.0.0.0/16", 3).private, ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"]);
        assert.throws(() => subnetCidrs("10.0.0.0/27", 2), /too small/);
    });
});

describe("docker host", () => {
    it("opens SSH only where the deployer's path comes in, and only the declared ports", () => {
        const gl0 = { fromPort: 9000, toPort: 9001, protocol: "tcp" as const, cidrs: ["10.0.0.0/8"], description: "gl0" };
        const rules = hostIngressRules({ sshIngress: { cidrs: ["10.1.0.0/16"] }, ingress: [gl0] });
        assert.deepEqual(rules.map((r) => [r.fromPort, r.toPort, r.cidrs]), [[22, 22, ["10.1.0.0/16"]], [9000, 9001, ["10.0.0.0/8"]]]);
        // SSM: no port 22 at all; a bastion: 22 from its security group only, never from a CIDR.
        assert.deepEqual(hostIngressRules({ sshIngress: undefined, ingress: [gl0] }).map((r) => r.fromPort), [9000]);
        const viaBastion = hostIngressRules({ sshIngress: { securityGroupId: "sg-0bastion" }, ingress: [] });
        assert.deepEqual(viaBastion.map((r) => [r.fromPort, r.cidrs, r.securityGroupIds]), [[22, [], ["sg-0bastion"]]]);
        assert.deepEqual(hostIngressRules({ sshIngress: { cidrs: [] }, ingress: [] }), []);
        const sg = { type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", props: { ingress: rules.map((r) => ({ ...r, cidrBlocks: r.cidrs })) } };
        assert.deepEqual(violations(sg), []);
    });

    it("cloud-init and the engine check pass bash -n and shellcheck", () => {
        const userData = dockerHostUserData({ dataVolumeId: "vol-0123456789abcdef0", dataDir: "/data", logMaxSize: "50m", logMaxFiles: 5, dockerUser: "ec2-user" });
        assert.deepEqual(shellProblems(userData), []);
        assert.match(userData, /nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0/);
        assert.match(userData, /if ! blkid "\$dev"/, "never reformats a volume that has a filesystem");
        assert.deepEqual(shellProblems(engineReadyScript(600)), []);
        assert.doesNotMatch(engineReadyScript(600), /sudo/, "the check runs as the ssh user, as the Docker provider does");
        assert.match(userData, /usermod -aG docker ec2-user/);
        // Docker's data root is on the data volume, mounted before Docker starts.
        assert.match(userData, /"data-root": "\/data\/docker"/);
        assert.ok(userData.indexOf("mount -a") < userData.indexOf("systemctl enable --now docker"), "the volume is mounted before Docker starts");
        const daemon = JSON.parse(daemonJson({ logMaxSize: "50m", logMaxFiles: 5 }));
        assert.deepEqual(daemon["log-opts"], { "max-size": "50m", "max-file": "5" });
    });
});

describe("kubernetes objects", () => {
    const spec: kube.KubeServiceSpec = {
        app: "svc", namespace: "ns", image: "ghcr.io/x/svc:1.0", port: 8080, replicas: 2, env: { LOG_LEVEL: "info" }, secretName: "svc-secrets",
        probePath: "/healthz", resources: { requestCpu: "250m", requestMemory: "256Mi", limitCpu: "1", limitMemory: "512Mi" },
        readOnlyRootFs: true, runAsUser: 65532, metricsPath: "/metrics", servicePort: 80, allowFromNamespaces: ["ingress-nginx"],
    };
    const objects = () => [
        kube.deploymentObject(spec), kube.serviceObject(spec), kube.migrationJobObject(spec, { args: ["-migrate-only"] }), kube.pdbObject(spec),
        kube.hpaObject(spec, 6, 70), kube.networkPolicyObject(spec), kube.ingressObject(spec, { host: "x.example.com", className: "nginx", tlsSecretName: "tls", tls: { from: "cert-manager", clusterIssuer: "le" }, awaitAddress: false }),
    ];

    it("validate against the Kubernetes schemas", async () => {
        for (const o of objects()) await validateKube(o);
    });

    it("a broken object fails schema validation (the validator is live)", async () => {
        const d = kube.deploymentObject(spec) as unknown as { spec: { replicas: unknown } };
        d.spec.replicas = "two";
        await assert.rejects(validateKube(d as never), /replicas must be integer/);
    });

    it("meet the restricted workload rules", () => {
        const d = kube.deploymentObject(spec);
        assert.deepEqual(violations({ type: "kubernetes:apps/v1:Deployment", name: "svc", props: d as never }), []);
        const env = d.spec.template.spec.containers[0].env;
        assert.ok(!env.some((e) => /TOKEN|KEY|PASSWORD/.test(e.name)), "secrets come through envFrom");
        assert.deepEqual(d.spec.template.spec.containers[0].envFrom, [{ secretRef: { name: "svc-secrets" } }]);
    });

    it("an Ingress does not wait for an address unless asked (only some controllers publish one), and says where its TLS secret comes from", () => {
        const base = { host: "x.example.com", className: "nginx", tlsSecretName: "tls" };
        const issued = kube.ingressObject(spec, { ...base, tls: { from: "cert-manager", clusterIssuer: "le" }, awaitAddress: false });
        assert.deepEqual(issued.metadata.annotations, { "pulumi.com/skipAwait": "true", "cert-manager.io/cluster-issuer": "le" });
        assert.deepEqual(issued.spec.tls, [{ hosts: ["x.example.com"], secretName: "tls" }]);
        assert.equal(kube.ingressObject(spec, { ...base, tls: { from: "existing-secret" }, awaitAddress: true }).metadata.annotations, undefined);
    });

    it("a read-only root still has a writable HOME (npx keeps its cache there), in the Deployment and the migration Job", () => {
        for (const o of [kube.deploymentObject(spec), kube.migrationJobObject(spec, { command: ["npx", "prisma", "migrate", "deploy"] })]) {
            const c = o.spec.template.spec.containers[0];
            const home = c.env.find((e) => e.name === "HOME")?.value;
            assert.ok(home && c.volumeMounts?.some((m) => home === m.mountPath || home.startsWith(`${m.mountPath}/`)), `${o.kind}: HOME ${home} is not on a writable mount`);
        }
        assert.equal(kube.podEnv({ env: { HOME: "/data" }, readOnlyRootFs: true }).HOME, "/data", "a HOME the service sets wins");
    });
});
