// Records not stored because of their time, counted where an operator looks: the rows
// otel_logs' TTL drops on arrival and its other views leave out (gen/clickhouse/retention.ts),
// per hour of arrival, input, source and reason. `npm run report -- refused` shows them.
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import { windowStart } from "./catalog.ts";
import { sqlString } from "./ingest.ts";
import { olderThanRetention } from "./retention.ts";
import { tables } from "./tables.ts";

/** Why a record was refused: the only reason so far. */
export const OLDER_THAN_RETENTION = "older than retention";

/**
 * How the refused table names the input a record came through, from its row: a container
 * line has its pod (k8s.pod.name); a JSON post or an OTLP record has none ("http"). Source:
 * the pod (<namespace>/<pod>), else the service.
 */
export const REFUSED_INPUTS = { container: "container", post: "http" } as const;

// Kept as long as the hourly rollup; one row per hour, input and source (a pod, else a
// service), so it stays small whatever the backlog.
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
AS WITH ResourceAttributes['k8s.pod.name'] AS pod
SELECT
    toStartOfHour(now('UTC')) AS Hour,
    if(pod != '', '${container}', '${post}') AS Input,
    if(pod != '', concat(ResourceAttributes['k8s.namespace.name'], '/', pod), ServiceName) AS Source,
    ${sqlString(OLDER_THAN_RETENTION)} AS Reason,
    count() AS Records,
    min(Timestamp) AS OldestTime,
    max(Timestamp) AS NewestTime
FROM ${t.logs}
WHERE ${olderThanRetention(model.settings.retention.logsDays)}
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
