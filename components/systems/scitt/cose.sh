# shellcheck shell=bash
# COSE Sign1 for CCF governance requests, in bash with the openssl CLI and coreutils only (the
# scitt-ccf-ledger runtime image has no Python, so no `ccf_cose_sign1`). Shipped ahead of
# entrypoint.sh in the same `bash -c` script (scitt.ts joins them); sourced alone by test/scitt.spec.ts.
#
# What CCF expects (read in microsoft/CCF python/src/ccf/cose.py `create_cose_sign1` / `sign_cli`,
# and src/endpoints/authentication/cose_auth.cpp `extract_governance_protected_header_and_signature`):
#   COSE_Sign1 = tag 18 [ bstr(protected), {} , bstr(payload), bstr(signature) ]
#   protected  = { 1 (alg): -35 (ES384), 4 (kid): bstr(member id as hex TEXT bytes),
#                  "ccf.gov.msg.type": tstr, "ccf.gov.msg.created_at": uint (seconds since epoch),
#                  ["ccf.gov.msg.proposal_id": tstr   — ballots and withdrawals] }
#   signature  = ECDSA P-384 over SHA-384 of Sig_structure ["Signature1", bstr(protected), h'', bstr(payload)],
#                raw r||s (48+48 bytes, RFC 8152 §8.1), not the DER openssl prints.
# Member id = SHA-256 of the member certificate's DER, lower-case hex (CCF cert_fingerprint).
# Map keys are written in RFC 8949 §4.2.1 deterministic order (bytewise order of the encoded keys),
# as cwt's deterministic_header does; CCF looks keys up by label, so order is not checked.
# All CBOR is built as lower-case hex strings (bash variables cannot hold NUL bytes); cose_hex_to_bin
# turns the result into bytes at the end.

# Hex of a file's bytes (stdin when no file): od is coreutils.
cose_file_hex() { od -An -v -tx1 "$@" | tr -d ' \n'; }

# Hex of a string's bytes.
cose_str_hex() { printf '%s' "$1" | cose_file_hex; }

# Writes the bytes of a hex string to stdout.
cose_hex_to_bin() {
    local hex=$1 i chunk
    # printf %b with \xHH escapes, in chunks to keep argument sizes small
    for ((i = 0; i < ${#hex}; i += 4096)); do
        chunk=${hex:i:4096}
        # shellcheck disable=SC2059  # the format is made only of \xHH escapes
        printf "$(printf '%s' "$chunk" | sed 's/../\\x&/g')"
    done
}

# CBOR head: major type (0-7) and argument (unsigned) → hex (RFC 8949 §3).
cbor_head() {
    local major=$1 n=$2
    if ((n < 24)); then printf '%02x' $(((major << 5) | n))
    elif ((n < 256)); then printf '%02x%02x' $(((major << 5) | 24)) "$n"
    elif ((n < 65536)); then printf '%02x%04x' $(((major << 5) | 25)) "$n"
    elif ((n < 4294967296)); then printf '%02x%08x' $(((major << 5) | 26)) "$n"
    else printf '%02x%016x' $(((major << 5) | 27)) "$n"
    fi
}

# Integer (negative → major 1 with -1-n).
cbor_int() { if (($1 >= 0)); then cbor_head 0 "$1"; else cbor_head 1 $((-1 - $1)); fi; }
# Text string from a bash string (UTF-8 bytes as given).
cbor_tstr() { local h; h=$(cose_str_hex "$1"); cbor_head 3 $((${#h} / 2)); printf '%s' "$h"; }
# Byte string from hex.
cbor_bstr_hex() { cbor_head 2 $((${#1} / 2)); printf '%s' "$1"; }
cbor_array() { cbor_head 4 "$1"; }
cbor_map() { cbor_head 5 "$1"; }
cbor_tag() { cbor_head 6 "$1"; }

# Member id of a certificate: SHA-256 of its DER, hex.
cose_member_id() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }

# Protected header hex: cose_protected KID MSG_TYPE CREATED_AT [PROPOSAL_ID]
cose_protected() {
    local kid=$1 type=$2 created=$3 pid=${4:-} n=4
    [ -n "$pid" ] && n=5
    cbor_map "$n"
    cbor_int 1; cbor_int -35
    cbor_int 4; cbor_bstr_hex "$(cose_str_hex "$kid")"
    cbor_tstr ccf.gov.msg.type; cbor_tstr "$type"
    cbor_tstr ccf.gov.msg.created_at; cbor_int "$created"
    if [ -n "$pid" ]; then cbor_tstr ccf.gov.msg.proposal_id; cbor_tstr "$pid"; fi
}

# DER ECDSA-Sig-Value (hex on stdin... as $1) → raw r||s, each left-padded to $2 bytes (hex).
cose_der_to_raw() {
    local der=$1 size=$2 pos=4 len r s
    [ "${der:0:2}" = 30 ] || { echo "cose: signature is not a DER SEQUENCE" >&2; return 1; }
    # a P-384 signature is at most 104 bytes: the SEQUENCE length fits one byte; allow 81 xx too
    [ "${der:2:2}" = 81 ] && pos=6
    for part in r s; do
        [ "${der:pos:2}" = 02 ] || { echo "cose: DER INTEGER expected" >&2; return 1; }
        len=$((16#${der:pos+2:2}))
        local v=${der:pos+4:len*2}
        pos=$((pos + 4 + len * 2))
        while [ ${#v} -gt $((size * 2)) ] && [ "${v:0:2}" = 00 ]; do v=${v:2}; done
        while [ ${#v} -lt $((size * 2)) ]; do v=00$v; done
        [ ${#v} -eq $((size * 2)) ] || { echo "cose: integer longer than $size bytes" >&2; return 1; }
        if [ "$part" = r ]; then r=$v; else s=$v; fi
    done
    printf '%s%s' "$r" "$s"
}

# cose_sign1 KEY CERT MSG_TYPE CREATED_AT PAYLOAD_FILE [PROPOSAL_ID] → COSE_Sign1 bytes on stdout.
# The key must be an EC secp384r1 private key (ES384), as keygenerator.sh makes members' keys.
cose_sign1() {
    local key=$1 cert=$2 type=$3 created=$4 payload_file=$5 pid=${6:-}
    local kid phdr payload tbs der sig
    kid=$(cose_member_id "$cert") || return 1
    phdr=$(cose_protected "$kid" "$type" "$created" "$pid")
    payload=$(cose_file_hex "$payload_file")
    tbs="$(cbor_array 4)$(cbor_tstr Signature1)$(cbor_bstr_hex "$phdr")$(cbor_bstr_hex "")$(cbor_bstr_hex "$payload")"
    der=$(cose_hex_to_bin "$tbs" | openssl dgst -sha384 -sign "$key" | cose_file_hex) || return 1
    [ -n "$der" ] || { echo "cose: openssl produced no signature" >&2; return 1; }
    sig=$(cose_der_to_raw "$der" 48) || return 1
    cose_hex_to_bin "$(cbor_tag 18)$(cbor_array 4)$(cbor_bstr_hex "$phdr")$(cbor_map 0)$(cbor_bstr_hex "$payload")$(cbor_bstr_hex "$sig")"
}
