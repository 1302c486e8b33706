// The one place config is read. Every chainfleet:* key is parsed by one schema, all problems are
// reported together, and nothing is registered before the whole config is valid.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { absolutePath, bool, isAbsolutePath, PATH_RULE, cidr, cpuQuantity, cpus, dnsLabel, dnsSubdomain, hostName, ingressHost, instanceType, int, localPath, memoryQuantity, parseCpuMillis, parseMemoryBytes, ipv4, num, oneOf, pinnedImage, port, posixUser, rdsClass, relativePath, section, singleLine, sshPublicKey, sshPublicKeyProblem, str, text, url } from "./schema";
import { decodeEncryptionKey, enclaveRpcProblems, validateEnclave } from "./rules";
import { q } from "../components/platform/shell";
import { HEALTH_PROBES, HealthProbe } from "../components/platform/containerSpec";
import { hostMemoryProblems, hostPortProblems, ottochainShape, prodHostPorts } from "./placement";
import { artifactProblems } from "../components/systems/ottochain/artifacts";
import { monitoringProblems } from "../components/systems/ottochain/monitoringRules";
import { maintenanceProblems } from "../components/systems/ottochain/maintenance";
import { ACCESS_MODES, parseJumpHost } from "../components/platform/sshAccess";
import { accessProblems, networkProblems, networkWarnings, restoreProblems } from "./networkRules";
import { gitSourceProblems, SBT_BUILDER_IMAGE, sourceDir, TESSELLATION_SOURCE_DEFAULTS, urlRefProblems } from "./gitSources";

export const NS = "chainfleet";

const hosts = section({
    /** dev: the address peers use to reach services on this machine. */
    localAddress: ipv4().default("127.0.0.1"),
    /** EC2 instance type of the Docker hosts (prod). */
    instanceType: instanceType().default("t3.xlarge"),
    /** Size of each host's encrypted data volume for stateful services, GiB. */
    dataVolumeGiB: int(8, 16384).default(100),
    /** Login user of the AMI (Amazon Linux 2023: ec2-user). */
    sshUser: posixUser().default("ec2-user"),
    /** OpenSSH public key installed on the hosts; its private half is chainfleet:sshPrivateKey. */
    sshPublicKey: sshPublicKey().optional(),
    /** CIDRs allowed to reach SSH (22) on the hosts; never 0.0.0.0/0. */
    sshAllowedCidrs: z.array(cidr(), { error: "a list of IPv4 CIDRs" }).default([]),
    /** CIDRs allowed to reach the ports services publish on the hosts. */
    ingressAllowedCidrs: z.array(cidr(), { error: "a list of IPv4 CIDRs" }).default(["10.0.0.0/8"]),
    /** Give the hosts a public IPv4 (off: they sit in private subnets behind NAT). */
    publicIp: bool().default(false),
    /** Replaced by hosts.access (mode "jump" + jumpHost); kept only to say so when it is set. */
    bastion: text().optional(),
    /**
     * The deployer's path to the hosts (prod), used by the host commands and the Docker provider
     * alike: "ssm" (Session Manager, no inbound port), "bastion" (one this program creates, reached
     * from sshAllowedCidrs), "jump" (an existing jump host) or "direct" (the deployer is inside the network).
     */
    access: section({
        mode: oneOf(ACCESS_MODES).default("ssm"),
        /** mode jump: the existing jump host, "user@host" or "user@host:port". */
        jumpHost: text().refine((j) => parseJumpHost(j) !== undefined, { error: '"user@host" or "user@host:port": a POSIX user name, a host name or IPv4 address, a port 1 to 65535' }).optional(),
        /** mode bastion: EC2 type of the bastion. */
        bastionInstanceType: instanceType().default("t3.micro"),
        /** Where the deployer keeps the key (from chainfleet:sshPrivateKey) and known_hosts; relative to the project. Default .chainfleet/ssh/<stack>. */
        keyDir: localPath().optional(),
        /**
         * Pinned host keys, as known_hosts lines ("chainfleet-<label> ssh-ed25519 AAAA…", printed by the
         * stack output access.knownHosts after the first up). Set: any other key is refused; unset: a
         * host's key is recorded on first contact and a changed one refused.
         */
        knownHosts: z.array(str().regex(/^chainfleet-[a-z][a-z0-9-]* (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$/, {
            error: 'a known_hosts line "chainfleet-<label> <key type> <base64 key>"', abort: true,
        }).refine((l) => sshPublicKeyProblem(l.slice(l.indexOf(" ") + 1)) === undefined, {
            error: 'a known_hosts line "chainfleet-<label> <key type> <base64 key>" whose key decodes as that type (a host key as ssh-keyscan prints it)',
        }), { error: "a list of known_hosts lines" }).default([]),
    }),
    /**
     * Restore (prod): host label → EBS snapshot id (snap-…) to make that host's data volume from. The
     * current volume is kept (retained); the host is replaced with the restored one. Leave it set.
     */
    restore: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "a host label like a" }),
        z.string().regex(/^snap-[0-9a-f]{8,17}$/, { error: "an EBS snapshot id like snap-0abc12345def67890" }), { error: "a map of host label to snapshot id" }).default({}),
    /** Prod: the OttoChain node keystores also kept off the hosts, in Secrets Manager (KMS-encrypted), by a timer on each host. */
    keyBackup: section({
        enabled: bool().default(true),
        /** Minutes between the timer's runs (a run sends only a changed set of keystores). */
        everyMinutes: int(5, 1440).default(15),
    }),
    /** EBS snapshot schedule of every host's data volume (prod): SCITT ledger, node data, keys, genesis. */
    snapshots: section({
        /** Hours between snapshots (one of 1, 2, 3, 4, 6, 8, 12, 24: what Data Lifecycle Manager accepts). */
        intervalHours: z.union([1, 2, 3, 4, 6, 8, 12, 24].map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>], {
            error: "one of 1, 2, 3, 4, 6, 8, 12, 24",
        }).default(24),
        /** Snapshots kept. */
        retainCount: int(1, 1000).default(14),
    }),
});

