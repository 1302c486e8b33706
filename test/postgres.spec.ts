// The connection URL the PostgresDatabase component builds, against a real PostgreSQL server:
// a role whose password holds @ : / ? # % connects through it. The test runs its own throwaway
// server (initdb in a temp dir) so it needs no running cluster, only the server binaries.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { postgresUrl } from "../components/platform/pgUrl";
import { passwordSyncScript } from "../components/platform/postgres";
import { secretEnvPreamble, secretEnvStdin } from "../components/platform/shell";
import { run, stubBin, tempDir } from "./util/tools";

function pgBin(): string {
    const cfg = run("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1"]);
    const dir = cfg.stdout.trim();
    if (!dir || !fs.existsSync(path.join(dir, "initdb"))) throw new Error("PostgreSQL server binaries not found (apt-get install postgresql; .ci/run does)");
    return dir;
}

describe("PostgreSQL connection URL (real server)", function () {
    this.timeout(120_000);
    const root = process.getuid?.() === 0;
    let bin: string, data: string, sock: string;
    const port = 54329;
    const asOwner = (cmd: string, args: string[]) => root ? run("runuser", ["-u", "postgres", "--", cmd, ...args]) : run(cmd, args);

    before(() => {
        bin = pgBin();
        const dir = tempDir("chainfleet-pg-");
        data = path.join(dir, "data");
        sock = dir;
        if (root) run("chown", ["-R", "postgres", dir]);
        const init = asOwner(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256"]);
        assert.equal(init.status, 0, init.stderr);
        const start = asOwner(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1`, "start"]);
        assert.equal(start.status, 0, start.stderr + start.stdout);
    });

    after(() => {
        if (data) asOwner(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "stop"]);
    });

    it("a role whose password contains @ : / ? # % connects through the built URL", () => {
        const password = "p@ss:w/rd?#%x";
        const create = run(path.join(bin, "psql"), ["-h", sock, "-p", String(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
            "-c", `CREATE ROLE app LOGIN PASSWORD '${password}'`, "-c", "CREATE DATABASE app OWNER app"]);
        assert.equal(create.status, 0, create.stderr);
        const url = postgresUrl({ host: "127.0.0.1", port, database: "app", user: "app", password, sslMode: "disable" });
        const ok = run(path.join(bin, "psql"), [url, "-tAc", "select current_user || '@' || current_database()"]);
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(ok.stdout.trim(), "app@app");
        // The unencoded URL is what breaks: proof the encoding is what makes it work.
        const raw = `postgresql://app:${password}@127.0.0.1:${port}/app?sslmode=disable`;
        assert.notEqual(run(path.join(bin, "psql"), [raw, "-tAc", "select 1"]).status, 0);
        // A wrong password is refused (the server really checks).
        const wrong = postgresUrl({ host: "127.0.0.1", port, database: "app", user: "app", password: "nope", sslMode: "disable" });
        assert.notEqual(run(path.join(bin, "psql"), [wrong, "-tAc", "select 1"]).status, 0);
    });

    it("a retained database takes the stack's new password (destroy, then a new up with a new random password)", () => {
        const first = "old-p@ss:w/rd";
        const create = run(path.join(bin, "psql"), ["-h", sock, "-p", String(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
            "-c", `CREATE ROLE kept LOGIN PASSWORD '${first}'`, "-c", "CREATE DATABASE kept OWNER kept"]);
        assert.equal(create.status, 0, create.stderr);
        // `docker exec -i <container> psql …` runs psql against this server's socket instead.
        const bin2 = stubBin({ docker: `shift 3; args=(); for a in "$@"; do [ "$a" = /var/run/postgresql ] && a=${sock}; args+=("$a"); done\nexec ${path.join(bin, "psql")} -p ${port} "\${args[@]}"` });
        const second = "new'p@ss#%x";
        const script = `${secretEnvPreamble(["DB_PASSWORD"])}\n${passwordSyncScript({ sudo: "", container: "kept-postgres", user: "kept", database: "kept" })}`;
        const sync = run("bash", ["-c", script], { input: secretEnvStdin({ DB_PASSWORD: second }), env: { PATH: `${bin2}:/usr/bin:/bin` } });
        assert.equal(sync.status, 0, sync.stderr);
        const url = (password: string) => postgresUrl({ host: "127.0.0.1", port, database: "kept", user: "kept", password, sslMode: "disable" });
        assert.equal(run(path.join(bin, "psql"), [url(second), "-tAc", "select 1"]).status, 0, "the new password works");
        assert.notEqual(run(path.join(bin, "psql"), [url(first), "-tAc", "select 1"]).status, 0, "the old one no longer does");
    });
});
