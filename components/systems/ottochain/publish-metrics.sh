# Publishes this host's OttoChain facts as CloudWatch metrics, once; a systemd timer runs it every
# chainfleet:monitoring.intervalSeconds (monitoring.ts writes the units and the environment file).
# The same facts `npm run status` prints: each node's state (NodeReady 1/0), each L1 node's view of
# its cluster (ClusterSize), ML0's ordinal (SnapshotOrdinal), and the data disk (DataDiskUsedPercent).
# Installed after readiness.sh (http_get, json_field). Needs bash, curl, df and the aws CLI v2
# (all on Amazon Linux 2023); the instance role may put metrics in CHAINFLEET_NAMESPACE only.
#
# Environment (from /etc/chainfleet/ottochain-metrics.env):
#   CHAINFLEET_NAMESPACE  CloudWatch namespace, e.g. Chainfleet/OttoChain
#   CHAINFLEET_STACK      the Stack dimension
#   CHAINFLEET_HOST       the Host dimension of the disk metric (the placement label)
#   CHAINFLEET_DATA_DIR   the data volume's mount point (node data lives under it: Docker's data-root)
#   CHAINFLEET_NODES      "NAME,LAYER,URL ..." of the nodes on this host
#   AWS_REGION            the region to publish to
# Exits non-zero when a metric could not be put (systemd logs the run as failed); a node that does
# not answer is a fact (NodeReady 0, ClusterSize 0), not a failure of this script.

# put NAME VALUE UNIT DIMENSIONS: one datum (Name=Value,… dimensions), each call bounded (the
# service's TimeoutStartSec bounds the whole run).
put() {
  aws --cli-connect-timeout 5 --cli-read-timeout 10 cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$CHAINFLEET_NAMESPACE" \
    --metric-name "$1" --value "$2" --unit "$3" --dimensions "$4" || failed=$((failed + 1))
}

# cluster_size BASE_URL: how many peers the node's /cluster/info lists (0 when it does not answer).
cluster_size() {
  local body
  body=$(http_get "$1/cluster/info" 2>/dev/null) || { echo 0; return; }
  printf '%s' "$body" | grep -o '"id"[[:space:]]*:' | wc -l | tr -d ' '
}

# ordinal BASE_URL: ML0's latest snapshot ordinal ({"value": N}; "" when it does not answer).
ordinal() {
  http_get "$1/snapshots/latest/ordinal" 2>/dev/null | sed -n 's/.*"value"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p' | head -n 1
}

# disk_used_percent DIR: the used % of the filesystem holding DIR (POSIX df output, column 5).
disk_used_percent() {
  df -P "$1" | awk 'NR == 2 { sub(/%$/, "", $5); print $5 }'
}

publish_metrics() {
  : "${CHAINFLEET_NAMESPACE:?}" "${CHAINFLEET_STACK:?}" "${CHAINFLEET_HOST:?}" "${CHAINFLEET_DATA_DIR:?}" "${AWS_REGION:?}"
  local spec name layer url ready value stack=$CHAINFLEET_STACK
  failed=0
  for spec in ${CHAINFLEET_NODES:-}; do
    IFS=, read -r name layer url <<<"$spec"
    ready=0
    [ "$(node_state "$url" 2>/dev/null)" = Ready ] && ready=1
    put NodeReady "$ready" None "Stack=$stack,Layer=$layer,Node=$name"
    case "$layer" in
      cl1 | dl1) put ClusterSize "$(cluster_size "$url")" Count "Stack=$stack,Layer=$layer" ;;
      ml0)
        value=$(ordinal "$url")
        [ -n "$value" ] && put SnapshotOrdinal "$value" None "Stack=$stack,Layer=ml0"
        ;;
    esac
  done
  value=$(disk_used_percent "$CHAINFLEET_DATA_DIR")
  if [ -n "$value" ]; then
    put DataDiskUsedPercent "$value" Percent "Stack=$stack,Host=$CHAINFLEET_HOST"
  else
    echo "df gave no used % for $CHAINFLEET_DATA_DIR" >&2
    failed=$((failed + 1))
  fi
  if [ "$failed" -gt 0 ]; then
    echo "$failed metric(s) not published" >&2
    return 1
  fi
}
