// Network (prod): a VPC across ≥ 2 AZs with public and private subnets and NAT, created here or
// an existing one (typically the Kubernetes cluster's, so RDS and the hosts share its network).
import { cidrParts, ipv4Address, subnetPrefix } from "./ipv4";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface ExistingNetworkArgs {
    mode: "existing";
    vpcId: string;
    /**
     * The VPC's CIDR as configured: the hosts' and RDS' ingress rules are written from it, so it is
     * checked against the VPC itself (a mismatch fails the preview naming both).
     */
    cidr: string;
    /** Private subnets (≥ 2, in different AZs: RDS Multi-AZ needs two). */
    privateSubnetIds: string[];
    /** Public subnets (the bastion's; may be empty otherwise). */
    publicSubnetIds: string[];
}

/**
 * How a created VPC reaches the Kubernetes cluster's CIDRs (RDS serves the cluster from here):
 * a VPC peering with the cluster's VPC (same account and region; routes both ways, the cluster's
 * side in the route tables named), or a transit gateway (this VPC attached on its private subnets;
 * the gateway's own route tables are the operator's).
 */
export type ClusterRoute =
    | { via: "peering"; cidrs: string[]; vpcId: string; routeTableIds: string[] }
    | { via: "transitGateway"; cidrs: string[]; transitGatewayId: string };

export interface NetworkArgs {
    mode?: "create";
    /** VPC CIDR, /16 to /24. */
    cidr: string;
    /** AZs to span, ≥ 2. */
    availabilityZones: number;
    /** One NAT gateway for all private subnets, or one per AZ. */
    natGateways: "single" | "perAz";
    /** The route to the cluster's CIDRs (none: the cluster is not served from this VPC). */
    clusterRoute?: ClusterRoute;
}

