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
export const SECRET_KEYS = {
  defaultPassword: "default-password",
  ingestPassword: "ingest-password",
} as const;
