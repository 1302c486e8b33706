// Day 2 of the enclave's boot channel through the lifecycle engine (test/harness/lifecycle.ts):
// unchanged config changes nothing, and a boot-channel edit replaces only the enclave host, delete
// first (one operator, always), with the key, its ciphertext and the SSM parameter untouched.
import { strict as assert } from "assert";
import { FAKE_PROD_SECRETS } from "./harness/graph";
import { changes, up, UpResult } from "./harness/lifecycle";

const custom = (s: { type: string }) => !s.type.startsWith("chainfleet:");
// Other systems' steps are their own specs' business (test/lifecycle.spec.ts); here: the lottery's, and that nothing else is replaced.

describe("lottery boot channel: day 2", () => {
    let base: UpResult;
    before(async () => {
        base = await up("prod", undefined, {}, FAKE_PROD_SECRETS);
    });

    it("the same config again plans no change to the enclave host or its key", async () => {
        const r = await up("prod", base.state, {}, FAKE_PROD_SECRETS);
        assert.deepEqual(changes(r.steps).filter((s) => s.name.startsWith("lottery")).map((s) => `${s.op} ${s.name}`), []);
    });

    for (const [key, value] of [["lottery.enclave.configPort", 7100], ["lottery.enclave.kmsProxyPort", 8102], ["lottery.logLevel", "DEBUG"]] as const) {
        it(`${key} → ${value} replaces the enclave host alone, delete first; the key, ciphertext and parameter stay`, async () => {
            const r = await up("prod", base.state, { [key]: value }, FAKE_PROD_SECRETS);
            assert.deepEqual(r.refused, []);
            const changed = changes(r.steps).filter(custom);
            assert.deepEqual(changed.filter((s) => s.name.startsWith("lottery")).map((s) => `${s.op} ${s.name}`), ["replace lottery-instance"]);
            assert.deepEqual(changed.filter((s) => s.op.startsWith("replace") || s.op === "delete").map((s) => s.name), ["lottery-instance"], "nothing else is replaced or deleted");
            assert.equal(changed[0].replaceKind, "delete-before-replace");
            for (const n of ["lottery-key", "lottery-operator-key", "lottery-operator-key-ciphertext"]) {
                assert.equal(r.steps.find((s) => s.name === n)?.op, "same", n);
            }
        });
    }
});
