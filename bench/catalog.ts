// What the catalog (gen/clickhouse/catalog.ts) costs: the materialized views' extra INSERT
// time and the catalog tables' bytes, as a share of an INSERT without them and of otel_logs'
// bytes, on chDB (ClickHouse's engine in-process). Not a test: prints figures, writes nothing.
//
//   npm run bench:catalog                                   (50,000 lines per workload, 3 runs)
//   BENCH_CATALOG_ROWS=20000 BENCH_CATALOG_RUNS=1 npm run bench:catalog    (a quick look)
//
// Container lines are generated once (in SQL, into a staging table) and inserted as FluentBit
// posts them: its INSERT into the ingest table (gen/fluentbit/config.ts: insertQuery), whose
// view writes otel_logs, BENCH_CATALOG_BATCH lines per INSERT (the JSON text is made before the
// clock starts). The generated schema without the catalog, then with each view alone and with
// all three. Per configuration the median of BENCH_CATALOG_RUNS runs of the wall time and of
// the CPU time of the process (chDB's threads included) spent in the INSERTs; the machine is
// shared, CPU time is the steadier figure. Not measured: HTTP, and the merges the extra parts
// cause later (their bytes are shown as inserted and after OPTIMIZE FINAL).
import { cpus } from "node:os";
import { resolve } from "node:path";
import { Session } from "chdb";
import { CARDINALITY_PRECISION, catalogStatements, DISTINCT_STANDARD_ERROR, EXACT_DISTINCT_UP_TO } from "../gen/clickhouse/catalog.ts";
import { ddlStatements } from "../gen/clickhouse/ddl.ts";
import { tables } from "../gen/clickhouse/tables.ts";
import { insertQuery } from "../gen/fluentbit/config.ts";
import { loadModel } from "../gen/model/model.ts";

const model = loadModel(resolve(import.meta.dirname, ".."));
const { database: DATABASE, namespace: NAMESPACE } = model.names;
const { logs: LOGS, ingest: INGEST } = tables(model.names);

const ROWS = Number(process.env["BENCH_CATALOG_ROWS"] ?? 50_000);
const BATCH = Number(process.env["BENCH_CATALOG_BATCH"] ?? 5_000);
const RUNS = Number(process.env["BENCH_CATALOG_RUNS"] ?? 3);
const STAGING_DB = "bench_catalog";

/** What FluentBit posts for each container line (gen/clickhouse/ingest.ts: INGEST_COLUMNS). */
const LINE_COLUMNS = "time, stream, log, file, node";

interface Workload {
  readonly name: string;
  readonly description: string;
  /** SELECT n, <LINE_COLUMNS> FROM numbers(ROWS): container lines ending at `endNs`. */
  readonly select: (endNs: bigint) => string;
}

/** RFC 3339 with nanoseconds, as the container runtime writes it, from a DateTime64(9, 'UTC'). */
const rfc3339 = (t: string): string => `concat(replaceOne(toString(${t}), ' ', 'T'), 'Z')`;

