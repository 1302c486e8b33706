// Pure builder of a Docker host's cloud-init (Amazon Linux 2023): installs and hardens Docker,
// mounts the data volume without ever reformatting it, and enables SSM.
import { q } from "./shell";

export interface DockerHostCloudInit {
    /** EBS volume id of the data volume (vol-…), found by its NVMe serial; omitted = no data volume. */
    dataVolumeId?: string;
    /** Mount point of the data volume. */
    dataDir: string;
    /** Log rotation applied by the engine to every container: max size of one file and files kept. */
    logMaxSize: string;
    logMaxFiles: number;
    /** Extra shell run at the end (e.g. an enclave host's setup). */
    extra?: string;
    /** Login user that runs the Docker provider's `docker system dial-stdio` over ssh: joins the docker group. */
    dockerUser?: string;
}

/**
 * Docker daemon defaults: rotate logs, no inter-container traffic on the default bridge, live
 * restore; with a data volume, Docker's data root (every volume: ledgers, node data) lives on it,
 * so it survives the host's replacement and is covered by its snapshots.
 */
export function daemonJson(c: Pick<DockerHostCloudInit, "logMaxSize" | "logMaxFiles"> & { dataRoot?: string }): string {
    return JSON.stringify({
        ...(c.dataRoot ? { "data-root": c.dataRoot } : {}),
        "log-driver": "json-file",
        "log-opts": { "max-size": c.logMaxSize, "max-file": String(c.logMaxFiles) },
        "icc": false,
        "live-restore": true,
        "no-new-privileges": true,
        "userland-proxy": false,
    }, null, 2);
}

/** The user-data script (a shell script, which cloud-init runs once at first boot). */
export function dockerHostUserData(c: DockerHostCloudInit): string {
    const mountData = c.dataVolumeId
        ? `
# Data volume: wait for the attachment, make a filesystem only if the volume has none, mount by UUID.
dev=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${c.dataVolumeId.replace("-", "")}
for _ in $(seq 1 60); do [ -e "$dev" ] && break; sleep 5; done
[ -e "$dev" ] || { echo "data volume ${c.dataVolumeId} never attached" >&2; exit 1; }
if ! blkid "$dev" >/dev/null 2>&1; then mkfs.xfs -L chainfleet-data "$dev"; fi
mkdir -p ${q(c.dataDir)}
uuid=$(blkid -s UUID -o value "$dev")
grep -q "$uuid" /etc/fstab || echo "UUID=$uuid ${c.dataDir} xfs defaults,nofail 0 2" >> /etc/fstab
mount -a
# ssh host keys live on the data volume: a replacement host answers with the key the deployer
# recorded (known_hosts, HostKeyAlias chainfleet-<label>) instead of a new one it must refuse.
keys=${q(c.dataDir)}/.chainfleet/ssh-host-keys
if compgen -G "$keys/ssh_host_*_key" >/dev/null; then
  cp -p "$keys"/ssh_host_* /etc/ssh/
  systemctl restart sshd
else
  install -d -m 0700 "$keys"
  cp -p /etc/ssh/ssh_host_* "$keys"/
fi
`
        : "";
    return `#!/bin/bash
# chainfleet Docker host (Amazon Linux 2023), written by the DockerHost component.
set -euo pipefail
dnf install -y docker amazon-ssm-agent
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<'JSON'
${daemonJson({ ...c, dataRoot: c.dataVolumeId ? `${c.dataDir}/docker` : undefined })}
JSON
${mountData}
systemctl enable --now docker amazon-ssm-agent
${c.dockerUser ? `usermod -aG docker ${q(c.dockerUser)}   # the Docker provider's ssh user uses the engine without sudo` : ""}
${c.extra ?? ""}
`;
}
