// j. The README's first command on a fresh machine: a fresh clone of this tree (no .chainfleet/
// checkouts or keys), an empty HOME (no ~/.chainfleet: no jars, keystores or genesis anywhere),
// a new stack (empty state) and the dev stack file as it is. Only what cannot be reached from here
// is played locally: the registry's images (the stand-ins, as in every scenario), the Tessellation
// release server, and the three git sources (test/e2e/runner/standinSources.ts). cl-keytool and
// cl-wallet are pinned to the served assets' SHA-256 (downloaded); global-l0 is not (built from
// the Tessellation source, as a jar nobody pinned is). One `up` must check the sources out,
// download and build the jars, make the dev genesis and the keys, and bring every system
// healthy; a second `up` then changes nothing and downloads nothing. Prints the time it took.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { devStackVersions } from "../../harness/stackConfig";
import { log } from "../runner/log";
import { IMAGE_KEYS, pinnedStandin } from "../runner/workdir";
import { buildReleaseAssets, freshClone, metagraphSource, scittSource, serveReleases, tessellationSource } from "../runner/standinSources";
import { sha256Of } from "../../../stacks/releaseJars";
import { learnSecrets, leftovers, READY_BOUND_S, Scenario } from "./context";
import { startEmpty } from "./fresh";
import { fleetContainers, inspectOrNull, waitForFleet } from "./fleet";
import { failureText, runE2E, RunWhere } from "./run";
import { api } from "../runner/dockerApi";

/** Image keys of systems the dev stack file leaves off, and SCITT's, which is built from its source here. */
const NOT_PULLED = new Set(["scitt.image", "wealthwars.image", "lottery.image"]);
/** The release assets pinned (downloaded); cl-node.jar (our global-l0.jar) is left to the source build. */
const PINNED: Record<string, string> = { "cl-keytool.jar": "cl-keytool.jar", "cl-wallet.jar": "cl-wallet.jar" };

function headOf(dir: string): string {
    return execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
}

