// The enclave's boot channel, both ends run for real on this machine over TCP on 127.0.0.1 (the
// transport the tests choose; vsock in the enclave): the parent's config service under socat with a
// stub `aws` and a stub IMDSv2 server, and enclave-init.sh with a stub kmstool_enclave_cli, a stub
// `ip`, a stand-in RPC proxy and a stub operator that records what it got.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { bootConfig, CONFIG_SERVICE_PATH, configServiceScript, configServiceUnit, EnclaveRun } from "../components/platform/enclaveSpec";
import { CIPHERTEXT_PARAMETER, LotteryChain, lotteryAppEnv } from "../components/systems/lottery/lottery";
import { freePort } from "./util/ports";
import { run, shellProblems, stubBin, tempDir, writeScript } from "./util/tools";

const INIT = path.join(__dirname, "..", "components", "systems", "lottery", "enclave", "enclave-init.sh");
const KEY = `0x${"5e".repeat(32)}`;
const CIPHERTEXT = "AQICAHhstandin+ciphertext/of+the+operator+key==";
const CREDS = { AccessKeyId: "ASIASTANDINKEYID0001", SecretAccessKey: "stand-in-secret-access-key/0001", Token: "stand-in-session-token-0001" };
const CHAIN: LotteryChain = { rpcUrl: "https://rpc.example-chain.org", chainId: 1, contractAddress: `0x${"ab".repeat(20)}`, gasMultiplier: 1.2, logLevel: "INFO" };

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const c = net.connect(port, "127.0.0.1");
        c.once("connect", () => { c.destroy(); resolve(true); });
        c.once("error", () => resolve(false));
    });
}

/** Waits (bounded by attempts, not a time assertion) until something listens on the port. */
async function listening(port: number, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
        if (await accepts(port)) return;
        await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${what} never listened on ${port}`);
}

const started: ChildProcess[] = [];
function background(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const p = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    started.push(p);
    return p;
}

/** Runs a command without blocking the event loop (so the parent's servers keep serving). */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        // Its own process group: the enclave's forwarders outlive the operator stub, and end with the group.
        const p = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        started.push(p);
        let stdout = "", stderr = "";
        p.stdout!.on("data", (d) => (stdout += d));
        p.stderr!.on("data", (d) => (stderr += d));
        const group = (sig: NodeJS.Signals) => { try { process.kill(-p.pid!, sig); } catch { /* the group is gone */ } };
        const guard = setTimeout(() => group("SIGKILL"), 60_000);
        let exit: { status: number | null; signal: string | null } = { status: null, signal: null };
        p.on("exit", (status, signal) => { exit = { status, signal }; clearTimeout(guard); group("SIGTERM"); });
        p.on("close", () => resolve({ ...exit, stdout, stderr }));
    });
}

const IMDS = `
import http.server, json, sys
TOKEN = "imds-token-1"
CREDS = json.loads(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def reply(self, code, body):
        self.send_response(code); self.end_headers(); self.wfile.write(body.encode())
    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.reply(200, TOKEN)
        else:
            self.reply(400, "")
    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            return self.reply(401, "")  # IMDSv2 only, as httpTokens: required
        if self.path == "/latest/meta-data/iam/security-credentials/":
            return self.reply(200, "lottery-host-role")
        if self.path == "/latest/meta-data/iam/security-credentials/lottery-host-role":
            return self.reply(200, json.dumps(dict(CREDS, Code="Success", Type="AWS-HMAC", Expiration="2026-12-01T12:00:00Z")))
        self.reply(404, "")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
`;

/** The operator stand-in: records its env and argv, reaches the RPC through the enclave, serves its port, scans every cmdline. */
const APP = `
import json, os, socket, sys, threading, time
out, rpc_port, ingress_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(os.environ["APP_PORT"]))); srv.listen(4)
def serve():
    while True:
        c, _ = srv.accept(); c.sendall(b"app-pong\\n"); c.close()
