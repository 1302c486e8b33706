// Pure builders of a Nitro Enclave parent's set-up (Amazon Linux 2023): allocator and vsock-proxy
// config, the systemd units that run the enclave and its proxies, the user-data script and the KMS
// key policy that binds a secret to the enclave's PCR0. Checked with real tools in the tests.
import { stringify } from "yaml";
import { q } from "./shell";

export interface EnclaveRun {
    /** Name used for units and files. */
    name: string;
    /** s3://bucket/key of the EIF. */
    eifS3Uri: string;
    /** Expected PCR0 (96 hex); the host refuses to run an EIF that measures differently. */
    pcr0: string;
    cpuCount: number;
    memoryMiB: number;
    cid: number;
    /** TCP port the host forwards to the same vsock port of the enclave. */
    servicePort: number;
    /** Egress: vsock-proxy listens on this port and forwards only to rpcHost:443. */
    rpcProxyPort: number;
    rpcHost: string;
    debugMode: boolean;
    /** AWS region of the KMS key (its endpoint kms.<region>.amazonaws.com is the second egress). */
    region: string;
    /** vsock port the parent's config service listens on (CID 3 side); the enclave connects to it at boot. */
    configPort: number;
    /** Egress: a second vsock-proxy listens on this port and forwards only to kms.<region>.amazonaws.com:443. */
    kmsProxyPort: number;
    /** SSM parameter (String) holding the base64 KMS ciphertext of the operator key; the host role may read it. */
    ciphertextParameter: string;
    /** The app's environment except its secret (not secret: BLOCKCHAIN_*, APP_*), delivered at boot. */
    appEnv: Record<string, string>;
}

export const EIF_PATH = "/opt/chainfleet/enclave.eif";
/** Root-only file on the parent: the static part of the boot document (no secret). */
export const BOOT_CONFIG_PATH = "/etc/chainfleet/enclave-boot.json";
export const CONFIG_SERVICE_PATH = "/usr/local/bin/chainfleet-enclave-config";
/** The one remote port both vsock-proxies forward to. */
const TLS_PORT = 443;

/** How the two ends of the boot channel meet: vsock in an enclave, TCP on 127.0.0.1 in tests. */
export type Transport = "vsock" | "tcp";

/** socat address of a listener on `port` (forking: one child per connection). */
export function socatListen(t: Transport, port: number): string {
    return t === "vsock" ? `VSOCK-LISTEN:${port},fork,reuseaddr` : `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`;
}

export function kmsHost(region: string): string {
    return `kms.${region}.amazonaws.com`;
}

export function allocatorYaml(r: Pick<EnclaveRun, "cpuCount" | "memoryMiB">): string {
    return stringify({ memory_mib: r.memoryMiB, cpu_count: r.cpuCount });
}

/** vsock-proxy allowlist: the RPC host and the region's KMS endpoint, on 443 only. */
export function vsockProxyYaml(r: Pick<EnclaveRun, "rpcHost" | "region">): string {
    return stringify({ allowlist: [{ address: r.rpcHost, port: TLS_PORT }, { address: kmsHost(r.region), port: TLS_PORT }] });
}

/** Runs the EIF with nitro-cli; systemd restarts it. */
export function enclaveUnit(r: EnclaveRun): string {
    // What the enclave's boot needs from the parent: config, KMS and RPC egress (it retries if they come late).
    const channels = ["config", "kms-proxy", "egress"].map((u) => `chainfleet-${r.name}-${u}.service`).join(" ");
    const run = ["/usr/bin/nitro-cli", "run-enclave", "--eif-path", EIF_PATH, "--cpu-count", String(r.cpuCount), "--memory", String(r.memoryMiB), "--enclave-cid", String(r.cid), "--enclave-name", r.name, ...(r.debugMode ? ["--debug-mode"] : [])];
    return `[Unit]
Description=chainfleet ${r.name}: Nitro Enclave
Requires=nitro-enclaves-allocator.service
After=nitro-enclaves-allocator.service network-online.target ${channels}
Wants=network-online.target ${channels}
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/usr/local/bin/chainfleet-check-eif
ExecStart=${run.join(" ")}
ExecStop=/usr/bin/nitro-cli terminate-enclave --enclave-name ${r.name}
Restart=on-failure
RestartSec=10s
TimeoutStopSec=30s

[Install]
WantedBy=multi-user.target
`;
}

