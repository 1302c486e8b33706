// Which host runs what, and which ports each host must open: pure, from the validated config.
// Used by config validation (port collisions are config errors) and by the topologies.
import type { PlainConfig } from "./config/schema";
import { JVM_OVERHEAD_MIB, LAYER_KEYS, metagraphNodes, metagraphPortProblems, MetagraphShape, NodeSpec, nodePorts, PortClaim } from "../components/systems/ottochain/spec";
import { CATALOGUE_FAMILIES, HOST_RESERVED_MIB, instanceMemoryMiB } from "./rules";

/** The single Docker host of the dev topology. */
export const DEV_HOST = "local";
/** The prod host that runs the SCITT ledger. */
export const SCITT_HOST = "scitt";

/** The metagraph's shape; in dev every layer is on the one local host. */
export function ottochainShape(c: Pick<PlainConfig, "ottochain" | "topology">): MetagraphShape {
    const o = c.ottochain;
    const dev = c.topology === "dev";
    return {
        selfHostedGlobalL0: o.globalL0.source === "self-hosted",
        heapMiB: { gl0: o.globalL0.heapMiB, ml0: o.metagraphL0.heapMiB, cl1: o.currencyL1.heapMiB, dl1: o.dataL1.heapMiB },
        image: {
            gl0: o.globalL0.image ?? o.image, ml0: o.metagraphL0.image ?? o.image, cl1: o.currencyL1.image ?? o.image, dl1: o.dataL1.image ?? o.image,
        },
        nodes: { cl1: o.currencyL1.nodes, dl1: o.dataL1.nodes },
        placement: dev
            ? { gl0: DEV_HOST, ml0: DEV_HOST, cl1: DEV_HOST, dl1: DEV_HOST }
            : { gl0: o.placement.globalL0, ml0: o.placement.metagraphL0, cl1: o.placement.currencyL1, dl1: o.placement.dataL1 },
    };
}

/** Ports that Docker services other than the metagraph take on each host. */
export function otherPortClaims(c: PlainConfig): PortClaim[] {
    const claims: PortClaim[] = [];
    if (c.scitt.enabled) claims.push({ host: c.topology === "dev" ? DEV_HOST : SCITT_HOST, owner: "scitt", key: "chainfleet:scitt.port/nodePort", ports: [c.scitt.port, c.scitt.nodePort] });
    if (c.topology === "dev") {
        if (c.wealthwars.enabled) claims.push({ host: DEV_HOST, owner: "wealthwars", key: "chainfleet:wealthwars.port", ports: [c.wealthwars.port] });
        if (c.lottery.enabled && c.lottery.form !== "kubernetes") claims.push({ host: DEV_HOST, owner: "lottery", key: "chainfleet:lottery.port", ports: [c.lottery.port] });
        if (c.neo.enabled) claims.push({ host: DEV_HOST, owner: "neo", key: "chainfleet:neo.port", ports: [c.neo.port] });
    }
    return claims;
}

export function ottochainNodes(c: PlainConfig): NodeSpec[] {
    return c.ottochain.enabled ? metagraphNodes(ottochainShape(c)) : [];
}

/** Every port collision on any host (metagraph nodes and the other Docker services), as config errors. */
export function hostPortProblems(c: PlainConfig): string[] {
    return metagraphPortProblems(ottochainNodes(c), otherPortClaims(c));
}

/** A port range a host opens in its security group. */
export interface PortRange { owner: string; fromPort: number; toPort: number }

/**
 * Prod: the Docker hosts needed and the port ranges each opens. One range per metagraph layer,
 * sized by the layer's maxNodes rather than its node count, so adding a node changes no security
 * group, and a cluster of 100 nodes is still one rule (the CLI ports inside the range listen on
 * 127.0.0.1 only).
 */
export function prodHostPorts(c: PlainConfig): Map<string, PortRange[]> {
    const hosts = new Map<string, PortRange[]>();
    const add = (h: string, r: PortRange) => hosts.set(h, [...(hosts.get(h) ?? []), r]);
    const nodes = ottochainNodes(c);
    for (const layer of ["gl0", "ml0", "cl1", "dl1"] as const) {
        const ofLayer = nodes.filter((n) => n.layer === layer);
        if (ofLayer.length === 0) continue;
        const capacity = layer === "cl1" ? c.ottochain.currencyL1.maxNodes : layer === "dl1" ? c.ottochain.dataL1.maxNodes : 1;
        add(ofLayer[0].host, { owner: `ottochain ${layer}`, fromPort: nodePorts(layer, 0).public, toPort: nodePorts(layer, capacity - 1).p2p });
    }
    if (c.scitt.enabled) {
        add(SCITT_HOST, { owner: "scitt rpc", fromPort: c.scitt.port, toPort: c.scitt.port });
        add(SCITT_HOST, { owner: "scitt node-to-node", fromPort: c.scitt.nodePort, toPort: c.scitt.nodePort });
    }
    return hosts;
}