/** Splits a VPC CIDR into 2 × azCount equal subnets: public first, then private. */
export function subnetCidrs(vpcCidr: string, azCount: number): { public: string[]; private: string[] } {
    const newBits = subnetPrefix(vpcCidr, azCount);
    if (newBits > 28) throw new Error(`VPC ${vpcCidr} is too small for ${azCount * 2} subnets`);
    const { start } = cidrParts(vpcCidr);
    const size = 2 ** (32 - newBits);
    const all = Array.from({ length: azCount * 2 }, (_, i) => `${ipv4Address(start + i * size)}/${newBits}`);
    return { public: all.slice(0, azCount), private: all.slice(azCount) };
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly cidr: string;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly azs: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs | ExistingNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:Network", name, {}, opts);
        if (args.mode === "existing") {
            this.cidr = args.cidr;
            const vpc = aws.ec2.getVpcOutput({ id: args.vpcId }, { parent: this });
            // Ingress rules are computed from network.cidr: refuse to plan them against another VPC.
            const checked = vpc.cidrBlock.apply((actual) => {
                if (actual !== args.cidr) {
                    throw new Error(`chainfleet:network.cidr must be the CIDR of chainfleet:network.vpcId ${args.vpcId} (got "${args.cidr}", the VPC has "${actual}")`);
                }
                return args.vpcId;
            });
            this.vpcId = checked;
            const subnet = (id: string) => aws.ec2.getSubnetOutput({ id }, { parent: this });
            const privates = args.privateSubnetIds.map(subnet);
            this.azs = privates.map((s) => s.availabilityZone);
            const spread = pulumi.all(this.azs).apply((zones) => {
                if (new Set(zones).size < 2) throw new Error(`chainfleet:network.privateSubnetIds must span ≥ 2 availability zones for RDS Multi-AZ (got ${args.privateSubnetIds.join(", ")}, all in ${zones[0]})`);
                return zones;
            });
            this.privateSubnetIds = privates.map((s) => pulumi.all([s.id, s.vpcId, checked, spread]).apply(([id, vpcId]) => {
                if (vpcId !== args.vpcId) throw new Error(`chainfleet:network.privateSubnetIds: subnet ${id} is in ${vpcId}, not in chainfleet:network.vpcId ${args.vpcId}`);
                return id;
            }));
            this.publicSubnetIds = args.publicSubnetIds.map((id) => pulumi.output(id));
            this.registerOutputs({ vpcId: this.vpcId });
            return;
        }
        if (args.availabilityZones < 2) throw new Error(`Network ${name}: availabilityZones must be ≥ 2 (got ${args.availabilityZones})`);
        const o = { parent: this };
        this.cidr = args.cidr;
        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } }, o);
        this.vpcId = vpc.id;
        const zones = aws.getAvailabilityZonesOutput({ state: "available" }, o);
        const cidrs = subnetCidrs(args.cidr, args.availabilityZones);
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, o);
        // Routes are their own resources, never inline: a route table's inline routes are the whole
        // set, so a route added beside them (a peering, a transit gateway) would be removed on the next up.
        const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id }, o);
        new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, o);
        this.azs = [];
        this.publicSubnetIds = [];
        this.privateSubnetIds = [];
        const nats: aws.ec2.NatGateway[] = [];
        const privateRts: aws.ec2.RouteTable[] = [];
        for (let i = 0; i < args.availabilityZones; i++) {
            const az = zones.names.apply((n) => {
                if (n.length < args.availabilityZones) throw new Error(`chainfleet:network.availabilityZones is ${args.availabilityZones} but the region has ${n.length}`);
                return n[i];
            });
            this.azs.push(az);
            const pub = new aws.ec2.Subnet(`${name}-public-${i}`, { vpcId: vpc.id, cidrBlock: cidrs.public[i], availabilityZone: az, mapPublicIpOnLaunch: false, tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" } }, o);
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id }, o);
            this.publicSubnetIds.push(pub.id);
            if (args.natGateways === "perAz" || i === 0) {
                const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc" }, o);
                nats.push(new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: pub.id, allocationId: eip.id }, { parent: this, dependsOn: [igw] }));
            }
            const priv = new aws.ec2.Subnet(`${name}-private-${i}`, { vpcId: vpc.id, cidrBlock: cidrs.private[i], availabilityZone: az, tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" } }, o);
            const rt = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, { vpcId: vpc.id }, o);
            new aws.ec2.Route(`${name}-private-default-${i}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[args.natGateways === "perAz" ? i : 0].id }, o);
            privateRts.push(rt);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: rt.id }, o);
            this.privateSubnetIds.push(priv.id);
        }
        if (args.clusterRoute) routeToCluster(name, args.cidr, vpc, privateRts, this.privateSubnetIds, args.clusterRoute, o);
        this.registerOutputs({ vpcId: this.vpcId });
    }
}

/** Routes from the private subnets to the cluster's CIDRs, and (peering) back from the cluster's route tables. */
function routeToCluster(name: string, cidr: string, vpc: aws.ec2.Vpc, privateRts: aws.ec2.RouteTable[], privateSubnetIds: pulumi.Output<string>[], r: ClusterRoute, o: pulumi.CustomResourceOptions): void {
    let target: { vpcPeeringConnectionId: pulumi.Output<string> } | { transitGatewayId: string };
    let after: pulumi.Resource[];
    if (r.via === "peering") {
        const peering = new aws.ec2.VpcPeeringConnection(`${name}-cluster-peering`, { vpcId: vpc.id, peerVpcId: r.vpcId, autoAccept: true, tags: { Name: `${name}-cluster` } }, o);
        target = { vpcPeeringConnectionId: peering.id };
        after = [peering];
        r.routeTableIds.forEach((rtb, k) => new aws.ec2.Route(`${name}-cluster-return-${k}`, { routeTableId: rtb, destinationCidrBlock: cidr, vpcPeeringConnectionId: peering.id }, o));
    } else {
        const attachment = new aws.ec2transitgateway.VpcAttachment(`${name}-cluster-tgw`, { transitGatewayId: r.transitGatewayId, vpcId: vpc.id, subnetIds: privateSubnetIds, tags: { Name: `${name}-cluster` } }, o);
        target = { transitGatewayId: r.transitGatewayId };
        after = [attachment];
    }
    privateRts.forEach((rt, i) => r.cidrs.forEach((dest, j) => new aws.ec2.Route(`${name}-private-${i}-cluster-${j}`, { routeTableId: rt.id, destinationCidrBlock: dest, ...target }, { ...o, dependsOn: after })));
}
