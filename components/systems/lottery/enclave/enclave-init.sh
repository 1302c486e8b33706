#!/bin/bash
# enclave-init.sh: entrypoint of the lottery operator's EIF. It boots the enclave from what the
# parent hands it, then execs the operator (its arguments: the command, e.g. python3 src/main.py).
#
# Boot channel (written by components/platform/enclaveSpec.ts on the parent):
#   enclave  ── connect vsock CID 3 : CHAINFLEET_CONFIG_PORT (default 7000, = lottery.enclave.configPort)
#   parent   ── chainfleet-lottery-config.service: socat VSOCK-LISTEN:<configPort>,fork runs
#               /usr/local/bin/chainfleet-enclave-config once per connection.
#   The enclave sends one line, its request: "boot" — the parent answers one JSON object and closes; or
#   "failed: <why>" — the parent logs it to its journal and closes (outside debug mode an enclave has no
#   console: that is where a failed boot is seen; <why> never holds a secret). The answer (UTF-8):
#     { "version": 1,
#       "region": "eu-west-1",                      KMS key's region
#       "kmsProxyPort": 8002,                       parent vsock-proxy → kms.<region>.amazonaws.com:443
#       "rpc": { "host": "rpc.example-chain.org",   the RPC host (TLS end to end), mapped to 127.0.0.1 here
#                "port": 443,                       local TCP port listened on inside the enclave
#                "proxyPort": 8001 },               parent vsock-proxy → <host>:443
#       "ingressPort": 6080,                        vsock port here; the parent forwards TCP 6080 to it
#       "env": { "BLOCKCHAIN_RPC_URL": …, "BLOCKCHAIN_CHAIN_ID": …, "BLOCKCHAIN_CONTRACT_ADDRESS": …,
#                "BLOCKCHAIN_GAS_MULTIPLIER": …, "APP_LOG_LEVEL": …, "APP_PORT": … },
#       "operatorKeyCiphertext": "<base64>",        from SSM, decryptable only by this EIF's PCR0
#       "credentials": { "accessKeyId": …, "secretAccessKey": …, "sessionToken": …, "expiration": … } }
#     or { "error": "<what the parent could not get>" } (retried: IMDS or SSM may not be ready yet).
#   The instance role's short-lived credentials only let this enclave call KMS: the key policy allows
#   Decrypt only with an attestation document whose PCR0 is this EIF's, which kmstool_enclave_cli adds
#   (docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html).
#
# Then: loopback up; <rpc.host> → 127.0.0.1 in /etc/hosts; socat 127.0.0.1:<rpc.port> → vsock 3:<rpc.proxyPort>;
# socat vsock :<ingressPort> → 127.0.0.1:<APP_PORT>; kmstool_enclave_cli decrypt (aws-nitro-enclaves-sdk-c,
# bin/kmstool-enclave-cli: flags --region --proxy-port --aws-access-key-id --aws-secret-access-key
# --aws-session-token --ciphertext; prints "PLAINTEXT: <base64>"); exports exactly env.* and
# BLOCKCHAIN_OPERATOR_PRIVATE_KEY, and execs the operator. The key is never printed, never written to a
# file, never an argument (kmstool's arguments carry the credentials, as its CLI requires; they stay in
# the enclave). Anything missing or undecryptable stops the boot with a message naming it.
#
# Image needs: bash, python3, socat, base64 (coreutils), iproute2 (or ifconfig), kmstool_enclave_cli with
# libnsm.so, CA certificates; it runs as root (loopback, /etc/hosts). Settings (image ENV, all optional):
# CHAINFLEET_CONFIG_PORT (7000), CHAINFLEET_CONFIG_ATTEMPTS (10), CHAINFLEET_CONFIG_RETRY_SECONDS (first
# wait 1, doubled up to 16), CHAINFLEET_KMSTOOL (kmstool_enclave_cli on PATH), CHAINFLEET_HOSTS_FILE
# (/etc/hosts); CHAINFLEET_TRANSPORT=tcp (tests only) puts both ends on 127.0.0.1 instead of vsock.
# None of them reaches the operator.
set -euo pipefail

transport="${CHAINFLEET_TRANSPORT:-vsock}"
config_port="${CHAINFLEET_CONFIG_PORT:-7000}"
attempts="${CHAINFLEET_CONFIG_ATTEMPTS:-10}"
delay="${CHAINFLEET_CONFIG_RETRY_SECONDS:-1}"
hosts_file="${CHAINFLEET_HOSTS_FILE:-/etc/hosts}"
kmstool="${CHAINFLEET_KMSTOOL:-kmstool_enclave_cli}"
unset CHAINFLEET_TRANSPORT CHAINFLEET_CONFIG_PORT CHAINFLEET_CONFIG_ATTEMPTS CHAINFLEET_CONFIG_RETRY_SECONDS CHAINFLEET_HOSTS_FILE CHAINFLEET_KMSTOOL
readonly PARENT_CID=3 MAX_DELAY=16

