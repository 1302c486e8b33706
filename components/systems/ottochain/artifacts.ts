// Getting a metagraph's artifacts onto prod hosts: the jars and the genesis CSVs, copied from the
// deployer's machine. Genesis snapshots and addresses are made on the host and never copied over.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { cmd } from "../../platform/shell";

/** Every jar a node or its keygen runs. */
export const JAR_FILES = ["global-l0.jar", "metagraph-l0.jar", "currency-l1.jar", "data-l1.jar", "cl-keytool.jar", "cl-wallet.jar"];

/** The genesis CSVs a metagraph starts from (GL0's only when self-hosted). */
export function genesisCsvs(selfHostedGlobalL0: boolean): string[] {
    return [...(selfHostedGlobalL0 ? ["gl0/genesis.csv"] : []), "ml0/genesis.csv"];
}

/** Config problems of the artifact sources, naming the key (checked before anything is registered). */
export function artifactProblems(a: { jarsSource?: string; genesisSource?: string; selfHostedGlobalL0: boolean }): string[] {
    const out: string[] = [];
    const check = (key: string, dir: string | undefined, files: string[]) => {
        if (dir === undefined) return;
        const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
        if (missing.length) out.push(`chainfleet:ottochain.${key} must be a directory holding ${files.join(", ")} (missing: ${missing.join(", ")}) (got "${dir}")`);
    };
    check("jarsSource", a.jarsSource, JAR_FILES);
    check("genesisSource", a.genesisSource, genesisCsvs(a.selfHostedGlobalL0));
    return out;
}

export interface ArtifactCopy {
    jarsSource?: string;
    genesisSource?: string;
    jarsDir: string;
    genesisDir: string;
    selfHostedGlobalL0: boolean;
}

/**
 * Creates the artifact directories on an EC2 host (owned by the login user, so the copy can write)
 * and copies the jars and genesis CSVs that are configured. Returns what nodes must wait for.
 */
export function copyArtifacts(name: string, host: DockerHost, user: string, a: ArtifactCopy, parent: pulumi.Resource): pulumi.Resource[] {
    if (!a.jarsSource && !a.genesisSource) return [];
    const dirs = host.run(`${name}-dirs`, `set -euo pipefail\n${host.sudo}${cmd("install", "-d", "-o", user, "-m", "0755", a.jarsDir, `${a.genesisDir}/gl0`, `${a.genesisDir}/ml0`)}`, { parent });
    const copies: pulumi.Resource[] = [dirs];
    const copy = (label: string, file: string, remote: string) =>
        copies.push(host.copyFile(`${name}-${label}`, file, remote, { parent, dependsOn: [dirs] }));
    if (a.jarsSource) for (const jar of JAR_FILES) copy(jar.replace(/\.jar$/, "-jar"), path.join(a.jarsSource, jar), `${a.jarsDir}/${jar}`);
    if (a.genesisSource) {
        for (const csv of genesisCsvs(a.selfHostedGlobalL0)) copy(`${csv.split("/")[0]}-genesis-csv`, path.join(a.genesisSource, csv), `${a.genesisDir}/${csv}`);
    }
    return copies;
}
