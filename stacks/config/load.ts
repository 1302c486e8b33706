// The one place config is read. Every chainfleet:* key is parsed by one schema (./schema.ts), the
// rules that span keys run (./rules.ts), all problems are reported together, and nothing is
// registered before the whole config is valid. Also the messages: "<key> must be <rule> (got …)".
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ChainfleetConfig, configKey, configSchema, NS, PlainConfig, SECRETS } from "./schema";
import { crossRules, show, warningsOf } from "./rules";
import { q } from "../../components/platform/shell";
import { sourceDir } from "../gitSources";

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid chainfleet stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Renders a config path as the key a user types: chainfleet:ottochain.currencyL1.nodes. */
export function keyOf(path: readonly PropertyKey[]): string {
    let out = `${NS}:`;
    path.forEach((p, i) => {
        out += typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`;
    });
    return out;
}

/** Would this string, unquoted, be read as that type (pulumi config set --path: integers and true/false)? */
function readsAs(v: string, type: "number" | "boolean"): boolean {
    return type === "boolean" ? v === "true" || v === "false" : /^-?(0|[1-9]\d*)(\.\d+)?$/.test(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

/** Turns zod issues into "<key> must be <rule> (got <value>)" lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, stack = "<stack>"): string[] {
    return issues.map((issue) => {
        const got = valueAt(raw, issue.path);
        if (issue.code === "invalid_type" && issue.expected === "string" && (typeof got === "number" || typeof got === "boolean")) {
            // Only a nested key can hold a number (top-level values are strings): store it as one.
            const as = String(got);
            return `${keyOf(issue.path)} must be ${issue.message} (got ${show(got)}, a ${typeof got}; a string is needed): ` +
                `store it as a string with \`pulumi config set --stack ${q(stack)} --path --type string ${q(keyOf(issue.path))} -- ${q(as)}\`${typeof got === "number" ? ", or quote it in the stack file if you meant another spelling" : ""}`;
        }
        if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
            return `unknown config key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${NS}:${k}"`).join(", ")} (a typo?)`;
        }
        if (issue.code === "unrecognized_keys") {
            return `${keyOf(issue.path)} has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (a typo?)`;
        }
        if (issue.code === "custom" && issue.params?.sentence) return String(issue.message);
        if (issue.code === "invalid_key") {
            const inner = issue.issues.map((i) => i.message).join("; ");
            return `${keyOf(issue.path.slice(0, -1))}'s keys must each be ${inner} (got the key ${show(issue.path[issue.path.length - 1])})`;
        }
        // A private key pasted into a plain key is not echoed into a log.
        if (issue.code === "custom" && issue.params?.hideValue) return `${keyOf(issue.path)} must be ${issue.message} (got a value not shown here: it holds a private key, which belongs only in a secret)`;
        if (issue.code === "invalid_type" && (issue.expected === "number" || issue.expected === "boolean") && typeof got === "string" && readsAs(got, issue.expected as "number" | "boolean")) {
            return `${keyOf(issue.path)} must be ${issue.message} (got ${show(got)}, a string): write it unquoted in the stack file, or set it with \`pulumi config set --stack ${q(stack)} --path ${q(keyOf(issue.path))} ${q(got)}\`, which stores it as a ${issue.expected}`;
        }
        return `${keyOf(issue.path)} must be ${issue.message} (got ${show(got)})`;
    });
}

/** Where config comes from; the real one reads Pulumi config, tests can pass a map. */
export interface ConfigSource {
    /** Every key set for the stack, as "chainfleet:name" → raw string. */
    all(): Record<string, string>;
    isSecret(fullKey: string): boolean;
    /** The stack's own name (a user's stack may be called anything, not only dev or prod). */
    stackName(): string;
}

// The SDK keeps isConfigSecret out of its public typings; it is what config.getSecret relies on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };

export const pulumiConfigSource: ConfigSource = {
    all: () => pulumi.runtime.allConfig(),
    isSecret: (k) => isConfigSecret(k),
    stackName: () => pulumi.getStack(),
};

/**
 * The command that sets a secret, ready to paste: flags first, then the key, then `--` and the
 * value (cobra takes everything after `--` as positional, so `--stack` must come before it), or
 * the value on stdin (`< file`) for multi-line values such as keys.
 */
export function secretSetCommand(stack: string, fullKey: string, example: string): string {
    const value = example.startsWith("<") ? example : `-- ${example}`;
    return `pulumi config set --stack ${q(stack)} --secret ${fullKey} ${value}`;
}

function parseRaw(s: string): unknown {
    try {
        return JSON.parse(s);
    } catch {
        return s; // a plain string such as topology: dev
    }
}

/**
 * Integers where the schema wants a string, as strings: `pulumi config set --path` stores a value
 * that reads as an integer (no leading 0) as a number (pulumi/pulumi config/map.go
 * adjustObjectValue), so `metagraphVersion 17` arrives as 17 and reads back unchanged as "17".
 * Any other number or a boolean for a string key stays as it is and is refused with the command
 * that stores it as a string (formatIssues).
 */
