// The e2e runner's step decision (test/e2e/runner/state.ts decide()), held to the engine's rules
// for a resource left with init errors: pulumi/pulumi pkg/resource/deploy/step_generator.go,
// continueStepsFromDiff and applyReplaceOnChanges (initErrorSpecialKey "#initerror").
import { strict as assert } from "assert";
import { decide, ResourceState } from "./e2e/runner/state";

const stored = (o: Partial<ResourceState> = {}): ResourceState => ({
    urn: "urn:pulumi:e2e::chainfleet::docker:index/container:Container::scitt", type: "docker:index/container:Container", name: "scitt",
    id: "abc", inputs: { image: "x", healthcheck: { tests: ["CMD", "true"] } }, outputs: {}, dependencies: [],
    protect: false, retainOnDelete: false, deleteBeforeReplace: true, ...o,
});

describe("e2e runner: the step for each stored resource, as the engine decides it", () => {
    it("no state: create; same inputs: same; a changed input: replace, naming it", () => {
        assert.deepEqual(decide(undefined, { image: "x" }), { action: "create" });
        assert.deepEqual(decide(stored(), stored().inputs), { action: "same" });
        assert.deepEqual(decide(stored(), { ...stored().inputs, image: "y" }), { action: "replace", changed: ["image"] });
    });

    it("init errors and unchanged inputs: an empty update that keeps the resource (not Terraform's taint)", () => {
        const old = stored({ initErrors: ["container never became healthy"], replaceOnChanges: ["healthcheck"] });
        const d = decide(old, old.inputs, ["healthcheck"]);
        assert.equal(d.action, "update");
        assert.match((d as { why: string }).why, /container never became healthy/);
    });

    it("init errors: replaced only when replaceOnChanges covers #initerror (\"*\" or the key itself)", () => {
        const old = stored({ initErrors: ["never healthy"] });
        assert.deepEqual(decide(old, old.inputs, ["*"]), { action: "replace", changed: ["#initerror"] });
        assert.deepEqual(decide(old, old.inputs, ["#initerror"]), { action: "replace", changed: ["#initerror"] });
        assert.equal(decide(old, old.inputs, ["healthcheck"]).action, "update");
    });

    it("init errors and a changed input: the change decides, as for any resource", () => {
        const old = stored({ initErrors: ["never healthy"] });
        assert.deepEqual(decide(old, { ...old.inputs, image: "y" }), { action: "replace", changed: ["image"] });
    });
});
