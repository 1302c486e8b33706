// Building shell scripts from parts. Quoting goes through shell-quote (not hand-written escaping)
// so a value with spaces or quotes can never split or inject a command.
import * as fs from "fs";
import * as path from "path";
import { quote } from "shell-quote";

/** Quotes one word for bash. */
export function q(word: string | number): string {
    return quote([String(word)]);
}

/** A command line from words, each quoted. */
export function cmd(...words: (string | number)[]): string {
    return quote(words.map(String));
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
