#!/usr/bin/env bash
# Build the e2e stand-in images from Debian packages only (no registry), skipping any image whose
# sources have not changed. Convention (see test/e2e/images/README.md):
#   images/base/rootfs.sh   makes a bookworm minbase rootfs (debootstrap); imported as chainfleet-e2e/base
#   images/<name>/          a Dockerfile `ARG BASE=chainfleet-e2e/base:latest` / `FROM ${BASE}`, built as
#                           chainfleet-e2e/<name>:latest (and :<hash12>)
#   images/<name>/DEPENDS   optional: the folder this image builds on (passed as BASE); default base
# An image's hash covers every file of its folder (names, contents, executable bits) and its BASE's hash;
# it is stored in the label chainfleet.e2e.hash, and a build is skipped when an image with that hash exists.
# Usage: build-images.sh [name...]   (default: every folder; names bring their DEPENDS chain along)
# Env: CHAINFLEET_E2E_FORCE=1 rebuilds everything; CHAINFLEET_E2E_VERBOSE=1 streams build output.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
images_dir="$here/images"
repo="chainfleet-e2e"
label="chainfleet.e2e.hash"
log_dir="${TMPDIR:-/tmp}/chainfleet-e2e-build"
force="${CHAINFLEET_E2E_FORCE:-0}"
verbose="${CHAINFLEET_E2E_VERBOSE:-0}"
# How the base is imported; part of the base hash so changing it rebuilds.
base_changes=(
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "ENV LANG=C.UTF-8"
    "CMD [\"bash\"]"
)

declare -A hash_of=()    # name -> full hash, once built or found
declare -A visiting=()   # DEPENDS cycle guard
timings=()

log() { printf 'build-images: %s\n' "$*" >&2; }

now() { printf '%s\n' "${EPOCHREALTIME/[.,]/}"; }   # microseconds
elapsed() { local us=$(( $(now) - $1 )); printf '%d.%01ds' $((us / 1000000)) $(( (us % 1000000) / 100000 )); }

# sha256 of a folder's file names, contents and executable bits, plus any extra strings.
hash_sources() {
    local dir="$1"; shift
    {
        (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
        (cd "$dir" && find . -type f -perm -u+x -print0 | LC_ALL=C sort -z | tr '\0' '\n')
        printf '%s\n' "$@"
    } | sha256sum | cut -d' ' -f1
}

# The hash label of an image, or nothing when it does not exist.
image_hash() { docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true; }

# Run a build step in a subshell (outside any if/|| so that `set -e` applies inside it), its output
# in a log file printed on failure, or streamed to stderr when verbose.
run_logged() {
    local name="$1"; shift
    mkdir -p "$log_dir"
    local log_file="$log_dir/$name.log" rc
    if [ "$verbose" = 1 ]; then log_file=/dev/stderr; else : >"$log_file"; fi
    set +e
    (set -e; exec >>"$log_file" 2>&1; "$@")
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
        log "$name failed (exit $rc)"
        [ "$verbose" = 1 ] || { log "last lines of $log_file:"; tail -n 40 "$log_file" >&2; }
        return "$rc"
    fi
}

# If an image with this hash exists, point :latest at it and succeed.
reuse() {
    local name="$1" h="$2" tag="$repo/$1:${2:0:12}"
    [ "$force" = 1 ] && return 1
    [ "$(image_hash "$tag")" = "$h" ] || return 1
    docker tag "$tag" "$repo/$name:latest"
}

import_base() {
    local h="$1" work
    work="$(mktemp -d "${TMPDIR:-/tmp}/chainfleet-e2e-rootfs.XXXXXX")"
    # shellcheck disable=SC2064 # expand now; run_logged runs this in a subshell, so this EXIT trap is its own
    trap "rm -rf '$work'" EXIT
    "$images_dir/base/rootfs.sh" "$work/rootfs"
    local changes=() c
    for c in "${base_changes[@]}" "LABEL $label=$h"; do changes+=(--change "$c"); done
    tar --numeric-owner --xattrs -C "$work/rootfs" -c . | docker import "${changes[@]}" - "$repo/base:${h:0:12}" >/dev/null
    docker tag "$repo/base:${h:0:12}" "$repo/base:latest"
}

build_one() {
    local name="$1" dir="$images_dir/$1"
    [ -n "${hash_of[$name]:-}" ] && return 0
    [ -d "$dir" ] || { log "no image folder $dir"; return 1; }
    [ -z "${visiting[$name]:-}" ] || { log "DEPENDS cycle through $name"; return 1; }
    visiting[$name]=1

    local h start
    if [ "$name" = base ]; then
        h="$(hash_sources "$dir" "${base_changes[@]}")"
        start="$(now)"
        if reuse base "$h"; then
            timings+=("base: up to date (${h:0:12}) $(elapsed "$start")")
        else
            command -v debootstrap >/dev/null || { log "base needs debootstrap: apt-get install -y debootstrap"; return 1; }
            log "base: debootstrap bookworm minbase + docker import"
            run_logged base import_base "$h"
            timings+=("base: built (${h:0:12}) $(elapsed "$start")")
        fi
    else
        [ -f "$dir/Dockerfile" ] || { log "$dir has no Dockerfile"; return 1; }
        local dep=base
        if [ -f "$dir/DEPENDS" ]; then dep="$(tr -d '[:space:]' <"$dir/DEPENDS")"; fi
        build_one "$dep"
        h="$(hash_sources "$dir" "BASE=${hash_of[$dep]}")"
        start="$(now)"
        if reuse "$name" "$h"; then
            timings+=("$name: up to date (${h:0:12}) $(elapsed "$start")")
        else
            log "$name: docker build FROM $repo/$dep:${hash_of[$dep]:0:12}"
            # --network host: build steps reach deb.debian.org even where the bridge has no egress.
            run_logged "$name" docker build --network host \
                --build-arg "BASE=$repo/$dep:${hash_of[$dep]:0:12}" \
                --label "$label=$h" \
                -t "$repo/$name:${h:0:12}" -t "$repo/$name:latest" "$dir"
            timings+=("$name: built (${h:0:12}) $(elapsed "$start")")
        fi
    fi
    hash_of[$name]="$h"
    unset "visiting[$name]"
}

main() {
    docker info >/dev/null 2>&1 || { log "no Docker engine answers (test/e2e/engine.sh start)"; return 1; }
    local names=("$@") total
    if [ "${#names[@]}" -eq 0 ]; then
        local d
        for d in "$images_dir"/*/; do names+=("$(basename "$d")"); done
    fi
    total="$(now)"
    build_one base
    local n
    for n in "${names[@]}"; do build_one "$n"; done
    printf 'build-images: %s\n' "${timings[@]}"
    printf 'build-images: total %s\n' "$(elapsed "$total")"
    docker image ls "$repo/*:latest" --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | sort
}

main "$@"
