#!/usr/bin/env bash
# Start or stop a local Docker engine for the e2e tier.
#   engine.sh start  - if `docker info` does not answer, start dockerd (as root, in the background),
#                      record its pid in $PID_FILE and wait (bounded) until `docker info` answers.
#                      An engine that already answers is used as is and never recorded.
#   engine.sh stop   - stop only the dockerd whose pid this script recorded, and wait for it to exit.
# Needs Debian's docker.io (dockerd, containerd, runc) and iptables. dockerd's output goes to $LOG_FILE.
set -euo pipefail

PID_FILE="${CHAINFLEET_DOCKERD_PID_FILE:-/tmp/chainfleet-dockerd.pid}"
LOG_FILE="${CHAINFLEET_DOCKERD_LOG:-/tmp/chainfleet-dockerd.log}"
START_TIMEOUT_S="${CHAINFLEET_DOCKERD_START_TIMEOUT:-60}"
STOP_TIMEOUT_S="${CHAINFLEET_DOCKERD_STOP_TIMEOUT:-60}"

log() { printf 'engine: %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

# The pid we recorded, if that process is still a dockerd.
recorded_pid() {
    [ -s "$PID_FILE" ] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "dockerd" ] || return 1
    printf '%s\n' "$pid"
}

start() {
    if engine_answers; then
        if recorded_pid >/dev/null; then
            log "dockerd $(recorded_pid), started here earlier, answers"
        else
            log "a Docker engine already answers; using it (not started here, so \`stop\` leaves it alone)"
        fi
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        log "no engine answers and dockerd must be started as root"
        return 1
    fi
    if recorded_pid >/dev/null; then
        log "dockerd $(recorded_pid) (started here) is running but does not answer yet"
    else
        command -v dockerd >/dev/null || { log "dockerd not found: apt-get install -y docker.io iptables"; return 1; }
        log "starting dockerd (log: $LOG_FILE)"
        # setsid: the daemon outlives this shell and gets no signal meant for the caller's process group.
        setsid dockerd >>"$LOG_FILE" 2>&1 </dev/null &
        printf '%s\n' "$!" >"$PID_FILE"
    fi
    local waited=0
    until engine_answers; do
        if ! recorded_pid >/dev/null; then
            log "dockerd exited during start-up; last lines of $LOG_FILE:"
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            return 1
        fi
        if [ "$waited" -ge "$START_TIMEOUT_S" ]; then
            log "docker info did not answer within ${START_TIMEOUT_S}s; see $LOG_FILE"
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "engine answers after ${waited}s (dockerd pid $(cat "$PID_FILE"))"
}

stop() {
    local pid
    if ! pid="$(recorded_pid)"; then
        log "no dockerd started by this script is running; nothing to stop"
        rm -f "$PID_FILE"
        return 0
    fi
    log "stopping dockerd $pid"
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge "$STOP_TIMEOUT_S" ]; then
            log "dockerd $pid still running after ${STOP_TIMEOUT_S}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    log "dockerd $pid stopped after ${waited}s"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) printf 'usage: %s start|stop\n' "$0" >&2; exit 2 ;;
esac
