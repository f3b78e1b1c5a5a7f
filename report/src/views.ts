// The four views: which catalog query each runs (gen/clickhouse/catalog.ts), the rows it
// returns with plain JSON types, and how a terminal shows them.
import {
  attributesQuery,
  DISTINCT_STANDARD_ERROR,
  EXACT_DISTINCT_UP_TO,
  patternsQuery,
  refusedQuery,
  storageQuery,
  volumeQuery,
  type ReportFilters,
} from "../../gen/clickhouse/catalog.ts";
import type { Names } from "../../gen/model/names-schema.ts";
import type { Options } from "./args.ts";
import { bytes, count, minute, table } from "./render.ts";

type Raw = Record<string, unknown>;

// ClickHouse writes 64-bit integers in JSON as strings unless told otherwise
// (output_format_json_quote_64bit_integers): accept both.
function num(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`unexpected number in ClickHouse's answer: ${JSON.stringify(v)}`);
  return n;
}
const str = (v: unknown): string => (typeof v === "string" ? v : String(v));
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
/** "2026-05-01 08:00:00[.nnnnnnnnn]" (the columns are UTC) -> "2026-05-01T08:00:00[.nnnnnnnnn]Z". */
const iso = (v: unknown): string => `${str(v).replace(" ", "T")}Z`;

export interface AttributeRow {
  scope: string;
  key: string;
  distinct_values: number;
  /** False when distinct_values is a HyperLogLog estimate (more than EXACT_DISTINCT_UP_TO values). */
  distinct_exact: boolean;
  above_threshold: boolean;
  rows: number;
  value_bytes: number;
  top_values: string[];
  services: string[];
  first_seen: string;
  last_seen: string;
}

export interface PatternRow {
  pattern: string;
  rows: number;
  services: string[];
  severities: Record<string, number>;
  example: string;
  first_seen: string;
  last_seen: string;
}

export interface VolumeRow {
  hour: string;
  service: string;
  severity: string;
  rows: number;
  body_bytes: number;
}

export interface StorageRow {
  table: string;
  /** null: the table's compact parts, which keep one size for all their columns. */
  column: string | null;
  part_type: string;
  rows: number;
  parts: number;
  compressed_bytes: number;
  uncompressed_bytes: number;
  /** uncompressed / compressed; null when nothing is compressed yet. */
  compression_ratio: number | null;
}

export interface RefusedRow {
  /** The hour of the records' own time (not of their arrival). */
  hour: string;
  service: string;
  records: number;
}

export type Row = AttributeRow | PatternRow | VolumeRow | StorageRow | RefusedRow;

const filtersOf = (o: Options): ReportFilters => ({
  ...(o.sinceSeconds === undefined ? {} : { sinceSeconds: o.sinceSeconds }),
  ...(o.service === undefined ? {} : { service: o.service }),
  ...(o.severity === undefined ? {} : { severity: o.severity }),
});

export function queryOf(names: Names, o: Options): string {
  switch (o.view) {
    case "attributes":
      return attributesQuery(names, filtersOf(o), o.exact);
    case "patterns":
      return patternsQuery(names, filtersOf(o), o.limit);
    case "volume":
      return volumeQuery(names, filtersOf(o));
    case "storage":
      return storageQuery(names);
    case "refused":
      return refusedQuery(names, filtersOf(o));
  }
}

