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

/** Names a secret environment variable may have (also what the stdin reader accepts). */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Secrets for a host script, sent on its standard input as `NAME=<base64>` lines, never in the
 * command string: pulumi-command puts the whole command string into its error text
 * (local/commandOutputs.go, remote/commandOutputs.go), and marking it secret does not mask that
 * (pulumi/pulumi#19465). Base64 keeps newlines and quotes in a value from ending its line.
 */
export function secretEnvStdin(env: Record<string, string>): string {
    return Object.keys(env).sort().map((k) => {
        if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name ${k}`);
        return `${k}=${Buffer.from(env[k], "utf8").toString("base64")}\n`;
    }).join("");
}

/**
 * The preamble that exports the secrets of secretEnvStdin(): only the names given, each once.
 * A value never appears in the script, in `ps` (read and decoded inside the shell) or in a log.
 */
export function secretEnvPreamble(names: string[]): string {
    for (const k of names) if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name ${k}`);
    const wanted = [...names].sort().join("|");
    // Split each line by hand: `IFS='=' read k v` would drop a single trailing "=" of the base64
    // padding (bash strips one trailing non-whitespace delimiter), corrupting the value.
    return [
        "while IFS= read -r __line; do",
        '  __k=${__line%%=*}',
        // The x keeps trailing newlines of the value, which $(…) would strip (a PEM key ends in one).
        `  case "$__k" in ${wanted}) __v=$(printf %s "\${__line#*=}" | base64 -d; printf x); export "$__k=\${__v%x}" ;; esac`,
        "done",
        "unset __line __k __v",
    ].join("\n");
}

/**
 * A login name as useradd accepts it and every place it lands can take it unquoted: sshd's
 * AllowUsers (space-separated), a user-data heredoc, `user@host`. POSIX's portable set narrowed to
 * Debian's and Amazon Linux's default NAME_REGEX: a lowercase letter or _, then up to 31 of
 * a-z 0-9 _ -. No space, newline, quote, $ or @.
 */
export const POSIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
