#!/usr/bin/env bash
# Entrypoint of every OttoChain (Tessellation) node container. Chooses the run mode from the
# node's state, never by hand:
#   l0 layers (GL0 self-hosted, ML0): run-genesis only when data/ holds no incremental snapshot,
#     run-rollback otherwise (GL0 with the latest snapshot's hash, ML0 with its token identifier
#     from genesis.address, as Euclid's rollback playbooks do); ML0 makes genesis.snapshot
#     (create-genesis) once and keeps it;
#   L1: run-initial-validator for the cluster's first node, run-validator for the others.
# A genesis reset happens only when GENESIS_RESET_TOKEN changes; the old data is moved aside, kept.
#
# It stays in the container as a small supervisor (java is its child, SIGTERM is passed on):
# - Validators are joined by this script alone (one joiner per node): on every start it POSTs
#   /cluster/join once the node is ReadyToJoin, and if the node does not reach Ready within
#   JOIN_TIMEOUT_SECONDS (the peer was down: Tessellation then stays in SessionStarted for good) it
#   stops java, so the container exits and Docker starts it again for a fresh attempt.
# - The JVM runs as the owner of the node's genesis dir (L0) or of the jars: the host's deploying
#   user, who owns the files the node must write (genesis.snapshot), with no capability needed.
# Env: NODE_NAME, NODE_KIND (gl0|ml0|initial-validator|validator), CL_JAR, HEAP_MIB, GENESIS_DIR,
#      GENESIS_RESET_TOKEN (optional), JOIN_* (validators). Working directory: the node's data volume.
set -euo pipefail
cd "${NODE_HOME:-/node}"

: "${NODE_NAME:?}" "${NODE_KIND:?}" "${CL_JAR:?}" "${HEAP_MIB:?}"
jars="${JARS_DIR:-/jars}"
jar="$jars/$CL_JAR"
[ -r "$jar" ] || { echo "chainfleet: $NODE_NAME: jar $jar missing" >&2; exit 1; }

# Started as root with CHOWN/SETUID/SETGID only: hand the data volume to the run user, then run
# this same script again as that user (BASH_EXECUTION_STRING is the text bash -c was given).
if [ "$(id -u)" = 0 ] && [ -z "${CHAINFLEET_RUN_AS:-}" ]; then
  owner_dir=$jars
  case "$NODE_KIND" in gl0|ml0) owner_dir=${GENESIS_DIR:?} ;; esac
  run_as="$(stat -c %u "$owner_dir"):$(stat -c %g "$owner_dir")"
  if [ "${run_as%%:*}" != 0 ]; then
    [ "$(stat -c %u:%g .)" = "$run_as" ] || chown -R "$run_as" .
    export CHAINFLEET_RUN_AS=$run_as
    exec setpriv --reuid="${run_as%%:*}" --regid="${run_as##*:}" --clear-groups -- bash -c "$BASH_EXECUTION_STRING" run-node
  fi
fi

has_snapshot() {
  [ -d data/incremental_snapshot ] && [ -n "$(ls -A data/incremental_snapshot 2>/dev/null)" ]
}

# The hash of the newest incremental snapshot: its ordinal file is hard-linked under hash/.
latest_snapshot_hash() {
  local latest
  latest=$(find data/incremental_snapshot/ordinal -type f 2>/dev/null | awk -F/ '{ print $NF "\t" $0 }' | sort -n | tail -n 1 | cut -f 2)
  [ -n "$latest" ] || return 1
  find data/incremental_snapshot/hash -samefile "$latest" -printf '%f\n' 2>/dev/null | head -n 1
}

genesis_reset() {
  local token=${GENESIS_RESET_TOKEN:-}
  [ -n "$token" ] || return 0
  [ "$(cat .genesis-reset-token 2>/dev/null || true)" != "$token" ] || return 0
  if [ -d data ]; then
    mv data "data.before-reset-$token"
    echo "chainfleet: $NODE_NAME: genesis reset $token: old data kept in data.before-reset-$token"
  fi
  printf '%s\n' "$token" > .genesis-reset-token
}

