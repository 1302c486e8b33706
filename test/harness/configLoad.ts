// Loading stack config the way the program does, without Pulumi: for the specs of config rules.
import { strict as assert } from "assert";
import { ConfigError, loadConfig } from "../../stacks/config/load";
import { buildConfig, configSourceOf, FAKE_PROD_SECRETS, Overrides } from "./graph";

/** Stack names as a user might choose them: the hint must name the user's stack, not the topology. */
export const STACK_NAMES = { dev: "alice-dev", prod: "org/chainfleet/production" } as const;

/** Loads config the way the program does, from a stack file plus overrides, without Pulumi. */
export function load(stack: "dev" | "prod", overrides: Overrides = {}, secrets?: Record<string, string>, plainKeys: string[] = []) {
    // The values as given (offline false): loading reads no source, so a rule on a source key is tried as the user wrote it.
    const { config, secretKeys } = buildConfig(stack, overrides, secrets ?? (stack === "prod" ? FAKE_PROD_SECRETS : {}), false);
    return loadConfig(configSourceOf(config, secretKeys.filter((k) => !plainKeys.includes(k)), STACK_NAMES[stack]));
}

export function problems(stack: "dev" | "prod", overrides: Overrides = {}, secrets?: Record<string, string>, plainKeys: string[] = []): string[] {
    try {
        load(stack, overrides, secrets, plainKeys);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

export function expectProblem(list: string[], expected: string | RegExp): void {
    const hit = list.some((p) => (typeof expected === "string" ? p === expected : expected.test(p)));
    assert.ok(hit, `expected a problem matching ${expected}, got:\n${list.join("\n")}`);
}

