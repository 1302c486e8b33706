import { problems } from "./harness/configLoad";
import { schemaLeaves } from "./harness/schemaKeys";
const MARK = "/tmp/chainfleet-fuzz-ran";
const HOSTILE = ["a\nb", "a'b", 'a"b', `$(touch ${MARK})`, "`touch " + MARK + "`", "CHAINFLEET_EOF", "EOF", "a b", "ü", "", "-x", "a;b", "a\\b", "../x", "a\r\nb", "a\tb", "${HOME}", "a#b"];
const MAP_KEY: Record<string, string> = { restore: "a", releaseSha256: "cl-keytool.jar", resync: "cl1-0", rekey: "cl1-0" };
let acc = 0, n = 0;
for (const leaf of schemaLeaves().filter((l) => l.type === "string")) {
    const i = leaf.path.findIndex((p) => p === "[]" || p === "{}");
    for (const stack of ["dev", "prod"] as const) for (const v of HOSTILE) {
        let key: string, value: unknown;
        if (i < 0) { key = leaf.path.join("."); value = v; }
        else if (leaf.path[i] === "[]") { key = leaf.path.slice(0, i).join("."); value = [v]; }
        else { key = leaf.path.slice(0, i).join("."); value = { [MAP_KEY[leaf.path[i - 1]]]: v }; }
        n++;
        const p = problems(stack, { [key]: value });
        if (!p.some((m) => m.includes(`chainfleet:${key}`))) { acc++; console.log(`ACCEPTED ${stack} ${key} ${JSON.stringify(v)} ${p.length ? "other: " + p[0].slice(0, 100) : ""}`); }
    }
}
console.log(n, acc);
