// The provider model's shape: for each resource type our plans register, what its provider does
// with each input we set (Check validation, the form Read stores, replace-forcing). The lifecycle
// engine (test/harness/lifecycle.ts) consumes these; the per-provider files fill them in, each entry
// citing the provider source it was read from.

/** What one provider does with one input we set. */
export interface InputModel {
    /** Changing this input forces the resource to be replaced (provider Diff/ForceNew or replaceOnChanges by the provider). */
    forceNew: boolean;
    /** The form Read stores the value in after create/refresh (`all`: the resource's other inputs, e.g. its network mode); identity when absent. Must be pure and total (never throw). */
    readBack?: (sent: unknown, all: Record<string, unknown>) => unknown;
    /**
     * A Terraform TypeSet (or a value the provider canonicalises on both sides before diffing):
     * the new input is compared in readBack's form, so only a real change diffs. Otherwise the
     * new input is compared exactly with the stored (read-back) value, as Terraform does.
     */
    unordered?: boolean;
    /**
     * Terraform Optional + Computed: when the program stops setting the input, the provider keeps
     * the stored value (no diff). Setting it to a new value still diffs (and replaces if forceNew).
     */
    computed?: boolean;
    /** True when Update does not apply a change of this input (so a diff on it persists forever). */
    notUpdatable?: boolean;
    /** Check-time validation: an error message like the provider's, or undefined when valid. `ctx.cwd` is the program's directory. */
    check?: (sent: unknown, all: Record<string, unknown>, ctx: { cwd: string }) => string | undefined;
    /** Where this was read: "owner/repo path/to/file.go (function or schema field)". Required. */
    source: string;
}
export interface TypeModel {
    /** Pulumi type token, e.g. "docker:index/container:Container". */
    type: string;
    /** Provider source this type is defined in (repo + file). */
    source: string;
    /** The inputs we set, keyed by Pulumi (camelCase) input name. */
    inputs: Record<string, InputModel>;
    /** Outputs the provider computes that other resources consume (name → note), optional. */
}
