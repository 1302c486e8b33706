// NeoServiceLayer: the Go service layer. Dev: a container with its own PostgreSQL (or in-memory);
// prod: Kubernetes (Secret via envFrom, migration Job with -migrate-only, probes, PDB, optional
// HPA, Ingress with TLS, NetworkPolicy, Prometheus scraping) with RDS.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import { DockerHost } from "../../platform/host";
import { HealthProbe, httpHealthcheck } from "../../platform/containerSpec";
import { IngressSpec, KubeResources } from "../../platform/kubeSpec";
import { KubeService } from "../../platform/kubeService";
import { PgConnection } from "../../platform/postgres";
import { ServiceContainer } from "../../platform/serviceContainer";

interface Common {
    /** Pinned image. */
    image: string;
    port: number;
    logLevel: string;
    /** Secrets: comma-separated bearer tokens and the 16/24/32-byte encryption key. */
    apiTokens: pulumi.Output<string>;
    encryptionKey: pulumi.Output<string>;
    /** Absent: the in-memory store (dev only). */
    database?: PgConnection;
}

export type NeoArgs = Common & (
    | { kind: "docker"; host: DockerHost; bindAddress: string; networks: docker.Network[]; databaseReady?: pulumi.Resource;
        /** Tool the container health check runs inside the image (see HEALTH_PROBES). */
        healthProbe: HealthProbe; }
    | {
        kind: "kubernetes"; provider: k8s.Provider; namespace: string; replicas: number; resources: KubeResources;
        autoscaling?: { maxReplicas: number; cpuPercent: number };
        ingress: IngressSpec;
        allowFromNamespaces: string[];
        /** Resources the Kubernetes objects wait for (the namespace). */
        after?: pulumi.Resource[];
        /** Image pull secret of a private registry (kubeSpec imagePullSecret). */
        imagePullSecret?: string;
    }
);

/** Secret env of the service layer: API_TOKENS, SECRET_ENCRYPTION_KEY and, with a database, DATABASE_URL. */
export function neoSecretEnv(c: Common): Record<string, pulumi.Output<string>> {
    return {
        API_TOKENS: c.apiTokens,
        SECRET_ENCRYPTION_KEY: c.encryptionKey,
        ...(c.database ? { DATABASE_URL: c.database.url } : {}),
    };
}

export class NeoServiceLayer extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;
    readonly metricsUrl: pulumi.Output<string>;

    constructor(name: string, args: NeoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:neo:NeoServiceLayer", name, {}, opts);
        const env = { LOG_LEVEL: args.logLevel, PORT: String(args.port) };
        const secretEnv = neoSecretEnv(args);
        if (args.kind === "docker") {
            new ServiceContainer(name, {
                host: args.host,
                containerName: "neo-service-layer",
                image: { ref: args.image },
                env,
                secretEnv,
                networks: args.networks.map((n) => ({ name: n.name })),
                ports: [{ internal: args.port, ip: args.bindAddress }],
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
                healthcheck: httpHealthcheck(`http://127.0.0.1:${args.port}/healthz`, { intervalSeconds: 15 }, args.healthProbe),
                waitHealthy: true,
                restart: { policy: "unless-stopped" },
                memoryMiB: 512,
                stopGraceSeconds: 20, // the Go server drains its HTTP requests and schedulers
                cpus: 1,
                pidsLimit: 512,
                user: "65532:65532",
            }, { parent: this, dependsOn: args.databaseReady ? [args.databaseReady] : [] });
            this.url = pulumi.output(`http://${args.bindAddress}:${args.port}`);
        } else {
            const svc = new KubeService(name, {
                provider: args.provider,
                app: "neo-service-layer",
                namespace: args.namespace,
                imagePullSecret: args.imagePullSecret,
                image: args.image,
                port: args.port,
                servicePort: 80,
                replicas: args.replicas,
                env,
                secretEnv,
                probePath: "/healthz",
                metricsPath: "/metrics",
                resources: args.resources,
                readOnlyRootFs: true,
                runAsUser: 65532,
                allowFromNamespaces: args.allowFromNamespaces,
                migration: { args: ["-migrate-only"] },
                ingress: args.ingress,
                autoscaling: args.autoscaling,
                after: args.after,
            }, { parent: this });
            this.url = pulumi.output(`https://${args.ingress.host}`);
            void svc;
        }
        this.healthUrl = pulumi.interpolate`${this.url}/healthz`;
        this.metricsUrl = pulumi.interpolate`${this.url}/metrics`;
        this.registerOutputs({ url: this.url });
    }
}
