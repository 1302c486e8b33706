#!/usr/bin/env bash
# The rolling restart of an L1 cluster, as host gates around each node's container replacement.
# The program sends the readiness library, then this file, then one call, as one script (it runs
# the same on this machine in dev and over SSH on a prod host, where the whole cluster lives).
#
# Pulumi has no "replace, check, continue" (docs/lifecycle.md): N containers whose inputs change
# together are replaced together. So each L1 node gets two gates:
# - its turn (roll_turn), a dependency of its container, so it runs before the container is
#   deleted and replaced: it takes the cluster's turn on the host, one node at a time, only when
#   every other node of the cluster is Ready and the cluster lists them all;
# - its joined gate (roll_joined), run after the new container: it waits until the node is Ready
#   and listed by its peer, then gives the turn back.
# No turn is taken when the node has no container yet (the first creation stays parallel), when
# its container already runs this rollout, or when the Tessellation version changes: Tessellation
# refuses a join between nodes of different Tessellation versions (node-shared Joining.scala
# validateHandshake: VersionMismatch, a hash of the Tessellation version only), so a node of the
# new version could never join the old cluster; the cluster then restarts together, after ML0, as
# the seed's "Upgrading Tessellation: full restart" does. A metagraph-only change (same Tessellation
# version) is not compared by the handshake, so it rolls, one node at a time
# (docs/upstream/tessellation-ottochain.md). Nor when the genesis reset token changes (label
# .reset): GL0 and ML0 start a new chain, so the whole metagraph restarts, as the seed's "Resetting
# Genesis" does, and the cluster starts anew after ML0 (run-node.sh).
#
# The turn is a file (<lock>: "<node> <rollout>") changed only under flock(1) on <lock>.flock.
# What the program puts on every L1 container: labels chainfleet.ottochain.cluster (the cluster),
# .port (its public port) and .versions (the jars' versions), and CHAINFLEET_ROLLOUT in its env (a
# digest of everything else the container is made from).
# shellcheck disable=SC2317  # a library: each script that includes it calls one of its functions

# The value of one label of a container (fails when the container does not exist).
roll_label() {
  docker inspect -f "{{ index .Config.Labels \"chainfleet.ottochain.$2\" }}" "$1" 2>/dev/null
}

# The rollout digest a container was made with (CHAINFLEET_ROLLOUT in its env; "" if none; fails
# when the container does not exist).
roll_rollout() {
  local env
  env=$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null) || return 1
  printf '%s\n' "$env" | sed -n 's/^CHAINFLEET_ROLLOUT=//p' | head -n 1
}

# roll_cluster_problems CLUSTER SELF_CONTAINER: prints why the cluster is not whole without this
# node (each other node Ready; the cluster, as a Ready node lists it, holds every container).
roll_cluster_problems() {
  local cluster=$1 self=$2 name port state count=0 listed ready_port="" out=()
  while read -r name port; do
    [ -n "$name" ] || continue
    count=$((count + 1))
    [ "$name" = "$self" ] && continue
    state=$(node_state "http://127.0.0.1:$port" 2>/dev/null || true)
    if [ "$state" = Ready ]; then
      [ -n "$ready_port" ] || ready_port=$port
    else
      out+=("$name is ${state:-not answering}")
    fi
  done < <(docker ps -a --filter "label=chainfleet.ottochain.cluster=$cluster" --format '{{.Names}} {{.Label "chainfleet.ottochain.port"}}')
  if [ -n "$ready_port" ]; then
    listed=$(http_get "http://127.0.0.1:$ready_port/cluster/info" 2>/dev/null | grep -o '"id"' | wc -l || true)
    [ "${listed:-0}" -ge "$count" ] || out+=("the cluster lists ${listed:-0} of its $count nodes")
  fi
  [ "${#out[@]}" -eq 0 ] || printf '%s; ' "${out[@]}"
}

