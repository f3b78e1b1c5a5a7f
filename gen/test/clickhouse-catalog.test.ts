// The catalog ("know your data") on the real ClickHouse engine (chDB): a workload whose answers
// are known (gen/test/catalog-workload.ts) goes into otel_logs in several inserts; the
// materialized views' tables must give exactly those answers, and the same answers as the
// same questions asked of otel_logs directly, before and after OPTIMIZE ... FINAL, after a
// restart, and when a block is inserted twice and deduplicated (also behind the ingest view,
// as FluentBit inserts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { Session } from "chdb";
import {
  attributesQuery,
  catalogObjects,
  catalogStatements,
  dedupWindowOf,
  EXACT_DISTINCT_UP_TO,
  PATTERN_CHARS,
  patternExpression,
  patternsQuery,
  sqlString,
  volumeQuery,
  type ReportFilters,
} from "../clickhouse/catalog.ts";
import { DEDUPLICATION_WINDOW, ddlStatements } from "../clickhouse/ddl.ts";
import { tables } from "../clickhouse/tables.ts";
import { insertQuery } from "../fluentbit/config.ts";
import { loadModel } from "../model/model.ts";
import { chdbNowMs } from "./engine-clock.ts";
import { FAMILIES, hoursAgo, knownAttributes, knownVolume, workload, type LogRow } from "./catalog-workload.ts";

const model = loadModel(resolve(import.meta.dirname, "../.."));
const { names } = model;
const DATABASE = names.database;
const { logs: LOGS, attributes: ATTRIBUTES, patterns: PATTERNS, volume: VOLUME, ingest: INGEST } = tables(names);
const CATALOG_OBJECTS = catalogObjects(names);
const dir = mkdtempSync(join(tmpdir(), "catalog-test-"));
let session: Session;
const q = (sql: string): string => session.query(sql, "TSV").trim();
const json = <T = Record<string, unknown>>(sql: string): T[] =>
  session
    .query(sql, "JSONEachRow")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as T);

function insert(rows: readonly LogRow[], settings = ""): void {
  session.query(`INSERT INTO ${LOGS} ${settings} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join("\n")}`);
}

// Three whole hours of data ending an hour ago (inside otel_logs' TTL).
// On the engine's clock (gen/test/engine-clock.ts), read before any session opens.
const NOW = chdbNowMs();
const FIRST_HOUR = hoursAgo(3, NOW);
/** --since that starts the window at the workload's hour `offset`, whenever the test runs (half an hour of margin). */
const since = (offset: number): number => Math.floor((NOW - FIRST_HOUR - (offset + 0.5) * 3_600_000) / 1000);
const rows = workload(FIRST_HOUR);
const known = knownAttributes(rows);

interface AttributeAnswer {
  scope: string;
  key: string;
  distinct_values: number;
  rows: number;
  value_bytes: number;
  top_values: string[];
  services: string[];
  first_seen: string;
  last_seen: string;
}

const CATALOG_TABLES = [ATTRIBUTES, PATTERNS, VOLUME];
const byKey = <T extends { scope: string; key: string }>(list: readonly T[]): Map<string, T> => new Map(list.map((a) => [`${a.scope} ${a.key}`, a]));

