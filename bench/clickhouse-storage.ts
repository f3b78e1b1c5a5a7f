// Storage and query-latency benchmark of our otel_logs against the OpenTelemetry
// exporter's default logs DDL, on one synthetic loggen-like workload, in one chDB session.
// Not a test: prints figures; with --write-doc (and the full 2,000,000 rows) it also
// replaces its section of docs/benchmarks.md.
//
//   node --import tsx bench/clickhouse-storage.ts            (2,000,000 rows)
//   BENCH_ROWS=500000 node --import tsx bench/clickhouse-storage.ts   (quick look, no docs)
//
// Baselines, verbatim apart from the database/table name and the TTL placeholder:
//  - "exporter (bloom, current)": the exporter's logs table since PR #47720 (ORDER BY
//    (toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp), no TimestampTime) in its
//    pre-26.2 index branch, as HyperDX ships it: hyperdxio/hyperdx
//    docker/otel-collector/schema/seed/00002_otel_logs_compat.sql @ b52a6fa8.
//  - "exporter (TimestampTime)": open-telemetry/opentelemetry-collector-contrib
//    exporter/clickhouseexporter/internal/sqltemplates/logs_table.sql @ e3bd2d1d, the
//    previous default (PRIMARY KEY (ServiceName, TimestampTime)).
// Both get TTL 7 days, as the exporter renders its `ttl: 168h` option.
import { cpus } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Session } from "chdb";
import { loadModel } from "../gen/model/model.ts";
import { ddlStatements } from "../gen/clickhouse/ddl.ts";
import { tables } from "../gen/clickhouse/tables.ts";
import { imageRef, type Image } from "../gen/model/images.ts";

const model = loadModel(resolve(import.meta.dirname, ".."));
const NAMESPACE = model.names.namespace;
const LOGS = tables(model.names).logs;

const ROWS = Number(process.env["BENCH_ROWS"] ?? 2_000_000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);
const PODS = 2; // two loggen replicas, interleaved in time
const TICK_MS = 500; // each pod ticks every 500 ms: 2M rows span ~5.8 days, inside the 7-day TTL
const STRINGS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
const BENCH_DB = "bench";

const EXPORTER_CURRENT = `CREATE TABLE IF NOT EXISTS ${BENCH_DB}.exporter_current
(
  \`Timestamp\` DateTime64(9) CODEC(Delta(8), ZSTD(1)),
  \`TraceId\` String CODEC(ZSTD(1)),
  \`SpanId\` String CODEC(ZSTD(1)),
  \`TraceFlags\` UInt8,
  \`SeverityText\` LowCardinality(String) CODEC(ZSTD(1)),
  \`SeverityNumber\` UInt8,
  \`ServiceName\` LowCardinality(String) CODEC(ZSTD(1)),
  \`Body\` String CODEC(ZSTD(1)),
  \`ResourceSchemaUrl\` LowCardinality(String) CODEC(ZSTD(1)),
  \`ResourceAttributes\` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  \`ScopeSchemaUrl\` LowCardinality(String) CODEC(ZSTD(1)),
  \`ScopeName\` String CODEC(ZSTD(1)),
  \`ScopeVersion\` LowCardinality(String) CODEC(ZSTD(1)),
  \`ScopeAttributes\` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  \`LogAttributes\` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  \`EventName\` String CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.cluster.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.cluster.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.container.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.container.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.deployment.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.deployment.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.namespace.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.namespace.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.node.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.node.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.pod.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.pod.name'] CODEC(ZSTD(1)),
  \`__hdx_materialized_k8s.pod.uid\` LowCardinality(String) MATERIALIZED ResourceAttributes['k8s.pod.uid'] CODEC(ZSTD(1)),
  \`__hdx_materialized_deployment.environment.name\` LowCardinality(String) MATERIALIZED ResourceAttributes['deployment.environment.name'] CODEC(ZSTD(1)),
  INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)
TTL toDateTime(Timestamp) + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, enable_block_number_column = 1, enable_block_offset_column = 1`;

