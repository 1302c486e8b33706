// Pulumi's own AWS rules (@pulumi/awsguard) that fit this project, run beside ours. Left out, with
// the reason: ec2-volume-inuse (data volumes are attached as their own resources so they outlive
// an instance; deleteOnTermination would destroy them), elb and API Gateway rules (none here).
import type { ResourceValidationPolicy } from "@pulumi/policy";

/* eslint-disable @typescript-eslint/no-require-imports */
const compute = require("@pulumi/awsguard/compute") as Record<string, ResourceValidationPolicy>;
const database = require("@pulumi/awsguard/database") as Record<string, ResourceValidationPolicy>;
const security = require("@pulumi/awsguard/security") as Record<string, ResourceValidationPolicy>;
/* eslint-enable @typescript-eslint/no-require-imports */

export const AWSGUARD_POLICIES: ResourceValidationPolicy[] = [
    compute.ec2InstanceDetailedMonitoringEnabled,
    compute.ec2InstanceNoPublicIP,
    compute.encryptedVolumes,
    database.rdsInstanceBackupEnabled,
    database.rdsInstanceMultiAZEnabled,
    database.rdsInstancePublicAccess,
    database.rdsStorageEncrypted,
    security.cmkBackingKeyRotationEnabled,
];
