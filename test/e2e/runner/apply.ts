// The e2e engine: runs the real program (index.ts) under a monitor whose registerResource does
// the real work (Docker Engine API, local commands, random values) before it answers. The SDK
// registers a resource only after its dependencies, so the real dependency order falls out and
// independent resources run in parallel (docs/lifecycle.md). State per URN lets a second run reuse,
// replace or delete; destroy deletes in reverse dependency order, keeping protected and
// retained resources.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settingsTyped from "@pulumi/pulumi/runtime/settings";
import { serializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { buildConfig, installMonitor, Overrides, ROOT, unwrap, urnOf } from "../../harness/graph";
import { addSecret, log } from "./log";
import { PartialCreateError } from "./container";
import { createResource, deleteResource } from "./resources";
import { decide, deletionWaves, loadState, ResourceState, saveState, State } from "./state";

// SDK internals the SDK's own mocks use (marked @internal in the typings).
/* eslint-disable @typescript-eslint/no-require-imports */
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */
const settings = settingsTyped as typeof settingsTyped & { waitForRPCs(): Promise<void> };

const STACK = "dev";

export interface RunReport {
    created: string[];
    same: string[];
    /** Updated in place: only a resource left with init errors and unchanged inputs (the engine's empty Update step). */
    updated: string[];
    replaced: string[];
    deleted: string[];
    /** Not deleted because protected or retainOnDelete (name and why). */
    kept: string[];
    failed: { name: string; error: string }[];
    seconds: number;
}

const emptyReport = (): RunReport => ({ created: [], same: [], updated: [], replaced: [], deleted: [], kept: [], failed: [], seconds: 0 });

/** Every secret value in a wire-form property value (for console redaction). */
function collectSecrets(v: unknown): void {
    if (Array.isArray(v)) v.forEach(collectSecrets);
    else if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[specialSigKey] === specialSecretSig) addSecret(unwrap(o.value).value);
        else Object.values(o).forEach(collectSecrets);
    }
}

interface Registered { type: string; parent?: string; custom: boolean }

/** The monitor: components answer at once; custom resources are created (or reused) for real first. */
class ApplyMonitor extends MockMonitor {
    readonly registered = new Map<string, Registered>();
    readonly seen = new Set<string>();
    /** Replaced resources deleted after the update (create-before-delete, the engine's default). */
    readonly deleteLater: ResourceState[] = [];

