// Domain rules of the config that are more than a type: enclave sizing and key formats.
// Pure functions, tested without mocks.

/** What an enclave parent needs to know of an EC2 instance type. */
export interface InstanceTypeInfo {
    vcpus: number;
    memoryMiB: number;
    arch: "x86_64" | "arm64";
    threadsPerCore: 1 | 2;
}

const SIZES: Record<string, number> = { large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64 };
// Nitro families that support enclaves (docs.aws.amazon.com/enclaves nitro-enclave.html#nitro-enclave-reqs):
// memory per vCPU (GiB), architecture, threads per core (Graviton and m7a/c7a have no SMT).
const FAMILIES: Record<string, [number, InstanceTypeInfo["arch"], 1 | 2]> = {
    m5: [4, "x86_64", 2], m5a: [4, "x86_64", 2], m5n: [4, "x86_64", 2], m6i: [4, "x86_64", 2], m6a: [4, "x86_64", 2],
    m7i: [4, "x86_64", 2], m7a: [4, "x86_64", 1], c5: [2, "x86_64", 2], c5a: [2, "x86_64", 2], c6i: [2, "x86_64", 2],
    c6a: [2, "x86_64", 2], c7i: [2, "x86_64", 2], r5: [8, "x86_64", 2], r6i: [8, "x86_64", 2], r7i: [8, "x86_64", 2],
    m6g: [4, "arm64", 1], m7g: [4, "arm64", 1], c6g: [2, "arm64", 1], c7g: [2, "arm64", 1], r6g: [8, "arm64", 1],
};

/** Known enclave-capable instance types, e.g. INSTANCE_TYPES["m6i.xlarge"]. */
export const INSTANCE_TYPES: Record<string, InstanceTypeInfo> = Object.fromEntries(
    Object.entries(FAMILIES).flatMap(([family, [gibPerVcpu, arch, threadsPerCore]]) =>
        Object.entries(SIZES).map(([size, vcpus]) => [
            `${family}.${size}`,
            { vcpus, memoryMiB: vcpus * gibPerVcpu * 1024, arch, threadsPerCore },
        ]),
    ),
);

/** Memory of the burstable types (t3, t3a, t4g: no Nitro Enclaves), MiB. */
const BURSTABLE_MIB: Record<string, number> = { nano: 512, micro: 1024, small: 2048, medium: 4096, large: 8192, xlarge: 16384, "2xlarge": 32768 };
const BURSTABLE_FAMILIES = ["t3", "t3a", "t4g"];

/**
 * The Docker hosts' catalogue beyond the enclave families: the general-purpose, compute and
 * memory families of the current generations (GiB per vCPU, from the EC2 instance type pages), in
 * the sizes large … 48xlarge; it holds every enclave family too, with the same GiB per vCPU (a
 * spec compares them). A type outside it is refused by the memory rule, never skipped.
 */
const HOST_FAMILIES: Record<string, number> = {
    m5: 4, m5a: 4, m5n: 4, m6i: 4, m6a: 4, m6g: 4, m7i: 4, m7a: 4, m7g: 4, m8g: 4,
    c5: 2, c5a: 2, c6i: 2, c6a: 2, c6g: 2, c7i: 2, c7a: 2, c7g: 2, c8g: 2,
    r5: 8, r5a: 8, r6i: 8, r6a: 8, r6g: 8, r7i: 8, r7a: 8, r7g: 8, r8g: 8,
};
const HOST_SIZES: Record<string, number> = { ...SIZES, "24xlarge": 96, "32xlarge": 128, "48xlarge": 192 };

/** GiB per vCPU of each catalogue family (the enclave families included), for the spec that compares the two tables. */
export const HOST_GIB_PER_VCPU: Readonly<Record<string, number>> = HOST_FAMILIES;

/** The families instanceMemoryMiB knows, for messages. */
export const CATALOGUE_FAMILIES = [...BURSTABLE_FAMILIES, ...Object.keys(HOST_FAMILIES)];

/** An instance type's memory, MiB, or undefined when the type is not in the catalogue. */
export function instanceMemoryMiB(instanceType: string): number | undefined {
    const [family, size] = instanceType.split(".");
    if (BURSTABLE_FAMILIES.includes(family)) return BURSTABLE_MIB[size];
    const perVcpu = HOST_FAMILIES[family];
    const vcpus = HOST_SIZES[size];
    return perVcpu !== undefined && vcpus !== undefined ? perVcpu * vcpus * 1024 : undefined;
}

/** Memory a Docker host keeps for the OS, Docker and its agents, MiB. */
export const HOST_RESERVED_MIB = 1024;

/** Memory the parent instance keeps for itself (OS, Docker, proxies), MiB. */
export const PARENT_RESERVED_MIB = 1024;

export interface EnclaveSizing {
    instanceType: string;
    cpuCount: number;
    memoryMiB: number;
    cid: number;
    debugMode: boolean;
    eifS3Uri?: string;
    pcr0?: string;
    /** Parent-side vsock ports (each must be its own, and none 8000: the packaged vsock-proxy holds it). */
    rpcProxyPort?: number;
    configPort?: number;
    kmsProxyPort?: number;
}

/** The vsock port the packaged nitro-enclaves-vsock-proxy.service listens on. */
export const PACKAGED_VSOCK_PROXY_PORT = 8000;

