// Know your data: what is in otel_logs, kept by ClickHouse itself. Three aggregate tables,
// each filled by a materialized view FROM otel_logs (whatever writes otel_logs: FluentBit's
// INSERT, or a view of its own), and the read queries of `npm run report` (report/).
//
// - attributes: per hour, service, scope (the map column) and key: rows, value bytes,
//   distinct values, the most frequent values, first and last seen.
// - patterns: per hour, service, severity and message template (Body with numbers, hex
//   ids, UUIDs, IPs and quoted strings masked): rows, an example, first and last seen.
// - volume: per hour, service and severity: rows and bytes of Body.
//
// Aggregate states (AggregateFunction / SimpleAggregateFunction in AggregatingMergeTree),
// never finished values: a part holds partial states that merges and the read queries'
// -Merge combinators combine, so the numbers stay right across parts, merges and restarts.
//
// Every function, setting and engine used here exists since ClickHouse 24.2 or earlier
// (DEFINER/SQL SECURITY: 24.2; the rest is older), so the schema holds on whichever
// ClickHouse nixpkgs ships; gen/test/clickhouse-catalog.test.ts runs it on chDB 26.x.
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import { olderThanRetention, retained } from "./retention.ts";
import { tables, type Tables } from "./tables.ts";

/** The map columns the attribute catalog describes; a row's Scope is the column's name. */
export const ATTRIBUTE_SCOPES = ["LogAttributes", "ResourceAttributes"] as const;

/**
 * Distinct values per key: uniqCombined64 with 2^15 cells. It keeps a set of 64-bit hashes
 * (exact: a collision among 1,024 values has probability ~3e-14) until a key has more than
 * 2^(15-5) = 1,024 distinct values (CombinedCardinalityEstimator's medium set holds 2^(K-5)
 * 64-bit hashes: ClickHouse's src/AggregateFunctions/AggregateFunctionUniqCombined.h), then a
 * HyperLogLog of 2^15 cells: 24 KiB per state (per hour, service and key), standard error
 * 1.04/sqrt(2^15) = 0.57%, without the bias correction ClickHouse has for K = 17 only
 * (bench/catalog.ts measures it: within 1% from 1,025 to 1,000,000 values; the tests allow 2%).
 * K = 17, ClickHouse's default, would be exact up to 4,096 at 96 KiB per state; uniqExact is
 * exact at any size but keeps 16 bytes per distinct value.
 */
export const CARDINALITY_PRECISION = 15;
export const EXACT_DISTINCT_UP_TO = 2 ** (CARDINALITY_PRECISION - 5);
/** The HyperLogLog's standard error beyond EXACT_DISTINCT_UP_TO, as a fraction. */
export const DISTINCT_STANDARD_ERROR = 1.04 / Math.sqrt(2 ** CARDINALITY_PRECISION);
/** The distinct-values aggregate with a combinator: "" (finished), "State" or "Merge". */
const uniq = (combinator: string): string => `uniqCombined64${combinator}(${CARDINALITY_PRECISION})`;

/**
 * Sample values: topK(5), the most frequent values (Filtered Space-Saving with 3 x 5 = 15
 * counters, TOP_K_LOAD_FACTOR in ClickHouse's AggregateFunctionTopK): exact while a key has at
 * most 15 distinct values; beyond, an approximation. Values are cut to SAMPLE_CHARS characters.
 */
export const SAMPLE_VALUES = 5;
export const SAMPLE_CHARS = 200;
const topK = (combinator: string): string => `topK${combinator}(${SAMPLE_VALUES})`;

/** Templates are made from the first PATTERN_CHARS characters of Body (and examples cut there). */
export const PATTERN_CHARS = 1024;

/** One masking step of the template: RE2 syntax (ClickHouse's replaceRegexpAll). */
export interface Mask {
  readonly what: string;
  readonly regex: string;
  readonly replacement: string;
}

const HEX = "[0-9a-fA-F]";
/**
 * Applied in this order: quoted strings first (their content is whatever it is), then the
 * shapes made of digits from the most specific (a UUID, an IP) to the least (a number).
 * `\b` is RE2's ASCII word boundary: a digit inside a word stays (k8s, user123, http2), a
 * number leading a word is masked with its unit kept (12ms -> <num>ms). A hex id shorter than
 * 16 characters made only of digits reads as a number (<num>).
 */