const EXPORTER_TIMESTAMPTIME = `CREATE TABLE IF NOT EXISTS "${BENCH_DB}"."exporter_timestamptime"  (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TimestampTime DateTime DEFAULT toDateTime(Timestamp),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    TraceFlags UInt8,
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8,
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Body String CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    EventName String CODEC(ZSTD(1)),

    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree()
PARTITION BY toDate(TimestampTime)
PRIMARY KEY (ServiceName, TimestampTime)
ORDER BY (ServiceName, TimestampTime, Timestamp)
TTL TimestampTime + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;

interface Target {
  readonly label: string;
  readonly table: string;
  /** true: demo fields are typed columns; false: strings in LogAttributes, as an OTel pipeline stores them. */
  readonly typed: boolean;
}

const TARGETS: readonly Target[] = [
  { label: `ours (${LOGS})`, table: LOGS, typed: true },
  { label: "exporter (bloom, current)", table: `${BENCH_DB}.exporter_current`, typed: false },
  { label: "exporter (TimestampTime)", table: `${BENCH_DB}.exporter_timestamptime`, typed: false },
];

/**
 * One SELECT over numbers() that produces the workload: row i is tick i/PODS of pod i%PODS,
 * ticks 500 ms apart, 0-2 ms of container-runtime jitter in nanoseconds, counts contiguous
 * per pod, numbers 0..100, one of 10 strings, the kubernetes filter's metadata, pino's
 * pid/hostname. rand() is seeded by the row number so all tables get identical rows.
 */
function workload(typed: boolean, startNs: bigint, loggenImage: Image): string {
  const strings = `[${STRINGS.map((s) => `'${s}'`).join(",")}]`;
  const demoAttrs = typed
    ? ""
    : `, 'count', toString(tick + 1), 'random_number', toString(num), 'random_string', str`;
  const demoCols = typed ? `, num AS RandomNumber, str AS RandomString, tick + 1 AS Count` : "";
  return `SELECT
    fromUnixTimestamp64Nano(toInt64(${startNs} + tick * ${TICK_MS * 1_000_000} + pod * 1000003 + (sipHash64(number, 1) % 2000000)), 'UTC') AS Timestamp,
    'INFO' AS SeverityText, 9 AS SeverityNumber, 'loggen' AS ServiceName, 'tick' AS Body,
    map('service.name', 'loggen', 'k8s.namespace.name', '${NAMESPACE}', 'k8s.pod.name', pod_name,
        'k8s.pod.uid', pod_uid, 'k8s.container.name', 'loggen', 'k8s.node.name', 'otel-demo',
        'k8s.deployment.name', 'loggen', 'container.image.name', '${imageRef(loggenImage)}') AS ResourceAttributes,
    'fluent-bit' AS ScopeName,
    map('pid', '1', 'hostname', pod_name${demoAttrs}) AS LogAttributes${demoCols}
  FROM (
    SELECT number, number % ${PODS} AS pod, intDiv(number, ${PODS}) AS tick,
      toInt32(sipHash64(number, 2) % 101) AS num,
      ${strings}[1 + sipHash64(number, 3) % ${STRINGS.length}] AS str,
      concat('loggen-6f8b9c7d5-', ['x7k2p', 'm4q9z', 'b2n8w', 'r5t1v'][1 + pod]) AS pod_name,
      concat('3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d0', toString(pod)) AS pod_uid
    FROM numbers(${ROWS})
  )`;
}

interface Query {
  readonly name: string;
  readonly sql: (t: Target) => string;
}

const num = (t: Target): string => (t.typed ? "RandomNumber" : "LogAttributes['random_number']");
const str = (t: Target): string => (t.typed ? "RandomString" : "LogAttributes['random_string']");
const lit = (t: Target, n: number): string => (t.typed ? String(n) : `'${n}'`);

const QUERIES: readonly Query[] = [
  { name: "count by string", sql: (t) => `SELECT ${str(t)} AS s, count() FROM ${t.table} GROUP BY s ORDER BY s` },
  { name: "rows with number = 10 (LIMIT 100)", sql: (t) => `SELECT * FROM ${t.table} WHERE ${num(t)} = ${lit(t, 10)} LIMIT 100` },
  { name: "count with number = 10", sql: (t) => `SELECT count() FROM ${t.table} WHERE ${num(t)} = ${lit(t, 10)}` },
  { name: "per-minute series", sql: (t) => `SELECT toStartOfMinute(Timestamp) AS minute, count() FROM ${t.table} GROUP BY minute ORDER BY minute FORMAT Null` },
  {
    // What HyperDX generates for `random_number:42 random_string:gamma` on each schema:
    // typed ALIAS columns on ours; Map subscripts with indexHint(mapContains) on the exporter's
    // (the user must type LogAttributes.random_number:42 there).
    name: "HyperDX search random_number:42 random_string:gamma",
    sql: (t) =>
      t.typed
        ? `SELECT Timestamp, ServiceName, SeverityText, Body FROM ${t.table} WHERE (random_number = CAST('42', 'Float64')) AND (random_string ILIKE '%gamma%') ORDER BY Timestamp DESC LIMIT 200`
        : `SELECT Timestamp, ServiceName, SeverityText, Body FROM ${t.table} WHERE (LogAttributes['random_number'] ILIKE '%42%' AND indexHint(mapContains(LogAttributes, 'random_number'))) AND (LogAttributes['random_string'] ILIKE '%gamma%' AND indexHint(mapContains(LogAttributes, 'random_string'))) ORDER BY Timestamp DESC LIMIT 200`,
  },
];

/** Settings that would let a repeated query skip work: off, so every run reads the data. */
const NO_CACHES = "SETTINGS use_query_cache = 0, use_query_condition_cache = 0, use_uncompressed_cache = 0";

function withSettings(sql: string): string {
  const i = sql.indexOf(" FORMAT ");
  return i < 0 ? `${sql} ${NO_CACHES}` : `${sql.slice(0, i)} ${NO_CACHES}${sql.slice(i)}`;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

function time(session: Session, sql: string): number {
  const t0 = performance.now();
  session.query(sql, "TSV");
  return performance.now() - t0;
}

interface Storage {
  rows: number;
  parts: number;
  onDisk: number;
  columns: number;
  indexes: number;
}

function storage(session: Session, table: string): Storage {
  const [db, name] = table.split(".");
  const row = session.query(
    `SELECT sum(rows), count(), sum(bytes_on_disk), sum(data_compressed_bytes), sum(secondary_indices_compressed_bytes)
     FROM system.parts WHERE active AND database = '${db}' AND table = '${name}'`,
    "TSV",
  );
  const [rows, parts, onDisk, columns, indexes] = row.trim().split("\t").map(Number);
  return { rows: rows ?? 0, parts: parts ?? 0, onDisk: onDisk ?? 0, columns: columns ?? 0, indexes: indexes ?? 0 };
}

function columnBreakdown(session: Session, table: string, rows: number): string {
  const [db, name] = table.split(".");
  return session
    .query(
      `SELECT name, data_compressed_bytes FROM system.columns WHERE database = '${db}' AND table = '${name}' AND data_compressed_bytes > 0 ORDER BY data_compressed_bytes DESC`,
      "TSV",
    )
    .trim()
    .split("\n")
    .map((l) => {
      const [col, bytes] = l.split("\t");
      return `${col}=${(Number(bytes) / rows).toFixed(3)}`;
    })
    .join(", ");
}

function main(): void {
  const started = performance.now();
  const session = new Session();
  for (const q of ddlStatements(model)) session.query(q);
  session.query(`CREATE DATABASE IF NOT EXISTS ${BENCH_DB}`);
  session.query(EXPORTER_CURRENT);
  session.query(EXPORTER_TIMESTAMPTIME);

  // The workload ends one minute ago, so all of it is inside the 7-day TTL.
  const spanNs = BigInt(Math.ceil(ROWS / PODS)) * BigInt(TICK_MS) * 1_000_000n;
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n - spanNs;

  const results = new Map<string, { storage: Storage; breakdown: string; insertS: number; latency: Map<string, number> }>();
  for (const t of TARGETS) {
    const t0 = performance.now();
    session.query(`INSERT INTO ${t.table} (${t.typed ? "Timestamp, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, ScopeName, LogAttributes, RandomNumber, RandomString, Count" : "Timestamp, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, ScopeName, LogAttributes"}) ${workload(t.typed, startNs, model.images.loggen)}`);
    session.query(`OPTIMIZE TABLE ${t.table} FINAL`);
    const insertS = (performance.now() - t0) / 1000;
    const st = storage(session, t.table);
    if (st.rows !== ROWS) throw new Error(`${t.table}: expected ${ROWS} rows after insert, found ${st.rows}`);
    results.set(t.label, { storage: st, breakdown: columnBreakdown(session, t.table, st.rows), insertS, latency: new Map() });
    console.log(`${t.label}: inserted and merged ${ROWS} rows in ${insertS.toFixed(1)} s`);
  }

  // The demo search must find the same rows on every schema (ILIKE '%42%' also matches
  // 142 on the exporter's strings, but numbers stop at 100).
  const hits = TARGETS.map((t) =>
    session.query(
      t.typed
        ? `SELECT count() FROM ${t.table} WHERE (random_number = CAST('42', 'Float64')) AND (random_string ILIKE '%gamma%')`
        : `SELECT count() FROM ${t.table} WHERE LogAttributes['random_number'] ILIKE '%42%' AND LogAttributes['random_string'] ILIKE '%gamma%'`,
      "TSV",
    ).trim(),
  );
  if (new Set(hits).size !== 1 || hits[0] === "0") throw new Error(`HyperDX-style search disagrees or finds nothing: ${hits.join(", ")}`);

  // Interleave targets within each run so drift (thermal, page cache) hits all equally.
  for (const q of QUERIES) {
    const samples = new Map<string, number[]>(TARGETS.map((t) => [t.label, []]));
    for (const t of TARGETS) time(session, withSettings(q.sql(t))); // warm-up
    for (let r = 0; r < RUNS; r++) for (const t of TARGETS) samples.get(t.label)?.push(time(session, withSettings(q.sql(t))));
    for (const t of TARGETS) results.get(t.label)?.latency.set(q.name, median(samples.get(t.label) ?? []));
  }
  session.close();

  const ours = results.get(TARGETS[0]?.label ?? "");
  if (ours === undefined) throw new Error("no result for our table");
  const bpr = (s: Storage): number => s.onDisk / s.rows;
  const lines: string[] = [];
  const workloadText = `${ROWS.toLocaleString("en-US")} rows: ${PODS} loggen pods ticking every ${TICK_MS} ms (${((ROWS / PODS) * TICK_MS / 86_400_000).toFixed(1)} days), contiguous counts per pod, random_number uniform 0..100, random_string one of ${STRINGS.length}, 8 Kubernetes resource attributes, pino pid/hostname in LogAttributes; inserted with INSERT ... SELECT FROM numbers(), then OPTIMIZE FINAL`;
  lines.push(`Workload: ${workloadText}.`);
  lines.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), chDB (ClickHouse ${versionOf()}), Node ${process.version}.`);
  lines.push("");
  lines.push("| table | bytes/row on disk | ratio to ours | columns bytes/row | skip-index bytes/row | parts |");
  lines.push("|---|---:|---:|---:|---:|---:|");
  for (const t of TARGETS) {
    const r = results.get(t.label);
    if (r === undefined) continue;
    const s = r.storage;
    lines.push(
      `| ${t.label} | ${bpr(s).toFixed(2)} B | ${(bpr(s) / bpr(ours.storage)).toFixed(2)}x | ${(s.columns / s.rows).toFixed(2)} B | ${(s.indexes / s.rows).toFixed(3)} B | ${s.parts} |`,
    );
  }
  lines.push("");
  lines.push(`Query latency, median of ${RUNS} runs after one warm-up, query/condition/uncompressed caches off:`);
  lines.push("");
  lines.push(`| query | ${TARGETS.map((t) => t.label).join(" | ")} |`);
  lines.push(`|---|${TARGETS.map(() => "---:").join("|")}|`);
  for (const q of QUERIES) {
    lines.push(`| ${q.name} | ${TARGETS.map((t) => `${(results.get(t.label)?.latency.get(q.name) ?? NaN).toFixed(1)} ms`).join(" | ")} |`);
  }
  lines.push("");
  lines.push("Compressed bytes per row by column:");
  lines.push("");
  for (const t of TARGETS) lines.push(`- ${t.label}: ${results.get(t.label)?.breakdown ?? ""}`);

  // Acceptance: at most 0.6x the bytes of each exporter DDL, and no example query slower.
  const verdicts: string[] = [];
  for (const t of TARGETS.slice(1)) {
    const r = results.get(t.label);
    if (r === undefined) continue;
    const ratio = bpr(ours.storage) / bpr(r.storage);
    verdicts.push(`bytes/row ours / ${t.label} = ${ratio.toFixed(2)} (limit 0.60): ${ratio <= 0.6 ? "PASS" : "FAIL"}`);
    for (const q of QUERIES) {
      const a = ours.latency.get(q.name) ?? NaN;
      const b = r.latency.get(q.name) ?? NaN;
      verdicts.push(`${q.name}: ours ${a.toFixed(1)} ms vs ${t.label} ${b.toFixed(1)} ms: ${a <= b ? "PASS" : "FAIL"}`);
    }
  }
  lines.push("");
  lines.push("Acceptance:");
  lines.push("");
  for (const v of verdicts) lines.push(`- ${v}`);
  const runtime = (performance.now() - started) / 1000;
  lines.push("");
  lines.push(`Benchmark runtime: ${runtime.toFixed(0)} s.`);

  const report = lines.join("\n");
  console.log(`\n${report}`);
  if (process.argv.includes("--write-doc") && ROWS >= 2_000_000) {
    const file = resolve(import.meta.dirname, "../docs/benchmarks.md");
    const begin = "<!-- clickhouse storage benchmark: begin -->";
    const end = "<!-- clickhouse storage benchmark: end -->";
    const block = `${begin}\n## ClickHouse storage and query latency: our otel_logs vs the OpenTelemetry exporter's DDL\n\n${report}\n\n${NOTES}\n${end}`;
    const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
    writeFileSync(file, text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${text.trimEnd()}\n\n${block}\n`);
    console.log(`wrote ${file}`);
  }
  if (verdicts.some((v) => v.endsWith("FAIL"))) process.exitCode = 1;
}

const NOTES = `### What makes the difference, and what this does not show

- ZSTD(6) instead of ZSTD(1) on the attribute maps, Body and ScopeName: ClickHouse's ZSTD levels 1-2 use a
  fast match finder that leaves ~4.5 bytes/row on a map whose 8 values repeat on every row; level 6 stores the
  same map in 0.06 bytes/row and decompresses faster (measured on chDB while choosing the codecs).
- The pod (\`__otel_materialized_k8s.pod.name\`, as the exporter materializes it) in the sort key after the
  5-minute bucket and ServiceName: one pod's rows sit together, so their identical maps compress to nothing.
- The demo fields as typed columns (Nullable(Int32) with T64, LowCardinality(String), UInt64 with Delta) instead
  of three strings in LogAttributes: GROUP BY/filters read 1-2 bytes per row instead of the whole map.
- The per-minute series is answered by the \`per_minute\` aggregate projection (one row per minute and service),
  not by a faster scan: that is the schema doing its job for the design's query, and it is why that row differs
  most. HyperDX's own histogram (toStartOfInterval with its bucket size) does not match the projection and scans
  Timestamp like the exporter's tables do.
- What remains per row is mostly the Timestamp (~3.2 bytes): the synthetic 0-2 ms runtime jitter in nanoseconds is
  real entropy, and both schemas store it with the same codec.
- Not measured: the exporter's full-text-index variant (TYPE text, chosen on ClickHouse >= 26.2), inserts through
  HTTP, and a running server (chDB is the same engine in-process). Latencies are wall-clock around chDB calls on a
  shared 2-core machine; read them as ratios, not absolutes.`;

function versionOf(): string {
  const s = new Session();
  try {
    return s.query("SELECT version()", "TSV").trim();
  } finally {
    s.close();
  }
}

main();