/** Restarts the enclave unit when the enclave has died (run-enclave returns at once, so a timer watches). */
export function watchdogUnits(r: EnclaveRun): { service: string; timer: string } {
    return {
        service: `[Unit]
Description=chainfleet ${r.name}: restart the enclave if it is not running

[Service]
Type=oneshot
ExecStart=/bin/sh -c '/usr/bin/nitro-cli describe-enclaves | grep -q "\\"EnclaveName\\": \\"${r.name}\\"" || systemctl restart chainfleet-${r.name}.service'
`,
        timer: `[Unit]
Description=chainfleet ${r.name}: enclave watchdog

[Timer]
OnBootSec=2min
OnUnitActiveSec=30s

[Install]
WantedBy=timers.target
`,
    };
}

/** Host TCP port → enclave vsock port (ingress). */
export function ingressProxyUnit(r: EnclaveRun): string {
    return `[Unit]
Description=chainfleet ${r.name}: TCP ${r.servicePort} to enclave vsock ${r.cid}:${r.servicePort}
After=chainfleet-${r.name}.service
Requires=chainfleet-${r.name}.service

[Service]
ExecStart=/usr/bin/socat TCP-LISTEN:${r.servicePort},fork,reuseaddr VSOCK-CONNECT:${r.cid}:${r.servicePort}
Restart=always
RestartSec=2s
DynamicUser=yes
NoNewPrivileges=yes

[Install]
WantedBy=multi-user.target
`;
}

/** A vsock-proxy on its own port (the packaged nitro-enclaves-vsock-proxy holds 8000) to one allowlisted host:443. */
function vsockProxyUnit(r: EnclaveRun, port: number, host: string): string {
    return `[Unit]
Description=chainfleet ${r.name}: vsock-proxy ${port} to ${host}:${TLS_PORT}
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/bin/vsock-proxy ${port} ${host} ${TLS_PORT} --config /etc/nitro_enclaves/chainfleet-vsock-proxy.yaml
Restart=always
RestartSec=2s
DynamicUser=yes
NoNewPrivileges=yes

[Install]
WantedBy=multi-user.target
`;
}

/** vsock-proxy for RPC egress. */
export function egressProxyUnit(r: EnclaveRun): string {
    return vsockProxyUnit(r, r.rpcProxyPort, r.rpcHost);
}

/** vsock-proxy for the enclave's attested KMS calls (kmstool_enclave_cli --proxy-port). */
export function kmsProxyUnit(r: EnclaveRun): string {
    return vsockProxyUnit(r, r.kmsProxyPort, kmsHost(r.region));
}

/**
 * The static part of the boot document (protocol in components/systems/lottery/enclave/enclave-init.sh):
 * where the enclave's KMS and RPC egress are, its ingress port and the app's environment. No secret.
 */
export function bootConfig(r: EnclaveRun): object {
    return {
        version: 1,
        region: r.region,
        kmsProxyPort: r.kmsProxyPort,
        rpc: { host: r.rpcHost, port: TLS_PORT, proxyPort: r.rpcProxyPort },
        ingressPort: r.servicePort,
        env: r.appEnv,
    };
}

/**
 * The parent's config service: socat runs it once per connection and sends its stdout to the
 * enclave. It adds to the boot config the ciphertext (SSM, each request) and the instance role's
 * short-lived credentials (IMDSv2, each request), which the enclave needs to call KMS with its
 * attestation document; KMS decrypts only for PCR0 (key policy), so the parent holding the same
 * credentials learns nothing. Secrets never go into an argv: the credentials reach jq on stdin.
 * On failure it answers {"error": …} so the enclave can say what is missing. The enclave's first
 * line is its request: "boot" (answer the document) or "failed: <why>" (logged to the journal: an
 * enclave's console is closed outside debug mode, so this is where a failed boot is seen).
 * IMDSv2: docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-retrieval.html (token PUT, then
 * GET iam/security-credentials/<role>, whose JSON has AccessKeyId, SecretAccessKey, Token, Expiration).
 */