/** Each parent-side vsock port must be free of the packaged proxy's and of the others. */
function vsockPortProblems(e: EnclaveSizing): string[] {
    const ports = (["rpcProxyPort", "configPort", "kmsProxyPort"] as const).filter((k) => e[k] !== undefined);
    const out: string[] = [];
    for (const [i, k] of ports.entries()) {
        const v = e[k]!;
        const clash = ports.slice(0, i).filter((o) => e[o] === v);
        if (v === PACKAGED_VSOCK_PROXY_PORT) {
            out.push(`chainfleet:lottery.enclave.${k} must not be ${PACKAGED_VSOCK_PROXY_PORT}: the packaged nitro-enclaves-vsock-proxy listens there (got ${v})`);
        } else if (clash.length) {
            out.push(`chainfleet:lottery.enclave.${k} must differ from chainfleet:lottery.enclave.${clash[0]}: each parent vsock listener needs its own port (got ${v} for both)`);
        }
    }
    return out;
}

/**
 * The enclave's only way to its chain is the parent's vsock-proxy to <RPC host>:443 (enclaveSpec.ts),
 * so in the enclave form the RPC URL must be https on 443.
 */
export function enclaveRpcProblems(form: string, rpcUrl: string): string[] {
    if (form !== "enclave") return [];
    const u = new URL(rpcUrl);
    if (u.protocol === "https:" && (u.port === "" || u.port === "443")) return [];
    return [`chainfleet:lottery.rpcUrl must be an https:// URL on port 443 in the enclave form: the enclave reaches its chain only through the parent's vsock-proxy to <host>:443 (got "${rpcUrl}")`];
}

/** Every broken enclave rule as a sentence naming its key; empty when the enclave fits. */
export function validateEnclave(form: string, e: EnclaveSizing, topology: "dev" | "prod"): string[] {
    const k = "chainfleet:lottery";
    const out: string[] = [];
    if (form === "enclave" && topology === "dev") {
        out.push(`${k}.form must be "container" or "kubernetes" in dev: a Nitro Enclave needs an EC2 parent (got "enclave")`);
    }
    if (form === "kubernetes" && topology === "dev") {
        out.push(`${k}.form must be "container" in dev: the dev topology has no Kubernetes cluster (got "kubernetes")`);
    }
    if (form !== "enclave") return out;
    if (e.debugMode && topology === "prod") {
        out.push(`${k}.enclave.debugMode must be false in prod: debug mode zeroes the PCRs, so attestation proves nothing (got true)`);
    }
    if (!e.eifS3Uri) out.push(`${k}.enclave.eifS3Uri must be set for the enclave form: the s3://bucket/key of the EIF (got nothing)`);
    if (!e.pcr0) out.push(`${k}.enclave.pcr0 must be set for the enclave form: the EIF's PCR0 printed by nitro-cli build-enclave (got nothing)`);
    out.push(...vsockPortProblems(e));
    const info = INSTANCE_TYPES[e.instanceType];
    if (!info) {
        out.push(`${k}.enclave.instanceType must be a Nitro instance type that supports enclaves, e.g. m6i.xlarge, c6i.2xlarge, m6g.large (got "${e.instanceType}")`);
        return out;
    }
    const minVcpus = info.arch === "arm64" ? 2 : 4;
    if (info.vcpus < minVcpus) {
        out.push(`${k}.enclave.instanceType must have ≥ ${minVcpus} vCPUs on ${info.arch === "arm64" ? "Graviton" : "Intel/AMD"} to host an enclave (got "${e.instanceType}" with ${info.vcpus})`);
        return out;
    }
    if (info.threadsPerCore === 2 && e.cpuCount % 2 !== 0) {
        out.push(`${k}.enclave.cpuCount must be even on "${e.instanceType}" (2 threads per core: enclaves take whole cores) (got ${e.cpuCount})`);
    }
    if (info.vcpus - e.cpuCount < 2) {
        out.push(`${k}.enclave.cpuCount must leave the parent ≥ 2 of the ${info.vcpus} vCPUs of "${e.instanceType}" (got ${e.cpuCount})`);
    }
    const maxMemory = info.memoryMiB - PARENT_RESERVED_MIB;
    if (e.memoryMiB < 64) {
        out.push(`${k}.enclave.memoryMiB must be ≥ 64 (got ${e.memoryMiB})`);
    } else if (e.memoryMiB > maxMemory) {
        out.push(`${k}.enclave.memoryMiB must be ≤ ${maxMemory} on "${e.instanceType}" (${info.memoryMiB} MiB less ${PARENT_RESERVED_MIB} for the parent) (got ${e.memoryMiB})`);
    }
    return out;
}

/**
 * Decodes SECRET_ENCRYPTION_KEY as the Neo service layer does: hex, then base64, then raw bytes;
 * the key is valid when one of them gives 16, 24 or 32 bytes. Returns the bytes or undefined.
 */
export function decodeEncryptionKey(value: string): Buffer | undefined {
    const ok = (b: Buffer) => [16, 24, 32].includes(b.length);
    if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) {
        const b = Buffer.from(value, "hex");
        if (ok(b)) return b;
    }
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) {
        const b = Buffer.from(value, "base64");
        if (ok(b)) return b;
    }
    const raw = Buffer.from(value, "utf8");
    return ok(raw) ? raw : undefined;
}