export function shape(o: Options, raw: readonly Raw[]): Row[] {
  switch (o.view) {
    case "attributes":
      return raw.map((r): AttributeRow => {
        const distinct = num(r["distinct_values"]);
        return {
          scope: str(r["scope"]),
          key: str(r["key"]),
          distinct_values: distinct,
          distinct_exact: o.exact || distinct <= EXACT_DISTINCT_UP_TO,
          above_threshold: distinct > o.threshold,
          rows: num(r["rows"]),
          value_bytes: num(r["value_bytes"]),
          top_values: strs(r["top_values"]),
          services: strs(r["services"]),
          first_seen: iso(r["first_seen"]),
          last_seen: iso(r["last_seen"]),
        };
      });
    case "patterns":
      return raw.map(
        (r): PatternRow => ({
          pattern: str(r["pattern"]),
          rows: num(r["rows"]),
          services: strs(r["services"]),
          severities: Object.fromEntries(Object.entries((r["severities"] ?? {}) as Raw).map(([k, v]) => [k, num(v)])),
          example: str(r["example"]),
          first_seen: iso(r["first_seen"]),
          last_seen: iso(r["last_seen"]),
        }),
      );
    case "volume":
      return raw.map(
        (r): VolumeRow => ({ hour: iso(r["hour"]), service: str(r["service"]), severity: str(r["severity"]), rows: num(r["rows"]), body_bytes: num(r["body_bytes"]) }),
      );
    case "storage":
      return raw.map((r): StorageRow => {
        const compressed = num(r["compressed_bytes"]);
        const uncompressed = num(r["uncompressed_bytes"]);
        return {
          table: str(r["table"]),
          column: str(r["part_type"]) === "Wide" ? str(r["column"]) : null,
          part_type: str(r["part_type"]),
          rows: num(r["rows"]),
          parts: num(r["parts"]),
          compressed_bytes: compressed,
          uncompressed_bytes: uncompressed,
          compression_ratio: compressed > 0 ? Math.round((uncompressed / compressed) * 100) / 100 : null,
        };
      });
    case "refused":
      return raw.map(
        (r): RefusedRow => ({ hour: iso(r["hour"]), service: str(r["service"]), records: num(r["records"]) }),
      );
  }
}

const ratio = (r: number | null): string => (r === null ? "-" : `${r.toFixed(2)}x`);
/** The window in words; its start is computed on this machine's clock, the query uses the server's. */
function windowText(o: Options, now = Date.now()): string {
  if (o.sinceSeconds === undefined) return "all retained hours";
  const start = new Date(Math.floor((now - o.sinceSeconds * 1000) / 3_600_000) * 3_600_000).toISOString();
  return `the last ${o.sinceText ?? `${o.sinceSeconds}s`} (whole hours, from ${minute(start)} UTC)`;
}