export function configServiceScript(r: EnclaveRun): string {
    return `#!/bin/bash
# chainfleet ${r.name}: answers one boot document (JSON) on stdout; run by socat per enclave connection.
set -euo pipefail
boot="\${CHAINFLEET_BOOT_CONFIG:-${BOOT_CONFIG_PATH}}"
imds="\${CHAINFLEET_IMDS_ENDPOINT:-http://169.254.169.254}"
fail() {
  echo "chainfleet-enclave-config: $1" >&2
  jq -cn --arg e "$1" '{error: $e}'
  exit 1
}
IFS= read -r -t 10 request || request=""
case "$request" in
  boot) ;;
  "failed: "*)
    why=\${request#failed: }
    echo "chainfleet-enclave-config: the enclave's boot failed: \${why//[^[:print:]]/?}" >&2
    exit 0 ;;
  *) fail "unknown request '\${request//[^[:alnum:] :-]/?}' (the enclave asks 'boot')" ;;
esac
[ -r "$boot" ] || fail "boot config $boot is missing"
region=$(jq -er .region "$boot") || fail "boot config $boot has no region"
token=$(curl -sf -m 5 -X PUT "$imds/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 60") || fail "IMDSv2 gave no token"
role=$(curl -sf -m 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/iam/security-credentials/") || fail "IMDS lists no instance role"
role=\${role%%$'\n'*}
creds=$(curl -sf -m 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/iam/security-credentials/$role") || fail "IMDS gave no credentials for role $role"
ciphertext=$(aws ssm get-parameter --region "$region" --name ${q(r.ciphertextParameter)} --query Parameter.Value --output text) || fail "cannot read SSM parameter ${r.ciphertextParameter}"
[ -n "$ciphertext" ] || fail "SSM parameter ${r.ciphertextParameter} is empty"
printf '%s' "$creds" | jq -ce --slurpfile boot "$boot" --arg ct "$ciphertext" '
  select(.Code == "Success" and (.AccessKeyId | type) == "string" and (.SecretAccessKey | type) == "string" and (.Token | type) == "string")
  | $boot[0] + {operatorKeyCiphertext: $ct, credentials: {accessKeyId: .AccessKeyId, secretAccessKey: .SecretAccessKey, sessionToken: .Token, expiration: .Expiration}}' \
  || fail "IMDS credentials for role $role are not usable (Code is not Success or a field is missing)"
`;
}

/** Parent side of the boot channel: one answer per connection on the config port. */
export function configServiceUnit(r: EnclaveRun, t: Transport = "vsock"): string {
    return `[Unit]
Description=chainfleet ${r.name}: boot config for the enclave on vsock port ${r.configPort}
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/bin/socat ${socatListen(t, r.configPort)} EXEC:${CONFIG_SERVICE_PATH}
Restart=always
RestartSec=2s
NoNewPrivileges=yes
ProtectSystem=full
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
`;
}

/** Fetches the EIF and refuses it unless its PCR0 is the expected one. */
export function checkEifScript(r: EnclaveRun): string {
    return `#!/bin/bash
# Fetches the EIF from S3 and checks its PCR0 before every enclave start.
set -euo pipefail
eif=${q(r.eifS3Uri)}
want=${q(r.pcr0)}
aws s3 cp "$eif" ${EIF_PATH}.new
pcr0=$(nitro-cli describe-eif --eif-path ${EIF_PATH}.new | sed -n 's/.*"PCR0"[[:space:]]*:[[:space:]]*"\\([0-9a-f]*\\)".*/\\1/p' | head -n 1)
if [ "$pcr0" != "$want" ]; then
  echo "EIF $eif has PCR0 $pcr0, expected $want: refusing to run it" >&2
  rm -f ${EIF_PATH}.new
  exit 1
fi
mv ${EIF_PATH}.new ${EIF_PATH}
`;
}

