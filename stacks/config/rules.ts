// The rules that span keys, registered once each in CROSS_RULES, and the warnings. Each problem
// is one sentence naming the keys involved, the values and the rule; the loader runs every rule
// even when single keys failed (on the config with those keys unset).
import * as fs from "fs";
import { parseCpuMillis, parseMemoryBytes } from "./grammar";
import { NS, placeholderImageWhy, PlainConfig } from "./schema";
import { enclaveRpcProblems, validateEnclave } from "../rules";
import { hostMemoryProblems, hostPortProblems, ottochainShape, prodHostPorts } from "../placement";
import { artifactProblems } from "../../components/systems/ottochain/artifacts";
import { monitoringProblems } from "../../components/systems/ottochain/monitoringRules";
import { maintenanceProblems } from "../../components/systems/ottochain/maintenance";
import { accessProblems, networkProblems, networkWarnings, restoreProblems } from "../networkRules";
import { gitSourceProblems, urlRefProblems } from "../gitSources";

/** A value as messages quote it: JSON, or "nothing" when unset. */
export const show = (v: unknown): string => (v === undefined ? "nothing" : JSON.stringify(v));

/** Rules that span several keys. Each adds one sentence naming the keys involved. */
/** SEV-SNP only where the hardware is: AWS supports it on M6a, C6a and R6a only (EC2 CpuOptions AmdSevSnp docs). */
export const SEV_SNP_FAMILIES = ["m6a", "c6a", "r6a"];

/** The SCITT host's instance type in prod. */
export function scittInstanceType(c: Pick<PlainConfig, "scitt" | "hosts">): string {
    return c.scitt.instanceType ?? c.hosts.instanceType;
}

function snpProblems(c: PlainConfig): string[] {
    if (c.scitt.platform !== "snp") return [];
    if (c.topology === "dev") {
        return [`${NS}:scitt.platform "snp" needs AMD SEV-SNP hardware, which the dev topology (the local Docker engine) does not have: use "virtual" in dev (got "snp")`];
    }
    const type = scittInstanceType(c);
    if (SEV_SNP_FAMILIES.includes(type.split(".")[0])) return [];
    return [`${NS}:scitt.instanceType must be an AMD SEV-SNP type (${SEV_SNP_FAMILIES.map((f) => `${f}.*`).join(", ")}) when ${NS}:scitt.platform is "snp" (got "${type}"${c.scitt.instanceType ? "" : ` from ${NS}:hosts.instanceType`})`];
}

/** SCITT: one image source, its git source's url and ref together, SNP's attestation config and hardware, distinct ports. */
function scittRules(c: PlainConfig): string[] {
    if (!c.scitt.enabled) return [];
    const out: string[] = [];
    const source = c.scitt.source;
    if ([c.scitt.image, c.scitt.buildContext, source.url].filter((v) => v !== undefined).length !== 1) {
        out.push(`${NS}:scitt.image, ${NS}:scitt.buildContext and ${NS}:scitt.source.url: set exactly one (got image ${show(c.scitt.image)}, buildContext ${show(c.scitt.buildContext)}, source.url ${show(source.url)})`);
    }
    out.push(...urlRefProblems("scitt.source", "the repository", source));
    if (c.scitt.platform === "snp" && !c.scitt.attestationConfigPath) {
        out.push(`${NS}:scitt.attestationConfigPath must be set when ${NS}:scitt.platform is "snp" (got nothing)`);
    }
    out.push(...snpProblems(c));
    const src = c.scitt.attestationConfigSource;
    if (c.topology === "prod" && c.scitt.platform === "snp" && src === undefined) {
        // A missing bind source is made an empty directory by Docker; the node then reads a directory as its config.
        out.push(`${NS}:scitt.attestationConfigSource must be set when ${NS}:scitt.platform is "snp" in prod: the SCITT host is made by this same up, so nothing else puts the file at ${NS}:scitt.attestationConfigPath, and the node would start on an empty directory there (got nothing)`);
    }
    if (src !== undefined && !fs.existsSync(src)) out.push(`${NS}:scitt.attestationConfigSource must be a file on this machine (got "${src}", which does not exist)`);
    if (c.scitt.port === c.scitt.nodePort) {
        out.push(`${NS}:scitt.nodePort must differ from ${NS}:scitt.port (both ${c.scitt.port})`);
    }
    return out;
}