const network = section({
    /** "create" a VPC for chainfleet, or deploy into an "existing" one (e.g. the Kubernetes cluster's). */
    mode: oneOf(["create", "existing"]).default("create"),
    /** mode existing: the VPC (vpc-…). */
    vpcId: text().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "a VPC id like vpc-0abc12345def67890" }).optional(),
    /** mode existing: private subnets of the hosts and RDS (≥ 2, in different AZs). */
    privateSubnetIds: z.array(text().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "a subnet id like subnet-0abc12345def67890" }), { error: "a list of subnet ids" }).default([]),
    /** mode existing: public subnets (the bastion's, with hosts.access.mode bastion). */
    publicSubnetIds: z.array(text().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "a subnet id like subnet-0abc12345def67890" }), { error: "a list of subnet ids" }).default([]),
    /** VPC CIDR (prod): of the VPC to create, or (mode existing) the existing VPC's own, checked against it. */
    cidr: cidr().default("10.40.0.0/16"),
    /** Availability zones to span (≥ 2 for RDS Multi-AZ). */
    availabilityZones: int(2, 6).default(2),
    /** One NAT gateway for all private subnets, or one per AZ. */
    natGateways: oneOf(["single", "perAz"]).default("single"),
});

const kubernetes = section({
    /** Namespace the Kubernetes workloads go to. */
    namespace: dnsLabel().default("chainfleet"),
    /** kubeconfig context to use (default: the current context). */
    context: singleLine().optional(),
    /** Namespace of the ingress controller allowed through NetworkPolicies. */
    ingressNamespace: dnsLabel().default("ingress-nginx"),
    /** CIDRs the cluster's pods reach RDS from (its pod or node CIDRs), added to the VPC's own CIDR. */
    clusterCidrs: z.array(cidr(), { error: "a list of IPv4 CIDRs" }).default([]),
    /** The cluster's node or pod security group (sg-…), admitted to RDS (same or peered VPC). */
    clusterSecurityGroupId: text().regex(/^sg-[0-9a-f]{8,17}$/, { error: "a security group id like sg-0abc12345def67890" }).optional(),
});

/** A directory on the hosts: an absolute path, or "" for ottochainDirDefault. */
const hostDir = () => z.string({ error: "an absolute path" }).refine((d) => d === "" || isAbsolutePath(d), { error: `an absolute, normalised path (like /opt/ottochain/jars) of ${PATH_RULE}` });

/** A git URL and a ref of a source built from (stacks/gitSources.ts). */
const gitUrl = () => text().regex(/^((https?|ssh|git|file):\/\/[^\s'"`$\\;|&<>(){}]+|[\w.-]+@[\w.-]+:[^\s'"`$\\;|&<>(){}]+)$/, {
    error: "a git URL (https://, ssh://, git://, file:// or user@host:path) with no space, quote, $ or shell syntax",
});
/** A branch, tag or commit id as git check-ref-format accepts one (no .., no trailing . or /, no .lock). */
const gitRef = () => text().regex(/^[\w][\w./-]{0,199}$/, { error: "a branch, tag or commit id", abort: true })
    .refine((r) => !r.includes("..") && !r.includes("//") && !r.endsWith("/") && !r.endsWith(".") && !r.endsWith(".lock") && !r.includes("/."), {
        error: "a branch, tag or commit id git accepts (no .., //, /. and no trailing /, . or .lock)",
    });

/** A maintenance token (genesis reset, resync, re-key): a new value does it once more. */
const token = () => text().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, { error: "a token of letters, digits, . _ - (at most 64, starting with a letter or digit)" });

const scitt = section({
    enabled: bool().default(true),
    /** CCF platform: virtual (no hardware attestation, dev) or snp (AMD SEV-SNP). */
    platform: oneOf(["virtual", "snp"]).default("virtual"),
    /** Published RPC port (CCF_PORT). */
    port: port().default(8000),
    /** Node-to-node port. */
    nodePort: port().default(8001),
    /** Image reference; exclusive with buildContext. */
    image: pinnedImage().optional(),
    /** Path of a scitt-ccf-ledger checkout to build the image from (CCF 7: one build for every platform, no build args). */
    buildContext: localPath().optional(),
    /**
     * A git URL and ref (branch, tag or full commit id) of scitt-ccf-ledger to build the image from:
     * checked out into .chainfleet/src/scitt-ccf-ledger before anything is registered, then built as
     * buildContext would be. Exclusive with image and buildContext.
     */
    source: section({
        url: gitUrl().optional(),
        ref: gitRef().optional(),
    }),
    /** Dockerfile inside buildContext. */
    dockerfile: relativePath().default("docker/Dockerfile"),
    /** CPU limit, cores. */
    cpus: cpus(0.25, 64).default(1),
    /** Memory limit, MiB. */
    memoryMiB: int(512, 262144).default(2048),
    /** Interface the RPC port is published on. */
    bindAddress: ipv4().default("127.0.0.1"),
    /** SNP attestation config file on the host (required with platform snp). */
    attestationConfigPath: absolutePath().optional(),
    /** Prod: a local file copied to attestationConfigPath on the SCITT host (else put it there yourself). */
    attestationConfigSource: localPath().optional(),
    /**
     * Prod: EC2 type of the SCITT host (default chainfleet:hosts.instanceType). With platform snp it
     * must be an AMD SEV-SNP type (m6a, c6a, r6a); the host is then launched with SEV-SNP enabled.
     */
    instanceType: instanceType().optional(),
    /** CIDRs allowed to reach the RPC port in prod (added to hosts.ingressAllowedCidrs for this port only). */
    allowedCidrs: z.array(cidr(), { error: "a list of IPv4 CIDRs" }).default([]),
});

const database = section({
    /** RDS instance class (prod). */
    instanceClass: rdsClass().default("db.t4g.medium"),
    /** RDS storage, GiB. */
    allocatedStorageGiB: int(20, 65536).default(20),
    /** PostgreSQL major version. */
    engineVersion: str().regex(/^\d{1,2}(\.\d{1,2})?$/, { error: "a PostgreSQL version like 16 or 16.4" }).default("16"),
    /** Automated backup retention, days (≥ 7). */
    backupRetentionDays: int(7, 35).default(7),
    /** Image of the dev PostgreSQL container. */
    image: pinnedImage().default("postgres:16.4-bookworm"),
});

