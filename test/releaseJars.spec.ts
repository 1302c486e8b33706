// The Tessellation release jars of dev: downloaded by version from the release base URL, each
// checked against its pinned SHA-256, against a local HTTP server (no network).
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { ChainfleetConfig } from "../stacks/config/schema";
import { ConfigError, loadConfig } from "../stacks/config/load";
import { ensureReleaseJars, ReleaseJarError, releaseJars } from "../stacks/releaseJars";
import { buildConfig, Overrides, planStack, configSourceOf } from "./harness/graph";
import { tempDir } from "./util/tools";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const KEYTOOL = "keytool jar bytes";
const WALLET = "wallet jar bytes";
const NODE = "cl-node jar bytes";

function devConfig(overrides: Overrides = {}): ChainfleetConfig {
    const { config, secretKeys } = buildConfig("dev", overrides, {});
    return loadConfig(configSourceOf(config, secretKeys, "dev"));
}

/** A release server on 127.0.0.1: /v2.8.1/<asset>; cl-node.jar behind a redirect, as GitHub serves assets. */
async function releaseServer() {
    const hits: string[] = [];
    const files: Record<string, string> = { "/v2.8.1/cl-keytool.jar": KEYTOOL, "/v2.8.1/cl-wallet.jar": WALLET, "/objects/cl-node.jar": NODE };
    const server = http.createServer((req, res) => {
        hits.push(req.url ?? "");
        if (req.url === "/v2.8.1/cl-node.jar") {
            res.writeHead(302, { location: "/objects/cl-node.jar" });
            res.end();
            return;
        }
        const body = files[req.url ?? ""];
        res.writeHead(body === undefined ? 404 : 200);
        res.end(body ?? "not found");
    });
    await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    return { base, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("Tessellation release jars", () => {
    let srv: Awaited<ReturnType<typeof releaseServer>>;
    before(async () => { srv = await releaseServer(); });
    after(async () => srv.close());
    beforeEach(() => { srv.hits.length = 0; });

    // The server holds release v2.8.1: every config here names that version, whatever the stack file runs.
    const pinned = (jarsDir: string, pins: Record<string, string>, extra: Overrides = {}) => devConfig({
        "ottochain.tessellationVersion": "2.8.1", "ottochain.jarsDir": jarsDir, "ottochain.releaseBaseUrl": srv.base, "ottochain.releaseSha256": pins, ...extra,
    });

    it("only pinned jars, by version, from the base URL; GL0's is the release's cl-node.jar, and only when self-hosted", () => {
        assert.deepEqual(releaseJars(devConfig()), [], "nothing is pinned by default: nothing is downloaded");
        const c = devConfig({ "ottochain.tessellationVersion": "2.8.1", "ottochain.jarsDir": "/j", "ottochain.releaseSha256": { "cl-wallet.jar": sha(WALLET), "global-l0.jar": sha(NODE) } });
        assert.deepEqual(releaseJars(c), [
            { jar: "global-l0.jar", sha256: sha(NODE), target: "/j/tessellation/2.8.1/global-l0.jar", url: "https://github.com/Constellation-Labs/tessellation/releases/download/v2.8.1/cl-node.jar" },
            { jar: "cl-wallet.jar", sha256: sha(WALLET), target: "/j/tessellation/2.8.1/cl-wallet.jar", url: "https://github.com/Constellation-Labs/tessellation/releases/download/v2.8.1/cl-wallet.jar" },
        ]);
        const ext = devConfig({
            "ottochain.releaseSha256": { "global-l0.jar": sha(NODE) },
            "ottochain.globalL0.source": "external", "ottochain.globalL0.peerId": "a".repeat(128), "ottochain.globalL0.host": "10.0.0.9",
        });
        assert.deepEqual(releaseJars(ext), []);
    });

    it("downloads each absent pinned jar (following a redirect), keeps it only when its SHA-256 matches, and leaves a matching jar alone", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        const dir = path.join(jarsDir, "tessellation", "2.8.1");
        const c = pinned(jarsDir, { "cl-keytool.jar": sha(KEYTOOL), "cl-wallet.jar": sha(WALLET), "global-l0.jar": sha(NODE) });
        const done = await ensureReleaseJars(c);
        assert.equal(done.length, 3);
        assert.equal(fs.readFileSync(path.join(dir, "cl-keytool.jar"), "utf8"), KEYTOOL);
        assert.equal(fs.readFileSync(path.join(dir, "global-l0.jar"), "utf8"), NODE);
        assert.deepEqual(srv.hits.sort(), ["/objects/cl-node.jar", "/v2.8.1/cl-keytool.jar", "/v2.8.1/cl-node.jar", "/v2.8.1/cl-wallet.jar"]);
        srv.hits.length = 0;
        assert.deepEqual(await ensureReleaseJars(c), []);
        assert.deepEqual(srv.hits, [], "present and matching: not downloaded again");
        assert.deepEqual(fs.readdirSync(dir).sort(), ["cl-keytool.jar", "cl-wallet.jar", "global-l0.jar"], "no temporary file is left");
    });

    it("a checksum mismatch is one clear error per jar, and nothing is kept", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        const dir = path.join(jarsDir, "tessellation", "2.8.1");
        const wrong = "0".repeat(64);
        const c = pinned(jarsDir, { "cl-wallet.jar": wrong, "cl-keytool.jar": sha(KEYTOOL) });
        await assert.rejects(ensureReleaseJars(c), (e: unknown) => {
            assert.ok(e instanceof ReleaseJarError);
            assert.deepEqual(e.problems, [
                `chainfleet:ottochain.releaseSha256.cl-wallet.jar is "${wrong}" but ${srv.base}/v2.8.1/cl-wallet.jar served a file with SHA-256 "${sha(WALLET)}" (not kept): ` +
                'check chainfleet:ottochain.tessellationVersion "2.8.1" and pin the checksum its release publishes',
            ]);
            assert.match(e.message, /^Tessellation release jars failed their check \(1 problem; nothing was registered\):\n {2}- /);
            return true;
        });
        assert.deepEqual(fs.readdirSync(dir), ["cl-keytool.jar"], "the mismatching download and its temporary file are gone");
    });

    it("a version the release does not have, and a present jar that differs from its pin, name the keys and the fix", async () => {
        const jarsDir = path.join(tempDir(), "jars");
        const dir = path.join(jarsDir, "tessellation", "9.9.9");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "cl-keytool.jar"), "some other build");
        const c = pinned(jarsDir, { "cl-keytool.jar": sha(KEYTOOL), "cl-wallet.jar": sha(WALLET) }, { "ottochain.tessellationVersion": "9.9.9" });
        await assert.rejects(ensureReleaseJars(c), (e: unknown) => {
            assert.ok(e instanceof ReleaseJarError);
            assert.deepEqual(e.problems, [
                `chainfleet:ottochain.releaseSha256.cl-keytool.jar is "${sha(KEYTOOL)}" but ${path.join(dir, "cl-keytool.jar")} has SHA-256 "${sha("some other build")}": ` +
                `remove the file to download ${srv.base}/v9.9.9/cl-keytool.jar again, or pin the jar you mean to run`,
                `${srv.base}/v9.9.9/cl-wallet.jar (chainfleet:ottochain.releaseBaseUrl, chainfleet:ottochain.tessellationVersion "9.9.9") could not be downloaded (HTTP 404): ` +
                `check the version and the base URL, or put cl-wallet.jar in ${dir} yourself`,
            ]);
            return true;
        });
        assert.equal(fs.readFileSync(path.join(dir, "cl-keytool.jar"), "utf8"), "some other build", "a present jar is never replaced");
    });

    it("the program stops before registering anything when a download does not match", async () => {
        const dir = path.join(tempDir(), "jars");
        await assert.rejects(planStack("dev", { "ottochain.tessellationVersion": "2.8.1", "ottochain.jarsDir": dir, "ottochain.releaseBaseUrl": srv.base, "ottochain.releaseSha256": { "cl-wallet.jar": "f".repeat(64) } }),
            (e: unknown) => e instanceof Error && e.name === "ReleaseJarError" && e.message.includes("chainfleet:ottochain.releaseSha256.cl-wallet.jar"));
        assert.deepEqual(srv.hits, ["/v2.8.1/cl-wallet.jar"]);
        assert.ok(!fs.existsSync(path.join(dir, "tessellation", "2.8.1", "cl-wallet.jar")));
    });

    it("config: a pin must be a SHA-256 of a known jar", () => {
        const problems = (o: Overrides) => {
            try {
                devConfig(o);
            } catch (e) {
                if (e instanceof ConfigError) return e.problems;
                throw e;
            }
            return [];
        };
        assert.deepEqual(problems({ "ottochain.releaseSha256": { "cl-wallet.jar": "abc" } }),
            ['chainfleet:ottochain.releaseSha256.cl-wallet.jar must be 64 lowercase hex digits (a SHA-256) (got "abc")']);
        assert.deepEqual(problems({ "ottochain.releaseSha256": { "metagraph-l0.jar": sha(NODE) } }),
            ['chainfleet:ottochain.releaseSha256 has unknown key "metagraph-l0.jar" (a typo?)']);
        assert.deepEqual(problems({ "ottochain.releaseBaseUrl": "ftp://x" }), ['chainfleet:ottochain.releaseBaseUrl must be an http(s) URL to a host name or IPv4 address, with no credentials, space, quote, $ or backslash (got "ftp://x")']);
    });
});