reporting=""
die() {
    echo "enclave-init: $*" >&2
    # Best effort: tell the parent why (its journal shows it), once the transport is known.
    [ -z "$reporting" ] || printf 'failed: %s\n' "$*" | socat -T 3 -u STDIN "$(parent "$config_port")" 2>/dev/null || true
    exit 1
}

[ $# -gt 0 ] || die "no operator to run: give its command as arguments (ENTRYPOINT [\"/usr/local/bin/enclave-init.sh\"] + CMD)"
case "$transport" in vsock | tcp) ;; *) die "CHAINFLEET_TRANSPORT must be vsock or tcp (got \"$transport\")" ;; esac
[[ $config_port =~ ^[0-9]+$ ]] || die "CHAINFLEET_CONFIG_PORT must be a port number (got \"$config_port\")"
[[ $attempts =~ ^[1-9][0-9]*$ ]] || die "CHAINFLEET_CONFIG_ATTEMPTS must be a positive integer (got \"$attempts\")"
for tool in socat python3 base64 "$kmstool"; do
    command -v "$tool" >/dev/null || die "$tool is not in the image (PATH=$PATH)"
done

# socat addresses of the parent's port $1, and of a listener here on port $1.
parent() { if [ "$transport" = vsock ]; then echo "VSOCK-CONNECT:$PARENT_CID:$1"; else echo "TCP:127.0.0.1:$1"; fi; }
listener() { if [ "$transport" = vsock ]; then echo "VSOCK-LISTEN:$1,fork,reuseaddr"; else echo "TCP-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr"; fi; }
reporting=1

# An enclave starts with its loopback down; the forwarders below listen on it.
if command -v ip >/dev/null; then
    ip link set dev lo up || die "cannot bring up the loopback interface (ip link set dev lo up)"
elif command -v ifconfig >/dev/null; then
    ifconfig lo 127.0.0.1 up || die "cannot bring up the loopback interface (ifconfig lo 127.0.0.1 up)"
else
    die "neither ip (iproute2) nor ifconfig is in the image: cannot bring up the loopback interface"
fi

# Reads the boot document on stdin and prints shell assignments, every value quoted. Exit 0: the
# document's; 4: the parent answered an error (retried); 2: the document is unusable (fatal). On
# failure the one assignment is why=<the reason>.
# shellcheck disable=SC2016
PARSE='
import json, re, shlex, sys
ENV = ["BLOCKCHAIN_RPC_URL", "BLOCKCHAIN_CHAIN_ID", "BLOCKCHAIN_CONTRACT_ADDRESS", "BLOCKCHAIN_GAS_MULTIPLIER", "APP_LOG_LEVEL", "APP_PORT"]
def bad(msg, code=2):
    print("why=" + shlex.quote(msg)); sys.exit(code)
try:
    doc = json.loads(sys.stdin.read())
except ValueError:
    bad("the boot document is not JSON")
if not isinstance(doc, dict):
    bad("the boot document is not a JSON object")
if "error" in doc:
    bad("the parent could not prepare the boot document: %s" % doc["error"], 4)
if doc.get("version") != 1:
    bad("the boot document has version %r; this enclave-init reads version 1" % doc.get("version"))
def get(path):
    v = doc
    for p in path.split("."):
        v = v.get(p) if isinstance(v, dict) else None
    return v
fields = {"region": "str", "kmsProxyPort": "port", "rpc.host": "host", "rpc.port": "port", "rpc.proxyPort": "port", "ingressPort": "port",
          "operatorKeyCiphertext": "str", "credentials.accessKeyId": "str", "credentials.secretAccessKey": "str", "credentials.sessionToken": "str"}
fields.update({"env." + k: "str" for k in ENV})
fields["env.APP_PORT"] = "digits"
def ok(v, kind):
    if kind == "port": return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65535
    if kind == "digits": return isinstance(v, str) and v.isdigit()
    if kind == "host": return isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", v) is not None
    return isinstance(v, str) and v != ""
missing = [f for f, kind in fields.items() if not ok(get(f), kind)]
if missing:
    bad("the boot document lacks or has unusable: " + ", ".join(missing))
names = {"region": "cf_region", "kmsProxyPort": "cf_kms_proxy_port", "rpc.host": "cf_rpc_host", "rpc.port": "cf_rpc_port",
         "rpc.proxyPort": "cf_rpc_proxy_port", "ingressPort": "cf_ingress_port", "operatorKeyCiphertext": "cf_ciphertext",
         "credentials.accessKeyId": "cf_key_id", "credentials.secretAccessKey": "cf_secret", "credentials.sessionToken": "cf_token"}
