// Names that several generated files must agree on, written once here.
export const NAMESPACE = "otel-demo";

/** ClickHouse database and tables. */
export const DATABASE = "otel";
export const LOGS_TABLE = "otel_logs";
export const HOURLY_TABLE = "otel_logs_hourly";
export const HOURLY_VIEW = "otel_logs_hourly_mv";

/** ClickHouse users: FluentBit may only INSERT, HyperDX may only read. */
export const INGEST_USER = "ingest";
export const READER_USER = "hyperdx";

/**
 * The Secret that holds ClickHouse passwords. It is not generated (no password is
 * committed): the VM creates it with random values on first boot; on another cluster
 * the README's `kubectl create secret` line does.
 */
export const CREDENTIALS_SECRET = "clickhouse-credentials";
/** Env vars that carry those passwords into the ClickHouse and FluentBit containers. */
export const PASSWORD_ENV = {
  default: "CLICKHOUSE_DEFAULT_PASSWORD",
  ingest: "CLICKHOUSE_INGEST_PASSWORD",
} as const;

/**
 * The read-only user's password. Not a secret, on purpose: browser-only HyperDX sends it
 * from the page (its default connection is compiled into the JS), so anyone who can load
 * HyperDX can read it. What protects the data: this user may only SELECT from the logs
 * database, ClickHouse's HTTP port is forwarded to the host's 127.0.0.1 only, and browsers
 * on other origins cannot read the answers (CORS, gen/clickhouse/config.ts).
 */
export const READER_PASSWORD = "hyperdx-read-only";

export const SECRET_KEYS = {
  defaultPassword: "default-password",
  ingestPassword: "ingest-password",
} as const;
