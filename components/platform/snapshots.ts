// VolumeSnapshots: scheduled EBS snapshots (AWS Data Lifecycle Manager) of every volume carrying a
// tag: in prod, every Docker host's data volume (Docker's data root: the SCITT ledger, every
// metagraph node's data; keys and genesis files), with the retention the stack config sets.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Intervals Data Lifecycle Manager accepts for an hourly create rule. */
export const DLM_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

export interface VolumeSnapshotsArgs {
    /** Volumes whose tags include all of these are snapshotted. */
    targetTags: Record<string, string>;
    /** Hours between snapshots (one of DLM_INTERVAL_HOURS). */
    intervalHours: number;
    /** Snapshots kept per volume (the oldest are deleted). */
    retainCount: number;
    /** What the policy covers, in words (shown in the AWS console). */
    description: string;
}

/** An AWS DLM policy description: 1-500 characters of [0-9A-Za-z _-] (others become spaces). */
export function dlmDescription(text: string): string {
    const cleaned = text.replace(/[^0-9A-Za-z _-]/g, " ").replace(/ +/g, " ").trim().slice(0, 500);
    if (cleaned.length === 0) throw new Error(`a DLM description needs letters or digits (got ${JSON.stringify(text)})`);
    return cleaned;
}

export class VolumeSnapshots extends pulumi.ComponentResource {
    readonly policy: aws.dlm.LifecyclePolicy;

    constructor(name: string, args: VolumeSnapshotsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:VolumeSnapshots", name, {}, opts);
        if (!(DLM_INTERVAL_HOURS as readonly number[]).includes(args.intervalHours)) {
            throw new Error(`${name}: intervalHours must be one of ${DLM_INTERVAL_HOURS.join(", ")} (got ${args.intervalHours})`);
        }
        const role = new aws.iam.Role(`${name}-dlm-role`, {
            assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "dlm.amazonaws.com" }),
        }, { parent: this });
        new aws.iam.RolePolicyAttachment(`${name}-dlm-policy`, {
            role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
        }, { parent: this });
        this.policy = new aws.dlm.LifecyclePolicy(`${name}-policy`, {
            // DLM descriptions allow only ^[0-9A-Za-z _-]+$ (terraform-provider-aws dlm
            // lifecycle_policy.go validation): no colon, no dots.
            description: dlmDescription(args.description),
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                resourceTypes: ["VOLUME"],
                targetTags: args.targetTags,
                schedules: [{
                    name: `every ${args.intervalHours}h`,
                    createRule: { interval: args.intervalHours, intervalUnit: "HOURS", times: "03:00" },
                    retainRule: { count: args.retainCount },
                    copyTags: true,
                }],
            },
        }, { parent: this });
        this.registerOutputs({});
    }
}
