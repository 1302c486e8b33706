// Provider model of @pulumi/command (1.2.x, pulumi/pulumi-command, built on pulumi-go-provider's
// `infer`). Command types implement CustomUpdate, so infer's default Diff replaces only on fields
// tagged `provider:"replaceOnChanges"` (pulumi/pulumi-go-provider infer/resource.go
// derivedResourceController.Diff) — that is `triggers` alone (provider/pkg/provider/common/
// inputs.go ResourceInputs). Any other change is an Update, which re-runs `update`, or `create`
// when no `update` is given (local/commandController.go, remote/commandController.go Update).
// Outputs embed the inputs (CommandOutputs{CommandInputs: news}), so read-back is identity.
// A failed command's error is "%w: running %q:\n%s" with the whole command string
// (local/commandOutputs.go, remote/commandOutputs.go) — a reason to keep secrets out of `create`.
import { InputModel, TypeModel } from "./model";

const REPO = "pulumi/pulumi-command";
const COMMON = `${REPO} provider/pkg/provider/common/inputs.go`;

const triggers: InputModel = { forceNew: true, source: `${COMMON} (Triggers: provider:"replaceOnChanges"); pulumi/pulumi-go-provider infer/resource.go (Diff: forceReplace = schema ReplaceOnChanges when CustomUpdate)` };

function rerun(ctrl: string): InputModel {
    return { forceNew: false, source: `${COMMON} (no replaceOnChanges); ${REPO} provider/pkg/provider/${ctrl} (Update runs update, else create)` };
}

const local: TypeModel = {
    type: "command:local:Command",
    source: `${REPO} provider/pkg/provider/local/command.go + local/commandController.go`,
    inputs: {
        create: rerun("local/commandController.go"),
        update: rerun("local/commandController.go"),
        delete: { forceNew: false, source: `${COMMON}; ${REPO} provider/pkg/provider/local/commandController.go (Delete runs the stored delete)` },
        triggers,
        interpreter: { forceNew: false, source: `${REPO} provider/pkg/provider/local/base.go (BaseInputs.Interpreter, no replaceOnChanges)` },
        environment: { forceNew: false, source: `${REPO} provider/pkg/provider/local/base.go (BaseInputs.Environment, no replaceOnChanges)` },
        stdin: { forceNew: false, source: `${REPO} provider/pkg/provider/local/base.go (BaseInputs.Stdin, no replaceOnChanges)` },
        dir: { forceNew: false, source: `${REPO} provider/pkg/provider/local/base.go (BaseInputs.Dir, no replaceOnChanges)` },
    },
};

const remote: TypeModel = {
    type: "command:remote:Command",
    source: `${REPO} provider/pkg/provider/remote/command.go + remote/commandController.go`,
    inputs: {
        create: rerun("remote/commandController.go"),
        update: rerun("remote/commandController.go"),
        delete: { forceNew: false, source: `${COMMON}; ${REPO} provider/pkg/provider/remote/commandController.go (Delete)` },
        triggers,
        connection: {
            forceNew: false,
            source: `${REPO} provider/pkg/provider/remote/command.go (Connection provider:"secret", no replaceOnChanges); remote/connection.go (defaults user root, port 22, dialErrorLimit 10, perDialTimeout 15 — applied by Check to old and new inputs alike, so not a read-back change)`,
        },
        environment: { forceNew: false, source: `${REPO} provider/pkg/provider/remote/command.go (Environment, no replaceOnChanges)` },
        stdin: { forceNew: false, source: `${REPO} provider/pkg/provider/remote/command.go (Stdin, no replaceOnChanges)` },
    },
};

const copyToRemote: TypeModel = {
    type: "command:remote:CopyToRemote",
    source: `${REPO} provider/pkg/provider/remote/copy.go + remote/copyController.go`,
    inputs: {
        triggers: { forceNew: true, source: `${REPO} provider/pkg/provider/remote/copy.go (Triggers provider:"replaceOnChanges")` },
        connection: { forceNew: false, source: `${REPO} provider/pkg/provider/remote/copy.go (Connection provider:"secret")` },
        source: {
            forceNew: false,
            check: (sent) => {
                if (sent === "<unknown>" || sent === undefined) return undefined;
                return sent === null ? "either asset or archive must be set" : undefined;
            },
            source: `${REPO} provider/pkg/provider/remote/copyController.go (Check: "either asset or archive must be set" / "only one of asset or archive can be set"; Update copies again when the source hash changes)`,
        },
        remotePath: { forceNew: false, source: `${REPO} provider/pkg/provider/remote/copyController.go (Update copies again when remotePath changes)` },
    },
};

export const COMMAND_MODELS: readonly TypeModel[] = [local, remote, copyToRemote];
