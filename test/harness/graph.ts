// The offline graph harness: runs the real program (index.ts) with a real stack file under Pulumi
// mocks, with a monitor of our own that records every RegisterResourceRequest the way the engine
// would see it. Used by the specs and by `npm run plan`.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { withOfflineSource } from "./offlineSources";
import { playOfflineArtifacts } from "./offlineArtifacts";
import { setPath } from "./paths";
import { playProdSiteValues } from "./prodSiteValues";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settingsTyped from "@pulumi/pulumi/runtime/settings";
import { specialSigKey, specialSecretSig, specialResourceSig, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { fakeCall, fakeOutputs } from "./fakes";
import { readStackConfig, StackName } from "./stackConfig";
import type { ConfigSource } from "../../stacks/config/load";

// SDK internals the mocks themselves use; they are marked @internal in the typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };
const settings = settingsTyped as typeof settingsTyped & { waitForRPCs(): Promise<void> };

export const ROOT = path.resolve(__dirname, "..", "..");
const PROJECT = "chainfleet";

/** One registered resource, as the engine would see it. */
export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    parent?: string;
    /** Provider reference ("urn::id"), when one was passed explicitly or inherited. */
    provider?: string;
    /** URNs this resource waits for (dependsOn plus every input's resource). */
    dependencies: string[];
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    aliases: number;
    /** Inputs with secrets unwrapped; `secretPaths` says which were secret. */
    inputs: Record<string, unknown>;
    /** Dotted paths of the inputs that are secret, e.g. "envs[2]" or "stringData.API_TOKENS". */
    secretPaths: string[];
}

export interface Graph {
    stack: StackName;
    resources: PlannedResource[];
    /** Stack outputs, secrets unwrapped; secret output keys listed in secretOutputs. */
    outputs: Record<string, unknown>;
    secretOutputs: string[];
    /** Log lines the program wrote (warnings and info). */
    logs: { severity: string; message: string }[];
}

/** Overrides applied on top of the stack file: "ottochain.currencyL1.nodes" → 4 (dotted paths). */
export type Overrides = Record<string, unknown>;

interface Walked { value: unknown; secrets: string[] }

/** Unwraps the wire form of a property value, noting where secrets sat. */
export function unwrap(v: unknown, at = ""): Walked {
    if (Array.isArray(v)) {
        const secrets: string[] = [];
        const value = v.map((x, i) => {
            const w = unwrap(x, `${at}[${i}]`);
            secrets.push(...w.secrets);
            return w.value;
        });
        return { value, secrets };
    }
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[specialSigKey] === specialSecretSig) {
            const inner = unwrap(o.value, at);
            return { value: inner.value, secrets: [at, ...inner.secrets] };
        }
        if (o[specialSigKey] === specialResourceSig) return { value: { resourceUrn: o.urn }, secrets: [] };
        const secrets: string[] = [];
        const value: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) {
            const w = unwrap(x, at ? `${at}.${k}` : k);
            value[k] = w.value;
            secrets.push(...w.secrets);
        }
        return { value, secrets };
    }
    if (v === unknownValue) return { value: "<unknown>", secrets: [] };
    return { value: v, secrets: [] };
}

/**
 * The URN the engine gives a resource: the parent's whole type chain, then the type and name.
 * (The SDK's MockMonitor keeps only the parent's last type; we use the engine's form everywhere.)
 */
export function urnOf(parent: string | undefined, type: string, name: string): string {
    const qualified = parent ? `${parent.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${settings.getStack()}::${settings.getProject()}::${qualified}::${name}`;
}

class RecordingMonitor extends MockMonitor {
    constructor(mocks: ConstructorParameters<typeof MockMonitor>[0]) {
        super(mocks);
        // Replace the SDK's simplified URN scheme so dependencies, parents and our records agree.
        (this as unknown as { newUrn: typeof urnOf }).newUrn = urnOf;
    }

    readonly recorded: PlannedResource[] = [];
    readonly urns = new Set<string>();
    readonly duplicates: string[] = [];
    /** The resource being registered; the SDK calls the mocks' newResource synchronously within super.registerResource. */
    current?: PlannedResource;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
        const urn = urnOf(req.getParent(), req.getType(), req.getName());
        if (this.urns.has(urn)) this.duplicates.push(urn);
        this.urns.add(urn);
        const walked = unwrap(req.getObject()?.toJavaScript() ?? {});
        this.recorded.push({
            type: req.getType(),
            name: req.getName(),
            urn,
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            dependencies: [...new Set<string>(req.getDependenciesList())],
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace() === true,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: req.getAliasesList().length,
            inputs: walked.value as Record<string, unknown>,
            secretPaths: walked.secrets,
        });
        this.current = this.recorded[this.recorded.length - 1];
        return super.registerResource(req, callback);
    }
}

