// Adversarial strings (newlines, quotes, $( ), backticks, here-document delimiters, spaces,
// unicode, empty, a leading -) fed to every string key of the schema (walked from the schema, so
// a new key is fuzzed unlisted), in both stacks. Each is refused with a problem naming its key,
// or, where the key's grammar admits it, planned: then every generated script that holds it
// (command create/update/delete strings, user data, unit and script files) must keep it inert
// as bash reads it (single quotes or a quoted here-document: test/harness/shellContext.ts), and
// a delimiter word must add no delimiter line.
import { strict as assert } from "assert";
import { problems } from "./harness/configLoad";
import { planStack } from "./harness/graph";
import { plannedScripts } from "./harness/plannedScripts";
import { schemaLeaves } from "./harness/schemaKeys";
import { inertIn } from "./harness/shellContext";
import type { StackName } from "./harness/stackConfig";

const RUN = "$(touch /tmp/chainfleet-fuzz-ran)";
const TICK = "`touch /tmp/chainfleet-fuzz-ran`";
const DELIMITERS = ["CHAINFLEET_EOF", "EOF"];
const HOSTILE = ["a\nb", "a'b", 'a"b', RUN, TICK, ...DELIMITERS, "a b", "ü", "", "-x", "a;b", "a\\b", "../x", "a\r\nb", "a\tb", "${HOME}", "a#b"];
/**
 * Keys whose grammar has a free part: the hostile string is also tried inside a valid value
 * ({} marks where), so a grammar that checks only the shape of the start is caught.
 */
const TEMPLATES: Record<string, string> = {
    "lottery.enclave.eifS3Uri": "s3://chainfleet-artifacts/x{}.eif",
    "wealthwars.solanaRpcUrl": "https://rpc.example.com/{}", "lottery.rpcUrl": "http://rpc.example.com:8545/{}",
    "ottochain.releaseBaseUrl": "https://example.com/{}", "scitt.source.url": "https://github.com/x/{}.git",
    "ottochain.source.url": "https://github.com/x/{}.git", "monitoring.alarmTopicArn": "arn:aws:sns:eu-west-1:123456789012:a{}",
    "hosts.sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbGfmIQXiFJjA6/N5aYT/Mdazc/2YujRLRwul4hgzzI {}",
    "ottochain.jarsDir": "/opt/{}", "scitt.attestationConfigPath": "/etc/{}.json", "ottochain.jarsSource": "jars/{}",
};
/** A map key each map's values are tried under (a valid one: only the value is hostile). */
const MAP_KEY: Record<string, string> = { restore: "a", releaseSha256: "cl-keytool.jar", resync: "cl1-0", rekey: "cl1-1" };

interface Accepted { stack: StackName; key: string; /** The hostile string (inside a template or alone). */ value: string; templated: boolean; set: unknown }

const unclear: string[] = [];

function tryEvery(): Accepted[] {
    const accepted: Accepted[] = [];
    for (const leaf of schemaLeaves().filter((l) => l.type === "string")) {
        const i = leaf.path.findIndex((p) => p === "[]" || p === "{}");
        const key = (i < 0 ? leaf.path : leaf.path.slice(0, i)).join(".");
        for (const stack of ["dev", "prod"] as const) {
            const template = TEMPLATES[key];
            const tries: [string, string, boolean][] = [...HOSTILE.map((h): [string, string, boolean] => [h, h, false]), ...(template ? HOSTILE.map((h): [string, string, boolean] => [h, template.replace("{}", h), true]) : [])];
            for (const [hostile, v, templated] of tries) {
                const set = i < 0 ? v : leaf.path[i] === "[]" ? [v] : { [MAP_KEY[leaf.path[i - 1]]]: v };
                const p = problems(stack, { [key]: set });
                if (p.length === 0) accepted.push({ stack, key, value: hostile, templated, set });
                // Refused: the problem names the key or the section that holds it (tessellationSource in prod).
                else if (!p.some((m) => key.split(".").some((_, n, parts) => m.includes(`chainfleet:${parts.slice(0, n + 1).join(".")}`) && n + 1 >= 2 || m.includes(`chainfleet:${key}`)))) {
                    unclear.push(`${stack} ${key} ${JSON.stringify(v)}: ${p[0]}`);
                }
            }
        }
    }
    return accepted;
}

