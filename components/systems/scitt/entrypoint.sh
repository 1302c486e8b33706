#!/usr/bin/env bash
# Entrypoint of the scitt-service container, run by `tini -- bash -c` in the UPSTREAM
# scitt-ccf-ledger runtime image (CCF 7: /usr/bin/cchost is the SCITT app). Uses only what that
# image has: bash, coreutils, grep/sed, openssl CLI, curl (no python, jq, scitt CLI, ccf_cose_sign1,
# keygenerator.sh or submit_recovery_share.sh). COSE Sign1 comes from cose.sh, which scitt.ts puts
# ahead of this file in the same script.
# The node picks its command from its workspace volume (WORKSPACE, /host):
#   no ledger (absent or empty) → Start, then first-start governance: activate member0, propose+vote
#                                 set_scitt_configuration, propose+vote transition_service_to_open;
#   ledger present              → Recover from the previous service certificate (kept aside before
#                                 cchost writes a new one), propose+vote transition_service_to_open
#                                 with previous and next identities, decrypt and submit member0's share.
# A ledger never silently starts anew: once a service reached Open from this workspace its identity
# is kept in opened_service_cert.pem, and from then on a missing ledger, or a Start over a ledger,
# stops the container naming the cause, everything left in place. A new service only by a reset token
# (SCITT_RESET_TOKEN = chainfleet:scitt.resetToken): a token not used before moves the ledger, its
# identities and markers to reset.<time>/ (kept, never deleted) once, then Starts.
# Then it waits for service_status Open and for cchost. The PID file is removed unconditionally first:
# CCF refuses to start while it exists (microsoft/CCF PR #5361) and never deletes it; one container
# owns the volume, and PIDs restart in each new container, so a recorded PID means nothing here.
# Governance follows CCF 7 (api-version 2024-07-01, member id = SHA-256 of the member cert DER) and
# pyscitt (microsoft/scitt-ccf-ledger pyscitt/pyscitt/governance.py, cli/governance.py).
set -euo pipefail

WORKSPACE=${WORKSPACE:-/host}
NODE_DIR="$WORKSPACE/node"
RPC_PORT=${CCF_PORT:-8000}
NODE_PORT=${CCF_NODE_PORT:-8001}
CONSTITUTION_DIR=${CONSTITUTION_DIR:-/opt/scitt/share/scitt/constitution}
ATTESTATION_CONFIG=${ATTESTATION_CONFIG:-/etc/scitt/attestation.json}
READY_TIMEOUT=${READY_TIMEOUT_SECONDS:-300}
CCHOST=${CCHOST:-cchost}
# pyscitt's `scitt governance local_development` configuration unless given (JSON object).
SCITT_CONFIGURATION=${SCITT_CONFIGURATION:-'{"authentication":{"allowUnauthenticated":true},"policy":{"policyScript":"export function apply(phdr) { if (!phdr.cwt.iss) {return '"'"'Issuer not found'"'"'} else return true; }"}}'}
GOV_API="api-version=2024-07-01"
URL="https://127.0.0.1:$RPC_PORT"
MEMBER_KEY="$WORKSPACE/member0_privk.pem"
MEMBER_CERT="$WORKSPACE/member0_cert.pem"
MEMBER_ENC_KEY="$WORKSPACE/member0_enc_privk.pem"
MEMBER_ENC_PUB="$WORKSPACE/member0_enc_pubk.pem"
SERVICE_CERT="$NODE_DIR/service_cert.pem"
PREVIOUS_CERT="$NODE_DIR/previous_service_cert.pem"
PID_FILE="$NODE_DIR/cchost.pid"
OPENED_CERT="$WORKSPACE/opened_service_cert.pem"
RESET_TOKEN=${SCITT_RESET_TOKEN:-}
RESET_DONE="$WORKSPACE/reset_token.done"

