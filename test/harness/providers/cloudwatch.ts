// Provider model of aws:cloudwatch/metricAlarm:MetricAlarm (pulumi-aws 7.x, bridged from
// hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go@055611a6, read
// through the code index). Only alarm_name is ForceNew; every other field we set is applied by
// Update (PutMetricAlarm with the whole alarm). pulumi-aws names alarm_name `name`. alarm_actions, ok_actions and metric_query are
// TypeSets (compared as canonical sorts). Validation: alarm_name StringLenBetween(1, 255),
// alarm_description StringLenBetween(0, 1024), period Any(IntInSlice{10, 20, 30}, IntDivisibleBy(60)),
// evaluation_periods IntAtLeast(1); treat_missing_data defaults to "missing" (we always set it).
import { InputModel, TypeModel } from "./model";
import { sortedSet } from "./forms";

const MA = "hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go@055611a6";
const inPlace = (field: string, check?: InputModel["check"]): InputModel => ({ forceNew: false, check, source: `${MA} ("${field}" not ForceNew; Update: PutMetricAlarm)` });
const set = (field: string): InputModel => ({ forceNew: false, unordered: true, readBack: sortedSet, source: `${MA} ("${field}" TypeSet; Update: PutMetricAlarm)` });

function lenBetween(key: string, min: number, max: number): InputModel["check"] {
    return (v) => (typeof v === "string" && (v.length < min || v.length > max) ? `expected length of ${key} to be in the range (${min} - ${max}), got ${v}` : undefined);
}

/** period: 10, 20, 30 or a multiple of 60 (validation.Any(IntInSlice, IntDivisibleBy(60))). */
export function alarmPeriodCheck(v: unknown): string | undefined {
    if (typeof v !== "number") return undefined;
    return [10, 20, 30].includes(v) || v % 60 === 0 ? undefined : `expected period to be one of [10 20 30] or divisible by 60, got: ${v}`;
}

const metricAlarm: TypeModel = {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    source: MA,
    inputs: {
        name: { forceNew: true, check: lenBetween("alarm_name", 1, 255), source: `${MA} ("alarm_name" Required ForceNew, StringLenBetween(1, 255))` },
        alarmDescription: inPlace("alarm_description", lenBetween("alarm_description", 0, 1024)),
        comparisonOperator: inPlace("comparison_operator"),
        threshold: inPlace("threshold"),
        evaluationPeriods: inPlace("evaluation_periods", (v) => (typeof v === "number" && v < 1 ? `expected evaluation_periods to be at least (1), got ${v}` : undefined)),
        treatMissingData: inPlace("treat_missing_data"),
        alarmActions: set("alarm_actions"),
        okActions: set("ok_actions"),
        namespace: inPlace("namespace"),
        period: inPlace("period", alarmPeriodCheck),
        metricName: inPlace("metric_name"),
        dimensions: inPlace("dimensions"),
        statistic: inPlace("statistic"),
        metricQueries: set("metric_query"),
    },
};

export const CLOUDWATCH_MODELS: readonly TypeModel[] = [metricAlarm];
