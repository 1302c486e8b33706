// SCITT: the COSE Sign1 encoder the entrypoint ships (cose.sh, bash + openssl) checked against an
// independent CBOR decoder and Node's ECDSA verification; the entrypoint run for real against the
// cchost stand-in (compiled from test/e2e/images/scitt/cchost, which verifies COSE Sign1 like CCF)
// for every row of the restart table; and the ScittLedger graph in both topologies.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { byName, defaultPlan, dependsOnTransitively, Graph, ofType, planStack } from "./harness/graph";
import { offlineSource } from "./harness/offlineSources";
import { freePortRun } from "./util/ports";
import { run, shellProblems, tempDir } from "./util/tools";
import { SCITT_ENTRYPOINT, scittHealthCommand } from "../components/systems/scitt/scitt";

const SCITT_DIR = path.join(__dirname, "..", "components", "systems", "scitt");
const COSE_SH = path.join(SCITT_DIR, "cose.sh");
const STAND_IN = path.join(__dirname, "e2e", "images", "scitt");

// ---------------------------------------------------------------- a tiny independent CBOR decoder
type Cbor = number | bigint | Buffer | string | Cbor[] | Map<Cbor, Cbor> | { tag: number; value: Cbor } | boolean | null;

function decode(buf: Buffer, pos = 0): { value: Cbor; end: number } {
    const ib = buf[pos];
    if (ib === undefined) throw new Error(`CBOR: truncated at ${pos}`);
    const major = ib >> 5, info = ib & 31;
    let arg: number, p = pos + 1;
    if (info < 24) arg = info;
    else if (info === 24) { arg = buf.readUInt8(p); p += 1; }
    else if (info === 25) { arg = buf.readUInt16BE(p); p += 2; }
    else if (info === 26) { arg = buf.readUInt32BE(p); p += 4; }
    else if (info === 27) { arg = Number(buf.readBigUInt64BE(p)); p += 8; }
    else throw new Error(`CBOR: unsupported additional info ${info}`);
    switch (major) {
        case 0: return { value: arg, end: p };
        case 1: return { value: -1 - arg, end: p };
        case 2: return { value: buf.subarray(p, p + arg), end: p + arg };
        case 3: return { value: buf.subarray(p, p + arg).toString("utf8"), end: p + arg };
        case 4: {
            const items: Cbor[] = [];
            for (let i = 0; i < arg; i++) { const d = decode(buf, p); items.push(d.value); p = d.end; }
            return { value: items, end: p };
        }
        case 5: {
            const m = new Map<Cbor, Cbor>();
            for (let i = 0; i < arg; i++) {
                const k = decode(buf, p), v = decode(buf, k.end);
                m.set(k.value, v.value); p = v.end;
            }
            return { value: m, end: p };
        }
        case 6: { const d = decode(buf, p); return { value: { tag: arg, value: d.value }, end: d.end }; }
        default: throw new Error(`CBOR: major type ${major} not expected here`);
    }
}

function decodeAll(buf: Buffer): Cbor {
    const d = decode(buf);
    assert.equal(d.end, buf.length, "no trailing bytes");
    return d.value;
}

/** Sig_structure ["Signature1", protected, h'', payload], encoded here independently of cose.sh. */
function sigStructure(protectedHdr: Buffer, payload: Buffer): Buffer {
    const head = (major: number, n: number) => n < 24 ? Buffer.from([major << 5 | n])
        : n < 256 ? Buffer.from([major << 5 | 24, n])
            : n < 65536 ? Buffer.from([major << 5 | 25, n >> 8, n & 255])
                : Buffer.concat([Buffer.from([major << 5 | 26]), (() => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; })()]);
    const bstr = (b: Buffer) => Buffer.concat([head(2, b.length), b]);
    return Buffer.concat([head(4, 4), head(3, 10), Buffer.from("Signature1"), bstr(protectedHdr), bstr(Buffer.alloc(0)), bstr(payload)]);
}

/** Runs bash with cose.sh sourced; fails the test on a non-zero exit. */
function coseBash(script: string, cwd: string): string {
    const r = run("bash", ["-c", `set -euo pipefail; . ${COSE_SH}; ${script}`], { cwd });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
}

interface Decoded { phdrRaw: Buffer; phdr: Map<Cbor, Cbor>; unprotected: Map<Cbor, Cbor>; payload: Buffer; sig: Buffer }

