#!/usr/bin/env bash
# Self-test of the SCITT stand-in (test/e2e/images/scitt). Builds cchost/ with the host's gcc and
# libssl-dev and runs it against a temp dir:
#   Start on an empty ledger dir → service Opening, TLS chain to service_cert.pem, governance opens it;
#   a second cchost refused while the first runs (live PID file); SIGTERM → exit 0, PID file left;
#   stale PID file also refused (CCF checks existence only, microsoft/CCF#5361);
#   Start refused over an existing ledger; Recover needs previous_service_identity_file and a ledger;
#   Recover issues a NEW service certificate, Recovering → WaitingForRecoveryShares → Open with the
#   member's decrypted share; a constitution without scitt.js rejects set_scitt_configuration;
#   ballots addressed to "member0" (not a member id) are rejected; Recover refuses a previous identity
#   that is not the ledger's; unknown top-level keys (node_pid_file, enclave) and missing constitution
#   files are rejected.
# With --image, also checks the built image chainfleet-e2e/scitt:latest's layout with docker.
# Governance bodies are COSE Sign1, made with components/systems/scitt/cose.sh and verified by the
# stand-in (unsigned, tampered, other-key, wrong-type requests are refused).
# Needs: gcc, libssl-dev, openssl, curl, jq (host only). Exit 0 when every check passes.
# shellcheck disable=SC2015  # `[ check ] && grep -q … || die` is the intended short-circuit
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# COSE Sign1 in bash + openssl: the functions our SCITT entrypoint ships (components/systems/scitt/cose.sh)
# shellcheck source=../../../../components/systems/scitt/cose.sh
. "$here/../../../../components/systems/scitt/cose.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/scitt-selftest.XXXXXX")"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
die() { echo "FAIL $*" >&2; for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -5 "$f" >&2; }; done; exit 1; }

