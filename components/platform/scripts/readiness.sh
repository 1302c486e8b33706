#!/usr/bin/env bash
# Readiness functions shared by every gate. The program sends this file followed by one call, as a
# single script, so it runs the same on this machine (dev) and on a host over SSH (prod).
# Needs bash, curl and sed only (no jq on the hosts).

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

# cluster_join SELF_URL SELF_CLI_PORT PEER_URL PEER_IP PEER_P2P_PORT ATTEMPTS TIMEOUT_SECONDS [INTERVAL]
# Joins a Tessellation validator to its cluster from the validator's own host (its CLI port
# listens on 127.0.0.1 only): waits for ReadyToJoin, reads the initial validator's peer id from its
# /node/info, POSTs /cluster/join with bounded retries on 409, then waits for Ready.
cluster_join() {
  local self_url=$1 cli_port=$2 peer_url=$3 peer_ip=$4 peer_p2p=$5 attempts=$6 timeout_s=$7 interval_s=${8:-3}
  local state peer_id payload attempt=1 code body out
  state=$(curl -fsS --max-time 5 "$self_url/node/info" 2>/dev/null | json_field state || true)
  if [ "$state" = "Ready" ]; then
    echo "already joined: $self_url is Ready"
    return 0
  fi
  wait_for_state "$self_url/node/info" state ReadyToJoin "$timeout_s" "$interval_s" >/dev/null || return 1
  peer_id=$(curl -fsS --max-time 5 "$peer_url/node/info" | json_field id)
  if [ -z "$peer_id" ]; then
    echo "no peer id in $peer_url/node/info" >&2
    return 1
  fi
  payload=$(printf '{"id":"%s","ip":"%s","p2pPort":%d}' "$peer_id" "$peer_ip" "$peer_p2p")
  out=$(mktemp)
  while :; do
    code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 10 -X POST \
      -H 'Content-Type: application/json' -d "$payload" "http://127.0.0.1:$cli_port/cluster/join" || echo 000)
    body=$(cat "$out")
    case "$code" in
      2??)
        echo "join accepted after $attempt attempt(s)"
        break
        ;;
      409)
        if [ "$attempt" -ge "$attempts" ]; then
          echo "join refused with 409 $attempt times (last: $body); giving up" >&2
          rm -f "$out"
          return 1
        fi
        ;;
      *)
        echo "join failed with HTTP $code: $body" >&2
        rm -f "$out"
        return 1
        ;;
    esac
    attempt=$((attempt + 1))
    sleep "$interval_s"
  done
  rm -f "$out"
  wait_for_state "$self_url/node/info" state Ready "$timeout_s" "$interval_s"
}
