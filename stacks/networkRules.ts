// Config rules of the prod hosts: their network placement, the deployer's path to them, and
// restores of their data volumes. Each problem is one sentence naming the keys, the value and
// the rule, found before anything is registered.
import type { PlainConfig } from "./config/schema";

import { NS } from "../components/platform/configKey";
import { cidrParts, subnetPrefix } from "../components/platform/ipv4";

/** Does the prod plan place anything on EC2 Docker hosts (which the deployer must reach)? */
export function hasDockerHosts(c: Pick<PlainConfig, "topology" | "scitt" | "ottochain">): boolean {
    return c.topology === "prod" && (c.scitt.enabled || c.ottochain.enabled);
}

/** Does a Kubernetes workload use RDS (so the cluster must reach it)? */
function clusterUsesRds(c: PlainConfig): boolean {
    return c.topology === "prod" && (c.wealthwars.enabled || (c.neo.enabled && c.neo.database === "postgres"));
}

export function accessProblems(c: PlainConfig): string[] {
    const out: string[] = [];
    const a = c.hosts.access;
    if (c.hosts.bastion !== undefined) {
        out.push(`${NS}:hosts.bastion is replaced by ${NS}:hosts.access: set ${NS}:hosts.access.mode to "jump" and ${NS}:hosts.access.jumpHost to the same "user@host" (got hosts.bastion "${c.hosts.bastion}")`);
    }
    if (!hasDockerHosts(c)) return out;
    if (a.mode === "jump") {
        if (a.jumpHost === undefined) out.push(`${NS}:hosts.access.jumpHost must be set when ${NS}:hosts.access.mode is "jump": the existing jump host as "user@host" or "user@host:port" (got nothing)`);
    } else if (a.jumpHost !== undefined) {
        out.push(`${NS}:hosts.access.jumpHost is used only when ${NS}:hosts.access.mode is "jump" (got mode "${a.mode}", jumpHost "${a.jumpHost}")`);
    }
    const reachFrom = { bastion: "the bastion", jump: "the hosts (from the jump host)", direct: "the hosts" } as const;
    if (a.mode !== "ssm" && c.hosts.sshAllowedCidrs.length === 0) {
        out.push(`${NS}:hosts.sshAllowedCidrs must list who may reach ${reachFrom[a.mode]} on port 22 when ${NS}:hosts.access.mode is "${a.mode}" (got [])`);
    }
    if (a.mode === "bastion" && c.network.mode === "existing" && c.network.publicSubnetIds.length === 0) {
        out.push(`${NS}:network.publicSubnetIds must name a public subnet for the bastion when ${NS}:hosts.access.mode is "bastion" and ${NS}:network.mode is "existing" (got [])`);
    }
    return out;
}

export function networkProblems(c: PlainConfig): string[] {
    const out: string[] = [];
    const n = c.network;
    if (n.mode === "existing") {
        if (n.vpcId === undefined) out.push(`${NS}:network.vpcId must be set when ${NS}:network.mode is "existing" (got nothing)`);
        if (n.privateSubnetIds.length < 2) {
            out.push(`${NS}:network.privateSubnetIds must list ≥ 2 private subnets in different availability zones when ${NS}:network.mode is "existing" (RDS Multi-AZ) (got ${JSON.stringify(n.privateSubnetIds)})`);
        }
    } else {
        for (const key of ["vpcId", "privateSubnetIds", "publicSubnetIds"] as const) {
            const v = n[key];
            if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
                out.push(`${NS}:network.${key} is used only when ${NS}:network.mode is "existing"; with "create" the program makes the VPC and its subnets (got ${JSON.stringify(v)})`);
            }
        }
        const { bits } = cidrParts(n.cidr);
        const subnetBits = subnetPrefix(n.cidr, n.availabilityZones);
        if (bits < 16 || bits > 28) {
            out.push(`${NS}:network.cidr must be a /16 to /28 block, the sizes a VPC may have (got "${n.cidr}")`);
        } else if (subnetBits > 28) {
            out.push(`${NS}:network.cidr "${n.cidr}" is too small for the ${n.availabilityZones * 2} subnets of ${NS}:network.availabilityZones ${n.availabilityZones} (a public and a private per zone, each at least a /28): use a larger block or fewer zones`);
        }
        for (const [i, other] of c.kubernetes.clusterCidrs.entries()) {
            if (cidrsOverlap(n.cidr, other)) {
                out.push(`${NS}:kubernetes.clusterCidrs[${i}] "${other}" overlaps ${NS}:network.cidr "${n.cidr}": the cluster is outside the created VPC, and overlapping blocks cannot be routed (peered) to each other; choose a VPC block apart from the cluster's`);
            }
        }
        if (clusterUsesRds(c) && c.kubernetes.clusterCidrs.length === 0 && c.kubernetes.clusterSecurityGroupId === undefined) {
            out.push(`${NS}:kubernetes.clusterCidrs or ${NS}:kubernetes.clusterSecurityGroupId must be set when ${NS}:network.mode is "create" and RDS serves the cluster: the cluster is outside the VPC this program creates, so RDS would admit nothing from it (got neither). Deploy into the cluster's VPC with network.mode "existing", or peer the VPCs and name the cluster's CIDRs`);
        }
        out.push(...clusterRouteProblems(c));
    }
    return out;
}

