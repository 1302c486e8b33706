#!/usr/bin/env bash
# Self-test of the Tessellation stand-in on this machine, without Docker: builds the jar with
# build-jar.sh (javac 17 + gcc), then on loopback ports runs GL0 → ML0 → a Currency L1 cluster of
# three and checks the behaviour our program relies on: keystore rules, run modes and their
# refusals, states, joins through our own readiness.sh (cluster_join), cluster size as nodes die,
# snapshots and rollback, SIGTERM exit 0, version from the manifest, and the noexec /tmp failure.
# Every check can fail; the script exits non-zero on the first failure and prints timings.
# Usage: selftest.sh            Env: SELFTEST_PORT_BASE (default 19000), SELFTEST_KEEP=1 keeps the work dir.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
base=${SELFTEST_PORT_BASE:-19000}
work=$(mktemp -d "${TMPDIR:-/tmp}/tessellation-selftest.XXXXXX")
pids=()
mounted=""

# kill -9 one node we started, by pid, and reap it quietly.
kill_node() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

cleanup() {
  local p
  for p in "${pids[@]}"; do kill_node "$p"; done
  [ -z "$mounted" ] || umount "$mounted" 2>/dev/null || true
  if [ "${SELFTEST_KEEP:-0}" = 1 ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

t0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; exit 1; }
field() { sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\{0,1\}\([^",}]*\).*/\1/p' | head -n 1; }
state_of() { curl -fsS --max-time 2 "http://127.0.0.1:$1/node/info" 2>/dev/null | field state || true; }
cluster_size() { curl -fsS --max-time 2 "http://127.0.0.1:$1/cluster/info" 2>/dev/null | grep -o '"id"' | wc -l; }
# wait_until SECONDS CMD...: polls CMD every 0.2 s.
wait_until() {
  local limit=$1; shift
  local end=$(( $(date +%s) + limit ))
  until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done
}
is_state() { [ "$(state_of "$1")" = "$2" ]; }
size_is() { [ "$(cluster_size "$1")" -eq "$2" ]; }

# ---- build: two versions, every jar name our program uses (components/systems/ottochain/artifacts.ts)
t=$(date +%s%N)
"$here/build-jar.sh" "$work/jars/standin.jar" 2.8.1 >/dev/null
"$here/build-jar.sh" "$work/jars-next/standin.jar" 3.3.2 >/dev/null
for n in global-l0 metagraph-l0 currency-l1 data-l1 cl-keytool cl-wallet; do
  cp "$work/jars/standin.jar" "$work/jars/$n.jar"
  cp "$work/jars-next/standin.jar" "$work/jars-next/$n.jar"
done
ok "built 2.8.1 and 3.3.2 jars in $(ms "$t") ms"
J="$work/jars"
export CL_KEYALIAS=alias CL_APP_ENV=dev CL_EXTERNAL_IP=127.0.0.1 CL_COLLATERAL=0
export STANDIN_START_DELAY_MS=300 STANDIN_STEP_DELAY_MS=300 STANDIN_SNAPSHOT_INTERVAL_MS=500
export STANDIN_HEALTH_INTERVAL_MS=500 STANDIN_PEER_TIMEOUT_MS=2000
mkdir -p "$work/keys" "$work/jvm-tmp"

# ---- keystores (keytool generate, wallet show-id)
t=$(date +%s%N)
ks="$work/keys/refused.p12"
if CL_KEYSTORE=$ks CL_PASSWORD='' java -jar "$J/cl-keytool.jar" generate >"$work/keytool.out" 2>&1; then fail "generate accepted an empty CL_PASSWORD"; fi
[ ! -e "$ks" ] || fail "a keystore was written without a password"
grep -q 'CL_PASSWORD is empty' "$work/keytool.out" || fail "no clear message for the empty password"
if (unset CL_PASSWORD; CL_KEYSTORE=$ks java -jar "$J/cl-keytool.jar" generate >"$work/keytool.out" 2>&1); then fail "generate ran without CL_PASSWORD"; fi
grep -q 'Missing expected environment variable (CL_PASSWORD)' "$work/keytool.out" || fail "no clear message for the absent password"
ok "keytool refuses an empty or absent CL_PASSWORD"
export CL_PASSWORD=selftest-password
for n in gl0 ml0 cl1-0 cl1-1 cl1-2 cl1-3 cl1-4; do CL_KEYSTORE="$work/keys/$n.p12" java -jar "$J/cl-keytool.jar" generate >/dev/null; done
before=$(sha256sum "$work/keys/gl0.p12")
if CL_KEYSTORE="$work/keys/gl0.p12" java -jar "$J/cl-keytool.jar" generate >"$work/keytool.out" 2>&1; then fail "generate overwrote a keystore"; fi
[ "$(sha256sum "$work/keys/gl0.p12")" = "$before" ] || fail "existing keystore changed"
id_of() { CL_KEYSTORE="$work/keys/$1.p12" java -jar "$J/cl-wallet.jar" show-id | tail -n 1; }
gl0_id=$(id_of gl0); ml0_id=$(id_of ml0); cl10_id=$(id_of cl1-0)
[[ "$gl0_id" =~ ^[0-9a-f]{128}$ ]] || fail "show-id printed '$gl0_id'"
[ "$(id_of gl0)" = "$gl0_id" ] || fail "peer id not stable"
[ "$gl0_id" != "$ml0_id" ] || fail "two keystores share an id"
if CL_KEYSTORE="$work/keys/gl0.p12" CL_PASSWORD=wrong java -jar "$J/cl-wallet.jar" show-id >"$work/keytool.out" 2>&1; then fail "show-id accepted a wrong password"; fi
ok "keystore never overwritten; ids 128 hex, stable, distinct; wrong password refused ($(ms "$t") ms)"

# ---- node env helpers
GL0=$base; ML0=$((base + 200)); CL1=$((base + 300))
# shellcheck disable=SC2034 # read by name: run_node ENV_ARRAY
no_env=()
gl0_env=(CL_GLOBAL_L0_PEER_ID="$gl0_id" CL_GLOBAL_L0_PEER_HTTP_HOST=127.0.0.1 CL_GLOBAL_L0_PEER_HTTP_PORT="$GL0")
# run_node DIR PUBLIC_PORT KEY JAR ENV_ARRAY ARGS...: execs a node in DIR with its ports, keystore KEY and the
# extra env of the array named ENV_ARRAY (call it in a subshell or in the background: it execs).
run_node() {
  local dir=$1 port=$2 key=$3 jar=$4
  local -n extra=$5
  shift 5
  mkdir -p "$dir"
  cd "$dir" && exec env CL_PUBLIC_HTTP_PORT="$port" CL_P2P_HTTP_PORT=$((port + 1)) CL_CLI_HTTP_PORT=$((port + 2)) \
    CL_KEYSTORE="$work/keys/$key.p12" "${extra[@]}" java -Xmx64m -Djava.io.tmpdir="$work/jvm-tmp" -jar "$jar" "$@"
}
# start NAME DIR JAR PUBLIC_PORT ENV_ARRAY ARGS...: a node in the background (key NAME without @…), log NAME.log,
# pid in pid[NAME].
declare -A pid=()
start() {
  local name=$1 dir=$2 jar=$3 port=$4 envs=$5
  shift 5
  run_node "$dir" "$port" "${name%%@*}" "$jar" "$envs" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  pid[$name]=$!
}

# ---- refusals of the run modes
t=$(date +%s%N)
mkdir -p "$work/empty"
ml0_rollback_env=("${gl0_env[@]}" CL_L0_TOKEN_IDENTIFIER=DAG0x)
if (run_node "$work/empty" $((base + 900)) ml0 "$J/metagraph-l0.jar" ml0_rollback_env run-rollback) >"$work/rollback.out" 2>&1; then fail "ML0 run-rollback started without data"; fi
grep -q 'no snapshot in' "$work/rollback.out" || fail "ML0 rollback refusal unclear: $(cat "$work/rollback.out")"
if (run_node "$work/empty" $((base + 900)) ml0 "$J/metagraph-l0.jar" gl0_env run-rollback) >"$work/rollback.out" 2>&1; then fail "ML0 run-rollback ran without CL_L0_TOKEN_IDENTIFIER"; fi
grep -q 'CL_L0_TOKEN_IDENTIFIER' "$work/rollback.out" || fail "no message for the missing token identifier"
if (run_node "$work/empty" $((base + 900)) gl0 "$J/global-l0.jar" no_env run-rollback) >"$work/rollback.out" 2>&1; then fail "GL0 run-rollback ran without a rollback hash"; fi
grep -q 'rollbackHash' "$work/rollback.out" || fail "no message for the missing rollback hash"
[ ! -e "$work/empty/data" ] || fail "a refused rollback created data/"
ok "run-rollback refused: no data (ML0), no CL_L0_TOKEN_IDENTIFIER (ML0), no rollbackHash (GL0) ($(ms "$t") ms)"

# ---- GL0 genesis
t=$(date +%s%N)
mkdir -p "$work/genesis/gl0" "$work/genesis/ml0"
printf 'DAG0y4eLqhhXUafeE3mgBstezPTnr8L3tZjAtMWB,1000000000000\n' > "$work/genesis/gl0/genesis.csv"
printf 'DAG0y4eLqhhXUafeE3mgBstezPTnr8L3tZjAtMWB,500000000\n' > "$work/genesis/ml0/genesis.csv"
start gl0 "$work/gl0" "$J/global-l0.jar" "$GL0" no_env run-genesis "$work/genesis/gl0/genesis.csv"
wait_until 30 is_state "$GL0" Ready || fail "GL0 not Ready"
gl0_ready=$(ms "$t")
grep -q 'to=LoadingGenesis' "$work/gl0.log" || fail "GL0 skipped LoadingGenesis"
grep -q 'to=GenesisReady' "$work/gl0.log" || fail "GL0 skipped GenesisReady"
ord_at() { curl -fsS --max-time 2 "http://127.0.0.1:$1$2" | field value; }
o1=$(ord_at "$GL0" /global-snapshots/latest/ordinal); sleep 1.2; o2=$(ord_at "$GL0" /global-snapshots/latest/ordinal)
[ "$o2" -gt "$o1" ] || fail "GL0 ordinal does not advance ($o1 → $o2)"
[ -f "$work/gl0/data/incremental_snapshot/ordinal/0/$o2" ] || fail "no data/incremental_snapshot/ordinal/0/$o2 in GL0's working dir"
listening=$(ss -ltnH)
grep -Eq "(127.0.0.1|\[::ffff:127.0.0.1\]):$((GL0 + 2)) " <<<"$listening" || fail "GL0 CLI port not on 127.0.0.1"
grep -Eq "(0.0.0.0|\*|\[::\]):$GL0 " <<<"$listening" || fail "GL0 public port not on every interface"
ok "GL0 run-genesis → Ready in $gl0_ready ms; ordinal $o1 → $o2; snapshots under data/incremental_snapshot; CLI on 127.0.0.1 only"

# ---- ML0: create-genesis then run-genesis
t=$(date +%s%N)
(cd "$work/genesis/ml0" && env "${gl0_env[@]}" CL_KEYSTORE="$work/keys/ml0.p12" java -jar "$J/metagraph-l0.jar" create-genesis genesis.csv >"$work/create-genesis.log" 2>&1) \
  || fail "create-genesis failed: $(cat "$work/create-genesis.log")"
metagraph_id=$(cat "$work/genesis/ml0/genesis.address")
[[ "$metagraph_id" =~ ^DAG[0-9][1-9A-HJ-NP-Za-km-z]{36}$ ]] || fail "genesis.address is '$metagraph_id'"
[ -s "$work/genesis/ml0/genesis.snapshot" ] || fail "no genesis.snapshot"
start ml0 "$work/ml0" "$J/metagraph-l0.jar" "$ML0" gl0_env run-genesis "$work/genesis/ml0/genesis.snapshot"
wait_until 30 is_state $ML0 Ready || fail "ML0 not Ready"
ok "ML0 create-genesis ($metagraph_id) + run-genesis → Ready in $(ms "$t") ms"

# ---- Currency L1: initial validator, then two validators joined by our readiness.sh
t=$(date +%s%N)
l1_env=("${gl0_env[@]}" CL_L0_PEER_ID="$ml0_id" CL_L0_PEER_HTTP_HOST=127.0.0.1 CL_L0_PEER_HTTP_PORT="$ML0" CL_L0_TOKEN_IDENTIFIER="$metagraph_id")
V0=$CL1; V1=$((CL1 + 10)); V2=$((CL1 + 20)); V3=$((CL1 + 30)); V4=$((CL1 + 40))
start cl1-0 "$work/cl1-0" "$J/currency-l1.jar" "$V0" l1_env run-initial-validator
start cl1-1 "$work/cl1-1" "$J/currency-l1.jar" "$V1" l1_env run-validator
start cl1-2 "$work/cl1-2" "$J/currency-l1.jar" "$V2" l1_env run-validator
wait_until 30 is_state $V0 Ready || fail "initial validator not Ready"
wait_until 30 is_state $V1 ReadyToJoin || fail "validator 1 not ReadyToJoin"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d "{\"id\":\"$cl10_id\",\"ip\":\"127.0.0.1\",\"p2pPort\":$((V0 + 1))}" "http://127.0.0.1:$((V0 + 2))/cluster/join")
[ "$code" = 409 ] || fail "join on a Ready node answered $code, not 409"
# shellcheck source=/dev/null
source "$repo/components/platform/scripts/readiness.sh"
cluster_join "http://127.0.0.1:$V1" $((V1 + 2)) "http://127.0.0.1:$V0" 127.0.0.1 $((V0 + 1)) 5 30 1 >"$work/join-1.out" 2>&1 &
j1=$!
cluster_join "http://127.0.0.1:$V2" $((V2 + 2)) "http://127.0.0.1:$V0" 127.0.0.1 $((V0 + 1)) 5 30 1 >"$work/join-2.out" 2>&1 &
j2=$!
wait "$j1" || fail "cluster_join of validator 1 failed: $(cat "$work/join-1.out")"
wait "$j2" || fail "cluster_join of validator 2 failed: $(cat "$work/join-2.out")"
for p in $V0 $V1 $V2; do wait_until 10 size_is "$p" 3 || fail "/cluster/info of :$p has $(cluster_size "$p") peers, not 3"; done
ok "CL1 of 3: initial Ready, 409 on join when Ready, both validators joined by cluster_join; /cluster/info = 3 on every node ($(ms "$t") ms)"

# ---- an L1 node whose Metagraph L0 peer is down dies at start (L0PeerDiscoveryError)
t=$(date +%s%N)
# shellcheck disable=SC2034 # read by name: run_node ENV_ARRAY
l0down_env=("${gl0_env[@]}" CL_L0_PEER_ID="$ml0_id" CL_L0_PEER_HTTP_HOST=127.0.0.1 CL_L0_PEER_HTTP_PORT=$((base + 999)) CL_L0_TOKEN_IDENTIFIER="$metagraph_id")
if (run_node "$work/empty" $((base + 900)) cl1-4 "$J/currency-l1.jar" l0down_env run-validator) >"$work/l0down.out" 2>&1; then fail "L1 node started without its L0 peer"; fi
grep -q 'Error during L0 peer discovery' "$work/l0down.out" || fail "L0 discovery failure unclear: $(cat "$work/l0down.out")"
ok "L1 node with its Metagraph L0 down exits 1 at start ($(ms "$t") ms)"

# ---- a join whose peer is down: 200, then stuck in SessionStarted, later joins 409 (upstream Joining.scala)
t=$(date +%s%N)
start cl1-3 "$work/cl1-3" "$J/currency-l1.jar" "$V3" l1_env run-validator
wait_until 30 is_state $V3 ReadyToJoin || fail "validator 3 not ReadyToJoin"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d "{\"id\":\"$cl10_id\",\"ip\":\"127.0.0.1\",\"p2pPort\":$((base + 999))}" "http://127.0.0.1:$((V3 + 2))/cluster/join")
[ "$code" = 200 ] || fail "join towards a dead peer answered $code (upstream answers 200 and joins in the background)"
sleep 1.5
[ "$(state_of $V3)" = SessionStarted ] || fail "after a failed join validator 3 is $(state_of $V3), not SessionStarted"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d "{\"id\":\"$cl10_id\",\"ip\":\"127.0.0.1\",\"p2pPort\":$((V0 + 1))}" "http://127.0.0.1:$((V3 + 2))/cluster/join")
[ "$code" = 409 ] || fail "a second join after the failure answered $code, not 409"
[ "$(cluster_size $V0)" -eq 3 ] || fail "the failed joiner entered the cluster"
kill_node "${pid[cl1-3]}"
ok "join towards a dead peer: 200, node stuck in SessionStarted, next join 409 ($(ms "$t") ms)"

# ---- another version cannot join (VersionMismatch); /node/info reports the manifest version
t=$(date +%s%N)
start cl1-4 "$work/cl1-4" "$work/jars-next/currency-l1.jar" "$V4" l1_env run-validator
wait_until 30 is_state $V4 ReadyToJoin || fail "3.3.2 validator not ReadyToJoin"
curl -fsS "http://127.0.0.1:$V4/node/info" | grep -q '"version":"3.3.2"' || fail "3.3.2 jar does not report version 3.3.2"
curl -fsS "http://127.0.0.1:$V0/node/info" | grep -q '"version":"2.8.1"' || fail "2.8.1 jar does not report version 2.8.1"
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
  -d "{\"id\":\"$cl10_id\",\"ip\":\"127.0.0.1\",\"p2pPort\":$((V0 + 1))}" "http://127.0.0.1:$((V4 + 2))/cluster/join" || fail "join of the 3.3.2 node not accepted"
sleep 1.5
[ "$(state_of $V4)" = SessionStarted ] || fail "a 3.3.2 node joined a 2.8.1 cluster (state $(state_of $V4))"
grep -q VersionMismatch "$work/cl1-4.log" || fail "no VersionMismatch in the 3.3.2 node's log"
kill_node "${pid[cl1-4]}"
ok "version from the manifest (2.8.1 / 3.3.2); a 3.3.2 node cannot join the 2.8.1 cluster ($(ms "$t") ms)"

# ---- kill -9 a validator: the cluster shrinks to 2 on the others
t=$(date +%s%N)
kill_node "${pid[cl1-2]}"
wait_until 20 size_is $V0 2 || fail "initial validator still lists $(cluster_size $V0) peers after kill -9"
wait_until 20 size_is $V1 2 || fail "validator 1 still lists $(cluster_size $V1) peers after kill -9"
ok "kill -9 of a validator: /cluster/info 3 → 2 in $(ms "$t") ms (peer timeout ${STANDIN_PEER_TIMEOUT_MS} ms)"

# ---- restart it (new session): it rejoins and the cluster is 3 again
t=$(date +%s%N)
start cl1-2@2 "$work/cl1-2" "$J/currency-l1.jar" "$V2" l1_env run-validator
cluster_join "http://127.0.0.1:$V2" $((V2 + 2)) "http://127.0.0.1:$V0" 127.0.0.1 $((V0 + 1)) 5 30 1 >"$work/join-2b.out" 2>&1 \
  || fail "rejoin failed: $(cat "$work/join-2b.out")"
for p in $V0 $V1 $V2; do wait_until 10 size_is "$p" 3 || fail "after the rejoin :$p lists $(cluster_size "$p") peers"; done
ok "restarted validator rejoined: /cluster/info back to 3 in $(ms "$t") ms"

# ---- SIGTERM: exit 0, quickly
t=$(date +%s%N)
kill -TERM "${pid[cl1-1]}"
rc=0; wait "${pid[cl1-1]}" || rc=$?
[ "$rc" = 0 ] || fail "SIGTERM exit code $rc, not 0"
ok "SIGTERM: exit 0 in $(ms "$t") ms"

# ---- ML0 restart by rollback: continues after its last ordinal
t=$(date +%s%N)
last=$(ord_at $ML0 /snapshots/latest/ordinal)
kill -TERM "${pid[ml0]}"; wait "${pid[ml0]}" || true
# shellcheck disable=SC2034 # read by name: run_node ENV_ARRAY
ml0_rollback_env=("${gl0_env[@]}" CL_L0_TOKEN_IDENTIFIER="$metagraph_id")
start ml0@2 "$work/ml0" "$J/metagraph-l0.jar" "$ML0" ml0_rollback_env run-rollback
wait_until 30 is_state $ML0 Ready || fail "ML0 not Ready after run-rollback"
grep -q 'to=RollbackInProgress' "$work/ml0@2.log" || fail "ML0 rollback states missing"
sleep 1
now=$(ord_at $ML0 /snapshots/latest/ordinal)
[ "$now" -gt "$last" ] || fail "ML0 ordinal after rollback $now not above $last"
ok "ML0 run-rollback → Ready in $(ms "$t") ms; ordinal $last → $now"

# ---- GL0 restart by rollback with the hash of its latest snapshot (sha256 of the ordinal file)
t=$(date +%s%N)
kill -TERM "${pid[gl0]}"; wait "${pid[gl0]}" || true
latest=$(find "$work/gl0/data/incremental_snapshot/ordinal" -type f -printf '%f\n' | sort -n | tail -n 1)
hash=$(sha256sum "$work/gl0/data/incremental_snapshot/ordinal/0/$latest" | cut -d' ' -f1)
[ -f "$work/gl0/data/incremental_snapshot/hash/${hash:0:3}/${hash:3:3}/$hash" ] || fail "no hash/ entry for ordinal $latest"
start gl0@2 "$work/gl0" "$J/global-l0.jar" "$GL0" no_env run-rollback "$hash"
wait_until 30 is_state "$GL0" Ready || fail "GL0 not Ready after run-rollback $hash"
ok "GL0 run-rollback <hash of ordinal $latest> → Ready in $(ms "$t") ms"

# ---- noexec java.io.tmpdir: the node fails at start (the JVM native-library fact)
t=$(date +%s%N)
noexec="$work/noexec-tmp"
mkdir -p "$noexec"
if mount -t tmpfs -o noexec,nosuid,size=16m tmpfs "$noexec" 2>/dev/null; then
  mounted=$noexec
  if (cd "$work/empty" && env CL_PUBLIC_HTTP_PORT=$((base + 950)) CL_P2P_HTTP_PORT=$((base + 951)) CL_CLI_HTTP_PORT=$((base + 952)) \
    "${l1_env[@]}" CL_KEYSTORE="$work/keys/cl1-4.p12" java -Djava.io.tmpdir="$noexec" -jar "$J/currency-l1.jar" run-validator) >"$work/noexec.out" 2>&1; then fail "node started with a noexec tmpdir"; fi
  grep -q 'failed to map segment from shared object' "$work/noexec.out" || fail "noexec failure unclear: $(cat "$work/noexec.out")"
  ok "noexec java.io.tmpdir: node exits 1 at start ('failed to map segment from shared object') in $(ms "$t") ms"
else
  echo "skip noexec check: cannot mount a tmpfs here (needs root)"
fi
[ -z "$(find "$work/empty" -mindepth 1 -print -quit)" ] || fail "a node wrote into the working dir of a failed start"

echo "selftest passed in $(ms "$t0") ms"
