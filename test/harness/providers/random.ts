// Provider model of @pulumi/random (4.21.x), bridged from hashicorp/terraform-provider-random
// (plugin-framework). Read at hashicorp/terraform-provider-random ad788e23 (HEAD after v3.9.0); the
// exact upstream commit pulumi-random 4.21.2 pins was not checked. Every input we set carries a
// RequiresReplace plan modifier, and the result is generated once, so any change means a new secret.
// Read-back is identity (the inputs are stored as planned).
import { TypeModel } from "./model";

const UP = "hashicorp/terraform-provider-random@ad788e23";
const PW = `${UP} internal/provider/resource_password.go (passwordSchemaV3)`;
const BYTES = `${UP} internal/provider/resource_bytes.go`;

/** int64validator.AtLeast(1); message wording follows terraform-plugin-framework-validators'
 *  validatordiag.InvalidAttributeValueDiagnostic (not read here). */
function lengthAtLeastOne(sent: unknown): string | undefined {
    return typeof sent === "number" && sent < 1 ? `Attribute length must be at least 1, got: ${sent}` : undefined;
}

const password: TypeModel = {
    type: "random:index/randomPassword:RandomPassword",
    source: PW,
    inputs: {
        length: {
            forceNew: true, check: lengthAtLeastOne,
            source: `${PW} ("length" int64planmodifier.RequiresReplace, int64validator.AtLeast(1), AtLeastSumOf(min_upper, min_lower, min_numeric, min_special))`,
        },
        special: { forceNew: true, source: `${PW} ("special" default true, boolplanmodifier.RequiresReplace)` },
        overrideSpecial: {
            forceNew: true,
            source: `${PW} ("override_special" RequiresReplaceIf RequiresReplaceUnlessEmptyStringToNull: any change replaces except "" → null)`,
        },
    },
};

const bytes: TypeModel = {
    type: "random:index/randomBytes:RandomBytes",
    source: BYTES,
    inputs: {
        length: { forceNew: true, check: lengthAtLeastOne, source: `${BYTES} ("length" int64planmodifier.RequiresReplace, int64validator.AtLeast(1))` },
    },
};

export const RANDOM_MODELS: readonly TypeModel[] = [password, bytes];
