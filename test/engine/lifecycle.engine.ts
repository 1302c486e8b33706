// Real-engine lifecycle of the dev topology (issue 12, item 4): the Pulumi CLI and the real providers,
// driven by the Automation API, against a Docker engine. It is the "real engine" rung of
// docs/lifecycle.md, the same steps as Pulumi's own integration tests
// (pulumi/pulumi pkg/testing/integration/program.go): up → preview, up and refresh expecting no
// changes → one edit → destroy (always) → stack rm.
//
// Run:   npx mocha --no-config --require ts-node/register/transpile-only --timeout 0 test/engine/lifecycle.engine.ts
// Not in `npm test`: .mocharc.json's spec glob is test/**/*.spec.ts and this file is *.engine.ts.
// `--no-config` because mocha adds positional files to the config's spec list instead of replacing it.
// CI: .github/workflows/engine.yml runs it on every pull request.
//
// Where `pulumi` is not on PATH or `docker info` fails, the lifecycle is SKIPPED (pending, reason
// printed), never passed. With CHAINFLEET_ENGINE_REQUIRED=true (the workflow) that fails instead.
//
// What it deploys: a throwaway stack "e2e-<random>" of this program (workDir = the repo root), state in a
// temp dir (PULUMI_BACKEND_URL=file://…), passphrase from PULUMI_CONFIG_PASSPHRASE or generated per run.
// Config = Pulumi.dev.yaml plus these overrides, so it runs on a stock GitHub runner:
//   - scitt OFF: needs a scitt-ccf-ledger checkout to build CCF (buildContext); no public image.
//   - wealthwars OFF: ghcr.io/chainfleet/wealth-wars-backend is not published.
//   - ottochain OFF: needs the Tessellation jars and genesis files in jarsDir/genesisDir on the host.
//   - lottery OFF: ghcr.io/chainfleet/enclave-lottery is not published; it also needs a chain RPC.
//   - neo ON with database postgres: the app and db networks, generated secrets, the PostgreSQL volume and
//     container (postgres:16.4-bookworm from Docker Hub, waits healthy) and the service container (waits
//     healthy). Its image is a stand-in built here (STAND_IN_DOCKERFILE: curl + an HTTP server answering
//     /healthz, run as 65532 on a read-only root) because ghcr.io/r3e-network/service-layer:v0.9.0 is not
//     known to be published (upstream CI pushes to a private registry: r3e-network/service_layer
//     .github/workflows/ci-cd.yml) and upstream's runtime stage (alpine + ca-certificates only,
//     r3e-network/service_layer Dockerfile) has no curl for our healthcheck. Set
//     CHAINFLEET_E2E_NEO_IMAGE=<repo:tag> to run a real image instead. RemoteImage finds a local image
//     before it pulls (kreuzwerker/terraform-provider-docker internal/provider/resource_docker_image_funcs.go,
//     findImage), so the stand-in needs no registry.
//   - retainData false: otherwise the database volume is protected and retained, and destroy refuses.
// The edit: chainfleet:neo.logLevel info → debug. LOG_LEVEL is in the container's envs, which force
// replacement, so the expected plan is exactly one replace: the neo container; everything else "same".
//
// Automation API (node_modules/@pulumi/pulumi/automation/*.d.ts, @pulumi/pulumi 3.270.0):
//   LocalWorkspace.createOrSelectStack(LocalProgramArgs {stackName, workDir}, LocalWorkspaceOptions {envVars})
//   and workspace.removeStack (localWorkspace.d.ts); Stack.setAllConfig(ConfigMap)/setConfig (stack.d.ts,
//   ConfigValue {value, secret?} in config.d.ts); UpOptions/PreviewOptions/RefreshOptions.expectNoChanges,
//   onOutput, onEvent, color (stack.d.ts); UpResult.summary.resourceChanges and PreviewResult.changeSummary
//   are OpMap (stack.d.ts); ResourcePreEvent.metadata {op, urn, type} (events.d.ts).
import * as assert from "assert";
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigMap, EngineEvent, LocalWorkspace, OpMap, OpType, Stack } from "@pulumi/pulumi/automation";
import { loadConfig } from "../../stacks/config/load";
import { readStackConfig } from "../harness/stackConfig";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const NS = "chainfleet";
const RUN_ID = randomBytes(4).toString("hex");
const STACK_NAME = `e2e-${RUN_ID}`;
const STAND_IN_IMAGE = `chainfleet-e2e/neo-stand-in:${RUN_ID}`;
const STEP_TIMEOUT_MS = 30 * 60_000; // the first up also downloads every provider plugin in package.json

