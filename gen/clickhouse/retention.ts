// Which otel_logs rows retention has already expired, written once for every view on otel_logs.
//
// otel_logs' TTL (toDateTime(Timestamp) + INTERVAL logsDays DAY, gen/clickhouse/ddl.ts) drops a
// row older than retention as soon as its part is written (a FluentBit backlog after a long
// outage, an OTLP client replaying old records). The views on otel_logs read every inserted
// block before TTL drops anything, so the hourly rollup and the catalog leave such rows out
// (`retained`), and the volume table counts exactly them apart (`olderThanRetention`, its
// Refused column, gen/clickhouse/catalog.ts). Int64 seconds: toDateTime would wrap times
// before 1970.
//
// Why not filter them out in the ingest views and count them with a second view on each
// ingest table: measured, a second materialized view on an ingest table broke insert
// deduplication under checks/faults.test.ts's FluentBit SIGKILL storm (96 and 176 rows stored
// twice in two runs, 0 without it), while views on otel_logs keep it.

/** otel_logs' Timestamp is past retention: its TTL has expired the row. */
export const olderThanRetention = (logsDays: number): string => `toUnixTimestamp64Second(Timestamp) + ${logsDays * 86_400} <= toUnixTimestamp(now())`;

/** The rows otel_logs keeps: what its views count. */
export const retained = (logsDays: number): string => `NOT (${olderThanRetention(logsDays)})`;
