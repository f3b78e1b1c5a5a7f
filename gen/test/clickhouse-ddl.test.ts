// The generated schema on the real ClickHouse engine (chDB): it applies twice, parses
// the transform's timestamps as UTC, answers HyperDX's search SQL, keeps the hourly
// rollup exact, and every skip index is used by the query it is there for.
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { Session } from "chdb";
import { loadModel } from "../model/model.ts";
import { schemaProbeQuery } from "../clickhouse/readiness.ts";
import { ddlStatements, exampleQueries, hourlyQuery, initSql } from "../clickhouse/ddl.ts";
import { catalogObjects } from "../clickhouse/catalog.ts";
import { tables } from "../clickhouse/tables.ts";

const model = loadModel(resolve(import.meta.dirname, "../.."));
const { names } = model;
const { database: DATABASE, logsTable: LOGS_TABLE } = names;
const LOGS = tables(names).logs;
let session: Session;
const q = (sql: string): string => session.query(sql, "TSV").trim();

/** "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" (UTC) for an epoch in ns, as otel_logs prints it. */
function chTime(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  return `${base}.${String(ns % 1_000_000_000n).padStart(9, "0")}`;
}

function insert(rows: Record<string, unknown>[]): void {
  session.query(`INSERT INTO ${LOGS} SETTINGS input_format_skip_unknown_fields = 0 FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join("\n")}`);
}