/**
 * Each plan re-evaluates the program's modules (they register resources at load), but their
 * source does not change between plans in one process: ts-node would transpile every file again
 * on each re-require, which was a large share of a small plan. So the first transpile of each
 * file is kept and handed to Node's loader again (the source maps ts-node recorded stay valid).
 */
function memoizeTranspile(): void {
    type Loader = (m: NodeModule & { _compile(code: string, file: string): unknown }, file: string) => unknown;
    const extensions = require.extensions as unknown as Record<string, Loader & { memoized?: true }>;
    const tsLoader = extensions[".ts"];
    if (!tsLoader || tsLoader.memoized) return;
    const compiled = new Map<string, string>();
    const memoized: Loader & { memoized?: true } = (m, file) => {
        const hit = compiled.get(file);
        if (hit !== undefined) return m._compile(hit, file);
        const nodeCompile = m._compile;
        // ts-node wraps whatever _compile it finds and calls it with the transpiled JavaScript.
        m._compile = function (this: unknown, code: string, f: string) {
            compiled.set(f, code);
            return nodeCompile.call(this, code, f);
        };
        return tsLoader(m, file);
    };
    memoized.memoized = true;
    extensions[".ts"] = memoized;
}

/** Deletes the project's own modules from the require cache so the program runs afresh. */
function purgeProjectModules(): void {
    memoizeTranspile();
    for (const id of Object.keys(require.cache)) {
        const harness = id.includes(`${path.sep}test${path.sep}`) && !id.includes(`${path.sep}fixtures${path.sep}`);
        if (id.startsWith(ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`) && !harness) {
            delete require.cache[id];
        }
    }
}

export { setPath } from "./paths";

/**
 * Builds the config map the program will see: the stack file, the overrides (dotted paths under
 * chainfleet:), and secrets (marked secret).
 */
export function buildConfig(stack: StackName, overrides: Overrides = {}, secrets: Record<string, string> = {}, offline = true) {
    const fromFile = readStackConfig(stack);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fromFile)) values[k] = structuredClone(v);
    for (const [given, v] of Object.entries(overrides)) {
        // Keys as the README spells them ("chainfleet:scitt.port") or bare ("scitt.port").
        const dotted = given.startsWith("chainfleet:") ? given.slice("chainfleet:".length) : given;
        const [top, ...rest] = dotted.split(".");
        const key = `chainfleet:${top}`;
        if (rest.length === 0) values[key] = v;
        else {
            const base = (values[key] ?? {}) as Record<string, unknown>;
            setPath(base, rest.join("."), v);
            values[key] = base;
        }
    }
    // No spec fetches from the network: an upstream git source is played by a local repository.
    // offline false: the values as the user gave them, to check their rules (scripts/plan.ts).
    if (offline && values["chainfleet:scitt"] !== undefined) values["chainfleet:scitt"] = withOfflineSource(values["chainfleet:scitt"]);
    if (offline && values["chainfleet:ottochain"] !== undefined) values["chainfleet:ottochain"] = withOfflineSource(values["chainfleet:ottochain"], values["chainfleet:topology"] === "dev");
    // What the prod stack file leaves to the operator, played by test values (after the overrides,
    // which may unset one to try its rule); then the local artifacts it names, where this machine has none.
    const siteValuesPlayed = playProdSiteValues(values);
    const artifactPlays = playOfflineArtifacts(values, ROOT);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
        if (v === undefined) continue;
        config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(secrets)) {
        config[`chainfleet:${k}`] = v;
        secretKeys.push(`chainfleet:${k}`);
    }
    return { config, secretKeys, artifactPlays, siteValuesPlayed };
}

/** A built config as the loader reads it: the map, which of its keys are secret, the stack's name. */
export function configSourceOf(config: Record<string, string>, secretKeys: readonly string[], stackName: string): ConfigSource {
    const secret = new Set(secretKeys);
    return { all: () => config, isSecret: (k) => secret.has(k), stackName: () => stackName };
}

/** Secrets a prod plan needs; the values are obvious fakes, never real keys. */
export const FAKE_PROD_SECRETS: Record<string, string> = {
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-FOR-PLAN\n-----END OPENSSH PRIVATE KEY-----",
    wealthwarsAuthoritySecretKey: "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]",
    wealthwarsApiKeys: "fake-api-key-for-plan",
    ottochainKeystorePassword: "fake-keystore-password",
    lotteryOperatorKey: `0x${"ab".repeat(32)}`,
    neoApiTokens: "fake-token-for-plan-1,fake-token-for-plan-2",
    neoEncryptionKey: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
};

let running = false;

/** Points the SDK at a monitor of ours, with the engine features the real CLI announces, and sets the stack's config. */
export function installMonitor(monitor: MockMonitor, stack: string, config: Record<string, string>, secretKeys: string[]): void {
    settings.setMockOptions(monitor, PROJECT, stack, false);
    const store = state.getStore();
    store.supportsSecrets = true;
    store.supportsResourceReferences = true;
    store.supportsOutputValues = false;
    store.supportsDeletedWith = true;
    store.supportsAliasSpecs = true;
    pulumi.runtime.setAllConfig(config, secretKeys);
}

/** How the mocks answer a registration: by default, fake outputs derived from the name. */
export type Responder = (r: PlannedResource) => { id: string; state: Record<string, unknown> } | Promise<{ id: string; state: Record<string, unknown> }>;

export const fakeResponder: Responder = (r) => ({ id: `${r.name}-id`, state: { ...r.inputs, ...fakeOutputs(r.type, r.name, r.inputs) } });

/**
 * Runs index.ts for a stack and returns the registered graph. Throws the program's error (e.g. a
 * ConfigError) or, after the run, an error listing duplicate URNs.
 */
export async function planStack(
    stack: StackName, overrides: Overrides = {}, secrets?: Record<string, string>, program = path.join(ROOT, "index.ts"), respond: Responder = fakeResponder,
): Promise<Graph> {
    if (running) throw new Error("planStack runs one program at a time");
    running = true;
    const logs: Graph["logs"] = [];
    const restoreLog = captureLogs(logs);
    // A program error rejects the stack's outputs (which we rethrow) and also the Stack
    // resource's own bookkeeping promises; those echoes are not new errors.
    const echoes: unknown[] = [];
    const onRejection = (reason: unknown) => void echoes.push(reason);
    process.on("unhandledRejection", onRejection);
    // The SDK captures a stack per resource for its source position; ts-node's source-map
    // support would map each one to TypeScript lines, which is most of the plan's time at scale.
    // Plans do not need source positions, so stacks stay raw while the program runs.
    // Likewise the SDK's promise bookkeeping (debuggable.js) formats `new Error().stack` for every
    // promise it makes, which was half of a 100-node plan; with no frames that costs nothing. A
    // program error still carries its message; CHAINFLEET_PLAN_STACKS=1 brings the frames back
    // when one is needed to debug a plan.
    const savedPrepare = Error.prepareStackTrace;
    const savedLimit = Error.stackTraceLimit;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    Error.stackTraceLimit = process.env.CHAINFLEET_PLAN_STACKS === "1" ? 20 : 0;
    try {
        const { config, secretKeys } = buildConfig(stack, overrides, secrets ?? (stack === "prod" ? FAKE_PROD_SECRETS : {}));
        const monitor: RecordingMonitor = new RecordingMonitor({
            newResource: () => respond(monitor.current!),
            call: (args) => fakeCall(args.token, args.inputs),
        });
        installMonitor(monitor, stack, config, secretKeys);
        purgeProjectModules();
        const rawOutputs = await pulumi.runtime.runInPulumiStack(async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const mod = require(program);
            return mod;
        });
        await settings.waitForRPCs();
        if (monitor.duplicates.length > 0) throw new Error(`duplicate URNs: ${monitor.duplicates.join(", ")}`);
        const secretOutputs: string[] = [];
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries((rawOutputs ?? {}) as Record<string, unknown>)) {
            const resolved = await resolveOutput(v);
            outputs[k] = resolved.value;
            if (resolved.secret) secretOutputs.push(k);
        }
        return { stack, resources: monitor.recorded, outputs, secretOutputs, logs };
    } finally {
        Error.prepareStackTrace = savedPrepare;
        Error.stackTraceLimit = savedLimit;
        restoreLog();
        // Let the echoes of a failed run surface before we stop listening for them.
        await new Promise((r) => setImmediate(r));
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

async function resolveOutput(v: unknown): Promise<{ value: unknown; secret: boolean }> {
    const out = pulumi.output(v);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const secret = await (out as any).isSecret;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const value = await (out as any).promise();
    return { value, secret: secret === true };
}

/** Routes pulumi.log to the graph's log instead of the console. */
function captureLogs(into: Graph["logs"]): () => void {
    const log = pulumi.log as unknown as Record<string, (msg: string) => Promise<void>>;
    const saved = { warn: log.warn, info: log.info, debug: log.debug };
    log.warn = async (message: string) => void into.push({ severity: "warning", message });
    log.info = async (message: string) => void into.push({ severity: "info", message });
    log.debug = async () => undefined;
    return () => Object.assign(log, saved);
}

/** Helpers for specs. */
export function ofType(g: Graph, type: string): PlannedResource[] {
    return g.resources.filter((r) => r.type === type);
}

export function byName(g: Graph, name: string): PlannedResource {
    const found = g.resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
}

export function byUrn(g: Graph): Map<string, PlannedResource> {
    return new Map(g.resources.map((r) => [r.urn, r]));
}

/** Every URN r waits for, transitively, including through its parents' dependencies. */
export function dependsOnTransitively(g: Graph, from: PlannedResource, target: PlannedResource): boolean {
    const idx = byUrn(g);
    const seen = new Set<string>();
    const stack = [from.urn];
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (urn === target.urn && urn !== from.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const r = idx.get(urn);
        if (!r) continue;
        stack.push(...r.dependencies);
        // A component's dependencies stand for all of its children.
        for (const child of g.resources) if (child.parent === urn) stack.push(child.urn);
    }
    return false;
}

/** Length of the longest dependency chain of custom resources (the critical path of a deployment). */
export function longestChain(g: Graph): number {
    const idx = byUrn(g);
    const children = new Map<string, string[]>();
    for (const r of g.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
    // Expand a dependency on a component into its custom descendants, as the engine waits for them.
    const expand = (urn: string, acc: Set<string>) => {
        const r = idx.get(urn);
        if (!r) return;
        if (r.custom) acc.add(urn);
        for (const c of children.get(urn) ?? []) expand(c, acc);
    };
    const memo = new Map<string, number>();
    const depth = (urn: string, guard: Set<string>): number => {
        const hit = memo.get(urn);
        if (hit !== undefined) return hit;
        if (guard.has(urn)) throw new Error(`dependency cycle at ${urn}`);
        guard.add(urn);
        const r = idx.get(urn)!;
        const deps = new Set<string>();
        const own = [...r.dependencies];
        // Dependencies of ancestors apply to the resource too.
        for (let p = r.parent; p; p = idx.get(p)?.parent) own.push(...(idx.get(p)?.dependencies ?? []));
        for (const d of own) expand(d, deps);
        deps.delete(urn);
        let best = 0;
        for (const d of deps) best = Math.max(best, depth(d, guard));
        guard.delete(urn);
        const result = best + 1;
        memo.set(urn, result);
        return result;
    };
    let max = 0;
    for (const r of g.resources) if (r.custom && !r.type.startsWith("pulumi:providers:")) max = Math.max(max, depth(r.urn, new Set()));
    return max;
}

const defaults = new Map<StackName, Promise<Graph>>();

/** The plan of a real stack file with no overrides, computed once per test run and shared. */
export function defaultPlan(stack: StackName): Promise<Graph> {
    if (!defaults.has(stack)) defaults.set(stack, planStack(stack));
    return defaults.get(stack)!;
}

/**
 * Dev with every system on: Wealth Wars and the lottery have no public image, so the dev stack
 * file keeps them off; specs of those systems name an image of their own, as a user would.
 */
export const DEV_ALL_SYSTEMS: Overrides = {
    "wealthwars.enabled": true, "wealthwars.image": "example.org/wealth-wars-backend:1.0",
    "lottery.enabled": true, "lottery.image": "example.org/lottery:1.0",
};

const everything = new Map<StackName, Promise<Graph>>();

/** The plan of a stack file with every system on (dev: DEV_ALL_SYSTEMS; prod has them all), shared. */
export function allSystemsPlan(stack: StackName): Promise<Graph> {
    if (stack === "prod") return defaultPlan(stack);
    if (!everything.has(stack)) everything.set(stack, planStack(stack, DEV_ALL_SYSTEMS));
    return everything.get(stack)!;
}
