// Prod alarms of the metagraph: the publisher each metagraph host runs (bash -n, shellcheck, and
// for real with stub aws and df on PATH against stand-in nodes on 127.0.0.1), its systemd units
// (systemd-analyze verify), the alarms and the IAM permission as plain data, the config rules,
// the prod plan, and edits through the lifecycle engine.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    alarmArgs, ALARM_SAMPLES, metagraphAlarms, METRICS_BIN, METRICS_ENV, METRICS_UNIT, publisherEnv, publisherFiles, publisherInstallScript, publisherScript,
    publisherUnits, PublisherSpec, putMetricPolicy,
} from "../components/systems/ottochain/monitoring";
import { metagraphNodes } from "../components/systems/ottochain/spec";
import { byName, FAKE_PROD_SECRETS, Graph, ofType, planStack, PlannedResource } from "./harness/graph";
import { changes, up, UpResult } from "./harness/lifecycle";
import { serve, Scripted } from "./util/http";
import { runAsync } from "./util/runAsync";
import { run, shellProblems, stubBin, tempDir, writeScript } from "./util/tools";

const SETTINGS = { namespace: "Chainfleet/OttoChain", intervalSeconds: 60, ordinalStallMinutes: 10, diskUsedPercent: 80 };
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms";
/** The default prod shape: GL0 and ML0 on a, 3 CL1 nodes on b, 3 DL1 nodes on c. */
const NODES = metagraphNodes({
    selfHostedGlobalL0: true, heapMiB: { gl0: 2048, ml0: 2048, cl1: 1024, dl1: 1024 },
    image: { gl0: "i:1", ml0: "i:1", cl1: "i:1", dl1: "i:1" }, nodes: { cl1: 3, dl1: 3 }, placement: { gl0: "a", ml0: "a", cl1: "b", dl1: "c" },
});
const SPEC: PublisherSpec = {
    namespace: "Chainfleet/OttoChain", stack: "prod", host: "a", dataDir: "/data", region: "eu-west-1", intervalSeconds: 60,
    nodes: [{ name: "gl0", layer: "gl0", url: "http://10.40.1.5:9000" }, { name: "ml0", layer: "ml0", url: "http://10.40.1.5:9200" }],
};

