// The values Pulumi.prod.yaml leaves to the operator (marked REQUIRED there: an image only they
// build, their key, their SNS topic, their EIF, their host name), played by obvious test values in
// every prod plan of the offline harness, as FAKE_PROD_SECRETS plays the secrets. A key the stack
// file or an override sets (even to undefined, to try a rule) is left alone.
import { setPath } from "./paths";

/** Dotted key (under chainfleet:) → the test value a prod plan uses when the key is unset. */
export const PROD_SITE_VALUES: Record<string, unknown> = {
    // An example key whose private half was discarded.
    "hosts.sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbGfmIQXiFJjA6/N5aYT/Mdazc/2YujRLRwul4hgzzI chainfleet-plan-test-key",
    "scitt.image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/scitt-ccf-ledger:0.18.2-0-gf797484",
    "wealthwars.image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/wealth-wars-backend:0.1.0",
    "neo.image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/service-layer:v1.0.0",
    // Used only when the lottery runs on Kubernetes (the enclave form runs the EIF below).
    "lottery.image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/enclave-lottery-app:be09dd58",
    "neo.ingress.host": "neo.example.com",
    "lottery.enclave.eifS3Uri": "s3://chainfleet-artifacts/lottery/lottery-1.0.0.eif",
    "lottery.enclave.pcr0": "7377a8f8513fe9a081c54bd50bd6ddc1acc3e968a68f801d49d62920688420cea7079b9b1083d3c4fc734a60517fe918",
    "monitoring.alarmTopicArn": "arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms",
};

/** Whether a dotted path is present (own property, even undefined) in the config values. */
function present(values: Record<string, unknown>, dotted: string): boolean {
    const [top, ...rest] = dotted.split(".");
    let cur: unknown = values[`chainfleet:${top}`];
    for (const p of rest) {
        if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return false;
        cur = (cur as Record<string, unknown>)[p];
    }
    return rest.length > 0 || cur !== undefined;
}

/** Fills each unset site value of a prod config in place; returns the keys it played. */
export function playProdSiteValues(values: Record<string, unknown>): string[] {
    if (values["chainfleet:topology"] !== "prod") return [];
    const played: string[] = [];
    for (const [dotted, v] of Object.entries(PROD_SITE_VALUES)) {
        if (present(values, dotted)) continue;
        const [top, ...rest] = dotted.split(".");
        const key = `chainfleet:${top}`;
        const base = (values[key] ?? {}) as Record<string, unknown>;
        setPath(base, rest.join("."), v);
        values[key] = base;
        played.push(`chainfleet:${dotted}`);
    }
    return played;
}
