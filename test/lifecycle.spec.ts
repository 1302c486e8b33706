// The provider-model rung (docs/testing.md, docs/lifecycle.md): both stacks through Pulumi's integration lifecycle —
// up from empty, then up / refresh expecting no changes, then edits with the step each resource
// must take, then destroy — with every input passed through what its provider does to it
// (test/harness/providers: Check, the form Read stores, what forces replacement).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FAKE_PROD_SECRETS, Graph, PlannedResource } from "./harness/graph";
import { changes, checkErrors, describeSteps, destroy, losesData, refreshChanges, STATEFUL_TYPES, StackState, Step, unmodelled, up, UpResult } from "./harness/lifecycle";
import { MODELS } from "./harness/providers";
import { StackName } from "./harness/stackConfig";
import { tempDir } from "./util/tools";

/**
 * A directory to run the program from, as pulumi does, with a scitt-ccf-ledger checkout (its
 * Dockerfile) beside it at ../scitt-ccf-ledger, for the Check of a build context named that way.
 */
function programDir(): string {
    const root = tempDir("chainfleet-cwd-");
    fs.mkdirSync(path.join(root, "scitt-ccf-ledger", "docker"), { recursive: true });
    fs.writeFileSync(path.join(root, "scitt-ccf-ledger", "docker", "Dockerfile"), "FROM scratch\n");
    fs.mkdirSync(path.join(root, "program"));
    return path.join(root, "program");
}

/** Gaps in the provider model, listed so they are visible and shrink: only the provider resources. */
const KNOWN_GAPS = ["pulumi:providers:docker (no model)", "pulumi:providers:kubernetes (no model)"];

function secretsOf(stack: StackName): Record<string, string> | undefined {
    return stack === "prod" ? FAKE_PROD_SECRETS : undefined;
}

/** The changed steps as "op name" (with the replace order), sorted, for exact expectations. */
function stepSet(steps: Step[], filter: (s: Step) => boolean = () => true): string[] {
    return changes(steps).filter(filter).map((s) => `${s.op}${s.replaceKind === "delete-before-replace" ? "!" : ""} ${s.name}`).sort();
}

function assertNoDataLost(r: UpResult, prior: StackState): void {
    const lost = r.steps.filter((s) => losesData(s, prior));
    assert.deepEqual(lost.map((s) => `${s.op} ${s.name}`), [], "a stateful resource is replaced or deleted without being kept");
    assert.deepEqual(r.refused, []);
}

const custom = (s: Step) => !s.type.startsWith("chainfleet:");

describe("provider model", () => {
    let plans: Graph[];
    before(async () => {
        plans = [(await up("dev", undefined)).graph, (await up("prod", undefined, {}, FAKE_PROD_SECRETS)).graph];
    });

    it("describes every type and input both plans set, but the listed gaps", () => {
        const gaps = [...new Set(plans.flatMap(unmodelled))].sort();
        assert.deepEqual(gaps, KNOWN_GAPS);
    });

    it("cites a provider source for every type and input", () => {
        for (const m of MODELS.values()) {
            assert.match(m.source, /[\w-]+\/[\w.-]+/, `${m.type} cites no repository`);
            for (const [k, i] of Object.entries(m.inputs)) assert.match(i.source, /[\w-]+\/[\w.-]+ \S+/, `${m.type} ${k} cites no file`);
        }
    });

    it("reads back cpus and healthcheck durations in the provider's form", () => {
        const c = MODELS.get("docker:index/container:Container")!.inputs;
        assert.equal(c.cpus.readBack!("1", {}), "1.0");
        assert.equal(c.cpus.readBack!("1.0", {}), "1.0");
        assert.equal(c.cpus.readBack!("0.5", {}), "0.5");
        assert.deepEqual(c.healthcheck.readBack!({ interval: "120s", timeout: "10s", startPeriod: "90s", retries: 3 }, {}), { interval: "2m0s", timeout: "10s", startPeriod: "1m30s", retries: 3 });
    });

    it("fails Check on a Dockerfile named relative to the build context, and on a DLM description with a colon", () => {
        const cwd = programDir();
        const image = { type: "docker:index/image:Image", name: "scitt-image", inputs: { build: { context: "../scitt-ccf-ledger", dockerfile: "docker/Dockerfile" } } } as unknown as PlannedResource;
        assert.match(checkErrors(image, cwd).join("\n"), /could not open dockerfile at relative path "docker\/Dockerfile"/);
        const dlm = { type: "aws:dlm/lifecyclePolicy:LifecyclePolicy", name: "p", inputs: { description: "chainfleet scitt: snapshots" } } as unknown as PlannedResource;
        assert.match(checkErrors(dlm).join("\n"), /description/);
    });
});

