#!/usr/bin/env bash
# Entrypoint of every OttoChain (Tessellation) node container. Chooses the run mode from the
# node's state, never by hand:
#   l0 layers (GL0 self-hosted, ML0): run-genesis only when data/ holds no incremental snapshot,
#     run-rollback otherwise (GL0 with the latest snapshot's hash, ML0 with its token identifier
#     from genesis.address, as Euclid's rollback playbooks do); ML0 makes genesis.snapshot
#     (create-genesis) once and keeps it;
#   L1: run-validator for every node but the cluster's first; the first (the initial validator)
#     runs run-initial-validator, unless its rejoin peer (JOIN_PEER_URL: the cluster's second node)
#     is Ready and runs this node's version: then the cluster is alive without it (it restarted
#     alone, e.g. in a rolling update) and a new initial validator would split it (its own cluster
#     session), so it runs run-validator and joins that peer, as every validator does.
# Data is moved aside (never deleted) once per token, at start, before java (the old container is
# gone by then: no process writes it), each time with a marker in the node home so a restart with
# the same token moves nothing:
#   GENESIS_RESET_TOKEN (every node): data/ -> data.before-reset-<token> (.genesis-reset-token); L0
#     layers then run genesis again, and an initial validator starts a new cluster even if its
#     rejoin peer still answers (every node of the metagraph restarts in a reset);
#   RESYNC_TOKEN (L1): data/ -> data.before-resync-<token> (.resync-token): the node starts empty
#     and rejoins its cluster, syncing from L0 (the seed's "Node Won't Rejoin After Update");
#   REKEY_TOKEN (L1): data/ -> data.before-rekey-<token> (.rekey-token): a node with a new key
#     starts without the old identity's data (the seed's "Replace a Node's Key": "Clear data (to
#     avoid peer ID conflicts)").
#
# It stays in the container as a small supervisor (java is its child, SIGTERM is passed on):
# - Validators are joined by this script alone (one joiner per node): on every start it POSTs
#   /cluster/join once the node is ReadyToJoin and its peer is Ready and runs NODE_VERSION (a peer
#   of another version refuses the join: Joining.scala VersionMismatch; during a version change
#   the node waits for the peer's own restart), and if the node does not reach Ready within
#   JOIN_TIMEOUT_SECONDS (the peer was down: Tessellation then stays in SessionStarted for good) it
#   stops java, so the container exits and Docker starts it again for a fresh attempt.
# - The JVM runs as the owner of the node's genesis dir (L0) or of the jars: the host's deploying
#   user, who owns the files the node must write (genesis.snapshot), with no capability needed.
# Env: NODE_NAME, NODE_KIND (gl0|ml0|initial-validator|validator), CL_JAR, HEAP_MIB, GENESIS_DIR,
#      GENESIS_RESET_TOKEN, RESYNC_TOKEN, REKEY_TOKEN (optional, see above), JOIN_* (L1 nodes of a cluster of two or more), NODE_VERSION
#      (the Tessellation version the node's jars are: a join peer must report it; unset: any).
#      Working directory: the node's data volume.
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

# move_aside REASON MARKER TOKEN: moves data/ to data.before-REASON-TOKEN once per TOKEN (the
# marker file holds the last token done); succeeds only when it did the move now (or there was no
# data/ to move). Never overwrites: a kept directory of that name stops the node.
move_aside() {
  local reason=$1 marker=$2 token=$3 kept
  [ -n "$token" ] || return 1
  [ "$(cat "$marker" 2>/dev/null || true)" != "$token" ] || return 1
  kept="data.before-$reason-$token"
  if [ -d data ]; then
    [ ! -e "$kept" ] || { echo "chainfleet: $NODE_NAME: $kept exists already: not moving data/ over it (choose a new token)" >&2; exit 1; }
    mv data "$kept"
    echo "chainfleet: $NODE_NAME: $reason $token: old data kept in $kept"
  fi
  printf '%s\n' "$token" > "$marker"
}

fresh_genesis=""
move_aside reset .genesis-reset-token "${GENESIS_RESET_TOKEN:-}" && fresh_genesis=1
case "$NODE_KIND" in
  initial-validator|validator)
    move_aside resync .resync-token "${RESYNC_TOKEN:-}" || true
    move_aside rekey .rekey-token "${REKEY_TOKEN:-}" || true
    ;;
esac

# peer_joinable: the join peer is Ready and runs this node's version (NODE_VERSION; a leading "v"
# ignored). Prints nothing; needs http_get and json_field from the readiness library.
peer_joinable() {
  local info version
  info=$(http_get "$JOIN_PEER_URL/node/info" 2>/dev/null) || return 1
  [ "$(printf '%s' "$info" | json_field state)" = Ready ] || return 1
  [ -z "${NODE_VERSION:-}" ] && return 0
  version=$(printf '%s' "$info" | json_field version)
  [ "${version#v}" = "${NODE_VERSION#v}" ]
}

mode=()
case "$NODE_KIND" in
  gl0|ml0)
    : "${GENESIS_DIR:?}"
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
  initial-validator)
    mode=(run-initial-validator)
    if [ -n "$fresh_genesis" ]; then
      echo "chainfleet: $NODE_NAME: genesis reset: starting a new cluster"
    elif [ -n "${JOIN_PEER_URL:-}" ] && peer_joinable; then
      echo "chainfleet: $NODE_NAME: the cluster is alive at $JOIN_PEER_URL: rejoining it instead of starting a new one"
      mode=(run-validator)
    fi
    ;;
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
  local started=$SECONDS joined_at="" state peer peer_id peer_version code
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
        peer_version=$(printf '%s' "$peer" | json_field version || true)
        if [ "$(printf '%s' "$peer" | json_field state || true)" != Ready ]; then
          echo "chainfleet: $NODE_NAME: peer $JOIN_PEER_URL is not Ready yet; waiting to join" >&2
        elif [ -n "${NODE_VERSION:-}" ] && [ "${peer_version#v}" != "${NODE_VERSION#v}" ]; then
          echo "chainfleet: $NODE_NAME: peer $JOIN_PEER_URL runs ${peer_version:-no version}, this node ${NODE_VERSION}; waiting for it to restart" >&2
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

if [ "${mode[0]}" = run-validator ] && [ -n "${JOIN_PEER_URL:-}" ]; then
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
