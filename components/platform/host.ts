// DockerHost: where containers run. "local" is this machine's engine; "ec2" is an EC2 instance
// with Docker from cloud-init, reached over the deployer's ssh path (sshAccess.ts: SSM, a bastion,
// a jump host or direct) by both the Docker provider and the host commands, once a retrying check
// from the deployer proves the engine answers.
import { installScriptSet, ScriptSet, scriptSetDir } from "./scriptSet";
import { createHash } from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as command from "@pulumi/command";
import { dockerHostUserData } from "./cloudInit";
import { cmd, secretEnvPreamble, secretEnvStdin } from "./shell";
import { dependsOnList } from "./options";
import { al2023Ami, hardenedInstance, instanceIdentity } from "./ec2Base";
import { copyCommand, dockerSshUrl, knownHostsLine, remoteScriptCommand, SshAccess, sshOptions, waitForHostCommand } from "./sshAccess";

/** Options of DockerHost.run. */
export type RunOptions = pulumi.CustomResourceOptions & {
    /** Replace (re-run) the command when any of these change. */
    triggers?: pulumi.Input<unknown>[];
    /** Script run when the resource is deleted. */
    deleteScript?: string;
    /** Secrets the script needs as environment variables; sent on stdin, never in the script. */
    secretEnv?: Record<string, pulumi.Input<string>>;
};

/** A port a service placed on the host publishes, opened in the host's security group. */
export interface HostIngress {
    /** First and last port (inclusive). */
    fromPort: number;
    toPort: number;
    protocol: "tcp" | "udp";
    /** Who may connect. Never 0.0.0.0/0 unless the port is public by design. */
    cidrs: string[];
    description: string;
}

/** Who may reach a host's sshd: CIDRs (jump, direct), a bastion's security group, or nobody (SSM). */
export type SshIngress = { cidrs: string[] } | { securityGroupId: pulumi.Input<string> } | undefined;

export interface Ec2HostArgs {
    /** Placement label of the host (a, b, scitt, …): its host key is recorded under chainfleet-<label>. */
    label: string;
    vpcId: pulumi.Input<string>;
    /** Subnet of the host (private unless publicIp). */
    subnetId: pulumi.Input<string>;
    /** AZ of the subnet: the data volume must be in the same AZ. */
    availabilityZone: pulumi.Input<string>;
    instanceType: string;
    /** AMI login user. */
    sshUser: string;
    /** OpenSSH public key installed for sshUser. */
    sshPublicKey: string;
    /**
     * The deployer's path to the host (mode, key and known_hosts directory, jump host), shared by
     * the host commands and the Docker provider. Resolves only once the key file is written.
     */
    access: pulumi.Input<SshAccess>;
    /** A private registry the Docker provider logs in to for its pulls (chainfleet:registry, the password a secret). */
    registryAuth?: { address: string; username: string; password: pulumi.Input<string> };
    /** Who may reach port 22 (see SshIngress). */
    sshIngress: SshIngress;
    /** Ports the placed services publish. */
    ingress: HostIngress[];
    /** Give the host a public IPv4 (only for hosts that are an ingress by design). */
    publicIp: boolean;
    /** Data volume size, GiB (encrypted gp3, kept when the host is replaced or the stack destroyed). */
    dataVolumeGiB: number;
    /** Keep the data volume on destroy and on replacement (default true). */
    retainData: boolean;
    /**
     * Restore: make the data volume from this EBS snapshot (snap-…). The new volume replaces the
     * current one (which is kept, retained), and the instance is replaced with it, delete-first.
     */
    restoreSnapshotId?: string;
    /** Extra user-data shell (e.g. Nitro Enclaves set-up). */
    extraUserData?: pulumi.Input<string>;
    /** Extra IAM policy ARNs for the instance role (least privilege: only what placed services need). */
    extraPolicyArns?: pulumi.Input<string>[];
    /** Enable Nitro Enclaves on the instance. */
    enclave?: boolean;
    /** Launch with AMD SEV-SNP enabled (M6a, C6a, R6a only; it cannot be turned on after launch). */
    amdSevSnp?: boolean;
    /** Seconds the engine check keeps retrying. */
    readyTimeoutSeconds?: number;
}

export interface DockerHostArgs {
    kind: "local" | "ec2";
    /** local: the address peers use to reach services on this machine (e.g. 127.0.0.1). */
    localAddress?: string;
    /** local: the Docker endpoint (default: the engine's socket). */
    localDockerHost?: string;
    /** local: directory for host-path data (genesis files, keys); ec2 uses its data volume. */
    localDataDir?: string;
    ec2?: Ec2HostArgs;
}