/** The stand-in service layer: what our container spec needs of an image (curl, /healthz on $PORT, uid 65532). */
const STAND_IN_DOCKERFILE = [
    "FROM python:3.12-alpine3.20",
    "RUN apk add --no-cache curl && mkdir -p /srv/www && printf ok > /srv/www/healthz",
    "USER 65532:65532",
    'CMD ["sh", "-c", "exec python3 -m http.server \\"${PORT:-8080}\\" --bind 0.0.0.0 --directory /srv/www"]',
    "",
].join("\n");

/** Why the real-engine lifecycle cannot run here, or undefined when it can. */
function missingEngine(): string | undefined {
    const cli = spawnSync("pulumi", ["version"], { encoding: "utf8", timeout: 30_000 });
    if (cli.error || cli.status !== 0) {
        return `no Pulumi CLI: \`pulumi version\` ${cli.error ? `failed to start (${cli.error.message})` : `exited ${cli.status}`}`;
    }
    const docker = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8", timeout: 30_000 });
    if (docker.error || docker.status !== 0) {
        const why = docker.error ? `failed to start (${docker.error.message})` : `exited ${docker.status}: ${docker.stderr.trim().split("\n")[0]}`;
        return `no Docker engine: \`docker info\` ${why}`;
    }
    return undefined;
}

/** The stack's config: the dev stack file plus the overrides the header explains, as "chainfleet:key" → JSON text. */
function engineConfig(neoImage: string): Record<string, string> {
    const dev = readStackConfig("dev");
    const section = (key: string) => ({ ...(dev[`${NS}:${key}`] as Record<string, unknown>) });
    const merged: Record<string, unknown> = {
        ...dev,
        [`${NS}:retainData`]: false,
        [`${NS}:scitt`]: { ...section("scitt"), enabled: false },
        [`${NS}:wealthwars`]: { ...section("wealthwars"), enabled: false },
        [`${NS}:ottochain`]: { ...section("ottochain"), enabled: false },
        [`${NS}:lottery`]: { ...section("lottery"), enabled: false },
        [`${NS}:neo`]: { ...section("neo"), enabled: true, database: "postgres", image: neoImage },
    };
    // The CLI hands object values to the program as JSON text; stacks/config/load.ts parses them back.
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
}

const asConfigMap = (m: Record<string, string>): ConfigMap =>
    Object.fromEntries(Object.entries(m).map(([k, value]) => [k, { value, secret: false }]));

/** The op kinds in a summary other than "same", sorted. */
const changedKinds = (m: OpMap | undefined): string[] =>
    Object.entries(m ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0).map(([op]) => op).sort();

describe("engine lifecycle: config (offline, runs everywhere)", () => {
    it("the engine stack's config passes the program's validation, with only neo enabled", () => {
        const raw = engineConfig(STAND_IN_IMAGE);
        const source = { all: () => raw, isSecret: () => false, stackName: () => STACK_NAME };
        const c = loadConfig(source);
        assert.equal(c.topology, "dev");
        assert.equal(c.retainData, false);
        assert.deepEqual([c.scitt.enabled, c.wealthwars.enabled, c.ottochain.enabled, c.lottery.enabled, c.neo.enabled], [false, false, false, false, true]);
        assert.equal(c.neo.image, STAND_IN_IMAGE);
        assert.equal(c.neo.logLevel, "info", "the edit below changes it to debug");
    });
});

