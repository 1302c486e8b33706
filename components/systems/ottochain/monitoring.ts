// Prod alarms of the OttoChain metagraph. On each metagraph host a systemd timer runs
// publish-metrics.sh, which puts the facts `npm run status` prints as CloudWatch metrics (namespace
// chainfleet:monitoring.namespace): NodeReady {Stack, Layer, Node}, ClusterSize {Stack, Layer} (each
// L1 node's view), SnapshotOrdinal {Stack, Layer=ml0}, DataDiskUsedPercent {Stack, Host}. Alarms on
// them notify the SNS topic chainfleet:monitoring.alarmTopicArn: a node not Ready, a cluster below
// its size, ML0's ordinal not increasing for ordinalStallMinutes, a data disk above diskUsedPercent.
// A silent host is breaching: no data is treated as the bad case everywhere.
// The host's role may put metric data into that one namespace only (the cloudwatch:namespace
// condition key: AWS CloudWatch User Guide, "Using condition keys to limit access to CloudWatch
// namespaces", iam-cw-condition-keys-namespace.html).
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../platform/host";
import { q, shippedScript } from "../../platform/shell";
import { Layer, NodeSpec } from "./spec";

const PUBLISH = fs.readFileSync(path.join(__dirname, "publish-metrics.sh"), "utf8");

export const METRICS_UNIT = "chainfleet-ottochain-metrics";
export const METRICS_BIN = "/usr/local/bin/chainfleet-ottochain-metrics";
export const METRICS_ENV = "/etc/chainfleet/ottochain-metrics.env";
/** Consecutive samples a node, cluster or disk alarm needs (one missed sample is not an alarm). */
export const ALARM_SAMPLES = 2;

/** chainfleet:monitoring, as validated (stacks/config/schema.ts). */
export interface MonitoringSettings {
    /** SNS topic the alarms (and their return to OK) notify. */
    alarmTopicArn: string;
    /** CloudWatch namespace of the metrics; the hosts may put data into it only. */
    namespace: string;
    /** Seconds between two runs of each host's publisher: the period of the node, cluster and disk alarms (a multiple of 60). */
    intervalSeconds: number;
    /** Minutes ML0's ordinal may stay the same before the stall alarm (≥ 2 publisher runs). */
    ordinalStallMinutes: number;
    /** Used % of a host's data volume above which its disk alarm fires. */
    diskUsedPercent: number;
}

/** One node a host's publisher asks. */
export interface PublishedNode { name: string; layer: Layer; url: string }

/** What one host's publisher needs. */
export interface PublisherSpec {
    namespace: string;
    stack: string;
    /** Placement label (the Host dimension of the disk metric). */
    host: string;
    /** Mount point of the data volume (EC2_DATA_DIR). */
    dataDir: string;
    region: string;
    intervalSeconds: number;
    nodes: PublishedNode[];
}

/** The installed publisher: the readiness library (http_get, json_field, node_state), then publish-metrics.sh, then one run. */
export function publisherScript(): string {
    return `#!/usr/bin/env bash\n${shippedScript("readiness.sh")}\n${PUBLISH}\nset -uo pipefail\npublish_metrics\n`;
}

