// Day 2 of the dev defaults through the provider model: the preflight mode and the release-jar pins
// are checks, not resources, so setting them changes nothing; turning Wealth Wars on (it is off in
// the dev stack file) creates only its own resources, and turning it off again keeps its data.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { changes, describeSteps, losesData, up, UpResult } from "./harness/lifecycle";
import { tempDir } from "./util/tools";
import { devStackVersions } from "./harness/stackConfig";

const WEALTHWARS = { "wealthwars.enabled": true, "wealthwars.image": "example.org/wealthwars:1.0" };

describe("dev defaults: expected steps", () => {
    const jarsDir = path.join(tempDir(), "jars");
    const wallet = "a wallet jar";
    let base: UpResult;
    before(async () => {
        const tessellation = path.join(jarsDir, "tessellation", devStackVersions().tessellation);
        fs.mkdirSync(tessellation, { recursive: true });
        fs.writeFileSync(path.join(tessellation, "cl-wallet.jar"), wallet);
        base = await up("dev", undefined, { "ottochain.jarsDir": jarsDir });
    });

    it("chainfleet:preflight and a pinned jar that is already in place change no resource", async () => {
        const sha = createHash("sha256").update(wallet).digest("hex");
        // A base URL nothing answers on: the jar is in place, so nothing may be fetched.
        const r = await up("dev", base.state, {
            "ottochain.jarsDir": jarsDir, preflight: "off", "ottochain.releaseBaseUrl": "http://127.0.0.1:9", "ottochain.releaseSha256": { "cl-wallet.jar": sha },
        });
        assert.equal(describeSteps(r.steps), "");
    });

    it("Wealth Wars on creates only its own resources; off again deletes them and keeps its database volume", async () => {
        const on = await up("dev", base.state, { "ottochain.jarsDir": jarsDir, ...WEALTHWARS });
        const mine = (name: string) => name.startsWith("wealthwars") || name.startsWith("dev-wealthwars");
        assert.ok(changes(on.steps).length > 0);
        assert.deepEqual(changes(on.steps).filter((s) => s.op !== "create" || !mine(s.name)).map((s) => `${s.op} ${s.name}`), [], describeSteps(on.steps));
        const off = await up("dev", on.state, { "ottochain.jarsDir": jarsDir });
        assert.deepEqual(changes(off.steps).filter((s) => s.op !== "delete" || !mine(s.name)).map((s) => `${s.op} ${s.name}`), [], describeSteps(off.steps));
        const volume = off.steps.find((s) => s.op === "delete" && s.type === "docker:index/volume:Volume");
        assert.equal(volume?.retained, true, "the database volume is kept");
        assert.deepEqual(off.steps.filter((s) => losesData(s, on.state)).map((s) => s.name), []);
    });
});