for f, n in names.items():
    print("%s=%s" % (n, shlex.quote(str(get(f)))))
print("app_env=(%s)" % " ".join(shlex.quote("%s=%s" % (k, get("env." + k))) for k in ENV))
'

# Ask the parent, with a bounded backoff: it may still be starting, or IMDS/SSM not ready yet.
assignments=""
last="nothing answered"
wait_s="$delay"
for ((i = 1; i <= attempts; i++)); do
    doc=""
    # -t: after "boot" is sent, wait up to 20 s for the answer (IMDS and SSM are asked per request).
    if doc=$(printf 'boot\n' | socat -t 20 -T 20 STDIO "$(parent "$config_port")" 2>/dev/null) && [ -n "$doc" ]; then
        rc=0
        assignments=$(printf '%s' "$doc" | python3 -c "$PARSE") || rc=$?
        [ "$rc" -eq 0 ] && break
        why="the parser failed (exit $rc)"
        [[ $assignments == why=* ]] && eval "$assignments"
        [ "$rc" -eq 4 ] || die "$why (from $(parent "$config_port"))"
        last="$why"
        assignments=""
    fi
    [ "$i" -lt "$attempts" ] || break
    echo "enclave-init: no boot document yet from $(parent "$config_port") (attempt $i of $attempts: $last); retrying in ${wait_s}s" >&2
    sleep "$wait_s"
    wait_s=$(python3 -c 'import sys; print(min(float(sys.argv[1]) * 2, float(sys.argv[2])))' "$wait_s" "$MAX_DELAY")
done
[ -n "$assignments" ] || die "no boot document from the parent's config service at $(parent "$config_port") after $attempts attempts ($last): is chainfleet-lottery-config.service running on the parent, on lottery.enclave.configPort?"
cf_region="" cf_kms_proxy_port="" cf_rpc_host="" cf_rpc_port="" cf_rpc_proxy_port="" cf_ingress_port="" cf_ciphertext="" cf_key_id="" cf_secret="" cf_token=""
app_env=()
eval "$assignments"
unset assignments doc
app_port=""
for kv in "${app_env[@]}"; do [[ $kv == APP_PORT=* ]] && app_port="${kv#APP_PORT=}"; done

# RPC egress: the RPC host resolves here; TLS runs end to end through the parent's vsock-proxy.
grep -qxF "127.0.0.1 $cf_rpc_host" "$hosts_file" 2>/dev/null || echo "127.0.0.1 $cf_rpc_host" >>"$hosts_file" || die "cannot write $hosts_file"
# The forwarders stay for the operator's life; a boot that fails below takes them down with it.
forwarders=()
trap 'kill "${forwarders[@]}" 2>/dev/null || true' EXIT
socat "TCP-LISTEN:$cf_rpc_port,bind=127.0.0.1,fork,reuseaddr" "$(parent "$cf_rpc_proxy_port")" </dev/null &
forwarders+=($!)
# Ingress: the parent forwards its TCP service port to this vsock port.
socat "$(listener "$cf_ingress_port")" "TCP:127.0.0.1:$app_port" </dev/null &
forwarders+=($!)

# The operator key: KMS returns it only to this attested enclave (re-encrypted to its attestation key).
out=""
out=$("$kmstool" decrypt --region "$cf_region" --proxy-port "$cf_kms_proxy_port" \
    --aws-access-key-id "$cf_key_id" --aws-secret-access-key "$cf_secret" --aws-session-token "$cf_token" \
    --ciphertext "$cf_ciphertext") || die "kmstool_enclave_cli could not decrypt the operator key (KMS in $cf_region through vsock port $cf_kms_proxy_port): is this EIF's PCR0 the one in the key policy, and the ciphertext the one for that key?"
unset cf_key_id cf_secret cf_token cf_ciphertext
case "$out" in
    "PLAINTEXT: "*) b64="${out#PLAINTEXT: }" ;;
    *) die "kmstool_enclave_cli printed no \"PLAINTEXT: <base64>\" line: refusing to start (kmstool too old, or the decrypt failed)" ;;
esac
unset out
b64="${b64%%[[:space:]]*}"
key=$(printf '%s' "$b64" | base64 -d 2>/dev/null) || die "the decrypted operator key is not valid base64: refusing to start"
unset b64
[[ $key =~ ^0x[0-9a-fA-F]{64}$ ]] || die "the decrypted operator key is not 0x followed by 64 hex digits: refusing to start (wrong ciphertext?)"

for kv in "${app_env[@]}"; do export "${kv?}"; done
export BLOCKCHAIN_OPERATOR_PRIVATE_KEY="$key"
unset key kv app_env app_port
trap - EXIT
exec "$@"