log() { echo "scitt-entrypoint: $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$NODE_DIR"
cd "$NODE_DIR"
work=$(mktemp -d "${TMPDIR:-/tmp}/scitt-entrypoint.XXXXXX")
cchost_pid=""
# On any exit (die included) cchost must not outlive this script; its temp files go too.
# shellcheck disable=SC2317  # invoked by the traps
cleanup() {
    if [ -n "$cchost_pid" ] && kill -0 "$cchost_pid" 2>/dev/null; then
        kill -TERM "$cchost_pid" 2>/dev/null || true
        wait "$cchost_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
# docker stop → tini → SIGTERM here: stop cchost gracefully and exit with its status.
# shellcheck disable=SC2317  # invoked by the trap
on_stop() {
    local rc=0
    if [ -n "$cchost_pid" ]; then
        kill -TERM "$cchost_pid" 2>/dev/null || true
        wait "$cchost_pid" || rc=$?
    fi
    cleanup
    exit "$rc"
}
trap cleanup EXIT
trap on_stop TERM INT

# --- member0 identity, once, in the volume: what docker/keygenerator.sh does (EC secp384r1 signing
# key + self-signed SHA-384 certificate, RSA-2048 encryption key pair), with private files 0600.
# The certificate is written last: its presence means the identity is complete.
if [ ! -s "$MEMBER_CERT" ]; then
    [ -d "$NODE_DIR/ledger" ] && [ -n "$(ls -A "$NODE_DIR/ledger")" ] && die "ledger present but member0_cert.pem missing: restore the workspace's member0 files"
    log "creating member0 identity"
    (
        umask 077
        openssl ecparam -name secp384r1 -genkey -noout -out "$work/privk.pem"
        # 10 years rather than keygenerator.sh's 365 days: the service keeps using this member to recover.
        openssl req -new -key "$work/privk.pem" -x509 -nodes -days 3650 -sha384 -subj /CN=member0 -out "$work/cert.pem"
        openssl genrsa -out "$work/enc_privk.pem" 2048 2>/dev/null
        openssl rsa -in "$work/enc_privk.pem" -pubout -out "$work/enc_pubk.pem" 2>/dev/null
    )
    mv "$work/privk.pem" "$MEMBER_KEY"; mv "$work/enc_privk.pem" "$MEMBER_ENC_KEY"
    mv "$work/enc_pubk.pem" "$MEMBER_ENC_PUB"; chmod 644 "$MEMBER_ENC_PUB" "$work/cert.pem"
    mv "$work/cert.pem" "$MEMBER_CERT"
fi
for f in "$MEMBER_KEY" "$MEMBER_ENC_KEY" "$MEMBER_ENC_PUB"; do [ -s "$f" ] || die "member0 identity incomplete: $f missing"; done
MEMBER_ID=$(cose_member_id "$MEMBER_CERT")

# --- PID file: always stale at container start (see header).
if [ -e "$PID_FILE" ]; then log "removing PID file left by the previous container ($(cat "$PID_FILE" 2>/dev/null || true))"; fi
rm -f "$PID_FILE"

ledger_present() { [ -d "$NODE_DIR/ledger" ] && [ -n "$(ls -A "$NODE_DIR/ledger")" ]; }
fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'; }

# --- a deliberate new service: a reset token not used before (the state moves aside, never deleted).
if [ -n "$RESET_TOKEN" ] && [ "$RESET_TOKEN" != "$(cat "$RESET_DONE" 2>/dev/null || true)" ]; then
    aside="$WORKSPACE/reset.$(date +%s)"
    mkdir -p "$aside"
    log "RESET (token $RESET_TOKEN): keeping the old ledger and identities in $aside and starting a NEW service"
    for f in ledger snapshots ledger.aside service_cert.pem previous_service_cert.pem start.in-progress recovery.in-progress; do
        if [ -e "$NODE_DIR/$f" ]; then mv "$NODE_DIR/$f" "$aside/"; fi
    done
    if [ -e "$OPENED_CERT" ]; then mv "$OPENED_CERT" "$aside/"; fi
    printf '%s\n' "$RESET_TOKEN" >"$RESET_DONE"
fi

# A first Start that never reached Open left a ledger no service was ever opened from: set it aside.
if [ -f start.in-progress ]; then
    if ledger_present; then
        if [ -s "$OPENED_CERT" ]; then
            die "REFUSING to set aside the ledger of the service first opened with identity $(fingerprint "$OPENED_CERT"): a Start was attempted over it. Nothing was moved; recover it, or set chainfleet:scitt.resetToken to start a new service deliberately"
        fi
        aside="failed-start.$(date +%s)"
        log "the first Start did not reach Open; keeping its ledger in $aside and starting again"
        mkdir -p "$aside"; mv ledger "$aside/"; [ -d snapshots ] && mv snapshots "$aside/"
    fi
    rm -f start.in-progress
fi

if ledger_present; then
    mode=Recover
    [ -s "$SERVICE_CERT" ] || die "ledger present but no service_cert.pem to recover from"
    if [ -f recovery.in-progress ] && [ -s "$PREVIOUS_CERT" ]; then
        # A recovery stopped half-way: service_cert.pem may already be a new service's; keep the old one.
        log "resuming a recovery that did not finish"
    else
        cp "$SERVICE_CERT" "$PREVIOUS_CERT.tmp"; mv "$PREVIOUS_CERT.tmp" "$PREVIOUS_CERT"
    fi
    touch recovery.in-progress
    # Ledger files of an unfinished recovery cannot be recovered from; keep them aside, never delete.
    for f in ledger/*.recovery; do
        [ -e "$f" ] || continue
        mkdir -p ledger.aside; mv "$f" ledger.aside/
    done
else
    if [ -s "$OPENED_CERT" ]; then
        die "REFUSING to start a new service: this workspace opened the service $(fingerprint "$OPENED_CERT"), and its ledger ($NODE_DIR/ledger) is gone. Restore the ledger (pulumi stack output scitt: restore), or set chainfleet:scitt.resetToken to start a new service deliberately"
    fi
    mode=Start
    touch start.in-progress
fi
log "ledger: $([ "$mode" = Recover ] && echo present || echo absent) → $mode (member $MEMBER_ID)"

# --- cchost configuration, CCF 7 form (no enclave section; schema top level additionalProperties false).
c=$CONSTITUTION_DIR
for f in validate apply resolve actions scitt; do [ -s "$c/$f.js" ] || die "constitution file $c/$f.js missing"; done
if [ "$mode" = Start ]; then
    command_section=$(cat <<JSON
    "start": {
      "constitution_files": ["$c/validate.js", "$c/apply.js", "$c/resolve.js", "$c/actions.js", "$c/scitt.js"],
      "members": [{ "certificate_file": "$MEMBER_CERT", "encryption_public_key_file": "$MEMBER_ENC_PUB" }],
      "cose_signatures": { "issuer": "127.0.0.1:$RPC_PORT", "subject": "scitt.ccf.signature.v1" }
    }
JSON
)
else
    command_section="    \"recover\": { \"previous_service_identity_file\": \"$PREVIOUS_CERT\" }"
fi
attestation=""
if [ -s "$ATTESTATION_CONFIG" ]; then attestation="\"attestation\": $(cat "$ATTESTATION_CONFIG"),"; fi
cat >cchost.json <<JSON
{
  "network": {
    "node_to_node_interface": { "bind_address": "0.0.0.0:$NODE_PORT" },
    "rpc_interfaces": { "main": { "bind_address": "0.0.0.0:$RPC_PORT" } }
  },
  "node_certificate": { "subject_alt_names": ["iPAddress:127.0.0.1", "dNSName:localhost"] },
  $attestation
  "command": {
    "type": "$mode",
    "service_certificate_file": "$SERVICE_CERT",
$command_section
  },
  "ledger": { "directory": "$NODE_DIR/ledger" },
  "snapshots": { "directory": "$NODE_DIR/snapshots" },
  "output_files": { "node_certificate_file": "$NODE_DIR/node_cert.pem", "pid_file": "$PID_FILE" }
}
JSON

"$CCHOST" --config "$NODE_DIR/cchost.json" &
cchost_pid=$!

# --- helpers
cchost_alive() { kill -0 "$cchost_pid" 2>/dev/null; }
# First string value of a JSON field in a file (CCF prints compact JSON; jq is absent).
json_field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" | head -n1; }
# A PEM file as a JSON string body (newlines escaped).
pem_json() { awk '{printf "%s\\n", $0}' "$1"; }

# Waits until the node answers /node/state and has written the service certificate.
wait_rpc() {
    local deadline=$((SECONDS + READY_TIMEOUT))
    until [ -s "$SERVICE_CERT" ] && curl -ksf --max-time 5 -o /dev/null "$URL/node/state"; do
        cchost_alive || die "cchost exited before answering"
        [ "$SECONDS" -lt "$deadline" ] || die "node did not answer within ${READY_TIMEOUT}s"
        sleep 1
    done
}

service_status() {
    curl -sf --max-time 5 --cacert "$SERVICE_CERT" -o "$work/network.json" "$URL/node/network" || return 0
    json_field service_status "$work/network.json"
}

wait_status() {
    local want=$1 deadline=$((SECONDS + READY_TIMEOUT)) st
    while st=$(service_status); [ "$st" != "$want" ]; do
        cchost_alive || die "cchost exited while waiting for $want"
        [ "$SECONDS" -lt "$deadline" ] || die "service status '$st', not $want within ${READY_TIMEOUT}s"
        sleep 1
    done
}

# gov METHOD PATH [MSG_TYPE PAYLOAD_FILE [PROPOSAL_ID]]: a /gov call (COSE Sign1 when MSG_TYPE is
# given), retried on 5xx and connection errors; response in $work/resp. Returns 1 unless 2xx.
gov() {
    local method=$1 path=$2 type=${3:-} payload=${4:-} pid=${5:-} code attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        local args=(-s --max-time 10 --cacert "$SERVICE_CERT" -o "$work/resp" -w '%{http_code}' -X "$method")
        if [ -n "$type" ]; then
            cose_sign1 "$MEMBER_KEY" "$MEMBER_CERT" "$type" "$(date +%s)" "$payload" "$pid" >"$work/req.cose"
            args+=(-H 'Content-Type: application/cose' --data-binary "@$work/req.cose")
        fi
        code=$(curl "${args[@]}" "$URL$path?$GOV_API") || code=000
        case $code in
            2??) return 0 ;;
            000 | 5??) log "$method $path: HTTP $code (attempt $attempt), retrying"; sleep 2 ;;
            *) break ;;
        esac
    done
    log "$method $path: HTTP $code: $(head -c 500 "$work/resp" 2>/dev/null)"
    return 1
}

# Proposes the actions in a file as member0 and votes for them; fails unless Accepted.
propose_and_accept() {
    local proposal=$1 id state
    gov POST /gov/members/proposals:create proposal "$proposal" || return 1
    id=$(json_field proposalId "$work/resp"); state=$(json_field proposalState "$work/resp")
    [ -n "$id" ] || { log "no proposalId in: $(cat "$work/resp")"; return 1; }
    if [ "$state" = Open ]; then
        printf '%s' '{"ballot":"export function vote (proposal, proposerId) { return true }"}' >"$work/ballot.json"
        gov POST "/gov/members/proposals/$id/ballots/$MEMBER_ID:submit" ballot "$work/ballot.json" "$id" || return 1
        state=$(json_field proposalState "$work/resp")
    fi
    [ "$state" = Accepted ] || { log "proposal $id: $state: $(cat "$work/resp")"; return 1; }
    log "proposal $id accepted"
}

open_proposal() {   # open_proposal FILE [previous cert]
    local prev=""
    [ $# -ge 2 ] && prev=", \"previous_service_identity\": \"$(pem_json "$2")\""
    printf '{"actions":[{"name":"transition_service_to_open","args":{"next_service_identity":"%s"%s}}]}' \
        "$(pem_json "$SERVICE_CERT")" "$prev" >"$1"
}

wait_rpc
if [ "$mode" = Start ]; then
    log "first start: activating member0, configuring SCITT and opening the service"
    : >"$work/empty"
    gov POST "/gov/members/state-digests/$MEMBER_ID:update" state_digest "$work/empty" || die "state digest update failed"
    cp "$work/resp" "$work/digest.json"
    gov POST "/gov/members/state-digests/$MEMBER_ID:ack" ack "$work/digest.json" || die "member activation failed"
    printf '{"actions":[{"name":"set_scitt_configuration","args":{"configuration":%s}}]}' "$SCITT_CONFIGURATION" >"$work/config.json"
    propose_and_accept "$work/config.json" || die "set_scitt_configuration failed"
    open_proposal "$work/open.json"
    propose_and_accept "$work/open.json" || die "transition_service_to_open failed"
else
    log "recovery: transition_service_to_open with previous and next identities, then member0's share"
    if [ "$(service_status)" != WaitingForRecoveryShares ]; then
        open_proposal "$work/open.json" "$PREVIOUS_CERT"
        propose_and_accept "$work/open.json" || die "transition_service_to_open (recovery) failed"
    fi
    wait_status WaitingForRecoveryShares
    gov GET "/gov/recovery/encrypted-shares/$MEMBER_ID" || die "no encrypted recovery share for member0"
    # The decrypted share stays in files of the private temp dir (0700), never in arguments or logs.
    (
        umask 077
        json_field encryptedShare "$work/resp" | base64 -d >"$work/share.enc"
        openssl pkeyutl -decrypt -inkey "$MEMBER_ENC_KEY" -in "$work/share.enc" -out "$work/share.bin" \
            -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
        { printf '{"share":"'; base64 -w0 "$work/share.bin"; printf '"}'; } >"$work/share.json"
    ) || die "decrypting member0's recovery share failed"
    gov POST "/gov/recovery/members/$MEMBER_ID:recover" recovery_share "$work/share.json" || die "submitting the recovery share failed"
    rm -f "$work/share.bin" "$work/share.json"
fi
wait_status Open
# From now on this workspace holds a service's ledger: it is recovered, never silently replaced.
if [ ! -s "$OPENED_CERT" ]; then cp "$SERVICE_CERT" "$OPENED_CERT.tmp"; mv "$OPENED_CERT.tmp" "$OPENED_CERT"; fi
rm -f start.in-progress recovery.in-progress
log "service open ($mode)"
rc=0; wait "$cchost_pid" || rc=$?
log "cchost exited ($rc)"
exit "$rc"
