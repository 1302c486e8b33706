#!/usr/bin/env bash
# Readiness functions shared by every gate. The program sends this file followed by one call, as a
# single script, so it runs the same on this machine (dev) and on a host over SSH (prod).
# Needs bash and sed (curl when present; else bash's /dev/tcp), no jq. Node containers carry it
# too, for their joiner and health check.
# shellcheck disable=SC2317  # a library: each script that includes it calls some of its functions

# Prints the value of a top-level string field of a JSON object read on stdin.
json_field() {
  sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1
}

# wait_for_state URL FIELD EXPECTED TIMEOUT_SECONDS [INTERVAL_SECONDS]
# Waits until URL answers JSON whose FIELD equals EXPECTED exactly ("Ready" is not "ReadyToJoin"),
# then prints that JSON. On timeout says what it waited for and what it last saw, and fails.
wait_for_state() {
  local url=$1 field=$2 expected=$3 timeout_s=$4 interval_s=${5:-2}
  local deadline=$((SECONDS + timeout_s)) last="no answer yet" body value
  while :; do
    if body=$(curl -fsS --max-time 5 "$url" 2>&1); then
      value=$(printf '%s' "$body" | json_field "$field")
      if [ "$value" = "$expected" ]; then
        printf '%s\n' "$body"
        return 0
      fi
      last="$field=\"$value\""
    else
      last="request failed: $body"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out after ${timeout_s}s waiting for $field == \"$expected\" at $url; last seen: $last" >&2
      return 1
    fi
    sleep "$interval_s"
  done
}

# http_get URL: prints the body of a 2xx answer (curl when the image has it, else bash's /dev/tcp,
# so it works in a slim application image too). Fails on anything else.
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "$1"
    return
  fi
  local rest=${1#http://} host port path status line
  host=${rest%%/*}; path=/${rest#*/}; [ "$rest" = "$host" ] && path=/
  port=80; case "$host" in *:*) port=${host##*:}; host=${host%%:*} ;; esac
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
  IFS=' ' read -r _ status _ <&3 || { exec 3<&-; return 1; }
  while IFS= read -r line <&3 && [ "${line%$'\r'}" != "" ]; do :; done
  cat <&3
  exec 3<&-
  [ "${status:0:1}" = 2 ]
}

# http_post_json URL BODY: POSTs JSON and prints the HTTP status code (000 when nothing answered).
http_post_json() {
  if command -v curl >/dev/null 2>&1; then
    curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' -d "$2" "$1" || echo 000
    return
  fi
  local rest=${1#http://} host port path status
  host=${rest%%/*}; path=/${rest#*/}
  port=80; case "$host" in *:*) port=${host##*:}; host=${host%%:*} ;; esac
  if ! exec 3<>"/dev/tcp/$host/$port"; then echo 000; return; fi
  printf 'POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$path" "$host" "${#2}" "$2" >&3
  IFS=' ' read -r _ status _ <&3 || status=000
  exec 3<&-
  echo "${status:-000}"
}

# node_state BASE_URL: the node's state from /node/info ("" when it does not answer).
node_state() {
  http_get "$1/node/info" | json_field state
}

# node_healthy BASE_URL: succeeds when the node's state is exactly Ready — the container health
# check (a node answering in ReadyToJoin or SessionStarted is not healthy).
node_healthy() {
  [ "$(node_state "$1" 2>/dev/null)" = Ready ]
}

# wait_joined SELF_URL PEER_URL TIMEOUT_SECONDS [INTERVAL]: waits until the validator is Ready and
# the cluster's initial validator lists it in /cluster/info. The node's own entrypoint joins it;
# this only proves it (one joiner per node).
wait_joined() {
  local self_url=$1 peer_url=$2 timeout_s=$3 interval_s=${4:-3} id deadline
  deadline=$((SECONDS + timeout_s))
  id=$(wait_for_state "$self_url/node/info" state Ready "$timeout_s" "$interval_s" | json_field id) || return 1
  until http_get "$peer_url/cluster/info" 2>/dev/null | grep -q "\"$id\""; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out after ${timeout_s}s: $self_url is Ready but $peer_url/cluster/info does not list it" >&2
      return 1
    fi
    sleep "$interval_s"
  done
  echo "joined: $self_url is Ready and in the cluster of $peer_url"
}

# check_versions EXPECTED NAME=URL...: every node's /node/info version must equal EXPECTED (a
# leading "v" ignored on both sides); fails naming every node that differs or does not answer.
check_versions() {
  local expected=${1#v} pair name url got bad=()
  shift
  for pair in "$@"; do
    name=${pair%%=*}
    url=${pair#*=}
    got=$(http_get "$url/node/info" 2>/dev/null | json_field version || true)
    [ "${got#v}" = "$expected" ] || bad+=("$name runs ${got:-nothing (no answer)}")
  done
  if [ "${#bad[@]}" -gt 0 ]; then
    local list
    list=$(printf '%s, ' "${bad[@]}")
    echo "Tessellation version mismatch: expected $expected, but ${list%, }" >&2
    return 1
  fi
  echo "all $# nodes run $expected"
}