for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} lifecycle through the provider model`, () => {
        let first: UpResult;
        before(async () => {
            // Check runs where the program runs (the project): the dev stack's SCITT checkout is made there.
            first = await up(stack, undefined, {}, secretsOf(stack));
        });

        it("preview/up from empty: only creates, and every input passes the providers' Check", () => {
            assert.deepEqual(first.checkErrors, []);
            assert.deepEqual([...new Set(first.steps.map((s) => s.op))], ["create"]);
        });

        it("up again with the same config changes nothing, and refresh finds nothing to change", async () => {
            const again = await up(stack, first.state, {}, secretsOf(stack));
            assert.equal(describeSteps(again.steps), "", "the second up is not a no-op");
            assert.deepEqual(refreshChanges(again.state), []);
        });

        it("every container stops gracefully on replace and destroy, sized to what it runs", () => {
            for (const r of first.graph.resources.filter((x) => x.type === "docker:index/container:Container")) {
                const grace = r.inputs.destroyGraceSeconds as number;
                assert.ok(Number.isInteger(grace) && grace >= 15, `${r.name}: destroyGraceSeconds ${grace}`);
                assert.equal(r.inputs.stopTimeout, grace, `${r.name}: docker's own stops and destroy use the same grace`);
            }
        });

        it("destroy runs to the end (the engine refuses nothing) and keeps every stateful resource", () => {
            const d = destroy(first.state);
            // A protected resource makes the engine refuse the whole destroy: data is kept by retainOnDelete instead.
            assert.deepEqual(d.refused, []);
            assert.deepEqual(d.steps.filter((s) => losesData(s, first.state)).map((s) => s.name), []);
        });
    });
}

describe("dev edits: expected steps", () => {
    let base: UpResult;
    before(async () => {
        base = await up("dev", undefined);
    });

    it("a new image for one L1 cluster replaces that cluster's containers (delete first) and re-runs their gates and joins, nothing else", async () => {
        const r = await up("dev", base.state, { "ottochain.currencyL1.image": "eclipse-temurin:21.0.5_11-jre-jammy" });
        assertNoDataLost(r, base.state);
        const nodes = ["cl1-0", "cl1-1", "cl1-2"];
        assert.deepEqual(stepSet(r.steps, custom), [
            ...nodes.map((n) => `replace ottochain-cl1-${n}-image`),
            ...nodes.map((n) => `replace ottochain-cl1-${n}-turn`), // one at a time: test/rolling.spec.ts
            ...nodes.map((n) => `replace! ottochain-cl1-${n}-container`),
            "replace ottochain-cl1-cl1-0-ready", "replace ottochain-cl1-cl1-1-join", "replace ottochain-cl1-cl1-2-join",
            "replace ottochain-versions",
        ].sort());
    });

    it("ML0's heap replaces ML0 alone (delete first), then re-reads its token id; its volume and genesis stay", async () => {
        const r = await up("dev", base.state, { "ottochain.metagraphL0.heapMiB": 3072 });
        assertNoDataLost(r, base.state);
        assert.deepEqual(stepSet(r.steps, custom), ["replace ottochain-metagraph-id", "replace ottochain-ml0-ready", "replace ottochain-versions", "replace! ottochain-ml0-container"]);
        assert.deepEqual(r.steps.find((s) => s.name === "ottochain-ml0-container")?.changed, ["envs", "memory", "memorySwap"]);
    });

    it("CL1 3 → 4 creates only the new node; 4 → 3 removes it and keeps its data volume", async () => {
        const four = await up("dev", base.state, { "ottochain.currencyL1.nodes": 4 });
        assertNoDataLost(four, base.state);
        // Besides the new node, only the version check runs again (it now covers cl1-3).
        const rerun = (s: Step) => s.name === "ottochain-versions" && s.op === "replace";
        assert.ok(changes(four.steps).every((s) => rerun(s) || (s.op === "create" && s.name.startsWith("ottochain-cl1-cl1-3"))), describeSteps(four.steps));
        const three = await up("dev", four.state);
        assertNoDataLost(three, four.state);
        assert.ok(changes(three.steps).every((s) => rerun(s) || (s.op === "delete" && s.name.startsWith("ottochain-cl1-cl1-3"))), describeSteps(three.steps));
        const volume = three.steps.find((s) => s.op === "delete" && s.type === "docker:index/volume:Volume");
        assert.equal(volume?.retained, true, "the removed node's data volume is kept");
    });

    it("a rotated secret replaces only the containers that read it", async () => {
        const r = await up("dev", base.state, {}, { neoApiTokens: "rotated-token-1,rotated-token-2" });
        assertNoDataLost(r, base.state);
        assert.deepEqual(stepSet(r.steps, custom), ["delete dev-neo-api-token", "replace! neo-container"]);
    });
});