/** OttoChain: an external GL0 named in full, maintenance tokens on existing nodes, nodes within maxNodes, prod artifacts, dev-only sources. */
function ottochainRules(c: PlainConfig): string[] {
    const out: string[] = [];
    for (const key of ["jarsSource", "genesisSource"] as const) {
        if (c.topology === "dev" && c.ottochain[key] !== undefined) {
            out.push(`${NS}:ottochain.${key} must be unset in dev: dev nodes read jarsDir and genesisDir on this machine directly (got "${c.ottochain[key]}")`);
        }
    }
    if (!c.ottochain.enabled) return out;
    const g = c.ottochain.globalL0;
    if (g.source === "external" && (!g.peerId || !g.host)) {
        out.push(`${NS}:ottochain.globalL0.peerId and ${NS}:ottochain.globalL0.host must be set when ${NS}:ottochain.globalL0.source is "external" (got peerId ${show(g.peerId)}, host ${show(g.host)})`);
    }
    out.push(...maintenanceProblems({ resync: c.ottochain.resync, rekey: c.ottochain.rekey, nodes: { cl1: c.ottochain.currencyL1.nodes, dl1: c.ottochain.dataL1.nodes } }));
    for (const layer of ["currencyL1", "dataL1"] as const) {
        const l = c.ottochain[layer];
        if (l.nodes > l.maxNodes) {
            out.push(`${NS}:ottochain.${layer}.nodes must be ≤ ${NS}:ottochain.${layer}.maxNodes (got ${l.nodes} > ${l.maxNodes}): raise maxNodes to open the hosts' ports for more nodes`);
        }
    }
    if (c.topology === "prod") {
        // The hosts are made by this same up: no step before it can put jars or genesis on them.
        const holds = { jarsSource: `the jars, laid out by version as ${NS}:ottochain.jarsDir (tessellation/<version>/, metagraph/<version>/)`, genesisSource: "gl0/genesis.csv (a self-hosted GL0) and ml0/genesis.csv" };
        for (const key of ["jarsSource", "genesisSource"] as const) {
            if (c.ottochain[key] === undefined) out.push(`${NS}:ottochain.${key} must be set in prod: the metagraph hosts are made by this same up, so nothing else puts ${key === "jarsSource" ? "jars" : "genesis files"} on them before the nodes start; a local directory holding ${holds[key]} (got nothing)`);
        }
        out.push(...artifactProblems({ jarsSource: c.ottochain.jarsSource, genesisSource: c.ottochain.genesisSource, selfHostedGlobalL0: ottochainShape(c).selfHostedGlobalL0,
            versions: { tessellation: c.ottochain.tessellationVersion, metagraph: c.ottochain.metagraphVersion } }));
    }
    return out;
}

/** Neo: a durable store and a host name in prod, autoscaling above its replicas, requests within limits. */
function neoRules(c: PlainConfig): string[] {
    if (!c.neo.enabled) return [];
    const out: string[] = [];
    if (c.topology === "prod" && c.neo.database === "memory") {
        out.push(`${NS}:neo.database must be "postgres" in prod: the in-memory store loses data on every restart (got "memory")`);
    }
    if (c.neo.autoscaling.enabled && c.neo.autoscaling.maxReplicas < c.neo.replicas) {
        out.push(`${NS}:neo.autoscaling.maxReplicas must be ≥ ${NS}:neo.replicas (got ${c.neo.autoscaling.maxReplicas} < ${c.neo.replicas})`);
    }
    if (c.topology === "prod" && !c.neo.ingress.host) {
        out.push(`${NS}:neo.ingress.host must be set in prod: the public host name of the service layer (got nothing)`);
    }
    const i = c.neo.ingress;
    if (c.topology === "prod" && i.tls === undefined) {
        out.push(`${NS}:neo.ingress.tls must be set in prod: "cert-manager" (with ${NS}:neo.ingress.clusterIssuer, it issues ${NS}:neo.ingress.tlsSecretName) or "existing-secret" (you create the secret "${i.tlsSecretName}" in ${NS}:kubernetes.namespace first); nothing else provides it (got nothing)`);
    }
    if (i.tls === "cert-manager" && !i.clusterIssuer) {
        out.push(`${NS}:neo.ingress.clusterIssuer must be set when ${NS}:neo.ingress.tls is "cert-manager": the ClusterIssuer that issues the certificate (got nothing)`);
    }
    const r = c.neo.resources;
    // Both quantities parsed already (the schema refused any that does not).
    if ((parseCpuMillis(r.requestCpu) ?? 0) > (parseCpuMillis(r.limitCpu) ?? 0)) {
        out.push(`${NS}:neo.resources.requestCpu must not exceed ${NS}:neo.resources.limitCpu (got "${r.requestCpu}" > "${r.limitCpu}")`);
    }
    if ((parseMemoryBytes(r.requestMemory) ?? 0) > (parseMemoryBytes(r.limitMemory) ?? 0)) {
        out.push(`${NS}:neo.resources.requestMemory must not exceed ${NS}:neo.resources.limitMemory (got "${r.requestMemory}" > "${r.limitMemory}")`);
    }
    return out;
}