mode=()
case "$NODE_KIND" in
  gl0|ml0)
    : "${GENESIS_DIR:?}"
    genesis_reset
    if has_snapshot; then
      if [ "$NODE_KIND" = gl0 ]; then
        hash=$(latest_snapshot_hash) || { echo "chainfleet: $NODE_NAME: data/incremental_snapshot holds no snapshot hash to roll back to" >&2; exit 1; }
        mode=(run-rollback "$hash")
      else
        [ -s "$GENESIS_DIR/genesis.address" ] || { echo "chainfleet: $NODE_NAME: $GENESIS_DIR/genesis.address missing: cannot roll back" >&2; exit 1; }
        CL_L0_TOKEN_IDENTIFIER=$(tr -d '[:space:]' < "$GENESIS_DIR/genesis.address")
        export CL_L0_TOKEN_IDENTIFIER
        mode=(run-rollback)
      fi
    elif [ "$NODE_KIND" = gl0 ]; then
      [ -r "$GENESIS_DIR/genesis.csv" ] || { echo "chainfleet: $NODE_NAME: $GENESIS_DIR/genesis.csv missing" >&2; exit 1; }
      mode=(run-genesis "$GENESIS_DIR/genesis.csv")
    else
      if [ ! -s "$GENESIS_DIR/genesis.snapshot" ]; then
        [ -r "$GENESIS_DIR/genesis.csv" ] || { echo "chainfleet: $NODE_NAME: $GENESIS_DIR/genesis.csv missing" >&2; exit 1; }
        (cd "$GENESIS_DIR" && java "-Xmx${HEAP_MIB}m" -jar "$jar" create-genesis genesis.csv)
      fi
      mode=(run-genesis "$GENESIS_DIR/genesis.snapshot")
    fi
    ;;
  initial-validator) mode=(run-initial-validator) ;;
  validator) mode=(run-validator) ;;
  *) echo "chainfleet: unknown NODE_KIND $NODE_KIND" >&2; exit 1 ;;
esac

echo "chainfleet: $NODE_NAME starts with ${mode[*]}"
java "-Xmx${HEAP_MIB}m" -jar "$jar" "${mode[@]}" &
java_pid=$!
REJOIN_MARK=${TMPDIR:-/tmp}/chainfleet-rejoin.$$
stop_java() { kill -TERM "$java_pid" 2>/dev/null || true; }
trap stop_java TERM INT

# keep_joined: the one joiner of a validator (see the header). Needs node_state from the
# readiness library sent before this script.
keep_joined() {
  local started=$SECONDS joined_at="" state peer peer_id code
  while kill -0 "$java_pid" 2>/dev/null; do
    state=$(node_state "http://127.0.0.1:$CL_PUBLIC_HTTP_PORT" || true)
    case "$state" in
      Ready) joined_at=""; started=$SECONDS ;;
      ReadyToJoin)
        # Waiting to join is healthy progress; join only a Ready peer (a peer without a session
        # answers SessionDoesNotExist and leaves this node in SessionStarted until a restart).
        started=$SECONDS
        peer=$(http_get "$JOIN_PEER_URL/node/info" 2>/dev/null || true)
        peer_id=$(printf '%s' "$peer" | json_field id || true)
        if [ "$(printf '%s' "$peer" | json_field state || true)" != Ready ]; then
          echo "chainfleet: $NODE_NAME: peer $JOIN_PEER_URL is not Ready yet; waiting to join" >&2
        elif [ -n "$peer_id" ]; then
          code=$(http_post_json "http://127.0.0.1:$CL_CLI_HTTP_PORT/cluster/join" \
            "$(printf '{"id":"%s","ip":"%s","p2pPort":%d}' "$peer_id" "$JOIN_PEER_IP" "$JOIN_PEER_P2P_PORT")" || true)
          echo "chainfleet: $NODE_NAME: join via $JOIN_PEER_IP:$JOIN_PEER_P2P_PORT answered ${code:-no answer}" >&2
          [ "${code:0:1}" = 2 ] && joined_at=$SECONDS
        else
          echo "chainfleet: $NODE_NAME: peer $JOIN_PEER_URL has no id yet; retrying" >&2
        fi
        ;;
    esac
    # Stuck: a join accepted but not completed, or a state that is neither Ready nor waiting to join.
    if [ "$state" != Ready ] && { [ -n "$joined_at" ] || [ "$state" != ReadyToJoin ]; } &&
      [ $((SECONDS - ${joined_at:-$started})) -ge "${JOIN_TIMEOUT_SECONDS:-300}" ]; then
      echo "chainfleet: $NODE_NAME: not Ready ${JOIN_TIMEOUT_SECONDS:-300}s after $( [ -n "$joined_at" ] && echo "the join" || echo "start") (state ${state:-unknown}); restarting for a fresh join" >&2
      : > "$REJOIN_MARK"
      stop_java
      return 0
    fi
    sleep "${JOIN_POLL_SECONDS:-3}"
  done
}

if [ "$NODE_KIND" = validator ] && [ -n "${JOIN_PEER_URL:-}" ]; then
  keep_joined &
fi

# Wait for java (again when a signal interrupted the wait), then leave with its status; a stop
# for a fresh join exits 1, so the restart is visible in `docker ps` and the logs.
status=0
while :; do
  if wait "$java_pid"; then status=0; else status=$?; fi
  kill -0 "$java_pid" 2>/dev/null || break
done
if [ -e "$REJOIN_MARK" ]; then rm -f "$REJOIN_MARK"; exit 1; fi
exit "$status"