describe("the catalog on chDB", () => {
  before(() => {
    session = new Session(dir);
    // Twice: the startup scripts run on every server start against the same volume.
    for (let i = 0; i < 2; i++) for (const stmt of ddlStatements(model)) session.query(stmt);
    // Seven inserts of unequal size, merges held back: many parts, each with partial aggregate states.
    for (const t of [LOGS, ATTRIBUTES, PATTERNS, VOLUME]) session.query(`SYSTEM STOP MERGES ${t}`);
    const cuts = [0, 1000, 4000, 4100, 9000, 15000, 21000, rows.length];
    for (let i = 0; i + 1 < cuts.length; i++) insert(rows.slice(cuts[i], cuts[i + 1]));
  });
  after(() => {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates its tables and views next to otel_logs, each view reading otel_logs", () => {
    const tables = q(`SELECT name FROM system.tables WHERE database = '${DATABASE}' ORDER BY name`).split("\n");
    for (const name of CATALOG_OBJECTS) assert.ok(tables.includes(name), `missing ${name}`);
    const views = json<{ name: string; as_select: string }>(`SELECT name, as_select FROM system.tables WHERE database = '${DATABASE}' AND engine = 'MaterializedView' AND name IN (${CATALOG_OBJECTS.map(sqlString).join(", ")})`);
    assert.equal(views.length, 3);
    for (const v of views) assert.match(v.as_select, new RegExp(`FROM ${LOGS.replace(".", "\\.")}\\b`), v.name);
  });

  it("keeps the catalog as long as otel_logs keeps rows, and the volume as long as the hourly rollup", () => {
    const ttl = (t: string): string => q(`SELECT engine_full FROM system.tables WHERE database = '${DATABASE}' AND name = '${t.split(".")[1]}'`);
    assert.match(ttl(ATTRIBUTES), new RegExp(`toIntervalDay\\(${model.settings.retention.logsDays}\\)`));
    assert.match(ttl(PATTERNS), new RegExp(`toIntervalDay\\(${model.settings.retention.logsDays}\\)`));
    assert.match(ttl(VOLUME), new RegExp(`toIntervalDay\\(${model.settings.retention.rollupDays}\\)`));
  });

  it("masks numbers, hex ids, UUIDs, IPs and quoted strings, and leaves words with digits alone", () => {
    const cases: [string, string][] = [
      ["GET /api/users/12345 took 35ms", "GET /api/users/<num> took <num>ms"],
      ["user \"alice\" can't open 'a b.txt' (code 'E42')", "user <str> can't open <str> (code <str>)"],
      ["id 3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d00 done", "id <uuid> done"],
      ["from 10.1.2.3:8080 and [2001:db8::ff00:42:8329] or fe80:0:0:0:0:0:0:1", "from <ip>:<num> and [<ip>] or <ip>"],
      ["trace 4bf92f3577b34da6a3ce929d0e0e4736 span 0123456789012345 at 0x7ffd", "trace <hex> span <hex> at <hex>"],
      ["k8s v2 user123 http2 took 1.5s, -3 left, ratio 0.25", "k8s v2 user123 http2 took <num>s, -<num> left, ratio <num>"],
      ["at 12:30:45 on 2026-05-01", "at <num>:<num>:<num> on <num>-<num>-<num>"],
      ["tick", "tick"],
    ];
    const got = json<{ p: string }>(`SELECT ${patternExpression("b")} AS p FROM (SELECT arrayJoin([${cases.map(([m]) => sqlString(m)).join(", ")}]) AS b)`);
    assert.deepEqual(
      got.map((r) => r.p),
      cases.map(([, p]) => p),
    );
  });

  it("stores the whole workload", () => {
    assert.equal(q(`SELECT count() FROM ${LOGS}`), String(rows.length));
    assert.equal(rows.length, 21_650);
  });

  const checks = (label: string): void => {
    describe(label, () => {
      it("attributes: exact distinct values, rows, bytes, services, first/last seen, and the top values", () => {
        const got = byKey(json<AttributeAnswer>(attributesQuery(names, {})));
        assert.equal(got.size, known.length);
        for (const k of known) {
          const a = got.get(`${k.scope} ${k.key}`);
          assert.ok(a, `${k.scope} ${k.key} missing`);
          const what = `${k.scope} ${k.key}`;
          if (k.distinct <= EXACT_DISTINCT_UP_TO) assert.equal(a.distinct_values, k.distinct, what);
          else assert.ok(Math.abs(a.distinct_values / k.distinct - 1) < 0.02, `${what}: estimate ${a.distinct_values} vs ${k.distinct}`);
          assert.equal(a.rows, k.rows, what);
          assert.equal(a.value_bytes, k.valueBytes, what);
          assert.deepEqual(a.services, k.services, what);
          assert.equal(a.first_seen, k.firstSeen, what);
          assert.equal(a.last_seen, k.lastSeen, what);
          // Every value the top five name is a value of the key; with five or fewer, all of them.
          for (const v of a.top_values) assert.ok(k.counts.has(v), `${what}: ${v}`);
          if (k.counts.size <= 5) assert.deepEqual([...a.top_values].sort(), [...k.counts.keys()].sort(), what);
        }
        // The literal answers, so that a wrong count above cannot hide behind a wrong expectation.
        const g = (key: string, scope = "LogAttributes"): AttributeAnswer | undefined => got.get(`${scope} ${key}`);
        assert.equal(g("user_id")?.distinct_values, 37);
        const request_id = g("request_id")?.distinct_values ?? 0; // 1,260: just past the exact set
        assert.ok(request_id > EXACT_DISTINCT_UP_TO && Math.abs(request_id - 1260) <= 25, String(request_id));
        assert.deepEqual(g("http.method")?.top_values, ["GET", "POST", "PUT", "DELETE", "PATCH"]);
        assert.equal(g("http.method")?.rows, 1260);
        assert.equal(g("k8s.pod.name", "ResourceAttributes")?.distinct_values, 7);
        assert.deepEqual(g("service.name", "ResourceAttributes")?.services, ["checkout", "loggen", "payments"]);
        const session_id = g("session_id")?.distinct_values ?? 0;
        assert.ok(session_id > EXACT_DISTINCT_UP_TO && Math.abs(session_id - 20_000) <= 400, String(session_id));
        // Sorted by distinct values: the estimated key first.
        assert.equal(json<AttributeAnswer>(attributesQuery(names, {}))[0]?.key, "session_id");
      });

      it("attributes: the catalog answers what uniqExact over otel_logs answers", () => {
        for (const filters of [{}, { sinceSeconds: since(1) }, { service: "payments" }] satisfies ReportFilters[]) {
          const catalog = json<AttributeAnswer>(attributesQuery(names, filters));
          const direct = byKey(json<AttributeAnswer>(attributesQuery(names, filters, true)));
          assert.equal(catalog.length, direct.size, JSON.stringify(filters));
          for (const c of catalog) {
            const d = direct.get(`${c.scope} ${c.key}`);
            assert.ok(d, c.key);
            const { distinct_values: cd, top_values: ct, ...cRest } = c;
            const { distinct_values: dd, top_values: dt, ...dRest } = d;
            assert.deepEqual(cRest, dRest, `${JSON.stringify(filters)} ${c.key}`);
            if (dd <= EXACT_DISTINCT_UP_TO) assert.equal(cd, dd, c.key);
            else assert.ok(Math.abs(cd / dd - 1) < 0.02, `${c.key}: ${cd} vs ${dd}`);
            if (c.key === "http.method") assert.deepEqual(ct, dt);
          }
        }
      });

      it("patterns: each family's template with its rows, services and severities", () => {
        const got = json<{ pattern: string; rows: number; services: string[]; severities: Record<string, number>; example: string }>(patternsQuery(names, {}, 100));
        assert.deepEqual(
          got.map((p) => [p.pattern, p.rows, p.services, p.severities]),
          [...FAMILIES].sort((a, b) => b.rows - a.rows).map((f) => [f.pattern, f.rows, [f.service], { [f.severity]: f.rows }]),
        );
        for (const p of got) {
          const f = FAMILIES.find((x) => x.pattern === p.pattern);
          assert.ok(f !== undefined && rows.some((r) => r.Body === p.example && r.ServiceName === f.service), p.example);
        }
        // Filters: the error templates of payments in the last two hours.
        assert.deepEqual(
          json<{ pattern: string; rows: number }>(patternsQuery(names, { severity: "error", service: "payments", sinceSeconds: since(1) }, 10)).map((p) => [p.pattern, p.rows]),
          [["payment <uuid> declined: <str>", 300]],
        );
        assert.equal(json(patternsQuery(names, {}, 2)).length, 2);
      });

      it("patterns: the same templates and counts as masking otel_logs' bodies directly", () => {
        const window = since(1);
        const catalog = json(patternsQuery(names, { sinceSeconds: window }, 1000));
        const direct = json(`SELECT pattern, sum(severity_rows) AS rows, arraySort(groupUniqArrayArray(severity_services)) AS services,
            CAST((groupArray(severity), groupArray(severity_rows)), 'Map(String, UInt64)') AS severities
          FROM (SELECT ${patternExpression(`substringUTF8(Body, 1, ${PATTERN_CHARS})`)} AS pattern, SeverityText AS severity, count() AS severity_rows,
                       groupUniqArray(ServiceName) AS severity_services
                FROM ${LOGS} WHERE Timestamp >= toStartOfHour(now() - toIntervalSecond(${window})) GROUP BY pattern, severity)
          GROUP BY pattern ORDER BY rows DESC, pattern`);
        assert.deepEqual(
          catalog.map(({ pattern, rows, services, severities }) => ({ pattern, rows, services, severities })),
          direct,
        );
      });

      it("volume: rows and Body bytes per hour, service and severity", () => {
        const got = json<{ hour: string; service: string; severity: string; rows: number; body_bytes: number }>(volumeQuery(names, {}));
        const expected = knownVolume(rows);
        assert.deepEqual(
          got.map((v) => [v.hour, v.service, v.severity, v.rows, v.body_bytes]).sort(),
          expected.map((v) => [v.hour, v.service, v.severity, v.rows, v.bodyBytes]).sort(),
        );
        assert.equal(got.length, 10); // checkout 3 INFO + 1 DEBUG, payments 2 ERROR + 1 WARN, loggen 3 INFO
        const window = since(1);
        const direct = json(`SELECT toStartOfHour(Timestamp) AS hour, ServiceName AS service, SeverityText AS severity, count() AS rows, sum(length(Body)) AS body_bytes
          FROM ${LOGS} WHERE Timestamp >= toStartOfHour(now() - toIntervalSecond(${window})) AND upper(SeverityText) = 'INFO'
          GROUP BY hour, service, SeverityNumber, severity ORDER BY hour, service, SeverityNumber, severity`);
        assert.deepEqual(json(volumeQuery(names, { sinceSeconds: window, severity: "info" })), direct);
        assert.equal(direct.length, 4);
      });
    });
  };

  checks("as inserted (many parts)");

  describe("after OPTIMIZE ... FINAL", () => {
    before(() => {
      const parts = (t: string): number => Number(q(`SELECT count() FROM system.parts WHERE database = '${DATABASE}' AND table = '${t.split(".")[1]}' AND active`));
      for (const t of [ATTRIBUTES, PATTERNS, VOLUME]) assert.ok(parts(t) >= 7, `${t}: ${parts(t)} parts before OPTIMIZE`);
      for (const t of [LOGS, ATTRIBUTES, PATTERNS, VOLUME]) {
        session.query(`SYSTEM START MERGES ${t}`);
        session.query(`OPTIMIZE TABLE ${t} FINAL`);
        assert.equal(parts(t) <= 3, true, `${t}: ${parts(t)} parts after OPTIMIZE FINAL`); // one per partition (day or month)
      }
    });
    checks("merged");
  });

  describe("after a restart (a new chDB session on the same data directory)", () => {
    before(() => {
      session.close();
      session = new Session(dir);
    });
    checks("restarted");
  });
});

