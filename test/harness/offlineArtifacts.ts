// The offline harness's stand-ins for the local artifacts the prod stack file names: a prod `up`
// copies them from the deployer's machine to hosts it creates itself, so Pulumi.prod.yaml must name
// them (the `./artifacts/…` paths it documents as required), and a clone of this repository has
// none of them. Where such a path does not exist, buildConfig points the key at a stand-in made
// under the temp dir, one directory per content, the same in every process:
// - chainfleet:ottochain.jarsSource: every jar of TESSELLATION_JARS and METAGRAPH_JARS under the
//   config's tessellationVersion and metagraphVersion, laid out as the hosts' jarsDir, each file
//   holding its own name (not a jar: nothing here runs one);
// - chainfleet:ottochain.genesisSource: the genesis CSVs of test/fixtures/ottochain/genesis;
// - chainfleet:scitt.attestationConfigSource: a JSON object naming itself a stand-in (its layout is
//   not CCF's SNP attestation config; only its copy to the host is planned).
// A path the user gave that exists, or any other path, is left alone, so the rules still judge it.
import * as fs from "fs";
import * as path from "path";
import { METAGRAPH_JARS, TESSELLATION_JARS } from "../../components/systems/ottochain/artifacts";
import { configSchema } from "../../stacks/config/schema";
import { contentDir } from "./contentDir";

/** The paths Pulumi.prod.yaml documents for the deployer's local artifacts, by key. */
export const DOCUMENTED_ARTIFACTS = {
    "ottochain.jarsSource": "./artifacts/ottochain/jars",
    "ottochain.genesisSource": "./artifacts/ottochain/genesis",
    "scitt.attestationConfigSource": "./artifacts/scitt/attestation.json",
} as const;
type ArtifactKey = keyof typeof DOCUMENTED_ARTIFACTS;

const GENESIS_FIXTURES = path.join(__dirname, "..", "fixtures", "ottochain", "genesis");

/** A directory holding these files (relative path → content), one per content (contentDir). */
function filesDir(files: Record<string, string>): string {
    return contentDir("chainfleet-offline-artifacts", files, (dir) => {
        for (const [rel, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        }
    });
}

function standIn(key: ArtifactKey, ottochain: Record<string, unknown>): string {
    if (key === "ottochain.jarsSource") {
        const defaults = configSchema.parse({ topology: "prod" }).ottochain;
        const t = String(ottochain.tessellationVersion ?? defaults.tessellationVersion);
        const m = String(ottochain.metagraphVersion ?? defaults.metagraphVersion);
        const files: Record<string, string> = {};
        for (const j of TESSELLATION_JARS) files[`tessellation/${t}/${j}`] = `stand-in ${j}\n`;
        for (const j of METAGRAPH_JARS) files[`metagraph/${m}/${j}`] = `stand-in ${j}\n`;
        return filesDir(files);
    }
    if (key === "ottochain.genesisSource") {
        const files: Record<string, string> = {};
        for (const layer of ["gl0", "ml0"]) files[`${layer}/genesis.csv`] = fs.readFileSync(path.join(GENESIS_FIXTURES, layer, "genesis.csv"), "utf8");
        return filesDir(files);
    }
    return path.join(filesDir({ "attestation.json": `${JSON.stringify({ standIn: "chainfleet offline harness: not a CCF attestation config" })}\n` }), "attestation.json");
}

/**
 * Points every documented artifact path that is not on this machine at its stand-in, in place in
 * the config values (keys "chainfleet:<section>"); returns one line per key it played.
 */
export function playOfflineArtifacts(values: Record<string, unknown>, root: string): string[] {
    const lines: string[] = [];
    for (const [key, documented] of Object.entries(DOCUMENTED_ARTIFACTS) as [ArtifactKey, string][]) {
        const [section, field] = key.split(".");
        const v = values[`chainfleet:${section}`] as Record<string, unknown> | undefined;
        if (!v || v[field] !== documented || fs.existsSync(path.resolve(root, documented))) continue;
        const ottochain = (values["chainfleet:ottochain"] ?? {}) as Record<string, unknown>;
        v[field] = standIn(key, ottochain);
        lines.push(`chainfleet:${key}: ${documented} is not on this machine; played by a stand-in (${v[field]}; test/harness/offlineArtifacts.ts): the copies are planned from it`);
    }
    return lines;
}
