// Dev topology: every system on the local Docker engine, local state, no cloud account.
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ChainfleetConfig, devDataDir } from "./config/schema";
import { secretOrGenerated } from "./devSecrets";
import { deployMetagraph } from "./metagraph";
import { Outputs } from "./outputs";
import { DEV_HOST, ottochainShape } from "./placement";
import { DEV_FIXED_MIB } from "./preflight";
import { DockerHost } from "../components/platform/host";
import { PostgresDatabase } from "../components/platform/postgres";
import { ScittLedger } from "../components/systems/scitt/scitt";
import { WealthWarsBackend } from "../components/systems/wealthwars/wealthwars";
import { LotteryOperator } from "../components/systems/lottery/lottery";
import { NeoServiceLayer } from "../components/systems/neo/neo";
import { genesisCsvs, metagraphJarsDir, tessellationJarsDir } from "../components/systems/ottochain/artifacts";
import { buildJars, METAGRAPH_BUILD, TESSELLATION_BUILD } from "../components/systems/ottochain/build/jarsBuild";
import { gitSourceOf, scittBuildVersion, tessellationSourceOf } from "./gitSources";
import { neededTessellationJars, releaseTag } from "./releaseJars";
import { DEV_GENESIS_BALANCE, devGenesis } from "../components/systems/ottochain/devGenesis";

/** Systems with no public image: off in the dev stack file until you name your own image. */
const NO_PUBLIC_IMAGE = { wealthwars: "Wealth Wars", lottery: "the lottery operator" } as const;

/** What the preview says about systems that are off in dev for want of an image: the keys that turn each on. */
export function devNotices(c: Pick<ChainfleetConfig, "topology" | "wealthwars" | "lottery">): string[] {
    if (c.topology !== "dev") return [];
    return (Object.keys(NO_PUBLIC_IMAGE) as (keyof typeof NO_PUBLIC_IMAGE)[]).filter((k) => !c[k].enabled).map((k) =>
        `${NO_PUBLIC_IMAGE[k]} is off in this dev stack (it has no public image): to run it set chainfleet:${k}.enabled: true and chainfleet:${k}.image: <your pinned image>`);
}

/**
 * The jars built from git sources, each a command the dev genesis, every keygen and every node wait
 * for: Tessellation's when a jar this config needs is not pinned (chainfleet:ottochain.tessellationSource,
 * "ottochain-tessellation-jars") and the metagraph's (chainfleet:ottochain.source,
 * "ottochain-metagraph-jars"). Each builds only what its version's directory lacks: a pinned jar is
 * downloaded before anything is registered (index.ts, releaseJars.ts), so it is there and kept, and
 * pins stay out of the command (pinning a jar already in place changes nothing). The metagraph
 * build waits for Tessellation's, so two sbt builds never run at once (Tessellation's .jvmopts
 * alone asks for a 5 GiB heap).
 */
function buildDevJars(c: ChainfleetConfig, host: DockerHost): { tessellation: command.local.Command[]; metagraph: command.local.Command[] } {
    const o = c.ottochain;
    const tessellation: command.local.Command[] = [];
    const t = gitSourceOf(c, "ottochain.tessellationSource");
    if (t) {
        const needed = new Set(neededTessellationJars(c));
        tessellation.push(buildJars("ottochain-tessellation-jars", host, {
            family: "tessellation", checkout: t.dir, url: t.url, ref: t.ref, builderImage: tessellationSourceOf(c).builderImage,
            dest: tessellationJarsDir(o.jarsDir, o.tessellationVersion), jars: TESSELLATION_BUILD.filter((j) => needed.has(j.jar)), releaseTag: releaseTag(o.tessellationVersion),
        }));
    }
    const m = gitSourceOf(c, "ottochain.source");
    const metagraph = m ? [buildJars("ottochain-metagraph-jars", host, {
        family: "metagraph", checkout: m.dir, url: m.url, ref: m.ref, builderImage: o.source.builderImage, dest: metagraphJarsDir(o.jarsDir, o.metagraphVersion), jars: METAGRAPH_BUILD,
    }, { dependsOn: tessellation })] : [];
    return { tessellation, metagraph };
}