export const PATTERN_MASKS: readonly Mask[] = [
  { what: "double-quoted strings", regex: String.raw`"[^"]*"`, replacement: "<str>" },
  // An apostrophe inside a word (can't) opens no string.
  { what: "single-quoted strings", regex: String.raw`(^|[^\w'])'[^']*'`, replacement: String.raw`\1<str>` },
  { what: "UUIDs", regex: String.raw`\b${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\b`, replacement: "<uuid>" },
  { what: "IPv6 addresses, full", regex: String.raw`\b(?:${HEX}{1,4}:){7}${HEX}{1,4}\b`, replacement: "<ip>" },
  { what: "IPv6 addresses with ::", regex: String.raw`\b(?:${HEX}{1,4}:){1,6}:(?:${HEX}{1,4}:){0,5}${HEX}{1,4}\b`, replacement: "<ip>" },
  { what: "IPv4 addresses", regex: String.raw`\b(?:\d{1,3}\.){3}\d{1,3}\b`, replacement: "<ip>" },
  { what: "0x hex numbers", regex: String.raw`\b0[xX]${HEX}+\b`, replacement: "<hex>" },
  // A number standing alone or leading a word, its unit kept (12ms -> <num>ms, 1.5s -> <num>s);
  // not one inside a hex id (4bf92f..., the next step's). Up to 15 digits: a longer run of
  // digits is an id (a span id made only of digits, as one in 2,000 random ones is, stays <hex>).
  { what: "numbers", regex: String.raw`\b\d{1,15}(?:\.\d+)?(\b|[a-zA-Z%]+\b)`, replacement: String.raw`<num>\1` },
  { what: "hex ids (8+ hex digits)", regex: String.raw`\b${HEX}{8,}\b`, replacement: "<hex>" },
];

/** A ClickHouse string literal. */
export const sqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** The template of a message, as a ClickHouse expression over `body`. */
export function patternExpression(body: string): string {
  return PATTERN_MASKS.reduce((expr, m) => `replaceRegexpAll(${expr}, ${sqlString(m.regex)}, ${sqlString(m.replacement)})`, body);
}

/** What the catalog copies from otel_logs' definition (passed in by gen/clickhouse/ddl.ts). */
export interface LogsTableFacts {
  /** otel_logs' CREATE TABLE statement. */
  readonly ddl: string;
  /** Days otel_logs keeps rows: the attribute and pattern tables keep theirs as long. */
  readonly ttlDays: number;
  /** Days the hourly rollups are kept: the volume table keeps its rows as long. */
  readonly rollupTtlDays: number;
}

/**
 * otel_logs' insert-deduplication window (0: none). The catalog tables take the same: when
 * a block is inserted into otel_logs twice and deduplicated there, the views receive it
 * again (deduplicate_blocks_in_dependent_materialized_views = 1) and only a table that
 * deduplicates too counts it once; a table that deduplicated while otel_logs did not would
 * count an accepted duplicate once. Read from the DDL so that the two cannot differ.
 */
export function dedupWindowOf(logsDdl: string): number {
  const m = /\bnon_replicated_deduplication_window\s*=\s*(\d+)/.exec(logsDdl);
  return m === null ? 0 : Number(m[1]);
}

function settings(logs: LogsTableFacts, extra: readonly string[]): string {
  const window = dedupWindowOf(logs.ddl);
  const all = [...extra, ...(window > 0 ? [`non_replicated_deduplication_window = ${window}`] : [])];
  return all.length === 0 ? "" : `\nSETTINGS ${all.join(", ")}`;
}

// Parts are days, like otel_logs', and are dropped whole once the last hour they summarise
// is older than otel_logs' TTL (otel_logs drops a day after its last row expires).
const dailyTtl = (logs: LogsTableFacts): string => `TTL Hour + INTERVAL 1 HOUR + INTERVAL ${logs.ttlDays} DAY`;

const attributesTable = (t: Tables, logs: LogsTableFacts): string => `CREATE TABLE IF NOT EXISTS ${t.attributes}
(
    Hour DateTime('UTC'),
    ServiceName LowCardinality(String),
    Scope LowCardinality(String),
    Key LowCardinality(String),
    Rows SimpleAggregateFunction(sum, UInt64),
    ValueBytes SimpleAggregateFunction(sum, UInt64),
    DistinctValues AggregateFunction(${uniq("")}, String),
    TopValues AggregateFunction(${topK("")}, String),
    FirstSeen SimpleAggregateFunction(min, DateTime64(9, 'UTC')),
    LastSeen SimpleAggregateFunction(max, DateTime64(9, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Hour)
ORDER BY (Hour, ServiceName, Scope, Key)
${dailyTtl(logs)}${settings(logs, ["ttl_only_drop_parts = 1"])}`;

