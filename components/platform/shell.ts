// Building shell scripts from parts. Every value is quoted, so a value with spaces, quotes or
// $ can never split or inject a command. Single quotes are POSIX's only fully literal quoting;
// words made only of safe characters stay bare so generated scripts read naturally.
import * as fs from "fs";
import * as path from "path";

/** Quotes one word for bash: bare when safe, else '…' with ' written as '\''. */
export function q(word: string | number): string {
    const s = String(word);
    if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s)) return s;
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words, each quoted. */
export function cmd(...words: (string | number)[]): string {
    return words.map(q).join(" ");
}

/** Reads a script shipped beside this file (components/platform/scripts/NAME). */
export function shippedScript(name: string): string {
    return fs.readFileSync(path.join(__dirname, "scripts", name), "utf8");
}

/** `export K='v'` lines for an environment (remote sshd often refuses SetEnv, so values go in the script). */
export function exportLines(env: Record<string, string | number>): string {
    return Object.entries(env)
        .map(([k, v]) => {
            if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${k}`);
            return `export ${k}=${q(v)}`;
        })
        .join("\n");
}