export function deployDev(c: ChainfleetConfig): Outputs {
    for (const n of devNotices(c)) void pulumi.log.warn(n);
    const host = new DockerHost(DEV_HOST, { kind: "local", localAddress: c.hosts.localAddress, localDataDir: devDataDir() });
    const bind = c.hosts.localAddress;
    const out: Outputs = { topology: "dev" };
    /** A private network (no egress, nothing published) for a system's database. */
    const internalNetwork = (name: string) => new docker.Network(name, { name, internal: true, driver: "bridge" }, { provider: host.provider });
    const appNetwork = (name: string) => new docker.Network(name, { name, driver: "bridge" }, { provider: host.provider });

    if (c.scitt.enabled) {
        const s = new ScittLedger("scitt", { host, ...c.scitt, bindAddress: c.scitt.bindAddress, retainData: c.retainData, buildVersion: scittBuildVersion(c) });
        out.scitt = { url: s.url, healthUrl: pulumi.interpolate`${s.url}/node/network`, hints: s.hints };
    }

    if (c.wealthwars.enabled) {
        const w = c.wealthwars;
        const dbNet = internalNetwork("wealthwars-db");
        const db = new PostgresDatabase("wealthwars-db", {
            kind: "container", host, network: dbNet, containerName: "wealthwars-postgres", image: w.database.image,
            database: "wealthwars", user: "wealthwars", retainData: c.retainData, memoryMiB: DEV_FIXED_MIB.postgres,
        });
        const backend = new WealthWarsBackend("wealthwars", {
            kind: "docker", host, databaseNetwork: dbNet, appNetwork: appNetwork("wealthwars-app"), bindAddress: bind,
            healthProbe: w.healthProbe, image: w.image, port: w.port, solanaRpcUrl: w.solanaRpcUrl,
            authoritySecretKey: secretOrGenerated(c, "wealthwarsAuthoritySecretKey"), apiKeys: c.secrets.wealthwarsApiKeys,
            migrateCommand: w.migrateCommand, database: db.connection, databaseReady: db.ready, memoryMiB: w.memoryMiB, cpus: w.cpus,
        });
        out.wealthwars = { url: backend.url, healthUrl: backend.healthUrl, databaseUrl: db.connection.url };
    }

    if (c.ottochain.enabled) {
        const o = c.ottochain;
        const password = secretOrGenerated(c, "ottochainKeystorePassword");
        const built = buildDevJars(c, host);
        // The genesis CSVs that are absent are made once from a generated wallet (with the Tessellation tools); every node waits for it.
        const genesis = devGenesis("ottochain-dev-genesis", host, {
            sudo: host.sudo, sudoKeepingPassword: host.sudoKeeping(["CL_PASSWORD"]), image: o.image, jarsDir: tessellationJarsDir(o.jarsDir, o.tessellationVersion), keysDir: o.keysDir,
            genesisDir: o.genesisDir, csvs: genesisCsvs(ottochainShape(c).selfHostedGlobalL0), keyAlias: o.keyAlias, balance: DEV_GENESIS_BALANCE,
        }, password, { dependsOn: built.tessellation });
        out.ottochain = {
            ...deployMetagraph(c, { [DEV_HOST]: host }, password, { [DEV_HOST]: [genesis.command, ...built.tessellation, ...built.metagraph] }),
            devGenesisWallet: { address: genesis.address, keystore: genesis.keystore },
        };
    }

    if (c.lottery.enabled) {
        const l = c.lottery;
        const lottery = new LotteryOperator("lottery", {
            form: "container", host, bindAddress: bind, healthProbe: l.healthProbe, image: l.image, port: l.port,
            chain: { rpcUrl: l.rpcUrl, chainId: l.chainId, contractAddress: l.contractAddress, gasMultiplier: l.gasMultiplier, logLevel: l.logLevel },
            operatorKey: secretOrGenerated(c, "lotteryOperatorKey"),
        });
        out.lottery = { endpoint: lottery.endpoint, healthUrl: pulumi.interpolate`${lottery.endpoint}/health`, hints: lottery.hints };
    }

    if (c.neo.enabled) {
        const n = c.neo;
        const networks = [appNetwork("neo-app")];
        let database: PostgresDatabase | undefined;
        if (n.database === "postgres") {
            const dbNet = internalNetwork("neo-db");
            networks.push(dbNet);
            database = new PostgresDatabase("neo-db", {
                kind: "container", host, network: dbNet, containerName: "neo-postgres", image: n.postgres.image,
                database: "service_layer", user: "service_layer", retainData: c.retainData, memoryMiB: DEV_FIXED_MIB.postgres,
            });
        }
        const neo = new NeoServiceLayer("neo", {
            kind: "docker", host, bindAddress: bind, networks, healthProbe: n.healthProbe, databaseReady: database?.ready, image: n.image, port: n.port, logLevel: n.logLevel,
            apiTokens: secretOrGenerated(c, "neoApiTokens"), encryptionKey: secretOrGenerated(c, "neoEncryptionKey"), database: database?.connection,
        });
        out.neo = { url: neo.url, healthUrl: neo.healthUrl, metricsUrl: neo.metricsUrl, apiTokens: secretOrGenerated(c, "neoApiTokens") };
    }
    return out;
}
