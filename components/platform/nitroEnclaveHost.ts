// NitroEnclaveHost: an EC2 parent with Nitro Enclaves on, running one EIF as a systemd service,
// with a TCP→vsock ingress proxy, allowlisted vsock-proxies for RPC and KMS egress, and the boot
// channel (vsock) that hands the enclave its config and the operator key's ciphertext. Reached through SSM,
// never SSH; the service endpoint is its private address.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { al2023Ami, hardenedInstance } from "./ec2Base";
import { enclaveHostUserData, EnclaveRun } from "./enclaveSpec";

/** The region is the provider's (the KMS key's): the component reads it. */
export interface NitroEnclaveHostArgs extends Omit<EnclaveRun, "region"> {
    vpcId: pulumi.Input<string>;
    /** Private subnet of the parent. */
    subnetId: pulumi.Input<string>;
    /** Nitro instance type (validated in stacks/rules.ts before anything is registered). */
    instanceType: string;
    /** CIDRs allowed to reach servicePort. */
    allowedCidrs: string[];
}

/** Parses s3://bucket/key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) throw new Error(`not an s3://bucket/key URI: ${uri}`);
    return { bucket: m[1], key: m[2] };
}

export class NitroEnclaveHost extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    readonly role: aws.iam.Role;
    readonly endpoint: pulumi.Output<string>;

    constructor(name: string, args: NitroEnclaveHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:NitroEnclaveHost", name, {}, opts);
        const o = { parent: this };
        const eif = parseS3Uri(args.eifS3Uri);
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: `chainfleet enclave parent ${name}: service port only, no SSH`,
            ingress: args.allowedCidrs.length ? [{ fromPort: args.servicePort, toPort: args.servicePort, protocol: "tcp", cidrBlocks: args.allowedCidrs, description: "enclave service" }] : [],
            egress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], description: "S3, KMS, SSM, RPC over TLS" }],
        }, o);
        this.role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) }, o);
        new aws.iam.RolePolicyAttachment(`${name}-ssm`, { role: this.role.name, policyArn: aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore }, o);
        new aws.iam.RolePolicy(`${name}-eif`, {
            role: this.role.id,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${eif.bucket}/${eif.key}`] }],
            }),
        }, o);
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name }, o);
        const region = aws.getRegionOutput({}, o).region;
        this.instance = new aws.ec2.Instance(`${name}-instance`, {
            ami: al2023Ami(o).id,
            instanceType: args.instanceType,
            subnetId: args.subnetId,
            vpcSecurityGroupIds: [sg.id],
            iamInstanceProfile: profile.name,
            associatePublicIpAddress: false,
            ...hardenedInstance({ hopLimit: 2, rootGiB: 30 }),
            enclaveOptions: { enabled: true },
            userData: region.apply((reg) => enclaveHostUserData({ ...args, region: reg })),
            userDataReplaceOnChange: true,
            tags: { Name: name },
        }, {
            parent: this,
            ignoreChanges: ["ami"],
            // Delete-first: the enclave runs the one lottery operator; a new host created before
            // the old one is gone would run a second operator against the same contract.
            deleteBeforeReplace: true,
        });
        this.endpoint = pulumi.interpolate`http://${this.instance.privateIp}:${args.servicePort}`;
        this.registerOutputs({ endpoint: this.endpoint });
    }
}
