// ServiceContainer: one long-running, hardened container on a DockerHost.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { DockerHost } from "./host";
import {
    dockerCpus, envLines, REASON_LABELS, healthcheckArgs, HealthcheckSpec, LOG_OPTS, memoryMiB, pidsSliceName, pidsSliceUnit, portArgs, PortSpec,
    restartArgs, RestartPolicy,
} from "./containerSpec";
import { q } from "./shell";
import { dependsOnList } from "./options";

/** The image: a pinned reference, or a build from a local context. */
export type ImageSource =
    | { ref: string }
    | { build: { context: string; dockerfile?: string; args?: Record<string, string>; imageName: string } };

export interface VolumeSpec {
    /** Docker volume name (stable: it is the data). */
    name: string;
    /** Mount path in the container. */
    target: string;
    readOnly?: boolean;
}

export interface BindSpec {
    /** Path on the host. */
    hostPath: string;
    /** Path in the container. */
    target: string;
    readOnly: boolean;
}

export interface ServiceContainerArgs {
    host: DockerHost;
    /** Container name (fixed, so replacement deletes the old one first). */
    containerName: string;
    image: ImageSource;
    command?: pulumi.Input<string>[];
    entrypoint?: string[];
    /** Plain environment (values may be Outputs such as peer ids). Never secrets: use secretEnv. */
    env?: Record<string, pulumi.Input<string | number>>;
    /** Secret environment: stored and shown as Pulumi secrets. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Published ports, each bound to a chosen interface. */
    ports?: PortSpec[];
    /** Why ports bound to 0.0.0.0 are public by design (CIS 5.14); required for such ports. */
    publicPortsReason?: string;
    /** Host networking, with the reason (CIS 5.10: only where the service needs it). */
    hostNetwork?: { reason: string };
    /** Docker networks to join (not with hostNetwork). */
    networks?: { name: pulumi.Input<string>; aliases?: string[] }[];
    /** Named volumes created for this container: kept on replacement and, unless retainData is false, on destroy. */
    volumes?: VolumeSpec[];
    /** Host paths mounted into the container. */
    binds?: BindSpec[];
    /** Writable tmpfs paths for a read-only root filesystem, path → options. */
    tmpfs?: Record<string, string>;
    healthcheck: HealthcheckSpec;
    /** Make creation wait until the healthcheck passes (for containers others depend on). */
    waitHealthy?: boolean;
    /** Seconds to wait for healthy. */
    waitTimeoutSeconds?: number;
    restart?: RestartPolicy;
    /** Memory limit, MiB (CIS 5.11). */
    memoryMiB: number;
    /** CPU limit, cores (CIS 5.12). */
    cpus: number;
    /** Max processes (CIS 5.29); enforced with a systemd slice on EC2 hosts. */
    pidsLimit?: number;
    /** Read-only root filesystem (CIS 5.13); default true. */
    readOnlyRootFs?: boolean;
    /** User to run as (uid:gid or name). */
    user?: string;
    /** Extra /etc/hosts entries, e.g. host.docker.internal → host-gateway. */
    extraHosts?: { host: string; ip: string }[];
    /** Host devices, e.g. /dev/sev-guest. */
    devices?: string[];
    /** Capabilities kept after dropping ALL (e.g. postgres needs CHOWN, SETUID, SETGID, FOWNER, DAC_OVERRIDE). */
    capAdd?: string[];
    /**
     * Keep named volumes when they leave the stack (destroy, a node scaled away) — default true.
     * Retained, not protected: a protected volume would make scaling a cluster down fail, and a
     * Docker volume re-created under its fixed name finds the same data.
     */
    retainData?: boolean;
    /**
     * Seconds a clean stop may take before SIGKILL, sized to what the container runs (a database
     * flushing, a JVM leaving its cluster). Used for Docker's own stops (`stopTimeout`) and for
     * the provider's Delete on replacement or destroy (`destroyGraceSeconds`), which otherwise
     * stops with a 0 s timeout (docs/lifecycle.md).
     */
    stopGraceSeconds: number;
    labels?: Record<string, string>;
}

/** A hardened container. The component's own dependsOn applies to the container (children do not inherit it). */
export class ServiceContainer extends pulumi.ComponentResource {
    readonly container: docker.Container;
    readonly volumes: docker.Volume[];
    readonly containerName: string;

