// The SCITT entrypoint run for real in a temp workspace with stub cchost and governance tools,
// for every row of the guide's restart table; and the ScittLedger graph in both topologies.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { byName, Graph, ofType, defaultPlan } from "./harness/graph";
import { run, shellProblems, stubBin, tempDir } from "./util/tools";

const ENTRYPOINT = fs.readFileSync(path.join(__dirname, "..", "components", "systems", "scitt", "entrypoint.sh"), "utf8");

/**
 * Stubs: cchost writes its PID file and the service cert (a new one on Recover), records its
 * config and stays up briefly; curl answers /node/state and governance calls; the governance
 * tools record their calls.
 */
function stubs(log: string) {
    return stubBin({
        keygenerator: `echo "keygen $*" >> ${log}; echo cert > member0_cert.pem; echo key > member0_privk.pem; echo enc > member0_enc_pubk.pem; echo encpriv > member0_enc_privk.pem`,
        cchost: `cfg=$2; echo "cchost $*" >> ${log}; cp "$cfg" "$(dirname "$cfg")/last-config.json"
type=$(grep -o '"type": "\\(Start\\|Recover\\)"' "$cfg" | cut -d'"' -f4)
echo $$ > "$(dirname "$cfg")/cchost.pid"
if [ "$type" = Recover ]; then echo "service-cert-$RANDOM" > "$(dirname "$cfg")/service_cert.pem"; else echo service-cert-1 > "$(dirname "$cfg")/service_cert.pem"; fi
mkdir -p "$(dirname "$cfg")/ledger"; echo entry >> "$(dirname "$cfg")/ledger/ledger_1"
[ -n "\${CCHOST_CRASH:-}" ] && exit 3
sleep 0.3`,
        curl: `case "$*" in
  *proposals:create*) cat >/dev/null; echo '{"proposalId":"p1","state":"Open"}' ;;
  *ballots*) cat >/dev/null; echo '{"state":"Accepted"}'; echo "ballot $*" >> ${log} ;;
  *node/state*) [ -z "\${CCHOST_CRASH:-}" ] || exit 7; echo '{"state":"PartOfNetwork"}' ;;
  *) echo '{}' ;;
esac`,
        ccf_cose_sign1: `echo "cose $*" >> ${log}; echo signed`,
        submit_recovery_share: `echo "share $*" >> ${log}`,
        scitt: `echo "scitt $*" >> ${log}`,
    });
}

function entrypoint(workspace: string, env: Record<string, string> = {}) {
    const log = path.join(workspace, "calls.log");
    const bin = stubs(log);
    const r = run("bash", ["-c", ENTRYPOINT, "scitt-entrypoint"], {
        env: {
            PATH: `${bin}:/usr/bin:/bin`, WORKSPACE: workspace, KEYGEN: "keygenerator", SUBMIT_SHARE: "submit_recovery_share",
            READY_TIMEOUT_SECONDS: "10", ...env,
        },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(log, { force: true });
    const configPath = path.join(workspace, "node", "last-config.json");
    const config = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : undefined;
    return { ...r, calls, config };
}

describe("SCITT entrypoint", () => {
    it("is shellcheck-clean", () => {
        assert.deepEqual(shellProblems(ENTRYPOINT), []);
    });

    it("first start: member identity once, Start, then activate, configure and open", () => {
        const ws = tempDir("scitt-ws-");
        const r = entrypoint(ws);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.config.command.type, "Start");
        assert.equal(r.config.command.start.members[0].certificate_file, `${ws}/member0_cert.pem`);
        assert.equal(r.config.network.rpc_interfaces.main.bind_address, "0.0.0.0:8000");
        assert.ok(r.calls[0].startsWith("keygen --name member0 --gen-enc-key"));
        assert.ok(r.calls.some((c) => c.startsWith(`scitt governance local_development --url https://127.0.0.1:8000 --member-key member0_privk.pem`)));
        assert.ok(!r.calls.some((c) => c.startsWith("share")));
        assert.match(r.stderr, /ledger: absent → Start/);
    });

    it("restart with a ledger (docker restart, stop/start, reboot): Recover from the previous cert, share, open", () => {
        const ws = tempDir("scitt-ws-");
        entrypoint(ws);
        const firstCert = fs.readFileSync(path.join(ws, "node", "service_cert.pem"), "utf8");
        fs.rmSync(path.join(ws, "node", "cchost.pid")); // a clean stop removes it
        const r = entrypoint(ws);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.config.command.type, "Recover");
        assert.equal(r.config.command.recover.previous_service_identity_file, `${ws}/node/previous_service_cert.pem`);
        assert.equal(fs.readFileSync(path.join(ws, "node", "previous_service_cert.pem"), "utf8"), firstCert);
        assert.ok(!r.calls.some((c) => c.startsWith("keygen")), "member identity is reused");
        assert.ok(r.calls.some((c) => c.startsWith("cose --ccf-gov-msg-type proposal")), "proposes transition_service_to_open");
        const open = JSON.parse(fs.readFileSync(path.join(ws, "node", "open.json"), "utf8"));
        assert.equal(open.actions[0].name, "transition_service_to_open");
        assert.ok(r.calls.some((c) => /^share --rpc-address 127\.0\.0\.1:8000 --member-enc-privk member0_enc_privk\.pem/.test(c)));
        assert.ok(fs.readFileSync(path.join(ws, "node", "ledger", "ledger_1"), "utf8").split("\n").filter(Boolean).length === 2, "old ledger intact");
        assert.ok(!fs.existsSync(path.join(ws, "node", "recovery.in-progress")));
    });

    it("a stale PID file (crash, reboot) is removed instead of blocking cchost", () => {
        const ws = tempDir("scitt-ws-");
        entrypoint(ws);
        fs.writeFileSync(path.join(ws, "node", "cchost.pid"), "999999"); // no such process
        const r = entrypoint(ws);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /removing stale PID file \(999999\)/);
        assert.equal(r.config.command.type, "Recover");
    });

    it("a live cchost PID refuses a second node", () => {
        const ws = tempDir("scitt-ws-");
        fs.mkdirSync(path.join(ws, "node"), { recursive: true });
        fs.writeFileSync(path.join(ws, "node", "cchost.pid"), String(process.pid));
        const r = entrypoint(ws);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /cchost already running/);
    });

    it("a crashed recovery resumes with the original previous certificate", () => {
        const ws = tempDir("scitt-ws-");
        entrypoint(ws);
        const original = fs.readFileSync(path.join(ws, "node", "service_cert.pem"), "utf8");
        fs.rmSync(path.join(ws, "node", "cchost.pid"));
        // The recovering node crashes after writing a new service cert, before the service opens.
        const crashed = entrypoint(ws, { CCHOST_CRASH: "1" });
        assert.notEqual(crashed.status, 0);
        assert.ok(fs.existsSync(path.join(ws, "node", "recovery.in-progress")));
        assert.notEqual(fs.readFileSync(path.join(ws, "node", "service_cert.pem"), "utf8"), original);
        fs.rmSync(path.join(ws, "node", "cchost.pid"), { force: true });
        const resumed = entrypoint(ws);
        assert.equal(resumed.status, 0, resumed.stderr);
        assert.match(resumed.stderr, /resuming a recovery that did not finish/);
        assert.equal(fs.readFileSync(path.join(ws, "node", "previous_service_cert.pem"), "utf8"), original);
    });
});