describe("otel_logs DDL on chDB", () => {
  before(() => {
    session = new Session();
    // Twice: the startup scripts run on every server start against the same volume.
    for (let i = 0; i < 2; i++) for (const stmt of ddlStatements(model)) session.query(stmt);
  });
  after(() => session.close());

  it("creates the database, tables and views named in names.json, idempotently", () => {
    assert.equal(
      q(`SELECT name FROM system.tables WHERE database = '${DATABASE}' ORDER BY name`),
      [LOGS_TABLE, names.hourlyTable, names.hourlyView, names.ingestTable, names.ingestView, names.otlpIngestTable, names.otlpIngestView, ...catalogObjects(names)].sort().join("\n"),
    );
    for (const stmt of ddlStatements(model)) assert.match(stmt, /^CREATE (DATABASE|TABLE|MATERIALIZED VIEW) IF NOT EXISTS /);
    // sql/init.sql is the same schema as one script (clickhouse client --multiquery < sql/init.sql).
    assert.ok(initSql(model).includes(ddlStatements(model)[1] ?? "missing"));
    session.query(initSql(model));
  });

  it("the readiness probe's query answers on the schema and fails when part of it is missing", () => {
    assert.equal(q(schemaProbeQuery(names)), "");
    // The same schema in another database, but for the ingest view (a failed startup script).
    const other = (sql: string): string => sql.replaceAll(`${DATABASE}.`, "probe_copy.").replace(`DATABASE IF NOT EXISTS ${DATABASE}`, "DATABASE IF NOT EXISTS probe_copy");
    for (const stmt of ddlStatements(model).filter((st) => !st.includes(names.ingestView) && !st.includes(names.otlpIngestView))) session.query(other(stmt));
    assert.throws(() => session.query(other(schemaProbeQuery(names))), /UNKNOWN_TABLE|does not exist/);
    session.query("DROP DATABASE probe_copy SYNC");
  });

  it("has the columns HyperDX needs to detect an OTel log table, and the row contract's columns", () => {
    const cols = new Set(q(`SELECT name FROM system.columns WHERE database = '${DATABASE}' AND table = '${LOGS_TABLE}'`).split("\n"));
    for (const c of ["Timestamp", "Body", "SeverityText", "TraceId", "SpanId", "ServiceName", "LogAttributes", "ResourceAttributes"]) {
      assert.ok(cols.has(c), `missing ${c}`);
    }
    assert.equal(q(`SELECT engine_full LIKE '%ttl_only_drop_parts = 1%' AND engine_full LIKE '%TTL toDateTime(Timestamp) + toIntervalDay(7)%' FROM system.tables WHERE database = '${DATABASE}' AND name = '${LOGS_TABLE}'`), "1");
  });

  it("reads a timestamp as UTC whatever the session timezone, with all 9 digits", () => {
    const ns = BigInt(Date.now() - 3_600_000) * 1_000_000n + 123_456n;
    session.query("SET session_timezone = 'Asia/Kolkata'");
    try {
      insert([{ Timestamp: chTime(ns), Body: "tz probe", ServiceName: "tz-test" }]);
      assert.equal(q(`SELECT toUnixTimestamp64Nano(Timestamp) FROM ${LOGS} WHERE ServiceName = 'tz-test'`), ns.toString());
    } finally {
      session.query("SET session_timezone = ''");
    }
  });

  it("fills the demo columns' DEFAULTs when the transform leaves them out", () => {
    insert([{ Timestamp: chTime(BigInt(Date.now()) * 1_000_000n), Body: "not a tick", ServiceName: "defaults-test" }]);
    assert.equal(q(`SELECT RandomNumber IS NULL, RandomString, Count FROM ${LOGS} WHERE ServiceName = 'defaults-test'`), "1\t\t0");
  });

  it("refuses a key that is not a column (ALIAS columns included), so schema drift fails loudly", () => {
    const row = { Timestamp: chTime(BigInt(Date.now()) * 1_000_000n), Body: "x" };
    assert.throws(() => insert([{ ...row, random_numbr: 1 }]), /random_numbr|Unknown field/i);
    assert.throws(() => insert([{ ...row, random_number: 1 }]), /random_number|ALIAS|Unknown field/i);
  });

  it("answers the SQL HyperDX generates for `random_number:42 random_string:gamma`", () => {
    const t = BigInt(Date.now() - 60_000) * 1_000_000n;
    const rows = [
      { n: 42, s: "gamma" },
      { n: 42, s: "beta" },
      { n: 7, s: "gamma" },
      { n: 42, s: "gamma" },
    ].map((r, i) => ({ Timestamp: chTime(t + BigInt(i)), Body: "tick", ServiceName: "search-test", RandomNumber: r.n, RandomString: r.s, Count: i + 1 }));
    insert(rows);
    // Shape from hyperdxio/hyperdx packages/common-utils/src/queryParser.ts: an unquoted
    // term on a Number column is `= CAST(term, 'Float64')`, on a String column ILIKE '%term%';
    // a quoted term on a String column is `=`.
    const where = "(random_number = CAST('42', 'Float64')) AND (random_string ILIKE '%gamma%')";
    assert.equal(q(`SELECT count() FROM ${LOGS} WHERE ServiceName = 'search-test' AND ${where}`), "2");
    assert.equal(q(`SELECT count() FROM ${LOGS} WHERE ServiceName = 'search-test' AND random_string = 'gamma'`), "3");
    // DESCRIBE is how HyperDX learns the types: numeric and string, so it picks those operators.
    const described = q(`DESCRIBE ${LOGS}`).split("\n").map((l) => l.split("\t"));
    assert.deepEqual(described.find((c) => c[0] === "random_number")?.slice(1, 3), ["Nullable(Int32)", "ALIAS"]);
    assert.deepEqual(described.find((c) => c[0] === "random_string")?.slice(1, 3), ["LowCardinality(String)", "ALIAS"]);
  });

  it("keeps the hourly rollup equal to a GROUP BY over the rows, across parts", () => {
    const hour = BigInt(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000) * 1_000_000n;
    const mk = (i: number, n: number | null, s: string): Record<string, unknown> => ({
      Timestamp: chTime(hour + BigInt(i) * 60_000_000_000n),
      Body: "tick",
      ServiceName: "rollup-test",
      ...(n === null ? {} : { RandomNumber: n }),
      RandomString: s,
    });
    // Two inserts = two parts whose partial states must merge (avg of avgs would be wrong).
    insert([mk(0, 10, "alpha"), mk(1, 20, "alpha"), mk(2, 30, "alpha")]);
    insert([mk(3, 100, "alpha"), mk(4, null, "alpha"), mk(5, 5, "beta"), mk(70, 50, "alpha")]);
    const rollup = q(`SELECT * FROM (${hourlyQuery(names)}) WHERE ServiceName = 'rollup-test'`);
    const direct = q(`SELECT toStartOfHour(Timestamp) AS Hour, ServiceName, RandomString, count(), avg(RandomNumber), min(RandomNumber), max(RandomNumber)
      FROM ${LOGS} WHERE ServiceName = 'rollup-test' GROUP BY Hour, ServiceName, RandomString ORDER BY Hour, ServiceName, RandomString`);
    assert.equal(rollup, direct);
    assert.match(rollup, /\talpha\t5\t40\t10\t100$/m); // 5 rows, NULL skipped by avg: (10+20+30+100)/4
  });

  describe("skip indexes drop granules for the query each one is there for", () => {
    before(() => {
      // Enough rows for many granules: two pods, one hour of 50 ms ticks.
      const start = BigInt(Date.now() - 7_200_000) * 1_000_000n;
      session.query(`INSERT INTO ${LOGS} (Timestamp, ServiceName, Body, ResourceAttributes, RandomNumber, RandomString, Count)
        SELECT fromUnixTimestamp64Nano(toInt64(${start} + number * 50000000), 'UTC'), 'index-test',
               if(number = 77777, 'needle in the haystack', 'tick'),
               map('k8s.pod.name', concat('pod-', toString(intDiv(number, 30000)))), number % 101, 'alpha', number + 1
        FROM numbers(120000)`);
      session.query(`OPTIMIZE TABLE ${LOGS} FINAL`);
    });

    const granules = (where: string, index: string): { initial: number; selected: number } => {
      const plan = q(`EXPLAIN indexes = 1 SELECT count() FROM ${LOGS} WHERE ${where} SETTINGS use_query_condition_cache = 0`);
      const at = plan.indexOf(`Name: ${index}`);
      assert.ok(at >= 0, `index ${index} not used for ${where}:\n${plan}`);
      const m = /Granules: (\d+)\/(\d+)/.exec(plan.slice(at));
      assert.ok(m, plan);
      return { selected: Number(m[1]), initial: Number(m[2]) };
    };

    it("idx_trace_id: HyperDX's trace view, WHERE TraceId = '<id>'", () => {
      const g = granules("TraceId = '4bf92f3577b34da6a3ce929d0e0e4736'", "idx_trace_id");
      assert.ok(g.initial > 10 && g.selected === 0, JSON.stringify(g));
    });
    it("idx_res_attr_value: a pod filter, ResourceAttributes['k8s.pod.name'] = '<pod>'", () => {
      const g = granules("ResourceAttributes['k8s.pod.name'] = 'pod-does-not-exist'", "idx_res_attr_value");
      assert.ok(g.initial > 10 && g.selected === 0, JSON.stringify(g));
    });
    it("idx_lower_body: HyperDX's bare-text search, hasToken(lower(Body), lower('<term>'))", () => {
      const g = granules("hasToken(lower(Body), lower('needle'))", "idx_lower_body");
      assert.ok(g.selected < g.initial && g.selected >= 1, JSON.stringify(g));
      assert.equal(q(`SELECT count() FROM ${LOGS} WHERE hasToken(lower(Body), lower('needle'))`), "1");
    });
    it("the per_minute projection answers the design's per-minute series", () => {
      const plan = q(`EXPLAIN ${exampleQueries(names).perMinute}`);
      assert.match(plan, /per_minute/);
    });
  });
});
