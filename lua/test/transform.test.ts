// lua/transform.lua on real LuaJIT, called as FluentBit calls it, and every row it
// emits INSERTed into the generated otel_logs on the real ClickHouse engine (chDB).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { Session } from "chdb";
import { ddlStatements } from "../../gen/clickhouse/ddl.ts";
import { insertQuery } from "../../gen/fluentbit/config.ts";
import { loadModel } from "../../gen/model/model.ts";
import { DATABASE, LOGS_TABLE } from "../../gen/model/names.ts";
import { bytes, haveLuajit, LUAJIT, nowTs, ROOT, runCases, TRANSFORM, type Case, type CaseValue, type Result, type Row } from "./run-harness.ts";

const TABLE = `${DATABASE}.${LOGS_TABLE}`;
/** The latest time the transform passes on (lua/transform.lua M.MAX_SECONDS). */
const MAX_SECONDS = 4_294_967_295 - 8 * 86_400;
const skip = haveLuajit() ? false : `luajit not found (PATH or LUAJIT)`;
if (skip) console.log("SKIP: lua transform tests need luajit (Debian package luajit, or set LUAJIT)");

let session: Session;
before(() => {
  session = new Session();
  for (const statement of ddlStatements(loadModel(ROOT))) session.query(statement);
});
after(() => session.cleanup());

const columns = (): { name: string; type: string; kind: string }[] =>
  session
    .query(`SELECT name, type, default_kind AS kind FROM system.columns WHERE database = '${DATABASE}' AND table = '${LOGS_TABLE}' FORMAT JSONEachRow`, "JSONEachRow")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { name: string; type: string; kind: string });

/**
 * INSERTs the rows exactly as FluentBit would POST them (same statement and settings,
 * unknown keys refused) and checks none was lost. Rows must carry recent timestamps:
 * the table's TTL drops older ones at insert.
 */
function insertAll(results: readonly Result[]): void {
  session.query(`TRUNCATE TABLE ${TABLE}`);
  session.query(`${insertQuery()}\n${results.map((r) => r.json).join("\n")}\n`);
  const count = Number(session.query(`SELECT count() FROM ${TABLE}`, "CSV").trim());
  assert.equal(count, results.length, "every row is stored");
}

/** Runs, checks the FluentBit return code, INSERTs, and returns the rows. */
function transform(cases: readonly Case[], insert = true): Row[] {
  const results = runCases(cases);
  for (const r of results) assert.equal(r.code, 2, "code 2: record replaced, timestamp kept");
  if (insert) insertAll(results);
  return results.map((r) => r.row);
}
const one = (record: CaseValue, ts: CaseValue = nowTs()): Row => transform([{ ts, record }])[0] as Row;

const tsText = (sec: number, nsec: number): string =>
  `${new Date(sec * 1000).toISOString().slice(0, 19).replace("T", " ")}.${String(nsec).padStart(9, "0")}`;

const K8S = {
  namespace_name: "otel-demo",
  pod_name: "loggen-6d5f7c9b8-x2x7k",
  pod_id: "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11",
  container_name: "loggen",
  host: "node-1",
  docker_id: "4f1c0ab3e9d2",
  container_hash: "sha256:abc",
  container_image: "otel-demo/loggen:0.1.0",
  labels: { app: "loggen", "app.kubernetes.io/name": "loggen", "pod-template-hash": "6d5f7c9b8" },
} as const;

const LOGGEN_LINE = {
  level: 30,
  time: 1_795_238_712_748,
  pid: 7,
  hostname: "loggen-6d5f7c9b8-x2x7k",
  count: 5,
  random_number: 42,
  random_string: "gamma",
  msg: "tick",
} as const;