describe("SCITT graph", () => {
    let dev: Graph, prod: Graph;
    before(async () => {
        dev = await defaultPlan("dev");
        prod = await defaultPlan("prod");
    });

    it("dev: scitt-service built with PLATFORM, ports on the chosen interface, workspace volume retained, healthcheck on /node/network", () => {
        const c = byName(dev, "scitt-container").inputs as Record<string, unknown>;
        assert.equal(c.name, "scitt-service");
        assert.equal(c.restart, "unless-stopped");
        assert.deepEqual(c.ports, [{ internal: 8000, external: 8000, ip: "127.0.0.1", protocol: "tcp" }, { internal: 8001, external: 8001, ip: "127.0.0.1", protocol: "tcp" }]);
        assert.equal((c.volumes as { volumeName: string; containerPath: string }[])[0].containerPath, "/host");
        assert.match(JSON.stringify(c.healthcheck), /node\/network/);
        assert.equal(c.memory, 2048);
        assert.equal(c.cpus, "1.0", "cpus in the form the provider reads back");
        const image = byName(dev, "scitt-image").inputs as { build: { args: Record<string, string> } };
        assert.deepEqual(image.build.args, { PLATFORM: "virtual" });
        const vol = byName(dev, "scitt-vol-host");
        assert.equal(vol.inputs.name, "scitt-service-vol");
        assert.ok(vol.retainOnDelete, "the workspace volume outlives the stack");
    });

    it("prod: snp device and attestation config, EBS snapshots on a schedule, ports only from allowed CIDRs", () => {
        const c = byName(prod, "scitt-container").inputs as { devices: { hostPath: string }[]; volumes: { containerPath: string }[] };
        assert.deepEqual(c.devices.map((d) => d.hostPath), ["/dev/sev-guest"]);
        assert.ok(c.volumes.some((v) => v.containerPath === "/etc/scitt/attestation.json"));
        const dlm = ofType(prod, "aws:dlm/lifecyclePolicy:LifecyclePolicy")[0].inputs as { policyDetails: { schedules: { createRule: { interval: number }; retainRule: { count: number } }[] } };
        assert.equal(dlm.policyDetails.schedules[0].createRule.interval, 12);
        assert.equal(dlm.policyDetails.schedules[0].retainRule.count, 14);
        const sg = byName(prod, "host-scitt-sg").inputs as { ingress: { fromPort: number; cidrBlocks: string[] }[] };
        const rpc = sg.ingress.find((r) => r.fromPort === 8000)!;
        assert.ok(!rpc.cidrBlocks.includes("0.0.0.0/0"));
        assert.equal(byName(prod, "host-scitt-data").inputs.encrypted, true);
    });
});
