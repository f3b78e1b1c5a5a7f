// The ClickHouse schema as ordered, idempotent statements (startup scripts and sql/init.sql).
//
// otel_logs keeps the column names and types of the OpenTelemetry Collector ClickHouse
// exporter's logs table, so HyperDX detects it as an OTel log source (Timestamp, Body,
// SeverityText, TraceId, SpanId, ServiceName, LogAttributes, ResourceAttributes) and any
// OTel tooling can read it. Reference DDL: open-telemetry/opentelemetry-collector-contrib,
// exporter/clickhouseexporter/internal/sqltemplates/logs_table.sql (PR #47720: no
// TimestampTime, PARTITION BY toDate(Timestamp), ORDER BY (toStartOfFiveMinutes(Timestamp),
// ServiceName, Timestamp)); its pre-26.2 index branch is reproduced verbatim by HyperDX in
// hyperdxio/hyperdx docker/otel-collector/schema/seed/00002_otel_logs_compat.sql.
//
// Our differences, each measured in bench/clickhouse-storage.ts:
// - Timestamp is DateTime64(9, 'UTC'): the runtime's nanosecond time, whatever the
//   server's timezone (the ingest view writes it; gen/clickhouse/ingest.ts).
// - The demo fields are typed columns (RandomNumber, RandomString, Count) instead of
//   strings inside LogAttributes: aggregation reads 1-2 bytes per row instead of a map.
// - HyperDX resolves a bare Lucene field (`random_number:42`) by looking the name up in
//   `DESCRIBE TABLE` (ALIAS columns included) and, if it is not a column or a
//   `Map.key` prefix, uses the name as raw SQL (common-utils/src/queryParser.ts,
//   CustomSchemaSQLSerializerV2.buildColumnExpressionFromField). It never looks into
//   LogAttributes for a bare name. So the ALIAS columns random_number/random_string give
//   `random_number:42 random_string:gamma` a typed column (numeric `=` and string ILIKE)
//   at zero storage cost; `LogAttributes.x:y` keeps working for every other pino field.
// - Skip indexes only where a query uses them (checked with EXPLAIN indexes = 1 in
//   gen/test/clickhouse-ddl.test.ts). None on RandomNumber/RandomString: their values are
//   uniformly random, so every 8192-row granule holds every value and no index can skip.
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import { catalogStatements } from "./catalog.ts";
import { ingestTables, ingestViews } from "./ingest.ts";
import { retained } from "./retention.ts";
import { OTEL_LOGS_COLUMNS } from "./row-contract.ts";
import { tables } from "./tables.ts";

/**
 * Inserted blocks whose hashes each table remembers: a block inserted again (FluentBit
 * resending a chunk whose answer it lost, or after a crash) is skipped instead of stored
 * twice. Non-replicated MergeTree keeps none by default. FluentBit resends within minutes;
 * at 4 inserts a second this covers over half an hour.
 */
export const DEDUPLICATION_WINDOW = 10_000;

const columnDdl = (c: { name: string; type: string; codec?: string; default?: string }): string =>
  `    ${c.name} ${c.type}${c.default === undefined ? "" : ` DEFAULT ${c.default}`}${c.codec === undefined ? "" : ` CODEC(${c.codec})`},`;

const logsTable = (model: Model): string => `CREATE TABLE IF NOT EXISTS ${tables(model.names).logs}
(
${OTEL_LOGS_COLUMNS.map(columnDdl).join("\n")}
    -- The pod, as the exporter materializes it: in the sort key, rows of one pod sit
    -- together, so the repeated maps compress to almost nothing; HyperDX uses it for
    -- ResourceAttributes['k8s.pod.name'] filters (MATERIALIZED columns are looked up by expression).
    \`__otel_materialized_k8s.pod.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.pod.name'] CODEC(ZSTD(1)),
    -- Bare-name search in HyperDX (random_number:42 random_string:gamma); no storage.
    random_number Nullable(Int32) ALIAS RandomNumber,
    random_string LowCardinality(String) ALIAS RandomString,
    -- HyperDX's trace view: WHERE TraceId = '<id>'.
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    -- HyperDX facet filters: ResourceAttributes['k8s.pod.name'] = '<pod>' (with indexHint(mapContains)).
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    -- HyperDX bare-text search: hasToken(lower(Body), lower('<term>')).
    INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8,
    -- The design's per-minute series (SELECT toStartOfMinute(Timestamp), count() ... GROUP BY)
    -- is answered from this aggregate (one row per minute and service) instead of a scan.
    PROJECTION per_minute (SELECT toStartOfMinute(Timestamp), ServiceName, count() GROUP BY toStartOfMinute(Timestamp), ServiceName)
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (toStartOfFiveMinutes(Timestamp), ServiceName, \`__otel_materialized_k8s.pod.name\`, Timestamp)
TTL toDateTime(Timestamp) + INTERVAL ${model.settings.retention.logsDays} DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`;

