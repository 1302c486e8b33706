#!/bin/bash
# Stand-in for /host/node/start-app.sh of the scitt-ccf-ledger runtime image (upstream
# docker/start-app.sh, copied there by docker/Dockerfile; ENTRYPOINT ["tini","--","./start-app.sh"]).
# Same contract, own code: `start-app.sh CONFIG_ROOT CONFIG_FILE [cchost args…]` replaces itself
# with `cchost --config=CONFIG_ROOT/$NODE_NAME/CONFIG_FILE …`; OUTPUT_LOGS_FILE tees the output to a
# file, OUTPUT_LOCAL_PORT sends a copy to 127.0.0.1:PORT with nc (nmap-ncat upstream, ncat here).
config="${1}/${NODE_NAME}/${2}"
shift 2 || true
if [ -n "${OUTPUT_LOGS_FILE}" ]; then
    exec cchost --config="$config" "$@" > >(tee -a "$OUTPUT_LOGS_FILE") 2>&1
elif [ -n "${OUTPUT_LOCAL_PORT}" ]; then
    exec cchost --config="$config" "$@" > >(tee >(nc 127.0.0.1 "$OUTPUT_LOCAL_PORT")) 2>&1
fi
exec cchost --config="$config" "$@"