/** The tool a container health check runs inside the app's own image (dev containers). */
const healthProbe = (fallback: HealthProbe) => oneOf(HEALTH_PROBES).default(fallback);

const wealthwars = section({
    /** Health check tool in the image: node (a Node.js app always has it), or curl/wget/python. */
    healthProbe: healthProbe("node"),
    enabled: bool().default(true),
    /** Backend replicas (Kubernetes in prod; dev runs one container). */
    replicas: int(1, 50).default(2),
    /** Backend image. */
    image: pinnedImage().default("ghcr.io/chainfleet/wealth-wars-backend:0.1.0"),
    /** HTTP port of the backend. */
    port: port().default(3000),
    /** Solana JSON-RPC endpoint. */
    solanaRpcUrl: url().default("https://api.devnet.solana.com"),
    /** Memory limit, MiB (the guide's 2G). */
    memoryMiB: int(256, 65536).default(2048),
    /** CPU limit, cores. */
    cpus: cpus(0.25, 64).default(1),
    /** Migration command run once before the backend starts. */
    migrateCommand: z.array(str()).min(1, { error: "a non-empty list" }).default(["npx", "prisma", "migrate", "deploy"]),
    database,
});

/** A layer's own JVM image (to upgrade or canary one layer); default chainfleet:ottochain.image. */
const layerImage = () => pinnedImage().optional();
const l0 = section({
    /** JVM heap, MiB (-Xmx). */
    heapMiB: int(256, 262144).default(2048),
    image: layerImage(),
});
const l1 = section({
    /** Nodes in the cluster (≥ 3 for consensus). */
    nodes: int(1).default(3),
    /**
     * The most nodes the hosts' firewall admits: the security group opens this many nodes' ports
     * up front, so adding a node changes nothing but the node. Raise it to grow past it.
     */
    maxNodes: int(1).default(10),
    /** JVM heap per node, MiB. */
    heapMiB: int(256, 262144).default(1024),
    image: layerImage(),
});

const ottochain = section({
    enabled: bool().default(true),
    /** JVM image all layers run on. */
    image: pinnedImage().default("eclipse-temurin:21-jre-jammy"),
    /**
     * Tessellation version of every layer (one version for all): GL0 and the keytool run the jars in
     * <jarsDir>/tessellation/<this>/, and every node's /node/info must report it after a rollout.
     */
    tessellationVersion: str().regex(/^v?\d+\.\d+\.\d+(-[\w.]+)?$/, { error: "a version like 2.8.1" }).default("2.8.1"),
    /**
     * The metagraph's version: ML0 and the L1 nodes run the jars in <jarsDir>/metagraph/<this>/.
     * Changing it rolls the new jars out; setting it back rolls back (old versions' jars are kept).
     */
    metagraphVersion: str().regex(/^[\w][\w.+-]{0,63}$/, { error: "a version name of letters, digits, . _ + - (a directory name, like 1.4.0)" }).default("0.1.0"),
    /** CL_APP_ENV. */
    appEnv: oneOf(["dev", "testnet", "integrationnet", "mainnet"]).default("dev"),
    /** CL_COLLATERAL (0 in dev). */
    collateral: int(0).default(0),
    /** Host directory with global-l0.jar, metagraph-l0.jar, currency-l1.jar, data-l1.jar, cl-keytool.jar, cl-wallet.jar (default: ottochainDirDefault). */
    jarsDir: hostDir().default(""),
    /** Host directory where each node's keystore lives (<node>.p12); created once, never deleted (default: ottochainDirDefault). */
    keysDir: hostDir().default(""),
    /** Host directory with genesis.csv (GL0, ML0) and, after ML0's first boot, genesis.snapshot and genesis.address (default: ottochainDirDefault). */
    genesisDir: hostDir().default(""),
    /**
     * Dev: the metagraph's source, a git URL and ref: its jars are built (sbt assembly in a Docker
     * build stage on builderImage) into <jarsDir>/metagraph/<metagraphVersion>/ when that version
     * lacks one, the source checked out into .chainfleet/src/ottochain-metagraph only then.
     */
    source: section({
        url: gitUrl().optional(),
        ref: gitRef().optional(),
        /** Image with sbt and a JDK 21 the build stage runs in (sbt fetches the project's own Scala). */
        builderImage: pinnedImage().default(SBT_BUILDER_IMAGE),
    }),
    /**
     * Dev only (unset in prod): Tessellation's source, from which the jars this config needs
     * (cl-keytool.jar, cl-wallet.jar, and global-l0.jar with a self-hosted GL0) that are not pinned in
     * releaseSha256 are built into <jarsDir>/tessellation/<tessellationVersion>/ when absent: checked
     * out into .chainfleet/src/tessellation only then, built with sbt in a Docker build stage on
     * builderImage. Unset: every default below.
     */
    tessellationSource: z.strictObject({
        /** Git URL of Tessellation. */
        url: gitUrl().default(TESSELLATION_SOURCE_DEFAULTS.url),
        /** Branch, tag or commit id (default v<tessellationVersion>, the release's tag, a leading v added once). */
        ref: gitRef().optional(),
        /** Image with sbt and a JDK 21 the build runs in (default: that of chainfleet:ottochain.source). */
        builderImage: pinnedImage().default(TESSELLATION_SOURCE_DEFAULTS.builderImage),
        /** false: never build; a needed jar must then be pinned (downloaded) or already in jarsDir. */
        enabled: bool().default(TESSELLATION_SOURCE_DEFAULTS.enabled),
    }).optional(),
    /** Prod: local directory laid out as jarsDir (tessellation/<version>/, metagraph/<version>/), whose every version is copied to every metagraph host's jarsDir. */
    jarsSource: localPath().optional(),
    /** Prod: local directory with gl0/genesis.csv and ml0/genesis.csv, copied to genesisDir (never snapshots). */
    genesisSource: localPath().optional(),
    /** Dev: release base URL of the Tessellation tool jars: <releaseBaseUrl>/v<tessellationVersion>/<asset> (stacks/releaseJars.ts). */
    releaseBaseUrl: url().default("https://github.com/Constellation-Labs/tessellation/releases/download"),
    /**
     * Dev: pinned SHA-256 (64 lowercase hex) of each release jar to download into jarsDir when absent:
     * cl-keytool.jar, cl-wallet.jar, global-l0.jar (the release's cl-node.jar). Unpinned jars are never downloaded: they are built from tessellationSource.
     */
    releaseSha256: z.partialRecord(z.enum(["cl-keytool.jar", "cl-wallet.jar", "global-l0.jar"]), z.string().regex(/^[0-9a-f]{64}$/, { error: "64 lowercase hex digits (a SHA-256)" }),
        { error: "a map of jar name to SHA-256" }).default({}),
    /** Keystore alias (CL_KEYALIAS). */
    keyAlias: str().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: "a keystore alias of letters, digits, _ . - (at most 64, starting with a letter or digit)" }).default("alias"),
    /**
     * Explicit, destructive genesis reset: set to a new token to move ML0's data aside (kept, not
     * deleted) and run genesis again on the next `pulumi up`. Leave unset in normal operation.
     */
    genesisResetToken: token().optional(),
    /**
     * L1 resync: node name (cl1-2, dl1-0, …) → token. A new token moves that node's data aside (kept,
     * data.before-resync-<token>) and it rejoins its cluster from L0, in its rolling turn (n − 1 Ready).
     * Leave it set; a later token does it again.
     */
    resync: z.record(z.string(), token(), { error: "a map of L1 node name to token" }).default({}),
    /**
     * Node key replacement: L1 node name → token. A new token keeps the node's keystore aside
     * (<node>.before-rekey-<token>.p12, never deleted), makes a new one, and restarts the node in its
     * rolling turn with its data aside (data.before-rekey-<token>) under its new peer id. Leave it set.
     */
    rekey: z.record(z.string(), token(), { error: "a map of L1 node name to token" }).default({}),
    globalL0: section({
        heapMiB: int(256, 262144).default(2048),
        image: layerImage(),
        /** Run our own GL0 (dev network) or point at an external network's GL0 peer. */
        source: oneOf(["self-hosted", "external"]).default("self-hosted"),
        /** External GL0 peer id (source external). */
        peerId: text().regex(/^[0-9a-f]{128}$/, { error: "a 128-hex-digit peer id" }).optional(),
        /** External GL0 host (source external). */
        host: hostName().optional(),
        /** External GL0 public HTTP port (source external). */
        port: port().default(9000),
    }),
    metagraphL0: l0,
    currencyL1: l1,
    dataL1: l1,
    /** Seconds a readiness gate waits for a node state before failing. */
    readinessTimeoutSeconds: int(30, 7200).default(900),
    /**
     * Seconds a validator may take from its start (or its join) to Ready before its entrypoint
     * restarts it for a fresh join (a join to a peer that was down never completes).
     */
    joinTimeoutSeconds: int(30, 3600).default(180),
    /** Prod: which Docker host each layer runs on (host names are free-form labels). */
    placement: section({
        globalL0: str().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "a host label like a" }).default("a"),
        metagraphL0: str().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "a host label like a" }).default("a"),
        currencyL1: str().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "a host label like b" }).default("b"),
        dataL1: str().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "a host label like c" }).default("c"),
    }),
});

