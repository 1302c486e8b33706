// ScittLedger: the CCF node serving the SCITT API, restart-safe through our entrypoint.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { ServiceContainer } from "../../platform/serviceContainer";
import { cmd } from "../../platform/shell";

/**
 * The script the container runs with `tini -- bash -c`: the COSE Sign1 functions (cose.sh) followed
 * by the entrypoint, which uses them. Both files ship this way; nothing is copied into the image.
 */
export const SCITT_ENTRYPOINT = ["cose.sh", "entrypoint.sh"]
    .map((f) => fs.readFileSync(path.join(__dirname, f), "utf8"))
    .join("\n");

/** Healthy means the service is Open, not merely answering (CCF prints compact JSON; no jq upstream). */
export function scittHealthCommand(port: number, workspace = "/host"): string {
    return `curl -sf --max-time 5 --cacert ${workspace}/node/service_cert.pem https://127.0.0.1:${port}/node/network | grep -q '"service_status":"Open"'`;
}

export interface ScittLedgerArgs {
    host: DockerHost;
    /** virtual (dev, no attestation) or snp (AMD SEV-SNP: /dev/sev-guest + attestation config). */
    platform: "virtual" | "snp";
    /** Published RPC port (CCF_PORT) and node-to-node port. */
    port: number;
    nodePort: number;
    /** Pinned image, or a scitt-ccf-ledger checkout to build (CCF 7: one build for every platform, no PLATFORM arg). */
    image?: string;
    buildContext?: string;
    dockerfile: string;
    /** A build's SCITT_VERSION_OVERRIDE (stacks/gitSources.ts scittBuildVersion); required with buildContext. */
    buildVersion?: string;
    /** Limits: cores and MiB (upstream runs --cpus=1 --memory=2g). */
    cpus: number;
    memoryMiB: number;
    /** Interface the ports are published on. */
    bindAddress: string;
    /** SNP attestation config file on the host. */
    attestationConfigPath?: string;
    /** Local file copied to attestationConfigPath on an EC2 host before the node starts (snp). */
    attestationConfigSource?: string;
    /** Login user of the host (owns the copied file's directory). */
    sshUser?: string;
    retainData: boolean;
    /** chainfleet:scitt.resetToken: a new value starts a new service once (the old ledger kept aside); see entrypoint.sh. */
    resetToken?: string;
}

/** Where the workspace volume lives on the host (the Docker data root; on EC2 it is on the data volume). */
export const SCITT_VOLUME = "scitt-service-vol";

/** Operator commands for the service certificate, backup and restore. */
export function scittHints(url: string, sudo: string): Record<string, string> {
    return {
        serviceCertificate: `curl -sk ${url}/node/network | jq -r .service_certificate > service_cert.pem`,
        health: `curl -sk --cacert service_cert.pem ${url}/node/network`,
        backup: `${sudo}docker stop scitt-service && ${sudo}docker run --rm -v ${SCITT_VOLUME}:/host:ro -v "$PWD":/backup busybox tar czf /backup/scitt-$(date +%F).tgz -C /host . && ${sudo}docker start scitt-service`,
        restore: `${sudo}docker stop scitt-service && ${sudo}docker run --rm -v ${SCITT_VOLUME}:/host -v "$PWD":/backup busybox tar xzf /backup/scitt-DATE.tgz -C /host && ${sudo}docker start scitt-service   # the entrypoint recovers from the restored ledger`,
    };
}

/**
 * The Dockerfile path as pulumi-docker's Check opens it: relative to the program's directory, not
 * to the build context (pulumi-docker provider/provider.go, issue #572, closed as by design). Our
 * config names it inside the checkout, so it is joined to the context here.
 */
export function dockerfileForProvider(context: string, dockerfile: string): string {
    return path.isAbsolute(dockerfile) ? dockerfile : path.join(context, dockerfile);
}

/**
 * The build args upstream's docker/build.sh passes: SCITT_VERSION_OVERRIDE always (CCF_VERSION
 * keeps the Dockerfile's default, the CCF the tag was made for). scitt-ccf-ledger docker/build.sh
 * and docker/Dockerfile @ f79748441cb51ecb6060e95873f60a37538127bf (docs/upstream/README.md).
 */
export function scittBuildArgs(version: string | undefined): Record<string, string> {
    if (!version) throw new Error("a SCITT build needs its SCITT_VERSION_OVERRIDE (stacks/gitSources.ts scittBuildVersion)");
    return { SCITT_VERSION_OVERRIDE: version };
}

export class ScittLedger extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly hints: pulumi.Output<object>;

    constructor(name: string, args: ScittLedgerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:scitt:ScittLedger", name, {}, opts);
        const image = args.image
            ? { ref: args.image }
            : { build: { context: args.buildContext!, dockerfile: dockerfileForProvider(args.buildContext!, args.dockerfile), imageName: "scitt-ccf-ledger:local", args: scittBuildArgs(args.buildVersion) } };
        // The attestation config reaches the host from the deployer's machine (SFTP as the login user).
        const delivered: pulumi.Resource[] = [];
        if (args.platform === "snp" && args.attestationConfigSource && args.attestationConfigPath && args.host.kind === "ec2") {
            const dir = path.posix.dirname(args.attestationConfigPath);
            const mkdir = args.host.run(`${name}-attestation-dir`, `set -euo pipefail\n${args.host.sudo}${cmd("install", "-d", "-o", args.sshUser ?? "ec2-user", "-m", "0755", dir)}`, { parent: this });
            delivered.push(args.host.copyFile(`${name}-attestation-config`, args.attestationConfigSource, args.attestationConfigPath, { parent: this, dependsOn: [mkdir] }));
        }
        new ServiceContainer(name, {
            host: args.host,
            containerName: "scitt-service",
            image,
            // tini stays PID 1 (upstream's ENTRYPOINT is tini -- ./start-app.sh): it reaps and forwards signals.
            entrypoint: ["tini", "--", "bash", "-c", SCITT_ENTRYPOINT, "scitt-entrypoint"],
            env: { CCF_PORT: args.port, CCF_NODE_PORT: args.nodePort, WORKSPACE: "/host", ...(args.resetToken ? { SCITT_RESET_TOKEN: args.resetToken } : {}) },
            ports: [
                { internal: args.port, ip: args.bindAddress },
                { internal: args.nodePort, ip: args.bindAddress },
            ],
            publicPortsReason: args.bindAddress === "0.0.0.0" ? "the host's security group admits only the allowed CIDRs" : undefined,
            volumes: [{ name: SCITT_VOLUME, target: "/host" }],
            binds: args.platform === "snp" && args.attestationConfigPath
                ? [{ hostPath: args.attestationConfigPath, target: "/etc/scitt/attestation.json", readOnly: true }]
                : [],
            devices: args.platform === "snp" ? ["/dev/sev-guest"] : [],
            tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
            healthcheck: {
                test: ["CMD", "bash", "-c", scittHealthCommand(args.port)],
                intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 120,
            },
            waitHealthy: true,
            waitTimeoutSeconds: 600,
            restart: { policy: "unless-stopped" },
            memoryMiB: args.memoryMiB,
            cpus: args.cpus,
            pidsLimit: 1024,
            retainData: args.retainData,
            stopGraceSeconds: 30,
        }, { parent: this, dependsOn: delivered });

        const url = pulumi.interpolate`https://${args.host.kind === "local" ? args.bindAddress : args.host.address}:${args.port}`;
        this.url = url;
        this.hints = url.apply((u) => scittHints(u, args.host.sudo));
        this.registerOutputs({ url: this.url });
    }
}
