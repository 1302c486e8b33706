// The policy rules without the pack's server: each rule against a resource that breaks it, the
// AWSGuard rules against the planned prod graph, the dev config, and the workflows.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { RULES, Subject, violations } from "../policy/rules";
import { AWSGUARD_POLICIES } from "../policy/awsguardRules";
import { DEV_CONFIG_PATH, devPolicyConfig } from "../scripts/policyConfig";
import { defaultPlan, Graph } from "./harness/graph";

const C = "docker:index/container:Container";
const good: Record<string, unknown> = {
    memory: 512, cpus: "1", readOnly: true, restart: "unless-stopped", securityOpts: ["no-new-privileges:true"],
    healthcheck: { tests: ["CMD", "true"] }, logDriver: "json-file", logOpts: { "max-size": "50m", "max-file": "5" },
    labels: [{ label: "chainfleet.pids-limit", value: "100" }], cgroupParent: "chainfleet-x.slice", ports: [{ internal: 1, ip: "127.0.0.1" }],
};
const container = (over: Record<string, unknown>): Subject => ({ type: C, name: "c", props: { ...good, ...over } });
const deployment = (mutate: (c: Record<string, unknown>, spec: Record<string, unknown>) => void): Subject => {
    const c: Record<string, unknown> = {
        name: "app", image: "x/app:1.0", resources: { requests: { cpu: "1", memory: "1Mi" }, limits: { cpu: "1", memory: "1Mi" } },
        readinessProbe: {}, livenessProbe: {},
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    };
    const spec: Record<string, unknown> = { replicas: 2, template: { spec: { containers: [c] } } };
    mutate(c, spec);
    return { type: "kubernetes:apps/v1:Deployment", name: "d", props: { spec } };
};
const rds = (over: Record<string, unknown>): Subject => ({
    type: "aws:rds/instance:Instance", name: "db", props: {
        publiclyAccessible: false, storageEncrypted: true, multiAz: true, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "f",
        backupRetentionPeriod: 7, autoMinorVersionUpgrade: true, copyTagsToSnapshot: true, parameterGroupName: "pg", ...over,
    },
});

/** For every rule, a resource that breaks it (and the compliant baseline passes). */
const VIOLATIONS: Record<string, Subject> = {
    "cis-5.5-not-privileged": container({ privileged: true }),
    "cis-5.10-host-network-with-reason": container({ networkMode: "host" }),
    "cis-5.11-memory-limit": container({ memory: undefined }),
    "cis-5.12-cpu-limit": container({ cpus: undefined }),
    "cis-5.13-read-only-root": container({ readOnly: false }),
    "cis-5.14-bound-ports": container({ ports: [{ internal: 80, ip: "0.0.0.0" }] }),
    "cis-5.15-restart-policy": container({ restart: "on-failure", maxRetryCount: 0 }),
    "cis-5.26-no-new-privileges": container({ securityOpts: [] }),
    "cis-5.27-healthcheck": container({ healthcheck: undefined }),
    "cis-5.29-pids-limit": container({ cgroupParent: undefined }),
    "cis-5.32-no-docker-socket": container({ volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }] }),
    "log-rotation": container({ logOpts: {} }),
    "ec2-8-imdsv2": { type: "aws:ec2/instance:Instance", name: "i", props: { metadataOptions: { httpTokens: "optional" }, rootBlockDevice: { encrypted: true }, iamInstanceProfile: "p" } },
    "ec2-3-encrypted-volumes": { type: "aws:ebs/volume:Volume", name: "v", props: { encrypted: false }, opts: { retainOnDelete: true } },
    "ec2-9-no-public-ip": { type: "aws:ec2/instance:Instance", name: "i", props: { metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, iamInstanceProfile: "p", associatePublicIpAddress: true } },
    "ssm-1-managed": { type: "aws:ec2/instance:Instance", name: "i", props: { metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } } },
    "ec2-13-no-world-admin-ports": { type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", props: { ingress: [{ fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], description: "public by design" }] } },
    "ec2-18-restricted-ingress": { type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", props: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] } },
    "rds-hardening": rds({ multiAz: false }),
    "rds-force-ssl": { type: "aws:rds/parameterGroup:ParameterGroup", name: "pg", props: { parameters: [{ name: "rds.force_ssl", value: "0" }] } },
    "k8s-restricted-workload": deployment((c) => { c.image = "x/app:latest"; }),
    "k8s-replicas": deployment((_c, spec) => { spec.replicas = 1; }),
    "k8s-no-secrets-in-configmaps": { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { data: { API_TOKEN: "x" } } },
    "data-retained": { type: "docker:index/volume:Volume", name: "v", props: {}, opts: { protect: false, retainOnDelete: false } },
};

describe("policy rules", () => {
    it("every rule has a violation case", () => {
        assert.deepEqual(RULES.map((r) => r.name).sort(), Object.keys(VIOLATIONS).sort());
    });

    for (const [name, subject] of Object.entries(VIOLATIONS)) {
        it(`${name} flags a violating resource`, () => {
            const hits = violations(subject).filter((v) => v.rule.name === name);
            assert.ok(hits.length > 0, `${name} did not flag ${JSON.stringify(subject.props)}`);
            assert.ok(hits.every((h) => h.message.includes(subject.name)), "the message names the resource");
        });
    }

    it("compliant baselines pass", () => {
        assert.deepEqual(violations(container({})), []);
        assert.deepEqual(violations(deployment(() => undefined)), []);
        assert.deepEqual(violations(rds({})), []);
    });

    it("the dev policy config marks exactly the laptop-unfit rules advisory (run `npm run policy-config` after changing them)", () => {
        assert.deepEqual(JSON.parse(fs.readFileSync(DEV_CONFIG_PATH, "utf8")), devPolicyConfig());
        assert.ok(Object.keys(devPolicyConfig()).length > 0);
    });
});

describe("AWSGuard rules on the prod plan", () => {
    let prod: Graph;
    before(async () => {
        prod = await defaultPlan("prod");
    });

    function run(policy: (typeof AWSGUARD_POLICIES)[number], type: string, name: string, props: Record<string, unknown>): string[] {
        const out: string[] = [];
        const args = {
            type, name, urn: name, props, opts: {},
            isType: (cls: { __pulumiType?: string }) => cls?.__pulumiType === type,
            asType: () => props, getConfig: () => ({}), notApplicable: () => undefined,
        };
        const fns = (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]).filter((f) => f !== undefined);
        for (const fn of fns) void fn(args as never, (m: string) => void out.push(`${policy.name}: ${m}`));
        return out;
    }

    it("every prod resource passes them", () => {
        const problems = prod.resources.filter((r) => r.custom).flatMap((r) => AWSGUARD_POLICIES.flatMap((p) => run(p, r.type, r.name, r.inputs)));
        assert.deepEqual(problems, []);
    });

    it("they are live: a public, unmonitored instance and a single-AZ database are flagged", () => {
        const byName = new Map(AWSGUARD_POLICIES.map((p) => [p.name, p]));
        assert.equal(run(byName.get("ec2-instance-no-public-ip")!, "aws:ec2/instance:Instance", "i", { associatePublicIpAddress: true }).length, 1);
        assert.equal(run(byName.get("ec2-instance-detailed-monitoring-enabled")!, "aws:ec2/instance:Instance", "i", {}).length, 1);
        assert.ok(run(byName.get("rds-instance-multi-az-enabled")!, "aws:rds/instance:Instance", "db", { multiAz: false }).length >= 1);
    });
});