const WORKLOADS: readonly Workload[] = [
  {
    name: "loggen",
    description:
      "what the demo logs: 2 loggen pods ticking every 500 ms, pino lines {level 30, time, pid, hostname, count, random_number, random_string, msg 'tick'}",
    select: (endNs) => {
      const span = BigInt(Math.ceil(ROWS / 2)) * 500_000_000n;
      return `SELECT n, ${rfc3339("ts")} AS time, 'stdout' AS stream,
    concat('{"level":30,"time":', toString(toUnixTimestamp64Milli(ts)), ',"pid":1,"hostname":"', pod, '","count":', toString(intDiv(n, 2) + 1),
           ',"random_number":', toString(sipHash64(n, 2) % 101), ',"random_string":"',
           ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'][1 + sipHash64(n, 3) % 10], '","msg":"tick"}') AS log,
    concat('/var/log/pods/${NAMESPACE}_', pod, '_3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d0', toString(n % 2), '/loggen/0.log') AS file,
    'otel-demo' AS node
FROM (
    SELECT number AS n, concat('loggen-6f8b9c7d5-', ['x7k2p', 'm4q9z'][1 + n % 2]) AS pod,
        fromUnixTimestamp64Nano(toInt64(${endNs - span} + intDiv(n, 2) * 500000000 + (n % 2) * 1000003 + (sipHash64(n, 1) % 2000000)), 'UTC') AS ts
    FROM numbers(${ROWS})
)`;
    },
  },
  {
    name: "web services",
    description:
      "4 services (containers) at 100 lines/s in all, pino lines with 12 message templates (numbers, ids, IPs, quoted strings), levels 80/12/6/2% info/warn/error/debug, trace and span ids, and fields http.method (6 values), http.status_code (8), http.route (20), user_id (1,000), request_id (unique per line)",
    select: (endNs) => {
      const span = BigInt(ROWS) * 10_000_000n;
      return `SELECT n, ${rfc3339("ts")} AS time, 'stdout' AS stream,
    concat('{"level":', toString(level), ',"time":', toString(toUnixTimestamp64Milli(ts)), ',"msg":', toJSONString(body),
           ',"trace_id":"', lower(hex(sipHash128(n, 2))), '","span_id":"', substring(lower(hex(sipHash128(n, 3))), 1, 16),
           '","http.method":"', ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'][1 + n % 8],
           '","http.status_code":', ['200', '200', '200', '201', '204', '400', '404', '500'][1 + sipHash64(n, 6) % 8],
           ',"http.route":"/api/v1/route', toString(n % 20), '","user_id":"u', toString(sipHash64(n, 7) % 1000), '","request_id":"req-', toString(n), '"}') AS log,
    concat('/var/log/pods/shop_', service, '-7d9f8-', toString(n % 3), '_6c1a2b3d-0000-4000-8000-00000000000', toString(n % 4), '/', service, '/0.log') AS file,
    'node-1' AS node
FROM (
    SELECT number AS n,
        fromUnixTimestamp64Nano(toInt64(${endNs - span} + number * 10000000 + sipHash64(number, 8) % 5000000), 'UTC') AS ts,
        ['api', 'checkout', 'payments', 'search'][1 + n % 4] AS service,
        sipHash64(number, 4) % 100 AS sev,
        multiIf(sev < 80, 30, sev < 92, 40, sev < 98, 50, 20) AS level,
        sipHash64(number, 5) % 12 AS t,
        sipHash64(number, 9) % 900 + 3 AS d,
        concat('10.', toString(n % 7), '.', toString(intDiv(n, 7) % 256), '.', toString(n % 251)) AS ip,
        multiIf(
            t = 0, concat('GET /api/orders/', toString(n % 100000), ' took ', toString(d), 'ms'),
            t = 1, concat('POST /api/cart/', toString(n % 5000), '/items returned 201 in ', toString(d), 'ms'),
            t = 2, concat('payment ', toString(reinterpretAsUUID(sipHash128(n))), ' declined: "insufficient funds"'),
            t = 3, concat('connection from ', ip, ':', toString(40000 + n % 20000), ' reset by peer'),
            t = 4, concat('cache miss for key user:', toString(n % 1000), ' (', toString(d * 17), ' bytes)'),
            t = 5, concat('trace ', lower(hex(sipHash128(n, 1))), ' exported ', toString(d % 40), ' spans'),
            t = 6, concat('user ', toString(n % 1000), ' logged in from ', ip),
            t = 7, 'health check ok',
            t = 8, concat('retrying request ', toString(n), ' attempt ', toString(n % 5), ' of 5 after ', toString(d), 'ms'),
            t = 9, concat('slow query took ', toString(d / 10), 's: SELECT * FROM orders WHERE id = ', toString(n)),
            t = 10, concat('worker ', toString(n % 16), ' processed batch ', toString(n), ' (', toString(d), ' items)'),
            concat('config reloaded from \\'/etc/app/config-', toString(n % 3), '.yaml\\'')) AS body
    FROM numbers(${ROWS})
)`;
    },
  },
];

