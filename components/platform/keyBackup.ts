// KeyBackup: a copy of one Docker host's node keystores off the host. A Secrets Manager secret
// (encrypted with the stack's KMS key) per host, written by the host itself — a systemd timer runs
// scripts/keys-backup.sh, which sends the keystores only when they change — so no key ever passes
// through Pulumi or its state. The host's role may put values into its own secret only, and use
// the key only through Secrets Manager.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DockerHost } from "./host";
import { cmd, q, shippedScript } from "./shell";

/** Where the install puts the script, and the units' names. */
export const KEYS_BACKUP_BIN = "/usr/local/libexec/chainfleet/keys-backup";
const UNIT = "chainfleet-keys-backup";

/** The service (one run of the script) and its timer, as systemd unit text. */
export function keyBackupUnits(a: { keysDir: string; secretId: string; region: string; everyMinutes: number }): { service: string; timer: string } {
    return {
        service: `[Unit]
Description=chainfleet: copy the node keystores in ${a.keysDir} to Secrets Manager when they change
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=${KEYS_BACKUP_BIN} ${a.keysDir} ${a.secretId} ${a.region}
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=/var/lib/chainfleet
StateDirectory=chainfleet
`,
        timer: `[Unit]
Description=chainfleet: node keystore backup every ${a.everyMinutes} min

[Timer]
OnBootSec=5min
OnUnitActiveSec=${a.everyMinutes}min

[Install]
WantedBy=timers.target
`,
    };
}

/** The host script that installs the backup script and its units, enables the timer and runs it once. */
export function keyBackupInstallScript(sudo: string, units: { service: string; timer: string }): string {
    // A quoted here-document: the content arrives byte for byte, readable in the plan.
    const put = (path: string, content: string, mode: string) => {
        if (content.split("\n").includes("CHAINFLEET_EOF")) throw new Error(`${path}: content holds the here-document delimiter`);
        return `${sudo}install -D -m ${mode} /dev/stdin ${q(path)} <<'CHAINFLEET_EOF'\n${content.replace(/\n$/, "")}\nCHAINFLEET_EOF`;
    };
    return [
        "set -euo pipefail",
        put(KEYS_BACKUP_BIN, shippedScript("keys-backup.sh"), "0755"),
        put(`/etc/systemd/system/${UNIT}.service`, units.service, "0644"),
        put(`/etc/systemd/system/${UNIT}.timer`, units.timer, "0644"),
        `${sudo}systemctl daemon-reload`,
        `${sudo}${cmd("systemctl", "enable", "--now", `${UNIT}.timer`)}`,
        // A first backup now, of the keystores made so far; the timer catches later ones.
        `${sudo}${cmd("systemctl", "start", `${UNIT}.service`)}`,
    ].join("\n");
}

/** The IAM policy of a host: put values into its own secret; the key only through Secrets Manager. */
export function keyBackupPolicy(a: { secretArn: string; kmsKeyArn: string; region: string }): object {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "PutOwnKeyBackup", Effect: "Allow", Action: ["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"], Resource: [a.secretArn] },
            {
                Sid: "EncryptThroughSecretsManager", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Encrypt"], Resource: [a.kmsKeyArn],
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.amazonaws.com` } },
            },
        ],
    };
}

export interface KeyBackupArgs {
    /** An EC2 Docker host (its role gets the policy). */
    host: DockerHost;
    /** The host's placement label (the secret is named after it). */
    label: string;
    /** Host directory of the keystores (<node>.p12). */
    keysDir: string;
    /** Secret name, e.g. chainfleet/<stack>/ottochain-keys/<label>. */
    secretName: string;
    /** ARN of the KMS key the secret is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** Minutes between runs of the timer (a run without a change sends nothing). */
    everyMinutes: number;
    /** Keep the secret when it leaves the program or the stack is destroyed. */
    retainData: boolean;
}

export class KeyBackup extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: KeyBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:KeyBackup", name, {}, opts);
        if (!args.host.role) throw new Error(`KeyBackup ${name}: only EC2 hosts keep keys to back up`);
        const secret = new aws.secretsmanager.Secret(`${name}-secret`, {
            name: args.secretName,
            description: `chainfleet: node keystores of Docker host ${args.label} (${args.keysDir}), written by the host`,
            kmsKeyId: args.kmsKeyArn,
            recoveryWindowInDays: 30,
        }, { parent: this, retainOnDelete: args.retainData });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: args.host.role.id,
            policy: pulumi.all([secret.arn, args.kmsKeyArn, args.region]).apply(([secretArn, kmsKeyArn, region]) =>
                JSON.stringify(keyBackupPolicy({ secretArn, kmsKeyArn, region }))),
        }, { parent: this });
        const script = pulumi.all([secret.arn, args.region]).apply(([secretId, region]) =>
            keyBackupInstallScript(args.host.sudo, keyBackupUnits({ keysDir: args.keysDir, secretId, region, everyMinutes: args.everyMinutes })));
        args.host.run(`${name}-timer`, script, { parent: this, dependsOn: [policy] });
        this.secretArn = secret.arn;
        this.registerOutputs({ secretArn: this.secretArn });
    }
}
