// The config schema: every chainfleet:* key with its type, grammar and default, the secrets and
// their rules, and the types the program reads (PlainConfig, ChainfleetConfig). The bottom floor
// of the config: it imports grammars and platform constants, never a rule or the loader, so every
// rule file imports its types from here without a circle.
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { absolutePath, awsId, bool, isAbsolutePath, PATH_RULE, cidr, cpuQuantity, cpus, dnsLabel, dnsSubdomain, hostName, ingressHost, instanceType, int, localPath, memoryQuantity, ipv4, num, oneOf, pinnedImage, port, posixUser, rdsClass, relativePath, section, singleLine, sshPublicKey, sshPublicKeyProblem, str, text, url } from "./grammar";
import { decodeEncryptionKey } from "../rules";
import { HEALTH_PROBES, HealthProbe } from "../../components/platform/containerSpec";
import { ACCESS_MODES, parseJumpHost } from "../../components/platform/sshAccess";

export { configKey, NS } from "../../components/platform/configKey";

/** Image with sbt and a JDK 21 the jar builds run in (sbt fetches each project's own Scala; Euclid builds Tessellation on JDK 21 as well). */
export const SBT_BUILDER_IMAGE = "sbtscala/scala-sbt:eclipse-temurin-jammy-21.0.2_13_1.9.9_3.3.3";

/** chainfleet:ottochain.tessellationSource when unset or partly set; its ref defaults to v<tessellationVersion> (stacks/gitSources.ts tessellationSourceOf). */
export const TESSELLATION_SOURCE_DEFAULTS = {
    url: "https://github.com/Constellation-Labs/tessellation.git",
    builderImage: SBT_BUILDER_IMAGE,
    enabled: true,
} as const;

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
    vpcId: awsId("vpc", "a VPC id").optional(),
    /** mode existing: private subnets of the hosts and RDS (≥ 2, in different AZs). */
    privateSubnetIds: z.array(awsId("subnet", "a subnet id"), { error: "a list of subnet ids" }).default([]),
    /** mode existing: public subnets (the bastion's, with hosts.access.mode bastion). */
    publicSubnetIds: z.array(awsId("subnet", "a subnet id"), { error: "a list of subnet ids" }).default([]),
    /** VPC CIDR (prod): of the VPC to create, or (mode existing) the existing VPC's own, checked against it. */
    cidr: cidr().default("10.40.0.0/16"),
    /** Availability zones to span (≥ 2 for RDS Multi-AZ). */
    availabilityZones: int(2, 6).default(2),
    /** One NAT gateway for all private subnets, or one per AZ. */
    natGateways: oneOf(["single", "perAz"]).default("single"),
    /**
     * mode create: how the created VPC reaches kubernetes.clusterCidrs, which RDS serves (required
     * then): "peering" with the cluster's VPC (vpcId, same account and region; routeTableIds get the
     * return route to network.cidr), or "transitGateway" (transitGatewayId; its route tables are yours).
     */
    clusterRoute: section({
        via: oneOf(["peering", "transitGateway"]).optional(),
        vpcId: awsId("vpc", "a VPC id").optional(),
        routeTableIds: z.array(awsId("rtb", "a route table id"), { error: "a list of route table ids" }).default([]),
        transitGatewayId: awsId("tgw", "a transit gateway id").optional(),
    }),
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
    clusterSecurityGroupId: awsId("sg", "a security group id").optional(),
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
    /** Path of a scitt-ccf-ledger checkout to build the image from (CCF 7: one build for every platform). */
    buildContext: localPath().optional(),
    /**
     * The version a build reports (build arg SCITT_VERSION_OVERRIDE, which upstream's build needs:
     * without it cmake runs `git describe` in a context that has no .git and stops). Default: what
     * upstream's docker/build.sh computes, `git describe --tags --long --always` in the checkout.
     */
    version: str().regex(/^[\w][\w.+-]{0,127}$/, { error: "a version of letters, digits, . _ + - (like 0.18.2-0-gf797484)" }).optional(),
    /**
     * A git URL and ref (branch, tag or full commit id) of scitt-ccf-ledger to build the image from:
     * checked out into .chainfleet/src/scitt-ccf-ledger before anything is registered, then built as
     * buildContext would be. Exclusive with image and buildContext.
     */
    source: section({
        url: gitUrl().optional(),
        ref: gitRef().optional(),
    }),
    /**
     * Explicit, destructive reset of the ledger: a token not used before moves the ledger and its
     * service identities aside in the workspace (kept, never deleted) and starts a NEW service once.
     * Without it a ledger that cannot be recovered stops the container; it never starts anew.
     */
    resetToken: token().optional(),
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

/**
 * Prod: the private registry the images are pulled from, with the secret registryPassword. The
 * Docker hosts' providers log in to it (registryAuth) and the Kubernetes pods pull with an image
 * pull secret made from it. Dev pulls with this machine's own `docker login`.
 */
const registry = section({
    /** Registry host, optionally with a port (e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com, ghcr.io). */
    server: text().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/, { error: "a registry host name, optionally :port (no scheme, no path)" }).optional(),
    /** User name at the registry (the password is the secret chainfleet:registryPassword). */
    username: text().regex(/^[\w.@+-]{1,128}$/, { error: "a user name of letters, digits, . _ @ + -" }).optional(),
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
        /** Secret holding the TLS certificate. */
        tlsSecretName: dnsSubdomain().default("neo-service-layer-tls"),
        /**
         * Where that secret comes from (required in prod): cert-manager (issued from clusterIssuer
         * into tlsSecretName) or existing-secret (you create tlsSecretName in the namespace first).
         */
        tls: oneOf(["cert-manager", "existing-secret"]).optional(),
        /** cert-manager ClusterIssuer of the certificate (with tls cert-manager). */
        clusterIssuer: dnsSubdomain().optional(),
        /**
         * Wait until the ingress controller publishes the Ingress's address. Only some controllers
         * do (ingress-nginx with a LoadBalancer Service does; a NodePort or hostNetwork one never
         * does), so the default does not wait and `up` cannot hang on it.
         */
        awaitAddress: bool().default(false),
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
    registry,
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

/**
 * Images nobody publishes: chainfleet publishes none under ghcr.io/chainfleet/, and r3e-network
 * publishes no service-layer image (its CI builds with push: false; docs/upstream/service-layer.md).
 * Why an image is one of those, or undefined.
 */
export function placeholderImageWhy(image: string): string | undefined {
    if (image.startsWith("ghcr.io/chainfleet/")) return "nothing is published under ghcr.io/chainfleet/";
    if (image.startsWith("ghcr.io/r3e-network/service-layer:")) return "r3e-network publishes no service-layer image; build it from its docker/Dockerfile.service";
    return undefined;
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
        key: "registryPassword", what: "password or token of chainfleet:registry.username at chainfleet:registry.server",
        required: (c) => prod(c) && c.registry.server !== undefined, example: "<your registry token>",
    },
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