/** Where the data volume is mounted on EC2 hosts. */
export const EC2_DATA_DIR = "/data";

/** The remote check that gates the Docker provider: retries until `docker info` answers. */
export function engineReadyScript(timeoutSeconds: number): string {
    return [
        `deadline=$((SECONDS + ${Math.floor(timeoutSeconds)}))`,
        // As the ssh user, without sudo: the Docker provider's `docker system dial-stdio` runs as that
        // user. `sg docker` reads the group afresh: this session may predate cloud-init's usermod.
        "until sg docker -c 'docker info' >/dev/null 2>&1; do",
        `  if [ "$SECONDS" -ge "$deadline" ]; then echo "docker engine did not answer within ${Math.floor(timeoutSeconds)}s" >&2; exit 1; fi`,
        "  sleep 5",
        "done",
        "sg docker -c \"docker version --format '{{.Server.Version}}'\"",
        // The host key the deployer recorded, printed for pinning (chainfleet:hosts.access.knownHosts).
        "cat /etc/ssh/ssh_host_ed25519_key.pub",
    ].join("\n");
}

export class DockerHost extends pulumi.ComponentResource {
    /** The Docker provider every container on this host must use. */
    readonly provider: docker.Provider;
    /** Address peers use to reach services on this host. */
    readonly address: pulumi.Output<string>;
    /** Directory for host-path data (keys, genesis files). */
    readonly dataDir: string;
    readonly kind: "local" | "ec2";
    /** Resource gating anything that runs commands on the host (ec2: the engine check). */
    readonly ready?: pulumi.Resource;
    readonly instance?: aws.ec2.Instance;
    readonly securityGroup?: aws.ec2.SecurityGroup;
    readonly dataVolume?: aws.ebs.Volume;
    /** ec2: the instance role (least privilege: placed services add only what they need). */
    readonly role?: aws.iam.Role;
    /** ec2: what ssh connects to (the instance id over SSM, else its private address). */
    readonly sshTarget?: pulumi.Output<string>;
    /** ec2: the known_hosts line of the host key the engine check saw (to pin in hosts.access.knownHosts). */
    readonly knownHost?: pulumi.Output<string>;
    /** ec2: a script → the local command that runs it on the host over the deployer's ssh path. */
    private readonly remoteLine?: (script: pulumi.Input<string>) => pulumi.Output<string>;
    /** ec2: local file, remote path → the local scp command. */
    private readonly copyLine?: (localPath: string, remotePath: string) => pulumi.Output<string>;

    private readonly hostName: string;
    private readonly installedSets = new Map<string, { digest: string; result: { dir: string; installed: pulumi.Resource } }>();

    constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:DockerHost", name, {}, opts);
        this.hostName = name;
        this.kind = args.kind;
        if (args.kind === "local") {
            this.address = pulumi.output(args.localAddress ?? "127.0.0.1");
            this.dataDir = args.localDataDir ?? "/opt/chainfleet";
            this.provider = new docker.Provider(`${name}-docker`, { host: args.localDockerHost }, { parent: this });
        } else {
            const e = args.ec2;
            if (!e) throw new Error(`DockerHost ${name}: kind "ec2" needs ec2 args`);
            this.dataDir = EC2_DATA_DIR;
            const built = buildEc2Host(this, name, e);
            this.instance = built.instance;
            this.securityGroup = built.securityGroup;
            this.dataVolume = built.dataVolume;
            this.role = built.role;
            this.address = built.instance.privateIp;
            // SSM sessions name the instance; every other path connects to its private address.
            const target = pulumi.all([e.access, built.instance.id, built.instance.privateIp]).apply(([a, id, ip]) => (a.mode === "ssm" ? id : ip));
            this.sshTarget = target;
            this.remoteLine = (script) => pulumi.all([e.access, target, script]).apply(([a, t, s]) => remoteScriptCommand(a, e.label, e.sshUser, t, s));
            this.copyLine = (local, remote) => pulumi.all([e.access, target]).apply(([a, t]) => copyCommand(a, e.label, e.sshUser, t, local, remote));
            const timeout = e.readyTimeoutSeconds ?? 600;
            const ready = new command.local.Command(`${name}-engine-ready`, {
                create: pulumi.all([e.access, target]).apply(([a, t]) => waitForHostCommand(a, e.label, e.sshUser, t, engineReadyScript(timeout), timeout)),
                interpreter: ["/bin/bash", "-c"],
                triggers: [built.instance.id],
            }, { parent: this, dependsOn: [built.attachment] });
            this.ready = ready;
            this.knownHost = ready.stdout.apply((out) => {
                const key = out.trim().split("\n").pop() ?? "";
                return /^ssh-ed25519 /.test(key) ? knownHostsLine(e.label, key) : "";
            });
            this.provider = new docker.Provider(`${name}-docker`, {
                host: pulumi.all([e.access, target]).apply(([a, t]) => dockerSshUrl(a, e.sshUser, t)),
                sshOpts: pulumi.output(e.access).apply((a) => sshOptions(a, e.label)),
                // The provider logs in to the private registry for its pulls (kreuzwerker registry_auth).
                registryAuth: e.registryAuth ? [{ address: e.registryAuth.address, username: e.registryAuth.username, password: e.registryAuth.password }] : undefined,
            }, { parent: this, dependsOn: [this.ready] });
        }
        this.registerOutputs({ address: this.address, dataDir: this.dataDir });
    }

    /**
     * Runs a script on this host: locally with bash in dev, over the deployer's ssh path in prod
     * (sshAccess.ts). The script holds no secret: secrets go in `secretEnv`, delivered on stdin and
     * exported by a preamble (sshd often refuses SetEnv, and the command string ends up in error
     * text and logs).
     */
    run(name: string, script: pulumi.Input<string>, opts: RunOptions = {}): command.local.Command {
        const { triggers, deleteScript, secretEnv, ...resourceOpts } = opts;
        const o = this.onHost(resourceOpts);
        const names = Object.keys(secretEnv ?? {}).sort();
        const create = names.length > 0 ? pulumi.output(script).apply((s) => `${secretEnvPreamble(names)}\n${s}`) : script;
        const stdin = names.length > 0
            ? pulumi.secret(pulumi.all(names.map((k) => pulumi.output(secretEnv![k]))).apply((vals) => secretEnvStdin(Object.fromEntries(names.map((k, i) => [k, vals[i]])))))
            : undefined;
        const onHost = this.remoteLine ?? ((s: pulumi.Input<string>) => pulumi.output(s));
        return new command.local.Command(name, {
            create: onHost(create), delete: deleteScript === undefined ? undefined : onHost(deleteScript), stdin, interpreter: ["/bin/bash", "-c"], triggers,
        }, o);
    }

    /**
     * Installs a script set on this host once (per set name; a new digest installs a new
     * directory beside the old, which a rollback finds again): under <dataDir>/scripts, the user's
     * own directory in dev and the data volume in prod. Returns the directory and the resource to
     * depend on before anything sources or mounts it.
     */
    scripts(set: ScriptSet): { dir: string; installed: pulumi.Resource } {
        const done = this.installedSets.get(set.name);
        if (done) {
            if (done.digest !== set.digest) throw new Error(`${this.hostName}: script set ${set.name} installed twice with different content`);
            return done.result;
        }
        const root = `${this.dataDir}/scripts`;
        const installed = this.run(`${this.hostName}-scripts-${set.name}`, installScriptSet(root, set, this.sudo), { triggers: [set.digest] });
        const result = { dir: scriptSetDir(root, set), installed };
        this.installedSets.set(set.name, { digest: set.digest, result });
        return result;
    }

    /**
     * `sudo` that keeps the named variables on EC2 (sudo resets the environment, so
     * `sudo docker run -e X` would pass an empty X); "" locally.
     */
    sudoKeeping(names: string[]): string {
        return this.kind === "ec2" ? `sudo --preserve-env=${names.join(",")} ` : "";
    }

    /**
     * Copies a local file to a path on an EC2 host (scp as the login user, over the same path as
     * the host commands); copied again when the file's content (its SHA-256) or the path changes.
     */
    copyFile(name: string, localPath: string, remotePath: string, opts: pulumi.CustomResourceOptions = {}): command.local.Command {
        if (!this.copyLine) throw new Error(`${name}: files are copied only to EC2 hosts (dev uses the local paths directly)`);
        const digest = createHash("sha256").update(fs.readFileSync(localPath)).digest("hex");
        return new command.local.Command(name, {
            create: this.copyLine(localPath, remotePath), interpreter: ["/bin/bash", "-c"], triggers: [digest],
        }, this.onHost(opts));
    }

    /** Options of anything that acts on the host: parented here by default, and after the engine check. */
    private onHost(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        const dependsOn = [...dependsOnList(opts.dependsOn), ...(this.ready ? [this.ready] : [])];
        return { ...opts, dependsOn, parent: opts.parent ?? this };
    }

    /** Prefix for privileged host commands: "sudo " on EC2 (the login user is not root), "" locally. */
    get sudo(): string {
        return this.kind === "ec2" ? "sudo " : "";
    }

    /** `docker` as run on this host by a script. */
    dockerCli(...args: string[]): string {
        return this.sudo + cmd("docker", ...args);
    }
}

