// The SCITT ledger's continuity, read from its workspace volume: the identity the service was first
// opened with (the entrypoint's opened_service_cert.pem), the committed ledger chunks, and any state
// set aside (failed-start.*, reset.*). Across restarts, kills and daemon restarts the first identity
// must stay, every committed chunk must stay, and nothing may be set aside: a ledger that came back
// as a new service fails here whatever its logs say.
import { SCITT_VOLUME } from "../../../components/systems/scitt/scitt";
import { inVolume } from "./context";

export interface LedgerState { opened: string; chunks: string[]; asides: string[] }

const SCRIPT = [
    "cd /v",
    "if [ -s opened_service_cert.pem ]; then sha256sum opened_service_cert.pem | cut -c1-64; else echo NONE; fi",
    "echo --",
    "ls node/ledger 2>/dev/null | grep '\\.committed$' || true",
    "echo --",
    "ls -d failed-start.* node/failed-start.* reset.* 2>/dev/null || true",
].join("; ");

export function scittLedgerState(): LedgerState {
    const [opened, chunks, asides] = inVolume(SCITT_VOLUME, SCRIPT).split("--\n").map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean));
    return { opened: opened[0] ?? "NONE", chunks: chunks ?? [], asides: asides ?? [] };
}

/** What broke the ledger's continuity between two readings, after a step. */
export function ledgerContinuityProblems(before: LedgerState, after: LedgerState, step: string): string[] {
    const out: string[] = [];
    if (before.opened === "NONE") out.push(`scitt: no opened_service_cert.pem before ${step}: the service was never recorded as opened`);
    else if (after.opened !== before.opened) out.push(`scitt: after ${step} the workspace records another service (first identity ${after.opened.slice(0, 12)}…, was ${before.opened.slice(0, 12)}…)`);
    const lost = before.chunks.filter((c) => !after.chunks.includes(c));
    if (lost.length) out.push(`scitt: after ${step} committed ledger chunks are gone: ${lost.join(", ")}`);
    const newAsides = after.asides.filter((a) => !before.asides.includes(a));
    if (newAsides.length) out.push(`scitt: after ${step} state was set aside: ${newAsides.join(", ")}`);
    return out;
}
