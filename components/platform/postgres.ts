// PostgresDatabase: one interface, two placements. A container on a private Docker network (dev)
// or RDS in private subnets (prod). Both hand the app a secret connection URL.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import { DockerHost } from "./host";
import { q } from "./shell";
import { ServiceContainer } from "./serviceContainer";
import { isPlainIdentifier, postgresUrl } from "./pgUrl";

export interface PgConnection {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    database: string;
    user: string;
    /** Secret. */
    password: pulumi.Output<string>;
    /** Secret: postgresql://… with the password URL-encoded and sslmode set. */
    url: pulumi.Output<string>;
}

interface Common {
    /** Database and owner role name (a plain identifier). */
    database: string;
    user: string;
}

export interface ContainerPlacement extends Common {
    kind: "container";
    host: DockerHost;
    /** Private network the database and its apps share; the database publishes no port. */
    network: docker.Network;
    /** Container name (its DNS name on the network). */
    containerName: string;
    /** Pinned postgres image. */
    image: string;
    memoryMiB?: number;
    retainData: boolean;
}

export interface RdsPlacement extends Common {
    kind: "rds";
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<string>[];
    /** CIDRs allowed to reach 5432 (the VPC, or the cluster's node subnets). */
    allowedCidrs: pulumi.Input<string>[];
    /** Security groups whose members may reach 5432 (the cluster's node or pod group). */
    allowedSecurityGroupIds?: string[];
    instanceClass: string;
    allocatedStorageGiB: number;
    /** Major version, e.g. "16". */
    engineVersion: string;
    backupRetentionDays: number;
    /**
     * Keep the instance on replacement and `pulumi destroy` (retainOnDelete: the engine forgets it
     * and AWS keeps it) and turn on AWS deletion protection (default true). Not `protect`: the
     * engine refuses a whole destroy over one protected resource. false lets `pulumi destroy`
     * delete it; a final snapshot is taken either way, so the data is never lost.
     */
    retainData?: boolean;
}

export type PostgresDatabaseArgs = ContainerPlacement | RdsPlacement;

/**
 * Sets the role's password to DB_PASSWORD (from the environment: DockerHost.run's secretEnv) over
 * the container's local socket, where the official image trusts local connections. The SQL goes
 * to psql on stdin, so the password is in no command line.
 */
export function passwordSyncScript(a: { sudo: string; container: string; user: string; database: string }): string {
    return [
        "set -euo pipefail",
        ': "${DB_PASSWORD:?DB_PASSWORD was not passed to this script}"',
        `printf "ALTER ROLE %s WITH PASSWORD '%s';\\n" ${q(a.user)} "\${DB_PASSWORD//\\'/\\'\\'}" |`,
        `  ${a.sudo}docker exec -i ${q(a.container)} psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U ${q(a.user)} -d ${q(a.database)}`,
        `echo "password of role ${a.user} applied"`,
    ].join("\n");
}

export class PostgresDatabase extends pulumi.ComponentResource {
    readonly connection: PgConnection;
    /** Whatever must exist before an app connects (the healthy container, or the RDS instance). */
    readonly ready: pulumi.Resource;

    constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:PostgresDatabase", name, {}, opts);
        for (const [k, v] of [["database", args.database], ["user", args.user]] as const) {
            if (!isPlainIdentifier(v)) throw new Error(`PostgresDatabase ${name}: ${k} must be a plain lowercase identifier (got "${v}")`);
        }
        // RDS refuses "/", "@", '"' and spaces in a master password; the container takes any.
        const overrideSpecial = args.kind === "rds" ? "#%&=+-_:?!" : "@:/?#%&=+-_";
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: true, overrideSpecial }, { parent: this });
        if (args.kind === "container") {
            const c = new ServiceContainer(`${name}`, {
                host: args.host,
                containerName: args.containerName,
                image: { ref: args.image },
                env: { POSTGRES_DB: args.database, POSTGRES_USER: args.user, PGDATA: "/var/lib/postgresql/data/pgdata" },
                secretEnv: { POSTGRES_PASSWORD: password.result },
                networks: [{ name: args.network.name, aliases: [args.containerName] }],
                volumes: [{ name: `${args.containerName}-data`, target: "/var/lib/postgresql/data" }],
                tmpfs: { "/var/run/postgresql": "rw,noexec,nosuid,size=16m", "/tmp": "rw,noexec,nosuid,size=64m" },
                healthcheck: {
                    test: ["CMD", "pg_isready", "-U", args.user, "-d", args.database, "-h", "127.0.0.1"],
                    intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20,
                },
                waitHealthy: true,
                memoryMiB: args.memoryMiB ?? 1024,
                cpus: 1,
                pidsLimit: 256,
                capAdd: ["CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE"],
                retainData: args.retainData,
                stopGraceSeconds: 60,
            }, { parent: this });
            // The data volume outlives the stack (retainData), but POSTGRES_PASSWORD only takes effect
            // when initdb makes a new cluster: after a destroy and a new up the role would keep the old
            // password. So the stack's password is (re)applied to the role whenever either changes.
            this.ready = args.host.run(`${name}-password`, passwordSyncScript({ sudo: args.host.sudo, container: args.containerName, user: args.user, database: args.database }), {
                parent: this, dependsOn: [c.container], triggers: [c.container.id], secretEnv: { DB_PASSWORD: password.result },
            });
            this.connection = connectionOf(pulumi.output(args.containerName), pulumi.output(5432), args, password.result, "disable");
        } else {
            const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
                vpcId: args.vpcId,
                description: `PostgreSQL ${name}: 5432 from the app networks only`,
                ingress: [
                    { fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: args.allowedCidrs, description: "apps" },
                    ...(args.allowedSecurityGroupIds?.length ? [{ fromPort: 5432, toPort: 5432, protocol: "tcp", securityGroups: args.allowedSecurityGroupIds, description: "the Kubernetes cluster" }] : []),
                ],
                egress: [],
            }, { parent: this });
            const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.privateSubnetIds }, { parent: this });
            const family = `postgres${args.engineVersion.split(".")[0]}`;
            const params = new aws.rds.ParameterGroup(`${name}-params`, {
                family,
                description: "chainfleet: TLS required",
                parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
            }, { parent: this });
            const db = new aws.rds.Instance(`${name}-db`, {
                engine: "postgres",
                engineVersion: args.engineVersion,
                instanceClass: args.instanceClass,
                allocatedStorage: args.allocatedStorageGiB,
                storageType: "gp3",
                storageEncrypted: true,
                dbName: args.database,
                username: args.user,
                password: password.result,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [sg.id],
                parameterGroupName: params.name,
                publiclyAccessible: false,
                multiAz: true,
                backupRetentionPeriod: args.backupRetentionDays,
                deletionProtection: args.retainData ?? true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${name}-final`,
                copyTagsToSnapshot: true,
                autoMinorVersionUpgrade: true,
                performanceInsightsEnabled: true,
                applyImmediately: false,
            }, { parent: this, retainOnDelete: args.retainData ?? true, additionalSecretOutputs: ["password"] });
            this.ready = db;
            this.connection = connectionOf(db.address, db.port, args, password.result, "require");
        }
        this.registerOutputs({ host: this.connection.host, port: this.connection.port, url: this.connection.url });
    }
}

function connectionOf(host: pulumi.Output<string>, port: pulumi.Output<number>, c: Common, password: pulumi.Output<string>, sslMode: "disable" | "require"): PgConnection {
    const secretPassword = pulumi.secret(password);
    return {
        host, port, database: c.database, user: c.user, password: secretPassword,
        url: pulumi.secret(pulumi.all([host, port, secretPassword]).apply(([h, p, pw]) =>
            postgresUrl({ host: h, port: p, database: c.database, user: c.user, password: pw, sslMode }))),
    };
}
