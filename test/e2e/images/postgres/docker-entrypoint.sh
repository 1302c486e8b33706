#!/usr/bin/env bash
# Entrypoint of the chainfleet-e2e/postgres stand-in: the behaviour of the official image's
# docker-entrypoint.sh (docker-library/postgres 16/bookworm/docker-entrypoint.sh), written anew.
# Reproduces: arguments starting with "-" go to postgres; for `postgres` (not --help/--version):
#   POSTGRES_PASSWORD / POSTGRES_USER (default postgres) / POSTGRES_DB (default the user) /
#   POSTGRES_INITDB_ARGS, each also as *_FILE (both set is an error); started as root it makes PGDATA
#   (chmod 0700) and /var/run/postgresql (chmod 03775), chowns what is not postgres's, then re-runs itself
#   as postgres with gosu; on an empty PGDATA (no PG_VERSION) it refuses to start without a password
#   (unless POSTGRES_HOST_AUTH_METHOD=trust), runs initdb with the user and password, appends
#   `host all all all <method>` to pg_hba.conf (method: POSTGRES_HOST_AUTH_METHOD, else the server's
#   password_encryption, scram-sha-256), starts a socket-only server, creates POSTGRES_DB when missing,
#   runs /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz, stops it, and execs the command.
# Does not reproduce: POSTGRES_INITDB_WALDIR, nss_wrapper (a --user uid not in /etc/passwd),
#   *.sql.xz/*.sql.zst init files, the PG 18 old-data-directory check, being sourced by other scripts.
set -Eeuo pipefail

log() { printf '%s: %s\n' "$0" "$*" >&2; }

# file_env VAR [default]: VAR from VAR, else from the file named by VAR_FILE, else the default.
file_env() {
    local var="$1" def="${2:-}" file_var="${1}_FILE"
    local val="${!var:-}" file="${!file_var:-}"
    if [ -n "$val" ] && [ -n "$file" ]; then
        log "error: both $var and $file_var are set (but are exclusive)"
        exit 1
    fi
    if [ -z "$val" ]; then
        if [ -n "$file" ]; then val="$(<"$file")"; else val="$def"; fi
    fi
    export "$var=$val"
    unset "$file_var"
}

wants_help() {
    local arg
    for arg in "$@"; do
        case "$arg" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
    done
    return 1
}

setup_env() {
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    export POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-}"
}

# As root: make the directories and give postgres what it does not own yet (needs CAP_CHOWN, CAP_FOWNER).
create_directories() {
    mkdir -p "$PGDATA"
    chmod 00700 "$PGDATA" || :
    mkdir -p /var/run/postgresql || :
    chmod 03775 /var/run/postgresql || :
    if [ "$(id -u)" = 0 ]; then
        find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
        find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    fi
}

require_password() {
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
        log "Error: Database is uninitialized and superuser password is not specified."
        log "       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), or POSTGRES_HOST_AUTH_METHOD=trust."
        exit 1
    fi
}

init_database_dir() {
    local -a extra=()
    # POSTGRES_INITDB_ARGS is a shell word list, as upstream (which evals it).
    eval "extra=($POSTGRES_INITDB_ARGS)"
    # The password goes through a pipe, never a command line; initdb refuses an empty file, hence the "\n".
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") "${extra[@]}"
}

setup_hba() {
    local method="$POSTGRES_HOST_AUTH_METHOD"
    [ -n "$method" ] || method="$(postgres -C password_encryption "$@")"
    printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
}

psql_admin() {
    PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

temp_server_start() {
    local opts
    opts="$(printf '%q ' "$@" -c "listen_addresses=" -p "${PGPORT:-5432}")"
    NOTIFY_SOCKET='' PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$opts" -w start
}

temp_server_stop() {
    PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

create_database() {
    local exists
    exists="$(psql_admin --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
    if [ -z "${exists//[[:space:]]/}" ]; then
        psql_admin --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
}

run_init_files() {
    local f
    for f in /docker-entrypoint-initdb.d/*; do
        [ -e "$f" ] || continue
        case "$f" in
            *.sh)
                log "running $f"
                if [ -x "$f" ]; then "$f"; else
                    # shellcheck disable=SC1090 # user-supplied init script
                    . "$f"
                fi
                ;;
            *.sql) log "running $f"; psql_admin --dbname "$POSTGRES_DB" -f "$f" ;;
            *.sql.gz) log "running $f"; gunzip -c "$f" | psql_admin --dbname "$POSTGRES_DB" ;;
            *) log "ignoring $f" ;;
        esac
    done
}

main() {
    [ "$#" -gt 0 ] || set -- postgres
    if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
    if [ "$1" = postgres ] && ! wants_help "$@"; then
        setup_env
        create_directories
        if [ "$(id -u)" = 0 ]; then
            exec gosu postgres "${BASH_SOURCE[0]}" "$@"
        fi
        if [ -s "$PGDATA/PG_VERSION" ]; then
            log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
        else
            require_password
            ls /docker-entrypoint-initdb.d/ >/dev/null
            init_database_dir
            setup_hba "${@:2}"
            export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
            temp_server_start "${@:2}"
            create_database
            run_init_files
            temp_server_stop
            unset PGPASSWORD
            log "PostgreSQL init process complete; ready for start up."
        fi
    fi
    exec "$@"
}

main "$@"
