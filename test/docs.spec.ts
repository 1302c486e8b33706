// The config reference stays honest: every key the schema accepts is named in the README, and
// every top-level key is declared in Pulumi.yaml.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configSchema, SECRETS } from "../stacks/config";

interface ZodLike { _zod?: { def?: { innerType?: ZodLike; shape?: Record<string, ZodLike> } } }

/** Dotted paths of every leaf key of the schema (through defaults and optionals). */
function leaves(s: ZodLike, at = ""): string[] {
    let t: ZodLike | undefined = s;
    while (t?._zod?.def?.innerType) t = t._zod.def.innerType;
    const shape = t?._zod?.def?.shape;
    if (!shape) return [at];
    return Object.entries(shape).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
}

describe("config reference", () => {
    const root = path.join(__dirname, "..");
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

    it("the README names every config key", () => {
        const all = leaves(configSchema as unknown as ZodLike);
        assert.ok(all.length > 100, `only ${all.length} keys found: the walker is broken`);
        const missing = all.filter((k) => !readme.includes(`\`${k.split(".")[0]}`) || !readme.includes(k.split(".").pop()!));
        assert.deepEqual(missing, []);
        for (const s of SECRETS) assert.ok(readme.includes(`chainfleet:${s.key}`), `${s.key} missing from the README`);
    });

    it("Pulumi.yaml declares every top-level key and secret with a description", () => {
        const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { description?: string }> };
        assert.equal(project.name, "chainfleet");
        const top = [...Object.keys((configSchema as unknown as { shape: object }).shape), ...SECRETS.map((s) => s.key)];
        for (const k of top) assert.ok(project.config[k]?.description, `chainfleet:${k} is not declared with a description`);
        assert.deepEqual(Object.keys(project.config).sort(), [...top].sort(), "Pulumi.yaml declares a key the program does not read");
    });
});