/** Files the user data writes: path → content. */
export function enclaveHostFiles(r: EnclaveRun): Record<string, string> {
    const w = watchdogUnits(r);
    return {
        "/etc/nitro_enclaves/allocator.yaml": allocatorYaml(r),
        "/etc/nitro_enclaves/chainfleet-vsock-proxy.yaml": vsockProxyYaml(r),
        "/usr/local/bin/chainfleet-check-eif": checkEifScript(r),
        [BOOT_CONFIG_PATH]: `${JSON.stringify(bootConfig(r), null, 2)}\n`,
        [CONFIG_SERVICE_PATH]: configServiceScript(r),
        [`/etc/systemd/system/chainfleet-${r.name}.service`]: enclaveUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-watchdog.service`]: w.service,
        [`/etc/systemd/system/chainfleet-${r.name}-watchdog.timer`]: w.timer,
        [`/etc/systemd/system/chainfleet-${r.name}-ingress.service`]: ingressProxyUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-egress.service`]: egressProxyUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-kms-proxy.service`]: kmsProxyUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-config.service`]: configServiceUnit(r),
    };
}

/** The user-data script of an enclave parent. */
export function enclaveHostUserData(r: EnclaveRun): string {
    const files = enclaveHostFiles(r);
    const writes = Object.entries(files).map(([p, content], i) => {
        const tag = `CHAINFLEET_EOF_${i}`;
        return `mkdir -p ${q(p.slice(0, p.lastIndexOf("/")))}\ncat > ${q(p)} <<'${tag}'\n${content.replace(/\n$/, "")}\n${tag}`;
    });
    return `#!/bin/bash
# chainfleet Nitro Enclave parent (Amazon Linux 2023), written by the NitroEnclaveHost component.
set -euo pipefail
dnf install -y aws-nitro-enclaves-cli aws-nitro-enclaves-cli-devel socat jq amazon-ssm-agent
usermod -aG ne ec2-user
${writes.join("\n")}
chmod 0755 /usr/local/bin/chainfleet-check-eif
chmod 0700 ${CONFIG_SERVICE_PATH}
chmod 0600 ${BOOT_CONFIG_PATH}
mkdir -p /opt/chainfleet
systemctl daemon-reload
systemctl enable --now nitro-enclaves-allocator.service nitro-enclaves-vsock-proxy.service amazon-ssm-agent
systemctl enable --now chainfleet-${r.name}.service chainfleet-${r.name}-watchdog.timer chainfleet-${r.name}-ingress.service chainfleet-${r.name}-egress.service \\
  chainfleet-${r.name}-kms-proxy.service chainfleet-${r.name}-config.service
`;
}

/**
 * KMS key policy: the account administers the key but cannot decrypt; the host role may decrypt
 * only with an attestation document whose ImageSha384 (PCR0) is the EIF's. The enclave's call
 * (kmstool_enclave_cli: the Nitro Enclaves SDK adds the Recipient attestation document to every KMS
 * request) passes; the parent's call with the same role credentials carries no attestation, so the
 * condition key is absent and the request is denied (docs.aws.amazon.com/kms/latest/developerguide/
 * conditions-nitro-enclave.html: "effective only when the Recipient parameter … specifies a signed
 * attestation document"; attested-calls.html). No IAM policy grants kms:* to the host role.
 * Encrypt goes to the account (whoever IAM lets encrypt: the deployer), not to the caller's ARN:
 * for a deployer on an assumed role that ARN is the STS session (`…:assumed-role/R/<session>`),
 * different on every run and every deployer, so naming it rewrote the policy on each `up`.
 */
export function enclaveKeyPolicy(a: { accountId: string; partition: string; hostRoleArn: string; pcr0: string }) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersButNeverDecrypts",
                Effect: "Allow",
                Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
                Action: [
                    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion",
                ],
                Resource: "*",
            },
            {
                Sid: "AccountEncryptsThroughIAM",
                Effect: "Allow",
                Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
                Action: ["kms:Encrypt"],
                Resource: "*",
            },
            {
                Sid: "EnclaveDecryptsWithAttestation",
                Effect: "Allow",
                Principal: { AWS: a.hostRoleArn },
                Action: ["kms:Decrypt"],
                Resource: "*",
                Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": a.pcr0 } },
            },
        ],
    };
}