    constructor(name: string, args: ServiceContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:ServiceContainer", name, {}, opts);
        const provider = args.host.provider;
        const child = { parent: this, provider };
        if (args.hostNetwork && args.ports?.length) throw new Error(`${name}: host networking publishes no ports; drop ports or hostNetwork`);
        if (args.hostNetwork && args.networks?.length) throw new Error(`${name}: host networking joins no networks`);
        if ((args.ports ?? []).some((p) => p.ip === "0.0.0.0") && !args.publicPortsReason) {
            throw new Error(`${name}: ports on 0.0.0.0 need publicPortsReason (CIS 5.14)`);
        }
        this.containerName = args.containerName;

        const retain = args.retainData ?? true;
        this.volumes = (args.volumes ?? []).map((v) => new docker.Volume(`${name}-vol-${v.target.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`, {
            name: v.name,
            labels: [{ label: "chainfleet.data", value: "true" }],
        }, { ...child, retainOnDelete: retain }));

        // The container runs the image's id, not its tag: `image` forces replacement only when its
        // value changes, so a rebuilt or re-pulled image under a stable tag must change the value.
        const image = "ref" in args.image
            ? new docker.RemoteImage(`${name}-image`, { name: args.image.ref, keepLocally: true }, child).imageId
            : new docker.Image(`${name}-image`, {
                imageName: args.image.build.imageName,
                build: { context: args.image.build.context, dockerfile: args.image.build.dockerfile, args: args.image.build.args, platform: "linux/amd64" },
                skipPush: true,
            }, child).repoDigest;

        // Secrets and plain env go in one list; if any value is secret the whole list is secret.
        const secretNames = Object.keys(args.secretEnv ?? {}).sort();
        const envs = pulumi.all([pulumi.all(args.env ?? {}), pulumi.all(secretNames.map((k) => pulumi.output(args.secretEnv![k])))])
            .apply(([plain, vals]) => [...envLines(plain as Record<string, string | number>), ...secretNames.map((k, i) => `${k}=${vals[i]}`)]);
        const envInput = secretNames.length === 0 ? envs : pulumi.secret(envs);

        // PIDs limit: a per-container systemd slice with TasksMax on EC2 hosts.
        let pidsDependsOn: pulumi.Resource[] = [];
        let cgroupParent: string | undefined;
        if (args.pidsLimit !== undefined && args.host.kind === "ec2") {
            const slice = pidsSliceName(args.containerName);
            cgroupParent = slice;
            pidsDependsOn = [args.host.run(`${name}-pids-slice`, [
                `printf %s ${q(pidsSliceUnit(args.containerName, args.pidsLimit))} | sudo tee /etc/systemd/system/${slice} >/dev/null`,
                "sudo systemctl daemon-reload",
                `sudo systemctl start ${slice}`,
            ].join("\n"), { parent: this })];
        }

        const restart = restartArgs(args.restart ?? { policy: "unless-stopped" });
        const labels: Record<string, string> = { "chainfleet.component": name, ...(args.labels ?? {}) };
        if (args.pidsLimit !== undefined) labels[REASON_LABELS.pidsLimit] = String(args.pidsLimit);
        if (args.hostNetwork) labels[REASON_LABELS.hostNetwork] = args.hostNetwork.reason;
        if (args.publicPortsReason) labels[REASON_LABELS.publicPorts] = args.publicPortsReason;
        this.container = new docker.Container(`${name}-container`, {
            name: args.containerName,
            image,
            command: args.command,
            entrypoints: args.entrypoint,
            envs: envInput,
            ports: portArgs(args.ports ?? []),
            networkMode: args.hostNetwork ? "host" : args.networks?.length ? undefined : "bridge",
            networksAdvanced: args.networks?.map((n) => ({ name: n.name, aliases: n.aliases })),
            volumes: [
                ...this.volumes.map((v, i) => ({ volumeName: v.name, containerPath: args.volumes![i].target, readOnly: args.volumes![i].readOnly ?? false })),
                ...(args.binds ?? []).map((b) => ({ hostPath: b.hostPath, containerPath: b.target, readOnly: b.readOnly })),
            ],
            tmpfs: args.tmpfs,
            healthcheck: healthcheckArgs(args.healthcheck),
            wait: args.waitHealthy ?? false,
            waitTimeout: args.waitTimeoutSeconds ?? 300,
            restart: restart.restart,
            memory: memoryMiB(args.memoryMiB),
            memorySwap: memoryMiB(args.memoryMiB),
            cpus: dockerCpus(args.cpus),
            readOnly: args.readOnlyRootFs ?? true,
            securityOpts: ["no-new-privileges:true"],
            capabilities: { drops: ["ALL"], adds: args.capAdd ?? [] },
            privileged: false,
            user: args.user,
            hosts: args.extraHosts,
            devices: args.devices?.map((d) => ({ hostPath: d, containerPath: d, permissions: "rw" })),
            logDriver: "json-file",
            logOpts: { ...LOG_OPTS },
            cgroupParent,
            stopTimeout: graceSeconds(name, args.stopGraceSeconds),
            destroyGraceSeconds: args.stopGraceSeconds,
            labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
            mustRun: true,
        }, {
            ...child,
            deleteBeforeReplace: true,
            // The provider's Update does not apply a healthcheck change: only a new container does.
            replaceOnChanges: ["healthcheck"],
            dependsOn: [...dependsOnList(opts?.dependsOn), ...pidsDependsOn],
        });

        this.registerOutputs({ containerName: this.containerName });
    }
}

function graceSeconds(name: string, s: number): number {
    if (!Number.isInteger(s) || s < 1) throw new Error(`${name}: stopGraceSeconds must be a whole number of seconds ≥ 1 (got ${s})`);
    return s;
}