describe("engine lifecycle: dev topology on a real Docker engine (Automation API)", function () {
    this.timeout(STEP_TIMEOUT_MS);
    let stack: Stack | undefined;
    let backendDir: string | undefined;
    let builtStandIn = false;
    let brokenAt: string | undefined; // a failed step makes the later ones meaningless
    const neoImage = process.env.CHAINFLEET_E2E_NEO_IMAGE || STAND_IN_IMAGE;
    const config = engineConfig(neoImage);
    // The CLI's own output, streamed (secrets are shown as [secret] by the CLI).
    const common = { color: "never" as const, onOutput: (out: string) => void process.stdout.write(out) };

    before(async function () {
        const missing = missingEngine();
        if (missing) {
            if (process.env.CHAINFLEET_ENGINE_REQUIRED === "true") throw new Error(`CHAINFLEET_ENGINE_REQUIRED is set but ${missing}`);
            console.log(`      SKIPPED: the real-engine lifecycle needs the Pulumi CLI and a Docker engine; ${missing}`);
            this.skip();
        }
        if (neoImage === STAND_IN_IMAGE) {
            const built = spawnSync("docker", ["build", "--tag", STAND_IN_IMAGE, "-"], { input: STAND_IN_DOCKERFILE, encoding: "utf8", timeout: 10 * 60_000 });
            assert.equal(built.status, 0, `building the neo stand-in image failed:\n${built.stderr}`);
            builtStandIn = true;
        }
        backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "chainfleet-e2e-state-"));
        stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK_NAME, workDir: REPO_ROOT }, {
            envVars: {
                PULUMI_BACKEND_URL: `file://${backendDir}`,
                // Never printed: the workflow generates it per run; locally a random one is used if unset.
                PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE || randomBytes(24).toString("hex"),
                PULUMI_SKIP_UPDATE_CHECK: "true",
            },
        });
        await stack.setAllConfig(asConfigMap(config));
    });

    beforeEach(function () {
        if (brokenAt) {
            console.log(`      SKIPPED: an earlier step failed (${brokenAt})`);
            this.skip();
        }
    });
    afterEach(function () {
        if (this.currentTest?.state === "failed") brokenAt = this.currentTest.title;
    });

    it("up creates the stack", async () => {
        const r = await stack!.up(common);
        assert.equal(r.summary.result, "succeeded");
        assert.deepEqual(changedKinds(r.summary.resourceChanges), ["create"], "a first up only creates");
    });

    it("preview expects no changes", async () => {
        const r = await stack!.preview({ ...common, expectNoChanges: true });
        assert.deepEqual(changedKinds(r.changeSummary), [], `preview after up: ${JSON.stringify(r.changeSummary)}`);
    });

    it("up expects no changes", async () => {
        const r = await stack!.up({ ...common, expectNoChanges: true });
        assert.deepEqual(changedKinds(r.summary.resourceChanges), [], `second up: ${JSON.stringify(r.summary.resourceChanges)}`);
    });

    it("refresh expects no changes", async () => {
        const r = await stack!.refresh({ ...common, expectNoChanges: true });
        assert.equal(r.summary.result, "succeeded");
        const drift = changedKinds(r.summary.resourceChanges).filter((op) => op !== "refresh");
        assert.deepEqual(drift, [], `refresh: ${JSON.stringify(r.summary.resourceChanges)}`);
    });

    it("an edit (neo logLevel info → debug) replaces only the neo container", async () => {
        const neo = JSON.parse(config[`${NS}:neo`]) as Record<string, unknown>;
        await stack!.setConfig(`${NS}:neo`, { value: JSON.stringify({ ...neo, logLevel: "debug" }) });
        const steps: { op: OpType; urn: string }[] = [];
        const onEvent = (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.op !== "same") steps.push({ op: m.op, urn: m.urn });
        };
        const r = await stack!.up({ ...common, onEvent });
        assert.equal(r.summary.result, "succeeded");
        assert.deepEqual(changedKinds(r.summary.resourceChanges), ["replace"], `edit: ${JSON.stringify(r.summary.resourceChanges)}`);
        assert.equal(r.summary.resourceChanges?.replace, 1);
        const urns = [...new Set(steps.map((s) => s.urn))];
        assert.equal(urns.length, 1, `resources with steps: ${urns.join(", ")}`);
        assert.match(urns[0], /docker:index\/container:Container::neo-container$/);
        const allowed: OpType[] = ["replace", "create-replacement", "delete-replaced"];
        assert.ok(steps.every((s) => allowed.includes(s.op)), `steps: ${JSON.stringify(steps)}`);
    });

    after(async function () {
        this.timeout(STEP_TIMEOUT_MS);
        const problems: string[] = [];
        if (stack) {
            try {
                await stack.destroy(common);
            } catch (e) {
                problems.push(`destroy: ${(e as Error).message}`);
            }
            try {
                await stack.workspace.removeStack(STACK_NAME);
            } catch (e) {
                problems.push(`stack rm: ${(e as Error).message}`);
            }
        }
        fs.rmSync(path.join(REPO_ROOT, `Pulumi.${STACK_NAME}.yaml`), { force: true });
        if (backendDir) fs.rmSync(backendDir, { recursive: true, force: true });
        if (builtStandIn) spawnSync("docker", ["image", "rm", STAND_IN_IMAGE], { encoding: "utf8" });
        assert.deepEqual(problems, [], "cleanup failed: resources of this run may be left on the engine");
    });
});