/** The systemd environment file: one KEY="value" per line (systemd's EnvironmentFile quoting). */
export function publisherEnv(s: PublisherSpec): string {
    const env: Record<string, string> = {
        CHAINFLEET_NAMESPACE: s.namespace, CHAINFLEET_STACK: s.stack, CHAINFLEET_HOST: s.host, CHAINFLEET_DATA_DIR: s.dataDir,
        CHAINFLEET_NODES: s.nodes.map((n) => `${n.name},${n.layer},${n.url}`).join(" "), AWS_REGION: s.region,
    };
    for (const [k, v] of Object.entries(env)) {
        if (/["\\$`\n]/.test(v)) throw new Error(`${k} must not hold quotes, backslashes, $ or newlines (got ${JSON.stringify(v)})`);
    }
    return Object.entries(env).map(([k, v]) => `${k}="${v}"`).join("\n") + "\n";
}

/** The oneshot service and the timer that runs it every intervalSeconds (each run bounded by the interval). */
export function publisherUnits(s: Pick<PublisherSpec, "intervalSeconds">): { service: string; timer: string } {
    return {
        service: `[Unit]
Description=chainfleet: publish this host's OttoChain node facts as CloudWatch metrics
Wants=network-online.target
After=network-online.target docker.service

[Service]
Type=oneshot
EnvironmentFile=${METRICS_ENV}
ExecStart=${METRICS_BIN}
TimeoutStartSec=${s.intervalSeconds}s
`,
        timer: `[Unit]
Description=chainfleet: OttoChain metrics every ${s.intervalSeconds}s

[Timer]
OnBootSec=1min
OnUnitActiveSec=${s.intervalSeconds}s
AccuracySec=5s

[Install]
WantedBy=timers.target
`,
    };
}

/** Every file a metagraph host gets, by path. */
export function publisherFiles(s: PublisherSpec): Record<string, string> {
    const u = publisherUnits(s);
    return {
        [METRICS_BIN]: publisherScript(),
        [METRICS_ENV]: publisherEnv(s),
        [`/etc/systemd/system/${METRICS_UNIT}.service`]: u.service,
        [`/etc/systemd/system/${METRICS_UNIT}.timer`]: u.timer,
    };
}

/**
 * The host script that installs the files (each written whole, then moved into place) and starts
 * the timer. Idempotent: a change of any file re-runs it (a command's create re-runs on update).
 */
export function publisherInstallScript(s: PublisherSpec, sudo: string): string {
    const lines = ["set -euo pipefail", `${sudo}install -d -m 0755 /etc/chainfleet`];
    Object.entries(publisherFiles(s)).forEach(([p, content], i) => {
        const tag = `CHAINFLEET_METRICS_EOF_${i}`;
        const mode = p === METRICS_BIN ? "0755" : "0644";
        lines.push(`${sudo}tee ${q(`${p}.new`)} >/dev/null <<'${tag}'\n${content.replace(/\n$/, "")}\n${tag}`, `${sudo}chmod ${mode} ${q(`${p}.new`)}`, `${sudo}mv -f ${q(`${p}.new`)} ${q(p)}`);
    });
    lines.push(`${sudo}systemctl daemon-reload`, `${sudo}systemctl enable --now ${METRICS_UNIT}.timer`, `${sudo}systemctl restart ${METRICS_UNIT}.timer`);
    return `${lines.join("\n")}\n`;
}

/** The inline policy of a metagraph host's role: put metric data, into the namespace only. */
export function putMetricPolicy(namespace: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": namespace } } }],
    });
}

type Metric = { metricName: string; dimensions: Record<string, string>; statistic: "Minimum" | "Maximum" };

/** One alarm as plain data: a metric (or, for the stall, a metric-math expression) against a threshold. */
export interface AlarmSpec {
    /** Resource name suffix. */
    key: string;
    alarmName: string;
    alarmDescription: string;
    comparisonOperator: "LessThanThreshold" | "LessThanOrEqualToThreshold" | "GreaterThanThreshold";
    threshold: number;
    evaluationPeriods: number;
    period: number;
    metric?: Metric;
    /** Max − min of the ordinal over the period: 0 when it did not increase. */
    expression?: { metricName: string; dimensions: Record<string, string> };
}

/** Every alarm of the metagraph: per node, per L1 cluster, ML0's ordinal, per metagraph host's disk. */
export function metagraphAlarms(stack: string, nodes: NodeSpec[], m: Omit<MonitoringSettings, "alarmTopicArn">): AlarmSpec[] {
    const prefix = `chainfleet-${stack}-ottochain`;
    const every = { evaluationPeriods: ALARM_SAMPLES, period: m.intervalSeconds };
    const out: AlarmSpec[] = nodes.map((n) => ({
        key: `${n.name}-not-ready`, alarmName: `${prefix}-${n.name}-not-ready`, ...every,
        alarmDescription: `OttoChain ${n.name} (${n.layer}, host ${n.host}) has not answered /node/info with state Ready for ${ALARM_SAMPLES} samples`,
        comparisonOperator: "LessThanThreshold", threshold: 1,
        metric: { metricName: "NodeReady", dimensions: { Stack: stack, Layer: n.layer, Node: n.name }, statistic: "Minimum" },
    }));
    for (const layer of ["cl1", "dl1"] as const) {
        const size = nodes.filter((n) => n.layer === layer).length;
        if (size === 0) continue;
        out.push({
            key: `${layer}-cluster-below-size`, alarmName: `${prefix}-${layer}-cluster-below-size`, ...every,
            alarmDescription: `OttoChain ${layer}: no node has seen a cluster of its ${size} nodes for ${ALARM_SAMPLES} samples`,
            comparisonOperator: "LessThanThreshold", threshold: size,
            metric: { metricName: "ClusterSize", dimensions: { Stack: stack, Layer: layer }, statistic: "Maximum" },
        });
    }
    if (nodes.some((n) => n.layer === "ml0")) {
        out.push({
            key: "ml0-ordinal-stalled", alarmName: `${prefix}-ml0-ordinal-stalled`, evaluationPeriods: 1, period: m.ordinalStallMinutes * 60,
            alarmDescription: `OttoChain ML0's snapshot ordinal has not increased for ${m.ordinalStallMinutes} minutes`,
            comparisonOperator: "LessThanOrEqualToThreshold", threshold: 0,
            expression: { metricName: "SnapshotOrdinal", dimensions: { Stack: stack, Layer: "ml0" } },
        });
    }
    for (const host of [...new Set(nodes.map((n) => n.host))]) {
        out.push({
            key: `host-${host}-data-disk`, alarmName: `chainfleet-${stack}-host-${host}-data-disk-full`, ...every,
            alarmDescription: `The data volume of metagraph host ${host} is more than ${m.diskUsedPercent} % used`,
            comparisonOperator: "GreaterThanThreshold", threshold: m.diskUsedPercent,
            metric: { metricName: "DataDiskUsedPercent", dimensions: { Stack: stack, Host: host }, statistic: "Maximum" },
        });
    }
    return out;
}

