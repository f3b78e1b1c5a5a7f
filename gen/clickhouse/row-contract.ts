// otel_logs' stored columns in one place: gen/clickhouse/ddl.ts renders the table from them,
// and gen/clickhouse/ingest.ts gives one expression for each.
/**
 * The row contract: otel_logs' stored columns, written once. The DDL renders them, and the
 * ingest view (gen/clickhouse/ingest.ts) must give an expression for each of them and
 * nothing else (its type, Record<OtelLogsColumn, string>, says so at compile time).
 */
export const OTEL_LOGS_COLUMNS = [
  { name: "Timestamp", type: "DateTime64(9, 'UTC')", codec: "Delta(8), ZSTD(1)" },
  { name: "TraceId", type: "String", codec: "ZSTD(1)" },
  { name: "SpanId", type: "String", codec: "ZSTD(1)" },
  { name: "TraceFlags", type: "UInt8" },
  { name: "SeverityText", type: "LowCardinality(String)", codec: "ZSTD(1)" },
  { name: "SeverityNumber", type: "UInt8" },
  { name: "ServiceName", type: "LowCardinality(String)", codec: "ZSTD(1)" },
  { name: "Body", type: "String", codec: "ZSTD(6)" },
  { name: "ResourceSchemaUrl", type: "LowCardinality(String)", codec: "ZSTD(1)" },
  { name: "ResourceAttributes", type: "Map(LowCardinality(String), String)", codec: "ZSTD(6)" },
  { name: "ScopeSchemaUrl", type: "LowCardinality(String)", codec: "ZSTD(1)" },
  { name: "ScopeName", type: "String", codec: "ZSTD(6)" },
  { name: "ScopeVersion", type: "LowCardinality(String)", codec: "ZSTD(1)" },
  { name: "ScopeAttributes", type: "Map(LowCardinality(String), String)", codec: "ZSTD(6)" },
  { name: "LogAttributes", type: "Map(LowCardinality(String), String)", codec: "ZSTD(6)" },
  { name: "EventName", type: "String", codec: "ZSTD(1)" },
  // Demo fields. NULL (not 0) when a line has no valid number: 0 is a real value and
  // avg/min/max skip NULLs. Count starts at 1, so 0 can mean "no count".
  { name: "RandomNumber", type: "Nullable(Int32)", default: "NULL", codec: "T64, ZSTD(1)" },
  { name: "RandomString", type: "LowCardinality(String)", default: "''", codec: "ZSTD(1)" },
  { name: "Count", type: "UInt64", default: "0", codec: "Delta(8), ZSTD(1)" },
] as const satisfies readonly { name: string; type: string; codec?: string; default?: string }[];
export type OtelLogsColumn = (typeof OTEL_LOGS_COLUMNS)[number]["name"];
