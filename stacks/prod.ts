// Prod topology: a VPC, EC2 Docker hosts (SCITT, the metagraph layers by placement), a Nitro
// Enclave parent for the lottery, RDS PostgreSQL, and the stateless HTTP services on Kubernetes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChainfleetConfig } from "./config/schema";
import { lotteryForm, scittInstanceType } from "./config/rules";
import { accessOutputs, deployerAccess } from "./access";
import { backupNodeKeys } from "./keyBackups";
import { deployMetagraph } from "./metagraph";
import { Outputs } from "./outputs";
import { ottochainNodes, ottochainShape, prodHostPorts, SCITT_HOST } from "./placement";
import { copyArtifacts } from "../components/systems/ottochain/artifacts";
import { MetagraphMonitoring } from "../components/systems/ottochain/monitoring";
import { VolumeSnapshots } from "../components/platform/snapshots";
import { DockerHost } from "../components/platform/host";
import { ClusterRoute, Network } from "../components/platform/network";
import { dockerConfigJson } from "../components/platform/kubeSpec";
import { PostgresDatabase } from "../components/platform/postgres";
import { ScittLedger } from "../components/systems/scitt/scitt";
import { scittBuildVersion } from "./gitSources";
import { WealthWarsBackend } from "../components/systems/wealthwars/wealthwars";
import { LotteryOperator } from "../components/systems/lottery/lottery";
import { NeoServiceLayer } from "../components/systems/neo/neo";

/** The secret config validation guarantees in prod. */
function must(c: ChainfleetConfig, key: keyof ChainfleetConfig["secrets"]): pulumi.Output<string> {
    const v = c.secrets[key];
    if (!v) throw new Error(`chainfleet:${key} is not set (config validation should have said so)`);
    return v;
}