threading.Thread(target=serve, daemon=True).start()
def ask(port):
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5); data = b""
            while True:
                chunk = s.recv(100)
                if not chunk: break
                data += chunk
            if data: return data.decode().strip()
        except OSError:
            pass
        time.sleep(0.025)
    return None
key = os.environ.get("BLOCKCHAIN_OPERATOR_PRIVATE_KEY", "").encode() or b"\\0none"
leaks = []
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            if key in open("/proc/%s/cmdline" % d, "rb").read(): leaks.append(d)
        except OSError:
            pass
hosts = open(os.environ["STUB_HOSTS"]).read()
json.dump({"env": dict(os.environ), "argv": sys.argv, "rpc": ask(rpc_port), "ingress": ask(ingress_port), "cmdlineLeaks": leaks, "hosts": hosts}, open(out, "w"))
# The enclave's end would take its forwarders (this process's children since the exec) down: do it here.
for d in os.listdir("/proc"):
    try:
        if d.isdigit() and int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1]) == os.getpid():
            os.kill(int(d), 15)
    except (OSError, IndexError, ValueError):
        pass
`;

interface Rig {
    dir: string;
    bin: string;
    run: EnclaveRun;
    appPort: number;
    localRpcPort: number;
    bootFile: string;
    parentScript: string;
    imdsPort: number;
}

/** Stubs and files of one rig; the ciphertext the stub SSM returns is ciphertext.txt. */
async function rig(): Promise<Rig> {
    const dir = tempDir("enclave-boot-");
    const [configPort, rpcProxyPort, servicePort, appPort, localRpcPort, imdsPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    const r: EnclaveRun = {
        name: "lottery", eifS3Uri: "s3://b/k.eif", pcr0: "ab".repeat(48), cpuCount: 2, memoryMiB: 2048, cid: 16, servicePort, rpcProxyPort,
        rpcHost: "rpc.example-chain.org", debugMode: false, region: "eu-west-1", configPort, kmsProxyPort: 8002,
        ciphertextParameter: CIPHERTEXT_PARAMETER,
        // APP_PORT differs from the ingress port only because both ends share 127.0.0.1 here (vsock and TCP in the enclave).
        appEnv: lotteryAppEnv(CHAIN, appPort),
    };
    // The enclave listens on 443 for the RPC host; here a free port stands in (443 needs privilege).
    const boot = { ...bootConfig(r), rpc: { ...(bootConfig(r) as { rpc: object }).rpc, port: localRpcPort } };
    const bootFile = path.join(dir, "boot.json");
    fs.writeFileSync(bootFile, JSON.stringify(boot));
    fs.writeFileSync(path.join(dir, "ciphertext.txt"), CIPHERTEXT);
    fs.writeFileSync(path.join(dir, "kms.table"), `${CIPHERTEXT} ${Buffer.from(KEY).toString("base64")}\n`);
    fs.writeFileSync(path.join(dir, "hosts"), "127.0.0.1 localhost\n");
    fs.writeFileSync(path.join(dir, "app.py"), APP);
    fs.mkdirSync(path.join(dir, "bin"));
    const bin = stubBin({
        // aws ssm get-parameter: the ciphertext, only for the parameter and region asked.
        aws: `printf '%s\\n' "$*" >> "${dir}/aws.argv"
[ "$*" = "ssm get-parameter --region eu-west-1 --name ${CIPHERTEXT_PARAMETER} --query Parameter.Value --output text" ] || { echo "stub aws: unexpected $*" >&2; exit 2; }
cat "${dir}/ciphertext.txt"; echo`,
        // kmstool_enclave_cli decrypt: the KMS stand-in answers only the known ciphertext with the role's credentials.
        kmstool_enclave_cli: `printf '%s\\n' "$*" >> "${dir}/kmstool.argv"
