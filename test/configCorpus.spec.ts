// Every case of the bad-config corpus is refused with exactly its expected problems, and each
// problem names a chainfleet: key and what it got (test/fixtures/configCorpus.ts).
import { strict as assert } from "assert";
import { problems } from "./harness/configLoad";
import { FAKE_PROD_SECRETS } from "./harness/graph";
import { CORPUS } from "./fixtures/configCorpus";

describe("bad-config corpus", () => {
    it("holds at least 150 cases, each refused with at least one problem", () => {
        assert.ok(CORPUS.length >= 150, `only ${CORPUS.length} cases`);
        for (const c of CORPUS) assert.ok(c.expect.length > 0, `a case with no expected problem: ${JSON.stringify(c.set)}`);
    });

    for (const [i, c] of CORPUS.entries()) {
        it(`#${i + 1} ${c.stack} ${JSON.stringify({ ...c.set, ...c.secrets }).slice(0, 120)}`, () => {
            let secrets: Record<string, string> | undefined;
            if (c.secrets || c.withoutSecrets) {
                secrets = { ...FAKE_PROD_SECRETS, ...c.secrets };
                for (const k of c.withoutSecrets ?? []) delete secrets[k];
            }
            const got = problems(c.stack, c.set, secrets);
            assert.deepEqual(got, c.expect);
            for (const p of got) {
                assert.match(p, /chainfleet:[a-zA-Z]/, `names no key: ${p}`);
                assert.match(p, /\(got |is required|names no node|names an L0 node|unknown key|overlaps|too small|a typo\?|taken by both/, `says nothing of the value: ${p}`);
            }
        });
    }
});
