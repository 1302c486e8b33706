// The config reference stays honest: every key the schema accepts is named in the README, and
// every top-level key is declared in Pulumi.yaml.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configSchema, SECRETS } from "../stacks/config/schema";
import { schemaLeaves } from "./harness/schemaKeys";
import { RULES } from "../policy/rules";
import { CORPUS } from "./fixtures/configCorpus";
import { longestChain, planStack } from "./harness/graph";

/** Dotted paths of every key of the schema, a list or map counting as one key. */
function leaves(): string[] {
    const untilCollection = (path: string[]) => {
        const i = path.findIndex((p) => p === "[]" || p === "{}");
        return i < 0 ? path : path.slice(0, i);
    };
    return [...new Set(schemaLeaves().map((l) => untilCollection(l.path).join(".")))];
}

describe("config reference", () => {
    const root = path.join(__dirname, "..");
    const reference = fs.readFileSync(path.join(root, "docs", "configuration.md"), "utf8");

    it("docs/configuration.md names every config key", () => {
        const all = leaves();
        assert.ok(all.length > 100, `only ${all.length} keys found: the walker is broken`);
        const missing = all.filter((k) => !reference.includes(`\`${k.split(".")[0]}`) || !reference.includes(k.split(".").pop()!));
        assert.deepEqual(missing, []);
        for (const s of SECRETS) assert.ok(reference.includes(`chainfleet:${s.key}`), `${s.key} missing from docs/configuration.md`);
    });

    it("docs/configuration.md's count of refused mistakes is the corpus's", () => {
        const m = /configCorpus\.ts` lists (\d+) refused mistakes/.exec(reference);
        assert.ok(m, "docs/configuration.md no longer points at the corpus");
        assert.equal(Number(m[1]), CORPUS.length);
    });

    it("docs/hardening.md lists every rule of the policy pack", () => {
        const page = fs.readFileSync(path.join(root, "docs", "hardening.md"), "utf8");
        assert.ok(RULES.length > 10, "the rules were not found");
        assert.deepEqual(RULES.map((r) => r.name).filter((n) => !page.includes(`\`${n}\``)), []);
    });

    it("Pulumi.yaml declares every top-level key and secret with a description", () => {
        const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { description?: string }> };
        assert.equal(project.name, "chainfleet");
        const top = [...Object.keys((configSchema as unknown as { shape: object }).shape), ...SECRETS.map((s) => s.key)];
        for (const k of top) assert.ok(project.config[k]?.description, `chainfleet:${k} is not declared with a description`);
        assert.deepEqual(Object.keys(project.config).sort(), [...top].sort(), "Pulumi.yaml declares a key the program does not read");
    });
});

describe("figures that cannot go stale", function () {
    this.timeout(120_000);
    const root = path.join(__dirname, "..");
    const page = fs.readFileSync(path.join(root, "docs", "benchmarks.md"), "utf8");

    it("the README points at the generated benchmark page instead of copying its numbers", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        assert.ok(readme.includes("docs/benchmarks.md"));
        assert.ok(!/\d+ nodes per cluster \d+ resources/.test(readme), "the README repeats plan figures again");
    });

    it("docs/benchmarks.md's resource counts and critical path are what the program plans now (re-run npm run bench -- --write docs/benchmarks.md)", async () => {
        // The table's rows: | nodes | resources | critical path | …
        const rows = [...page.matchAll(/^\| (\d+) \| (\d+) \| (\d+) \|/gm)].map((m) => m.slice(1, 4).map(Number));
        assert.ok(rows.length >= 2, "the page has no rows");
        // The two smallest sizes: they plan in about a second; counts grow linearly, so they pin the rest.
        for (const [nodes, resources, chain] of rows.slice(0, 2)) {
            const g = await planStack("prod", {
                "ottochain.currencyL1.nodes": nodes, "ottochain.currencyL1.maxNodes": nodes,
                "ottochain.dataL1.nodes": nodes, "ottochain.dataL1.maxNodes": nodes, "hosts.instanceType": "r6i.16xlarge",
            });
            assert.deepEqual([g.resources.length, longestChain(g)], [resources, chain], `${nodes} nodes per L1 cluster`);
        }
    });
});

describe("upstream contracts", () => {
    const ROOT_DIR = path.join(__dirname, "..");
    const IMAGES = path.join(__dirname, "e2e", "images");

    it("every stand-in of an upstream names its contract page, and every page it names exists", () => {
        const mustName: Record<string, string> = { scitt: "scitt-ccf-ledger.md", tessellation: "tessellation-ottochain.md", "http-service": "service-layer.md" };
        for (const image of fs.readdirSync(IMAGES).filter((d) => fs.existsSync(path.join(IMAGES, d, "Dockerfile")))) {
            const text = fs.readFileSync(path.join(IMAGES, image, "Dockerfile"), "utf8");
            const named = [...text.matchAll(/docs\/upstream\/([\w.-]+\.md)/g)].map((m) => m[1]);
            for (const page of named) assert.ok(fs.existsSync(path.join(ROOT_DIR, "docs", "upstream", page)), `${image} names docs/upstream/${page}, which does not exist`);
            if (mustName[image]) assert.ok(named.includes(mustName[image]), `${image}'s header does not point at docs/upstream/${mustName[image]}`);
        }
    });

    it("every contract page is listed in the index, and every row has a source and a check column", () => {
        const dir = path.join(ROOT_DIR, "docs", "upstream");
        const index = fs.readFileSync(path.join(dir, "README.md"), "utf8");
        for (const page of fs.readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
            assert.ok(index.includes(`(${page})`), `${page} is not in docs/upstream/README.md`);
            const rows = fs.readFileSync(path.join(dir, page), "utf8").split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---") && !/^\| (we rely on|upstream says)/.test(l));
            assert.ok(rows.length > 0, `${page} has no rows`);
            for (const r of rows) assert.equal(r.split(" | ").length, 3, `${page}: a row without three columns: ${r.slice(0, 80)}`);
        }
    });
});