export function deployProd(c: ChainfleetConfig): Outputs {
    const out: Outputs = { topology: "prod" };
    const n = c.network;
    const net = n.mode === "existing"
        ? new Network("chainfleet", { mode: "existing", vpcId: n.vpcId!, cidr: n.cidr, privateSubnetIds: n.privateSubnetIds, publicSubnetIds: n.publicSubnetIds })
        : new Network("chainfleet", { mode: "create", cidr: n.cidr, availabilityZones: n.availabilityZones, natGateways: n.natGateways, clusterRoute: clusterRouteOf(c) });
    const inVpc = [n.cidr];
    const prodHosts = [...prodHostPorts(c).entries()];
    // The deployer's path to the hosts (SSM, a bastion, a jump host or direct): one for commands and Docker.
    const deployer = prodHosts.length > 0 ? deployerAccess(c, pulumi.getStack(), net, must(c, "sshPrivateKey")) : undefined;
    // The private registry, if any: the Docker hosts log in to it, the pods pull with a Secret of it.
    const login = registryLogin(c);

    // Docker hosts: one per placement label, each opening only its services' port ranges.
    const hosts: Record<string, DockerHost> = {};
    prodHosts.forEach(([label, ranges], i) => {
        const az = i % net.privateSubnetIds.length;
        const extraScitt = label === SCITT_HOST ? c.scitt.allowedCidrs : [];
        hosts[label] = new DockerHost(`host-${label}`, {
            kind: "ec2",
            ec2: {
                vpcId: net.vpcId, subnetId: net.privateSubnetIds[az], availabilityZone: net.azs[az],
                instanceType: label === SCITT_HOST ? scittInstanceType(c) : c.hosts.instanceType,
                amdSevSnp: label === SCITT_HOST && c.scitt.platform === "snp", sshUser: c.hosts.sshUser, sshPublicKey: c.hosts.sshPublicKey!,
                label, access: deployer!.access, sshIngress: deployer!.sshIngress, publicIp: c.hosts.publicIp, registryAuth: login,
                dataVolumeGiB: c.hosts.dataVolumeGiB, retainData: c.retainData, restoreSnapshotId: c.hosts.restore[label],
                ingress: ranges.map((r) => ({
                    fromPort: r.fromPort, toPort: r.toPort, protocol: "tcp" as const, description: r.owner,
                    cidrs: [...new Set([...inVpc, ...c.hosts.ingressAllowedCidrs, ...extraScitt])],
                })),
            },
        });
    });

    if (deployer) out.access = accessOutputs(c, deployer, hosts);
    // What RDS admits from the cluster: the VPC's CIDR (pods on the VPC CNI) plus the cluster's own.
    const rdsAdmits = {
        cidrs: [...new Set([...inVpc, ...c.kubernetes.clusterCidrs])],
        securityGroupIds: c.kubernetes.clusterSecurityGroupId ? [c.kubernetes.clusterSecurityGroupId] : [],
    };
    out.network = { mode: n.mode, vpcId: net.vpcId, vpcCidr: n.cidr, rdsAdmits };

    // Every host's data volume (tagged chainfleet:data) on one snapshot schedule.
    if (Object.keys(hosts).length > 0) {
        new VolumeSnapshots("data-snapshots", {
            targetTags: { "chainfleet:data": "true" }, ...c.hosts.snapshots,
            description: "chainfleet data volumes of the Docker hosts (SCITT ledger, metagraph node data, keys, genesis)",
        });
    }

    const needsCluster = c.wealthwars.enabled || c.neo.enabled || (c.lottery.enabled && lotteryForm(c) === "kubernetes");
    let kube: { provider: k8s.Provider; namespace: string; after: pulumi.Resource[]; imagePullSecret?: string } | undefined;
    if (needsCluster) {
        const provider = new k8s.Provider("cluster", { context: c.kubernetes.context, enableServerSideApply: true });
        const ns = new k8s.core.v1.Namespace("namespace", {
            metadata: {
                name: c.kubernetes.namespace,
                // Pod Security Admission enforces the restricted standard on everything we deploy.
                labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
            },
        }, { provider });
        kube = { provider, namespace: c.kubernetes.namespace, after: [ns] };
        if (login) {
            // One pull secret in the namespace for every pod (the password only in the Secret, as a Pulumi secret).
            const pull = new k8s.core.v1.Secret("registry-pull", {
                metadata: { name: REGISTRY_PULL_SECRET, namespace: c.kubernetes.namespace },
                type: "kubernetes.io/dockerconfigjson",
                stringData: { ".dockerconfigjson": pulumi.secret(pulumi.output(login.password).apply((p) => dockerConfigJson(login.address, login.username, p))) },
            }, { provider, dependsOn: [ns] });
            kube = { ...kube, after: [ns, pull], imagePullSecret: REGISTRY_PULL_SECRET };
        }
    }
    const rds = (name: string, database: string, d: ChainfleetConfig["wealthwars"]["database"]) => new PostgresDatabase(name, {
        // The cluster reaches RDS from its own CIDRs or security group (kubernetes.clusterCidrs / .clusterSecurityGroupId).
        kind: "rds", vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds, database, user: database,
        allowedCidrs: rdsAdmits.cidrs, allowedSecurityGroupIds: rdsAdmits.securityGroupIds,
        instanceClass: d.instanceClass, allocatedStorageGiB: d.allocatedStorageGiB, engineVersion: d.engineVersion,
        backupRetentionDays: d.backupRetentionDays, retainData: c.retainData,
    });

    if (c.scitt.enabled) {
        const s = new ScittLedger("scitt", {
            host: hosts[SCITT_HOST], ...c.scitt, bindAddress: "0.0.0.0", retainData: c.retainData, sshUser: c.hosts.sshUser, buildVersion: scittBuildVersion(c),
        });
        out.scitt = { url: s.url, healthUrl: pulumi.interpolate`${s.url}/node/network`, hints: s.hints };
    }

    if (c.wealthwars.enabled && kube) {
        const w = c.wealthwars;
        const db = rds("wealthwars-db", "wealthwars", w.database);
        const backend = new WealthWarsBackend("wealthwars", {
            kind: "kubernetes", ...kube, replicas: w.replicas, ingressNamespace: c.kubernetes.ingressNamespace,
            image: w.image, port: w.port, solanaRpcUrl: w.solanaRpcUrl, authoritySecretKey: must(c, "wealthwarsAuthoritySecretKey"),
            apiKeys: c.secrets.wealthwarsApiKeys, migrateCommand: w.migrateCommand, database: db.connection, databaseReady: db.ready,
            memoryMiB: w.memoryMiB, cpus: w.cpus,
        });
        out.wealthwars = { url: backend.url, healthUrl: backend.healthUrl, databaseHost: db.connection.host };
    }

    if (c.ottochain.enabled) {
        const o = c.ottochain;
        const shape = ottochainShape(c);
        const nodes = ottochainNodes(c);
        const labels = [...new Set(nodes.map((n) => n.host))];
        // Genesis CSVs go only where GL0 or ML0 runs; jars go to every metagraph host.
        const genesisHosts = new Set(nodes.filter((n) => n.layer === "gl0" || n.layer === "ml0").map((n) => n.host));
        const hostPrepared = Object.fromEntries(labels.map((l) => [l, copyArtifacts(`ottochain-artifacts-${l}`, hosts[l], c.hosts.sshUser, {
            jarsSource: o.jarsSource, genesisSource: genesisHosts.has(l) ? o.genesisSource : undefined, jarsDir: o.jarsDir, genesisDir: o.genesisDir,
            selfHostedGlobalL0: shape.selfHostedGlobalL0,
        }, hosts[l])]));
        out.ottochain = deployMetagraph(c, hosts, must(c, "ottochainKeystorePassword"), hostPrepared);
        // Node keystores also off the hosts: Secrets Manager, KMS-encrypted, written by each host's timer.
        out.nodeKeyBackups = backupNodeKeys(c, hosts);
        // What `npm run status` shows, as CloudWatch metrics from each metagraph host, with alarms to chainfleet:monitoring.alarmTopicArn.
        new MetagraphMonitoring("ottochain-monitoring", { hosts, nodes, stack: pulumi.getStack(), settings: { ...c.monitoring, alarmTopicArn: c.monitoring.alarmTopicArn! } });
    }

    if (c.lottery.enabled) {
        const l = c.lottery;
        const chain = { rpcUrl: l.rpcUrl, chainId: l.chainId, contractAddress: l.contractAddress, gasMultiplier: l.gasMultiplier, logLevel: l.logLevel };
        const common = { chain, operatorKey: must(c, "lotteryOperatorKey"), port: l.port, image: l.image };
        const lottery = lotteryForm(c) === "kubernetes" && kube
            ? new LotteryOperator("lottery", { ...common, form: "kubernetes", ...kube, ingressNamespace: c.kubernetes.ingressNamespace })
            : new LotteryOperator("lottery", {
                ...common, form: "enclave", vpcId: net.vpcId, subnetId: net.privateSubnetIds[0], instanceType: l.enclave.instanceType,
                allowedCidrs: [...new Set([...inVpc, ...c.hosts.ingressAllowedCidrs])], retainKey: c.retainData,
                enclave: {
                    eifS3Uri: l.enclave.eifS3Uri!, pcr0: l.enclave.pcr0!, cpuCount: l.enclave.cpuCount, memoryMiB: l.enclave.memoryMiB,
                    cid: l.enclave.cid, rpcProxyPort: l.enclave.rpcProxyPort, debugMode: l.enclave.debugMode,
                    configPort: l.enclave.configPort, kmsProxyPort: l.enclave.kmsProxyPort,
                },
            });
        out.lottery = {
            endpoint: lottery.endpoint, healthUrl: pulumi.interpolate`${lottery.endpoint}/health`, hints: lottery.hints,
            enclaveCid: lottery.enclaveCid, expectedPcr0: lottery.expectedPcr0,
        };
    }

    if (c.neo.enabled && kube) {
        const n = c.neo;
        const db = rds("neo-db", "service_layer", n.postgres);
        const neo = new NeoServiceLayer("neo", {
            kind: "kubernetes", ...kube, replicas: n.replicas, resources: n.resources, image: n.image, port: n.port, logLevel: n.logLevel,
            apiTokens: must(c, "neoApiTokens"), encryptionKey: must(c, "neoEncryptionKey"), database: db.connection,
            autoscaling: n.autoscaling.enabled ? { maxReplicas: n.autoscaling.maxReplicas, cpuPercent: n.autoscaling.cpuPercent } : undefined,
            ingress: {
                host: n.ingress.host!, className: n.ingress.className, tlsSecretName: n.ingress.tlsSecretName, awaitAddress: n.ingress.awaitAddress,
                tls: n.ingress.tls === "cert-manager" ? { from: "cert-manager", clusterIssuer: n.ingress.clusterIssuer! } : { from: "existing-secret" },
            },
            allowFromNamespaces: [c.kubernetes.ingressNamespace, "monitoring"],
        });
        out.neo = { url: neo.url, healthUrl: neo.healthUrl, metricsUrl: neo.metricsUrl, databaseHost: db.connection.host };
    }
    return out;
}

/** The created VPC's route to the cluster's CIDRs (the rules made sure its fields are there). */
function clusterRouteOf(c: ChainfleetConfig): ClusterRoute | undefined {
    const r = c.network.clusterRoute;
    const cidrs = c.kubernetes.clusterCidrs;
    if (r.via === "peering") return { via: "peering", cidrs, vpcId: r.vpcId!, routeTableIds: r.routeTableIds };
    if (r.via === "transitGateway") return { via: "transitGateway", cidrs, transitGatewayId: r.transitGatewayId! };
    return undefined;
}

/** The Kubernetes Secret the pods pull with when chainfleet:registry is set. */
const REGISTRY_PULL_SECRET = "chainfleet-registry";

/** chainfleet:registry with its secret password (the rules made sure both are there), or undefined. */
function registryLogin(c: ChainfleetConfig): { address: string; username: string; password: pulumi.Output<string> } | undefined {
    const r = c.registry;
    if (r.server === undefined || r.username === undefined || c.secrets.registryPassword === undefined) return undefined;
    return { address: r.server, username: r.username, password: c.secrets.registryPassword };
}