/** The MetricAlarm inputs of an alarm spec (plain data, tested without mocks). */
export function alarmArgs(a: AlarmSpec, namespace: string, topicArn: string): aws.cloudwatch.MetricAlarmArgs {
    const common = {
        name: a.alarmName, alarmDescription: a.alarmDescription, comparisonOperator: a.comparisonOperator, threshold: a.threshold,
        evaluationPeriods: a.evaluationPeriods, treatMissingData: "breaching", alarmActions: [topicArn], okActions: [topicArn],
    };
    if (a.metric) return { ...common, namespace, period: a.period, metricName: a.metric.metricName, dimensions: a.metric.dimensions, statistic: a.metric.statistic };
    const e = a.expression!;
    const q1 = (id: string, stat: string) => ({ id, returnData: false, metric: { namespace, metricName: e.metricName, dimensions: e.dimensions, period: a.period, stat } });
    return { ...common, metricQueries: [q1("hi", "Maximum"), q1("lo", "Minimum"), { id: "rise", expression: "hi - lo", label: "ordinal increase", returnData: true }] };
}

export interface MetagraphMonitoringArgs {
    /** The metagraph's EC2 Docker hosts by placement label. */
    hosts: Record<string, DockerHost>;
    /** Every node, with the label of its host. */
    nodes: NodeSpec[];
    settings: MonitoringSettings;
    /** The Stack dimension (the Pulumi stack's name). */
    stack: string;
}

/** The publisher on each metagraph host, its role's put permission, and the alarms. */
export class MetagraphMonitoring extends pulumi.ComponentResource {
    constructor(name: string, args: MetagraphMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:ottochain:Monitoring", name, {}, opts);
        const s = args.settings;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        for (const label of [...new Set(args.nodes.map((n) => n.host))]) {
            const host = args.hosts[label];
            if (!host?.instance || !host.role) throw new Error(`${name}: the metagraph host "${label}" is not an EC2 host`);
            const policy = new aws.iam.RolePolicy(`${name}-${label}-put-metrics`, { role: host.role.id, policy: putMetricPolicy(s.namespace) }, { parent: this });
            const here = args.nodes.filter((n) => n.host === label);
            const script = pulumi.all([host.address, region]).apply(([address, r]) => publisherInstallScript({
                namespace: s.namespace, stack: args.stack, host: label, dataDir: host.dataDir, region: r, intervalSeconds: s.intervalSeconds,
                nodes: here.map((n) => ({ name: n.name, layer: n.layer, url: `http://${address}:${n.ports.public}` })),
            }, host.sudo));
            // Re-installed on a new instance (its root volume starts without the units).
            host.run(`${name}-${label}-publisher`, script, { parent: this, dependsOn: [policy], triggers: [host.instance.id] });
        }
        for (const a of metagraphAlarms(args.stack, args.nodes, s)) {
            new aws.cloudwatch.MetricAlarm(`${name}-${a.key}`, alarmArgs(a, s.namespace, s.alarmTopicArn), { parent: this });
        }
        this.registerOutputs({});
    }
}
