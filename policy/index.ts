// The chainfleet policy pack: the hardening rules of docs/hardening.md (rules.ts, the same functions
// the test suite runs on the planned graphs) plus the AWSGuard rules that apply.
//   pulumi preview --stack prod --policy-pack policy                     (all mandatory)
//   pulumi preview --stack dev  --policy-pack policy --policy-pack-config policy/dev-config.json
import { PolicyPack, ResourceValidationPolicy } from "@pulumi/policy";
import { RULES } from "./rules";
import { AWSGUARD_POLICIES } from "./awsguardRules";

const ours: ResourceValidationPolicy[] = RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!rule.types.includes(args.type)) return;
        const opts = args.opts as { protect?: boolean; retainOnDelete?: boolean };
        for (const message of rule.check({ type: args.type, name: args.name, props: args.props, opts: { protect: opts.protect, retainOnDelete: opts.retainOnDelete } })) {
            reportViolation(message);
        }
    },
}));

new PolicyPack("chainfleet-hardening", {
    enforcementLevel: "mandatory",
    policies: [...ours, ...AWSGUARD_POLICIES.map((p) => ({ ...p, enforcementLevel: "mandatory" as const }))],
});
