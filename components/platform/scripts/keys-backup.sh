#!/bin/bash
# chainfleet keys-backup: keeps a copy of a host's OttoChain node keystores off the host, in its
# Secrets Manager secret (encrypted with the stack's KMS key), whenever the set of keystores changes.
# Run by chainfleet-keys-backup.service (a timer) as root.
#   usage: keys-backup KEYS_DIR SECRET_ID REGION
# The archive is deterministic (sorted names, fixed times and owners, gzip -n), so an unchanged set
# hashes the same and is not sent again; a failed send leaves the recorded hash alone, so the next
# run sends it. Restore: aws secretsmanager get-secret-value --secret-id SECRET_ID --query
# SecretBinary --output text | base64 -d | tar -xz -C KEYS_DIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: keys-backup KEYS_DIR SECRET_ID REGION" >&2; exit 64; }
keys=$1 secret=$2 region=$3
state_dir=${CHAINFLEET_STATE_DIR:-/var/lib/chainfleet}
limit=65536 # Secrets Manager's SecretBinary limit, bytes
shopt -s nullglob
stores=("$keys"/*.p12)
if [ ${#stores[@]} -eq 0 ]; then
    echo "keys-backup: no keystores in $keys yet"
    exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
names=("${stores[@]##*/}")
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$keys" -cf - "${names[@]}" | gzip -n >"$tmp"
size=$(stat -c %s "$tmp")
if [ "$size" -gt "$limit" ]; then
    echo "keys-backup: the ${#stores[@]} keystores in $keys make $size bytes, over Secrets Manager's $limit; nothing sent" >&2
    exit 1
fi
sum=$(sha256sum "$tmp" | cut -d' ' -f1)
if [ -f "$state_dir/keys-backup.sha256" ] && [ "$(cat "$state_dir/keys-backup.sha256")" = "$sum" ]; then
    echo "keys-backup: ${#stores[@]} keystores unchanged since the last backup"
    exit 0
fi
aws secretsmanager put-secret-value --region "$region" --secret-id "$secret" --secret-binary "fileb://$tmp" --query VersionId --output text >/dev/null
install -d -m 0700 "$state_dir"
printf '%s\n' "$sum" >"$state_dir/keys-backup.sha256"
echo "keys-backup: ${#stores[@]} keystores ($size bytes) sent to $secret"