function decodeSign1(bytes: Buffer): Decoded {
    const top = decodeAll(bytes) as { tag: number; value: Cbor[] };
    assert.equal(top.tag, 18, "COSE_Sign1 tag");
    assert.equal(top.value.length, 4);
    const [phdrRaw, unprotected, payload, sig] = top.value as [Buffer, Map<Cbor, Cbor>, Buffer, Buffer];
    return { phdrRaw, phdr: decodeAll(phdrRaw) as Map<Cbor, Cbor>, unprotected, payload, sig };
}

function verifies(d: Decoded, certPem: string): boolean {
    const key = new crypto.X509Certificate(certPem).publicKey;
    return crypto.verify("sha384", sigStructure(d.phdrRaw, d.payload), { key, dsaEncoding: "ieee-p1363" }, d.sig);
}

describe("SCITT COSE Sign1 in bash (cose.sh)", () => {
    let dir: string, certPem: string, memberId: string;
    before(() => {
        dir = tempDir("scitt-cose-");
        run("openssl", ["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "k.pem"], { cwd: dir });
        run("openssl", ["req", "-new", "-key", "k.pem", "-x509", "-nodes", "-days", "1", "-sha384", "-subj", "/CN=member0", "-out", "c.pem"], { cwd: dir });
        certPem = fs.readFileSync(path.join(dir, "c.pem"), "utf8");
        memberId = new crypto.X509Certificate(certPem).fingerprint256.replace(/:/g, "").toLowerCase();
    });

    it("is shellcheck-clean", () => {
        assert.deepEqual(shellProblems(fs.readFileSync(COSE_SH, "utf8")), []);
    });

    it("encodes CBOR heads, integers and strings as RFC 8949 Appendix A does", () => {
        const out = coseBash(`for n in 0 23 24 100 1000 1000000 1000000000000 -1 -100 -1000; do cbor_int "$n"; echo; done
            cbor_tstr ""; echo; cbor_tstr IETF; echo; cbor_tstr "ü"; echo; cbor_bstr_hex 01020304; echo; cbor_tag 18; echo; cbor_map 0; echo`, dir);
        assert.deepEqual(out.trim().split("\n"), [
            "00", "17", "1818", "1864", "1903e8", "1a000f4240", "1b000000e8d4a51000", "20", "3863", "3903e7",
            "60", "6449455446", "62c3bc", "4401020304", "d2", "a0",
        ]);
    });

    it("member id is the SHA-256 of the certificate DER, hex", () => {
        assert.equal(coseBash("cose_member_id c.pem", dir).trim(), memberId);
    });

    it("a ballot: tag 18, protected {1:-35, 4:kid, type, created_at, proposal_id} in deterministic order, {} unprotected, verifiable raw r||s", () => {
        fs.writeFileSync(path.join(dir, "ballot.json"), '{"ballot":"export function vote (p, m) { return true }"}');
        const pid = "ab".repeat(32);
        coseBash(`cose_sign1 k.pem c.pem ballot 1732550400 ballot.json ${pid} > ballot.cose`, dir);
        const d = decodeSign1(fs.readFileSync(path.join(dir, "ballot.cose")));
        assert.deepEqual([...d.phdr.keys()], [1, 4, "ccf.gov.msg.type", "ccf.gov.msg.created_at", "ccf.gov.msg.proposal_id"]);
        assert.equal(d.phdr.get(1), -35);
        assert.ok(Buffer.isBuffer(d.phdr.get(4)), "kid is a byte string (CCF reads it with as_bytes)");
        assert.equal((d.phdr.get(4) as Buffer).toString("ascii"), memberId);
        assert.equal(d.phdr.get("ccf.gov.msg.type"), "ballot");
        assert.equal(d.phdr.get("ccf.gov.msg.created_at"), 1732550400);
        assert.equal(d.phdr.get("ccf.gov.msg.proposal_id"), pid);
        assert.equal(d.unprotected.size, 0);
        assert.equal(d.payload.toString(), fs.readFileSync(path.join(dir, "ballot.json"), "utf8"));
        assert.equal(d.sig.length, 96, "ES384 raw signature: 48-byte r || 48-byte s");
        assert.ok(verifies(d, certPem), "signature verifies with the member certificate");
    });

    it("an empty payload (state digest update) has no proposal_id and still verifies", () => {
        fs.writeFileSync(path.join(dir, "empty"), "");
        coseBash("cose_sign1 k.pem c.pem state_digest 7 empty > sd.cose", dir);
        const d = decodeSign1(fs.readFileSync(path.join(dir, "sd.cose")));
        assert.deepEqual([...d.phdr.keys()], [1, 4, "ccf.gov.msg.type", "ccf.gov.msg.created_at"]);
        assert.equal(d.payload.length, 0);
        assert.ok(verifies(d, certPem));
    });

    it("binary payloads of every byte value (NUL, %, \\) longer than one hex chunk survive", () => {
        const payload = Buffer.alloc(5000);
        for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 256;
        fs.writeFileSync(path.join(dir, "bin"), payload);
        coseBash("cose_sign1 k.pem c.pem proposal 1 bin > bin.cose", dir);
        const d = decodeSign1(fs.readFileSync(path.join(dir, "bin.cose")));
        assert.ok(d.payload.equals(payload));
        assert.ok(verifies(d, certPem));
    });

    it("a tampered message does not verify (the check can fail)", () => {
        const bytes = fs.readFileSync(path.join(dir, "ballot.cose"));
        const d = decodeSign1(bytes);
        const tampered = { ...d, payload: Buffer.from(d.payload.toString().replace("true", "fals")) };
        assert.ok(!verifies(tampered, certPem));
    });

    it("DER signatures become fixed-size r||s: leading 00 dropped, short integers left-padded", () => {
        const r = "00" + "8f".repeat(48), s = "7e".repeat(47);
        const der = `30${(2 + 49 + 2 + 47).toString(16)}0231${r}022f${s}`;
        assert.equal(coseBash(`cose_der_to_raw ${der} 48`, dir), "8f".repeat(48) + "00" + "7e".repeat(47));
        const r2 = run("bash", ["-c", `. ${COSE_SH}; cose_der_to_raw 3100 48`]);
        assert.notEqual(r2.status, 0, "not a DER SEQUENCE");
    });
});

// ---------------------------------------------------------------- the entrypoint against the stand-in
interface Ran { status: number | null; stderr: string; stdout: string }

/**
 * Runs the shipped script (cose.sh + entrypoint.sh, exactly as scitt.ts passes it) in a workspace
 * with the stand-in cchost. When stderr matches `until`, runs `onMatch` then sends SIGTERM to bash
 * (as tini forwards `docker stop`), and resolves when it exits.
 */
function entrypoint(cchost: string, ws: string, port: number, opts: { until?: RegExp; onMatch?: () => void; env?: Record<string, string> } = {}): Promise<Ran> {
    const until = opts.until ?? /service open/;
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", SCITT_ENTRYPOINT, "scitt-entrypoint"], {
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin", WORKSPACE: ws, CCF_PORT: String(port), CCF_NODE_PORT: String(port + 1),
                CCHOST: cchost, CONSTITUTION_DIR: path.join(STAND_IN, "constitution"), READY_TIMEOUT_SECONDS: "20",
                TMPDIR: process.env.TMPDIR ?? "/tmp", ...opts.env,
            },
        });
        let stderr = "", stdout = "", signalled = false;
        const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`entrypoint timed out; stderr:\n${stderr}`)); }, 60_000);
        child.stdout.on("data", (b) => { stdout += String(b); });
        child.stderr.on("data", (b) => {
            stderr += String(b);
            if (!signalled && until.test(stderr)) {
                signalled = true;
                try { opts.onMatch?.(); } finally { child.kill("SIGTERM"); }
            }
        });
        child.on("close", (status) => { clearTimeout(timer); resolve({ status, stderr, stdout }); });
    });
}

