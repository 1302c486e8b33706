#!/usr/bin/python3
"""Stand-in for three HTTP services of chainfleet: the Wealth Wars backend, the lottery operator and the
Neo N3 service layer (one program, the role chosen by argument, STANDIN_ROLE, or the env each gets).

  role        port (env, default)   health                      other
  wealthwars  PORT, 3000            GET /health  JSON status    `migrate` (npx prisma migrate deploy)
  lottery     APP_PORT, 6080        GET /health  JSON status
  neo         PORT, 8080            GET /healthz JSON status    GET /metrics (Prometheus text), -migrate-only

Reproduces what chainfleet's containers rely on: the ports and health paths of the systems' guides
(shared/seeds), a log-in to PostgreSQL with DATABASE_URL on every health request (unhealthy, HTTP 503,
when it fails), Wealth Wars' healthy/degraded/unhealthy levels, exit 0 on SIGTERM/SIGINT (a graceful
Node/Go shutdown), nothing written outside /tmp (read-only root). Wealth Wars is unhealthy until its
migration has run (a real Prisma app fails its queries without the tables).
Does not reproduce: any business API, Solana/EVM/Neo RPC calls (not checked), Prisma's real migrations.
Test levers: /tmp/standin-degraded or /tmp/standin-unhealthy (touch inside the container) force a level.
Secrets (DATABASE_URL, keys) are never logged.
"""
import json
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

ROLES = {
    "wealthwars": {"port_env": "PORT", "port": 3000, "health": "/health"},
    "lottery": {"port_env": "APP_PORT", "port": 6080, "health": "/health"},
    "neo": {"port_env": "PORT", "port": 8080, "health": "/healthz"},
}
# The table Prisma keeps its applied migrations in, and the one migration this stand-in applies.
MIGRATIONS_TABLE = "_prisma_migrations"
MIGRATION_NAME = "00000000000000_standin_init"
STARTED = time.time()
REQUESTS = {"total": 0, "health_failures": 0}


def log(msg):
    print(f"[{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def detect_role(args):
    """The role from the first argument, STANDIN_ROLE, or the env our program gives each service."""
    if args and args[0] in ROLES:
        return args[0]
    role = os.environ.get("STANDIN_ROLE", "")
    if role:
        if role not in ROLES:
            sys.exit(f"STANDIN_ROLE must be one of {', '.join(ROLES)} (got {role!r})")
        return role
    if "APP_PORT" in os.environ or "BLOCKCHAIN_RPC_URL" in os.environ:
        return "lottery"
    if "API_TOKENS" in os.environ or "SECRET_ENCRYPTION_KEY" in os.environ:
        return "neo"
    if "SOLANA_RPC_URL" in os.environ:
        return "wealthwars"
    sys.exit("cannot tell the role: pass wealthwars|lottery|neo or set STANDIN_ROLE")


def connect():
    return psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=3, application_name="chainfleet-standin")


def database_check(role):
    """(ok, detail) for the database: a fresh log-in, and for Wealth Wars the applied migration."""
    if not os.environ.get("DATABASE_URL"):
        return True, "not configured"
    try:
        conn = connect()
    except psycopg2.Error as e:
        # The server's message names the failure (e.g. password authentication failed), never the password.
        return False, f"login failed: {str(e).strip().splitlines()[0]}"
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            if role == "wealthwars":
                cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = %s", (MIGRATIONS_TABLE,))
                if cur.fetchone()[0] == 0:
                    return False, "migrations not applied"
        return True, "ok"
    except psycopg2.Error as e:
        return False, f"query failed: {str(e).strip().splitlines()[0]}"
    finally:
        conn.close()


def health(role):
    """(http status, body) of the health endpoint."""
    ok, detail = database_check(role)
    if os.path.exists("/tmp/standin-unhealthy"):
        ok, detail = False, "forced by /tmp/standin-unhealthy"
    if not ok:
        status = "unhealthy"
    elif os.path.exists("/tmp/standin-degraded"):
        status = "degraded"
    else:
        status = "healthy"
    body = {"status": status, "role": role, "uptimeSeconds": round(time.time() - STARTED, 1),
            "components": {"database": detail, "chainRpc": "not checked (stand-in)"}}
    return (200 if ok else 503), body


def metrics(role):
    ok, _ = database_check(role)
    return "".join([
        "# TYPE standin_up gauge\nstandin_up 1\n",
        f"# TYPE standin_database_up gauge\nstandin_database_up {1 if ok else 0}\n",
        f"# TYPE standin_http_requests_total counter\nstandin_http_requests_total {REQUESTS['total']}\n",
        f"# TYPE standin_uptime_seconds gauge\nstandin_uptime_seconds {time.time() - STARTED:.1f}\n",
    ])


def make_handler(role):
    health_path = ROLES[role]["health"]

    class Handler(BaseHTTPRequestHandler):
        server_version = "chainfleet-standin"

        def send(self, code, body, content_type):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's name)
            REQUESTS["total"] += 1
            path = self.path.split("?", 1)[0]
            if path == health_path:
                code, body = health(role)
                if code != 200:
                    REQUESTS["health_failures"] += 1
                self.send(code, json.dumps(body) + "\n", "application/json")
            elif role == "neo" and path == "/metrics":
                self.send(200, metrics(role), "text/plain; version=0.0.4")
            else:
                self.send(404, json.dumps({"error": "not found"}) + "\n", "application/json")

        def log_message(self, fmt, *args):
            log(f"{self.address_string()} {fmt % args}")

    return Handler


def migrate():
    """What `npx prisma migrate deploy` (and Neo's -migrate-only) does here: record one migration, idempotently."""
    if not os.environ.get("DATABASE_URL"):
        sys.exit("migrate: DATABASE_URL is not set")
    try:
        conn = connect()
    except psycopg2.Error as e:
        sys.exit(f"migrate: login failed: {str(e).strip().splitlines()[0]}")
    with conn, conn.cursor() as cur:
        cur.execute(f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
            id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
            migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
            started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)""")
        cur.execute(f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE migration_name = %s", (MIGRATION_NAME,))
        if cur.fetchone():
            log(f"migrate: {MIGRATION_NAME} already applied; no pending migrations")
        else:
            cur.execute("CREATE TABLE IF NOT EXISTS standin_players (id serial PRIMARY KEY, name text NOT NULL)")
            cur.execute(f"INSERT INTO {MIGRATIONS_TABLE} (id, checksum, finished_at, migration_name, applied_steps_count)"
                        " VALUES (gen_random_uuid()::text, 'standin', now(), %s, 1)", (MIGRATION_NAME,))
            log(f"migrate: applied {MIGRATION_NAME}")
    conn.close()


def serve(role):
    spec = ROLES[role]
    port = int(os.environ.get(spec["port_env"], spec["port"]))
    ok, detail = database_check(role)
    log(f"{role} stand-in on :{port} (health {spec['health']}); database: {detail}")

    def stop(signum, _frame):
        log(f"{signal.Signals(signum).name}: shutting down")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ThreadingHTTPServer(("0.0.0.0", port), make_handler(role)).serve_forever()


def main(args):
    if args[:1] == ["migrate"] or "-migrate-only" in args:
        migrate()
        return
    serve(detect_role(args))


if __name__ == "__main__":
    main(sys.argv[1:])