// One pass over the rows: the scopes' keys and values side by side (ARRAY JOIN of three
// parallel arrays), so a row with n attributes becomes n (scope, key, value) rows.
const scopeArrays = (f: (scope: string) => string): string => `arrayConcat(${ATTRIBUTE_SCOPES.map(f).join(", ")})`;

// DEFINER = default: the view writes with the admin's rights, so the ingest user needs
// nothing beyond INSERT on otel_logs (as for the hourly rollup in gen/clickhouse/ddl.ts).
const attributesView = (t: Tables, days: number): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.attributesView} TO ${t.attributes}
DEFINER = default SQL SECURITY DEFINER
AS SELECT
    toStartOfHour(Timestamp) AS Hour,
    ServiceName,
    AttributeScope AS Scope,
    AttributeKey AS Key,
    count() AS Rows,
    sum(length(AttributeValue)) AS ValueBytes,
    ${uniq("State")}(AttributeValue) AS DistinctValues,
    ${topK("State")}(substringUTF8(AttributeValue, 1, ${SAMPLE_CHARS})) AS TopValues,
    min(Timestamp) AS FirstSeen,
    max(Timestamp) AS LastSeen
FROM ${t.logs}
ARRAY JOIN
    ${scopeArrays((s) => `arrayWithConstant(length(${s}), ${sqlString(s)})`)} AS AttributeScope,
    ${scopeArrays((s) => `mapKeys(${s})`)} AS AttributeKey,
    ${scopeArrays((s) => `mapValues(${s})`)} AS AttributeValue
WHERE ${retained(days)}
GROUP BY Hour, ServiceName, Scope, Key`;

// The primary index holds (Hour, ServiceName, SeverityText) only: templates can be long.
const patternsTable = (t: Tables, logs: LogsTableFacts): string => `CREATE TABLE IF NOT EXISTS ${t.patterns}
(
    Hour DateTime('UTC'),
    ServiceName LowCardinality(String),
    SeverityText LowCardinality(String),
    Pattern String CODEC(ZSTD(1)),
    Rows SimpleAggregateFunction(sum, UInt64),
    Example SimpleAggregateFunction(any, String) CODEC(ZSTD(1)),
    FirstSeen SimpleAggregateFunction(min, DateTime64(9, 'UTC')),
    LastSeen SimpleAggregateFunction(max, DateTime64(9, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Hour)
PRIMARY KEY (Hour, ServiceName, SeverityText)
ORDER BY (Hour, ServiceName, SeverityText, Pattern)
${dailyTtl(logs)}${settings(logs, ["ttl_only_drop_parts = 1"])}`;

const patternsView = (t: Tables, days: number): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.patternsView} TO ${t.patterns}
DEFINER = default SQL SECURITY DEFINER
AS WITH substringUTF8(Body, 1, ${PATTERN_CHARS}) AS BodyPrefix
SELECT
    toStartOfHour(Timestamp) AS Hour,
    ServiceName,
    SeverityText,
    ${patternExpression("BodyPrefix")} AS Pattern,
    count() AS Rows,
    any(BodyPrefix) AS Example,
    min(Timestamp) AS FirstSeen,
    max(Timestamp) AS LastSeen
FROM ${t.logs}
WHERE ${retained(days)}
GROUP BY Hour, ServiceName, SeverityText, Pattern`;

// Small (one row per hour, service and severity) and kept as long as the hourly rollup.
// Refused: rows otel_logs' TTL dropped on arrival (gen/clickhouse/retention.ts), counted here
// apart (`report refused`) instead of by a view of their own: a fifth view on otel_logs made
// checks/faults.test.ts's FluentBit SIGKILL storm store rows twice in 2 of 4 runs (0 in 3 runs
// without it), so the count rides on a view that exists anyway.
const volumeTable = (t: Tables, logs: LogsTableFacts): string => `CREATE TABLE IF NOT EXISTS ${t.volume}
(
    Hour DateTime('UTC'),
    ServiceName LowCardinality(String),
    SeverityNumber UInt8,
    SeverityText LowCardinality(String),
    Refused Bool,
    Rows SimpleAggregateFunction(sum, UInt64),
    BodyBytes SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Hour)
ORDER BY (Hour, ServiceName, SeverityNumber, SeverityText, Refused)
TTL Hour + INTERVAL ${logs.rollupTtlDays} DAY${settings(logs, [])}`;

const volumeView = (t: Tables, days: number): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.volumeView} TO ${t.volume}
DEFINER = default SQL SECURITY DEFINER
AS SELECT
    toStartOfHour(Timestamp) AS Hour,
    ServiceName,
    SeverityNumber,
    SeverityText,
    ${olderThanRetention(days)} AS Refused,
    count() AS Rows,
    sum(length(Body)) AS BodyBytes
FROM ${t.logs}
GROUP BY Hour, ServiceName, SeverityNumber, SeverityText, Refused`;

/** The catalog's tables and views, each table before the view that writes it. */
export function catalogStatements(model: Model, logs: LogsTableFacts): string[] {
  const t = tables(model.names);
  return [attributesTable(t, logs), attributesView(t, logs.ttlDays), patternsTable(t, logs), patternsView(t, logs.ttlDays), volumeTable(t, logs), volumeView(t, logs.ttlDays)];
}

/** Every table and view the catalog creates, unqualified (names from gen/names.json). */
export const catalogObjects = (names: Names): string[] => [
  names.attributesTable,
  names.attributesView,
  names.patternsTable,
  names.patternsView,
  names.volumeTable,
  names.volumeView,
];

// ---- Reading the catalog: the queries behind `npm run report -- <view>` (report/). ----

/** What a report narrows its answer to. */
export interface ReportFilters {
  /** Rows from the start of the hour this many seconds ago (the tables are hourly). */
  readonly sinceSeconds?: number;
  readonly service?: string;
  /** Matched case-insensitively against SeverityText. */
  readonly severity?: string;
}

// Values go into the SQL as literals (strings through sqlString, numbers as integers), not
// as HTTP query parameters: the report then runs unchanged on any ClickHouse HTTP endpoint,
// including ../shared/tools/clickhouse-http-chdb.mjs, which forwards no URL parameters.
const integer = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${n}`);
  return String(n);
};

