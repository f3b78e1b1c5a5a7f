// Every table and view of the schema by its qualified name (<database>.<table>), from the
// model's names (gen/names.json): what statements, grants, probes and INSERTs refer to.
import type { Names } from "../model/names-schema.ts";

export interface Tables {
  /** otel_logs: the rows (gen/clickhouse/ddl.ts). */
  readonly logs: string;
  /** The hourly rollup and the view that fills it from otel_logs. */
  readonly hourly: string;
  readonly hourlyView: string;
  /** The Null tables FluentBit inserts into and their views into otel_logs (gen/clickhouse/ingest.ts): lines and JSON posts; OTLP records. */
  readonly ingest: string;
  readonly ingestView: string;
  readonly otlpIngest: string;
  readonly otlpIngestView: string;
  /** The catalog (gen/clickhouse/catalog.ts): tables and the views that fill them from otel_logs. */
  readonly attributes: string;
  readonly attributesView: string;
  readonly patterns: string;
  readonly patternsView: string;
  readonly volume: string;
  readonly volumeView: string;
}

export function tables(names: Names): Tables {
  const q = (table: string): string => `${names.database}.${table}`;
  return {
    logs: q(names.logsTable),
    hourly: q(names.hourlyTable),
    hourlyView: q(names.hourlyView),
    ingest: q(names.ingestTable),
    ingestView: q(names.ingestView),
    otlpIngest: q(names.otlpIngestTable),
    otlpIngestView: q(names.otlpIngestView),
    attributes: q(names.attributesTable),
    attributesView: q(names.attributesView),
    patterns: q(names.patternsTable),
    patternsView: q(names.patternsView),
    volume: q(names.volumeTable),
    volumeView: q(names.volumeView),
  };
}