[ "$1" = decrypt ] || { echo "stub kmstool: no decrypt command" >&2; exit 2; }
shift; declare -A a
while [ $# -gt 0 ]; do a[$1]=$2; shift 2; done
[ "\${a[--region]}" = eu-west-1 ] && [ "\${a[--proxy-port]}" = 8002 ] && [ "\${a[--aws-access-key-id]}" = ${CREDS.AccessKeyId} ] \\
  && [ "\${a[--aws-secret-access-key]}" = ${CREDS.SecretAccessKey} ] && [ "\${a[--aws-session-token]}" = ${CREDS.Token} ] || { echo "stub kmstool: bad flags" >&2; exit 2; }
if [ "\${STUB_KMS:-}" = garbage ]; then echo "PLAINTEXT: bm90LWEta2V5"; exit 0; fi
while read -r ct pt; do
  if [ "$ct" = "\${a[--ciphertext]}" ]; then echo "PLAINTEXT: $pt"; exit 0; fi
done < "${dir}/kms.table"
echo "Could not decrypt ciphertext" >&2; echo "Could not decrypt" >&2; exit 1`,
        ip: `printf '%s\\n' "$*" >> "${dir}/ip.argv"`,
    }, path.join(dir, "bin"));
    const parentScript = writeScript(configServiceScript(r), "chainfleet-enclave-config", dir);
    return { dir, bin, run: r, appPort, localRpcPort, bootFile, parentScript, imdsPort };
}

function parentEnv(g: Rig, imdsPort = g.imdsPort): NodeJS.ProcessEnv {
    return { PATH: `${g.bin}:/usr/bin:/bin`, LANG: "C.UTF-8", CHAINFLEET_BOOT_CONFIG: g.bootFile, CHAINFLEET_IMDS_ENDPOINT: `http://127.0.0.1:${imdsPort}` };
}

/** The parent, as its unit runs it, but on the test transport; its journal is what it prints on stderr. */
async function startParent(g: Rig, imdsPort = g.imdsPort): Promise<{ journal: () => string }> {
    const exec = /^ExecStart=(.*)$/m.exec(configServiceUnit(g.run, "tcp"))![1].replace(CONFIG_SERVICE_PATH, g.parentScript).split(" ");
    assert.equal(exec[0], "/usr/bin/socat");
    const p = background("socat", exec.slice(1), parentEnv(g, imdsPort));
    let journal = "";
    p.stderr!.on("data", (d) => (journal += d));
    await listening(g.run.configPort, "the parent's config service");
    return { journal: () => journal };
}

/** Waits (bounded by attempts) until the parent's journal has a line matching re. */
async function journalLine(parent: { journal: () => string }, re: RegExp): Promise<string> {
    for (let i = 0; i < 200 && !re.test(parent.journal()); i++) await new Promise((r) => setTimeout(r, 25));
    return parent.journal();
}

async function startImds(g: Rig): Promise<void> {
    background("python3", ["-c", IMDS, String(g.imdsPort), JSON.stringify(CREDS)], { PATH: "/usr/bin:/bin" });
    await listening(g.imdsPort, "the stub IMDS");
}

/** Stands in for the parent's RPC vsock-proxy. */
async function startRpcProxy(g: Rig): Promise<void> {
    background("socat", [`TCP-LISTEN:${g.run.rpcProxyPort},bind=127.0.0.1,fork,reuseaddr`, "SYSTEM:echo rpc-pong"], { PATH: "/usr/bin:/bin" });
    await listening(g.run.rpcProxyPort, "the stand-in RPC proxy");
}

function enclaveEnv(g: Rig, extra: Record<string, string> = {}): Record<string, string> {
    return {
        PATH: `${g.bin}:/usr/bin:/bin`, LANG: "C.UTF-8", STUB_HOSTS: path.join(g.dir, "hosts"),
        CHAINFLEET_TRANSPORT: "tcp", CHAINFLEET_CONFIG_PORT: String(g.run.configPort), CHAINFLEET_HOSTS_FILE: path.join(g.dir, "hosts"),
        CHAINFLEET_CONFIG_ATTEMPTS: "3", CHAINFLEET_CONFIG_RETRY_SECONDS: "0.05", ...extra,
    };
}