/** The window's first instant: the start of the hour `seconds` ago, on the server's clock. */
export const windowStart = (seconds: number): string => `toStartOfHour(now() - toIntervalSecond(${integer(seconds)}))`;

function where(f: ReportFilters, columns: { time: string; service: string; severity?: string }, indent = "", always: readonly string[] = []): string {
  const conditions: string[] = [...always];
  if (f.sinceSeconds !== undefined) conditions.push(`${columns.time} >= ${windowStart(f.sinceSeconds)}`);
  if (f.service !== undefined) conditions.push(`${columns.service} = ${sqlString(f.service)}`);
  if (f.severity !== undefined) {
    if (columns.severity === undefined) throw new Error("this view has no severity");
    conditions.push(`upper(${columns.severity}) = upper(${sqlString(f.severity)})`);
  }
  return conditions.length === 0 ? "" : `\n${indent}WHERE ${conditions.join(" AND ")}`;
}

/**
 * Attribute keys by distinct values (then rows), across services: the catalog merges the
 * hourly states of the window. `exact` asks otel_logs itself instead (uniqExact over every
 * value in the window: a full scan of the maps, for when an estimate is not good enough).
 */
export function attributesQuery(names: Names, f: ReportFilters, exact = false): string {
  const t = tables(names);
  const order = "\nGROUP BY scope, key\nORDER BY distinct_values DESC, rows DESC, scope, key";
  if (exact) {
    return `SELECT
    attribute_scope AS scope,
    attribute_key AS key,
    uniqExact(attribute_value) AS distinct_values,
    count() AS rows,
    sum(length(attribute_value)) AS value_bytes,
    topK(${SAMPLE_VALUES})(substringUTF8(attribute_value, 1, ${SAMPLE_CHARS})) AS top_values,
    arraySort(groupUniqArray(ServiceName)) AS services,
    min(Timestamp) AS first_seen,
    max(Timestamp) AS last_seen
FROM ${t.logs}
ARRAY JOIN
    ${scopeArrays((s) => `arrayWithConstant(length(${s}), ${sqlString(s)})`)} AS attribute_scope,
    ${scopeArrays((s) => `mapKeys(${s})`)} AS attribute_key,
    ${scopeArrays((s) => `mapValues(${s})`)} AS attribute_value${where(f, { time: "Timestamp", service: "ServiceName" })}${order}`;
  }
  return `SELECT
    Scope AS scope,
    Key AS key,
    ${uniq("Merge")}(DistinctValues) AS distinct_values,
    sum(Rows) AS rows,
    sum(ValueBytes) AS value_bytes,
    ${topK("Merge")}(TopValues) AS top_values,
    arraySort(groupUniqArray(ServiceName)) AS services,
    min(FirstSeen) AS first_seen,
    max(LastSeen) AS last_seen
FROM ${t.attributes}${where(f, { time: "Hour", service: "ServiceName" })}${order}`;
}

