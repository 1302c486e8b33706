// The runner's log: every event goes raw to <workdir>/e2e.log (mode 0600, what a CI log would
// hold if printed as is) and, with known secret values replaced by [secret], to the console.
// The scenarios scan the raw file for secret values: a hit means the program leaks a secret into
// text a real `pulumi up` would print (e.g. a command string in an error, pulumi-command's
// "%w: running %q:\n%s").
import * as fs from "fs";

const secrets = new Set<string>();
let file: string | undefined;

/** Where raw lines go (appended). */
export function logTo(path: string): void {
    file = path;
    fs.writeFileSync(path, "", { flag: "a", mode: 0o600 });
}

/** Registers secret values to redact on the console (short values are ignored: too many false hits). */
export function addSecret(value: unknown): void {
    if (typeof value === "string" && value.length >= 8) secrets.add(value);
    else if (Array.isArray(value)) value.forEach(addSecret);
    else if (value && typeof value === "object") Object.values(value).forEach(addSecret);
}

export function knownSecrets(): string[] {
    return [...secrets];
}

export function redact(text: string): string {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[secret]");
    return out;
}

/** One event: raw to the file, redacted to stdout. */
export function log(text: string): void {
    const line = `${new Date().toISOString()} ${text}`;
    if (file) fs.appendFileSync(file, line + "\n");
    const shown = redact(line);
    process.stdout.write(shown === line ? line + "\n" : `${shown}   <-- a secret value was redacted from this line\n`);
}
