// Reads a real Pulumi.<stack>.yaml the way the CLI does: the `config:` map, keys "ns:name".
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export type StackName = "dev" | "prod";

export function stackFile(stack: StackName): string {
    return path.resolve(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
}

/** Parsed stack files by path and mtime: the config specs load a stack thousands of times. */
const parsed = new Map<string, { mtimeMs: number; doc: { config?: Record<string, unknown> } }>();

function parsedStackFile(stack: StackName): { config?: Record<string, unknown> } {
    const file = stackFile(stack);
    const mtimeMs = fs.statSync(file).mtimeMs;
    const hit = parsed.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.doc;
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    parsed.set(file, { mtimeMs, doc });
    return doc;
}

/** The stack file's config values (a fresh copy). Encrypted values ({secure: …}) are left out: tests pass secrets. */
export function readStackConfig(stack: StackName): Record<string, unknown> {
    const doc = structuredClone(parsedStackFile(stack));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc.config ?? {})) {
        if (v !== null && typeof v === "object" && "secure" in (v as object)) continue;
        out[k] = v;
    }
    return out;
}

/** The OttoChain versions the dev stack file runs (specs derive paths and version strings from them). */
export function devStackVersions(): { tessellation: string; metagraph: string } {
    const o = (readStackConfig("dev")["chainfleet:ottochain"] ?? {}) as { tessellationVersion?: string; metagraphVersion?: string };
    if (!o.tessellationVersion) throw new Error("Pulumi.dev.yaml sets no chainfleet:ottochain.tessellationVersion");
    return { tessellation: o.tessellationVersion, metagraph: o.metagraphVersion ?? "0.1.0" };
}

/** A string as a literal inside a RegExp. */
export const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