const read = (...p: string[]) => fs.readFileSync(path.join(...p), "utf8");
/** The node's RPC port and, next to it, its node-to-node port (CCF_NODE_PORT = port + 1). */
const freshPort = () => freePortRun(2);

describe("SCITT entrypoint against the cchost stand-in", function () {
    this.timeout(120_000);
    let cchost: string;
    before(function () {
        if (spawnSync("gcc", ["--version"]).status !== 0) {
            console.warn("      (no gcc: the cchost stand-in cannot be built; entrypoint runs skipped — the e2e image covers them)");
            this.skip();
        }
        cchost = path.join(tempDir("scitt-cchost-"), "cchost");
        const cSources = fs.readdirSync(path.join(STAND_IN, "cchost")).filter((f) => f.endsWith(".c")).map((f) => path.join(STAND_IN, "cchost", f));
        const r = run("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", cchost, ...cSources, "-lssl", "-lcrypto"]);
        assert.equal(r.status, 0, `building the stand-in: ${r.stderr}`);
    });

    it("the shipped script is shellcheck-clean and keeps none of the tools upstream lacks", () => {
        assert.deepEqual(shellProblems(SCITT_ENTRYPOINT), []);
        for (const tool of ["keygenerator.sh", "submit_recovery_share", "ccf_cose_sign1", "scitt governance", "jq ", "python"]) {
            assert.ok(!SCITT_ENTRYPOINT.split("\n").filter((l) => !l.trim().startsWith("#")).some((l) => l.includes(tool)), `uses ${tool}`);
        }
        assert.match(SCITT_ENTRYPOINT, /CONSTITUTION_DIR:-\/opt\/scitt\/share\/scitt\/constitution\}/);
    });

    it("first start: member identity made with openssl once, CCF 7 Start config, governance opens it; healthy only while Open", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        let healthyWhileOpen = -1;
        const r = await entrypoint(cchost, ws, port, { onMatch: () => { healthyWhileOpen = run("bash", ["-c", scittHealthCommand(port, ws)]).status; } });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /ledger: absent → Start/);
        assert.match(r.stderr, /service open \(Start\)/);
        assert.equal(healthyWhileOpen, 0, "the healthcheck passes once the service is Open");
        assert.notEqual(run("bash", ["-c", scittHealthCommand(port, ws)]).status, 0, "and fails when the node is down");

        const config = JSON.parse(read(ws, "node", "cchost.json"));
        const allowed = ["network", "command", "node_certificate", "node_data_json_file", "attestation", "service_data_json_file", "ledger", "snapshots",
            "logging", "consensus", "ledger_signatures", "jwt", "output_files", "tick_interval", "slow_io_logging_threshold", "node_client_interface",
            "client_connection_timeout", "worker_threads", "memory"];
        for (const k of Object.keys(config)) assert.ok(allowed.includes(k), `top-level key ${k} is not in CCF's host config schema`);
        assert.equal(config.enclave, undefined);
        assert.equal(config.command.type, "Start");
        assert.equal(config.command.recover, undefined);
        assert.deepEqual(config.command.start.constitution_files.map((f: string) => path.basename(f)), ["validate.js", "apply.js", "resolve.js", "actions.js", "scitt.js"]);
        assert.deepEqual(config.command.start.members, [{ certificate_file: `${ws}/member0_cert.pem`, encryption_public_key_file: `${ws}/member0_enc_pubk.pem` }]);
        assert.deepEqual(config.output_files, { node_certificate_file: `${ws}/node/node_cert.pem`, pid_file: `${ws}/node/cchost.pid` });
        assert.equal(config.network.rpc_interfaces.main.bind_address, `0.0.0.0:${port}`);

        const sign = run("openssl", ["pkey", "-in", `${ws}/member0_privk.pem`, "-noout", "-text"]);
        assert.match(sign.stdout, /secp384r1|P-384/);
        assert.match(run("openssl", ["x509", "-in", `${ws}/member0_cert.pem`, "-noout", "-subject"]).stdout, /CN ?= ?member0/);
        assert.match(run("openssl", ["rsa", "-in", `${ws}/member0_enc_privk.pem`, "-noout", "-text"]).stdout, /2048 bit/);
        for (const f of ["member0_privk.pem", "member0_enc_privk.pem"]) assert.equal(fs.statSync(path.join(ws, f)).mode & 0o777, 0o600, f);
        assert.ok(!fs.existsSync(path.join(ws, "node", "start.in-progress")));
        assert.ok(fs.existsSync(path.join(ws, "node", "cchost.pid")), "cchost leaves its PID file, as CCF does");
    });

    it("restart with a ledger (docker restart, kill -9, reboot): PID file removed, Recover from the previous cert, share decrypted, Open", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        assert.equal((await entrypoint(cchost, ws, port)).status, 0);
        const firstCert = read(ws, "node", "service_cert.pem"), memberCert = read(ws, "member0_cert.pem");
        const firstLedger = fs.readdirSync(path.join(ws, "node", "ledger"));
        // the new container's own process numbers: a recorded PID that is alive must not block it
        fs.writeFileSync(path.join(ws, "node", "cchost.pid"), String(process.pid));
        const r = await entrypoint(cchost, ws, port);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`removing PID file left by the previous container \\(${process.pid}\\)`));
        assert.match(r.stderr, /ledger: present → Recover/);
        assert.match(r.stderr, /service open \(Recover\)/);
        const config = JSON.parse(read(ws, "node", "cchost.json"));
        assert.equal(config.command.type, "Recover");
        assert.equal(config.command.start, undefined);
        assert.equal(config.command.recover.previous_service_identity_file, `${ws}/node/previous_service_cert.pem`);
        assert.equal(read(ws, "node", "previous_service_cert.pem"), firstCert);
        assert.notEqual(read(ws, "node", "service_cert.pem"), firstCert, "a recovered service has a new identity");
        assert.equal(read(ws, "member0_cert.pem"), memberCert, "member identity reused");
        const ledger = fs.readdirSync(path.join(ws, "node", "ledger"));
        for (const f of firstLedger.filter((n) => n.endsWith(".committed"))) assert.ok(ledger.includes(f), `ledger chunk ${f} kept`);
        assert.ok(!fs.existsSync(path.join(ws, "node", "recovery.in-progress")));

        // and again: the second recovery must use the first recovery's identity as the previous one
        const secondCert = read(ws, "node", "service_cert.pem");
        const again = await entrypoint(cchost, ws, port);
        assert.equal(again.status, 0, again.stderr);
        assert.equal(read(ws, "node", "previous_service_cert.pem"), secondCert);
    });

    it("a recovery stopped half-way resumes with the original previous certificate", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        assert.equal((await entrypoint(cchost, ws, port)).status, 0);
        const original = read(ws, "node", "service_cert.pem");
        const stopped = await entrypoint(cchost, ws, port, { until: /recovery: transition_service_to_open/ });
        assert.doesNotMatch(stopped.stderr, /service open/);
        assert.ok(fs.existsSync(path.join(ws, "node", "recovery.in-progress")));
        assert.notEqual(read(ws, "node", "service_cert.pem"), original, "the stopped recovery wrote a new identity");
        const resumed = await entrypoint(cchost, ws, port);
        assert.equal(resumed.status, 0, resumed.stderr);
        assert.match(resumed.stderr, /resuming a recovery that did not finish/);
        assert.match(resumed.stderr, /service open \(Recover\)/);
        assert.equal(read(ws, "node", "previous_service_cert.pem"), original);
        assert.ok(fs.readdirSync(path.join(ws, "node", "ledger")).every((f) => !f.endsWith(".recovery")), "unfinished .recovery chunks set aside");
    });

    it("a first Start stopped before Open is set aside (kept, not deleted) and started again", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        const stopped = await entrypoint(cchost, ws, port, { until: /first start: activating/ });
        assert.doesNotMatch(stopped.stderr, /service open/);
        assert.ok(fs.existsSync(path.join(ws, "node", "start.in-progress")));
        const r = await entrypoint(cchost, ws, port);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /the first Start did not reach Open; keeping its ledger in failed-start\.\d+/);
        assert.match(r.stderr, /ledger: absent → Start/);
        const aside = fs.readdirSync(path.join(ws, "node")).filter((f) => f.startsWith("failed-start."));
        assert.equal(aside.length, 1);
        assert.ok(fs.readdirSync(path.join(ws, "node", aside[0], "ledger")).length > 0);
    });

    it("a ledger never silently starts anew: a lost ledger, or a Start over an opened one, stops the container and moves nothing", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        assert.equal((await entrypoint(cchost, ws, port)).status, 0);
        const opened = read(ws, "opened_service_cert.pem");
        assert.equal(opened, read(ws, "node", "service_cert.pem"), "the first opened identity is recorded");
        // A Start attempted over the ledger (what a broken Recover did): refused, the ledger stays.
        fs.writeFileSync(path.join(ws, "node", "start.in-progress"), "");
        const ledger = fs.readdirSync(path.join(ws, "node", "ledger")).sort();
        const overOpened = await entrypoint(cchost, ws, port);
        assert.equal(overOpened.status, 1, overOpened.stderr);
        assert.match(overOpened.stderr, /REFUSING to set aside the ledger of the service first opened with identity [0-9A-F:]{95}: .*chainfleet:scitt\.resetToken/);
        assert.deepEqual(fs.readdirSync(path.join(ws, "node", "ledger")).sort(), ledger);
        assert.ok(!fs.readdirSync(path.join(ws, "node")).some((f) => f.startsWith("failed-start.")));
        fs.rmSync(path.join(ws, "node", "start.in-progress"));
        // The ledger gone (a lost volume, a wrong restore): refused, never a new service.
        fs.renameSync(path.join(ws, "node", "ledger"), path.join(ws, "ledger.elsewhere"));
        const lost = await entrypoint(cchost, ws, port);
        assert.equal(lost.status, 1);
        assert.match(lost.stderr, /REFUSING to start a new service: this workspace opened the service [0-9A-F:]{95}, and its ledger .* is gone/);
        assert.doesNotMatch(lost.stderr, /ledger: absent → Start/);
        assert.equal(read(ws, "opened_service_cert.pem"), opened);
        // Put back, it recovers, and the opened identity stays the first one.
        fs.renameSync(path.join(ws, "ledger.elsewhere"), path.join(ws, "node", "ledger"));
        const back = await entrypoint(cchost, ws, port);
        assert.equal(back.status, 0, back.stderr);
        assert.match(back.stderr, /service open \(Recover\)/);
        assert.equal(read(ws, "opened_service_cert.pem"), opened);
    });

    it("a new service only by a reset token, once: the old ledger and identities kept aside", async () => {
        const ws = tempDir("scitt-ws-"), port = await freshPort();
        assert.equal((await entrypoint(cchost, ws, port)).status, 0);
        const first = read(ws, "opened_service_cert.pem");
        const reset = await entrypoint(cchost, ws, port, { env: { SCITT_RESET_TOKEN: "r1" } });
        assert.equal(reset.status, 0, reset.stderr);
        assert.match(reset.stderr, /RESET \(token r1\): keeping the old ledger and identities in .*reset\.\d+ and starting a NEW service/);
        assert.match(reset.stderr, /ledger: absent → Start/);
        const [aside] = fs.readdirSync(ws).filter((f) => f.startsWith("reset."));
        assert.equal(read(ws, aside, "opened_service_cert.pem"), first);
        assert.ok(fs.readdirSync(path.join(ws, aside, "ledger")).length > 0, "the old ledger is kept");
        assert.notEqual(read(ws, "opened_service_cert.pem"), first, "a new service, a new identity");
        // The same token again is no new reset: the new service recovers.
        const again = await entrypoint(cchost, ws, port, { env: { SCITT_RESET_TOKEN: "r1" } });
        assert.equal(again.status, 0, again.stderr);
        assert.doesNotMatch(again.stderr, /RESET/);
        assert.match(again.stderr, /service open \(Recover\)/);
    });

    it("refuses to run without the full constitution (scitt.js) instead of letting governance fail later", async () => {
        const ws = tempDir("scitt-ws-"), cdir = tempDir("scitt-const-");
        for (const f of ["validate", "apply", "resolve", "actions"]) fs.copyFileSync(path.join(STAND_IN, "constitution", `${f}.js`), path.join(cdir, `${f}.js`));
        const r = await entrypoint(cchost, ws, await freshPort(), { env: { CONSTITUTION_DIR: cdir } });
        assert.equal(r.status, 1);
        assert.match(r.stderr, /constitution file .*scitt\.js missing/);
    });
});