describe("prod edits: expected steps", () => {
    let base: UpResult;
    before(async () => {
        base = await up("prod", undefined, {}, FAKE_PROD_SECRETS);
    });

    it("a rotated Kubernetes secret makes a new Secret, re-runs the migration and rolls the Deployment", async () => {
        const r = await up("prod", base.state, {}, { ...FAKE_PROD_SECRETS, neoApiTokens: "rotated-1,rotated-2" });
        assertNoDataLost(r, base.state);
        assert.deepEqual(stepSet(r.steps, custom), ["replace neo-secrets", "replace! neo-migrate", "update neo-deployment"]);
    });

    it("a host replacement (new key) goes stop → detach → replace → attach, and keeps every data volume", async () => {
        const r = await up("prod", base.state, { "hosts.sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPn/uBwIi/WEbkHR7uSSC5JjskY2PhbA89uwAimfPZk1 rotated" }, FAKE_PROD_SECRETS);
        assertNoDataLost(r, base.state);
        for (const h of ["host-a", "host-b", "host-c", "host-scitt"]) {
            const step = (n: string) => r.steps.find((s) => s.name === n);
            assert.equal(step(`${h}-instance`)?.replaceKind, "delete-before-replace", `${h}: the instance is replaced delete-first`);
            assert.equal(step(`${h}-data-attach`)?.replaceKind, "delete-before-replace", `${h}: the attachment is detached first`);
            assert.equal(step(`${h}-data`)?.op, "same", `${h}: its data volume is not touched`);
        }
    });

    it("the enclave host's user data replaces that host alone, delete first: never two operators", async () => {
        const r = await up("prod", base.state, { "lottery.enclave.memoryMiB": 4096 }, FAKE_PROD_SECRETS);
        assertNoDataLost(r, base.state);
        assert.deepEqual(stepSet(r.steps, custom), ["replace! lottery-instance"]);
    });

    it("retainData: false lifts the protections, and destroy then deletes everything it created", async () => {
        const r = await up("prod", base.state, { retainData: false }, FAKE_PROD_SECRETS);
        assert.deepEqual(stepSet(r.steps, custom), ["update neo-db-db", "update wealthwars-db-db"], "only RDS deletion protection changes in place");
        const d = destroy(r.state);
        assert.deepEqual(d.refused, []);
        assert.ok(d.steps.every((s) => !s.retained), "nothing is left behind");
        // With the default (retainData: true), destroy keeps all data.
        const kept = destroy(base.state);
        assert.deepEqual(kept.refused, []);
        for (const s of kept.steps.filter((x) => STATEFUL_TYPES.has(x.type))) assert.equal(s.retained, true, s.name);
    });
});
