// The fuzz spec's quoting reader, checked on the forms bash itself would expand or not.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { inertIn } from "./harness/shellContext";
import { q } from "../components/platform/shell";

const P = "$(touch /x)";
describe("shell context reader", () => {
    it("calls single quotes, quoted here-documents and comments inert, and everything else live", () => {
        assert.equal(inertIn(`echo ${q(P)}`, P), true);
        assert.equal(inertIn(`echo ${q(`a'${P}`)}`, P), true);
        assert.equal(inertIn(`cat <<'EOF'\n${P}\nEOF\necho done`, P), true);
        assert.equal(inertIn(`echo hi # ${P}`, P), true);
        assert.equal(inertIn(`echo ${P}`, P), false);
        assert.equal(inertIn(`echo "${P}"`, P), false);
        assert.equal(inertIn(`cat <<EOF\n${P}\nEOF`, P), false);
        assert.equal(inertIn(`cat <<'EOF'\nx\nEOF\necho ${P}`, P), false, "after the here-document ends, bash reads bare again");
        assert.equal(inertIn(`cat <<-'EOF'\n\tx\n\tEOF\necho ${P}`, P), false, "<<- strips tabs from the delimiter line");
    });

    it("agrees with bash: a value quoted by q() comes back unchanged from bash, one unquoted does not", () => {
        for (const v of [P, "a'b", 'a"b', "`id`", "a\nb", "x y", "${HOME}"]) {
            const script = `printf %s ${q(v)}`;
            assert.equal(inertIn(script, v), true);
            assert.equal(execFileSync("bash", ["-c", script], { encoding: "utf8" }), v);
        }
    });
});
