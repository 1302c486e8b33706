// What every EC2 instance of ours shares: the Amazon Linux 2023 AMI (ignoreChanges keeps a running
// host on the AMI it was launched with) and the hardening of docs/hardening.md — IMDSv2 only (EC2.8),
// encrypted gp3 root (EC2.3), 1-minute metrics (AWSGuard ec2-instance-detailed-monitoring-enabled).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The newest Amazon Linux 2023 x86_64 AMI. */
export function al2023Ami(opts: pulumi.InvokeOutputOptions) {
    return aws.ec2.getAmiOutput({ mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }] }, opts);
}

/**
 * The hardened part of an instance's args. hopLimit 2 lets containers on the host reach IMDS
 * (the Docker hosts, the enclave parent); a host without containers keeps 1.
 */
export function hardenedInstance(a: { hopLimit: 1 | 2; rootGiB: number }) {
    return {
        monitoring: true,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: a.hopLimit },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: a.rootGiB },
    };
}

/**
 * An instance's identity: a role EC2 assumes with Systems Manager's core policy (SSM.1) plus the
 * given ones (least privilege: only what placed services need), its instance profile, and the
 * deployer's ssh key pair.
 */
export function instanceIdentity(name: string, parent: pulumi.Resource, a: { sshPublicKey: string; extraPolicyArns?: pulumi.Input<string>[] }) {
    const opts = { parent };
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) }, opts);
    const policies = [aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore, ...(a.extraPolicyArns ?? [])];
    policies.forEach((arn, i) => new aws.iam.RolePolicyAttachment(`${name}-policy-${i}`, { role: role.name, policyArn: arn }, opts));
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, opts);
    const keyPair = new aws.ec2.KeyPair(`${name}-key`, { publicKey: a.sshPublicKey }, opts);
    return { role, profile, keyPair };
}
