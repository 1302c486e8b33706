// WealthWarsBackend: the Node.js backend with its PostgreSQL. Dev: a container on the Docker host
// with its own Postgres on an internal network; prod: a Kubernetes Deployment with RDS. In both,
// `prisma migrate deploy` runs once and must succeed before the backend starts or rolls out.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import { DockerHost } from "../../platform/host";
import { HealthProbe, httpHealthcheck } from "../../platform/containerSpec";
import { KubeService } from "../../platform/kubeService";
import { PgConnection } from "../../platform/postgres";
import { ServiceContainer } from "../../platform/serviceContainer";
import { cmd } from "../../platform/shell";

export interface WealthWarsCommon {
    /** Pinned backend image. */
    image: string;
    /** HTTP port (health at /health). */
    port: number;
    solanaRpcUrl: string;
    /** Secrets: Solana authority keypair and API keys. */
    authoritySecretKey: pulumi.Output<string>;
    apiKeys?: pulumi.Output<string>;
    /** Migration command (prisma migrate deploy). */
    migrateCommand: string[];
    database: PgConnection;
    /** Whatever must exist before connecting (the database). */
    databaseReady: pulumi.Resource;
    /** Memory limit, MiB (2048), and CPU limit, cores. */
    memoryMiB: number;
    cpus: number;
}

export interface WealthWarsDockerArgs extends WealthWarsCommon {
    kind: "docker";
    host: DockerHost;
    /** Tool the container health check runs inside the image (see HEALTH_PROBES). */
    healthProbe: HealthProbe;
    /** Internal network shared with the database only. */
    databaseNetwork: docker.Network;
    /** Network with egress (Solana RPC) where the port is published. */
    appNetwork: docker.Network;
    bindAddress: string;

}

export interface WealthWarsKubeArgs extends WealthWarsCommon {
    kind: "kubernetes";
    provider: k8s.Provider;
    namespace: string;
    replicas: number;
    ingressNamespace: string;
    /** Resources the Kubernetes objects wait for (the namespace). */
    after?: pulumi.Resource[];
    /** Image pull secret of a private registry (kubeSpec imagePullSecret). */
    imagePullSecret?: string;
}

export type WealthWarsArgs = WealthWarsDockerArgs | WealthWarsKubeArgs;

/**
 * The one-shot migration: a throwaway container on the database network; a non-zero exit fails
 * `pulumi up`. HOME is the writable /tmp: the root is read-only, and npx makes its cache under HOME.
 */
export function migrateScript(a: { sudoKeepingUrl: string; network: string; image: string; command: string[] }): string {
    return [
        "set -euo pipefail",
        ': "${DATABASE_URL:?DATABASE_URL was not passed to this script}"',
        `${a.sudoKeepingUrl}docker run --rm --network ${cmd(a.network)} -e DATABASE_URL -e HOME=/tmp --read-only --tmpfs /tmp --security-opt no-new-privileges:true --user 1000:1000 ${cmd(a.image, ...a.command)}`,
    ].join("\n");
}

/** Env of the backend; secrets are set apart. */
export function wealthWarsEnv(port: number, solanaRpcUrl: string): Record<string, string> {
    return { NODE_ENV: "production", PORT: String(port), SOLANA_RPC_URL: solanaRpcUrl };
}

export class WealthWarsBackend extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;

    constructor(name: string, args: WealthWarsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:wealthwars:WealthWarsBackend", name, {}, opts);
        const secretEnv: Record<string, pulumi.Input<string>> = {
            DATABASE_URL: args.database.url,
            AUTHORITY_SECRET_KEY: args.authoritySecretKey,
            ...(args.apiKeys ? { API_KEYS: args.apiKeys } : {}),
        };
        const env = wealthWarsEnv(args.port, args.solanaRpcUrl);
        if (args.kind === "docker") {
            // One-shot migration: a throwaway container on the database network; a non-zero exit fails `pulumi up`.
            // DATABASE_URL reaches the script on stdin (secretEnv), never in its text.
            const migrate = args.host.run(`${name}-migrate`, args.databaseNetwork.name.apply((network) => migrateScript({
                sudoKeepingUrl: args.host.sudoKeeping(["DATABASE_URL"]), network, image: args.image, command: args.migrateCommand,
            })), { parent: this, dependsOn: [args.databaseReady], triggers: [args.image, ...args.migrateCommand], secretEnv: { DATABASE_URL: args.database.url } });
            new ServiceContainer(name, {
                host: args.host,
                containerName: "wealthwars-backend",
                image: { ref: args.image },
                env,
                secretEnv,
                networks: [{ name: args.databaseNetwork.name }, { name: args.appNetwork.name }],
                ports: [{ internal: args.port, ip: args.bindAddress }],
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
                healthcheck: httpHealthcheck(`http://127.0.0.1:${args.port}/health`, { intervalSeconds: 30 }, args.healthProbe),
                waitHealthy: true,
                restart: { policy: "unless-stopped" },
                memoryMiB: args.memoryMiB,
                stopGraceSeconds: 30, // Node drains requests and closes its Prisma pool
                cpus: args.cpus,
                pidsLimit: 512,
                user: "1000:1000",
            }, { parent: this, dependsOn: [migrate] });
            this.url = pulumi.output(`http://${args.bindAddress}:${args.port}`);
        } else {
            const svc = new KubeService(name, {
                provider: args.provider,
                app: "wealthwars-backend",
                namespace: args.namespace,
                imagePullSecret: args.imagePullSecret,
                image: args.image,
                port: args.port,
                servicePort: 80,
                replicas: args.replicas,
                env,
                secretEnv,
                probePath: "/health",
                resources: { requestCpu: "250m", requestMemory: "512Mi", limitCpu: String(args.cpus), limitMemory: `${args.memoryMiB}Mi` },
                readOnlyRootFs: true,
                runAsUser: 1000,
                allowFromNamespaces: [args.ingressNamespace],
                migration: { command: args.migrateCommand },
                after: [...(args.after ?? []), args.databaseReady],
            }, { parent: this });
            this.url = pulumi.output(svc.clusterUrl);
        }
        this.healthUrl = pulumi.interpolate`${this.url}/health`;
        this.registerOutputs({ url: this.url, healthUrl: this.healthUrl });
    }
}