describe("metagraph publisher: the host files", () => {
    it("the publisher and the install script pass bash -n and shellcheck", () => {
        assert.deepEqual(shellProblems(publisherScript()), []);
        assert.deepEqual(shellProblems(publisherInstallScript(SPEC, "sudo ")), []);
    });

    it("the environment file names the namespace, stack, host, data mount, region and this host's nodes; a value that would break its quoting is refused", () => {
        assert.equal(publisherEnv(SPEC), [
            'CHAINFLEET_NAMESPACE="Chainfleet/OttoChain"', 'CHAINFLEET_STACK="prod"', 'CHAINFLEET_HOST="a"', 'CHAINFLEET_DATA_DIR="/data"',
            'CHAINFLEET_NODES="gl0,gl0,http://10.40.1.5:9000 ml0,ml0,http://10.40.1.5:9200"', 'AWS_REGION="eu-west-1"', "",
        ].join("\n"));
        assert.throws(() => publisherEnv({ ...SPEC, stack: 'pr"od' }), /CHAINFLEET_STACK must not hold quotes/);
    });

    it("the timer runs the oneshot service every intervalSeconds, each run bounded by the interval", () => {
        const u = publisherUnits({ intervalSeconds: 120 });
        assert.match(u.timer, /^OnUnitActiveSec=120s$/m);
        assert.match(u.service, /^Type=oneshot$/m);
        assert.match(u.service, /^TimeoutStartSec=120s$/m);
        assert.match(u.service, new RegExp(`^EnvironmentFile=${METRICS_ENV}$`, "m"));
        assert.match(u.service, new RegExp(`^ExecStart=${METRICS_BIN}$`, "m"));
    });

    it("the units pass systemd-analyze verify (stub executable) with no warning", () => {
        const dir = tempDir("metrics-units-");
        const files = publisherFiles(SPEC);
        writeScript("#!/bin/sh\n", "chainfleet-ottochain-metrics", dir);
        fs.writeFileSync(path.join(dir, "metrics.env"), files[METRICS_ENV]);
        const units: string[] = [];
        for (const ext of ["service", "timer"]) {
            const file = path.join(dir, `${METRICS_UNIT}.${ext}`);
            fs.writeFileSync(file, files[`/etc/systemd/system/${METRICS_UNIT}.${ext}`].replace(METRICS_BIN, path.join(dir, "chainfleet-ottochain-metrics")).replace(METRICS_ENV, path.join(dir, "metrics.env")));
            units.push(file);
        }
        const r = run("systemd-analyze", ["verify", ...units], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr.trim(), "", "systemd-analyze printed warnings");
        fs.writeFileSync(path.join(dir, "broken.timer"), "[Timer]\nOnUnitActiveSec=soon\n");
        assert.notEqual(run("systemd-analyze", ["verify", path.join(dir, "broken.timer")]).stderr.trim(), "", "the verifier is live");
    });

    it("the install script writes each file whole then moves it into place, and enables the timer", () => {
        const s = publisherInstallScript(SPEC, "sudo ");
        for (const p of Object.keys(publisherFiles(SPEC))) {
            assert.match(s, new RegExp(`^sudo tee ${p.replace(/\./g, "\\.")}\\.new >/dev/null <<'CHAINFLEET_METRICS_EOF_\\d'$`, "m"));
            assert.match(s, new RegExp(`^sudo mv -f ${p.replace(/\./g, "\\.")}\\.new ${p.replace(/\./g, "\\.")}$`, "m"));
        }
        assert.match(s, /^sudo chmod 0755 \/usr\/local\/bin\/chainfleet-ottochain-metrics\.new$/m);
        assert.match(s, /^sudo systemctl enable --now chainfleet-ottochain-metrics\.timer$/m);
    });

    it("the install script really installs: run with a stub systemctl and the paths under a temp root", () => {
        const root = tempDir("metrics-root-");
        const calls = path.join(root, "systemctl.calls");
        const bin = stubBin({ systemctl: `echo "$*" >> '${calls}'` });
        // Every absolute /etc/ and /usr/ path of the script (and of the files it writes) moved under the temp root.
        const under = (text: string) => text.replace(/(^|[\s'=])\/(etc|usr)\//gm, `$1${root}/$2/`);
        const s = under(publisherInstallScript(SPEC, ""));
        fs.mkdirSync(path.join(root, "usr/local/bin"), { recursive: true });
        fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
        const r = run("bash", ["-c", s], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        for (const [p, content] of Object.entries(publisherFiles(SPEC))) assert.equal(fs.readFileSync(`${root}${p}`, "utf8"), under(content), p);
        assert.ok(!fs.existsSync(`${root}${METRICS_ENV}.new`), "no half-written file left");
        assert.equal(fs.statSync(`${root}${METRICS_BIN}`).mode & 0o777, 0o755);
        assert.equal(fs.readFileSync(calls, "utf8"), `daemon-reload\nenable --now ${METRICS_UNIT}.timer\nrestart ${METRICS_UNIT}.timer\n`);
    });
});

describe("metagraph publisher: run for real (stub aws and df, stand-in nodes on 127.0.0.1)", function () {
    this.timeout(60_000);
    const servers: Scripted[] = [];
    const state: Record<string, { state: string; peers: number }> = {};
    let urls: Record<string, string>;
    let deadUrl: string;

    before(async () => {
        urls = {};
        for (const n of ["ml0", "cl1-0", "cl1-1"]) {
            state[n] = { state: "Ready", peers: 2 };
            const s = await serve((_m, p) => {
                if (p === "/node/info") return { status: 200, body: JSON.stringify({ id: "ab".repeat(64), state: state[n].state, version: "2.8.1" }) };
                if (p === "/cluster/info") return { status: 200, body: JSON.stringify(Array.from({ length: state[n].peers }, (_, i) => ({ id: String(i).repeat(128), ip: "127.0.0.1", state: "Ready" }))) };
                if (p === "/snapshots/latest/ordinal") return { status: 200, body: "{\"value\":4711}" };
                return { status: 404, body: "" };
            });
            servers.push(s);
            urls[n] = s.url;
        }
        const dead = await serve(() => ({ status: 200, body: "{}" }));
        await dead.close();
        deadUrl = dead.url;
    });
    after(async () => { for (const s of servers) await s.close(); });

    /** Runs the installed publisher once with the env file's variables; returns the aws calls, one per line. */
    async function publish(nodes: string, opts: { awsFails?: boolean; df?: string } = {}) {
        const dir = tempDir("publisher-");
        const calls = path.join(dir, "aws.calls");
        const bin = stubBin({
            aws: `printf '%s\\n' "$*" >> '${calls}'\n${opts.awsFails ? "echo 'An error occurred (AccessDenied)' >&2; exit 254" : ""}`,
            df: opts.df ?? `[ "$1" = -P ] && [ "$2" = /data ] || exit 9\nprintf 'Filesystem 1024-blocks Used Available Capacity Mounted on\\n/dev/nvme1n1 104857600 87031808 17825792 83%% /data\\n'`,
        });
        const script = writeScript(publisherScript(), "publisher", dir);
        const env = {
            ...process.env, PATH: `${bin}:${process.env.PATH}`, CHAINFLEET_NAMESPACE: "Chainfleet/OttoChain", CHAINFLEET_STACK: "prod", CHAINFLEET_HOST: "b",
            CHAINFLEET_DATA_DIR: "/data", CHAINFLEET_NODES: nodes, AWS_REGION: "eu-west-1",
        };
        const r = await runAsync(script, [], env);
        return { ...r, calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [] };
    }
    const put = (metric: string, value: string, unit: string, dims: string) =>
        `--cli-connect-timeout 5 --cli-read-timeout 10 cloudwatch put-metric-data --region eu-west-1 --namespace Chainfleet/OttoChain --metric-name ${metric} --value ${value} --unit ${unit} --dimensions ${dims}`;

    it("puts exactly: each node's NodeReady, each L1 node's ClusterSize, ML0's ordinal, the data disk's used %", async () => {
        for (const n of Object.values(state)) Object.assign(n, { state: "Ready", peers: 2 });
        state["cl1-1"].state = "ReadyToJoin";
        state["cl1-1"].peers = 1;
        const r = await publish(`ml0,ml0,${urls.ml0} cl1-0,cl1,${urls["cl1-0"]} cl1-1,cl1,${urls["cl1-1"]}`);
        assert.equal(r.stderr, "");
        assert.deepEqual(r.calls, [
            put("NodeReady", "1", "None", "Stack=prod,Layer=ml0,Node=ml0"),
            put("SnapshotOrdinal", "4711", "None", "Stack=prod,Layer=ml0"),
            put("NodeReady", "1", "None", "Stack=prod,Layer=cl1,Node=cl1-0"),
            put("ClusterSize", "2", "Count", "Stack=prod,Layer=cl1"),
            put("NodeReady", "0", "None", "Stack=prod,Layer=cl1,Node=cl1-1"),
            put("ClusterSize", "1", "Count", "Stack=prod,Layer=cl1"),
            put("DataDiskUsedPercent", "83", "Percent", "Stack=prod,Host=b"),
        ]);
        assert.equal(r.status, 0);
    });

    it("a node that does not answer is a fact (NodeReady 0, ClusterSize 0, no ordinal), not a failure", async () => {
        const r = await publish(`ml0,ml0,${deadUrl} dl1-2,dl1,${deadUrl}`);
        assert.deepEqual(r.calls, [
            put("NodeReady", "0", "None", "Stack=prod,Layer=ml0,Node=ml0"),
            put("NodeReady", "0", "None", "Stack=prod,Layer=dl1,Node=dl1-2"),
            put("ClusterSize", "0", "Count", "Stack=prod,Layer=dl1"),
            put("DataDiskUsedPercent", "83", "Percent", "Stack=prod,Host=b"),
        ]);
        assert.equal(r.status, 0, r.stderr);
    });

    it("fails the run when a put fails or df gives nothing, after trying every metric", async () => {
        const denied = await publish(`cl1-0,cl1,${urls["cl1-0"]}`, { awsFails: true });
        assert.equal(denied.calls.length, 3, "every metric is still tried");
        assert.match(denied.stderr, /3 metric\(s\) not published/);
        assert.equal(denied.status, 1);
        const noDf = await publish(`cl1-0,cl1,${urls["cl1-0"]}`, { df: "exit 1" });
        assert.match(noDf.stderr, /df gave no used % for \/data\n1 metric\(s\) not published/);
        assert.equal(noDf.status, 1);
    });

    it("refuses to run without its environment", async () => {
        const r = await runAsync(writeScript(publisherScript()), [], { PATH: process.env.PATH });
        assert.match(r.stderr, /CHAINFLEET_NAMESPACE/);
        assert.notEqual(r.status, 0);
    });
});

describe("metagraph alarms as data", () => {
    const alarms = metagraphAlarms("prod", NODES, SETTINGS);

    it("one per node, per L1 cluster, the ordinal, and per metagraph host's disk", () => {
        assert.deepEqual(alarms.map((a) => a.alarmName), [
            ...["gl0", "ml0", "cl1-0", "cl1-1", "cl1-2", "dl1-0", "dl1-1", "dl1-2"].map((n) => `chainfleet-prod-ottochain-${n}-not-ready`),
            "chainfleet-prod-ottochain-cl1-cluster-below-size", "chainfleet-prod-ottochain-dl1-cluster-below-size", "chainfleet-prod-ottochain-ml0-ordinal-stalled",
            "chainfleet-prod-host-a-data-disk-full", "chainfleet-prod-host-b-data-disk-full", "chainfleet-prod-host-c-data-disk-full",
        ]);
    });

    it("node not Ready: NodeReady minimum below 1 for 2 samples; a silent node is breaching; both ways notify the topic", () => {
        assert.deepEqual(alarmArgs(alarms[3], SETTINGS.namespace, TOPIC), {
            name: "chainfleet-prod-ottochain-cl1-1-not-ready",
            alarmDescription: `OttoChain cl1-1 (cl1, host b) has not answered /node/info with state Ready for ${ALARM_SAMPLES} samples`,
            comparisonOperator: "LessThanThreshold", threshold: 1, evaluationPeriods: 2, treatMissingData: "breaching", alarmActions: [TOPIC], okActions: [TOPIC],
            namespace: "Chainfleet/OttoChain", period: 60, metricName: "NodeReady", dimensions: { Stack: "prod", Layer: "cl1", Node: "cl1-1" }, statistic: "Minimum",
        });
    });

    it("cluster below size: the largest ClusterSize any node reports below the node count; disk: the used % above the limit", () => {
        const cl1 = alarmArgs(alarms.find((a) => a.key === "cl1-cluster-below-size")!, SETTINGS.namespace, TOPIC);
        assert.deepEqual([cl1.metricName, cl1.statistic, cl1.comparisonOperator, cl1.threshold, cl1.dimensions], ["ClusterSize", "Maximum", "LessThanThreshold", 3, { Stack: "prod", Layer: "cl1" }]);
        const disk = alarmArgs(alarms.find((a) => a.key === "host-b-data-disk")!, SETTINGS.namespace, TOPIC);
        assert.deepEqual([disk.metricName, disk.statistic, disk.comparisonOperator, disk.threshold, disk.dimensions], ["DataDiskUsedPercent", "Maximum", "GreaterThanThreshold", 80, { Stack: "prod", Host: "b" }]);
    });

    it("ordinal stalled: max − min of SnapshotOrdinal over ordinalStallMinutes is 0 (metric math), missing data breaching", () => {
        const o = alarmArgs(alarms.find((a) => a.key === "ml0-ordinal-stalled")!, SETTINGS.namespace, TOPIC);
        const metric = (id: string, stat: string) => ({ id, returnData: false, metric: { namespace: "Chainfleet/OttoChain", metricName: "SnapshotOrdinal", dimensions: { Stack: "prod", Layer: "ml0" }, period: 600, stat } });
        assert.deepEqual(o.metricQueries, [metric("hi", "Maximum"), metric("lo", "Minimum"), { id: "rise", expression: "hi - lo", label: "ordinal increase", returnData: true }]);
        assert.deepEqual([o.comparisonOperator, o.threshold, o.evaluationPeriods, o.treatMissingData, o.metricName, o.period], ["LessThanOrEqualToThreshold", 0, 1, "breaching", undefined, undefined]);
    });

    it("an external GL0 has no gl0 alarm, a host without nodes no disk alarm", () => {
        const names = metagraphAlarms("s", NODES.filter((n) => n.layer !== "gl0" && n.layer !== "dl1"), SETTINGS).map((a) => a.key);
        assert.deepEqual(names, ["ml0-not-ready", "cl1-0-not-ready", "cl1-1-not-ready", "cl1-2-not-ready", "cl1-cluster-below-size", "ml0-ordinal-stalled", "host-a-data-disk", "host-b-data-disk"]);
    });

    it("the hosts' permission: PutMetricData into the namespace only", () => {
        assert.deepEqual(JSON.parse(putMetricPolicy("Chainfleet/OttoChain")), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Chainfleet/OttoChain" } } }],
        });
    });
});

describe("monitoring config", () => {
    it("prod with the metagraph needs the alarm topic, naming the key", async () => {
        await assert.rejects(planStack("prod", { "monitoring.alarmTopicArn": undefined }),
            /chainfleet:monitoring\.alarmTopicArn must be set in prod when chainfleet:ottochain\.enabled is true: the SNS topic ARN the metagraph's alarms notify, e\.g\. arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms \(got nothing\)/);
        const g = await planStack("prod", { "monitoring.alarmTopicArn": undefined, "ottochain.enabled": false });
        assert.equal(ofType(g, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0, "no metagraph, no alarms, no topic needed");
    });

    it("refuses a topic that is not an SNS ARN, an interval that is no multiple of 60, a stall window under two samples", async () => {
        await assert.rejects(planStack("prod", { "monitoring.alarmTopicArn": "chainfleet-alarms" }),
            /chainfleet:monitoring\.alarmTopicArn must be an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:chainfleet-alarms \(got "chainfleet-alarms"\)/);
        await assert.rejects(planStack("prod", { "monitoring.intervalSeconds": 90 }), /chainfleet:monitoring\.intervalSeconds must be a multiple of 60 from 60 to 3600 \(got 90\)/);
        await assert.rejects(planStack("prod", { "monitoring.intervalSeconds": 600, "monitoring.ordinalStallMinutes": 15 }),
            /chainfleet:monitoring\.ordinalStallMinutes must span at least two publications of chainfleet:monitoring\.intervalSeconds, or a single sample would read as a stall \(got 15 min < 2 × 600 s\)/);
        await assert.rejects(planStack("prod", { "monitoring.namespace": "AWS/EC2" }), /chainfleet:monitoring\.namespace must be a CloudWatch namespace/);
    });

    it("dev needs no topic", async () => {
        const g = await planStack("dev");
        assert.equal(ofType(g, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    });
});

describe("monitoring in the prod plan", function () {
    this.timeout(120_000);
    let g: Graph;
    before(async () => { g = await planStack("prod"); });
    const alarmsOf = (graph: Graph) => ofType(graph, "aws:cloudwatch/metricAlarm:MetricAlarm");

    it("registers the 14 alarms of the default shape, each notifying the topic from the stack file", () => {
        const a = alarmsOf(g);
        assert.equal(a.length, 14);
        for (const r of a) {
            assert.deepEqual([r.inputs.alarmActions, r.inputs.okActions, r.inputs.treatMissingData], [[TOPIC], [TOPIC], "breaching"], r.name);
            assert.match(String(r.inputs.name), /^chainfleet-prod-(ottochain|host)-/);
        }
        assert.deepEqual(byName(g, "ottochain-monitoring-cl1-cluster-below-size").inputs.threshold, 3);
    });

    it("each metagraph host's role may put metrics into the namespace only, and its publisher is installed after that", () => {
        for (const label of ["a", "b", "c"]) {
            const policy = byName(g, `ottochain-monitoring-${label}-put-metrics`);
            const role = byName(g, `host-${label}-role`);
            assert.ok(policy.dependencies.includes(role.urn), `${label}: the policy is on the host's own role`);
            assert.deepEqual(JSON.parse(String(policy.inputs.policy)).Statement[0].Condition, { StringEquals: { "cloudwatch:namespace": "Chainfleet/OttoChain" } });
            const install: PlannedResource = byName(g, `ottochain-monitoring-${label}-publisher`);
            assert.ok(install.dependencies.includes(policy.urn), `${label}: installed after its permission`);
            assert.match(String(install.inputs.create), /systemctl enable --now chainfleet-ottochain-metrics\.timer/);
        }
        const onA = String(byName(g, "ottochain-monitoring-a-publisher").inputs.create);
        assert.match(onA, /CHAINFLEET_NODES="gl0,gl0,http:\/\/10\.40\.\d+\.\d+:9000 ml0,ml0,http:\/\/10\.40\.\d+\.\d+:9200"/);
        assert.match(onA, /CHAINFLEET_HOST="a"/);
        assert.match(String(byName(g, "ottochain-monitoring-b-publisher").inputs.create), /CHAINFLEET_NODES="cl1-0,cl1,\S+:9300 cl1-1,cl1,\S+:9310 cl1-2,cl1,\S+:9320"/);
        assert.equal(ofType(g, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.startsWith("ottochain-monitoring-")).length, 3, "not on the SCITT host");
    });

    it("a fourth CL1 node adds its alarm and raises the cluster's threshold, the other alarms unchanged", async () => {
        const four = await planStack("prod", { "ottochain.currencyL1.nodes": 4 });
        const names = alarmsOf(four).map((r) => r.name);
        assert.ok(names.includes("ottochain-monitoring-cl1-3-not-ready"));
        assert.equal(byName(four, "ottochain-monitoring-cl1-cluster-below-size").inputs.threshold, 4);
        assert.match(String(byName(four, "ottochain-monitoring-b-publisher").inputs.create), /cl1-3,cl1,\S+:9330"/);
    });
});

describe("monitoring edits through the lifecycle engine (expected steps)", function () {
    this.timeout(300_000);
    let base: UpResult;
    before(async () => { base = await up("prod", undefined, {}, FAKE_PROD_SECRETS); });
    const steps = (r: UpResult) => changes(r.steps).filter((s) => !s.type.startsWith("chainfleet:")).map((s) => `${s.op} ${s.name}`).sort();

    it("a new disk threshold updates the three disk alarms in place, nothing else", async () => {
        const r = await up("prod", base.state, { "monitoring.diskUsedPercent": 90 }, FAKE_PROD_SECRETS);
        assert.deepEqual(steps(r), ["a", "b", "c"].map((h) => `update ottochain-monitoring-host-${h}-data-disk`));
    });

    it("a new topic updates every alarm in place (none replaced)", async () => {
        const r = await up("prod", base.state, { "monitoring.alarmTopicArn": "arn:aws:sns:eu-west-1:123456789012:oncall" }, FAKE_PROD_SECRETS);
        const s = steps(r);
        assert.equal(s.length, 14);
        assert.ok(s.every((x) => x.startsWith("update ottochain-monitoring-")), s.join("\n"));
    });

    it("a new interval re-installs the publishers (in place) and updates the node, cluster and disk alarms' period; the stall alarm keeps its window", async () => {
        const r = await up("prod", base.state, { "monitoring.intervalSeconds": 120 }, FAKE_PROD_SECRETS);
        const s = steps(r);
        assert.deepEqual(s.filter((x) => x.includes("publisher")), ["a", "b", "c"].map((h) => `update ottochain-monitoring-${h}-publisher`));
        assert.equal(s.filter((x) => x.startsWith("update ottochain-monitoring-") && !x.includes("publisher")).length, 13);
        assert.ok(!s.some((x) => x.includes("ordinal-stalled")));
        assert.equal(s.length, 16, s.join("\n"));
    });
});