describe("lua/transform.lua on LuaJIT", { skip }, () => {
  test("a loggen line with Kubernetes metadata becomes exactly the row contract", () => {
    const ts = nowTs(5);
    // After tail (cri) and kubernetes merge_log: runtime keys, pino keys (pino's time
    // replaced the runtime's), metadata.
    const [result] = runCases([{ ts, record: { stream: "stdout", _p: "F", ...LOGGEN_LINE, kubernetes: K8S } }]);
    assert.ok(result);
    assert.deepEqual(result.row, {
      Timestamp: tsText(ts.sec, 5),
      TraceId: "",
      SpanId: "",
      TraceFlags: 0,
      SeverityText: "INFO",
      SeverityNumber: 9,
      ServiceName: "loggen",
      Body: "tick",
      ResourceAttributes: {
        "service.name": "loggen",
        "k8s.namespace.name": "otel-demo",
        "k8s.pod.name": "loggen-6d5f7c9b8-x2x7k",
        "k8s.pod.uid": "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11",
        "k8s.container.name": "loggen",
        "k8s.node.name": "node-1",
        "container.id": "4f1c0ab3e9d2",
        "container.image.name": "otel-demo/loggen",
        "container.image.tags": "0.1.0",
        "k8s.pod.label.app": "loggen",
        "k8s.pod.label.app.kubernetes.io/name": "loggen",
        "k8s.pod.label.pod-template-hash": "6d5f7c9b8",
      },
      ScopeName: "",
      LogAttributes: { pid: "7", hostname: "loggen-6d5f7c9b8-x2x7k", "log.iostream": "stdout" },
      Count: 5,
      RandomNumber: 42,
      RandomString: "gamma",
    });
    // Integers go out as integers (a double would print 5.0, which Int/UInt columns refuse).
    assert.match(result.json, /"Count":5[,}]/);
    assert.match(result.json, /"SeverityNumber":9[,}]/);
    insertAll([result]);
    const stored = session.query(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, SeverityText, RandomNumber, RandomString, toString(Count) AS Count, ResourceAttributes['k8s.pod.name'] AS pod FROM ${TABLE} FORMAT JSONEachRow`,
      "JSONEachRow",
    );
    assert.deepEqual(JSON.parse(stored), {
      ns: `${ts.sec}000000005`,
      SeverityText: "INFO",
      RandomNumber: 42,
      RandomString: "gamma",
      Count: "5",
      pod: "loggen-6d5f7c9b8-x2x7k",
    });
  });

  test("service name: app.kubernetes.io/name, then app, then container, then pino name", () => {
    const rows = transform([
      { ts: nowTs(), record: { msg: "a", kubernetes: { labels: { "app.kubernetes.io/name": "one", app: "two" }, container_name: "three" }, name: "four" } },
      { ts: nowTs(), record: { msg: "a", kubernetes: { labels: { app: "two" }, container_name: "three" }, name: "four" } },
      { ts: nowTs(), record: { msg: "a", kubernetes: { container_name: "three" }, name: "four" } },
      { ts: nowTs(), record: { msg: "a", name: "four" } },
      { ts: nowTs(), record: { msg: "a" } },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.ServiceName, r.ResourceAttributes["service.name"]]),
      [["one", "one"], ["two", "two"], ["three", "three"], ["four", "four"], ["unknown", "unknown"]],
    );
    // pino's logger name is the instrumentation scope, not an attribute.
    assert.equal(rows[3]?.ScopeName, "four");
    assert.equal(rows[3]?.LogAttributes["name"], undefined);
  });

  test("without the kubernetes map (API server unreachable) pod, namespace and container come from the tail tag", () => {
    const id = "4f1c0ab3e9d2".padEnd(64, "0");
    const tag = `kube.var.log.containers.loggen-6d5f7c9b8-x2x7k_otel-demo_loggen-${id}.log`;
    const [fromTag, fromApi, oddTag] = transform([
      { tag, ts: nowTs(), record: { ...LOGGEN_LINE } },
      { tag, ts: nowTs(), record: { ...LOGGEN_LINE, kubernetes: K8S } },
      { tag: "kube.var.log.containers.not-a-container-log", ts: nowTs(), record: { ...LOGGEN_LINE } },
    ]);
    assert.equal(fromTag?.ServiceName, "loggen");
    assert.deepEqual(fromTag?.ResourceAttributes, {
      "service.name": "loggen",
      "k8s.namespace.name": "otel-demo",
      "k8s.pod.name": "loggen-6d5f7c9b8-x2x7k",
      "k8s.container.name": "loggen",
      "container.id": id,
    });
    // The kubernetes filter's map wins when it is there.
    assert.equal(fromApi?.ResourceAttributes["k8s.node.name"], K8S.host);
    assert.equal(fromApi?.ResourceAttributes["container.id"], K8S.docker_id);
    assert.deepEqual(oddTag?.ResourceAttributes, { "service.name": "unknown" });
  });

  test("pino levels map to OTel severities; unknown levels stay in LogAttributes", () => {
    const levels: [CaseValue, string, number][] = [
      [10, "TRACE", 1], [20, "DEBUG", 5], [30, "INFO", 9], [40, "WARN", 13], [50, "ERROR", 17], [60, "FATAL", 21],
      [35, "INFO", 9], [1000, "FATAL", 21], ["warn", "WARN", 13], ["ERROR", "ERROR", 17], ["Fatal", "FATAL", 21],
      ["info", "INFO", 9], ["trace", "TRACE", 1], ["debug", "DEBUG", 5],
    ];
    const rows = transform(levels.map(([level]) => ({ ts: nowTs(), record: { level, msg: "m" } })));
    rows.forEach((row, i) => {
      const [level, text, number] = levels[i] ?? [];
      assert.deepEqual([row.SeverityText, row.SeverityNumber], [text, number], `level ${String(level)}`);
      assert.equal(row.LogAttributes["level"], undefined);
    });
    const unknown: [CaseValue, string][] = [
      [5, "5"], [0, "0"], [-10, "-10"], ["verbose", "verbose"], [true, "true"], [[30], "[30]"],
      [NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"],
    ];
    const unknownRows = transform(unknown.map(([level]) => ({ ts: nowTs(), record: { level, msg: "m" } })));
    unknownRows.forEach((row, i) => {
      assert.deepEqual([row.SeverityText, row.SeverityNumber], ["", 0]);
      assert.equal(row.LogAttributes["level"], unknown[i]?.[1]);
    });
  });

  test("Timestamp is the runtime's time from time_as_table, UTC with 9 decimals", () => {
    const cases: [number, number][] = [
      [0, 0], [951_782_400, 1], [1_709_251_199, 999_999_999], [1_700_000_000, 123_456_789],
      [4_102_444_800, 500_000_000], [MAX_SECONDS, 999_999_999], [Math.floor(Date.now() / 1000), 42],
    ];
    const results = runCases(cases.map(([sec, nsec]) => ({ ts: { sec, nsec }, record: { msg: "t" } })));
    results.forEach((r, i) => {
      const [sec = 0, nsec = 0] = cases[i] ?? [];
      assert.equal(r.row.Timestamp, tsText(sec, nsec));
    });
    // ClickHouse reads them back to the nanosecond (rows older than the TTL are dropped at insert).
    session.query(`TRUNCATE TABLE ${TABLE}`);
    session.query(`${insertQuery()}\n${results.map((r) => r.json).join("\n")}\n`);
    const kept = cases.filter(([s]) => s > Date.now() / 1000 - 86_400).map(([s, n]) => `${s}${String(n).padStart(9, "0")}`);
    const stored = session.query(`SELECT toString(toUnixTimestamp64Nano(Timestamp)) FROM ${TABLE} ORDER BY Timestamp`, "TSV");
    assert.deepEqual(stored.trim().split("\n").sort(), kept.sort());
    const [sec = 0] = cases.at(-1) ?? [];
    // The pino time (epoch ms) does not replace it and is not repeated as an attribute.
    const row = one({ ...LOGGEN_LINE, time: 1 }, { sec: sec, nsec: 7 });
    assert.equal(row.Timestamp, tsText(sec, 7));
    assert.equal(row.LogAttributes["time"], undefined);
  });

  test("a timestamp FluentBit should never send still yields a valid, current time", () => {
    const now = Date.now() / 1000;
    const nowish = (row: Row): number => Date.parse(`${row.Timestamp.slice(0, 19).replace(" ", "T")}Z`) / 1000;
    // MAX_SECONDS + 1: toDateTime() in the TTL would wrap to 1970 and drop the row.
    const bad: CaseValue[] = [null, "2026-01-01", { sec: NaN, nsec: 1 }, { sec: -1, nsec: 1 }, { sec: MAX_SECONDS + 1, nsec: 1 }, { sec: 9_223_372_035, nsec: 1 }, { sec: "1795238903" }, { nsec: 5 }, { sec: 1.5, nsec: 0 }];
    const rows = transform(bad.map((ts) => ({ ts, record: { msg: "t" } })));
    for (const row of rows) {
      assert.match(row.Timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{9}$/);
      assert.ok(Math.abs(nowish(row) - now) < 30, `${row.Timestamp} is now`);
    }
    const sec = Math.floor(now);
    const nsecRows = transform([-1, 1e9, 1.5, "7"].map((nsec) => ({ ts: { sec, nsec }, record: { msg: "t" } })));
    for (const row of nsecRows) assert.equal(row.Timestamp, tsText(sec, 0));
    // time_as_table off: a double of seconds still works.
    assert.equal(one({ msg: "t" }, sec + 0.5).Timestamp, tsText(sec, 500_000_000));
  });

  test("a line that is not JSON keeps its text as Body", () => {
    const rows = transform([
      // CRI after tail; merge_log failed, so `log` is still there.
      { ts: nowTs(), record: { time: "2026-01-01T00:00:00Z", stream: "stderr", _p: "F", log: "panic: something broke", kubernetes: K8S } },
      // docker json-file keeps the newline.
      { ts: nowTs(), record: { log: "plain docker line\n", stream: "stdout", time: "2026-01-01T00:00:00Z" } },
      { ts: nowTs(), record: { log: "windows line\r\n" } },
      { ts: nowTs(), record: { log: "[1,2,3]" } },
      { ts: nowTs(), record: { log: '{"level":30,"msg":' } },
      { ts: nowTs(), record: { log: "" } },
      { ts: nowTs(), record: { log: 12345 } },
    ]);
    assert.deepEqual(
      rows.map((r) => r.Body),
      ["panic: something broke", "plain docker line", "windows line", "[1,2,3]", '{"level":30,"msg":', "", "12345"],
    );
    const [first] = rows;
    assert.deepEqual([first?.SeverityText, first?.SeverityNumber], ["", 0]);
    assert.deepEqual(first?.LogAttributes, { "log.iostream": "stderr" });
    assert.equal(first?.ResourceAttributes["k8s.pod.name"], K8S.pod_name);
    assert.equal(first?.ServiceName, "loggen");
  });

  test("with keep_log on, the repeated raw line is not stored twice", () => {
    const row = one({ log: JSON.stringify(LOGGEN_LINE), ...LOGGEN_LINE });
    assert.equal(row.Body, "tick");
    assert.equal(row.LogAttributes["log"], undefined);
  });

  test("missing fields: an empty record is a valid row, maps stay maps", () => {
    const ts = nowTs();
    const [result] = runCases([{ ts, record: {} }]);
    assert.ok(result);
    assert.deepEqual(result.row, {
      Timestamp: tsText(ts.sec, ts.nsec),
      TraceId: "",
      SpanId: "",
      TraceFlags: 0,
      SeverityText: "",
      SeverityNumber: 0,
      ServiceName: "unknown",
      Body: "",
      ResourceAttributes: { "service.name": "unknown" },
      ScopeName: "",
      LogAttributes: {},
    });
    assert.match(result.json, /"LogAttributes":\{\}/);
    insertAll([result]);
    // The demo columns got their DEFAULTs.
    assert.equal(session.query(`SELECT RandomNumber, RandomString, Count FROM ${TABLE}`, "CSV").trim(), '\\N,"",0');
    const rows = transform([{ ts: nowTs(), record: { msg: "only a message" } }, { ts: nowTs(), record: { level: 50 } }]);
    assert.equal(rows[0]?.Body, "only a message");
    assert.deepEqual([rows[1]?.Body, rows[1]?.SeverityNumber], ["", 17]);
  });

  test("wrong types: values that do not fit a column stay in LogAttributes, the column gets its DEFAULT", () => {
    const rows = transform([
      { ts: nowTs(), record: { msg: 42, count: "5", random_number: "42", random_string: 7 } },
      { ts: nowTs(), record: { msg: true, count: 1.5, random_number: 1.5, random_string: { a: 1 } } },
      { ts: nowTs(), record: { msg: { a: 1, b: [1, "x"] }, count: -1, random_number: 2_147_483_648 } },
      { ts: nowTs(), record: { msg: [1, "x"], count: 2 ** 53 + 2, random_number: -2_147_483_649 } },
      { ts: nowTs(), record: { msg: null, count: NaN, random_number: Infinity, random_string: null } },
      { ts: nowTs(), record: { msg: "ok", count: 0, random_number: 2_147_483_647 } },
      { ts: nowTs(), record: { msg: "ok", count: 2 ** 53, random_number: -2_147_483_648, random_string: "" } },
      { ts: nowTs(), record: { msg: "k8s junk", kubernetes: "not a map", stream: 1, _p: ["x"] } },
      { ts: nowTs(), record: { msg: "k8s junk", kubernetes: { labels: ["a", "b"], pod_name: 123, namespace_name: "", host: { x: 1 } } } },
    ]);
    const demo = (r: Row | undefined): [unknown, unknown, unknown] => [r?.Count, r?.RandomNumber, r?.RandomString];
    assert.deepEqual(rows.map((r) => r.Body), ["42", "true", '{"a":1,"b":[1,"x"]}', '[1,"x"]', "", "ok", "ok", "k8s junk", "k8s junk"]);
    assert.deepEqual(demo(rows[0]), [undefined, undefined, undefined]);
    assert.deepEqual(rows[0]?.LogAttributes, { count: "5", random_number: "42", random_string: "7" });
    assert.deepEqual(rows[1]?.LogAttributes, { count: "1.5", random_number: "1.5", "random_string.a": "1" });
    assert.deepEqual(rows[2]?.LogAttributes, { count: "-1", random_number: "2147483648" });
    assert.deepEqual(rows[3]?.LogAttributes, { count: "9007199254740994", random_number: "-2147483649" });
    assert.deepEqual(rows[4]?.LogAttributes, { count: "NaN", random_number: "Infinity" });
    assert.deepEqual(demo(rows[5]), [0, 2_147_483_647, undefined]);
    assert.deepEqual(demo(rows[6]), [2 ** 53, -2_147_483_648, ""]);
    assert.deepEqual(rows[7]?.ResourceAttributes, { "service.name": "unknown" });
    assert.deepEqual(rows[7]?.LogAttributes, { "log.iostream": "1" });
    assert.deepEqual(rows[8]?.ResourceAttributes, { "service.name": "unknown" });
    const stored = session.query(`SELECT RandomNumber FROM ${TABLE} WHERE RandomNumber IS NOT NULL ORDER BY RandomNumber`, "CSV");
    assert.equal(stored.trim(), "-2147483648\n2147483647");
  });

  test("numbers in LogAttributes: integers without .0, huge and odd values as text", () => {
    const row = one({
      msg: "n",
      int: 7,
      neg: -12,
      zero: -0,
      frac: 0.1,
      third: 1 / 3,
      big: 1e300,
      tiny: 5e-324,
      e21: 1e21,
      e20: 1e20,
      nan: NaN,
      inf: -Infinity,
      u64max: 18446744073709551615n, // FluentBit's (int64)(double) cast turns it into INT64_MIN
      beyond: 123456789012345678901234567890n,
      t: true,
      f: false,
    });
    assert.deepEqual(row.LogAttributes, {
      int: "7",
      neg: "-12",
      zero: "0",
      frac: "0.1",
      third: "0.3333333333333333",
      big: "1e+300",
      tiny: "4.94065645841247e-324", // 15 digits already read back as 5e-324
      e21: "1e+21",
      e20: "100000000000000000000",
      nan: "NaN",
      inf: "-Infinity",
      u64max: "-9223372036854775808",
      beyond: "1.2345678901234568e+29",
      t: "true",
      f: "false",
    });
  });

  test("nested values: maps flatten to dotted keys, arrays and deep maps become JSON text", () => {
    const deep: CaseValue = { a: { b: { c: { d: { e: 1 } } } } };
    let tooDeep: CaseValue = "bottom";
    for (let i = 0; i < 200; i++) tooDeep = { x: tooDeep };
    const row = one({
      msg: "boom",
      err: { type: "Error", message: "it broke", stack: "Error: it broke\n    at main.js:1", code: 7, cause: null },
      tags: ["a", 1, null, true, { k: "v" }],
      empty_map: {},
      empty_list: [],
      deep,
      tooDeep,
    });
    const attrs = row.LogAttributes;
    assert.equal(attrs["err.type"], "Error");
    assert.equal(attrs["err.message"], "it broke");
    assert.equal(attrs["err.stack"], "Error: it broke\n    at main.js:1");
    assert.equal(attrs["err.code"], "7");
    assert.equal(attrs["err.cause"], undefined); // null removes the key
    assert.equal(attrs["tags"], '["a",1,null,true,{"k":"v"}]');
    assert.equal(attrs["empty_map"], "{}");
    assert.equal(attrs["empty_list"], "[]");
    assert.equal(attrs["deep.a.b.c"], '{"d":{"e":1}}');
    const deepest = attrs["tooDeep.x.x.x"] ?? "";
    assert.ok(deepest.startsWith('{"x":{"x":') && deepest.includes('"[too deep]"'), deepest.slice(0, 80));
  });

  test("odd unicode: valid text kept, invalid UTF-8 replaced by U+FFFD everywhere", () => {
    const valid = "héllo 中文 😀 \u{10FFFF}";
    const bad = bytes("a", [0xff], "b", [0xc0, 0xaf], "c", [0xed, 0xa0, 0x80], "d", [0xf4, 0x90, 0x80, 0x80], "e", [0xe2, 0x82], "f", [0xe2, 0x82]);
    const rows = transform([
      { ts: nowTs(), record: { msg: valid, [valid]: valid } },
      { ts: nowTs(), record: { msg: bad, random_string: bad, k: bad, name: bad } },
      { ts: nowTs(), record: { log: bytes("raw ", [0x80, 0x80], " line") } },
      { ts: nowTs(), record: { msg: "labels", kubernetes: { pod_name: bad, labels: { [String.fromCharCode(0xe9)]: "x" } } } },
      { ts: nowTs(), lua: 'return { msg = "key", ["\\255bad key"] = "v" }' },
    ]);
    const R = "\uFFFD";
    assert.equal(rows[0]?.Body, valid);
    assert.equal(rows[0]?.LogAttributes[valid], valid);
    const fixed = `a${R}b${R}${R}c${R}${R}${R}d${R}${R}${R}${R}e${R}${R}f${R}${R}`;
    assert.equal(rows[1]?.Body, fixed);
    assert.equal(rows[1]?.RandomString, fixed);
    assert.equal(rows[1]?.LogAttributes["k"], fixed);
    assert.equal(rows[1]?.ScopeName, fixed);
    assert.equal(rows[2]?.Body, `raw ${R}${R} line`);
    assert.equal(rows[3]?.ResourceAttributes["k8s.pod.name"], fixed);
    assert.equal(rows[3]?.ResourceAttributes["k8s.pod.label.é"], "x");
    assert.equal(rows[4]?.LogAttributes[`${R}bad key`], "v");
    // ClickHouse stores exactly that text.
    const stored = session.query(`SELECT Body FROM ${TABLE} WHERE Body LIKE 'a%' FORMAT JSONEachRow`, "JSONEachRow");
    assert.equal((JSON.parse(stored) as { Body: string }).Body, fixed);
  });

  test("control characters survive the trip to ClickHouse byte for byte", () => {
    const text = 'nul\u0000 bell\u0007 tab\t nl\n cr\r quote" backslash\\ del\u007f esc\u001b end';
    one({ msg: text });
    const stored = session.query(`SELECT hex(Body) FROM ${TABLE}`, "CSV").trim().replaceAll('"', "");
    assert.equal(stored, Buffer.from(text, "utf8").toString("hex").toUpperCase());
  });

  test("enormous input: a 4 MB message is kept, attributes are capped per row", () => {
    const huge = "x".repeat(4 * 1024 * 1024);
    const many: Record<string, CaseValue> = { msg: "many" };
    for (let i = 0; i < 5000; i++) many[`f${i}`] = i;
    const labels: Record<string, CaseValue> = {};
    for (let i = 0; i < 1000; i++) labels[`l${i}`] = "v";
    const rows = transform([
      { ts: nowTs(), record: { msg: huge, [huge.slice(0, 100_000)]: huge } },
      { ts: nowTs(), record: many },
      { ts: nowTs(), record: { msg: "labels", kubernetes: { labels } } },
    ]);
    assert.equal(rows[0]?.Body.length, huge.length);
    assert.equal(Object.keys(rows[1]?.LogAttributes ?? {}).length, 257);
    assert.equal(rows[1]?.LogAttributes["otel.dropped_attributes_count"], "4744");
    assert.equal(rows[2]?.ResourceAttributes["otel.dropped_attributes_count"], String(1000 + 1 - 256));
    assert.equal(session.query(`SELECT max(length(Body)) FROM ${TABLE}`, "CSV").trim(), String(huge.length));
  });

  test("trace context from pino's OTel fields when valid, else kept as attributes", () => {
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const span = "00f067aa0ba902b7";
    const rows = transform([
      { ts: nowTs(), record: { msg: "t", trace_id: trace, span_id: span, trace_flags: "01" } },
      { ts: nowTs(), record: { msg: "t", trace_id: trace.toUpperCase(), span_id: span, trace_flags: "zz" } },
      { ts: nowTs(), record: { msg: "t", trace_id: "0".repeat(32), span_id: span, trace_flags: 300 } },
      { ts: nowTs(), record: { msg: "t", trace_id: trace, trace_flags: 1 } },
    ]);
    assert.deepEqual([rows[0]?.TraceId, rows[0]?.SpanId, rows[0]?.TraceFlags], [trace, span, 1]);
    assert.deepEqual(rows[0]?.LogAttributes, {});
    assert.deepEqual([rows[1]?.TraceId, rows[1]?.TraceFlags], ["", 0]);
    assert.deepEqual(rows[1]?.LogAttributes, { trace_id: trace.toUpperCase(), span_id: span, trace_flags: "zz" });
    assert.deepEqual([rows[2]?.TraceId, rows[2]?.TraceFlags, rows[2]?.LogAttributes["trace_flags"]], ["", 0, "300"]);
    assert.deepEqual([rows[3]?.TraceId, rows[3]?.TraceFlags, rows[3]?.LogAttributes["trace_id"]], ["", 1, trace]);
  });

  test("inputs FluentBit cannot build still never raise: non-table records, cycles, failing lookups", () => {
    const results = runCases([
      { ts: nowTs(), lua: 'return "a bare string"' },
      { ts: nowTs(), lua: "return nil" },
      { ts: nowTs(), lua: 'local t = { msg = "cycle" }; t.self = t; return t' },
      { ts: nowTs(), lua: 'return setmetatable({}, { __index = function() error("lookup failed") end })' },
      { ts: nowTs(), lua: 'return setmetatable({ msg = "x" }, { __index = function(t, k) if k == "kubernetes" then error("boom") end end })' },
    ]);
    const rows = results.map((r) => r.row);
    assert.equal(rows[0]?.Body, "a bare string");
    assert.equal(rows[1]?.Body, "");
    assert.equal(rows[2]?.Body, "cycle");
    assert.equal(rows[3]?.Body, "");
    assert.match(rows[3]?.LogAttributes["otel.transform.error"] ?? "", /lookup failed/);
    assert.match(rows[4]?.LogAttributes["otel.transform.error"] ?? "", /boom/);
    insertAll(results);
  });

  test("the integer ranges the transform accepts are those of the generated columns", () => {
    const r = spawnSync(LUAJIT, ["-e", `local M = dofile(${JSON.stringify(TRANSFORM)}) for _, c in ipairs({"Count", "RandomNumber"}) do print(c, string.format("%.0f %.0f", M.LIMITS[c].min, M.LIMITS[c].max)) end`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const exact = 2n ** 53n;
    const rangeOf = (type: string): [bigint, bigint] => {
      const m = /^(?:Nullable\()?(U?)Int(8|16|32|64)\)?$/.exec(type);
      assert.ok(m, `integer column type, got ${type}`);
      const bits = BigInt(m[2] ?? "0");
      const [min, max] = m[1] === "U" ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
      // Lua numbers are doubles: beyond 2^53 they are not exact.
      return [min < -exact ? -exact : min, max > exact ? exact : max];
    };
    const types = new Map(columns().map((c) => [c.name, c.type]));
    for (const line of r.stdout.trim().split("\n")) {
      const [name = "", min = "", max = ""] = line.split(/\s+/);
      assert.deepEqual([BigInt(min), BigInt(max)], rangeOf(types.get(name) ?? ""), `${name} limits match ${types.get(name)}`);
    }
  });

  test("rows carry only columns of otel_logs, and all the contract's keys", () => {
    const insertable = new Set(columns().filter((c) => c.kind === "" || c.kind === "DEFAULT").map((c) => c.name));
    const rows = transform([
      { ts: nowTs(), record: { ...LOGGEN_LINE, kubernetes: K8S } },
      { ts: nowTs(), record: { log: "raw" } },
      { ts: nowTs(), lua: "return setmetatable({}, { __index = function() error('x') end })" },
    ]);
    const required = ["Timestamp", "TraceId", "SpanId", "TraceFlags", "SeverityText", "SeverityNumber", "ServiceName", "Body", "ResourceAttributes", "ScopeName", "LogAttributes"];
    for (const row of rows) {
      for (const key of Object.keys(row)) assert.ok(insertable.has(key), `${key} is a column`);
      for (const key of required) assert.ok(key in row, `${key} present`);
    }
  });
});