describe("the catalog when a block reaches otel_logs twice", () => {
  const logsDdl = ddlStatements(model).find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${LOGS}\n`)) ?? "";
  // otel_logs as generated, with its deduplication window replaced by `window` (0: none).
  const statements = (window: number): string[] => {
    const without = logsDdl.replace(/,?\s*non_replicated_deduplication_window\s*=\s*\d+/, "");
    const ddl = window === 0 ? without : without.replace(/\nSETTINGS /, `\nSETTINGS non_replicated_deduplication_window = ${window}, `);
    return [`CREATE DATABASE IF NOT EXISTS ${DATABASE}`, ddl, ...catalogStatements(model, { ddl, ttlDays: model.settings.retention.logsDays, rollupTtlDays: model.settings.retention.rollupDays })];
  };
  // Observed on chDB 26.7: the first insert into a just-created table is not remembered for
  // deduplication (the second is). So one other block goes first, through every view.
  const first = rows.filter((r) => r.SeverityText === "WARN");
  const block = rows.filter((r) => r.SeverityText === "ERROR");
  const dedupDir = mkdtempSync(join(tmpdir(), "catalog-dedup-"));
  before(() => (session = new Session(dedupDir)));
  after(() => {
    session.close();
    rmSync(dedupDir, { recursive: true, force: true });
  });

  it("copies otel_logs' deduplication window, and none when otel_logs has none", () => {
    assert.match(logsDdl, /ENGINE = MergeTree/);
    assert.equal(dedupWindowOf(logsDdl), DEDUPLICATION_WINDOW);
    const generated = ddlStatements(model).filter((s) => CATALOG_TABLES.some((t) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${t}\n`)));
    assert.equal(generated.length, 3);
    for (const s of generated) assert.match(s, new RegExp(`non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`));
    assert.equal(dedupWindowOf(statements(0)[1] ?? ""), 0);
    for (const s of statements(0).slice(2)) assert.doesNotMatch(s, /deduplication_window/);
    assert.equal(dedupWindowOf(statements(100)[1] ?? ""), 100);
    const tables = statements(100).filter((s) => s.startsWith("CREATE TABLE") && !s.startsWith(`CREATE TABLE IF NOT EXISTS ${LOGS}\n`));
    assert.equal(tables.length, 3);
    for (const s of tables) assert.match(s, /non_replicated_deduplication_window = 100/);
  });

  for (const window of [100, 0]) {
    it(`counts what otel_logs holds (window ${window}: ${window > 0 ? "the repeat is dropped everywhere" : "both copies are kept everywhere"})`, () => {
      session.query(`DROP DATABASE IF EXISTS ${DATABASE} SYNC`);
      for (const stmt of statements(window)) session.query(stmt);
      const settings = "SETTINGS insert_deduplicate = 1, deduplicate_blocks_in_dependent_materialized_views = 1";
      insert(first, settings);
      insert(block, settings);
      insert(block, settings);
      const stored = Number(q(`SELECT count() FROM ${LOGS}`));
      assert.equal(stored, first.length + (window > 0 ? 1 : 2) * block.length);
      // Top values are compared where they are all the values (ties order the rest arbitrarily).
      const comparable = (list: AttributeAnswer[]): object[] =>
        list.map(({ top_values, ...a }) => ({ ...a, top_values: a.distinct_values <= 5 ? [...top_values].sort() : "ties" }));
      assert.deepEqual(comparable(json<AttributeAnswer>(attributesQuery(names, {}))), comparable(json<AttributeAnswer>(attributesQuery(names, {}, true))));
      assert.equal(json<{ rows: number }>(volumeQuery(names, {})).reduce((s, v) => s + v.rows, 0), stored);
      assert.equal(json<{ rows: number }>(patternsQuery(names, {}, 10)).reduce((s, p) => s + p.rows, 0), stored);
    });
  }
});

