// Records not stored because of their time, counted where an operator looks. A record older
// than retention (otel_logs' TTL has already expired it: a FluentBit backlog after a long
// outage, an OTLP client replaying old records) is dropped by otel_logs as soon as its part is
// written; the views on otel_logs leave it out (olderThanRetention in gen/clickhouse/ingest.ts),
// so the hourly rollup and the catalog never count it, and the view here counts exactly those
// rows, per hour of arrival, input, source and reason. `npm run report -- refused` shows it.
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import { windowStart } from "./catalog.ts";
import { olderThanRetention, sqlString } from "./ingest.ts";
import { tables } from "./tables.ts";

/** Why a record was refused: the only reason so far. */
export const OLDER_THAN_RETENTION = "older than retention";

/**
 * How the refused table names the input a record came through, from its row: a container
 * line has its pod (k8s.pod.name); a JSON post or an OTLP record has none ("http"). Source:
 * the pod (<namespace>/<pod>), else the service.
 */
export const REFUSED_INPUTS = { container: "container", post: "http" } as const;

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

const refusedView = (model: Model): string => {
  const t = tables(model.names);
  const { container, post } = REFUSED_INPUTS;
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.refusedView} TO ${t.refused}
DEFINER = default SQL SECURITY DEFINER
AS SELECT
    toStartOfHour(now('UTC')) AS Hour,
    if(ResourceAttributes['k8s.pod.name'] != '', '${container}', '${post}') AS Input,
    if(ResourceAttributes['k8s.pod.name'] != '', concat(ResourceAttributes['k8s.namespace.name'], '/', ResourceAttributes['k8s.pod.name']), ServiceName) AS Source,
    ${sqlString(OLDER_THAN_RETENTION)} AS Reason,
    count() AS Records,
    min(Timestamp) AS OldestTime,
    max(Timestamp) AS NewestTime
FROM ${t.logs}
WHERE ${olderThanRetention("Timestamp", model.settings.retention.logsDays)}
GROUP BY Hour, Input, Source, Reason`;
};

/** The refused table and the view on otel_logs that fills it. */
export function refusedStatements(model: Model, dedupWindow: number): string[] {
  return [refusedTable(model, dedupWindow), refusedView(model)];
}

/** The refused table and its view, unqualified (names from gen/names.json). */
export const refusedObjects = (names: Names): string[] => [names.refusedTable, names.refusedView];

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