/** The view as lines for a terminal. */
export function text(names: Names, o: Options, rows: readonly Row[]): string[] {
  switch (o.view) {
    case "attributes": {
      const a = rows as AttributeRow[];
      const lines = table(a, [
        { title: "SCOPE", cell: (r) => r.scope },
        { title: "KEY", cell: (r) => r.key, max: 40 },
        { title: "DISTINCT", cell: (r) => `${r.distinct_exact ? "" : "~"}${count(r.distinct_values)}`, align: "right" },
        { title: "", cell: (r) => (r.above_threshold ? "!" : "") },
        { title: "ROWS", cell: (r) => count(r.rows), align: "right" },
        { title: "VALUE BYTES", cell: (r) => bytes(r.value_bytes), align: "right" },
        { title: "SERVICES", cell: (r) => r.services.join(","), max: 30 },
        { title: "TOP VALUES", cell: (r) => r.top_values.join(", "), max: 60 },
      ]);
      const high = a.filter((r) => r.above_threshold).length;
      return [
        ...lines,
        "",
        `${count(a.length)} keys in ${windowText(o)}; ${high} above ${count(o.threshold)} distinct values (!).`,
        o.exact
          ? "Distinct values: exact (uniqExact over otel_logs)."
          : `Distinct values: exact up to ${count(EXACT_DISTINCT_UP_TO)}; above (~), a HyperLogLog estimate (standard error ${(DISTINCT_STANDARD_ERROR * 100).toFixed(1)}%). --exact counts exactly.`,
      ];
    }
    case "patterns": {
      const p = rows as PatternRow[];
      const severities = (r: PatternRow): string =>
        Object.entries(r.severities)
          .sort((x, y) => y[1] - x[1])
          .map(([s, n]) => `${s || "-"} ${count(n)}`)
          .join(", ");
      return [
        ...table(p, [
          { title: "ROWS", cell: (r) => count(r.rows), align: "right" },
          { title: "SEVERITIES", cell: severities, max: 36 },
          { title: "SERVICES", cell: (r) => r.services.join(","), max: 30 },
          { title: "PATTERN", cell: (r) => r.pattern, max: 100 },
        ]),
        "",
        `${count(p.length)} templates (--limit ${o.limit}) in ${windowText(o)}; masked: <num> <hex> <uuid> <ip> <str>.`,
      ];
    }
    case "volume": {
      const v = rows as VolumeRow[];
      const total = v.reduce((s, r) => ({ rows: s.rows + r.rows, body: s.body + r.body_bytes }), { rows: 0, body: 0 });
      return [
        ...table(v, [
          { title: "HOUR (UTC)", cell: (r) => minute(r.hour) },
          { title: "SERVICE", cell: (r) => r.service, max: 40 },
          { title: "SEVERITY", cell: (r) => r.severity || "-" },
          { title: "ROWS", cell: (r) => count(r.rows), align: "right" },
          { title: "BODY BYTES", cell: (r) => bytes(r.body_bytes), align: "right" },
        ]),
        "",
        `${count(total.rows)} rows, ${bytes(total.body)} of Body in ${windowText(o)}.`,
      ];
    }
    case "storage": {
      const s = rows as StorageRow[];
      // Per table: every wide column holds the same rows, so rows = one wide column's + the compact parts'.
      const tables = new Map<string, { rows: number; compressed: number; uncompressed: number }>();
      for (const r of s) {
        const t = tables.get(r.table) ?? { rows: 0, compressed: 0, uncompressed: 0 };
        t.compressed += r.compressed_bytes;
        t.uncompressed += r.uncompressed_bytes;
        tables.set(r.table, t);
      }
      for (const [name, t] of tables) {
        const wide = s.filter((r) => r.table === name && r.column !== null).reduce((m, r) => Math.max(m, r.rows), 0);
        const compact = s.filter((r) => r.table === name && r.column === null).reduce((m, r) => m + r.rows, 0);
        t.rows = wide + compact;
      }
      const summary = [...tables.entries()].sort((x, y) => y[1].compressed - x[1].compressed);
      return [
        ...table(summary, [
          { title: "TABLE", cell: ([n]) => n },
          { title: "ROWS", cell: ([, t]) => count(t.rows), align: "right" },
          { title: "COMPRESSED", cell: ([, t]) => bytes(t.compressed), align: "right" },
          { title: "UNCOMPRESSED", cell: ([, t]) => bytes(t.uncompressed), align: "right" },
          { title: "RATIO", cell: ([, t]) => ratio(t.compressed > 0 ? t.uncompressed / t.compressed : null), align: "right" },
          { title: "BYTES/ROW", cell: ([, t]) => (t.rows > 0 ? (t.compressed / t.rows).toFixed(2) : "-"), align: "right" },
        ]),
        "",
        ...table(s, [
          { title: "TABLE", cell: (r) => r.table },
          { title: "COLUMN", cell: (r) => r.column ?? "(compact parts: all columns)", max: 40 },
          { title: "ROWS", cell: (r) => count(r.rows), align: "right" },
          { title: "PARTS", cell: (r) => count(r.parts), align: "right" },
          { title: "COMPRESSED", cell: (r) => bytes(r.compressed_bytes), align: "right" },
          { title: "UNCOMPRESSED", cell: (r) => bytes(r.uncompressed_bytes), align: "right" },
          { title: "RATIO", cell: (r) => ratio(r.compression_ratio), align: "right" },
        ]),
        "",
        `Active parts of ${names.database}.*, column data only (marks and skip indexes not included).`,
      ];
    }
    case "refused": {
      const r = rows as RefusedRow[];
      const total = r.reduce((s, x) => s + x.records, 0);
      return [
        ...table(r, [
          { title: "HOUR OF THEIR TIME (UTC)", cell: (x) => minute(x.hour) },
          { title: "SERVICE", cell: (x) => x.service, max: 40 },
          { title: "RECORDS", cell: (x) => count(x.records), align: "right" },
        ]),
        "",
        `${count(total)} records in ${windowText(o)} not stored: older than ${names.logsTable}' retention when they arrived.`,
      ];
    }
  }
}