/**
 * Prod: the memory limits of the containers placed on each Docker host (every JVM node's heap plus
 * its overhead, SCITT's limit) must fit the instance type, less what the host keeps for itself.
 * Errors name the keys that place and size what does not fit.
 */
export function hostMemoryProblems(c: PlainConfig): string[] {
    if (c.topology !== "prod") return [];
    const typeOf = (host: string) => (host === SCITT_HOST ? c.scitt.instanceType ?? c.hosts.instanceType : c.hosts.instanceType);
    const out: string[] = [];
    const unknown = new Map<string, { type: string; hosts: string[] }>();
    for (const [host, h] of hostMemoryUse(c)) {
        const type = typeOf(host);
        const hostMiB = instanceMemoryMiB(type);
        const typeKey = host === SCITT_HOST && c.scitt.instanceType ? "chainfleet:scitt.instanceType" : "chainfleet:hosts.instanceType";
        if (hostMiB === undefined) {
            unknown.set(typeKey, { type, hosts: [...(unknown.get(typeKey)?.hosts ?? []), host] });
            continue;
        }
        if (h.mib <= hostMiB - HOST_RESERVED_MIB) continue;
        out.push(`host "${host}" needs ${h.mib} MiB (${h.parts.join(" + ")}), more than ${type}'s ${hostMiB} MiB less ${HOST_RESERVED_MIB} MiB for the OS and Docker: ` +
            `lower ${[...h.keys].join(" or ")}, place a layer on another host (chainfleet:ottochain.placement.*), or choose a larger ${typeKey} (got "${type}")`);
    }
    for (const [typeKey, u] of unknown) {
        out.push(`${typeKey} must be an instance type of chainfleet's catalogue (families ${CATALOGUE_FAMILIES.join(", ")}; stacks/rules.ts), against whose memory the limits on host${u.hosts.length > 1 ? "s" : ""} ${u.hosts.map((x) => `"${x}"`).join(", ")} are checked (got "${u.type}", which it does not know: a typo, or add its family there)`);
    }
    return out;
}

/** The memory limits placed on one Docker host: their sum, each part as text, the keys that size them. */
export interface HostMemory { mib: number; parts: string[]; keys: Set<string> }

/**
 * The memory limits of the metagraph nodes (heap + JVM_OVERHEAD_MIB each) and SCITT on each Docker
 * host, by host label (dev: everything on DEV_HOST). Prod checks them against the instance type,
 * the dev preflight against this machine (stacks/preflight.ts).
 */
export function hostMemoryUse(c: PlainConfig): Map<string, HostMemory> {
    const byHost = new Map<string, HostMemory>();
    const add = (host: string, mib: number, part: string, key: string) => {
        const h = byHost.get(host) ?? { mib: 0, parts: [], keys: new Set<string>() };
        h.mib += mib;
        h.parts.push(part);
        h.keys.add(key);
        byHost.set(host, h);
    };
    const byLayer = new Map<string, NodeSpec[]>();
    for (const n of ottochainNodes(c)) byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), n]);
    for (const nodes of byLayer.values()) {
        const n = nodes[0];
        const layerKey = `chainfleet:ottochain.${LAYER_KEYS[n.layer]}`;
        const key = n.layer === "cl1" || n.layer === "dl1" ? `${layerKey}.heapMiB or .nodes` : `${layerKey}.heapMiB`;
        add(n.host, nodes.length * (n.heapMiB + JVM_OVERHEAD_MIB), `${n.layer} ${nodes.length} × (${n.heapMiB} heap + ${JVM_OVERHEAD_MIB}) MiB`, key);
    }
    if (c.scitt.enabled) add(c.topology === "dev" ? DEV_HOST : SCITT_HOST, c.scitt.memoryMiB, `scitt ${c.scitt.memoryMiB} MiB`, "chainfleet:scitt.memoryMiB");
    return byHost;
}
