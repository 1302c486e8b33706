// A script set installed for a spec the way a host installs it (installScriptSet run by bash),
// into a directory of its own; once per set and process.
import * as path from "path";
import { installScriptSet, ScriptSet, scriptSetDir } from "../../components/platform/scriptSet";
import { OTTOCHAIN_SCRIPTS } from "../../components/systems/ottochain/nodeScript";
import { run, tempDir } from "./tools";

const done = new Map<string, string>();

export function installedSet(set: ScriptSet = OTTOCHAIN_SCRIPTS): string {
    const hit = done.get(set.digest);
    if (hit) return hit;
    const root = path.join(tempDir("chainfleet-scripts-"), "scripts");
    const r = run("bash", ["-c", installScriptSet(root, set)]);
    if (r.status !== 0) throw new Error(`installing script set ${set.name}: ${r.stderr}`);
    const dir = scriptSetDir(root, set);
    done.set(set.digest, dir);
    return dir;
}

/** The set's files as one text (library first), for shellcheck. */
export function setText(set: ScriptSet = OTTOCHAIN_SCRIPTS, files = Object.keys(set.files)): string {
    return files.map((f) => set.files[f]).join("\n");
}
