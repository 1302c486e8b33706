// Node keys kept off the hosts (prod): one KMS key for the stack, and on every host that runs
// OttoChain nodes a KeyBackup (its own Secrets Manager secret, written by the host's timer).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ChainfleetConfig } from "./config/schema";
import { ottochainNodes } from "./placement";
import { DockerHost } from "../components/platform/host";
import { KeyBackup } from "../components/platform/keyBackup";

/** The secret a host's keystores are kept in. */
export function keyBackupSecretName(stack: string, label: string): string {
    return `chainfleet/${stack}/ottochain-keys/${label}`;
}

export function backupNodeKeys(c: ChainfleetConfig, hosts: Record<string, DockerHost>): Record<string, pulumi.Output<string>> {
    const labels = [...new Set(ottochainNodes(c).map((n) => n.host))].sort();
    if (!c.hosts.keyBackup.enabled || labels.length === 0) return {};
    const key = new aws.kms.Key("ottochain-keys-kms", {
        description: "chainfleet: encrypts the OttoChain node keystores kept in Secrets Manager",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
    }, { retainOnDelete: c.retainData });
    const region = aws.getRegionOutput({}).region;
    return Object.fromEntries(labels.map((label) => [label, new KeyBackup(`ottochain-keys-${label}`, {
        host: hosts[label], label, keysDir: c.ottochain.keysDir, secretName: keyBackupSecretName(pulumi.getStack(), label),
        kmsKeyArn: key.arn, region, everyMinutes: c.hosts.keyBackup.everyMinutes, retainData: c.retainData,
    }).secretArn]));
}