gcc -O2 -Wall -Wextra -Werror -o "$work/cchost" "$here"/cchost/*.c -lssl -lcrypto
ok "cchost stand-in compiles with -Wall -Wextra -Werror"

port=$((20000 + RANDOM % 20000)); node_port=$((port + 1))
url="https://127.0.0.1:$port"
ws="$work/host"; node="$ws/node"; mkdir -p "$node"
cd "$ws"
# member0 identity, the way upstream docker/keygenerator.sh makes it (EC secp384r1 + RSA-2048 encryption key)
openssl ecparam -out member0_privk.pem -name secp384r1 -genkey 2>/dev/null
openssl req -new -key member0_privk.pem -x509 -nodes -days 365 -out member0_cert.pem -sha384 -subj=/CN=member0 2>/dev/null
openssl genrsa -out member0_enc_privk.pem 2048 2>/dev/null
openssl rsa -in member0_enc_privk.pem -pubout -out member0_enc_pubk.pem 2>/dev/null
member_id=$(openssl x509 -in member0_cert.pem -outform DER | sha256sum | cut -d' ' -f1)

# config <Start|Recover> <file> [constitution dir]
config() {
    local type=$1 file=$2 cdir=${3:-$here/constitution} files=""
    for f in validate apply resolve actions scitt; do [ -f "$cdir/$f.js" ] && files="$files\"$cdir/$f.js\","; done
    cat >"$file" <<JSON
{
  "network": { "node_to_node_interface": { "bind_address": "127.0.0.1:$node_port" },
               "rpc_interfaces": { "main": { "bind_address": "127.0.0.1:$port" } } },
  "node_certificate": { "subject_alt_names": ["iPAddress:127.0.0.1", "dNSName:localhost"] },
  "command": { "type": "$type", "service_certificate_file": "$node/service_cert.pem",
    "start": { "constitution_files": [${files%,}],
               "members": [{ "certificate_file": "$ws/member0_cert.pem", "encryption_public_key_file": "$ws/member0_enc_pubk.pem" }] },
    "recover": { "previous_service_identity_file": "$node/previous_service_cert.pem" } },
  "ledger": { "directory": "$node/ledger" },
  "output_files": { "node_certificate_file": "$node/node_cert.pem", "pid_file": "$node/cchost.pid" }
}
JSON
}

run_bg() { "$work/cchost" --config "$1" >"$2" 2>&1 & pid=$!; pids+=("$pid"); }   # sets $pid
wait_up() {
    for _ in $(seq 1 50); do curl -ksf "$url/node/state" >/dev/null 2>&1 && return 0; kill -0 "$1" 2>/dev/null || return 1; sleep 0.2; done
    return 1
}
status() { curl -sf --cacert "$node/service_cert.pem" "$url/node/network" | jq -r .service_status; }
# gov METHOD PATH [json-body [msg-type]] → prints body; HTTP code in $work/code. A body is sent as
# COSE Sign1 by member0 (our entrypoint's cose.sh), with the ccf.gov.msg.type pyscitt picks for the path.
gov() {
    local args=(-s -o "$work/resp" -w '%{http_code}' --cacert "$node/service_cert.pem" -X "$1") type pid=""
    if [ $# -ge 3 ]; then
        printf '%s' "$3" >"$work/payload"
        case $2 in
            *:update) type=state_digest ;; *:ack) type=ack ;; *proposals:create) type=proposal ;;
            */ballots/*) type=ballot; pid=${2#*/proposals/}; pid=${pid%%/*} ;;
            *:recover) type=recovery_share ;;
        esac
        cose_sign1 "$ws/member0_privk.pem" "$ws/member0_cert.pem" "${4:-$type}" "$(date +%s)" "$work/payload" "$pid" >"$work/req.cose"
        args+=(-H 'Content-Type: application/cose' --data-binary "@$work/req.cose")
    fi
    curl "${args[@]}" "$url$2?api-version=2024-07-01" >"$work/code"
    cat "$work/resp"
}
# raw METHOD PATH FILE → posts FILE's bytes as application/cose; HTTP code in $work/code
raw() {
    curl -s -o "$work/resp" -w '%{http_code}' --cacert "$node/service_cert.pem" -X "$1" \
        -H 'Content-Type: application/cose' --data-binary "@$3" "$url$2?api-version=2024-07-01" >"$work/code"
}
code() { cat "$work/code"; }
propose_and_vote() {   # body → proposal state after the ballot
    local id
    id=$(gov POST /gov/members/proposals:create "$1" | jq -r .proposalId)
    [ "$(code)" = 200 ] || { echo "create:$(code):$(cat "$work/resp")"; return; }
    gov POST "/gov/members/proposals/$id/ballots/$member_id:submit" '{"ballot":"export function vote (p, m) { return true }"}' | jq -r .proposalState
}
pem_json() { awk '{printf "%s\\n", $0}' "$1"; }
stop() { kill -TERM "$1"; stop_rc=0; wait "$1" || stop_rc=$?; }   # sets $stop_rc

# --- Start on an empty dir
config Start "$work/start.json"
run_bg "$work/start.json" "$work/start.log"
wait_up "$pid" || die "Start did not come up"
[ -s "$node/service_cert.pem" ] && [ -s "$node/node_cert.pem" ] || die "certificates not written"
[ "$(cat "$node/cchost.pid")" = "$pid" ] || die "PID file does not hold the PID"
[ "$(status)" = Opening ] || die "status after Start is $(status), want Opening (TLS verified with --cacert service_cert.pem)"
ls "$node/ledger"/ledger_* >/dev/null 2>&1 || die "no ledger chunk written"
ok "Start on an empty dir: PID file, certs, ledger chunks, status Opening over verified TLS"

# --- live PID file
rc=0; timeout 10 "$work/cchost" --config "$work/start.json" >"$work/second.log" 2>&1 || rc=$?
[ "$rc" = 103 ] && grep -q "PID file .* already exists" "$work/second.log" || die "second cchost not refused (rc $rc)"
ok "second cchost refused while the first runs (exit 103, 'PID file … already exists')"

# --- governance: what `scitt governance local_development` does
gov POST /gov/members/proposals:create '{"actions":[{"name":"set_scitt_configuration","args":{}}]}' >/dev/null
[ "$(code)" = 401 ] && grep -q "not an ACTIVE member" "$work/resp" || die "proposal from a non-active member answered $(code), want 401"
curl -s -o /dev/null -w '%{http_code}' --cacert "$node/service_cert.pem" -H 'Content-Type: application/cose' \
    --data-binary '{"actions":[]}' "$url/gov/members/state-digests/$member_id:update?api-version=2024-07-01" >"$work/code"
[ "$(code)" = 401 ] || die "unsigned JSON body answered $(code), want 401"
printf "" >"$work/nothing"
cose_sign1 "$ws/member0_privk.pem" "$ws/member0_cert.pem" state_digest "$(date +%s)" "$work/nothing" >"$work/good.cose"
cose_file_hex "$work/good.cose" | sed 's/.$/0/' >"$work/bad.hex"; [ "$(cat "$work/bad.hex")" != "$(cose_file_hex "$work/good.cose")" ] || sed -i 's/.$/1/' "$work/bad.hex"
cose_hex_to_bin "$(cat "$work/bad.hex")" >"$work/bad.cose"
raw POST "/gov/members/state-digests/$member_id:update" "$work/bad.cose"
[ "$(code)" = 401 ] && grep -q "Failed to validate COSE Sign1" "$work/resp" || die "tampered signature answered $(code), want 401"
openssl ecparam -name secp384r1 -genkey -noout -out "$work/other.pem"
cose_sign1 "$work/other.pem" "$ws/member0_cert.pem" state_digest "$(date +%s)" "$work/nothing" >"$work/other.cose"
raw POST "/gov/members/state-digests/$member_id:update" "$work/other.cose"
[ "$(code)" = 401 ] || die "signature by another key answered $(code), want 401"
gov POST "/gov/members/state-digests/$member_id:update" '' ack >/dev/null
[ "$(code)" = 401 ] && grep -q "expected ccf.gov.msg.type to be state_digest" "$work/resp" || die "wrong msg type answered $(code)"
gov POST "/gov/members/state-digests/$member_id:update" '' >/dev/null; [ "$(code)" = 200 ] || die "update $(code)"
cp "$work/resp" "$work/digest.json"
gov POST "/gov/members/state-digests/$member_id:ack" '{"stateDigest":"00"}' >/dev/null; [ "$(code)" = 400 ] || die "ack of a wrong digest $(code)"
gov POST "/gov/members/state-digests/$member_id:ack" "$(cat "$work/digest.json")" >/dev/null; [ "$(code)" = 204 ] || die "ack $(code)"
ok "COSE Sign1 checked: unsigned, tampered, other-key and wrong-type requests 401; ack needs the :update digest"
st=$(propose_and_vote '{"actions":[{"name":"set_scitt_configuration","args":{"configuration":{}}}]}')
[ "$st" = Accepted ] || die "set_scitt_configuration: $st"
id=$(gov POST /gov/members/proposals:create "{\"actions\":[{\"name\":\"transition_service_to_open\",\"args\":{\"next_service_identity\":\"$(pem_json "$node/service_cert.pem")\"}}]}" | jq -r .proposalId)
gov POST "/gov/members/proposals/$id/ballots/member0:submit" '{"ballot":"x"}' >/dev/null
[ "$(code)" = 400 ] || die "ballot as 'member0' answered $(code), want 400 (member ids are cert fingerprints)"
printf '%s' '{"ballot":"x"}' >"$work/ballot.json"
cose_sign1 "$ws/member0_privk.pem" "$ws/member0_cert.pem" ballot "$(date +%s)" "$work/ballot.json" "0000$id" >"$work/ballot.cose"
raw POST "/gov/members/proposals/$id/ballots/$member_id:submit" "$work/ballot.cose"
[ "$(code)" = 400 ] || die "ballot signed for another proposal id answered $(code), want 400"
[ "$(gov POST "/gov/members/proposals/$id/ballots/$member_id:submit" '{"ballot":"x"}' | jq -r .proposalState)" = Accepted ] || die "open ballot"
[ "$(status)" = Open ] || die "status $(status), want Open"
curl -s --cacert "$node/service_cert.pem" -o /dev/null -w '%{http_code}' -X POST "$url/gov/members/proposals:create" >"$work/code"
[ "$(code)" = 400 ] || die "/gov without api-version answered $(code)"
ok "member activation, set_scitt_configuration, transition_service_to_open → Open; 'member0' ballot 400; no api-version 400"

# --- SIGTERM
stop "$pid"
[ "$stop_rc" = 0 ] || die "SIGTERM exit $stop_rc"
[ -f "$node/cchost.pid" ] || die "PID file removed on exit (CCF leaves it)"
ok "SIGTERM → exit 0, PID file left in place"

# --- stale PID file (dead PID) is refused too: CCF checks existence only
rc=0; timeout 10 "$work/cchost" --config "$work/start.json" >"$work/stale.log" 2>&1 || rc=$?
[ "$rc" = 103 ] || die "stale PID file not refused (rc $rc)"
ok "stale PID file (dead PID) refused as upstream does (exit 103)"
rm -f "$node/cchost.pid"

# --- Start over an existing ledger
rc=0; timeout 10 "$work/cchost" --config "$work/start.json" >"$work/restart.log" 2>&1 || rc=$?
[ "$rc" = 105 ] && grep -q "On start, ledger directory should not exist or be empty" "$work/restart.log" || die "Start over a ledger not refused (rc $rc)"
[ -f "$node/cchost.pid" ] || die "refused Start should leave its PID file (CCF writes it before the ledger check)"
ok "Start refused over an existing ledger (exit 105), leaving its PID file as CCF does"
rm -f "$node/cchost.pid"

# --- Recover without previous identity / on an empty ledger
config Recover "$work/recover.json"
rc=0; timeout 10 "$work/cchost" --config "$work/recover.json" >"$work/noprev.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "previous service identity" "$work/noprev.log" || die "Recover without previous_service_identity_file started"
rm -f "$node/cchost.pid"
mkdir -p "$work/empty"; sed "s|$node/ledger|$work/empty|" "$work/recover.json" >"$work/recover-empty.json"
cp "$node/service_cert.pem" "$node/previous_service_cert.pem"
rc=0; timeout 10 "$work/cchost" --config "$work/recover-empty.json" >"$work/noledger.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "must hold the previous service" "$work/noledger.log" || die "Recover on an empty ledger started"
rm -f "$node/cchost.pid"
ok "Recover refused without previous_service_identity_file and without a ledger"

# --- Recover with a previous identity that is not the ledger's
cp "$node/previous_service_cert.pem" "$work/prev.keep"; cp "$node/node_cert.pem" "$node/previous_service_cert.pem"
rc=0; timeout 10 "$work/cchost" --config "$work/recover.json" >"$work/wrongprev.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "does not match the service identity in the ledger" "$work/wrongprev.log" || die "Recover with a wrong previous identity started"
cp "$work/prev.keep" "$node/previous_service_cert.pem"; rm -f "$node/cchost.pid"
ok "Recover refused when previous_service_identity_file is not the ledger's service identity"

# --- Recover
old_fp=$(openssl x509 -in "$node/previous_service_cert.pem" -noout -fingerprint -sha256)
run_bg "$work/recover.json" "$work/recover.log"
wait_up "$pid" || die "Recover did not come up"
new_fp=$(openssl x509 -in "$node/service_cert.pem" -noout -fingerprint -sha256)
[ "$old_fp" != "$new_fp" ] || die "Recover kept the old service certificate"
[ "$(status)" = Recovering ] || die "status after Recover $(status)"
ls "$node/ledger"/*.recovery >/dev/null 2>&1 || die "no .recovery ledger file during recovery"
share_b64=$(gov GET "/gov/recovery/encrypted-shares/$member_id" | jq -r .encryptedShare)
share=$(printf '%s' "$share_b64" | base64 -d | openssl pkeyutl -decrypt -inkey "$ws/member0_enc_privk.pem" \
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 | base64 -w0)
gov POST "/gov/recovery/members/$member_id:recover" "{\"share\":\"$share\"}" >/dev/null
[ "$(code)" = 403 ] || die "share accepted before the open proposal ($(code))"
st=$(propose_and_vote "{\"actions\":[{\"name\":\"transition_service_to_open\",\"args\":{\"next_service_identity\":\"$(pem_json "$node/previous_service_cert.pem")\"}}]}")
[[ "$st" == create:400* ]] || die "open proposal with the old identity as next identity not rejected: $st"
st=$(propose_and_vote "{\"actions\":[{\"name\":\"transition_service_to_open\",\"args\":{\"previous_service_identity\":\"$(pem_json "$node/previous_service_cert.pem")\",\"next_service_identity\":\"$(pem_json "$node/service_cert.pem")\"}}]}")
[ "$st" = Accepted ] || die "recovery open proposal: $st"
[ "$(status)" = WaitingForRecoveryShares ] || die "status $(status), want WaitingForRecoveryShares"
gov POST "/gov/recovery/members/$member_id:recover" '{"share":"AAAA"}' >/dev/null
[ "$(code)" = 400 ] || die "wrong share answered $(code)"
gov POST "/gov/recovery/members/$member_id:recover" "{\"share\":\"$share\"}" >/dev/null
[ "$(code)" = 200 ] || die "share submission $(code): $(cat "$work/resp")"
[ "$(status)" = Open ] || die "status after the share $(status)"
! ls "$node/ledger"/*.recovery >/dev/null 2>&1 || die ".recovery ledger file left after recovery"
[ "$(curl -sf --cacert "$node/service_cert.pem" "$url/node/network" | jq -r .recovery_count)" = 1 ] || die "recovery_count"
stop "$pid"; [ "$stop_rc" = 0 ] || die "SIGTERM after recovery"
ok "Recover: new service certificate, Recovering → WaitingForRecoveryShares → Open with the decrypted share"

# --- constitution without scitt.js
rm -rf "$node" "$work/const"; mkdir -p "$node" "$work/const"
cp "$here"/constitution/{validate,apply,resolve,actions}.js "$work/const/"
config Start "$work/noscitt.json" "$work/const"
run_bg "$work/noscitt.json" "$work/noscitt.log"
wait_up "$pid" || die "Start without scitt.js did not come up"
gov POST "/gov/members/state-digests/$member_id:update" '' >/dev/null
gov POST "/gov/members/state-digests/$member_id:ack" "$(cat "$work/resp")" >/dev/null
st=$(propose_and_vote '{"actions":[{"name":"set_scitt_configuration","args":{"configuration":{}}}]}')
[[ "$st" == create:400* ]] || die "set_scitt_configuration accepted without scitt.js: $st"
stop "$pid"; [ "$stop_rc" = 0 ] || die "SIGTERM"
ok "constitution without scitt.js: set_scitt_configuration rejected (400)"

# --- config checks
rm -f "$node/cchost.pid"
jq '. + {"node_pid_file": "x"}' "$work/noscitt.json" >"$work/badkey.json"
rc=0; timeout 10 "$work/cchost" --config "$work/badkey.json" >"$work/badkey.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "unexpected top-level property 'node_pid_file'" "$work/badkey.log" || die "unknown top-level key accepted"
jq '. + {"enclave": {"file": "/usr/lib/scitt/libscitt.virtual.so", "platform": "Virtual", "type": "Release"}}' "$work/noscitt.json" >"$work/enclave.json"
rc=0; timeout 10 "$work/cchost" --config "$work/enclave.json" >"$work/enclave.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "unexpected top-level property 'enclave'" "$work/enclave.log" || die "CCF 6 enclave section accepted"
rm -rf "$node/ledger" "$node/cchost.pid"
jq '.command.start.constitution_files += ["/opt/scitt/share/scitt/constitution/nope.js"]' "$work/noscitt.json" >"$work/nofile.json"
rc=0; timeout 10 "$work/cchost" --config "$work/nofile.json" >"$work/nofile.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "Could not open constitution file" "$work/nofile.log" || die "missing constitution file accepted"
rm -f "$node/cchost.pid"
ok "unknown top-level config keys (node_pid_file, enclave) and missing constitution files rejected"

if [ "${1:-}" = --image ]; then
    img=chainfleet-e2e/scitt:latest
    docker run --rm --network none --entrypoint bash "$img" -c '
        set -e
        [ "$(pwd)" = /host/node ] && [ -x start-app.sh ]
        [ -x /usr/bin/cchost ] && [ -d /opt/scitt/bin ] && [ -z "$(ls -A /opt/scitt/bin)" ]
        for f in actions apply resolve validate scitt; do [ -f /opt/scitt/share/scitt/constitution/$f.js ]; done
        [ -f /opt/scitt/share/VERSION ]
        for t in bash curl openssl tini nc; do command -v $t >/dev/null; done
        for t in python3 python scitt ccf_cose_sign1 keygenerator.sh submit_recovery_share.sh jq; do ! command -v $t >/dev/null; done
        [ ! -e /usr/lib/scitt ] && [ ! -e /usr/share/scitt ]'
    [ "$(docker image inspect -f '{{json .Config.Entrypoint}}' "$img")" = '["tini","--","./start-app.sh"]' ] || die "image entrypoint"
    ok "image $img: upstream layout, tools present/absent as upstream, ENTRYPOINT tini -- ./start-app.sh"
    # Start inside the image through upstream's start-app.sh contract, with the installed constitution
    docker run --rm --network none --entrypoint bash "$img" -c '
        set -e
        cd /host
        openssl ecparam -out m_privk.pem -name secp384r1 -genkey 2>/dev/null
        openssl req -new -key m_privk.pem -x509 -nodes -days 1 -out m_cert.pem -subj=/CN=m 2>/dev/null
        c=/opt/scitt/share/scitt/constitution
        mkdir -p node
        cat > node/cchost.json <<JSON
{ "network": { "node_to_node_interface": { "bind_address": "127.0.0.1:8001" }, "rpc_interfaces": { "main": { "bind_address": "0.0.0.0:8000" } } },
  "node_certificate": { "subject_alt_names": ["iPAddress:127.0.0.1"] },
  "command": { "type": "Start", "service_certificate_file": "/host/service_cert.pem",
    "start": { "constitution_files": ["$c/validate.js","$c/apply.js","$c/resolve.js","$c/actions.js","$c/scitt.js"],
               "members": [{ "certificate_file": "/host/m_cert.pem" }] } } }
JSON
        cd /host/node
        NODE_NAME=node ./start-app.sh /host cchost.json >/tmp/cchost.log 2>&1 &
        for i in $(seq 1 50); do curl -sf --cacert /host/service_cert.pem https://127.0.0.1:8000/node/network >/tmp/net 2>/dev/null && break; sleep 0.2; done
        grep -q "\"service_status\":\"Opening\"" /tmp/net
        [ -f /host/node/cchost.pid ] && [ -d /host/node/ledger ]
        kill -TERM %1; wait %1' || die "cchost did not start inside the image"
    ok "image $img: start-app.sh → cchost Start with /opt/scitt/share/scitt/constitution, HTTPS answers, SIGTERM exits 0"
fi
echo "selftest: $passed checks passed"
