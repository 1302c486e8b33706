// Scripts shipped as files: a set of shell files (a library and the scripts that source it),
// installed once per host into a directory named by the set's content digest, and mounted or
// sourced from there. A container or gate then names a path that carries the digest instead of
// carrying the script itself: a preview shows a digest change, not 24 KB of bash, and a script
// edit still changes every input that names it (a new directory), so it still rolls what it must.
import { createHash } from "crypto";
import { q } from "./shell";

export interface ScriptSet {
    /** Name of the set (a directory-name word), e.g. "ottochain". */
    name: string;
    /** File name → content. */
    files: Record<string, string>;
    /** SHA-256 of the names and contents, first 16 hex digits. */
    digest: string;
}

export function scriptSet(name: string, files: Record<string, string>): ScriptSet {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`script set name ${JSON.stringify(name)} is not a plain word`);
    const h = createHash("sha256");
    for (const f of Object.keys(files).sort()) {
        if (!/^[a-z][a-z0-9-]*\.sh$/.test(f)) throw new Error(`script file name ${JSON.stringify(f)} is not a plain NAME.sh`);
        h.update(`${f}\0${files[f]}\0`);
    }
    return { name, files, digest: h.digest("hex").slice(0, 16) };
}

/** The directory of a set under a host's scripts root: <root>/<name>-<digest>. */
export function scriptSetDir(root: string, set: ScriptSet): string {
    return `${root}/${set.name}-${set.digest}`;
}

/**
 * The host script that installs a set: nothing when its directory is complete, else each file
 * written from base64 (inert: a quoted here-document) into a fresh directory that is renamed into
 * place, files 0444 and the directory 0555, so a half-written set is never used.
 */
export function installScriptSet(root: string, set: ScriptSet, sudo = ""): string {
    const dir = scriptSetDir(root, set);
    const lines = [
        "set -euo pipefail",
        `dir=${q(dir)}`,
        '[ -f "$dir/.complete" ] && exit 0',
        `${sudo}mkdir -p ${q(root)}`,
        `tmp=$(${sudo}mktemp -d ${q(`${dir}.partial-XXXXXX`)})`,
    ];
    for (const f of Object.keys(set.files).sort()) {
        const b64 = Buffer.from(set.files[f], "utf8").toString("base64").replace(/(.{76})/g, "$1\n");
        lines.push(`base64 -d <<'CHAINFLEET_SCRIPT' | ${sudo}tee "$tmp/${f}" >/dev/null`, b64, "CHAINFLEET_SCRIPT");
    }
    lines.push(
        `${sudo}touch "$tmp/.complete"`,
        `${sudo}chmod 0444 "$tmp"/*.sh "$tmp/.complete"`,
        `${sudo}chmod 0555 "$tmp"`,
        // Another run may have installed it meanwhile: theirs is the same content.
        `${sudo}mv -T "$tmp" "$dir" 2>/dev/null || { ${sudo}chmod u+w "$tmp"; ${sudo}rm -rf "$tmp"; }`,
        '[ -f "$dir/.complete" ]',
    );
    return `${lines.join("\n")}\n`;
}

/** bash text that sources files of an installed set (the library first), as one script. */
export function sourceLines(dir: string, files: string[]): string {
    return files.map((f) => `. ${q(`${dir}/${f}`)}`).join("\n");
}