/** Which catalog tables and views a configuration creates: pairs from catalogStatements(). */
const CONFIGS: readonly { readonly name: string; readonly pairs: readonly number[] }[] = [
  { name: "without the catalog", pairs: [] },
  { name: "+ attributes view", pairs: [0] },
  { name: "+ patterns view", pairs: [1] },
  { name: "+ volume view", pairs: [2] },
  { name: "+ all three", pairs: [0, 1, 2] },
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const mib = (b: number): string => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x >= 0 ? "+" : ""}${pct(x)}`;

interface Sizes {
  readonly table: string;
  readonly rows: number;
  readonly bytes: number;
}

function sizes(session: Session): Sizes[] {
  return session
    .query(`SELECT table, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database = '${DATABASE}' GROUP BY table ORDER BY table`, "TSV")
    .trim()
    .split("\n")
    .map((l) => {
      const [table = "", rows = "0", bytes = "0"] = l.split("\t");
      return { table, rows: Number(rows), bytes: Number(bytes) };
    });
}

function main(): void {
  const started = performance.now();
  const ddl = ddlStatements(model);
  const logsDdl = ddl.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${LOGS}\n`));
  if (logsDdl === undefined) throw new Error(`no CREATE TABLE for ${LOGS} in gen/clickhouse/ddl.ts`);
  const catalog = catalogStatements(model, { ddl: logsDdl, ttlDays: model.settings.retention.logsDays, rollupTtlDays: model.settings.retention.rollupDays });
  // The generated schema without the catalog: otel_logs, the hourly rollup, the ingest table and view.
  const schema = ddl.filter((s) => !catalog.includes(s));
  if (schema.length !== ddl.length - catalog.length) throw new Error("the catalog's statements are not in ddlStatements()");
  const session = new Session();
  const version = session.query("SELECT version()", "TSV").trim();
  const cpu = cpus();
  console.log(`Catalog cost: chDB (ClickHouse ${version}, in-process), ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), Node ${process.version}.`);
  console.log(
    `Per workload: ${ROWS.toLocaleString("en-US")} container lines in ${Math.ceil(ROWS / BATCH)} INSERTs of ${BATCH.toLocaleString("en-US")} lines, FluentBit's statement (${insertQuery(INGEST)}, no HTTP), through the ingest view into ${LOGS}; per configuration the median of ${RUNS} run(s). Shares are of the INSERT without the catalog.`,
  );

  session.query(`CREATE DATABASE IF NOT EXISTS ${STAGING_DB}`);
  for (const w of WORKLOADS) {
    const endNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    session.query(`DROP TABLE IF EXISTS ${STAGING_DB}.staging SYNC`);
    session.query(`CREATE TABLE ${STAGING_DB}.staging ENGINE = MergeTree ORDER BY n AS ${w.select(endNs)}`);

    // The INSERT statements, made once: what FluentBit's http output posts.
    const inserts: string[] = [];
    for (let a = 0; a < ROWS; a += BATCH) {
      const json = session.query(`SELECT ${LINE_COLUMNS} FROM ${STAGING_DB}.staging WHERE n >= ${a} AND n < ${a + BATCH} ORDER BY n`, "JSONEachRow");
      inserts.push(`${insertQuery(INGEST)}\n${json}`);
    }
    const bytesPerRow = inserts.reduce((n, q) => n + q.length, 0) / ROWS;
    const exampleLine = session.query(`SELECT ${LINE_COLUMNS} FROM ${STAGING_DB}.staging WHERE n = 1`, "JSONEachRow").trim();

    const times = new Map<string, { wall: number[]; cpu: number[] }>();
    let merged: Sizes[] = [];
    let asInserted: Sizes[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A different order each run, so that a slow moment of the shared machine is spread.
      const order = CONFIGS.map((_, i) => CONFIGS[(i + run) % CONFIGS.length]).filter((c) => c !== undefined);
      for (const config of order) {
        session.query(`DROP DATABASE IF EXISTS ${DATABASE} SYNC`);
        for (const s of schema) session.query(s);
        for (const p of config.pairs) for (const s of catalog.slice(2 * p, 2 * p + 2)) session.query(s);
        let wall = 0;
        let cpu = 0;
        for (const q of inserts) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          session.query(q);
          wall += performance.now() - t0;
          const c = process.cpuUsage(c0);
          cpu += (c.user + c.system) / 1000;
        }
        const stored = Number(session.query(`SELECT count() FROM ${LOGS}`, "TSV").trim());
        if (stored !== ROWS) throw new Error(`${w.name}/${config.name}: ${stored} rows in ${LOGS}, expected ${ROWS}`);
        const t = times.get(config.name) ?? { wall: [], cpu: [] };
        t.wall.push(wall / 1000);
        t.cpu.push(cpu / 1000);
        times.set(config.name, t);
        if (config.pairs.length === 3 && run === RUNS - 1) {
          asInserted = sizes(session);
          for (const s of sizes(session)) session.query(`OPTIMIZE TABLE ${DATABASE}.${s.table} FINAL`);
          merged = sizes(session);
        }
      }
    }

    console.log(`\nWorkload "${w.name}": ${w.description}; ${Math.round(bytesPerRow)} bytes per line as FluentBit posts it, e.g.\n  ${exampleLine}`);
    const wallOf = (name: string | undefined): number => median(times.get(name ?? "")?.wall ?? []);
    const cpuOf = (name: string | undefined): number => median(times.get(name ?? "")?.cpu ?? []);
    const baseWall = wallOf(CONFIGS[0]?.name);
    const baseCpu = cpuOf(CONFIGS[0]?.name);
    console.log(
      `  INSERT without the catalog: ${baseWall.toFixed(2)} s wall (${Math.round(ROWS / baseWall).toLocaleString("en-US")} rows/s), ${baseCpu.toFixed(2)} CPU-s (${((baseCpu / ROWS) * 1e6).toFixed(2)} µs per row)`,
    );
    for (const c of CONFIGS.slice(1)) {
      const wall = wallOf(c.name);
      const cpu = cpuOf(c.name);
      console.log(
        `  ${c.name.padEnd(19)} CPU ${signed((cpu - baseCpu) / baseCpu).padStart(6)} (${(((cpu - baseCpu) / ROWS) * 1e6).toFixed(2)} µs per row more), wall ${signed((wall - baseWall) / baseWall).padStart(6)} (${wall.toFixed(2)} s)`,
      );
    }
    for (const [label, list] of [
      ["as inserted", asInserted],
      ["after OPTIMIZE FINAL", merged],
    ] as const) {
      const logs = list.find((s) => `${DATABASE}.${s.table}` === LOGS);
      const logsBytes = logs?.bytes ?? NaN;
      const others = list.filter((s) => catalog.some((c) => c.startsWith(`CREATE TABLE IF NOT EXISTS ${DATABASE}.${s.table}\n`)));
      const total = others.reduce((n, s) => n + s.bytes, 0);
      console.log(`  bytes on disk ${label}: ${LOGS} ${mib(logsBytes)} (${(logsBytes / ROWS).toFixed(2)} B/row); catalog ${mib(total)} = ${pct(total / logsBytes)} of it`);
      for (const s of others) console.log(`    ${s.table.padEnd(18)} ${mib(s.bytes).padStart(11)}  ${pct(s.bytes / logsBytes).padStart(6)}  ${s.rows.toLocaleString("en-US")} rows`);
    }
  }

  // The distinct-values estimate against the truth, on ids like request ids.
  const errors = [EXACT_DISTINCT_UP_TO, EXACT_DISTINCT_UP_TO + 1, 10_000, 100_000, 1_000_000].map((n) => {
    const estimate = Number(session.query(`SELECT uniqCombined64(${CARDINALITY_PRECISION})(concat('req-', toString(number))) FROM numbers(${n})`, "TSV").trim());
    return `${n.toLocaleString("en-US")}: ${estimate === n ? "exact" : signed(estimate / n - 1)}`;
  });
  console.log(
    `\nDistinct values (uniqCombined64(${CARDINALITY_PRECISION}), exact up to ${EXACT_DISTINCT_UP_TO.toLocaleString("en-US")}, standard error ${pct(DISTINCT_STANDARD_ERROR)} above): estimate vs truth for n distinct ids: ${errors.join(", ")}.`,
  );
  session.close();
  console.log(`\nBenchmark runtime: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

main();
