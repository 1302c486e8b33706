// Config rules of chainfleet:monitoring that span keys (stacks/config/rules.ts registers them).
import type { MonitoringSettings } from "./monitoring";

import { NS } from "../../platform/configKey";

export interface MonitoringRuleInputs {
    topology: "dev" | "prod";
    ottochain: { enabled: boolean };
    monitoring: Omit<MonitoringSettings, "alarmTopicArn"> & { alarmTopicArn?: string };
}

/** The alarm topic is required where the alarms exist (prod with the metagraph); the stall window must hold two samples. */
export function monitoringProblems(c: MonitoringRuleInputs): string[] {
    const m = c.monitoring;
    const out: string[] = [];
    if (c.topology === "prod" && c.ottochain.enabled && !m.alarmTopicArn) {
        out.push(`${NS}:monitoring.alarmTopicArn must be set in prod when ${NS}:ottochain.enabled is true: the SNS topic ARN the metagraph's alarms notify, e.g. arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms (got nothing)`);
    }
    if (m.ordinalStallMinutes * 60 < 2 * m.intervalSeconds) {
        out.push(`${NS}:monitoring.ordinalStallMinutes must span at least two publications of ${NS}:monitoring.intervalSeconds, or a single sample would read as a stall (got ${m.ordinalStallMinutes} min < 2 × ${m.intervalSeconds} s)`);
    }
    return out;
}