describe("GitHub workflows", () => {
    const dir = path.join(__dirname, "..", ".github", "workflows");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));

    it("there is a preview, a dev deploy and a real-engine workflow", () => {
        assert.deepEqual(files.sort(), ["deploy-dev.yml", "engine.yml", "preview.yml"]);
    });

    for (const f of files) {
        it(`${f} validates against the workflow schema`, () => {
            const state = validateWorkflow(fs.readFileSync(path.join(dir, f), "utf8"));
            assert.deepEqual(state.errors, []);
        });
    }

    it("the validator is live: a broken workflow fails", () => {
        assert.ok(validateWorkflow("on: push\njobs:\n  a:\n    runz-on: x\n").errors.length > 0);
    });

    it("preview: tests first, pulumi/actions pinned to a major, comments on the PR, offline plan without credentials", () => {
        const text = fs.readFileSync(path.join(dir, "preview.yml"), "utf8");
        assert.match(text, /uses: pulumi\/actions@v\d+\n/);
        assert.match(text, /pull-requests: write/);
        assert.match(text, /comment-on-pr: true/);
        assert.match(text, /needs: test/);
        assert.match(text, /run: npm test/);
        assert.match(text, /npm run --silent plan -- --stack "\$STACK" --diff "\$BASE"/);
        assert.match(text, /policyPacks: policy/);
        const deploy = fs.readFileSync(path.join(dir, "deploy-dev.yml"), "utf8");
        assert.match(deploy, /if: vars\.CHAINFLEET_DEPLOY_DEV == 'true'/, "deploying dev is off by default");
    });

    it("engine: every pull request, CLI from the official action (install only), the engine test required, no secrets", () => {
        const text = fs.readFileSync(path.join(dir, "engine.yml"), "utf8");
        assert.match(text, /^on:\n  pull_request:\n/m);
        assert.match(text, /^permissions:\n  contents: read\n\n/m);
        assert.match(text, /uses: pulumi\/actions@v\d+\n        with:\n          pulumi-version: \d+\.\d+\.\d+/);
        assert.doesNotMatch(text, /^\s+command:/m, "no command: the action only installs the CLI");
        assert.match(text, /::add-mask::\$passphrase/);
        assert.match(text, /CHAINFLEET_ENGINE_REQUIRED: "true"/);
        assert.match(text, /run: npx mocha --no-config .*test\/engine\/lifecycle\.engine\.ts\n/);
        assert.doesNotMatch(text, /secrets\./, "needs no repository secrets, so pull requests from forks run it too");
    });
});
