// Records not stored because of their time, counted where an operator looks: a record older
// than retention (otel_logs' TTL has already expired it) is not written to otel_logs by the
// ingest views (gen/clickhouse/ingest.ts), so the hourly rollup and the catalog never count
// it either; a view on each ingest table counts it here instead, per hour of arrival, input
// and source. `npm run report -- refused` shows the table.
//
// One small view per ingest table: it parses only the record's time (the ingest views' own
// expression, RECORD_TIME) and keeps exactly the rows the ingest view leaves out (the same
// predicate, olderThanRetention, evaluated with the same now()), so the two cannot disagree.
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import { windowStart } from "./catalog.ts";
import { olderThanRetention, RECORD_TIME, sqlString } from "./ingest.ts";
import { tables } from "./tables.ts";

/** Why a record was refused: the only reason so far. */
export const OLDER_THAN_RETENTION = "older than retention";

/** How the refused table names the input a record came through. */
export const REFUSED_INPUTS = { container: "container", json: "json", otlp: "otlp" } as const;

// Kept as long as the hourly rollup; one row per hour, input and source (a pod's file, a JSON
// post's tag, an OTLP service), so it stays small whatever the backlog.
const refusedTable = (model: Model, dedupWindow: number): string => `CREATE TABLE IF NOT EXISTS ${tables(model.names).refused}
(
    Hour DateTime('UTC'),
    Input LowCardinality(String),
    Source LowCardinality(String),
    Reason LowCardinality(String),
    Records SimpleAggregateFunction(sum, UInt64),
    OldestTime SimpleAggregateFunction(min, DateTime64(9, 'UTC')),
    NewestTime SimpleAggregateFunction(max, DateTime64(9, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Hour)
ORDER BY (Hour, Input, Source, Reason)
TTL Hour + INTERVAL ${model.settings.retention.rollupDays} DAY
SETTINGS non_replicated_deduplication_window = ${dedupWindow}`;

const refusedView = (names: Names, view: string, from: string, input: string, source: string, logsDays: number): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} TO ${tables(names).refused}
DEFINER = default SQL SECURITY DEFINER
AS SELECT
    toStartOfHour(now('UTC')) AS Hour,
    ${input} AS Input,
    ${source} AS Source,
    ${sqlString(OLDER_THAN_RETENTION)} AS Reason,
    count() AS Records,
    min(assumeNotNull(record_time)) AS OldestTime,
    max(assumeNotNull(record_time)) AS NewestTime
FROM ${from}
WHERE ${olderThanRetention("record_time", logsDays)}
GROUP BY Hour, Input, Source, Reason`;

/** The refused table and its two views (container lines and JSON posts; OTLP records). */
export function refusedStatements(model: Model, dedupWindow: number): string[] {
  const { names } = model;
  const t = tables(names);
  const days = model.settings.retention.logsDays;
  const { container, json, otlp } = REFUSED_INPUTS;
  return [
    refusedTable(model, dedupWindow),
    refusedView(names, t.refusedLinesView, `(SELECT *, ${RECORD_TIME} AS record_time FROM ${t.ingest})`, `if(input = 'http', '${json}', '${container}')`, "if(input = 'http', tag, file)", days),
    refusedView(
      names,
      t.refusedOtlpView,
      `(SELECT *, ${RECORD_TIME} AS record_time FROM ${t.otlpIngest})`,
      `'${otlp}'`,
      "JSONExtractString(__internal__, 'group_attributes', 'resource', 'attributes', 'service.name')",
      days,
    ),
  ];
}

/** The refused table and its views, unqualified (names from gen/names.json). */
export const refusedObjects = (names: Names): string[] => [names.refusedTable, names.refusedLinesView, names.refusedOtlpView];

/** Refused records per hour of arrival, input, source and reason (`npm run report -- refused`). */
export function refusedQuery(names: Names, sinceSeconds?: number): string {
  return `SELECT
    Hour AS hour,
    Input AS input,
    Source AS source,
    Reason AS reason,
    sum(Records) AS records,
    min(OldestTime) AS oldest,
    max(NewestTime) AS newest
FROM ${tables(names).refused}${sinceSeconds === undefined ? "" : `\nWHERE Hour >= ${windowStart(sinceSeconds)}`}
GROUP BY hour, input, source, reason
ORDER BY hour, input, source, reason`;
}