const lottery = section({
    /** Health check tool in the image: python (a FastAPI app always has it), or curl/wget/node. */
    healthProbe: healthProbe("python"),
    enabled: bool().default(true),
    /** Must be 1: the operator keeps no shared state, two would race on the chain. */
    replicas: z.literal(1, { error: "exactly 1 (the operator has no shared state bus: two instances would race)" }).default(1),
    /** Where it runs: a container (dev), a Nitro Enclave (prod), or Kubernetes (guide §5). */
    form: oneOf(["container", "enclave", "kubernetes"]).optional(),
    /** Container image (container and kubernetes forms). */
    image: pinnedImage().default("ghcr.io/chainfleet/enclave-lottery:0.1.0"),
    /** HTTP port of the operator API. */
    port: port().default(6080),
    /** BLOCKCHAIN_RPC_URL. */
    rpcUrl: url().default("http://host.docker.internal:8545"),
    /** BLOCKCHAIN_CHAIN_ID. */
    chainId: int(1).default(31337),
    /** BLOCKCHAIN_CONTRACT_ADDRESS. */
    contractAddress: text().regex(/^0x[0-9a-fA-F]{40}$/, { error: "a 0x-prefixed 20-byte hex address" })
        .default("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
    /** BLOCKCHAIN_GAS_MULTIPLIER. */
    gasMultiplier: num(1, 10).default(1.2),
    /** APP_LOG_LEVEL. */
    logLevel: oneOf(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
    enclave: section({
        /** Parent EC2 instance type (Nitro, ≥ 4 vCPUs Intel/AMD, ≥ 2 Graviton). */
        instanceType: instanceType().default("m6i.xlarge"),
        /** vCPUs given to the enclave (even on multithreaded parents; parent keeps ≥ 2). */
        cpuCount: int(1, 128).default(2),
        /** Enclave memory, MiB (≥ 64, ≥ 4 × EIF size). */
        memoryMiB: int(1).default(1024),
        /** Enclave CID, 4 … 4294967294, unique per host. */
        cid: int(4, 4294967294).default(16),
        /** s3://bucket/key of the EIF. */
        /** S3 object keys of AWS's safe characters (Object key naming guidelines) and /: no * or ? (IAM wildcards in the host's GetObject grant), no quote or $. */
        eifS3Uri: text().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.()\/-]+$/, { error: "an s3://bucket/key URI (a bucket name, then a key of letters, digits and ! - _ . ( ) /; no * or ?, which IAM reads as wildcards)" }).optional(),
        /** Expected PCR0 of the EIF (SHA-384, 96 hex digits): checked on the host and bound in the KMS policy. */
        pcr0: text().regex(/^[0-9a-f]{96}$/, { error: "96 lowercase hex digits (SHA-384)" }).optional(),
        /** Debug mode zeroes the PCRs: refused in prod. */
        debugMode: bool().default(false),
        /** Host port vsock-proxy listens on for RPC egress (not 8000: the packaged service holds it). */
        rpcProxyPort: port().default(8001),
        /** vsock port of the parent's config service the enclave boots from (not 8000, not another proxy's). */
        configPort: port().default(7000),
        /** vsock port of the proxy to kms.<region>.amazonaws.com:443 for the enclave's attested Decrypt (not 8000, not another proxy's). */
        kmsProxyPort: port().default(8002),
    }),
});