/** A security group ingress rule: from CIDRs, or from the members of other security groups. */
export type IngressRule = Omit<HostIngress, "cidrs"> & { cidrs: string[]; securityGroupIds?: pulumi.Input<string>[] };

/**
 * The security group rules of a host, as plain data (tested without mocks): ssh only from where
 * the deployer's path comes in (nothing with SSM), then the ports its services publish.
 */
export function hostIngressRules(e: Pick<Ec2HostArgs, "sshIngress" | "ingress">): IngressRule[] {
    const rules: IngressRule[] = [];
    const ssh = { fromPort: 22, toPort: 22, protocol: "tcp" as const, description: "ssh for the Docker provider and host commands" };
    if (e.sshIngress && "cidrs" in e.sshIngress && e.sshIngress.cidrs.length > 0) rules.push({ ...ssh, cidrs: e.sshIngress.cidrs });
    if (e.sshIngress && "securityGroupId" in e.sshIngress) rules.push({ ...ssh, cidrs: [], securityGroupIds: [e.sshIngress.securityGroupId], description: "ssh from the bastion only" });
    for (const r of e.ingress) if (r.cidrs.length > 0) rules.push(r);
    return rules;
}

function buildEc2Host(parent: DockerHost, name: string, e: Ec2HostArgs) {
    const opts = { parent };
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
        vpcId: e.vpcId,
        description: `chainfleet Docker host ${name}: only the ports its services publish`,
        ingress: hostIngressRules(e).map((r) => ({
            fromPort: r.fromPort, toPort: r.toPort, protocol: r.protocol, description: r.description,
            ...(r.securityGroupIds ? { securityGroups: r.securityGroupIds } : { cidrBlocks: r.cidrs }),
        })),
        egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], description: "updates, images, peers" }],
        tags: { Name: `${name}-sg` },
    }, opts);
    const { role, profile, keyPair } = instanceIdentity(name, parent, { sshPublicKey: e.sshPublicKey, extraPolicyArns: e.extraPolicyArns });
    const dataVolume = new aws.ebs.Volume(`${name}-data`, {
        availabilityZone: e.availabilityZone,
        size: e.dataVolumeGiB,
        type: "gp3",
        encrypted: true,
        // A restore: the volume is made from the snapshot. Unset later, the provider keeps the stored
        // id (Optional + Computed), so the restored volume stays.
        snapshotId: e.restoreSnapshotId,
        // If it is ever deleted (retainData false), AWS takes a last snapshot first.
        finalSnapshot: true,
        tags: { Name: `${name}-data`, "chainfleet:data": "true" },
    }, {
        parent,
        // Retained, not protected: a restore replaces the volume, which protect would refuse; the
        // replaced volume (and any deleted one) stays in AWS with its data and its snapshots.
        retainOnDelete: e.retainData,
    });
    const userData = pulumi.all([dataVolume.id, e.extraUserData ?? ""]).apply(([volumeId, extra]) =>
        dockerHostUserData({ dataVolumeId: volumeId, dataDir: EC2_DATA_DIR, logMaxSize: "50m", logMaxFiles: 5, extra, dockerUser: e.sshUser }));
    const instance = new aws.ec2.Instance(`${name}-instance`, {
        ami: al2023Ami(opts).id,
        instanceType: e.instanceType,
        subnetId: e.subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        iamInstanceProfile: profile.name,
        keyName: keyPair.keyName,
        associatePublicIpAddress: e.publicIp,
        ...hardenedInstance({ hopLimit: 2, rootGiB: 30 }),
        enclaveOptions: e.enclave ? { enabled: true } : undefined,
        cpuOptions: e.amdSevSnp ? { amdSevSnp: "enabled" } : undefined,
        userData,
        userDataReplaceOnChange: true,
        tags: { Name: name },
    }, {
        parent,
        ignoreChanges: ["ami"],
        // Replaced delete-first: the data volume can be attached to one instance only, so a new
        // instance created first would meet VolumeInUse (pulumi-aws#2769).
        deleteBeforeReplace: true,
    });
    const attachment = new aws.ec2.VolumeAttachment(`${name}-data-attach`, {
        deviceName: "/dev/sdf",
        volumeId: dataVolume.id,
        instanceId: instance.id,
        stopInstanceBeforeDetaching: true,
    }, { ...opts, deleteBeforeReplace: true }); // stop → detach → (replace the instance) → attach
    return { instance, securityGroup, dataVolume, attachment, role };
}