# roll_try LOCK NODE ROLLOUT CLUSTER CONTAINER: takes the turn if it is free (or already this
# node's) and the cluster is whole; otherwise prints why not and fails.
roll_try() {
  local lock=$1 node=$2 rollout=$3 cluster=$4 container=$5
  (
    flock -w 60 9 || { echo "the lock $lock.flock is busy"; exit 1; }
    local holder="" problems
    [ -s "$lock" ] && read -r holder _ < "$lock"
    if [ -n "$holder" ] && [ "$holder" != "$node" ]; then
      echo "$holder is restarting"
      exit 1
    fi
    problems=$(roll_cluster_problems "$cluster" "$container")
    if [ -n "$problems" ]; then
      echo "${problems%; }"
      exit 1
    fi
    printf '%s %s\n' "$node" "$rollout" > "$lock"
  ) 9>>"$lock.flock"
}

# roll_turn LOCK NODE CONTAINER ROLLOUT VERSIONS CLUSTER TIMEOUT [INTERVAL] [RESET]
# RESET: the new container's genesis reset token ("" for none). Waits for this node's turn to restart (see the header). TIMEOUT bounds a wait without progress:
# the clock starts again whenever what it waits for changes (the turn passed on, a node's state).
roll_turn() {
  local lock=$1 node=$2 container=$3 rollout=$4 versions=$5 cluster=$6 timeout_s=$7 interval_s=${8:-3} reset=${9:-}
  local running running_versions running_reset why="" last_why="" deadline
  if ! running=$(roll_rollout "$container"); then
    echo "roll: $node has no container yet: a first start, restarted with its cluster"
    return 0
  fi
  if [ "$running" = "$rollout" ]; then
    echo "roll: $node already runs rollout $rollout"
    return 0
  fi
  # Labels hold "<tessellation>/<metagraph>"; the handshake compares the first part only.
  running_versions=$(roll_label "$container" versions || true)
  if [ -n "$running_versions" ] && [ "${running_versions%%/*}" != "${versions%%/*}" ]; then
    echo "roll: $node goes from Tessellation ${running_versions%%/*} to ${versions%%/*}: nodes of different Tessellation versions cannot join each other, so the cluster restarts together"
    return 0
  fi
  running_reset=$(roll_label "$container" reset || true)
  if [ "$running_reset" != "$reset" ]; then
    echo "roll: $node goes from genesis reset ${running_reset:-none} to ${reset:-none}: the whole metagraph restarts, so the cluster restarts together"
    return 0
  fi
  deadline=$((SECONDS + timeout_s))
  while :; do
    if why=$(roll_try "$lock" "$node" "$rollout" "$cluster" "$container"); then
      echo "roll: $node takes its turn (rollout $rollout)"
      return 0
    fi
    # Progress (the turn passed on, a node changed state): the clock starts again.
    if [ "$why" != "$last_why" ]; then
      echo "roll: $node waits: $why" >&2
      deadline=$((SECONDS + timeout_s))
      last_why=$why
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "roll: timed out after ${timeout_s}s without progress waiting for the turn of $node: $why (the turn is in $lock)" >&2
      return 1
    fi
    sleep "$interval_s"
  done
}

# roll_release LOCK NODE: gives the turn back if this node holds it.
roll_release() {
  local lock=$1 node=$2
  (
    flock -w 60 9 || exit 1
    local holder=""
    [ -s "$lock" ] && read -r holder _ < "$lock"
    if [ "$holder" = "$node" ]; then
      rm -f "$lock"
      echo "roll: $node gives the turn back"
    fi
  ) 9>>"$lock.flock"
}

# roll_joined LOCK NODE SELF_URL PEER_URL TIMEOUT [INTERVAL]: waits until the node is Ready and
# listed by its peer (PEER_URL "" for a cluster of one: Ready is enough), then gives the turn back.
roll_joined() {
  local lock=$1 node=$2 self_url=$3 peer_url=$4 timeout_s=$5 interval_s=${6:-3}
  if [ -n "$peer_url" ]; then
    wait_joined "$self_url" "$peer_url" "$timeout_s" "$interval_s"
  else
    wait_for_state "$self_url/node/info" state Ready "$timeout_s" "$interval_s" >/dev/null
    echo "ready: $self_url is Ready"
  fi
  roll_release "$lock" "$node"
}
