#!/usr/bin/env bash
# Entrypoint of every OttoChain (Tessellation) node container. Chooses the run mode from the
# node's state, never by hand:
#   l0 layers (GL0 self-hosted, ML0): run-genesis only when data/ holds no incremental snapshot,
#     run-rollback otherwise; ML0 makes genesis.snapshot (create-genesis) once and keeps it;
#   L1: run-initial-validator for the cluster's first node, run-validator for the others.
# A genesis reset happens only when GENESIS_RESET_TOKEN changes; the old data is moved aside, kept.
# Validators also rejoin their cluster in the background on every start (JOIN_* env).
# Env: NODE_NAME, NODE_KIND (gl0|ml0|initial-validator|validator), CL_JAR, HEAP_MIB, GENESIS_DIR,
#      GENESIS_RESET_TOKEN (optional). Working directory: the node's data volume.
set -euo pipefail
cd "${NODE_HOME:-/node}"

: "${NODE_NAME:?}" "${NODE_KIND:?}" "${CL_JAR:?}" "${HEAP_MIB:?}"
jar="${JARS_DIR:-/jars}/$CL_JAR"
[ -r "$jar" ] || { echo "chainfleet: $NODE_NAME: jar $jar missing" >&2; exit 1; }

has_snapshot() {
  [ -d data/incremental_snapshot ] && [ -n "$(ls -A data/incremental_snapshot 2>/dev/null)" ]
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
      mode=(run-rollback)
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
  validator)
    mode=(run-validator)
    # Rejoin on every start (docker restart, reboot), not only on the first deployment.
    # cluster_join comes from the readiness library sent before this script.
    if [ -n "${JOIN_PEER_URL:-}" ]; then
      (cluster_join "http://127.0.0.1:$CL_PUBLIC_HTTP_PORT" "$CL_CLI_HTTP_PORT" "$JOIN_PEER_URL" "$JOIN_PEER_IP" \
        "$JOIN_PEER_P2P_PORT" "${JOIN_ATTEMPTS:-30}" "${JOIN_TIMEOUT_SECONDS:-900}" >&2 || true) &
    fi
    ;;
  *) echo "chainfleet: unknown NODE_KIND $NODE_KIND" >&2; exit 1 ;;
esac

echo "chainfleet: $NODE_NAME starts with ${mode[*]}"
exec java "-Xmx${HEAP_MIB}m" -jar "$jar" "${mode[@]}"