function asTyped(raw: Record<string, unknown>): { typed: Record<string, unknown>; parsed: ReturnType<typeof configSchema.safeParse> } {
    let work = raw;
    let parsed = configSchema.safeParse(work);
    for (let round = 0; round < 8 && !parsed.success; round++) {
        const ints = parsed.error.issues.filter((i) => i.code === "invalid_type" && i.expected === "string" && Number.isSafeInteger(valueAt(work, i.path)));
        if (ints.length === 0) break;
        work = structuredClone(work);
        for (const i of ints) setAt(work, i.path, String(valueAt(work, i.path)));
        parsed = configSchema.safeParse(work);
    }
    return { typed: work, parsed };
}

/**
 * The config with every failing key unset (so it takes its default), if that parses: what the
 * rules that span keys check when single keys fail. Undefined when it cannot be repaired (a
 * required key such as topology failed).
 */
function withoutFailedKeys(raw: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): PlainConfig | undefined {
    let work = structuredClone(raw);
    let todo = issues;
    for (let round = 0; round < 8; round++) {
        for (const i of todo) {
            if (i.code === "unrecognized_keys") for (const k of i.keys) unsetAt(work, [...i.path, k]);
            else unsetAt(work, i.path);
        }
        const again = configSchema.safeParse(work);
        if (again.success) return again.data;
        todo = again.error.issues;
        work = structuredClone(work);
    }
    return undefined;
}

/** A path up to its first list index (ottochain.x[2] → ottochain.x). */
function untilList(path: readonly PropertyKey[]): readonly PropertyKey[] {
    const i = path.findIndex((p) => typeof p === "number");
    return i < 0 ? path : path.slice(0, i);
}

/** Does a problem sentence name this key (or a key under it)? */
function mentions(problem: string, key: string): boolean {
    return new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w])`).test(problem);
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): void {
    let cur = root as Record<PropertyKey, unknown>;
    for (const p of path.slice(0, -1)) cur = cur[p] as Record<PropertyKey, unknown>;
    cur[path[path.length - 1]] = value;
}

/** Unsets a value: the key holding it, or the whole list when it sits in one (a list has no default per element). */
function unsetAt(root: unknown, path: readonly PropertyKey[]): void {
    let cut = path.length;
    let cur: unknown = root;
    for (let i = 0; i < path.length - 1; i++) {
        if (Array.isArray(cur)) { cut = i; break; }
        cur = (cur as Record<PropertyKey, unknown> | undefined)?.[path[i]];
        if (cur === null || typeof cur !== "object") return;
        if (Array.isArray(cur)) { cut = i + 1; break; }
    }
    let parent = root as Record<PropertyKey, unknown>;
    for (const p of path.slice(0, cut - 1)) parent = parent[p] as Record<PropertyKey, unknown>;
    if (parent && typeof parent === "object") delete parent[path[cut - 1]];
}

/**
 * Reads and validates the whole chainfleet config. Throws ConfigError listing every problem.
 * Secrets are read raw only to check them, and are returned wrapped with pulumi.secret.
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource): ChainfleetConfig {
    const all = source.all();
    const secretKeys = new Set(SECRETS.map((s) => s.key));
    const raw: Record<string, unknown> = {};
    const secretRaw: Record<string, string> = {};
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith(`${NS}:`)) continue;
        const key = fullKey.slice(NS.length + 1);
        if (secretKeys.has(key)) secretRaw[key] = value;
        else raw[key] = parseRaw(value);
    }
    const { typed, parsed } = asTyped(raw);
    const problems = parsed.success ? [] : formatIssues(parsed.error.issues, typed, source.stackName());
    // Every problem at once: when single keys fail, the rules that span keys still run, on the
    // config with those keys unset (their defaults), and say nothing about a key already refused.
    const c = parsed.success ? parsed.data : withoutFailedKeys(typed, parsed.error.issues);
    if (c === undefined) throw new ConfigError(problems);
    // A key as it was unset: a failing list element unsets its whole list.
    const failed = parsed.success ? [] : parsed.error.issues.map((i) => keyOf(untilList(i.path)));
    problems.push(...crossRules(c).filter((p) => !failed.some((k) => mentions(p, k))));
    const secrets: ChainfleetConfig["secrets"] = {};
    for (const spec of SECRETS) {
        const fullKey = configKey(spec.key);
        const value = secretRaw[spec.key];
        const setCmd = secretSetCommand(source.stackName(), fullKey, spec.example);
        if (value === undefined || value === "") {
            if (spec.required(c)) problems.push(`${fullKey} (${spec.what}) is required: run \`${setCmd}\``);
            continue;
        }
        if (!source.isSecret(fullKey)) {
            problems.push(`${fullKey} must be stored as a secret (it is in plain text in the stack file): run \`${setCmd}\``);
            continue;
        }
        const broken = spec.check?.(value);
        if (broken) {
            problems.push(`${fullKey} must be ${broken} (got a secret value that is not)`);
            continue;
        }
        secrets[spec.key] = pulumi.secret(value);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    // A git source is built as a build context would be: its checkout (stacks/gitSources.ts).
    const scitt = c.scitt.source.url !== undefined ? { ...c.scitt, buildContext: sourceDir("scitt-ccf-ledger") } : c.scitt;
    return { ...c, scitt, secrets, warnings: warningsOf(c) };
}