describe("config fuzz: hostile strings in every string key", function () {
    this.timeout(120_000);
    const accepted = tryEvery();

    it("refuses each hostile string with a problem naming its key, except where the key's grammar admits it", () => {
        // What the grammars admit: free-form data (a kubeconfig context, the migration's argv),
        // "" for a directory (its default), and delimiter words that are valid names; nothing else.
        // The public key's comment reaches only the AWS key pair and the deployer's .pub file.
        const admitted = new Set(["kubernetes.context", "wealthwars.migrateCommand", "hosts.sshPublicKey"]);
        // Inside a valid value (a URL's path, a key's comment) a grammar may admit more: the plan checks those.
        const unexpected = accepted.filter((a) => !a.templated && !admitted.has(a.key) && a.value !== "" && !DELIMITERS.includes(a.value) && !(a.value === "../x" && a.key === "hosts.access.keyDir") && !(a.value === "a#b" && a.key === "monitoring.namespace"));
        assert.deepEqual(unexpected.map((a) => `${a.stack} ${a.key} ${JSON.stringify(a.value)}`), []);
        assert.deepEqual(unclear, [], "refused without naming the key");
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: what is admitted reaches every generated script inert`, async () => {
            // Not planned: values used only on this machine, as argv after "--" or as paths
            // (git sources, which a plan would fetch; local files a plan would read).
            const PLAN_SKIP = ["scitt.source", "ottochain.source", "ottochain.tessellationSource", "ottochain.jarsSource", "ottochain.genesisSource", "scitt.attestationConfigSource", "scitt.buildContext", "hosts.access.keyDir"];
            const mine = accepted.filter((a) => a.stack === stack && a.value !== "" && !PLAN_SKIP.some((k) => a.key === k || a.key.startsWith(`${k}.`)));
            // One plan holds a hostile value of every admitting key (the most dangerous it admits).
            const rank = (v: string) => HOSTILE.indexOf(v) + (v === RUN || v === TICK || v.includes("\n") ? -100 : 0);
            const byKey = new Map<string, Accepted>();
            for (const a of mine.sort((x, y) => rank(x.value) - rank(y.value))) if (!byKey.has(a.key)) byKey.set(a.key, a);
            const set: Record<string, unknown> = Object.fromEntries([...byKey.values()].map((a) => [a.key, a.set]));
            // The migration runs on this engine in dev only when Wealth Wars is on.
            if (stack === "dev") Object.assign(set, { "wealthwars.enabled": true, "wealthwars.image": "registry.example/wealth-wars:1.0.0" });
            set["wealthwars.migrateCommand"] = ["npx", RUN, TICK, "a\nb", "a'b"];
            const planned = plannedScripts(await planStack(stack, set));
            const baseline = new Map(plannedScripts(await planStack(stack, stack === "dev" ? { "wealthwars.enabled": true, "wealthwars.image": "registry.example/wealth-wars:1.0.0" } : {})).map((s) => [s.where, s.text]));
            let seen = 0;
            for (const s of planned) {
                if (s.text !== baseline.get(s.where)) seen++;
                for (const needle of [RUN, TICK, "a\nb", "a'b"]) {
                    if (!s.text.includes(needle)) continue;
                    assert.ok(inertIn(s.text, needle), `${s.where}: ${JSON.stringify(needle)} is live in:\n${s.text}`);
                }
                for (const d of DELIMITERS) {
                    const lines = (t: string | undefined) => (t ?? "").split("\n").filter((l) => l.trim() === d).length;
                    assert.ok(lines(s.text) <= lines(baseline.get(s.where)), `${s.where}: a value added a "${d}" line`);
                }
            }
            assert.ok(seen > 0, "no admitted value changed any script: the check saw nothing");
        });
    }
});