    constructor(private readonly state: State, private readonly workdir: string, private readonly report: RunReport) {
        super({
            newResource: () => { throw new Error("unused: registerResource is overridden"); },
            call: (args) => { throw new Error(`the e2e runner does not implement invoke ${args.token}`); },
        });
        (this as unknown as { newUrn: typeof urnOf }).newUrn = urnOf;
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string | undefined = req.getParent() || undefined;
        const custom: boolean = req.getCustom();
        const urn = urnOf(parent, type, name);
        this.registered.set(urn, { type, parent, custom });
        const raw = req.getObject()?.toJavaScript() ?? {};
        collectSecrets(raw);
        if (!custom || type.startsWith("pulumi:providers:")) {
            await this.answer(urn, custom ? `${name}-provider` : "", {}, [], callback);
            return;
        }
        const walked = unwrap(raw);
        const inputs = walked.value as Record<string, unknown>;
        const secretKeys = new Set([...walked.secrets.map((p) => p.split(/[.[]/)[0]), ...req.getAdditionalsecretoutputsList()]);
        const record: ResourceState = {
            urn, type, name, id: "", inputs, outputs: {}, secretKeys: [...secretKeys],
            dependencies: this.expand([...new Set<string>(req.getDependenciesList())]),
            protect: req.getProtect() === true, retainOnDelete: req.getRetainondelete() === true, deleteBeforeReplace: req.getDeletebeforereplace() === true,
            replaceOnChanges: req.getReplaceonchangesList(),
        };
        this.seen.add(urn);
        try {
            const done = await this.ensure(record);
            await this.answer(urn, done.id, done.outputs, [...secretKeys], callback);
        } catch (e) {
            const error = (e as Error).message;
            this.report.failed.push({ name, error });
            log(`FAILED ${type} ${name}: ${error}`);
            callback(new Error(`${name}: ${error}`), undefined);
        }
    }

    /** A dependency on a component stands for its custom descendants (what the engine waits for). */
    private expand(deps: string[]): string[] {
        const out = new Set<string>();
        const walk = (urn: string) => {
            const r = this.registered.get(urn);
            if (r?.custom) out.add(urn);
            for (const [child, c] of this.registered) if (c.parent === urn) walk(child);
        };
        deps.forEach(walk);
        return [...out];
    }

    /** Reuse, replace or create, through decide() (the seam for the precise provider model). */
    private async ensure(r: ResourceState): Promise<ResourceState> {
        const old = this.state.resources[r.urn];
        const d = decide(old, r.inputs, r.replaceOnChanges);
        if (d.action === "same") {
            this.report.same.push(r.name);
            return old;
        }
        if (d.action === "update") {
            // The provider's Update with no changed input does nothing to the resource; the engine
            // then stores it without init errors.
            log(`update ${r.type} ${r.name} (${d.why})`);
            this.report.updated.push(r.name);
            const kept = { ...old, ...r, id: old.id, outputs: old.outputs, createdAt: old.createdAt };
            delete kept.initErrors;
            this.state.resources[r.urn] = kept;
            saveState(this.workdir, this.state);
            return kept;
        }
        const note = (s: string) => log(`  ${r.name}: ${s}`);
        if (d.action === "replace") {
            log(`replace ${r.type} ${r.name} (changed: ${d.changed.join(", ")}; ${r.deleteBeforeReplace ? "delete first" : "create first"})`);
            this.report.replaced.push(r.name);
            if (r.deleteBeforeReplace) {
                await deleteResource(old.type, old.id, old.inputs, old.outputs, note);
                delete this.state.resources[r.urn];
                saveState(this.workdir, this.state);
            } else this.deleteLater.push(old);
        } else {
            log(`create ${r.type} ${r.name}`);
            this.report.created.push(r.name);
        }
        const t0 = Date.now();
        let made: Awaited<ReturnType<typeof createResource>>;
        try {
            made = await createResource(r.type, r.inputs, note);
        } catch (e) {
            if (e instanceof PartialCreateError) {
                this.state.resources[r.urn] = { ...r, id: e.id, outputs: e.outputs, initErrors: [e.message], createdAt: new Date().toISOString() };
                saveState(this.workdir, this.state);
            }
            throw e;
        }
        const done = { ...r, id: made.id, outputs: made.outputs, createdAt: new Date().toISOString() };
        this.state.resources[r.urn] = done;
        saveState(this.workdir, this.state);
        log(`  ${r.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        return done;
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private async answer(urn: string, id: string, outputs: Record<string, unknown>, secretKeys: string[], callback: (err: any, res: any) => void) {
        const wire = (await serializeProperties("", outputs)) as Record<string, unknown>;
        for (const k of secretKeys) {
            if (!(k in wire)) continue;
            addSecret(outputs[k]);
            wire[k] = { [specialSigKey]: specialSecretSig, value: wire[k] };
        }
        (this as unknown as { resources: Map<string, unknown> }).resources.set(urn, { urn, id, state: wire });
        const resp = new resproto.RegisterResourceResponse();
        resp.setUrn(urn);
        resp.setId(id);
        resp.setObject(structproto.Struct.fromJavaScript(wire));
        callback(null, resp);
    }
}

/** Deletes resources in waves (dependents first); protected and retained ones are kept. */
async function deleteAll(resources: ResourceState[], state: State, workdir: string, report: RunReport, keepInState: boolean): Promise<void> {
    for (const wave of deletionWaves(resources)) {
        await Promise.all(wave.map(async (r) => {
            if (r.protect || r.retainOnDelete) {
                report.kept.push(`${r.name} (${[r.protect && "protected", r.retainOnDelete && "retainOnDelete"].filter(Boolean).join(", ")})`);
                log(`keep ${r.type} ${r.name}: ${r.protect ? "protected" : "retainOnDelete"}`);
                // retainOnDelete: the engine forgets it; protect alone: it stays in state.
                if (r.retainOnDelete && !keepInState && state.resources[r.urn] === r) delete state.resources[r.urn];
                return;
            }
            log(`delete ${r.type} ${r.name}`);
            try {
                await deleteResource(r.type, r.id, r.inputs, r.outputs, (s) => log(`  ${r.name}: ${s}`));
                if (state.resources[r.urn] === r) delete state.resources[r.urn];
                report.deleted.push(r.name);
            } catch (e) {
                report.failed.push({ name: r.name, error: `delete: ${(e as Error).message}` });
                log(`FAILED delete ${r.name}: ${(e as Error).message}`);
            }
            saveState(workdir, state);
        }));
    }
}

/** `up`: runs the program against the real engine; returns what happened (failures included). */
export async function up(workdir: string, overrides: Overrides, program = path.join(ROOT, "index.ts")): Promise<RunReport> {
    const t0 = Date.now();
    const report = emptyReport();
    const state = loadState(workdir);
    const monitor = new ApplyMonitor(state, workdir, report);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const { config, secretKeys } = buildConfig(STACK, overrides);
        installMonitor(monitor, STACK, config, secretKeys);
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            await pulumi.runtime.runInPulumiStack(async () => require(program));
        } catch (e) {
            if (report.failed.length === 0) report.failed.push({ name: "program", error: (e as Error).message });
        }
        // A failed resource rejects the program's outputs at once; creates still in flight must
        // finish (and reach state) before we stop, as the engine waits for them too.
        await settings.waitForRPCs().catch(() => undefined);
        await new Promise((r) => setImmediate(r));
        if (report.failed.length === 0 && rejections.length > 0) report.failed.push({ name: "program", error: String(rejections[0]) });
        if (report.failed.length > 0) {
            log(`update failed: ${report.failed.length} error(s); nothing deleted (like the engine, deletes wait for a successful update)`);
        } else {
            const gone = Object.values(state.resources).filter((r) => !monitor.seen.has(r.urn));
            await deleteAll([...monitor.deleteLater, ...gone], state, workdir, report, false);
        }
    } finally {
        process.off("unhandledRejection", onRejection);
        report.seconds = (Date.now() - t0) / 1000;
    }
    return report;
}

/** `destroy`: deletes every resource in state except protected and retained ones. */
export async function destroy(workdir: string): Promise<RunReport> {
    const t0 = Date.now();
    const report = emptyReport();
    const state = loadState(workdir);
    await deleteAll(Object.values(state.resources), state, workdir, report, false);
    report.seconds = (Date.now() - t0) / 1000;
    return report;
}
