// ClickHouse's readiness: the schema FluentBit inserts into exists. Reading from the view
// and the tables fails (UNKNOWN_TABLE, HTTP 404) when a startup script did not run, so the
// pod is not Ready, instead of a server that answers /ping while every INSERT is refused.
import type { Names } from "../model/names-schema.ts";
import { tables } from "./tables.ts";

export const schemaProbeQuery = (names: Names): string => {
  const t = tables(names);
  return [t.logs, t.ingest, t.ingestView, t.otlpIngest, t.otlpIngestView, t.hourly].map((table) => `SELECT 1 FROM ${table} LIMIT 0`).join(" UNION ALL ");
};
