// Where a position of a bash script falls, as bash reads it: inside single quotes, double quotes,
// a quoted or unquoted here-document body, a comment, or bare. The fuzz spec uses it to tell an
// inert copy of a hostile value (single quotes, a quoted here-document) from one bash would expand.
// It follows bash's quoting rules (bash(1) QUOTING, Here Documents) for the forms our generated
// scripts use; it does not parse $'…', nested $( ) quoting, or case patterns.

export type ShellContext = "single" | "double" | "bare" | "heredoc-literal" | "heredoc" | "comment";

/** The context of every offset of a script. */
export function shellContexts(script: string): ShellContext[] {
    const out: ShellContext[] = new Array(script.length);
    let state: "bare" | "single" | "double" | "comment" = "bare";
    const pending: { word: string; literal: boolean; strip: boolean }[] = [];
    let i = 0;
    while (i < script.length) {
        const c = script[i];
        if (state === "single") {
            out[i] = "single";
            if (c === "'") state = "bare";
            i++;
            continue;
        }
        if (state === "double") {
            out[i] = "double";
            if (c === "\\") { out[i + 1] = "double"; i += 2; continue; }
            if (c === '"') state = "bare";
            i++;
            continue;
        }
        if (state === "comment") {
            if (c === "\n") { state = "bare"; continue; }
            out[i++] = "comment";
            continue;
        }
        // bare
        out[i] = "bare";
        if (c === "\\") { out[i + 1] = "bare"; i += 2; continue; }
        if (c === "'") { state = "single"; i++; continue; }
        if (c === '"') { state = "double"; i++; continue; }
        if (c === "#" && (i === 0 || /[\s;&|(]/.test(script[i - 1]))) { state = "comment"; continue; }
        if (c === "<" && script[i + 1] === "<" && script[i + 2] !== "<") {
            const m = /^<<(-?)[ \t]*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))/.exec(script.slice(i));
            if (m) {
                pending.push({ word: m[2] ?? m[3] ?? m[4], literal: m[2] !== undefined || m[3] !== undefined || m[0].includes("\\"), strip: m[1] === "-" });
                for (let k = 0; k < m[0].length; k++) out[i + k] = "bare";
                i += m[0].length;
                continue;
            }
        }
        if (c === "\n" && pending.length > 0) {
            i++;
            // Each pending here-document body follows, up to its delimiter line.
            for (const h of pending.splice(0)) {
                while (i < script.length) {
                    const end = script.indexOf("\n", i);
                    const lineEnd = end < 0 ? script.length : end;
                    const line = script.slice(i, lineEnd);
                    const isEnd = (h.strip ? line.replace(/^\t+/, "") : line) === h.word;
                    for (let k = i; k <= lineEnd && k < script.length; k++) out[k] = isEnd ? "bare" : h.literal ? "heredoc-literal" : "heredoc";
                    i = lineEnd + 1;
                    if (isEnd) break;
                }
            }
            continue;
        }
        i++;
    }
    return out;
}

/** Does bash leave every copy of `needle` in `script` unexpanded (single quotes, a literal here-document, a comment)? */
export function inertIn(script: string, needle: string): boolean {
    const ctx = shellContexts(script);
    for (let at = script.indexOf(needle); at >= 0; at = script.indexOf(needle, at + 1)) {
        for (let k = at; k < at + needle.length; k++) {
            const c = ctx[k];
            if (c !== "single" && c !== "heredoc-literal" && c !== "comment") return false;
        }
    }
    return true;
}

/**
 * The bodies of a script's literal here-documents: files a script writes (a unit, another script)
 * whose text bash does not expand now but another reader (bash, systemd, sshd) parses later.
 */
export function literalHeredocBodies(script: string): string[] {
    const ctx = shellContexts(script);
    const out: string[] = [];
    let start = -1;
    for (let i = 0; i <= script.length; i++) {
        const inBody = i < script.length && ctx[i] === "heredoc-literal";
        if (inBody && start < 0) start = i;
        if (!inBody && start >= 0) {
            out.push(script.slice(start, i));
            start = -1;
        }
    }
    return out;
}
