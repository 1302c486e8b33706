#!/usr/bin/env bash
# Entrypoint of the scitt-service container. Fixes the guide's restart limitation: the node picks
# its command from its workspace instead of always running Start.
#   no ledger yet   → Start, then first-start governance (activate member, configure, open);
#   ledger present  → Recover from the previous service certificate, then the member in the
#                     workspace submits its recovery share and proposes transition_service_to_open.
# A stale PID file (cchost refuses to start over one, microsoft/CCF #5313) is removed first.
# Tools (overridable for tests): cchost, keygenerator.sh, submit_recovery_share.sh, ccf_cose_sign1,
# scitt (pyscitt CLI), curl.
set -euo pipefail

WORKSPACE=${WORKSPACE:-/host}
NODE_DIR="$WORKSPACE/node"
PLATFORM=${PLATFORM:-virtual}
RPC_PORT=${CCF_PORT:-8000}
NODE_PORT=${CCF_NODE_PORT:-8001}
ENCLAVE_FILE=${ENCLAVE_FILE:-/usr/lib/scitt/libscitt.${PLATFORM}.so}
CONSTITUTION_DIR=${CONSTITUTION_DIR:-/usr/share/scitt/constitution}
READY_TIMEOUT=${READY_TIMEOUT_SECONDS:-300}
CCHOST=${CCHOST:-cchost}
KEYGEN=${KEYGEN:-keygenerator.sh}
SUBMIT_SHARE=${SUBMIT_SHARE:-submit_recovery_share.sh}
COSE_SIGN=${COSE_SIGN:-ccf_cose_sign1}
SCITT_CLI=${SCITT_CLI:-scitt}
URL="https://127.0.0.1:$RPC_PORT"

log() { echo "scitt-entrypoint: $*" >&2; }

mkdir -p "$NODE_DIR"
cd "$WORKSPACE"

# Member identity lives in the workspace volume: made once, reused for every recovery.
if [ ! -s member0_cert.pem ]; then
  log "creating member0 identity"
  "$KEYGEN" --name member0 --gen-enc-key
fi

pid_file="$NODE_DIR/cchost.pid"
if [ -f "$pid_file" ]; then
  old_pid=$(cat "$pid_file" 2>/dev/null || true)
  if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null; then
    log "cchost already running as $old_pid"; exit 1
  fi
  log "removing stale PID file ($old_pid)"
  rm -f "$pid_file"
fi

