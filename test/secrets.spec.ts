// Secrets never ride in a command string: pulumi-command puts the whole command into its error
// text (local/commandOutputs.go "%w: running %q:\n%s"), which marking the string secret does not
// mask (pulumi/pulumi#19465). They reach host scripts on stdin instead, and survive sudo.
import { strict as assert } from "assert";
import { secretEnvPreamble, secretEnvStdin } from "../components/platform/shell";
import { keygenScript } from "../components/systems/ottochain/spec";
import { migrateScript } from "../components/systems/wealthwars/wealthwars";
import { defaultPlan, FAKE_PROD_SECRETS, Graph } from "./harness/graph";
import { run, shellProblems, stubBin } from "./util/tools";

const TRICKY = "p'w \"x\" $HOME `id`\nline2 \\ end=";

/** Runs a script the way DockerHost.run does: preamble + script, secrets on stdin. */
function runWithSecrets(script: string, env: Record<string, string>, path: string) {
    const create = `${secretEnvPreamble(Object.keys(env))}\n${script}`;
    return { create, ...run("bash", ["-c", create], { input: secretEnvStdin(env), env: { PATH: path } }) };
}

describe("secrets to host scripts", () => {
    it("a value with quotes, $, backquotes and newlines arrives intact and only as named", () => {
        const r = run("bash", ["-c", `${secretEnvPreamble(["A_SECRET"])}\nprintf '%s' "$A_SECRET"; printf '|%s' "\${OTHER-unset}"`], {
            input: secretEnvStdin({ A_SECRET: TRICKY, OTHER: "sneaky" }),
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${TRICKY}|unset`);
    });

    it("every padding length of base64 survives (one trailing = is not a field separator)", () => {
        for (const value of ["a", "ab", "abc", "abcd", "abcde", "abcdef"]) {
            const r = run("bash", ["-c", `${secretEnvPreamble(["S"])}\nprintf '%s' "$S"`], { input: secretEnvStdin({ S: value }) });
            assert.equal(r.stderr.replace(/^\/root\/\.bashrc.*\n/gm, "").replace(/^.*cargo\/env.*\n/gm, ""), "", value);
            assert.equal(r.stdout, value);
        }
    });

    it("a value's trailing newlines survive (a PEM key ends in one; $(…) alone would strip it)", () => {
        for (const value of ["key\n", "key\n\n", "\n"]) {
            const r = run("bash", ["-c", `${secretEnvPreamble(["S"])}\nprintf '%s|' "$S"`], { input: secretEnvStdin({ S: value }) });
            assert.equal(r.stdout, `${value}|`, JSON.stringify(value));
        }
    });

    it("rejects names that could inject shell", () => {
        assert.throws(() => secretEnvPreamble(["A) rm -rf /;;"]), /invalid environment variable name/);
        assert.throws(() => secretEnvStdin({ "a b": "x" }), /invalid environment variable name/);
    });

    it("the preamble is shellcheck-clean", () => {
        assert.deepEqual(shellProblems(`${secretEnvPreamble(["CL_PASSWORD", "DATABASE_URL"])}\necho "$CL_PASSWORD$DATABASE_URL"`), []);
    });

    it("keygen passes CL_PASSWORD to docker through sudo, and the script never holds it", () => {
        // Stub sudo resets the environment like env_reset, keeping only --preserve-env names.
        const bin = stubBin({
            sudo: `keep=(); while [[ "$1" == -* ]]; do case "$1" in --preserve-env=*) IFS=, read -ra keep <<< "\${1#--preserve-env=}";; esac; shift; done
args=(); for k in "\${keep[@]}"; do args+=("$k=\${!k}"); done; exec env -i PATH="$PATH" "\${args[@]}" "$@"`,
            docker: `printf 'docker CL_PASSWORD=%s\\n' "\${CL_PASSWORD-}" >&2; echo peer-id`,
            install: "true",
            stat: "echo 1000:1000",
        });
        const script = keygenScript({
            sudo: "sudo ", sudoKeepingPassword: "sudo --preserve-env=CL_PASSWORD ", image: "img", keysDir: "/nonexistent/keys", jarsDir: "/j", node: "cl1-0", keyAlias: "alias",
        });
        const r = runWithSecrets(script, { CL_PASSWORD: TRICKY }, `${bin}:/usr/bin:/bin`);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stderr.includes(`docker CL_PASSWORD=${TRICKY.split("\n")[0]}`), r.stderr);
        assert.ok(!r.create.includes("p'w"), "the password is not in the script");
        // Without --preserve-env, sudo would hand docker an empty password: the stub proves it.
        const plain = runWithSecrets(script.replace(/--preserve-env=CL_PASSWORD /g, ""), { CL_PASSWORD: TRICKY }, `${bin}:/usr/bin:/bin`);
        assert.ok(plain.stderr.includes("docker CL_PASSWORD=\n"), plain.stderr);
    });

    it("keygen refuses to run without a password", () => {
        const script = keygenScript({ sudo: "", sudoKeepingPassword: "", image: "img", keysDir: "/k", jarsDir: "/j", node: "n", keyAlias: "a" });
        const r = run("bash", ["-c", script], { env: { PATH: "/usr/bin:/bin" } });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /CL_PASSWORD \(chainfleet:ottochainKeystorePassword\) was not passed/);
    });

    it("the migration gets DATABASE_URL from its environment, not its text", () => {
        const bin = stubBin({ docker: `printf 'url=%s args=%s\\n' "$DATABASE_URL" "$*"` });
        const url = "postgresql://u:p%40ss@db:5432/w";
        const r = runWithSecrets(migrateScript({ sudoKeepingUrl: "", network: "wealthwars-db", image: "img:1", command: ["npx", "prisma", "migrate", "deploy"] }), { DATABASE_URL: url }, `${bin}:/usr/bin:/bin`);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`url=${url} args=run --rm --network wealthwars-db -e DATABASE_URL`));
        assert.ok(!r.create.includes("p%40ss"));
    });
});

for (const stack of ["dev", "prod"] as const) {
    describe(`${stack}: no secret in a command string`, () => {
        let g: Graph;
        before(async () => {
            g = await defaultPlan(stack);
        });

        it("no command's create/update/delete is secret or holds a secret value", () => {
            const commands = g.resources.filter((r) => r.type.startsWith("command:"));
            assert.ok(commands.length > 0);
            const values = stack === "prod" ? Object.values(FAKE_PROD_SECRETS) : ["fake-random-"];
            for (const r of commands) {
                for (const field of ["create", "update", "delete"]) {
                    assert.ok(!r.secretPaths.some((p) => p === field), `${r.name}.${field} is secret: a secret was interpolated into it`);
                    const text = String(r.inputs[field] ?? "");
                    for (const v of values) assert.ok(!text.includes(v), `${r.name}.${field} contains a secret value`);
                }
            }
        });

        it("commands that need a secret get it on a secret stdin", () => {
            const keygens = g.resources.filter((r) => r.type.startsWith("command:") && r.name.endsWith("-key"));
            assert.ok(keygens.length >= 8, `keygen commands: ${keygens.length}`);
            for (const r of keygens) {
                assert.ok(r.secretPaths.includes("stdin"), `${r.name}: stdin is not secret`);
                assert.match(String(r.inputs.stdin), /^CL_PASSWORD=[A-Za-z0-9+/=]+\n$/);
            }
        });

        it("every docker run that reads CL_PASSWORD keeps it across sudo (prod) or runs without sudo (dev)", () => {
            for (const r of g.resources.filter((x) => x.type.startsWith("command:") && x.name.endsWith("-key"))) {
                const runs = String(r.inputs.create).split("\n").filter((l) => l.includes("docker run") && l.includes("-e CL_PASSWORD"));
                assert.ok(runs.length >= 2, r.name);
                for (const l of runs) {
                    if (stack === "prod") assert.match(l, /sudo --preserve-env=CL_PASSWORD docker run/, `${r.name}: sudo would drop CL_PASSWORD`);
                    else assert.doesNotMatch(l, /sudo/, r.name);
                }
            }
        });
    });
}
