// The dev policy config: rules that do not fit a laptop are advisory there (mandatory in prod).
// npm run policy-config writes policy/dev-config.json; a spec checks the file is current.
import * as fs from "fs";
import * as path from "path";
import { RULES } from "../policy/rules";

export function devPolicyConfig(): Record<string, string> {
    return Object.fromEntries(RULES.filter((r) => r.devAdvisory).map((r) => [r.name, "advisory"]));
}

export const DEV_CONFIG_PATH = path.join(__dirname, "..", "policy", "dev-config.json");

if (require.main === module) {
    fs.writeFileSync(DEV_CONFIG_PATH, `${JSON.stringify(devPolicyConfig(), null, 2)}\n`);
}
