#!/usr/bin/env bash
# Make the e2e base root filesystem in $1: Debian bookworm minbase from deb.debian.org, with the
# security and updates suites enabled and apt set up the way debian:bookworm-slim sets it up for
# image builds (no recommends, no package cache kept). build-images.sh imports the result as
# chainfleet-e2e/base. Needs debootstrap on the host and root.
set -euo pipefail

target="${1:?usage: rootfs.sh <empty target dir>}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

debootstrap --variant=minbase bookworm "$target" "$mirror" >&2

# One sources file for bookworm, bookworm-updates and bookworm-security.
rm -f "$target/etc/apt/sources.list"
cat >"$target/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# Image-build apt settings: no recommends, downloaded .debs removed after install.
cat >"$target/etc/apt/apt.conf.d/90chainfleet-e2e" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
EOF

# Like debian:bookworm-slim: packages installed later leave out manuals and docs (copyright kept).
cat >"$target/etc/dpkg/dpkg.cfg.d/90chainfleet-e2e-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
EOF
find "$target/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
rm -rf "$target"/usr/share/man/* "$target"/usr/share/info/*

# Bring the security and point-release updates in, then drop every cache.
chroot "$target" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade >/dev/null && apt-get clean' >&2
rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/* "$target"/var/log/*.log "$target"/tmp/* "$target"/root/.bash_history
# The container runtime provides these.
: >"$target/etc/hostname"
: >"$target/etc/resolv.conf"