export const firstCommand: Scenario = {
    id: "j",
    title: "the README's first command from a fresh clone and an empty HOME: sources checked out, jars downloaded and built, dev genesis made, all healthy; again: no change",
    async run(ctx) {
        await startEmpty(ctx);
        const base = path.join(ctx.workdir, "first-command");
        fs.rmSync(base, { recursive: true, force: true });
        const home = path.join(base, "home");
        const state = path.join(base, "stack");
        fs.mkdirSync(home, { recursive: true });
        fs.mkdirSync(state, { recursive: true });
        const clone = freshClone(path.join(base, "clone"));

        const versions = devStackVersions();
        const tv = versions.tessellation.replace(/^v/, "");
        const mv = versions.metagraph;
        const sbt = await pinnedStandin("sbt");
        const marker = `first-command-${Date.now()}`;
        const scitt = scittSource(path.join(base, "upstream", "scitt-ccf-ledger"), await pinnedStandin("scitt"), marker);
        const metagraph = metagraphSource(path.join(base, "upstream", "ottochain"), mv, tv);
        const tessellation = tessellationSource(path.join(base, "upstream", "tessellation"), tv);
        const assets = buildReleaseAssets(path.join(base, "upstream", "releases"), tv, sbt, ["cl-keytool.jar", "cl-wallet.jar", "cl-node.jar"]);
        const releases = await serveReleases(tv, assets);
        try {
            const sets: Record<string, unknown> = {
                "scitt.source.url": scitt.url, "scitt.source.ref": scitt.ref,
                "ottochain.source.url": metagraph.url, "ottochain.source.ref": metagraph.ref, "ottochain.source.builderImage": sbt,
                // The ref stays the default, v<tessellationVersion>: the stand-in repository is tagged so.
                "ottochain.tessellationSource.url": tessellation.url, "ottochain.tessellationSource.builderImage": sbt,
                "ottochain.releaseBaseUrl": releases.baseUrl,
                "ottochain.releaseSha256": Object.fromEntries(Object.entries(PINNED).map(([jar, asset]) => [jar, sha256Of(assets[asset])])),
            };
            for (const [key, standin] of Object.entries(IMAGE_KEYS)) if (!NOT_PULLED.has(key)) sets[key] = await pinnedStandin(standin);
            log(`  fresh clone ${clone}, HOME ${home}; releases at ${releases.baseUrl}; sources ${scitt.url}, ${metagraph.url}, ${tessellation.url}`);
            const where: RunWhere = { root: clone, env: { HOME: home }, args: ["--as-configured"] };

            const t0 = Date.now();
            const r = await runE2E("up", state, sets, 1800, where);
            learnSecrets({ ...ctx, workdir: state });
            const problems: string[] = [];
            if (r.code !== 0) throw new Error(`first up failed after ${r.seconds.toFixed(0)}s: ${failureText(r)}`);
            await waitForFleet(state, READY_BOUND_S, "first command's fleet");
            const seconds = (Date.now() - t0) / 1000;
            ctx.figures["README's first command, fresh clone → all healthy"] = `${seconds.toFixed(1)} s (up ${r.seconds.toFixed(1)} s)`;
            log(`  first up: ${r.report?.created.length} created in ${r.seconds.toFixed(1)}s; all healthy after ${seconds.toFixed(1)}s; ${(await fleetContainers(state)).length} containers`);

            // What the program made from nothing.
            const o = path.join(home, ".chainfleet", "dev", "ottochain");
            const tdir = path.join(o, "jars", "tessellation", tv);
            for (const [jar, asset] of Object.entries(PINNED)) {
                const f = path.join(tdir, jar);
                if (!fs.existsSync(f)) problems.push(`${f}: not downloaded`);
                else if (sha256Of(f) !== sha256Of(assets[asset])) problems.push(`${f}: not the served ${asset}`);
            }
            const gl0 = path.join(tdir, "global-l0.jar");
            if (!fs.existsSync(gl0) || fs.statSync(gl0).size === 0) problems.push(`${gl0}: not built from the Tessellation source`);
            else if (sha256Of(gl0) === sha256Of(assets["cl-node.jar"])) problems.push(`${gl0}: is the release's cl-node.jar, which was not pinned (it should have been built)`);
            for (const jar of ["metagraph-l0.jar", "currency-l1.jar", "data-l1.jar"]) {
                const f = path.join(o, "jars", "metagraph", mv, jar);
                if (!fs.existsSync(f) || fs.statSync(f).size === 0) problems.push(`${f}: not built from the metagraph source`);
            }
            for (const csv of ["gl0/genesis.csv", "ml0/genesis.csv"]) {
                const f = path.join(o, "genesis", csv);
                const text = fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "";
                if (!/^DAG\w+,\d+\n$/.test(text)) problems.push(`${f}: not a dev genesis (${JSON.stringify(text.slice(0, 80))})`);
            }
            if (!fs.existsSync(path.join(o, "keys", "dev-genesis-wallet.p12"))) problems.push("no dev genesis wallet keystore");
            const served = Object.fromEntries(releases.served);
            const wantServed = Object.fromEntries(Object.values(PINNED).map((a) => [`v${tv}/${a}`, 1]));
            if (JSON.stringify(served) !== JSON.stringify(wantServed)) problems.push(`release server served ${JSON.stringify(served)}, want ${JSON.stringify(wantServed)}`);
            const src = path.join(clone, ".chainfleet", "src");
            const heads = fs.existsSync(src) ? fs.readdirSync(src).map((d) => headOf(path.join(src, d))).sort() : [];
            const wantHeads = [scitt.ref, metagraph.ref, tessellation.ref].sort();
            if (JSON.stringify(heads) !== JSON.stringify(wantHeads)) problems.push(`checkouts in ${src} at ${heads.join(", ") || "nothing"}, want ${wantHeads.join(", ")}`);
            const scittInspect = await inspectOrNull("scitt-service");
            const got = scittInspect ? execFileSync("docker", ["exec", "scitt-service", "cat", "/opt/scitt/share/chainfleet-e2e-source"], { encoding: "utf8" }).trim() : "(no scitt-service)";
            if (got !== marker) problems.push(`scitt-service does not run the image built from the checkout: its marker is ${got}, want ${marker}`);

            // The same command again: nothing changes, nothing is downloaded or built again.
            const again = await runE2E("up", state, sets, 900, where);
            const changed = again.report ? [...again.report.created, ...again.report.updated, ...again.report.replaced, ...again.report.deleted] : ["(no report)"];
            if (again.code !== 0) problems.push(`second up failed: ${failureText(again)}`);
            else if (changed.length > 0) problems.push(`second up changed ${changed.join(", ")}`);
            if (JSON.stringify(Object.fromEntries(releases.served)) !== JSON.stringify(wantServed)) problems.push(`second up downloaded again: ${JSON.stringify(Object.fromEntries(releases.served))}`);
            log(`  second up: ${again.report?.same.length} unchanged in ${again.seconds.toFixed(1)}s`);
            if (problems.length > 0) throw new Error(problems.join("\n    "));
        } finally {
            await releases.close();
            // Leave the engine empty for whatever runs next (the retained volumes are this run's only).
            if (fs.existsSync(path.join(state, ".e2e-state"))) await runE2E("destroy", state, {}, 600, { root: clone, env: { HOME: home } });
            const left = await leftovers();
            for (const c of left.containers) await api("DELETE", `/containers/${encodeURIComponent(c)}?force=1`);
            for (const v of left.volumes) await api("DELETE", `/volumes/${encodeURIComponent(v)}`);
            log(`  first command: destroyed, and removed the ${left.volumes.length} volumes it retained`);
        }
    },
};