/** Prod alarms of the metagraph (components/systems/ottochain/monitoring.ts): CloudWatch metrics from each metagraph host, alarms to SNS. */
const monitoring = section({
    /** SNS topic ARN the alarms notify (required in prod when chainfleet:ottochain.enabled). */
    alarmTopicArn: text().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, { error: "an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms" }).optional(),
    /** CloudWatch namespace of the metrics; the hosts' role may put data into it only. */
    namespace: str().regex(/^(?!AWS\/)[A-Za-z0-9][A-Za-z0-9._/#:-]{0,254}$/, { error: "a CloudWatch namespace (letters, digits, . _ / # : -, starting with a letter or digit, not with AWS/)" }).default("Chainfleet/OttoChain"),
    /** Seconds between two publications by each metagraph host's timer: the node, cluster and disk alarms' period (a multiple of 60). */
    intervalSeconds: int(60, 3600).refine((n) => n % 60 === 0, { error: "a multiple of 60 from 60 to 3600" }).default(60),
    /** Minutes ML0's snapshot ordinal may stay the same before the stall alarm. */
    ordinalStallMinutes: int(2, 1440).default(10),
    /** Used % of a metagraph host's data volume above which its disk alarm fires. */
    diskUsedPercent: int(1, 99).default(80),
});

const neo = section({
    /** Health check tool in the image: wget (the upstream image is Alpine: busybox), or curl/node/python. */
    healthProbe: healthProbe("wget"),
    enabled: bool().default(true),
    /** Deployment replicas (warn below 2 in prod). */
    replicas: int(1, 100).default(2),
    /** Image, pinned. */
    image: pinnedImage().default("ghcr.io/r3e-network/service-layer:v0.9.0"),
    /** HTTP port. */
    port: port().default(8080),
    /** postgres or memory (dev only: no DATABASE_URL, data lost on restart). */
    database: oneOf(["postgres", "memory"]).default("postgres"),
    /** LOG_LEVEL. */
    logLevel: oneOf(["debug", "info", "warn", "error"]).default("info"),
    resources: section({
        /** Kubernetes quantities; each request must not exceed its limit. */
        requestCpu: cpuQuantity().default("250m"),
        requestMemory: memoryQuantity().default("256Mi"),
        limitCpu: cpuQuantity().default("1"),
        limitMemory: memoryQuantity().default("512Mi"),
    }),
    autoscaling: section({
        enabled: bool().default(false),
        maxReplicas: int(1, 100).default(6),
        cpuPercent: int(10, 100).default(70),
    }),
    ingress: section({
        /** Public host name (prod). */
        host: ingressHost().optional(),
        /** IngressClass. */
        className: dnsSubdomain().default("nginx"),
        /** Secret holding the TLS certificate (e.g. from cert-manager). */
        tlsSecretName: dnsSubdomain().default("neo-service-layer-tls"),
    }),
    postgres: database,
});

export const configSchema = z.strictObject({
    topology: oneOf(["dev", "prod"]),
    /** Keep stateful volumes, data disks and databases when resources are replaced or the stack destroyed. */
    retainData: bool().default(true),
    hosts,
    network,
    kubernetes,
    scitt,
    wealthwars,
    ottochain,
    lottery,
    neo,
    monitoring,
    /** Checks of this machine before any resource (dev): strict fails, warn only warns, off skips (default: stacks/preflight.ts preflightMode). */
    preflight: oneOf(["strict", "warn", "off"]).optional(),
}).overwrite((c) => ({
    ...c,
    ottochain: {
        ...c.ottochain,
        jarsDir: c.ottochain.jarsDir || ottochainDirDefault(c.topology, "jars"),
        keysDir: c.ottochain.keysDir || ottochainDirDefault(c.topology, "keys"),
        genesisDir: c.ottochain.genesisDir || ottochainDirDefault(c.topology, "genesis"),
    },
}));

/**
 * Where an unset chainfleet:ottochain.{jars,keys,genesis}Dir points: in dev a directory the user
 * owns (~/.chainfleet/dev/ottochain/<dir>, never /opt, which is root's on a laptop); in prod the
 * path on each metagraph host, as before.
 */
export function ottochainDirDefault(topology: "dev" | "prod", dir: "jars" | "keys" | "genesis"): string {
    return topology === "dev" ? path.join(devDataDir(), "ottochain", dir) : `/opt/ottochain/${dir}`;
}

/** Dev: the directory this machine's host-path data lives under, the user's own (~/.chainfleet/dev). */
export function devDataDir(): string {
    return path.join(os.homedir(), ".chainfleet", "dev");
}

/** Images under ghcr.io/chainfleet/ are placeholders: chainfleet publishes no images there. */
export function isPlaceholderImage(image: string): boolean {
    return image.startsWith("ghcr.io/chainfleet/");
}

export type PlainConfig = z.infer<typeof configSchema>;

/** Secret config keys: read raw for validation, then kept as Pulumi secrets only. */
export interface SecretSpec {
    /** Top-level key under chainfleet:. */
    key: string;
    /** What it is, for the error message and the README. */
    what: string;
    /** Required for this config (else optional; dev generates the missing ones). */
    required: (c: PlainConfig) => boolean;
    /** Extra rule on the value, returning the rule text when broken. */
    check?: (value: string) => string | undefined;
    /** Example value for the `pulumi config set` hint. */
    example: string;
}

const prod = (c: PlainConfig) => c.topology === "prod";
export const SECRETS: SecretSpec[] = [
    {
        key: "sshPrivateKey", what: "OpenSSH private key of the prod Docker hosts",
        required: (c) => prod(c) && (c.scitt.enabled || c.ottochain.enabled),
        example: "< ~/.ssh/chainfleet_ed25519",
    },
    {
        key: "wealthwarsAuthoritySecretKey", what: "Solana authority keypair (JSON byte array)",
        required: (c) => prod(c) && c.wealthwars.enabled, example: "\"$(cat authority.json)\"",
    },
    { key: "wealthwarsApiKeys", what: "API keys of the Wealth Wars backend", required: () => false, example: "key1,key2" },
    {
        key: "ottochainKeystorePassword", what: "password of every OttoChain node keystore (CL_PASSWORD)",
        required: (c) => prod(c) && c.ottochain.enabled, example: "\"$(openssl rand -hex 24)\"",
        check: (v) => (v.length >= 8 ? undefined : "at least 8 characters"),
    },
    {
        key: "lotteryOperatorKey", what: "lottery operator private key (0x + 64 hex)",
        required: (c) => prod(c) && c.lottery.enabled, example: "\"0x$(openssl rand -hex 32)\"",
        check: (v) => (/^0x[0-9a-fA-F]{64}$/.test(v) ? undefined : "0x followed by 64 hex digits"),
    },
    {
        key: "neoApiTokens", what: "comma-separated bearer tokens of the Neo service layer (API_TOKENS)",
        required: (c) => prod(c) && c.neo.enabled, example: "\"$(openssl rand -hex 32)\"",
        check: (v) => (v.split(",").every((t) => t.trim().length > 0) ? undefined : "comma-separated, non-empty tokens"),
    },
    {
        key: "neoEncryptionKey", what: "SECRET_ENCRYPTION_KEY of the Neo service layer",
        required: (c) => prod(c) && c.neo.enabled, example: "\"$(openssl rand -base64 32)\"",
        check: (v) => (decodeEncryptionKey(v) ? undefined : "16, 24 or 32 bytes, given raw, base64 or hex"),
    },
];

export type SecretName = (typeof SECRETS)[number]["key"];

/** The validated config: plain values plus the secrets that were set, as Pulumi secrets. */
export interface ChainfleetConfig extends PlainConfig {
    secrets: Partial<Record<SecretName, pulumi.Output<string>>>;
    warnings: string[];
}

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid chainfleet stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Renders a config path as the key a user types: chainfleet:ottochain.currencyL1.nodes. */
export function keyOf(path: readonly PropertyKey[]): string {
    let out = `${NS}:`;
    path.forEach((p, i) => {
        out += typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`;
    });
    return out;
}

/** Would this string, unquoted, be read as that type (pulumi config set --path: integers and true/false)? */
function readsAs(v: string, type: "number" | "boolean"): boolean {
    return type === "boolean" ? v === "true" || v === "false" : /^-?(0|[1-9]\d*)(\.\d+)?$/.test(v);
}

function show(v: unknown): string {
    return v === undefined ? "nothing" : JSON.stringify(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

/** Turns zod issues into "<key> must be <rule> (got <value>)" lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, stack = "<stack>"): string[] {
    return issues.map((issue) => {
        const got = valueAt(raw, issue.path);
        if (issue.code === "invalid_type" && issue.expected === "string" && (typeof got === "number" || typeof got === "boolean")) {
            // Only a nested key can hold a number (top-level values are strings): store it as one.
            const as = String(got);
            return `${keyOf(issue.path)} must be ${issue.message} (got ${show(got)}, a ${typeof got}; a string is needed): ` +
                `store it as a string with \`pulumi config set --stack ${q(stack)} --path --type string ${q(keyOf(issue.path))} -- ${q(as)}\`${typeof got === "number" ? ", or quote it in the stack file if you meant another spelling" : ""}`;
        }
        if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
            return `unknown config key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${NS}:${k}"`).join(", ")} (a typo?)`;
        }
        if (issue.code === "unrecognized_keys") {
            return `${keyOf(issue.path)} has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (a typo?)`;
        }
        if (issue.code === "custom" && issue.params?.sentence) return String(issue.message);
        if (issue.code === "invalid_key") {
            const inner = issue.issues.map((i) => i.message).join("; ");
            return `${keyOf(issue.path.slice(0, -1))}'s keys must each be ${inner} (got the key ${show(issue.path[issue.path.length - 1])})`;
        }
        // A private key pasted into a plain key is not echoed into a log.
        if (issue.code === "custom" && issue.params?.hideValue) return `${keyOf(issue.path)} must be ${issue.message} (got a value not shown here: it holds a private key, which belongs only in a secret)`;
        if (issue.code === "invalid_type" && (issue.expected === "number" || issue.expected === "boolean") && typeof got === "string" && readsAs(got, issue.expected as "number" | "boolean")) {
            return `${keyOf(issue.path)} must be ${issue.message} (got ${show(got)}, a string): write it unquoted in the stack file, or set it with \`pulumi config set --stack ${q(stack)} --path ${q(keyOf(issue.path))} ${q(got)}\`, which stores it as a ${issue.expected}`;
        }
        return `${keyOf(issue.path)} must be ${issue.message} (got ${show(valueAt(raw, issue.path))})`;
    });
}

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