describe("the catalog behind the ingest view, as FluentBit inserts (the generated schema)", () => {
  const ingestDir = mkdtempSync(join(tmpdir(), "catalog-ingest-"));
  before(() => {
    session = new Session(ingestDir);
    for (const stmt of ddlStatements(model)) session.query(stmt);
  });
  after(() => {
    session.close();
    rmSync(ingestDir, { recursive: true, force: true });
  });

  it("counts a chunk FluentBit sends twice once, like otel_logs, and equal chunks at other times twice", () => {
    const hour = hoursAgo(1, NOW);
    // One container line as FluentBit posts it (gen/fluentbit/config.ts: insertQuery).
    const line = (i: number, second: number): string =>
      JSON.stringify({
        time: `${new Date(hour + second * 1000).toISOString().slice(0, 19)}.123456789Z`,
        stream: "stdout",
        log: JSON.stringify({ level: i % 5 === 0 ? 50 : 30, time: hour + second * 1000, pid: 1, hostname: "loggen-x7k2p", req: `r${i}`, msg: `request ${i} took ${i % 50}ms` }),
        file: "/var/log/pods/otel-demo_loggen-6f8b9c7d5-x7k2p_3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d00/loggen/0.log",
        node: "otel-demo",
      });
    const chunk = (first: number, second0: number): string => `${insertQuery(INGEST)}\n${Array.from({ length: 50 }, (_, k) => line(first + k, second0 + k)).join("\n")}`;
    session.query(chunk(0, 0)); // the first insert into a new table is not remembered for deduplication (see above)
    session.query(chunk(100, 100));
    session.query(chunk(100, 100)); // the same chunk again: a retry
    session.query(chunk(100, 200)); // the same lines read again later: other times, other rows
    const stored = Number(q(`SELECT count() FROM ${LOGS}`));
    assert.equal(stored, 150);
    const comparable = (list: AttributeAnswer[]): object[] =>
      list.map(({ top_values, ...a }) => ({ ...a, top_values: a.distinct_values <= 5 ? [...top_values].sort() : "ties" }));
    assert.deepEqual(comparable(json<AttributeAnswer>(attributesQuery(names, {}))), comparable(json<AttributeAnswer>(attributesQuery(names, {}, true))));
    assert.equal(json<AttributeAnswer>(attributesQuery(names, {})).find((a) => a.key === "req")?.distinct_values, 100);
    assert.deepEqual(
      json<{ severity: string; rows: number }>(volumeQuery(names, {})).map((v) => [v.severity, v.rows]),
      [
        ["INFO", 120],
        ["ERROR", 30],
      ],
    );
    assert.deepEqual(
      json<{ pattern: string; rows: number; severities: Record<string, number> }>(patternsQuery(names, {}, 10)).map((p) => [p.pattern, p.rows, p.severities]),
      [["request <num> took <num>ms", 150, { ERROR: 30, INFO: 120 }]],
    );
  });
});
