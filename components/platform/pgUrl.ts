// The connection a PostgreSQL placement hands an app, and its URL with every part encoded.

export interface PgConnectionParts {
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    /** libpq sslmode: "disable" on a private Docker network, "require" or stricter for RDS. */
    sslMode: "disable" | "require" | "verify-ca" | "verify-full";
}

/** postgresql://user:password@host:port/database?sslmode=… with user, password and db URL-encoded. */
export function postgresUrl(c: PgConnectionParts): string {
    const enc = encodeURIComponent;
    return `postgresql://${enc(c.user)}:${enc(c.password)}@${c.host}:${c.port}/${enc(c.database)}?sslmode=${c.sslMode}`;
}

/** A PostgreSQL identifier that needs no quoting (what we create roles and databases as). */
export function isPlainIdentifier(s: string): boolean {
    return /^[a-z_][a-z0-9_]{0,62}$/.test(s);
}
