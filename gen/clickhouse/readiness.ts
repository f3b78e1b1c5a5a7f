// ClickHouse's readiness: the schema FluentBit inserts into exists. Reading from the view
// and the tables fails (UNKNOWN_TABLE, HTTP 404) when a startup script did not run, so the
// pod is not Ready, instead of a server that answers /ping while every INSERT is refused.
import { INGEST, INGEST_MV, OTLP_INGEST, OTLP_INGEST_MV } from "./ingest.ts";
import { HOURLY, LOGS } from "./ddl.ts";

export const schemaProbeQuery = (): string =>
  [LOGS, INGEST, INGEST_MV, OTLP_INGEST, OTLP_INGEST_MV, HOURLY].map((t) => `SELECT 1 FROM ${t} LIMIT 0`).join(" UNION ALL ");