if [ -d "$NODE_DIR/ledger" ] && [ -n "$(ls -A "$NODE_DIR/ledger" 2>/dev/null)" ]; then
  mode=Recover
  [ -s "$NODE_DIR/service_cert.pem" ] || { log "ledger present but no service_cert.pem to recover from"; exit 1; }
  if [ -f "$NODE_DIR/recovery.in-progress" ] && [ -s "$NODE_DIR/previous_service_cert.pem" ]; then
    # A recovery crashed half-way: service_cert.pem may already be the new service's; keep the old one.
    log "resuming a recovery that did not finish"
  else
    cp "$NODE_DIR/service_cert.pem" "$NODE_DIR/previous_service_cert.pem"
  fi
  touch "$NODE_DIR/recovery.in-progress"
  # Ledger files left uncommitted by a crash cannot be recovered from; keep them aside, never delete.
  for f in "$NODE_DIR"/ledger/*.recovery; do
    [ -e "$f" ] || continue
    mkdir -p "$NODE_DIR/ledger.aside"; mv "$f" "$NODE_DIR/ledger.aside/"
  done
else
  mode=Start
fi
log "ledger: $( [ "$mode" = Recover ] && echo present || echo absent ) → $mode"

cat > "$NODE_DIR/cchost.json" <<JSON
{
  "enclave": { "file": "$ENCLAVE_FILE", "platform": "$( [ "$PLATFORM" = snp ] && echo SNP || echo Virtual )", "type": "Release" },
  "network": {
    "node_to_node_interface": { "bind_address": "0.0.0.0:$NODE_PORT" },
    "rpc_interfaces": { "main": { "bind_address": "0.0.0.0:$RPC_PORT" } }
  },
  "node_certificate": { "subject_alt_names": ["iPAddress:127.0.0.1", "dNSName:localhost"] },
  "command": {
    "type": "$mode",
    "service_certificate_file": "$NODE_DIR/service_cert.pem",
    "start": {
      "constitution_files": ["$CONSTITUTION_DIR/validate.js", "$CONSTITUTION_DIR/apply.js", "$CONSTITUTION_DIR/resolve.js", "$CONSTITUTION_DIR/actions.js"],
      "members": [{ "certificate_file": "$WORKSPACE/member0_cert.pem", "encryption_public_key_file": "$WORKSPACE/member0_enc_pubk.pem" }]
    },
    "recover": { "previous_service_identity_file": "$NODE_DIR/previous_service_cert.pem" }
  },
  "ledger": { "directory": "$NODE_DIR/ledger" },
  "snapshots": { "directory": "$NODE_DIR/snapshots" },
  "node_certificate_file": "$NODE_DIR/node_cert.pem",
  "node_pid_file": "$pid_file",
  "output_files": { "node_certificate_file": "$NODE_DIR/node_cert.pem", "pid_file": "$pid_file", "service_certificate_file": "$NODE_DIR/service_cert.pem" }
}
JSON

"$CCHOST" --config "$NODE_DIR/cchost.json" &
cchost_pid=$!
trap 'kill -TERM "$cchost_pid" 2>/dev/null || true; wait "$cchost_pid" || true' TERM INT

# Waits until /node/state answers (any state), bounded.
wait_rpc() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -ksf --max-time 5 "$URL/node/state" >/dev/null 2>&1; do
    kill -0 "$cchost_pid" 2>/dev/null || { log "cchost exited before answering"; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { log "node did not answer within ${READY_TIMEOUT}s"; return 1; }
    sleep 2
  done
}

# Proposes a governance action as member0 and votes for it (COSE Sign1, CCF 5 governance API).
propose_and_accept() {
  local proposal=$1 created id
  created=$("$COSE_SIGN" --ccf-gov-msg-type proposal --content "$proposal" --signing-key member0_privk.pem --signing-cert member0_cert.pem \
    | curl -ksf --cacert "$NODE_DIR/service_cert.pem" -X POST -H 'Content-Type: application/cose' --data-binary @- \
      "$URL/gov/members/proposals:create?api-version=2024-07-01")
  id=$(printf '%s' "$created" | sed -n 's/.*"proposalId"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  [ -n "$id" ] || { log "no proposalId in: $created"; return 1; }
  printf '%s' '{"ballot":"export function vote (proposal, proposerId) { return true }"}' > "$NODE_DIR/ballot.json"
  "$COSE_SIGN" --ccf-gov-msg-type ballot --ccf-gov-msg-proposal_id "$id" --content "$NODE_DIR/ballot.json" --signing-key member0_privk.pem --signing-cert member0_cert.pem \
    | curl -ksf --cacert "$NODE_DIR/service_cert.pem" -X POST -H 'Content-Type: application/cose' --data-binary @- \
      "$URL/gov/members/proposals/$id/ballots/member0:submit?api-version=2024-07-01" >/dev/null
}

wait_rpc
if [ "$mode" = Start ]; then
  log "first start: activating member, configuring and opening the service"
  "$SCITT_CLI" governance local_development --url "$URL" --member-key member0_privk.pem --member-cert member0_cert.pem
else
  log "recovery: proposing transition_service_to_open and submitting member0's recovery share"
  cat > "$NODE_DIR/open.json" <<JSON
{ "actions": [ { "name": "transition_service_to_open", "args": { "previous_service_identity": "$(awk '{printf "%s\\n", $0}' "$NODE_DIR/previous_service_cert.pem")", "next_service_identity": "$(awk '{printf "%s\\n", $0}' "$NODE_DIR/service_cert.pem")" } } ] }
JSON
  propose_and_accept "$NODE_DIR/open.json"
  "$SUBMIT_SHARE" --rpc-address "127.0.0.1:$RPC_PORT" --member-enc-privk member0_enc_privk.pem \
    --cert member0_cert.pem --key member0_privk.pem --cacert "$NODE_DIR/service_cert.pem"
fi
rm -f "$NODE_DIR/recovery.in-progress"
log "service open ($mode)"
wait "$cchost_pid"
