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
}

export const EIF_PATH = "/opt/chainfleet/enclave.eif";

export function allocatorYaml(r: Pick<EnclaveRun, "cpuCount" | "memoryMiB">): string {
    return stringify({ memory_mib: r.memoryMiB, cpu_count: r.cpuCount });
}

/** vsock-proxy allowlist: the RPC host on 443 only. */
export function vsockProxyYaml(r: Pick<EnclaveRun, "rpcHost">): string {
    return stringify({ allowlist: [{ address: r.rpcHost, port: 443 }] });
}

/** Runs the EIF with nitro-cli; systemd restarts it. */
export function enclaveUnit(r: EnclaveRun): string {
    const run = ["/usr/bin/nitro-cli", "run-enclave", "--eif-path", EIF_PATH, "--cpu-count", String(r.cpuCount), "--memory", String(r.memoryMiB), "--enclave-cid", String(r.cid), "--enclave-name", r.name, ...(r.debugMode ? ["--debug-mode"] : [])];
    return `[Unit]
Description=chainfleet ${r.name}: Nitro Enclave
Requires=nitro-enclaves-allocator.service
After=nitro-enclaves-allocator.service network-online.target
Wants=network-online.target
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

/** vsock-proxy for RPC egress, on its own port (the packaged nitro-enclaves-vsock-proxy holds 8000). */
export function egressProxyUnit(r: EnclaveRun): string {
    return `[Unit]
Description=chainfleet ${r.name}: vsock-proxy ${r.rpcProxyPort} to ${r.rpcHost}:443
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/bin/vsock-proxy ${r.rpcProxyPort} ${r.rpcHost} 443 --config /etc/nitro_enclaves/chainfleet-vsock-proxy.yaml
Restart=always
RestartSec=2s
DynamicUser=yes
NoNewPrivileges=yes

[Install]
WantedBy=multi-user.target
`;
}

/** Fetches the EIF and refuses it unless its PCR0 is the expected one. */
export function checkEifScript(r: EnclaveRun): string {
    return `#!/bin/bash
# Fetches the EIF from S3 and checks its PCR0 before every enclave start.
set -euo pipefail
aws s3 cp ${q(r.eifS3Uri)} ${EIF_PATH}.new
pcr0=$(nitro-cli describe-eif --eif-path ${EIF_PATH}.new | sed -n 's/.*"PCR0"[[:space:]]*:[[:space:]]*"\\([0-9a-f]*\\)".*/\\1/p' | head -n 1)
if [ "$pcr0" != ${q(r.pcr0)} ]; then
  echo "EIF ${r.eifS3Uri} has PCR0 $pcr0, expected ${r.pcr0}: refusing to run it" >&2
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
        [`/etc/systemd/system/chainfleet-${r.name}.service`]: enclaveUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-watchdog.service`]: w.service,
        [`/etc/systemd/system/chainfleet-${r.name}-watchdog.timer`]: w.timer,
        [`/etc/systemd/system/chainfleet-${r.name}-ingress.service`]: ingressProxyUnit(r),
        [`/etc/systemd/system/chainfleet-${r.name}-egress.service`]: egressProxyUnit(r),
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
dnf install -y aws-nitro-enclaves-cli aws-nitro-enclaves-cli-devel socat amazon-ssm-agent
usermod -aG ne ec2-user
${writes.join("\n")}
chmod 0755 /usr/local/bin/chainfleet-check-eif
mkdir -p /opt/chainfleet
systemctl daemon-reload
systemctl enable --now nitro-enclaves-allocator.service nitro-enclaves-vsock-proxy.service amazon-ssm-agent
systemctl enable --now chainfleet-${r.name}.service chainfleet-${r.name}-watchdog.timer chainfleet-${r.name}-ingress.service chainfleet-${r.name}-egress.service
`;
}

/**
 * KMS key policy: the account administers the key but cannot decrypt; the host role may decrypt
 * only with an attestation document whose ImageSha384 (PCR0) is the EIF's.
 */
export function enclaveKeyPolicy(a: { accountId: string; partition: string; hostRoleArn: string; deployerArn: string; pcr0: string }) {
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
                Sid: "DeployerEncryptsTheOperatorKey",
                Effect: "Allow",
                Principal: { AWS: a.deployerArn },
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