function crossRules(c: PlainConfig): string[] {
    const out: string[] = [];
    if (c.scitt.enabled) {
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
        if (src !== undefined && !fs.existsSync(src)) out.push(`${NS}:scitt.attestationConfigSource must be a file on this machine (got "${src}", which does not exist)`);
        if (c.scitt.port === c.scitt.nodePort) {
            out.push(`${NS}:scitt.nodePort must differ from ${NS}:scitt.port (both ${c.scitt.port})`);
        }
    }
    const g = c.ottochain.globalL0;
    if (c.ottochain.enabled && g.source === "external" && (!g.peerId || !g.host)) {
        out.push(`${NS}:ottochain.globalL0.peerId and ${NS}:ottochain.globalL0.host must be set when ${NS}:ottochain.globalL0.source is "external" (got peerId ${show(g.peerId)}, host ${show(g.host)})`);
    }
    if (c.ottochain.enabled) {
        out.push(...maintenanceProblems({ resync: c.ottochain.resync, rekey: c.ottochain.rekey, nodes: { cl1: c.ottochain.currencyL1.nodes, dl1: c.ottochain.dataL1.nodes } }));
    }
    for (const layer of ["currencyL1", "dataL1"] as const) {
        const l = c.ottochain[layer];
        if (c.ottochain.enabled && l.nodes > l.maxNodes) {
            out.push(`${NS}:ottochain.${layer}.nodes must be ≤ ${NS}:ottochain.${layer}.maxNodes (got ${l.nodes} > ${l.maxNodes}): raise maxNodes to open the hosts' ports for more nodes`);
        }
    }
    if (c.neo.enabled && c.topology === "prod" && c.neo.database === "memory") {
        out.push(`${NS}:neo.database must be "postgres" in prod: the in-memory store loses data on every restart (got "memory")`);
    }
    if (c.neo.enabled && c.neo.autoscaling.enabled && c.neo.autoscaling.maxReplicas < c.neo.replicas) {
        out.push(`${NS}:neo.autoscaling.maxReplicas must be ≥ ${NS}:neo.replicas (got ${c.neo.autoscaling.maxReplicas} < ${c.neo.replicas})`);
    }
    if (c.neo.enabled && c.topology === "prod" && !c.neo.ingress.host) {
        out.push(`${NS}:neo.ingress.host must be set in prod: the public host name of the service layer (got nothing)`);
    }
    if (c.topology === "prod" && (c.scitt.enabled || c.ottochain.enabled) && !c.hosts.sshPublicKey) {
        out.push(`${NS}:hosts.sshPublicKey must be set in prod: the OpenSSH public key of the Docker hosts (got nothing)`);
    }
    for (const [i, cidrValue] of c.hosts.sshAllowedCidrs.entries()) {
        if (cidrValue.endsWith("/0")) out.push(`${NS}:hosts.sshAllowedCidrs[${i}] must not open SSH to the world (got "${cidrValue}")`);
    }
    out.push(...accessProblems(c), ...networkProblems(c), ...restoreProblems(c, [...prodHostPorts(c).keys()]), ...gitSourceProblems(c));
    if (c.lottery.enabled) out.push(...validateEnclave(lotteryForm(c), c.lottery.enclave, c.topology), ...enclaveRpcProblems(lotteryForm(c), c.lottery.rpcUrl));
    const r = c.neo.resources;
    if (parseCpuMillis(r.requestCpu)! > parseCpuMillis(r.limitCpu)!) {
        out.push(`${NS}:neo.resources.requestCpu must not exceed ${NS}:neo.resources.limitCpu (got "${r.requestCpu}" > "${r.limitCpu}")`);
    }
    if (parseMemoryBytes(r.requestMemory)! > parseMemoryBytes(r.limitMemory)!) {
        out.push(`${NS}:neo.resources.requestMemory must not exceed ${NS}:neo.resources.limitMemory (got "${r.requestMemory}" > "${r.limitMemory}")`);
    }
    out.push(...hostPortProblems(c));
    out.push(...hostMemoryProblems(c));
    out.push(...monitoringProblems(c));
    for (const key of ["jarsSource", "genesisSource"] as const) {
        if (c.topology === "dev" && c.ottochain[key] !== undefined) {
            out.push(`${NS}:ottochain.${key} must be unset in dev: dev nodes read jarsDir and genesisDir on this machine directly (got "${c.ottochain[key]}")`);
        }
    }
    for (const key of ["scitt", "wealthwars", "lottery"] as const) {
        const image = c[key].image;
        if (c.topology === "dev" && c[key].enabled && image !== undefined && isPlaceholderImage(image)) {
            out.push(`${NS}:${key}.image must be an image that exists when ${NS}:${key}.enabled is true (got "${image}", a placeholder: nothing is published under ghcr.io/chainfleet/): set ${NS}:${key}.image to your pinned image, or ${NS}:${key}.enabled to false`);
        }
    }
    if (c.ottochain.enabled && c.topology === "prod") {
        out.push(...artifactProblems({ jarsSource: c.ottochain.jarsSource, genesisSource: c.ottochain.genesisSource, selfHostedGlobalL0: ottochainShape(c).selfHostedGlobalL0,
            versions: { tessellation: c.ottochain.tessellationVersion, metagraph: c.ottochain.metagraphVersion } }));
    }
    return out;
}