/** mode create with RDS serving the cluster: a route between the two VPCs, fully named. */
function clusterRouteProblems(c: PlainConfig): string[] {
    const r = c.network.clusterRoute;
    const out: string[] = [];
    if (clusterUsesRds(c) && c.kubernetes.clusterCidrs.length > 0 && r.via === undefined) {
        out.push(`${NS}:network.clusterRoute.via must be set when ${NS}:network.mode is "create" and RDS serves the cluster at ${NS}:kubernetes.clusterCidrs ${JSON.stringify(c.kubernetes.clusterCidrs)}: nothing else routes between the created VPC and the cluster's; "peering" (+ vpcId, routeTableIds) or "transitGateway" (+ transitGatewayId) (got nothing)`);
    }
    if (r.via === "peering" && (r.vpcId === undefined || r.routeTableIds.length === 0)) {
        out.push(`${NS}:network.clusterRoute.vpcId and ${NS}:network.clusterRoute.routeTableIds must be set when ${NS}:network.clusterRoute.via is "peering": the cluster's VPC, and its route tables that get the route back to ${NS}:network.cidr (got vpcId ${JSON.stringify(r.vpcId ?? null)}, routeTableIds ${JSON.stringify(r.routeTableIds)})`);
    }
    if (r.via === "transitGateway" && r.transitGatewayId === undefined) {
        out.push(`${NS}:network.clusterRoute.transitGatewayId must be set when ${NS}:network.clusterRoute.via is "transitGateway" (got nothing)`);
    }
    return out;
}

export function networkWarnings(c: PlainConfig): string[] {
    if (c.topology === "prod" && c.network.mode === "existing" && c.network.clusterRoute.via !== undefined) {
        return [`${NS}:network.clusterRoute is ignored with ${NS}:network.mode "existing": an existing VPC is routed by whoever made it (got via "${c.network.clusterRoute.via}")`];
    }
    if (hasDockerHosts(c) && c.hosts.access.mode === "ssm" && c.hosts.sshAllowedCidrs.length > 0) {
        return [`${NS}:hosts.sshAllowedCidrs is ignored with ${NS}:hosts.access.mode "ssm": the hosts open no ssh port (got ${JSON.stringify(c.hosts.sshAllowedCidrs)})`];
    }
    return [];
}

/** hosts.restore names only hosts this plan has, and only in prod. */
export function restoreProblems(c: PlainConfig, hostLabels: string[]): string[] {
    return Object.keys(c.hosts.restore).flatMap((label) => {
        if (c.topology !== "prod") return [`${NS}:hosts.restore.${label} restores an EC2 host's data volume from an EBS snapshot: prod only (dev keeps its data in local Docker volumes) (got "${c.hosts.restore[label]}")`];
        if (hostLabels.includes(label)) return [];
        return [`${NS}:hosts.restore.${label} must name a Docker host of this plan (${hostLabels.join(", ")}) (got host "${label}")`];
    });
}

/** Do two IPv4 CIDRs (already valid) share an address? */
export function cidrsOverlap(a: string, b: string): boolean {
    const range = (c: string) => {
        const { start, size } = cidrParts(c);
        return [start, start + size - 1];
    };
    const [a0, a1] = range(a);
    const [b0, b1] = range(b);
    return a0 <= b1 && b0 <= a1;
}
