// Both real stack files, planned offline: the graph the engine would see, and the hardening
// rules of docs/hardening.md on every resource.
import { strict as assert } from "assert";
import { allSystemsPlan, byName, FAKE_PROD_SECRETS, Graph, ofType, planStack, defaultPlan, PlannedResource } from "./harness/graph";
import { RULES, violations } from "../policy/rules";
import { DEPLOYER_SESSION_ARN } from "./harness/fakes";

function subject(r: PlannedResource) {
    return { type: r.type, name: r.name, props: r.inputs, opts: { protect: r.protect, retainOnDelete: r.retainOnDelete } };
}

/** Every place a string occurs in a resource's inputs, as dotted paths. */
function pathsContaining(v: unknown, needle: string, at = ""): string[] {
    if (typeof v === "string") return v.includes(needle) ? [at] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => pathsContaining(x, needle, `${at}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => pathsContaining(x, needle, at ? `${at}.${k}` : k));
    return [];
}

/** True when path p is at or under one of the secret paths. */
function underSecret(p: string, secretPaths: string[]): boolean {
    return secretPaths.some((s) => s === "" || p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`));
}

for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} graph`, () => {
        let g: Graph;
        before(async () => {
            g = await allSystemsPlan(stack);
        });

        it("registers every system with no error and no duplicate URN", () => {
            const urns = g.resources.map((r) => r.urn);
            assert.equal(new Set(urns).size, urns.length);
            for (const t of ["chainfleet:scitt:ScittLedger", "chainfleet:wealthwars:WealthWarsBackend", "chainfleet:ottochain:Metagraph", "chainfleet:lottery:LotteryOperator", "chainfleet:neo:NeoServiceLayer"]) {
                assert.equal(ofType(g, t).length, 1, `${t} missing`);
            }
        });

        it("exports endpoints, health URLs and hints per system", () => {
            for (const sys of ["scitt", "wealthwars", "ottochain", "lottery", "neo"]) assert.ok(g.outputs[sys], `no ${sys} output`);
            assert.match(String((g.outputs.scitt as { healthUrl: string }).healthUrl), /\/node\/network$/);
            assert.match(String((g.outputs.neo as { healthUrl: string }).healthUrl), /\/healthz$/);
            assert.match(String((g.outputs.lottery as { healthUrl: string }).healthUrl), /\/health$/);
        });

        it("gives every child a parent and every Docker/Kubernetes resource an explicit provider", () => {
            for (const r of g.resources) {
                if (r.type === "pulumi:pulumi:Stack") continue;
                assert.ok(r.parent, `${r.name} has no parent`);
                if (/^(docker|kubernetes):/.test(r.type)) assert.ok(r.provider, `${r.name} has no explicit provider`);
            }
        });

        it("keeps every config secret out of non-secret inputs", () => {
            const secretValues = stack === "prod" ? Object.values(FAKE_PROD_SECRETS) : [];
            // Dev secrets are generated: their fake values come from the random mocks.
            const generated = g.resources.filter((r) => r.type.startsWith("random:")).length;
            if (stack === "dev") assert.ok(generated > 0, "dev generates its secrets");
            for (const r of g.resources) {
                for (const v of [...secretValues, "fake-random-"]) {
                    for (const p of pathsContaining(r.inputs, v)) {
                        if (r.type.startsWith("random:")) continue;
                        assert.ok(underSecret(p, r.secretPaths), `${r.type} ${r.name}: ${p} holds a secret in a non-secret input`);
                    }
                }
            }
        });

        it("restarts every container after any exit, and no JVM gets a noexec /tmp", () => {
            for (const r of ofType(g, "docker:index/container:Container")) {
                assert.equal(r.inputs.restart, "unless-stopped", `${r.name}: a capped on-failure stays down after a daemon restart`);
                const tmp = (r.inputs.tmpfs as Record<string, string> | undefined)?.["/tmp"];
                if (String(r.name).startsWith("ottochain-")) assert.match(String(tmp), /(^|,)exec(,|$)/, `${r.name}: the JVM maps native libraries from /tmp`);
            }
        });

        it("passes the mandatory hardening rules of docs/hardening.md", () => {
            const problems = g.resources.flatMap((r) => violations(subject(r)))
                .filter((v) => stack === "prod" || !v.rule.devAdvisory)
                .map((v) => `${v.rule.name}: ${v.message}`);
            assert.deepEqual(problems, []);
        });

        it("keeps stateful data: volumes, data disks, databases and KMS keys retained on delete, none protected (a protected one stops destroy)", () => {
            for (const r of [...ofType(g, "docker:index/volume:Volume"), ...ofType(g, "aws:ebs/volume:Volume"), ...ofType(g, "aws:rds/instance:Instance"), ...ofType(g, "aws:kms/key:Key")]) {
                assert.ok(r.retainOnDelete && !r.protect, `${r.name}: retainOnDelete ${r.retainOnDelete}, protect ${r.protect}`);
            }
            assert.ok(ofType(g, "docker:index/volume:Volume").length > 0);
        });

        it("names no deploying session: nothing changes when another deployer (or another CI run) runs `up`", () => {
            const session = DEPLOYER_SESSION_ARN.split("/").slice(0, -1).join("/");
            for (const r of g.resources) assert.deepEqual(pathsContaining(r.inputs, session), [], `${r.type} ${r.name}`);
        });

        it("replaces fixed-name containers delete-first", () => {
            for (const c of ofType(g, "docker:index/container:Container")) assert.ok(c.deleteBeforeReplace, `${c.name}`);
        });
    });
}

describe("graph details", () => {
    it("rules apply to every resource type they name (no dead rule)", async () => {
        const g = await defaultPlan("prod");
        const types = new Set(g.resources.map((r) => r.type));
        // The ConfigMap rule guards against a future ConfigMap: we create none on purpose.
        const guards = new Set(["k8s-no-secrets-in-configmaps"]);
        for (const rule of RULES) if (!guards.has(rule.name)) assert.ok(rule.types.some((t) => types.has(t)), `${rule.name} matches nothing in prod`);
    });

    it("disables a system on its own", async () => {
        const g = await planStack("dev", { "neo.enabled": false, "ottochain.enabled": false });
        assert.equal(ofType(g, "chainfleet:neo:NeoServiceLayer").length, 0);
        assert.equal(ofType(g, "chainfleet:ottochain:Metagraph").length, 0);
        assert.equal(ofType(g, "chainfleet:scitt:ScittLedger").length, 1);
        assert.equal(g.outputs.neo, undefined);
    });

    it("stops before registering anything when config is invalid", async () => {
        await assert.rejects(planStack("dev", { "ottochain.currencyL1.nodes": 0 }), /chainfleet:ottochain\.currencyL1\.nodes must be an integer ≥ 1 \(got 0\)/);
    });

    it("fails on duplicate URNs", async () => {
        await assert.rejects(planStack("dev", {}, {}, `${__dirname}/fixtures/duplicate.ts`),
            /duplicate URNs: urn:pulumi:dev::chainfleet::pulumi:pulumi:Stack\$random:index\/randomPassword:RandomPassword::same/);
    });

    it("records options, providers and secret inputs as the engine sees them", async () => {
        const g = await defaultPlan("prod");
        const data = byName(g, "host-a-data");
        // Retained, not protected: kept on replacement and destroy, and a restore can still replace it.
        assert.ok(data.retainOnDelete && !data.protect);
        const instance = byName(g, "host-a-instance");
        assert.deepEqual(instance.ignoreChanges, ["ami"]);
        // The ssh key is in no input at all: the program writes it to the access dir, ssh reads it there.
        const ready = byName(g, "host-a-engine-ready");
        assert.match(String(ready.inputs.create), /-i \.chainfleet\/ssh\/prod\/id_chainfleet /);
        const key = FAKE_PROD_SECRETS.sshPrivateKey.split("\n")[1];
        assert.ok(g.resources.every((r) => !JSON.stringify(r.inputs).includes(key)), "the ssh key appears in an input");
        const db = byName(g, "neo-db-db");
        assert.ok(db.secretPaths.includes("password"));
        assert.match(byName(g, "ottochain-gl0-container").provider ?? "", /host-a-docker/);
    });
});