/** enclave-init.sh with the operator stub; under strace, every execve's argv lands in execve.trace. */
function enclave(g: Rig, extra: Record<string, string> = {}, traced = false) {
    const out = path.join(g.dir, "app.json");
    const init = ["bash", INIT, "python3", path.join(g.dir, "app.py"), out, String(g.localRpcPort), String(g.run.servicePort)];
    const trace = ["-f", "-qq", "-e", "trace=execve", "-s", "65536", "-o", path.join(g.dir, "execve.trace")];
    return traced ? runAsync("strace", [...trace, ...init], enclaveEnv(g, extra)) : runAsync(init[0], init.slice(1), enclaveEnv(g, extra));
}

function readIf(p: string): string {
    return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "";
}

describe("enclave boot channel", function () {
    this.timeout(120_000);
    afterEach(() => {
        for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
    });

    it("enclave-init.sh and the parent's config service pass bash -n and shellcheck", async () => {
        assert.deepEqual(shellProblems(fs.readFileSync(INIT, "utf8")), []);
        assert.deepEqual(shellProblems(configServiceScript((await rig()).run)), []);
    });

    it("the parent answers one boot document: its config, the SSM ciphertext and the role's IMDSv2 credentials", async () => {
        const g = await rig();
        await startImds(g);
        const r = run(g.parentScript, [], { env: parentEnv(g), input: "boot\n" });
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        const boot = JSON.parse(fs.readFileSync(g.bootFile, "utf8"));
        assert.deepEqual(doc, {
            ...boot, operatorKeyCiphertext: CIPHERTEXT,
            credentials: { accessKeyId: CREDS.AccessKeyId, secretAccessKey: CREDS.SecretAccessKey, sessionToken: CREDS.Token, expiration: "2026-12-01T12:00:00Z" },
        });
        assert.deepEqual(doc.env, { ...lotteryAppEnv(CHAIN, g.appPort) });
        assert.equal(readIf(path.join(g.dir, "aws.argv")), `ssm get-parameter --region eu-west-1 --name ${CIPHERTEXT_PARAMETER} --query Parameter.Value --output text\n`);
    });

    it("the parent answers an error naming what it could not get (IMDS down, boot config missing)", async () => {
        const g = await rig();
        const down = run(g.parentScript, [], { env: parentEnv(g, await freePort()), input: "boot\n" });
        assert.notEqual(down.status, 0);
        assert.deepEqual(JSON.parse(down.stdout), { error: "IMDSv2 gave no token" });
        const noBoot = run(g.parentScript, [], { env: { ...parentEnv(g), CHAINFLEET_BOOT_CONFIG: path.join(g.dir, "absent.json") }, input: "boot\n" });
        assert.match(JSON.parse(noBoot.stdout).error, /boot config .*absent\.json is missing/);
        const unknown = run(g.parentScript, [], { env: parentEnv(g), input: "GET / HTTP/1.0\n" });
        assert.deepEqual(JSON.parse(unknown.stdout), { error: "unknown request 'GET ? HTTP?1?0' (the enclave asks 'boot')" });
    });

    it("the operator gets exactly the chain config and the decrypted key; the key is in no argv and no output", async () => {
        const g = await rig();
        await startImds(g);
        await startParent(g);
        await startRpcProxy(g);
        const r = await enclave(g, {}, true);
        assert.equal(r.status, 0, r.stderr);
        const app = JSON.parse(fs.readFileSync(path.join(g.dir, "app.json"), "utf8")) as { env: Record<string, string>; argv: string[]; rpc: string; ingress: string; cmdlineLeaks: string[]; hosts: string };
        // What enclave-init added to the environment it was given (bash itself exports PWD and SHLVL).
        const given = enclaveEnv(g);
        const added = Object.fromEntries(Object.entries(app.env).filter(([k, v]) => given[k] !== v && k !== "PWD" && k !== "SHLVL"));
        assert.deepEqual(added, { ...lotteryAppEnv(CHAIN, g.appPort), BLOCKCHAIN_OPERATOR_PRIVATE_KEY: KEY });
        assert.deepEqual(Object.keys(app.env).filter((k) => k.startsWith("CHAINFLEET_") || k.startsWith("AWS_")), [], "its own settings and no credentials reach the operator");
        assert.ok(!Object.values(app.env).some((v) => v.includes(CREDS.SecretAccessKey) || v.includes(CREDS.Token)));
        // The key: in no argv of any program enclave-init or its children ran (strace -f, every execve),
        // no process's cmdline while the operator ran, no stub's argv, no output.
        const execs = readIf(path.join(g.dir, "execve.trace")).split("\n").filter((l) => l.includes("execve("));
        assert.ok(execs.some((l) => l.includes("kmstool_enclave_cli")) && execs.some((l) => l.includes("app.py")), "the trace saw the decrypt and the operator");
        assert.deepEqual(execs.filter((l) => l.includes(KEY) || l.includes(Buffer.from(KEY).toString("base64"))), []);
        assert.deepEqual(app.cmdlineLeaks, []);
        for (const f of ["kmstool.argv", "aws.argv", "ip.argv"]) assert.ok(!readIf(path.join(g.dir, f)).includes(KEY), f);
        assert.ok(!app.argv.join(" ").includes(KEY));
        for (const s of [r.stdout, r.stderr]) {
            assert.ok(!s.includes(KEY) && !s.includes(Buffer.from(KEY).toString("base64")), "the key was printed");
            assert.ok(!s.includes(CREDS.SecretAccessKey) && !s.includes(CREDS.Token), "credentials were printed");
        }
        // kmstool was asked with the real CLI's flags; loopback came up; the RPC and ingress forwarders carry traffic.
        assert.equal(readIf(path.join(g.dir, "kmstool.argv")).trim(),
            `decrypt --region eu-west-1 --proxy-port 8002 --aws-access-key-id ${CREDS.AccessKeyId} --aws-secret-access-key ${CREDS.SecretAccessKey} --aws-session-token ${CREDS.Token} --ciphertext ${CIPHERTEXT}`);
        assert.equal(readIf(path.join(g.dir, "ip.argv")), "link set dev lo up\n");
        assert.match(app.hosts, /^127\.0\.0\.1 rpc\.example-chain\.org$/m);
        assert.equal(app.rpc, "rpc-pong", "127.0.0.1:<rpc.port> reaches the parent's RPC proxy");
        assert.equal(app.ingress, "app-pong", "the ingress port reaches the operator's port");
    });

    it("fails within its bounded retries, naming the config service, when the parent is absent", async () => {
        const g = await rig();
        const r = await enclave(g);
        assert.equal(r.signal, null, "it gave up by itself");
        assert.equal(r.status, 1);
        assert.match(r.stderr, new RegExp(`enclave-init: no boot document from the parent's config service at TCP:127\\.0\\.0\\.1:${g.run.configPort} after 3 attempts \\(nothing answered\\)`));
        assert.equal((r.stderr.match(/retrying in/g) ?? []).length, 2);
        assert.ok(!fs.existsSync(path.join(g.dir, "app.json")), "the operator never started");
    });

    it("by default asks vsock CID 3 on the config port (no vsock here: it fails the same bounded way)", async () => {
        const g = await rig();
        const env = enclaveEnv(g, { CHAINFLEET_CONFIG_PORT: "7000", CHAINFLEET_CONFIG_ATTEMPTS: "2" });
        delete (env as Record<string, string | undefined>).CHAINFLEET_TRANSPORT;
        const r = await runAsync("bash", [INIT, "true"], env);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /no boot document from the parent's config service at VSOCK-CONNECT:3:7000 after 2 attempts/);
        const bad = await runAsync("bash", [INIT, "true"], enclaveEnv(g, { CHAINFLEET_TRANSPORT: "serial" }));
        assert.match(bad.stderr, /^enclave-init: CHAINFLEET_TRANSPORT must be vsock or tcp \(got "serial"\)$/m);
    });

    it("relays the parent's error after its retries (IMDS down on the parent)", async () => {
        const g = await rig();
        await startParent(g, await freePort());
        const r = await enclave(g);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /after 3 attempts \(the parent could not prepare the boot document: IMDSv2 gave no token\)/);
        assert.ok(!fs.existsSync(path.join(g.dir, "app.json")));
    });

    it("fails closed on a wrong ciphertext, and on a decrypt that exits 0 with something not a key", async () => {
        const g = await rig();
        await startImds(g);
        const parent = await startParent(g);
        fs.writeFileSync(path.join(g.dir, "ciphertext.txt"), "AQICAHhgarbled+ciphertext==");
        const wrong = await enclave(g);
        assert.equal(wrong.status, 1);
        assert.match(wrong.stderr, /enclave-init: kmstool_enclave_cli could not decrypt the operator key \(KMS in eu-west-1 through vsock port 8002\)/);
        assert.ok(!fs.existsSync(path.join(g.dir, "app.json")));
        // The parent's journal says why (the enclave's console is closed outside debug mode).
        assert.match(await journalLine(parent, /boot failed/), /^chainfleet-enclave-config: the enclave's boot failed: kmstool_enclave_cli could not decrypt the operator key \(KMS in eu-west-1/m);
        fs.writeFileSync(path.join(g.dir, "ciphertext.txt"), CIPHERTEXT);
        const garbage = await enclave(g, { STUB_KMS: "garbage" });
        assert.equal(garbage.status, 1);
        assert.match(garbage.stderr, /the decrypted operator key is not 0x followed by 64 hex digits: refusing to start/);
        assert.ok(!fs.existsSync(path.join(g.dir, "app.json")));
    });

    it("names every field a boot document lacks, at once, without retrying", async () => {
        const g = await rig();
        const doc = { version: 1, region: "eu-west-1", rpc: { host: "rpc.example-chain.org", port: 443 }, env: { BLOCKCHAIN_RPC_URL: "https://x" }, operatorKeyCiphertext: CIPHERTEXT };
        fs.writeFileSync(path.join(g.dir, "partial.json"), JSON.stringify(doc));
        // Reads the request line first, as the real config service does: a server that closes with the
        // client's "boot" line unread sends a TCP reset, and the client can lose the reply (the old flake).
        background("socat", [`TCP-LISTEN:${g.run.configPort},bind=127.0.0.1,fork,reuseaddr`, `SYSTEM:read -r request; cat ${path.join(g.dir, "partial.json")}`], { PATH: "/usr/bin:/bin" });
        await listening(g.run.configPort, "the partial parent");
        const r = await enclave(g);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /enclave-init: the boot document lacks or has unusable: kmsProxyPort, rpc\.proxyPort, ingressPort, credentials\.accessKeyId, credentials\.secretAccessKey, credentials\.sessionToken, env\.BLOCKCHAIN_CHAIN_ID, env\.BLOCKCHAIN_CONTRACT_ADDRESS, env\.BLOCKCHAIN_GAS_MULTIPLIER, env\.APP_LOG_LEVEL, env\.APP_PORT \(from TCP:127\.0\.0\.1:\d+\)/);
        assert.ok(!/retrying/.test(r.stderr));
    });

    it("exports exactly the environment keys the stack delivers (enclave-init's list is lotteryAppEnv's)", () => {
        const list = /ENV = \[([^\]]*)\]/.exec(fs.readFileSync(INIT, "utf8"))![1].match(/"([A-Z_]+)"/g)!.map((s) => s.slice(1, -1));
        assert.deepEqual(list.sort(), Object.keys(lotteryAppEnv(CHAIN, 6080)).sort());
    });
});
