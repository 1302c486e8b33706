// Bastion: the one host with a public address, for chainfleet:hosts.access.mode "bastion". It
// forwards ssh to the Docker hosts and does nothing else: its security group admits 22 from
// chainfleet:hosts.sshAllowedCidrs only and lets it out only to port 22 inside the VPC (and 443 for
// the SSM agent and updates); sshd allows the login user's key, TCP forwarding for `ssh -W` (what
// a ProxyCommand uses), and no shell, agent, X11, tunnel or socket forwarding.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { al2023Ami, hardenedInstance, instanceIdentity } from "./ec2Base";
import { POSIX_USER, q } from "./shell";

export interface BastionArgs {
    vpcId: pulumi.Input<string>;
    /** A public subnet (routes to an internet gateway). */
    subnetId: pulumi.Input<string>;
    /** The VPC's CIDR: the only place the bastion may open ssh connections to. */
    vpcCidr: string;
    /** Who may reach the bastion's port 22; never 0.0.0.0/0 (checked in stacks/config/rules.ts). */
    allowedCidrs: string[];
    /** Login user (the AMI's) and the deployer's OpenSSH public key. */
    sshUser: string;
    sshPublicKey: string;
    /** EC2 type: a bastion only relays bytes. */
    instanceType: string;
}

/**
 * sshd settings of the bastion, as an sshd_config drop-in. sshd keeps the first value it reads and
 * Amazon Linux 2023 includes sshd_config.d/*.conf at the top, so 00-… wins. ForceCommand applies to
 * sessions only: `ssh -W` opens a direct-tcpip channel, which AllowTcpForwarding local permits.
 */
export function bastionSshdConfig(sshUser: string): string {
    // Spliced into sshd_config and a root heredoc: config already holds it to this grammar
    // (stacks/config/grammar.ts posixUser); any other caller is held here too.
    if (!POSIX_USER.test(sshUser)) throw new Error(`bastion: ${JSON.stringify(sshUser)} is not a POSIX user name`);
    return [
        `AllowUsers ${sshUser}`,
        "PermitRootLogin no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "AuthenticationMethods publickey",
        "AllowTcpForwarding local",
        "AllowAgentForwarding no",
        "AllowStreamLocalForwarding no",
        "GatewayPorts no",
        "PermitTunnel no",
        "X11Forwarding no",
        "PermitTTY no",
        "PermitUserRC no",
        "ForceCommand /bin/false",
        "MaxAuthTries 3",
        "MaxSessions 10",
        "LoginGraceTime 20",
        "ClientAliveInterval 30",
        "ClientAliveCountMax 4",
        "",
    ].join("\n");
}

/** The bastion's user data: the sshd drop-in, checked by `sshd -t` before sshd reloads it. */
export function bastionUserData(sshUser: string): string {
    return `#!/bin/bash
# chainfleet bastion (Amazon Linux 2023), written by the Bastion component.
set -euo pipefail
cat > /etc/ssh/sshd_config.d/00-chainfleet-bastion.conf <<'SSHD'
${bastionSshdConfig(sshUser).trimEnd()}
SSHD
sshd -t
systemctl reload sshd
systemctl enable --now amazon-ssm-agent
# ${q(sshUser)} logs in only to forward: no shell work is done here.
`;
}

export class Bastion extends pulumi.ComponentResource {
    /** The stable public address (an Elastic IP: it survives a replacement of the instance). */
    readonly publicIp: pulumi.Output<string>;
    /** Members of this group may reach the Docker hosts' port 22. */
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:Bastion", name, {}, opts);
        const o = { parent: this };
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: `chainfleet bastion ${name}: ssh in from the allowed CIDRs, ssh out to the VPC only`,
            ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: args.allowedCidrs, description: "deployers (hosts.sshAllowedCidrs)" }],
            egress: [
                { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: [args.vpcCidr], description: "ssh to the Docker hosts" },
                { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], description: "SSM agent and security updates" },
            ],
            tags: { Name: `${name}-sg` },
        }, o);
        const { profile, keyPair } = instanceIdentity(name, this, { sshPublicKey: args.sshPublicKey });
        const instance = new aws.ec2.Instance(`${name}-instance`, {
            ami: al2023Ami(o).id,
            instanceType: args.instanceType,
            subnetId: args.subnetId,
            vpcSecurityGroupIds: [sg.id],
            iamInstanceProfile: profile.name,
            keyName: keyPair.keyName,
            associatePublicIpAddress: true,
            ...hardenedInstance({ hopLimit: 1, rootGiB: 8 }),
            userData: bastionUserData(args.sshUser),
            userDataReplaceOnChange: true,
            // The deployers' entry point: a public address by design (AWS EC2.9 allows it for ingress hosts).
            tags: { Name: name, "chainfleet:ingress": "true" },
        }, { parent: this, ignoreChanges: ["ami"] });
        const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { Name: name } }, o);
        new aws.ec2.EipAssociation(`${name}-eip-assoc`, { instanceId: instance.id, allocationId: eip.id }, o);
        this.publicIp = eip.publicIp;
        this.securityGroupId = sg.id;
        this.registerOutputs({ publicIp: this.publicIp });
    }
}