/** Message templates by rows, with their services, rows per severity and one example. */
export function patternsQuery(names: Names, f: ReportFilters, limit: number): string {
  return `SELECT
    pattern,
    sum(severity_rows) AS rows,
    arraySort(groupUniqArrayArray(severity_services)) AS services,
    CAST((groupArray(severity), groupArray(severity_rows)), 'Map(String, UInt64)') AS severities,
    any(severity_example) AS example,
    min(severity_first_seen) AS first_seen,
    max(severity_last_seen) AS last_seen
FROM
(
    SELECT
        Pattern AS pattern,
        SeverityText AS severity,
        sum(Rows) AS severity_rows,
        groupUniqArray(ServiceName) AS severity_services,
        any(Example) AS severity_example,
        min(FirstSeen) AS severity_first_seen,
        max(LastSeen) AS severity_last_seen
    FROM ${tables(names).patterns}${where(f, { time: "Hour", service: "ServiceName", severity: "SeverityText" }, "    ")}
    GROUP BY pattern, severity
)
GROUP BY pattern
ORDER BY rows DESC, pattern
LIMIT ${integer(limit)}`;
}

/** Rows and Body bytes per hour, service and severity. */
export function volumeQuery(names: Names, f: ReportFilters): string {
  return `SELECT
    Hour AS hour,
    ServiceName AS service,
    SeverityText AS severity,
    sum(Rows) AS rows,
    sum(BodyBytes) AS body_bytes
FROM ${tables(names).volume}${where(f, { time: "Hour", service: "ServiceName", severity: "SeverityText" }, "", ["NOT Refused"])}
GROUP BY hour, service, SeverityNumber, severity
ORDER BY hour, service, SeverityNumber, severity`;
}

/**
 * Records not stored because their time was older than retention when they arrived, per hour
 * of their own time and service (`npm run report -- refused`).
 */
export function refusedQuery(names: Names, f: ReportFilters): string {
  return `SELECT
    Hour AS hour,
    ServiceName AS service,
    sum(Rows) AS records
FROM ${tables(names).volume}${where(f, { time: "Hour", service: "ServiceName" }, "", ["Refused"])}
GROUP BY hour, service
ORDER BY hour, service`;
}

/**
 * Bytes per column of every table in the database, from its active parts: compressed and
 * uncompressed column data (marks and skip indexes not included). Only wide parts store
 * columns in files of their own; a compact part (ClickHouse writes a part compact while it is
 * smaller than min_bytes_for_wide_part, 10 MiB by default: fresh inserts, small tables)
 * reports one size for all its columns, so those parts are one line per table with
 * column = '' and part_type = 'Compact'. The reader needs SELECT on system.parts_columns
 * (gen/clickhouse/config.ts grants it); ClickHouse shows it only the tables it may read.
 */
export function storageQuery(names: Names): string {
  return `SELECT
    table,
    column,
    part_kind AS part_type,
    sum(part_rows) AS rows,
    count() AS parts,
    sum(compressed) AS compressed_bytes,
    sum(uncompressed) AS uncompressed_bytes
FROM
(
    SELECT table, column, 'Wide' AS part_kind, rows AS part_rows,
           column_data_compressed_bytes AS compressed, column_data_uncompressed_bytes AS uncompressed
    FROM system.parts_columns
    WHERE database = ${sqlString(names.database)} AND active AND part_type = 'Wide'
    UNION ALL
    SELECT table, '', 'Compact', any(rows), any(data_compressed_bytes), any(data_uncompressed_bytes)
    FROM system.parts_columns
    WHERE database = ${sqlString(names.database)} AND active AND part_type != 'Wide'
    GROUP BY table, name
)
GROUP BY table, column, part_kind
ORDER BY table, compressed_bytes DESC, column`;
}
