// The deployer's path to the prod Docker hosts, from chainfleet:hosts.access: the bastion (when
// this program makes one), what each host's port 22 admits, and the SshAccess every host command
// and Docker provider uses. The private key from chainfleet:sshPrivateKey is written to the access
// directory at plan time, in preview and up alike, so the system ssh the Docker provider runs has
// it on any machine that runs the program (a laptop, a CI runner) without an agent or a log line.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ChainfleetConfig } from "./config/schema";
import { Bastion } from "../components/platform/bastion";
import { DockerHost, SshIngress } from "../components/platform/host";
import { cmd } from "../components/platform/shell";
import { Network } from "../components/platform/network";
import { parseJumpHost, SshAccess, sshOptions, writeAccessFiles } from "../components/platform/sshAccess";

/** Where the key and known_hosts live, relative to the project: per stack, never committed (.gitignore). */
export function accessDir(c: Pick<ChainfleetConfig, "hosts">, stack: string): string {
    return c.hosts.access.keyDir ?? path.join(".chainfleet", "ssh", stack);
}

export interface DeployerAccess {
    /** Resolves once the key file is written; plain data (holds no secret). */
    access: pulumi.Output<SshAccess>;
    /** What every host's security group admits on port 22. */
    sshIngress: SshIngress;
    bastion?: Bastion;
}

export function deployerAccess(c: ChainfleetConfig, stack: string, net: Network, privateKey: pulumi.Output<string>): DeployerAccess {
    const a = c.hosts.access;
    const dir = accessDir(c, stack);
    const pinned = a.knownHosts.length > 0;
    // Written as soon as the secret resolves; `access` waits for it, so nothing connects before.
    const written = privateKey.apply((key) => {
        writeAccessFiles(dir, { privateKey: key, publicKey: c.hosts.sshPublicKey!, knownHosts: pinned ? a.knownHosts : undefined });
        return true;
    });
    const base = { mode: a.mode, dir, pinnedHostKeys: pinned };
    let bastion: Bastion | undefined;
    let jump: pulumi.Input<SshAccess["jump"]>;
    let sshIngress: SshIngress;
    let region: pulumi.Input<string | undefined>;
    if (a.mode === "bastion") {
        bastion = new Bastion("bastion", {
            vpcId: net.vpcId, subnetId: net.publicSubnetIds[0], vpcCidr: net.cidr, allowedCidrs: c.hosts.sshAllowedCidrs,
            sshUser: c.hosts.sshUser, sshPublicKey: c.hosts.sshPublicKey!, instanceType: a.bastionInstanceType,
        });
        jump = bastion.publicIp.apply((ip) => ({ user: c.hosts.sshUser, host: ip, port: 22 }));
        sshIngress = { securityGroupId: bastion.securityGroupId };
    } else if (a.mode === "jump") {
        jump = parseJumpHost(a.jumpHost!);
        sshIngress = { cidrs: c.hosts.sshAllowedCidrs };
    } else if (a.mode === "direct") {
        sshIngress = { cidrs: c.hosts.sshAllowedCidrs };
    } else {
        region = aws.getRegionOutput({}).name;
        sshIngress = undefined; // Session Manager needs no inbound port
    }
    const access = pulumi.unsecret(pulumi.all([written, jump, region]).apply(([, j, r]): SshAccess => ({
        ...base, ...(j ? { jump: j } : {}), ...(r ? { region: r } : {}),
    })));
    return { access, sshIngress, bastion };
}

/**
 * Stack output `access`: the path (mode, bastion address), each host's ssh target with a command
 * to open a shell over the same path, and the known_hosts lines to pin in hosts.access.knownHosts.
 */
export function accessOutputs(c: ChainfleetConfig, d: DeployerAccess, hosts: Record<string, DockerHost>) {
    const labels = Object.keys(hosts).sort();
    return {
        mode: c.hosts.access.mode,
        keyDir: accessDir(c, pulumi.getStack()),
        ...(d.bastion ? { bastion: d.bastion.publicIp } : {}),
        hosts: Object.fromEntries(labels.map((l) => [l, {
            target: hosts[l].sshTarget!,
            ssh: pulumi.all([d.access, hosts[l].sshTarget!]).apply(([a, t]) => cmd("ssh", ...sshOptions(a, l), ...(a.port && a.port !== 22 ? ["-p", a.port] : []), `${c.hosts.sshUser}@${t}`)),
        }])),
        knownHosts: pulumi.all(labels.map((l) => hosts[l].knownHost!)).apply((lines) => lines.filter((x) => x !== "")),
    };
}