// Aggregate states, not values: an avg cannot be merged from partial avgs (the design's
// SummingMergeTree would have summed them), avgState keeps sum and count.
const hourlyTable = (model: Model): string => `CREATE TABLE IF NOT EXISTS ${tables(model.names).hourly}
(
    Hour DateTime('UTC'),
    ServiceName LowCardinality(String),
    RandomString LowCardinality(String),
    LogCount AggregateFunction(count),
    AvgRandomNumber AggregateFunction(avg, Nullable(Int32)),
    MinRandomNumber AggregateFunction(min, Nullable(Int32)),
    MaxRandomNumber AggregateFunction(max, Nullable(Int32))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Hour)
ORDER BY (Hour, ServiceName, RandomString)
TTL Hour + INTERVAL ${model.settings.retention.rollupDays} DAY
SETTINGS non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`;

// DEFINER = default: the view writes into the hourly table with the admin's rights, so the
// ingest user needs nothing beyond INSERT on otel_logs.
const hourlyView = ({ names, settings }: Model): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${tables(names).hourlyView} TO ${tables(names).hourly}
DEFINER = default SQL SECURITY DEFINER
AS SELECT
    toStartOfHour(Timestamp) AS Hour,
    ServiceName,
    RandomString,
    countState() AS LogCount,
    avgState(RandomNumber) AS AvgRandomNumber,
    minState(RandomNumber) AS MinRandomNumber,
    maxState(RandomNumber) AS MaxRandomNumber
FROM ${tables(names).logs}
WHERE ${retained(settings.retention.logsDays)}
GROUP BY Hour, ServiceName, RandomString`;

/** Reads the hourly rollup: -Merge combinators finish the states (parts may not be merged yet). */
export const hourlyQuery = (names: Names): string => `SELECT
    Hour,
    ServiceName,
    RandomString,
    countMerge(LogCount) AS logs,
    avgMerge(AvgRandomNumber) AS avg_random_number,
    minMerge(MinRandomNumber) AS min_random_number,
    maxMerge(MaxRandomNumber) AS max_random_number
FROM ${tables(names).hourly}
GROUP BY Hour, ServiceName, RandomString
ORDER BY Hour, ServiceName, RandomString`;

/** The design's example queries, on the typed columns. */
export interface ExampleQueries {
  readonly countByString: string;
  readonly rowsWithNumber: (n: number) => string;
  readonly perMinute: string;
}

export function exampleQueries(names: Names): ExampleQueries {
  const logs = tables(names).logs;
  return {
    countByString: `SELECT RandomString, count() AS logs FROM ${logs} GROUP BY RandomString ORDER BY RandomString`,
    rowsWithNumber: (n: number): string =>
      `SELECT Timestamp, ServiceName, Body, RandomNumber, RandomString, Count FROM ${logs} WHERE RandomNumber = ${Math.trunc(n)} ORDER BY Timestamp LIMIT 100`,
    perMinute: `SELECT toStartOfMinute(Timestamp) AS minute, count() AS logs FROM ${logs} GROUP BY minute ORDER BY minute`,
  };
}

// The catalog (attributes, patterns, volume) is fed by views FROM otel_logs and copies its retention and dedup window.
const catalog = (model: Model): string[] =>
  catalogStatements(model, { ddl: logsTable(model), ttlDays: model.settings.retention.logsDays, rollupTtlDays: model.settings.retention.rollupDays });

export function ddlStatements(model: Model): string[] {
  const { names } = model;
  return [`CREATE DATABASE IF NOT EXISTS ${names.database}`, logsTable(model), hourlyTable(model), hourlyView(model), ...ingestTables(names), ...ingestViews(names), ...catalog(model)];
}

/** The whole schema as one SQL script (sql/init.sql), with the example queries as comments. */
export function initSql(model: Model): string {
  const comment = (sql: string): string =>
    sql
      .split("\n")
      .map((l) => `-- ${l}`)
      .join("\n");
  const examples = exampleQueries(model.names);
  return [
    "-- The ClickHouse server applies the same statements at startup (config.d/init.xml).",
    "",
    ...ddlStatements(model).map((s) => `${s};\n`),
    "-- Example queries",
    "-- Hourly rollup (count, avg/min/max of RandomNumber per service and string):",
    comment(`${hourlyQuery(model.names)};`),
    "-- Count logs by random string:",
    comment(`${examples.countByString};`),
    "-- Rows with a given random number:",
    comment(`${examples.rowsWithNumber(42)};`),
    "-- Logs per minute:",
    comment(`${examples.perMinute};`),
    "-- HyperDX search `random_number:42 random_string:gamma` becomes:",
    comment(`SELECT count() FROM ${tables(model.names).logs} WHERE (random_number = CAST('42', 'Float64')) AND (random_string ILIKE '%gamma%');`),
    "",
  ].join("\n");
}
