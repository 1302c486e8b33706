// A metagraph's artifacts: where each version's jars live on a host (pure), and getting them and
// the genesis CSVs onto prod hosts from the deployer's machine. Genesis snapshots and addresses
// are made on the host and never copied over.
//
// Jars by version, under jarsDir (the same layout in jarsSource, and on this machine in dev):
//   <jarsDir>/tessellation/<tessellationVersion>/{global-l0,cl-keytool,cl-wallet}.jar
//   <jarsDir>/metagraph/<metagraphVersion>/{metagraph-l0,currency-l1,data-l1}.jar
// A node mounts the directory of its version (GL0 and the keytool: Tessellation's; ML0 and the L1
// nodes: the metagraph's), so changing a version rolls it out and reverting it rolls back; an old
// version's directory is never deleted.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { cmd } from "../../platform/shell";
import type { Layer } from "./spec";

/** The Tessellation release's jars: Global L0 and the tools every node's keystore is made with. */
export const TESSELLATION_JARS = ["global-l0.jar", "cl-keytool.jar", "cl-wallet.jar"];
/** The metagraph's own jars (built against a Tessellation version). */
export const METAGRAPH_JARS = ["metagraph-l0.jar", "currency-l1.jar", "data-l1.jar"];
/** The Tessellation jars a metagraph needs: global-l0.jar only with a self-hosted GL0. */
export function neededTessellationJarNames(selfHostedGlobalL0: boolean): string[] {
    return TESSELLATION_JARS.filter((j) => selfHostedGlobalL0 || j !== "global-l0.jar");
}

/** What runs: ottochain.tessellationVersion and ottochain.metagraphVersion. */
export interface JarVersions { tessellation: string; metagraph: string }

/** The directory of one Tessellation version's jars (a host path). */
export function tessellationJarsDir(jarsDir: string, version: string): string {
    return path.posix.join(jarsDir, "tessellation", version);
}

/** The directory of one metagraph version's jars (a host path). */
export function metagraphJarsDir(jarsDir: string, version: string): string {
    return path.posix.join(jarsDir, "metagraph", version);
}

/** The jars directory a node of a layer mounts at /jars. */
export function layerJarsDir(jarsDir: string, layer: Layer, v: JarVersions): string {
    return layer === "gl0" ? tessellationJarsDir(jarsDir, v.tessellation) : metagraphJarsDir(jarsDir, v.metagraph);
}

/** Every jar file the nodes and their keystores read, for these versions (global-l0.jar only with a self-hosted GL0). */
export function requiredJarPaths(jarsDir: string, v: JarVersions, selfHostedGlobalL0: boolean): string[] {
    return [
        ...neededTessellationJarNames(selfHostedGlobalL0).map((j) => path.posix.join(tessellationJarsDir(jarsDir, v.tessellation), j)),
        ...METAGRAPH_JARS.map((j) => path.posix.join(metagraphJarsDir(jarsDir, v.metagraph), j)),
    ];
}

/** The genesis CSVs a metagraph starts from (GL0's only when self-hosted). */
export function genesisCsvs(selfHostedGlobalL0: boolean): string[] {
    return [...(selfHostedGlobalL0 ? ["gl0/genesis.csv"] : []), "ml0/genesis.csv"];
}

/** Config problems of the artifact sources, naming the key (checked before anything is registered). */
export function artifactProblems(a: { jarsSource?: string; genesisSource?: string; selfHostedGlobalL0: boolean; versions: JarVersions }): string[] {
    const out: string[] = [];
    const check = (key: string, dir: string | undefined, files: string[], why = "") => {
        if (dir === undefined) return;
        const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
        if (missing.length) out.push(`chainfleet:ottochain.${key} must be a directory holding ${files.join(", ")}${why} (missing: ${missing.join(", ")}) (got "${dir}")`);
    };
    const jars = a.jarsSource === undefined ? [] : requiredJarPaths("", a.versions, true).map((j) => j.replace(/^\//, ""));
    check("jarsSource", a.jarsSource, jars, ` (laid out by version as the hosts' jarsDir: ottochain.tessellationVersion ${a.versions.tessellation}, ottochain.metagraphVersion ${a.versions.metagraph})`);
    check("genesisSource", a.genesisSource, genesisCsvs(a.selfHostedGlobalL0));
    return out;
}

/**
 * The version directories of a jars source laid out as jarsDir, with the jars each holds:
 * "tessellation/<v>" and "metagraph/<v>" → file names (only the names that family has).
 */
export function sourceVersionDirs(jarsSource: string): { dir: string; jars: string[] }[] {
    const out: { dir: string; jars: string[] }[] = [];
    for (const [family, names] of [["tessellation", TESSELLATION_JARS], ["metagraph", METAGRAPH_JARS]] as const) {
        const root = path.join(jarsSource, family);
        if (!fs.existsSync(root)) continue;
        for (const v of fs.readdirSync(root).sort()) {
            const jars = names.filter((j) => fs.existsSync(path.join(root, v, j)));
            if (jars.length) out.push({ dir: `${family}/${v}`, jars });
        }
    }
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
 * and copies the jars and genesis CSVs that are configured. The jars: every version directory of
 * jarsSource (sourceVersionDirs) into the same place under jarsDir, so the configured versions are
 * there and the ones before them stay (a version dropped from jarsSource is left on the host:
 * deleting a copy deletes nothing there). Returns what nodes must wait for.
 */
export function copyArtifacts(name: string, host: DockerHost, user: string, a: ArtifactCopy, parent: pulumi.Resource): pulumi.Resource[] {
    if (!a.jarsSource && !a.genesisSource) return [];
    const versionDirs = a.jarsSource ? sourceVersionDirs(a.jarsSource) : [];
    const dirs = host.run(`${name}-dirs`, `set -euo pipefail\n${host.sudo}${cmd("install", "-d", "-o", user, "-m", "0755", a.jarsDir,
        ...versionDirs.map((d) => path.posix.join(a.jarsDir, d.dir)), `${a.genesisDir}/gl0`, `${a.genesisDir}/ml0`)}`, { parent });
    const copies: pulumi.Resource[] = [dirs];
    const copy = (label: string, file: string, remote: string) =>
        copies.push(host.copyFile(`${name}-${label}`, file, remote, { parent, dependsOn: [dirs] }));
    for (const d of versionDirs) {
        for (const jar of d.jars) copy(`${d.dir.replace(/[^\w.-]+/g, "-")}-${jar.replace(/\.jar$/, "-jar")}`, path.join(a.jarsSource!, d.dir, jar), path.posix.join(a.jarsDir, d.dir, jar));
    }
    if (a.genesisSource) {
        for (const csv of genesisCsvs(a.selfHostedGlobalL0)) copy(`${csv.split("/")[0]}-genesis-csv`, path.join(a.genesisSource, csv), `${a.genesisDir}/${csv}`);
    }
    return copies;
}