/** The lottery's form: explicit, or container in dev and enclave in prod. */
export function lotteryForm(c: Pick<PlainConfig, "lottery" | "topology">): "container" | "enclave" | "kubernetes" {
    return c.lottery.form ?? (c.topology === "dev" ? "container" : "enclave");
}

function warningsOf(c: PlainConfig): string[] {
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

/** Where config comes from; the real one reads Pulumi config, tests can pass a map. */
export interface ConfigSource {
    /** Every key set for the stack, as "chainfleet:name" → raw string. */
    all(): Record<string, string>;
    isSecret(fullKey: string): boolean;
    /** The stack's own name (a user's stack may be called anything, not only dev or prod). */
    stackName(): string;
}

// The SDK keeps isConfigSecret out of its public typings; it is what config.getSecret relies on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };

export const pulumiConfigSource: ConfigSource = {
    all: () => pulumi.runtime.allConfig(),
    isSecret: (k) => isConfigSecret(k),
    stackName: () => pulumi.getStack(),
};

/**
 * The command that sets a secret, ready to paste: flags first, then the key, then `--` and the
 * value (cobra takes everything after `--` as positional, so `--stack` must come before it), or
 * the value on stdin (`< file`) for multi-line values such as keys.
 */
export function secretSetCommand(stack: string, fullKey: string, example: string): string {
    const value = example.startsWith("<") ? example : `-- ${example}`;
    return `pulumi config set --stack ${q(stack)} --secret ${fullKey} ${value}`;
}

function parseRaw(s: string): unknown {
    try {
        return JSON.parse(s);
    } catch {
        return s; // a plain string such as topology: dev
    }
}

/**
 * Integers where the schema wants a string, as strings: `pulumi config set --path` stores a value
 * that reads as an integer (no leading 0) as a number (pulumi/pulumi config/map.go
 * adjustObjectValue), so `metagraphVersion 17` arrives as 17 and reads back unchanged as "17".
 * Any other number or a boolean for a string key stays as it is and is refused with the command
 * that stores it as a string (formatIssues).
 */
function asTyped(raw: Record<string, unknown>): Record<string, unknown> {
    let work = raw;
    for (let round = 0; round < 8; round++) {
        const parsed = configSchema.safeParse(work);
        if (parsed.success) return work;
        const ints = parsed.error.issues.filter((i) => i.code === "invalid_type" && i.expected === "string" && Number.isSafeInteger(valueAt(work, i.path)));
        if (ints.length === 0) return work;
        work = structuredClone(work);
        for (const i of ints) setAt(work, i.path, String(valueAt(work, i.path)));
    }
    return work;
}

/**
 * The config with every failing key unset (so it takes its default), if that parses: what the
 * rules that span keys check when single keys fail. Undefined when it cannot be repaired (a
 * required key such as topology failed).
 */
function withoutFailedKeys(raw: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): PlainConfig | undefined {
    let work = structuredClone(raw);
    let todo = issues;
    for (let round = 0; round < 8; round++) {
        for (const i of todo) {
            if (i.code === "unrecognized_keys") for (const k of i.keys) unsetAt(work, [...i.path, k]);
            else unsetAt(work, i.path);
        }
        const again = configSchema.safeParse(work);
        if (again.success) return again.data;
        todo = again.error.issues;
        work = structuredClone(work);
    }
    return undefined;
}

/** A path up to its first list index (ottochain.x[2] → ottochain.x). */
function untilList(path: readonly PropertyKey[]): readonly PropertyKey[] {
    const i = path.findIndex((p) => typeof p === "number");
    return i < 0 ? path : path.slice(0, i);
}

/** Does a problem sentence name this key (or a key under it)? */
function mentions(problem: string, key: string): boolean {
    return new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w])`).test(problem);
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): void {
    let cur = root as Record<PropertyKey, unknown>;
    for (const p of path.slice(0, -1)) cur = cur[p] as Record<PropertyKey, unknown>;
    cur[path[path.length - 1]] = value;
}

/** Unsets a value: the key holding it, or the whole list when it sits in one (a list has no default per element). */
function unsetAt(root: unknown, path: readonly PropertyKey[]): void {
    let cut = path.length;
    let cur: unknown = root;
    for (let i = 0; i < path.length - 1; i++) {
        if (Array.isArray(cur)) { cut = i; break; }
        cur = (cur as Record<PropertyKey, unknown> | undefined)?.[path[i]];
        if (cur === null || typeof cur !== "object") return;
        if (Array.isArray(cur)) { cut = i + 1; break; }
    }
    let parent = root as Record<PropertyKey, unknown>;
    for (const p of path.slice(0, cut - 1)) parent = parent[p] as Record<PropertyKey, unknown>;
    if (parent && typeof parent === "object") delete parent[path[cut - 1]];
}

/**
 * Reads and validates the whole chainfleet config. Throws ConfigError listing every problem.
 * Secrets are read raw only to check them, and are returned wrapped with pulumi.secret.
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource): ChainfleetConfig {
    const all = source.all();
    const secretKeys = new Set(SECRETS.map((s) => s.key));
    const raw: Record<string, unknown> = {};
    const secretRaw: Record<string, string> = {};
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith(`${NS}:`)) continue;
        const key = fullKey.slice(NS.length + 1);
        if (secretKeys.has(key)) secretRaw[key] = value;
        else raw[key] = parseRaw(value);
    }
    const typed = asTyped(raw);
    const parsed = configSchema.safeParse(typed);
    const problems = parsed.success ? [] : formatIssues(parsed.error.issues, typed, source.stackName());
    // Every problem at once: when single keys fail, the rules that span keys still run, on the
    // config with those keys unset (their defaults), and say nothing about a key already refused.
    const c = parsed.success ? parsed.data : withoutFailedKeys(typed, parsed.error.issues);
    if (c === undefined) throw new ConfigError(problems);
    // A key as it was unset: a failing list element unsets its whole list.
    const failed = parsed.success ? [] : parsed.error.issues.map((i) => keyOf(untilList(i.path)));
    problems.push(...crossRules(c).filter((p) => !failed.some((k) => mentions(p, k))));
    const secrets: ChainfleetConfig["secrets"] = {};
    for (const spec of SECRETS) {
        const fullKey = `${NS}:${spec.key}`;
        const value = secretRaw[spec.key];
        const setCmd = secretSetCommand(source.stackName(), fullKey, spec.example);
        if (value === undefined || value === "") {
            if (spec.required(c)) problems.push(`${fullKey} (${spec.what}) is required: run \`${setCmd}\``);
            continue;
        }
        if (!source.isSecret(fullKey)) {
            problems.push(`${fullKey} must be stored as a secret (it is in plain text in the stack file): run \`${setCmd}\``);
            continue;
        }
        const broken = spec.check?.(value);
        if (broken) {
            problems.push(`${fullKey} must be ${broken} (got a secret value that is not)`);
            continue;
        }
        secrets[spec.key] = pulumi.secret(value);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    // A git source is built as a build context would be: its checkout (stacks/gitSources.ts).
    const scitt = c.scitt.source.url !== undefined ? { ...c.scitt, buildContext: sourceDir("scitt-ccf-ledger") } : c.scitt;
    return { ...c, scitt, secrets, warnings: warningsOf(c) };
}