/** Prod hosts: a public key to install, ssh never open to the world. */
function hostRules(c: PlainConfig): string[] {
    const out: string[] = [];
    if (c.topology === "prod" && (c.scitt.enabled || c.ottochain.enabled) && !c.hosts.sshPublicKey) {
        out.push(`${NS}:hosts.sshPublicKey must be set in prod: the OpenSSH public key of the Docker hosts (got nothing)`);
    }
    for (const [i, cidrValue] of c.hosts.sshAllowedCidrs.entries()) {
        if (cidrValue.endsWith("/0")) out.push(`${NS}:hosts.sshAllowedCidrs[${i}] must not open SSH to the world (got "${cidrValue}")`);
    }
    return out;
}

/** The lottery: its enclave's sizing and its RPC egress. */
function lotteryRules(c: PlainConfig): string[] {
    if (!c.lottery.enabled) return [];
    return [...validateEnclave(lotteryForm(c), c.lottery.enclave, c.topology), ...enclaveRpcProblems(lotteryForm(c), c.lottery.rpcUrl)];
}

/**
 * No image nobody publishes for a system that is on and pulls it: dev's SCITT, Wealth Wars and
 * lottery containers; in prod also Neo, and the lottery when it runs on Kubernetes (the enclave
 * form runs an EIF). Dev's Neo default is such an image still (#22: built from its source).
 */
function placeholderImageRules(c: PlainConfig): string[] {
    const pulled = (key: "scitt" | "wealthwars" | "lottery" | "neo") =>
        c[key].enabled && (key !== "neo" || c.topology === "prod") && (key !== "lottery" || c.topology === "dev" || lotteryForm(c) === "kubernetes");
    return (["scitt", "wealthwars", "lottery", "neo"] as const).flatMap((key) => {
        const image = c[key].image;
        const why = image === undefined ? undefined : placeholderImageWhy(image);
        return pulled(key) && why !== undefined
            ? [`${NS}:${key}.image must be an image that exists when ${NS}:${key}.enabled is true (got "${image}", a placeholder: ${why}): set ${NS}:${key}.image to your pinned image, or ${NS}:${key}.enabled to false`]
            : [];
    });
}

/** The private registry: server and user together, prod only. */
function registryRules(c: PlainConfig): string[] {
    const r = c.registry;
    if (r.server === undefined && r.username === undefined) return [];
    if (c.topology === "dev") {
        return (["server", "username"] as const).filter((k) => r[k] !== undefined)
            .map((k) => `${NS}:registry.${k} is used in prod only: dev pulls with this machine's own docker login (got ${show(r[k])})`);
    }
    if (r.server === undefined || r.username === undefined) return [`${NS}:registry.server and ${NS}:registry.username must be set together (got server ${show(r.server)}, username ${show(r.username)})`];
    return [];
}

/** Every rule that spans keys, each registered once, in the order its problems are reported. */
export const CROSS_RULES: ((c: PlainConfig) => string[])[] = [
    scittRules, ottochainRules, neoRules, hostRules,
    accessProblems, networkProblems, (c) => restoreProblems(c, [...prodHostPorts(c).keys()]), gitSourceProblems,
    lotteryRules, hostPortProblems, hostMemoryProblems, monitoringProblems, placeholderImageRules, registryRules,
];

export function crossRules(c: PlainConfig): string[] {
    return CROSS_RULES.flatMap((rule) => rule(c));
}

/** The lottery's form: explicit, or container in dev and enclave in prod. */
export function lotteryForm(c: Pick<PlainConfig, "lottery" | "topology">): "container" | "enclave" | "kubernetes" {
    return c.lottery.form ?? (c.topology === "dev" ? "container" : "enclave");
}

export function warningsOf(c: PlainConfig): string[] {
    const w: string[] = [...networkWarnings(c)];
    if (c.ottochain.enabled) {
        for (const layer of ["currencyL1", "dataL1"] as const) {
            const n = c.ottochain[layer].nodes;
            if (n < 3) w.push(`${NS}:ottochain.${layer}.nodes is ${n}: an L1 cluster needs ≥ 3 nodes for consensus`);
        }
    }
    if (c.topology === "prod" && c.neo.enabled && c.neo.replicas < 2) {
        w.push(`${NS}:neo.replicas is ${c.neo.replicas}: below 2 a node drain takes the service down`);
    }
    if (c.topology === "prod" && c.wealthwars.enabled && c.wealthwars.replicas < 2) {
        w.push(`${NS}:wealthwars.replicas is ${c.wealthwars.replicas}: below 2 a node drain takes the service down`);
    }
    if (c.topology === "dev" && c.wealthwars.enabled && c.wealthwars.replicas > 1) {
        w.push(`${NS}:wealthwars.replicas is ${c.wealthwars.replicas}: dev runs one backend container (replicas apply to Kubernetes in prod)`);
    }
    return w;
}