describe("SCITT graph", () => {
    let dev: Graph, prod: Graph;
    before(async () => {
        dev = await defaultPlan("dev");
        prod = await defaultPlan("prod");
    });

    it("dev: tini-wrapped entrypoint, upstream's build args (the version, no PLATFORM), ports on the chosen interface, volume retained, healthy = service Open", () => {
        const c = byName(dev, "scitt-container").inputs as Record<string, unknown>;
        assert.equal(c.name, "scitt-service");
        assert.equal(c.restart, "unless-stopped");
        assert.deepEqual((c.entrypoints as string[]).slice(0, 4), ["tini", "--", "bash", "-c"]);
        assert.equal((c.entrypoints as string[])[4], SCITT_ENTRYPOINT);
        assert.ok(!(c.envs as string[]).some((e) => e.startsWith("PLATFORM=")));
        assert.deepEqual(c.ports, [{ internal: 8000, external: 8000, ip: "127.0.0.1", protocol: "tcp" }, { internal: 8001, external: 8001, ip: "127.0.0.1", protocol: "tcp" }]);
        assert.equal((c.volumes as { volumeName: string; containerPath: string }[])[0].containerPath, "/host");
        const hc = c.healthcheck as { tests: string[] };
        assert.deepEqual(hc.tests.slice(0, 3), ["CMD", "bash", "-c"]);
        assert.match(hc.tests[3], /"service_status":"Open"/);
        assert.equal(c.stopTimeout, 30);
        assert.equal(c.memory, 2048);
        assert.equal(c.cpus, "1.0", "cpus in the form the provider reads back");
        const image = byName(dev, "scitt-image").inputs as { build: { args?: Record<string, string> } };
        // Upstream's docker/build.sh passes the version it computes from the checkout (without it the
        // build's cmake runs git describe where there is no .git and stops), and no PLATFORM: CCF 7 has one build.
        // The offline stand-in of the dev stack's source has no tags: describe --always is its short commit id.
        assert.deepEqual(image.build.args, { SCITT_VERSION_OVERRIDE: offlineSource().ref.slice(0, 7) });
        const vol = byName(dev, "scitt-vol-host");
        assert.equal(vol.inputs.name, "scitt-service-vol");
        assert.ok(vol.retainOnDelete, "the workspace volume outlives the stack");
    });

    it("prod: snp device and attestation config, every data volume snapshotted on a schedule, ports only from allowed CIDRs", () => {
        const c = byName(prod, "scitt-container").inputs as { devices: { hostPath: string }[]; volumes: { containerPath: string }[] };
        assert.deepEqual(c.devices.map((d) => d.hostPath), ["/dev/sev-guest"]);
        assert.ok(c.volumes.some((v) => v.containerPath === "/etc/scitt/attestation.json"));
        // One schedule covers every host's data volume (the tag every DockerHost data volume carries).
        const policies = ofType(prod, "aws:dlm/lifecyclePolicy:LifecyclePolicy");
        assert.equal(policies.length, 1);
        const dlm = policies[0].inputs as { policyDetails: { targetTags: Record<string, string>; schedules: { createRule: { interval: number }; retainRule: { count: number } }[] } };
        assert.equal(dlm.policyDetails.schedules[0].createRule.interval, 12);
        assert.equal(dlm.policyDetails.schedules[0].retainRule.count, 14);
        for (const v of ofType(prod, "aws:ebs/volume:Volume")) {
            const tags = v.inputs.tags as Record<string, string>;
            for (const [k, val] of Object.entries(dlm.policyDetails.targetTags)) assert.equal(tags[k], val, `${v.name} is not snapshotted`);
        }
        assert.ok(ofType(prod, "aws:ebs/volume:Volume").length >= 4, "SCITT and the three metagraph hosts");
        const sg = byName(prod, "host-scitt-sg").inputs as { ingress: { fromPort: number; cidrBlocks: string[] }[] };
        const rpc = sg.ingress.find((r) => r.fromPort === 8000)!;
        assert.ok(!rpc.cidrBlocks.includes("0.0.0.0/0"));
        assert.equal(byName(prod, "host-scitt-data").inputs.encrypted, true);
        // SEV-SNP hardware: an AMD SEV-SNP type launched with SEV-SNP enabled; the other hosts are not.
        const host = byName(prod, "host-scitt-instance").inputs as { instanceType: string; cpuOptions?: { amdSevSnp: string } };
        assert.deepEqual([host.instanceType, host.cpuOptions], ["m6a.xlarge", { amdSevSnp: "enabled" }]);
        assert.equal(byName(prod, "host-a-instance").inputs.cpuOptions, undefined);
    });

    it("prod: attestationConfigSource is copied to the SCITT host before the node starts", async () => {
        const file = path.join(tempDir(), "attestation.json");
        fs.writeFileSync(file, "{}");
        const g = await planStack("prod", { "scitt.attestationConfigSource": file });
        const copy = byName(g, "scitt-attestation-config");
        // Copied with scp over the deployer's ssh path, again whenever the file's content changes.
        assert.equal(copy.type, "command:local:Command");
        assert.match(String(copy.inputs.create), /^scp .* -- \S+attestation\.json ec2-user@host-scitt-instance-id:\/data\/scitt\/attestation\.json$/);
        assert.deepEqual(copy.inputs.triggers, [crypto.createHash("sha256").update("{}").digest("hex")]);
        assert.ok(dependsOnTransitively(g, byName(g, "scitt-container"), copy), "the node starts after its attestation config is on the host");
        assert.ok(dependsOnTransitively(g, copy, byName(g, "scitt-attestation-dir")));
    });
});
