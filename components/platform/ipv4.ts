// IPv4 arithmetic shared by the config rules (canonical CIDRs, overlaps, VPC size) and the
// network component (subnet split): pure, on values the grammar already accepted.

/** A dotted quad as a 32-bit number: 10.0.0.1 → 167772161. */
export function ipv4Number(addr: string): number {
    return addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** A number as a dotted quad. */
export function ipv4Address(n: number): string {
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** A CIDR's first address, its prefix length and its size in addresses. */
export function cidrParts(cidr: string): { start: number; bits: number; size: number } {
    const [addr, bits] = cidr.split("/");
    return { start: ipv4Number(addr), bits: Number(bits), size: 2 ** (32 - Number(bits)) };
}

/** The prefix length of each of a VPC's 2 × azCount equal subnets (a public and a private per zone). */
export function subnetPrefix(vpcCidr: string, azCount: number): number {
    return cidrParts(vpcCidr).bits + Math.ceil(Math.log2(azCount * 2));
}
