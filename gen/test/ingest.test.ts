// The row contract: what the ingest view (gen/clickhouse/ingest.ts) makes of each line
// FluentBit sends, on the real ClickHouse engine (chDB). Lines go in with FluentBit's own
// INSERT statement, as FluentBit's tail input records them (time, stream, log, file, node).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Session } from "chdb";
import { ddlStatements } from "../clickhouse/ddl.ts";
import { EPOCH_UNITS, INEXACT_NUMBER, ingestSelect, MAX_ATTRIBUTES, sqlString, MAX_FUTURE_SECONDS, ORIGINAL_TIME_ATTRIBUTE } from "../clickhouse/ingest.ts";
import { refusedQuery } from "../clickhouse/catalog.ts";
import { tables } from "../clickhouse/tables.ts";
import { insertQuery } from "../fluentbit/config.ts";
import { loadModel } from "../model/model.ts";
import { DAY_MS, engineNowMs, HOUR_MS, rfc3339, storedTime } from "./engine-clock.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const model = loadModel(ROOT);
const { names } = model;
const { database: DATABASE, logsTable: LOGS_TABLE } = names;
const { logs: TABLE, ingest: INGEST, otlpIngest: OTLP_INGEST, hourly: HOURLY } = tables(names);
const POD = { namespace: "otel-demo", pod: "loggen-6d5f7c9b8-x2x7k", uid: "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11", container: "loggen" };
const FILE = `/var/log/pods/${POD.namespace}_${POD.pod}_${POD.uid}/${POD.container}/0.log`;
const NODE = "node-1";

interface Row {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  LogAttributes: Record<string, string>;
  RandomNumber: number | null;
  RandomString: string;
  Count: string;
}

/** FluentBit's record for one line; `time` defaults to now with a distinct nanosecond part. */
interface Line {
  log: string;
  time?: string;
  stream?: string;
  file?: string;
  node?: string;
}

let session: Session;
before(() => {
  session = new Session();
  // Which engine ran the row contract (CHDB_ENGINE picks another: gen/test/engine-preload.ts).
  console.log(`# ClickHouse engine (chDB): ${session.query("SELECT version()", "TSV").trim()}`);
  for (const statement of ddlStatements(model)) session.query(statement);
});
after(() => session.cleanup());

// Record times come from the engine's clock (gen/test/engine-clock.ts), never fixed dates.
const now = (): number => engineNowMs((sql) => session.query(sql, "TSV"));
let seq = 0;
const nowTime = (): string => rfc3339(now(), String(++seq).padStart(9, "0"));
/** RFC 3339 UTC time `msAgo` milliseconds before the engine's now, whole seconds, with the given 9-digit fraction. */
const agoTime = (msAgo: number, fraction = "000000000"): string => rfc3339(now() - msAgo, fraction);

/** Inserts the lines as FluentBit does and returns their rows, in insert order. */
function ingest(lines: readonly Line[]): Row[] {
  session.query(`TRUNCATE TABLE ${TABLE}`);
  const records = lines.map((l, i) =>
    // `seq` keys the order; it is not a column of the ingest table, so it is skipped as FluentBit's `_p` is.
    JSON.stringify({ time: l.time ?? nowTime(), stream: l.stream ?? "stdout", _p: "F", log: l.log, file: l.file ?? FILE, node: l.node ?? NODE, seq: i }),
  );
  session.query(`${insertQuery(INGEST)}\n${records.join("\n")}\n`);
  const out = session.query(
    `SELECT toString(Timestamp) AS Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, ScopeName, LogAttributes, RandomNumber, RandomString, toString(Count) AS Count FROM ${TABLE} ORDER BY Timestamp FORMAT JSONEachRow`,
    "JSONEachRow",
  );
  const rows = out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Row);
  assert.equal(rows.length, lines.length, "one row per line");
  return rows;
}
const one = (log: string, extra: Omit<Line, "log"> = {}): Row => ingest([{ log, ...extra }])[0] as Row;
const attrs = (log: string): Record<string, string> => {
  const a = { ...one(log).LogAttributes };
  delete a["log.iostream"];
  return a;
};

const LOGGEN_LINE = '{"level":30,"time":1795238712748,"pid":7,"hostname":"loggen-6d5f7c9b8-x2x7k","count":5,"random_number":42,"random_string":"gamma","msg":"tick"}';

describe("the ingest view (container line -> otel_logs row) on chDB", () => {
  test("a loggen line becomes exactly the row contract", () => {
    const time = agoTime(HOUR_MS, "500668410");
    assert.deepEqual(one(LOGGEN_LINE, { time }), {
      Timestamp: storedTime(time),
      TraceId: "",
      SpanId: "",
      TraceFlags: 0,
      SeverityText: "INFO",
      SeverityNumber: 9,
      ServiceName: "loggen",
      Body: "tick",
      ResourceAttributes: {
        "service.name": "loggen",
        "k8s.namespace.name": POD.namespace,
        "k8s.pod.name": POD.pod,
        "k8s.pod.uid": POD.uid,
        "k8s.container.name": POD.container,
        "k8s.container.restart_count": "0",
        "k8s.node.name": NODE,
      },
      ScopeName: "",
      LogAttributes: { "log.iostream": "stdout", pid: "7", hostname: POD.pod },
      RandomNumber: 42,
      RandomString: "gamma",
      Count: "5",
    });
  });

  test("both views' columns are otel_logs columns, with every column of the contract", () => {
    const table = session.query(`SELECT name FROM system.columns WHERE database = '${DATABASE}' AND table = '${LOGS_TABLE}' AND default_kind IN ('', 'DEFAULT')`, "TSV").trim().split("\n");
    for (const kind of ["lines", "otlp"] as const) {
      const described = session.query(`DESCRIBE (${ingestSelect(names, kind)}) FORMAT JSONEachRow`, "JSONEachRow");
      const produced = described.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { name: string }).name);
      assert.deepEqual([...produced].sort(), [...table].sort(), `the ${kind} view writes every insertable column of otel_logs, and nothing else`);
    }
    assert.equal(INGEST, `${DATABASE}.otel_logs_ingest`);
    assert.equal(OTLP_INGEST, `${DATABASE}.otel_logs_ingest_otlp`);
  });

  test("service name: the container (from the file path), then pino's name, then unknown", () => {
    const rows = ingest([
      { log: '{"msg":"a","name":"four"}' },
      { log: '{"msg":"a","name":"four"}', file: "/somewhere/else.log" },
      { log: '{"msg":"a"}', file: "/somewhere/else.log", node: "" },
    ]);
    assert.deepEqual(rows.map((r) => r.ServiceName), ["loggen", "four", "unknown"]);
    // pino's logger name is the instrumentation scope, not an attribute.
    assert.equal(rows[0]?.ScopeName, "four");
    assert.equal(rows[0]?.LogAttributes["name"], undefined);
    // A path that does not name a pod adds no k8s.pod attributes; the node still counts.
    assert.deepEqual(rows[1]?.ResourceAttributes, { "service.name": "four", "k8s.node.name": NODE });
    assert.deepEqual(rows[2]?.ResourceAttributes, { "service.name": "unknown" });
    // A restarted container writes 1.log, 2.log...
    const restarted = one('{"msg":"r"}', { file: FILE.replace("/0.log", "/3.log") });
    assert.equal(restarted.ResourceAttributes["k8s.container.restart_count"], "3");
  });

  test("pino levels map to OTel severities; a level the severity does not fully say stays in LogAttributes", () => {
    const mapped: [string, string, number][] = [
      ["10", "TRACE", 1], ["20", "DEBUG", 5], ["30", "INFO", 9], ["40", "WARN", 13], ["50", "ERROR", 17], ["60", "FATAL", 21],
      ['"warn"', "WARN", 13], ['"ERROR"', "ERROR", 17], ['"Fatal"', "FATAL", 21], ['"info"', "INFO", 9], ['"trace"', "TRACE", 1], ['"debug"', "DEBUG", 5],
    ];
    const rows = ingest(mapped.map(([level]) => ({ log: `{"level":${level},"msg":"m"}` })));
    rows.forEach((row, i) => {
      const [level, text, number] = mapped[i] ?? [];
      assert.deepEqual([row.SeverityText, row.SeverityNumber], [text, number], `level ${level}`);
      assert.equal(row.LogAttributes["level"], undefined, `level ${level} is fully said by SeverityText`);
    });
    // Mapped to a band, and the original kept beside it.
    const banded: [string, string, number, string][] = [["35", "INFO", 9, "35"], ["99", "FATAL", 21, "99"], ["1000", "FATAL", 21, "1000"], ['"warning"', "WARN", 13, "warning"], ['"notice"', "INFO", 9, "notice"], ["30.5", "INFO", 9, "30.5"]];
    ingest(banded.map(([level]) => ({ log: `{"level":${level},"msg":"m"}` }))).forEach((row, i) => {
      const [, text, number, kept] = banded[i] ?? [];
      assert.deepEqual([row.SeverityText, row.SeverityNumber, row.LogAttributes["level"]], [text, number, kept]);
    });
    const unknown: [string, string][] = [["5", "5"], ["0", "0"], ["-10", "-10"], ['"verbose"', "verbose"], ["true", "true"], ["[30]", "[30]"], ["null", "null"], ["{}", "{}"]];
    ingest(unknown.map(([level]) => ({ log: `{"level":${level},"msg":"m"}` }))).forEach((row, i) => {
      assert.deepEqual([row.SeverityText, row.SeverityNumber, row.LogAttributes["level"]], ["", 0, unknown[i]?.[1]]);
    });
  });

  test("Timestamp is the runtime's time, to the nanosecond, in UTC", () => {
    // An instant three hours ago, in UTC and as a runtime in UTC+01:00 writes it.
    const base = agoTime(3 * HOUR_MS).slice(0, 19);
    const day = base.slice(0, 10);
    const clock = base.slice(11, 19);
    const plusOne = new Date(Date.parse(`${base}Z`) + HOUR_MS).toISOString().slice(0, 19);
    const cases: [string, string][] = [
      [`${base}.500668410Z`, `${day} ${clock}.500668410`],
      [`${base}.000000001Z`, `${day} ${clock}.000000001`],
      [`${base}.999999999Z`, `${day} ${clock}.999999999`],
      [`${plusOne}.123456789+01:00`, `${day} ${clock}.123456789`],
      // docker's json-file writes fewer digits.
      [`${base}.53412Z`, `${day} ${clock}.534120000`],
      [`${base}Z`, `${day} ${clock}.000000000`],
    ];
    const rows = ingest(cases.map(([time]) => ({ log: '{"msg":"t","time":1}', time })));
    assert.deepEqual(rows.map((r) => r.Timestamp).sort(), cases.map(([, stored]) => stored).sort());
    // pino's epoch milliseconds do not replace it and are not repeated as an attribute.
    assert.equal(rows[0]?.LogAttributes["time"], undefined);
    // Another logger's time text is not pino's: it stays.
    assert.equal(attrs('{"msg":"t","time":"yesterday"}')["time"], "yesterday");
  });

  test("a time the runtime should never write still yields a valid, current time", () => {
    const t0 = now();
    for (const time of ["", "garbage"]) {
      const row = one('{"msg":"t"}', { time });
      const stored = Date.parse(`${row.Timestamp.replace(" ", "T")}Z`);
      assert.ok(Math.abs(stored - t0) < 30_000, `${JSON.stringify(time)} -> ${row.Timestamp} is now`);
      // What was sent is kept; nothing is invented when nothing was.
      assert.equal(row.LogAttributes[ORIGINAL_TIME_ATTRIBUTE], time === "" ? undefined : time);
    }
  });

  test(`a time more than ${MAX_FUTURE_SECONDS} s ahead: the arrival time, the time as sent kept in LogAttributes`, () => {
    const t0 = now();
    const ahead = [
      agoTime(-(MAX_FUTURE_SECONDS + 120) * 1000, "000000001"),
      agoTime(-400 * DAY_MS),
      "2999-01-01T00:00:00Z",
      // Past 2106, where the TTL's DateTime would wrap.
      `${new Date(t0).getUTCFullYear() + 200}-01-01T00:00:00.000000001Z`,
    ];
    for (const time of ahead) {
      const row = one('{"msg":"t"}', { time });
      const stored = Date.parse(`${row.Timestamp.replace(" ", "T")}Z`);
      assert.ok(Math.abs(stored - t0) < 30_000, `${time} -> ${row.Timestamp} is the arrival time`);
      assert.equal(row.LogAttributes[ORIGINAL_TIME_ATTRIBUTE], time);
    }
    // Within the skew, the time is the record's own.
    const near = agoTime(-(MAX_FUTURE_SECONDS - 120) * 1000, "000000002");
    const row = one('{"msg":"t"}', { time: near });
    assert.equal(row.Timestamp, storedTime(near));
    assert.equal(row.LogAttributes[ORIGINAL_TIME_ATTRIBUTE], undefined);
  });

  test("a line that is not JSON keeps its text as Body", () => {
    // (`panic: ` starting a line is Go's runtime, FATAL: see the severity tests.)
    const lines = ["recovered from panic: something broke", "plain docker line\n", "windows line\r\n", "[1,2,3]", '{"level":30,"msg":', "", "12345", '{"a":1} trailing', "{not json}"];
    const rows = ingest(lines.map((log) => ({ log, stream: "stderr" })));
    assert.deepEqual(rows.map((r) => r.Body), ["recovered from panic: something broke", "plain docker line", "windows line", "[1,2,3]", '{"level":30,"msg":', "", "12345", '{"a":1} trailing', "{not json}"]);
    for (const row of rows) {
      assert.deepEqual([row.SeverityText, row.SeverityNumber], ["", 0]);
      assert.deepEqual(row.LogAttributes, { "log.iostream": "stderr" });
      assert.equal(row.ResourceAttributes["k8s.pod.name"], POD.pod);
    }
  });

  test("missing fields: an empty object is a valid row with the columns' defaults", () => {
    const row = one("{}");
    assert.deepEqual([row.Body, row.SeverityText, row.SeverityNumber, row.ScopeName, row.TraceId], ["", "", 0, "", ""]);
    assert.deepEqual(row.LogAttributes, { "log.iostream": "stdout" });
    assert.deepEqual([row.RandomNumber, row.RandomString, row.Count], [null, "", "0"]);
    const [msgOnly, levelOnly] = ingest([{ log: '{"msg":"only a message"}' }, { log: '{"level":50}' }]);
    assert.equal(msgOnly?.Body, "only a message");
    assert.deepEqual([levelOnly?.Body, levelOnly?.SeverityNumber], ["", 17]);
  });

  test("wrong types: values that do not fit a column stay in LogAttributes, the column gets its DEFAULT", () => {
    const rows = ingest([
      { log: '{"msg":42,"count":"5","random_number":"42","random_string":7}' },
      { log: '{"msg":true,"count":1.5,"random_number":1.5,"random_string":{"a":1}}' },
      { log: '{"msg":{"a":1,"b":[1,"x"]},"count":-1,"random_number":2147483648}' },
      { log: '{"msg":[1,"x"],"count":18446744073709551616,"random_number":-2147483649}' },
      { log: '{"msg":null,"count":null,"random_number":null,"random_string":null}' },
      { log: '{"msg":"ok","count":0,"random_number":2147483647}' },
      { log: '{"msg":"ok","count":18446744073709551615,"random_number":-2147483648,"random_string":""}' },
    ]);
    const demo = (r: Row | undefined): [unknown, unknown, unknown] => [r?.Count, r?.RandomNumber, r?.RandomString];
    const own = (r: Row | undefined): Record<string, string> => Object.fromEntries(Object.entries(r?.LogAttributes ?? {}).filter(([k]) => k !== "log.iostream"));
    assert.deepEqual(rows.map((r) => r.Body), ["42", "true", '{"a":1,"b":[1,"x"]}', '[1,"x"]', "null", "ok", "ok"]);
    assert.deepEqual(demo(rows[0]), ["0", null, ""]);
    assert.deepEqual(own(rows[0]), { count: "5", random_number: "42", random_string: "7" });
    assert.deepEqual(own(rows[1]), { count: "1.5", random_number: "1.5", "random_string.a": "1" });
    assert.deepEqual(own(rows[2]), { count: "-1", random_number: "2147483648" });
    assert.deepEqual(own(rows[3]), { count: "18446744073709551616", random_number: "-2147483649" });
    assert.deepEqual(own(rows[4]), { count: "null", random_number: "null", random_string: "null" });
    assert.deepEqual(demo(rows[5]), ["0", 2_147_483_647, ""]);
    assert.deepEqual(demo(rows[6]), ["18446744073709551615", -2_147_483_648, ""]);
  });

  test("the exact path is taken for lines whose numbers need it, not for ids, dates or versions in strings", () => {
    const needs = [
      '{"a":0.1}',
      '{"a": 1e400}',
      '{"a":[1,2.5]}',
      '{"a":-0}',
      '{"a":18446744073709551616}',
      '{"a":-9223372036854775808}',
      '{"a":\t3E2}',
      '{"a" : [ 7, -0.0 ]}',
    ];
    const not = [
      // What made the old test fire on most lines of an application's JSON: hex ids, dates, versions.
      '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","msg":"ok"}',
      '{"at":"2026-12-07T10:00:00.123Z","version":"1.2.3","n":42,"neg":-5}',
      '{"count":123456789012345678}',
      '{"msg":"took 10:00:00.5 at 12:30"}',
    ];
    const fires = (line: string): boolean => session.query(`SELECT match(${sqlString(line)}, ${sqlString(INEXACT_NUMBER)})`, "TSV").trim() === "1";
    assert.deepEqual(needs.map(fires), needs.map(() => true));
    assert.deepEqual(not.map(fires), not.map(() => false));
  });

  test("numbers are kept exactly as written, never turned into another number", () => {
    const a = attrs(
      '{"msg":"n","int":7,"neg":-12,"zero":0,"negzero":-0,"max":9223372036854775807,"min":-9223372036854775808,"two63":9223372036854775808,"two64":18446744073709551616,"below":-9223372036854775809,"huge":1e400,"tiny":5e-324,"frac":0.1,"long":0.1000000000000000055511151231257827,"one":1.0,"e":1E2,"t":true,"f":false}',
    );
    assert.deepEqual(a, {
      int: "7",
      neg: "-12",
      zero: "0",
      negzero: "-0",
      max: "9223372036854775807",
      min: "-9223372036854775808",
      two63: "9223372036854775808",
      two64: "18446744073709551616",
      below: "-9223372036854775809",
      huge: "1e400",
      tiny: "5e-324",
      frac: "0.1",
      long: "0.1000000000000000055511151231257827",
      one: "1.0",
      e: "1E2",
      t: "true",
      f: "false",
    });
    // The same inside JSON text kept whole, and in lines where no number needs care.
    assert.equal(attrs('{"msg":"n","list":[1e400,18446744073709551616,"s",null,{"k":0.10}]}')["list"], '[1e400,18446744073709551616,"s",null,{"k":0.10}]');
    assert.deepEqual(attrs('{"msg":"n","a":123456789012345678,"b":-1}'), { a: "123456789012345678", b: "-1" });
  });

  test("nested values: maps flatten to dotted keys, arrays and deep maps stay JSON text, null stays null", () => {
    let tooDeep = '"bottom"';
    for (let i = 0; i < 200; i++) tooDeep = `{"x":${tooDeep}}`;
    const a = attrs(
      `{"msg":"boom","err":{"type":"Error","message":"it broke","stack":"Error: it broke\\n    at main.js:1","code":7,"cause":null},"tags":["a",1,null,true,{"k":"v"}],"empty_map":{},"empty_list":[],"deep":{"a":{"b":{"c":{"d":{"e":1}}}}},"tooDeep":${tooDeep}}`,
    );
    assert.equal(a["err.type"], "Error");
    assert.equal(a["err.message"], "it broke");
    assert.equal(a["err.stack"], "Error: it broke\n    at main.js:1");
    assert.equal(a["err.code"], "7");
    assert.equal(a["err.cause"], "null");
    assert.equal(a["tags"], '["a",1,null,true,{"k":"v"}]');
    assert.equal(a["empty_map"], "{}");
    assert.equal(a["empty_list"], "[]");
    assert.equal(a["deep.a.b.c"], '{"d":{"e":1}}');
    assert.ok(a["tooDeep.x.x.x"]?.startsWith('{"x":{"x":'), "deep maps beyond the flattening depth stay JSON text");
  });

  test("odd unicode: valid text kept, invalid UTF-8 replaced by U+FFFD", () => {
    const valid = "héllo 中文 😀 \u{10FFFF}";
    const row = one(JSON.stringify({ msg: valid, [valid]: valid, esc: "\u00e9" }));
    assert.equal(row.Body, valid);
    assert.equal(row.LogAttributes[valid], valid);
    // Invalid bytes reach ClickHouse as FluentBit sends them; each bad run becomes one U+FFFD.
    session.query(`TRUNCATE TABLE ${TABLE}`);
    session.query(`INSERT INTO ${INGEST} (time, stream, log, file, node) SELECT '${nowTime()}', 'stdout', concat('{"msg":"a', unhex('FF'), 'b","k":"c', unhex('C0AF'), 'd"}'), '${FILE}', '${NODE}'`);
    session.query(`INSERT INTO ${INGEST} (time, stream, log, file, node) SELECT '${nowTime()}', 'stdout', concat('raw ', unhex('8080'), ' line'), '${FILE}', '${NODE}'`);
    const stored = session.query(`SELECT Body, LogAttributes['k'] FROM ${TABLE} ORDER BY Timestamp FORMAT JSONCompactEachRow`, "JSONCompactEachRow").trim().split("\n");
    assert.deepEqual(stored.map((l) => JSON.parse(l) as unknown), [["a\uFFFDb", "c\uFFFDd"], ["raw \uFFFD line", ""]]);
  });

  test("control characters survive byte for byte", () => {
    const text = 'nul\u0000 bell\u0007 tab\t nl\n cr\r quote" backslash\\ del\u007f esc\u001b end';
    one(JSON.stringify({ msg: text }));
    const stored = session.query(`SELECT hex(Body) FROM ${TABLE}`, "CSV").trim().replaceAll('"', "");
    assert.equal(stored, Buffer.from(text, "utf8").toString("hex").toUpperCase());
  });

  test("enormous input: a 4 MB message is kept, attributes are capped per row", () => {
    const huge = "x".repeat(4 * 1024 * 1024);
    const many: Record<string, number | string> = { msg: "many" };
    for (let i = 0; i < 5000; i++) many[`f${i}`] = i;
    const rows = ingest([{ log: JSON.stringify({ msg: huge }) }, { log: JSON.stringify(many) }]);
    const big = rows.find((r) => r.Body.length > 1000);
    const capped = rows.find((r) => r.Body === "many");
    assert.equal(big?.Body.length, huge.length);
    assert.equal(Object.keys(capped?.LogAttributes ?? {}).length, MAX_ATTRIBUTES + 1);
    assert.equal(capped?.LogAttributes["otel.dropped_attributes_count"], String(5000 + 1 - MAX_ATTRIBUTES));
  });

  test("trace context from pino's OTel fields when valid, else kept as attributes", () => {
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const span = "00f067aa0ba902b7";
    const rows = ingest([
      { log: `{"msg":"t","trace_id":"${trace}","span_id":"${span}","trace_flags":"01"}` },
      { log: `{"msg":"t","trace_id":"${trace.toUpperCase()}","span_id":"${span}","trace_flags":"zz"}` },
      { log: `{"msg":"t","trace_id":"${"0".repeat(32)}","span_id":"${span}","trace_flags":300}` },
      { log: `{"msg":"t","trace_id":"${trace}","trace_flags":1}` },
    ]);
    const own = (r: Row | undefined): Record<string, string> => Object.fromEntries(Object.entries(r?.LogAttributes ?? {}).filter(([k]) => k !== "log.iostream"));
    assert.deepEqual([rows[0]?.TraceId, rows[0]?.SpanId, rows[0]?.TraceFlags], [trace, span, 1]);
    assert.deepEqual(own(rows[0]), {});
    assert.deepEqual([rows[1]?.TraceId, rows[1]?.TraceFlags], ["", 0]);
    assert.deepEqual(own(rows[1]), { trace_id: trace.toUpperCase(), span_id: span, trace_flags: "zz" });
    assert.deepEqual([rows[2]?.TraceId, rows[2]?.TraceFlags, own(rows[2])["trace_flags"]], ["", 0, "300"]);
    assert.deepEqual([rows[3]?.TraceId, rows[3]?.TraceFlags, own(rows[3])["trace_id"]], ["", 1, trace]);
  });

  test("the same chunk inserted twice is stored once, in otel_logs and in the hourly view", () => {
    session.query(`TRUNCATE TABLE ${TABLE}`);
    session.query(`TRUNCATE TABLE ${HOURLY}`);
    const body = [1, 2, 3].map((n) => JSON.stringify({ time: agoTime(0, `00000000${n}`), stream: "stdout", log: `{"count":${n},"msg":"dup"}`, file: FILE, node: NODE })).join("\n");
    for (let i = 0; i < 3; i++) session.query(`${insertQuery(INGEST)}\n${body}\n`);
    assert.equal(session.query(`SELECT count() FROM ${TABLE}`, "TSV").trim(), "3");
    assert.equal(session.query(`SELECT countMerge(LogCount) FROM ${HOURLY}`, "TSV").trim(), "3");
  });
});

interface FullRow extends Row {
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  EventName: string;
}
/** Inserts records shaped as FluentBit sends them (any input) and returns their rows in insert order. */
function ingestRecords(records: readonly (object | string)[], table = INGEST): FullRow[] {
  session.query(`TRUNCATE TABLE ${TABLE}`);
  session.query(`${insertQuery(table)}\n${records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n")}\n`);
  const out = session.query(
    `SELECT toString(Timestamp) AS Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, ScopeName, ScopeVersion, ScopeAttributes, LogAttributes, EventName, RandomNumber, RandomString, toString(Count) AS Count FROM ${TABLE} ORDER BY Timestamp FORMAT JSONEachRow`,
    "JSONEachRow",
  );
  const rows = out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as FullRow);
  assert.equal(rows.length, records.length, "one row per record");
  return rows;
}

describe("the ingest view for every pod and the HTTP inputs, on chDB", () => {
  test("service name: app.kubernetes.io/name, then app, then the container; labels become k8s.pod.label.*", () => {
    const rows = ingestRecords([
      { time: nowTime(), stream: "stdout", log: "a", file: FILE, node: NODE, kubernetes_labels: { "app.kubernetes.io/name": "storefront", app: "web" } },
      { time: nowTime(), stream: "stdout", log: "b", file: FILE, node: NODE, kubernetes_labels: { app: "web", tier: "frontend" } },
      { time: nowTime(), stream: "stdout", log: "c", file: FILE, node: NODE, kubernetes_labels: { tier: "frontend" } },
      { time: nowTime(), stream: "stdout", log: "d", file: FILE, node: NODE },
    ]);
    assert.deepEqual(rows.map((r) => r.ServiceName), ["storefront", "web", POD.container, POD.container]);
    assert.deepEqual(rows[1]?.ResourceAttributes, {
      "k8s.pod.label.app": "web",
      "k8s.pod.label.tier": "frontend",
      "service.name": "web",
      "k8s.namespace.name": POD.namespace,
      "k8s.pod.name": POD.pod,
      "k8s.pod.uid": POD.uid,
      "k8s.container.name": POD.container,
      "k8s.container.restart_count": "0",
      "k8s.node.name": NODE,
    });
  });

  test("a file FluentBit first found under its rotated name (<n>.log.<YYYYMMDD-HHMMSS>) names the same pod; compressed and other files none", () => {
    const dir = FILE.replace(/\/0\.log$/, "");
    const rows = ingest([
      { log: "a", file: `${dir}/12.log.20261121-093724` },
      { log: "b", file: `${dir}/12.log.20261121-093724.gz` },
      { log: "c", file: `${dir}/0.logx` },
    ]);
    assert.deepEqual(rows[0]?.ResourceAttributes, {
      "service.name": POD.container,
      "k8s.namespace.name": POD.namespace,
      "k8s.pod.name": POD.pod,
      "k8s.pod.uid": POD.uid,
      "k8s.container.name": POD.container,
      "k8s.container.restart_count": "12",
      "k8s.node.name": NODE,
    });
    assert.deepEqual(rows.slice(1).map((r) => r.ResourceAttributes), [
      { "service.name": "unknown", "k8s.node.name": NODE },
      { "service.name": "unknown", "k8s.node.name": NODE },
    ]);
  });

  test("a line that is not JSON gets the severity it writes in a common form, else none", () => {
    const cases: [string, string, number][] = [
      ["2026.11.21 10:00:00.123456 [ 42 ] {} <Error> Application: boom", "ERROR", 17],
      ["2026.11.21 10:00:00.123456 [ 42 ] {} <Warning> Context: slow", "WARN", 13],
      ["2026.11.21 10:00:00.123456 [ 42 ] {} <Information> Application: ready", "INFO", 9],
      ['time=2026-11-21T10:00:00Z level=warn msg="disk low"', "WARN", 13],
      ["ts=1 lvl=ERROR caller=main.go:12 msg=x", "ERROR", 17],
      ["[INFO] plugin/reload: Running configuration", "INFO", 9],
      ["[WARNING] plugin/kubernetes: watch closed", "WARN", 13],
      ["[error] upstream timed out", "ERROR", 17],
      ["ERROR: relation does not exist", "ERROR", 17],
      ["FATAL: the database system is shutting down", "FATAL", 21],
      ["2026-11-21T10:00:00.000000Z  INFO static_web_server::server: listening", "INFO", 9],
      ["2026-11-21T10:00:00.000000Z DEBUG static_web_server::handler: GET /", "DEBUG", 5],
      ["GET /cart 200 12ms", "", 0],
      ["an error occurred: nothing in a known form", "", 0],
      ["Error: lowercase prose is not a level", "", 0],
    ];
    const rows = ingest(cases.map(([log]) => ({ log })));
    rows.forEach((row, i) => {
      const [log, text, number] = cases[i] ?? [];
      assert.deepEqual([row.SeverityText, row.SeverityNumber, row.Body], [text, number, log], log);
      assert.deepEqual(row.LogAttributes, { "log.iostream": "stdout" });
    });
  });

  test("klog, Spring Boot / Logback and Go's panics: the severity their lines write; prose that merely looks like them gets none", () => {
    const time = agoTime(HOUR_MS, "000000042");
    const cases: [string, string, number][] = [
      // klog: kube-apiserver, kubelet, client-go (CoreDNS's kubernetes plugin), k3s.
      ['I1207 10:00:00.123456       1 controller.go:123] "Starting controller" controller="endpointslice"', "INFO", 9],
      ["W1207 10:00:00.123456       1 reflector.go:547] k8s.io/client-go/informers/factory.go:160: failed to list *v1.Namespace: Get \"https://10.43.0.1:443/api/v1/namespaces\": dial tcp 10.43.0.1:443: i/o timeout", "WARN", 13],
      ["E1207 10:00:00.123456    1234 leaderelection.go:332] error retrieving resource lock kube-system/k3s: Get \"https://127.0.0.1:6444/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/k3s\": dial tcp 127.0.0.1:6444: connect: connection refused", "ERROR", 17],
      ["F1207 10:00:00.123456    1234 server.go:190] failed to run Kubelet: [ERROR] validate service connection: CRI v1 runtime API is not implemented", "FATAL", 21],
      // Spring Boot 2 (Logback's default pattern: date and time apart) and 3 (ISO 8601, with the application's name).
      ["2026-12-07 10:00:00.123  WARN 1 --- [           main] JpaBaseConfiguration$JpaWebConfiguration : spring.jpa.open-in-view is enabled by default.", "WARN", 13],
      ["2026-12-07 10:00:00.123  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8080 (http) with context path ''", "INFO", 9],
      ["2026-12-07 10:00:00.123 DEBUG 1 --- [nio-8080-exec-1] o.s.web.servlet.DispatcherServlet        : Completed 200 OK", "DEBUG", 5],
      ["2026-12-07T10:00:00.123+01:00 ERROR 1 --- [demo] [           main] o.s.boot.SpringApplication               : Application run failed", "ERROR", 17],
      // Go's runtime.
      ["panic: runtime error: invalid memory address or nil pointer dereference", "FATAL", 21],
      ["panic: something broke", "FATAL", 21],
      ["fatal error: all goroutines are asleep - deadlock!", "FATAL", 21],
      // Not those forms: words starting with I/W/E/F, a klog letter without its time, a panic in mid-line.
      ["Initializing 1207 caches", "", 0],
      ["E1207 is the error code the device returned", "", 0],
      ["Warming up 10:00:00 until ready", "", 0],
      ["2026/12/07 10:00:00 recovered from panic: runtime error: index out of range [3] with length 3", "", 0],
      ["http: panic serving 10.42.0.7:53788: runtime error: slice bounds out of range", "", 0],
      ["2026-12-07 10:00:00.123 the INFO desk opens at 10", "", 0],
    ];
    const rows = ingest(cases.map(([log]) => ({ log, time })));
    const byBody = new Map(rows.map((r) => [r.Body, r]));
    for (const [log, text, number] of cases) {
      const row = byBody.get(log);
      assert.deepEqual(
        [row?.Timestamp, row?.SeverityText, row?.SeverityNumber, row?.ServiceName, row?.Body, row?.LogAttributes],
        [storedTime(time), text, number, POD.container, log, { "log.iostream": "stdout" }],
        log,
      );
    }
  });

  test("JSON lines: the level from log.level (ECS), levelname (Python), severity_text too; Body from msg, message, body, log or text", () => {
    const time = agoTime(HOUR_MS, "000000043");
    const cases: [string, Pick<Row, "SeverityText" | "SeverityNumber" | "Body" | "LogAttributes" | "ScopeName">][] = [
      // ecs-logging (Node.js: pino's ECS formatter); log.level says all it said: it leaves LogAttributes.
      [
        '{"log.level":"error","@timestamp":"2026-12-07T10:00:00.123Z","process.pid":7,"host.hostname":"web-1","ecs.version":"8.10.0","service.name":"checkout","message":"payment failed"}',
        { SeverityText: "ERROR", SeverityNumber: 17, Body: "payment failed", ScopeName: "", LogAttributes: { "@timestamp": "2026-12-07T10:00:00.123Z", "process.pid": "7", "host.hostname": "web-1", "ecs.version": "8.10.0", "service.name": "checkout" } },
      ],
      // ecs-logging (Python): message wins over the `log` map; "warning" is kept beside WARN.
      [
        '{"@timestamp":"2026-12-07T10:00:00.123Z","log.level":"warning","message":"disk low","ecs.version":"1.6.0","log":{"logger":"app","origin":{"file":{"line":12,"name":"app.py"},"function":"check"},"original":"disk low"},"process":{"name":"MainProcess","pid":7}}',
        {
          SeverityText: "WARN",
          SeverityNumber: 13,
          Body: "disk low",
          ScopeName: "",
          LogAttributes: {
            "@timestamp": "2026-12-07T10:00:00.123Z",
            "log.level": "warning",
            "ecs.version": "1.6.0",
            "log.logger": "app",
            "log.origin.file.line": "12",
            "log.origin.file.name": "app.py",
            "log.origin.function": "check",
            "log.original": "disk low",
            "process.name": "MainProcess",
            "process.pid": "7",
          },
        },
      ],
      // python-json-logger ("%(asctime)s %(name)s %(levelname)s %(message)s"): the logger's name is the scope.
      [
        '{"asctime": "2026-12-07 10:00:00,123", "name": "app.db", "levelname": "ERROR", "message": "connection lost", "exc_info": "Traceback (most recent call last):\\n  File \\"db.py\\", line 3"}',
        { SeverityText: "ERROR", SeverityNumber: 17, Body: "connection lost", ScopeName: "app.db", LogAttributes: { asctime: "2026-12-07 10:00:00,123", exc_info: 'Traceback (most recent call last):\n  File "db.py", line 3' } },
      ],
      ['{"asctime": "2026-12-07 10:00:00,124", "levelname": "CRITICAL", "message": "out of disk"}', { SeverityText: "FATAL", SeverityNumber: 21, Body: "out of disk", ScopeName: "", LogAttributes: { asctime: "2026-12-07 10:00:00,124", levelname: "CRITICAL" } }],
      ['{"severity_text":"WARN","severity_number":13,"body":"cache miss"}', { SeverityText: "WARN", SeverityNumber: 13, Body: "cache miss", ScopeName: "", LogAttributes: { severity_number: "13" } }],
      // The first level key present wins, even when it is no level; the others stay.
      ['{"log.level":"info","severity":"ERROR","msg":"first"}', { SeverityText: "INFO", SeverityNumber: 9, Body: "first", ScopeName: "", LogAttributes: { severity: "ERROR" } }],
      ['{"levelname":"verbose","severity_text":"ERROR","msg":"unknown"}', { SeverityText: "", SeverityNumber: 0, Body: "unknown", ScopeName: "", LogAttributes: { levelname: "verbose", severity_text: "ERROR" } }],
      // Only level and severity are numbers; a level letter is klog's, in text only.
      ['{"log.level":50,"levelname":"e","msg":"numbers"}', { SeverityText: "", SeverityNumber: 0, Body: "numbers", ScopeName: "", LogAttributes: { "log.level": "50", levelname: "e" } }],
      // Body: msg before body, message before log; the key used leaves, the others stay.
      ['{"body":"the body key","msg":"the msg key"}', { SeverityText: "", SeverityNumber: 0, Body: "the msg key", ScopeName: "", LogAttributes: { body: "the body key" } }],
      ['{"log":"from log","text":"from text","message":"from message"}', { SeverityText: "", SeverityNumber: 0, Body: "from message", ScopeName: "", LogAttributes: { log: "from log", text: "from text" } }],
      ['{"text":"from text","log":"from log"}', { SeverityText: "", SeverityNumber: 0, Body: "from log", ScopeName: "", LogAttributes: { text: "from text" } }],
      ['{"text":"only text","timestamp":"2026-12-07T10:00:00Z"}', { SeverityText: "", SeverityNumber: 0, Body: "only text", ScopeName: "", LogAttributes: { timestamp: "2026-12-07T10:00:00Z" } }],
      ['{"body":{"k":1},"n":2}', { SeverityText: "", SeverityNumber: 0, Body: '{"k":1}', ScopeName: "", LogAttributes: { n: "2" } }],
    ];
    const rows = ingest(cases.map(([log]) => ({ log, time })));
    const byBody = new Map(rows.map((r) => [r.Body, r]));
    for (const [log, want] of cases) {
      const row = byBody.get(want.Body);
      // A container line keeps the runtime's time and its pod's service, whatever its JSON says.
      assert.deepEqual(
        { Timestamp: row?.Timestamp, ServiceName: row?.ServiceName, SeverityText: row?.SeverityText, SeverityNumber: row?.SeverityNumber, Body: row?.Body, ScopeName: row?.ScopeName, LogAttributes: row?.LogAttributes },
        { Timestamp: storedTime(time), ServiceName: POD.container, ...want, LogAttributes: { "log.iostream": "stdout", ...want.LogAttributes } },
        log,
      );
    }
  });

  test("other loggers' JSON: message is the Body, severity (a name or OTel's number) the severity", () => {
    const rows = ingest([
      { log: '{"message":"m1","severity":"warning"}' },
      { log: '{"message":"m2","severity":"ERROR"}' },
      { log: '{"message":"m3","severity":17}' },
      { log: '{"msg":"m4","message":"kept","level":"info","severity":"ERROR"}' },
      { log: '{"message":{"nested":true}}' },
      { log: '{"event":"no message"}' },
    ]);
    const own = (r: Row | undefined): Record<string, string> => Object.fromEntries(Object.entries(r?.LogAttributes ?? {}).filter(([k]) => k !== "log.iostream"));
    assert.deepEqual([rows[0]?.Body, rows[0]?.SeverityText, rows[0]?.SeverityNumber, own(rows[0])], ["m1", "WARN", 13, { severity: "warning" }]);
    assert.deepEqual([rows[1]?.Body, rows[1]?.SeverityText, rows[1]?.SeverityNumber, own(rows[1])], ["m2", "ERROR", 17, {}]);
    assert.deepEqual([rows[2]?.Body, rows[2]?.SeverityText, rows[2]?.SeverityNumber, own(rows[2])], ["m3", "ERROR", 17, {}]);
    // pino's msg and level win; the others stay as attributes.
    assert.deepEqual([rows[3]?.Body, rows[3]?.SeverityText, own(rows[3])], ["m4", "INFO", { message: "kept", severity: "ERROR" }]);
    assert.equal(rows[4]?.Body, '{"nested":true}');
    assert.deepEqual([rows[5]?.Body, own(rows[5])], ["", { event: "no message" }]);
  });

  test("http input: the posted object is the line; service from its body, else the path", () => {
    const time = agoTime(0, "123456789");
    const rows = ingestRecords([
      { tag: "orders", input: "http", time, log: { message: "hello", level: "warn", service: "checkout", user: { id: 7 } } },
      { tag: "payments", input: "http", time: time.replace("123456789", "123456790"), log: { message: "from path", service: 5 } },
    ]);
    assert.deepEqual(rows[0], {
      Timestamp: time.replace("T", " ").replace("Z", ""),
      TraceId: "",
      SpanId: "",
      TraceFlags: 0,
      SeverityText: "WARN",
      SeverityNumber: 13,
      ServiceName: "checkout",
      Body: "hello",
      ResourceAttributes: { "service.name": "checkout" },
      ScopeName: "",
      ScopeVersion: "",
      ScopeAttributes: {},
      LogAttributes: { "user.id": "7" },
      EventName: "",
      RandomNumber: null,
      RandomString: "",
      Count: "0",
    });
    // A service that is not a string stays an attribute; the path names the service.
    assert.deepEqual([rows[1]?.ServiceName, rows[1]?.LogAttributes], ["payments", { service: "5" }]);
  });

  /** A JSON post as FluentBit's http input sends it now: the object's text as posted, the arrival time, the path. */
  const post = (log: string, time: string, tag = "orders"): object => ({ input: "http", tag, time, node: NODE, log });
  type Relevant = Pick<Row, "Timestamp" | "SeverityText" | "SeverityNumber" | "ServiceName" | "Body" | "LogAttributes">;
  /** The row whose Body is `body`, its columns that a post's keys decide. */
  const relevant = (rows: readonly FullRow[], body: string): Relevant => {
    const r = rows.find((x) => x.Body === body);
    assert.ok(r !== undefined, `a row with Body ${JSON.stringify(body)}`);
    return { Timestamp: r.Timestamp, SeverityText: r.SeverityText, SeverityNumber: r.SeverityNumber, ServiceName: r.ServiceName, Body: r.Body, LogAttributes: r.LogAttributes };
  };

  test("http input: Timestamp from the body's time or timestamp (RFC 3339, epoch s/ms/us/ns), else the arrival time", () => {
    assert.deepEqual(EPOCH_UNITS.map((u) => [u.unit, u.maxDigits]), [["s", 10], ["ms", 13], ["us", 16], ["ns", 19]]);
    const arrival = agoTime(0, "000000001");
    // A whole second an hour ago, as the body writes it.
    const sec = Math.floor(now() / 1000) - 3600;
    const at = (fraction: string): string => storedTime(rfc3339(sec * 1000, fraction));
    const plusOne = new Date((sec + 3600) * 1000).toISOString().slice(0, 19);
    const ahead = sec + 3600 + MAX_FUTURE_SECONDS + 120;
    const near = sec + 3600 + MAX_FUTURE_SECONDS - 120;
    // [body as posted, Timestamp, LogAttributes]; each body's message tells its row.
    const cases: [string, string, Record<string, string>][] = [
      [`{"message":"seconds","time":${sec}}`, at("000000000"), {}],
      [`{"message":"seconds, ns fraction","time":${sec}.123456789}`, at("123456789"), {}],
      [`{"message":"milliseconds","time":${sec}123}`, at("123000000"), {}],
      [`{"message":"milliseconds, fraction","time":${sec}123.4567}`, at("123456700"), {}],
      [`{"message":"microseconds","time":${sec}123456}`, at("123456000"), {}],
      [`{"message":"nanoseconds","time":${sec}123456789}`, at("123456789"), {}],
      [`{"message":"ms as a string","timestamp":"${sec}123"}`, at("123000000"), {}],
      [`{"message":"seconds as a string","time":"${sec}.5"}`, at("500000000"), {}],
      [`{"message":"RFC 3339, ns","timestamp":"${rfc3339(sec * 1000, "987654321")}"}`, at("987654321"), {}],
      [`{"message":"RFC 3339, +01:00","timestamp":"${plusOne}.000000002+01:00"}`, at("000000002"), {}],
      [`{"message":"time before timestamp","timestamp":"yesterday","time":${sec}.000000007}`, at("000000007"), { timestamp: "yesterday" }],
      [`{"message":"within the skew","time":${near}}`, storedTime(rfc3339(near * 1000)), {}],
      // The arrival time, the time as sent kept.
      [`{"message":"too far ahead","time":${ahead}}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: String(ahead) }],
      [`{"message":"far ahead, RFC 3339","timestamp":"2999-01-01T00:00:00Z"}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "2999-01-01T00:00:00Z" }],
      [`{"message":"unreadable","time":"yesterday"}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "yesterday" }],
      [`{"message":"exponent","time":1.7e9}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "1.7e9" }],
      [`{"message":"negative","time":-1}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "-1" }],
      [`{"message":"20 digits","time":17335656001234567890}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "17335656001234567890" }],
      [`{"message":"past DateTime64","time":9300000000000000000}`, storedTime(arrival), { [ORIGINAL_TIME_ATTRIBUTE]: "9300000000000000000" }],
      // Not a time at all: an attribute like any other.
      [`{"message":"a map","time":{"unix":${sec}}}`, storedTime(arrival), { "time.unix": String(sec) }],
      [`{"message":"none"}`, storedTime(arrival), {}],
    ];
    const rows = ingestRecords(cases.map(([log]) => post(log, arrival)));
    for (const [log, Timestamp, LogAttributes] of cases) {
      const Body = (JSON.parse(log) as { message: string }).message;
      assert.deepEqual(relevant(rows, Body), { Timestamp, SeverityText: "", SeverityNumber: 0, ServiceName: "orders", Body, LogAttributes }, log);
    }
    // A body time and an arrival time both unusable: the engine's now; the body's time kept.
    const t0 = now();
    const [row] = ingestRecords([post('{"message":"both bad","time":"2999-01-01T00:00:00Z"}', "garbage")]);
    assert.ok(Math.abs(Date.parse(`${row?.Timestamp.replace(" ", "T") ?? ""}Z`) - t0) < 30_000, `${row?.Timestamp} is now`);
    assert.deepEqual(row?.LogAttributes, { [ORIGINAL_TIME_ATTRIBUTE]: "2999-01-01T00:00:00Z" });
  });

  test("http input: ServiceName from service.name, else service (a non-empty string), else the path; level and body keys as in lines", () => {
    const time = agoTime(0, "000000003");
    const cases: [string, Omit<Relevant, "Timestamp">][] = [
      ['{"message":"both","service.name":"checkout","service":"legacy","log.level":"error"}', { SeverityText: "ERROR", SeverityNumber: 17, ServiceName: "checkout", Body: "both", LogAttributes: { service: "legacy" } }],
      ['{"message":"dotted","service.name":"checkout","levelname":"WARNING"}', { SeverityText: "WARN", SeverityNumber: 13, ServiceName: "checkout", Body: "dotted", LogAttributes: { levelname: "WARNING" } }],
      ['{"body":"plain","service":"billing","severity_text":"Info"}', { SeverityText: "INFO", SeverityNumber: 9, ServiceName: "billing", Body: "plain", LogAttributes: {} }],
      // The first present key decides: not a string (or empty), the path names the service and the keys stay.
      ['{"text":"not a string","service.name":5,"service":"billing"}', { SeverityText: "", SeverityNumber: 0, ServiceName: "orders", Body: "not a string", LogAttributes: { "service.name": "5", service: "billing" } }],
      ['{"msg":"empty","service.name":""}', { SeverityText: "", SeverityNumber: 0, ServiceName: "orders", Body: "empty", LogAttributes: { "service.name": "" } }],
      // A nested map is not looked into (it flattens to an attribute of the same name).
      ['{"log":"nested","service":{"name":"checkout"}}', { SeverityText: "", SeverityNumber: 0, ServiceName: "orders", Body: "nested", LogAttributes: { "service.name": "checkout" } }],
    ];
    const rows = ingestRecords(cases.map(([log]) => post(log, time)));
    for (const [log, want] of cases) assert.deepEqual(relevant(rows, want.Body), { Timestamp: storedTime(time), ...want }, log);
  });

  test("OTLP: each field in the column the Collector's ClickHouse exporter uses", () => {
    const time = agoTime(0, "000000007");
    // As fluent-bit 5.0.7 sends a protobuf record after the Lua stage (gen/fluentbit/lua.ts);
    // __internal__'s own trace_id/span_id are the raw bytes FluentBit cannot render, unused.
    const record = {
      __internal__: {
        group_attributes: {
          resource: { attributes: { "service.name": "checkout", "host.name": "h1", "k8s.pod.ip": "10.0.0.7", tags: ["a", "b"], limits: { cpu: 2 } }, schema_url: "https://opentelemetry.io/schemas/1.26.0" },
          scope: { name: "shop.payments", version: "2.1.0", attributes: { team: "pay", level: 3 } },
        },
        log_metadata: {
          otlp: {
            timestamp: 1,
            severity_number: 17,
            severity_text: "Error",
            attributes: { "order.id": 42, ok: false, amount: 12.5, msg: "an attribute, not the body", level: "not a level", big: "BIG", err: { code: "E1" } },
            trace_id: "\u0003?",
            span_id: "\u0003",
            trace_flags: 1,
            event_name: "payment.failed",
          },
        },
      },
      time,
      trace_id: "5B8EFFF798038103D269B633813FC60C",
      span_id: "eee19b7ec3c1b174",
      log: "payment failed",
    };
    const kvBody = { ...record, time: time.replace("007Z", "008Z"), log: { a: "b", n: 1 }, __internal__: { group_attributes: { resource: { attributes: {} }, scope: {} }, log_metadata: { otlp: {} } }, trace_id: "", span_id: "" };
    // int64's largest, written as FluentBit writes it (JSON.stringify would round it).
    const [row, kv] = ingestRecords([JSON.stringify(record).replace('"BIG"', "9223372036854775807"), kvBody], OTLP_INGEST);
    assert.deepEqual(row, {
      Timestamp: time.replace("T", " ").replace("Z", ""),
      TraceId: "5b8efff798038103d269b633813fc60c",
      SpanId: "eee19b7ec3c1b174",
      TraceFlags: 1,
      SeverityText: "Error",
      SeverityNumber: 17,
      ServiceName: "checkout",
      Body: "payment failed",
      ResourceAttributes: { "service.name": "checkout", "host.name": "h1", "k8s.pod.ip": "10.0.0.7", tags: '["a","b"]', limits: '{"cpu":2}' },
      ScopeName: "shop.payments",
      ScopeVersion: "2.1.0",
      ScopeAttributes: { team: "pay", level: "3" },
      LogAttributes: { "order.id": "42", ok: "false", amount: "12.5", msg: "an attribute, not the body", level: "not a level", big: "9223372036854775807", "err.code": "E1" },
      EventName: "payment.failed",
      RandomNumber: null,
      RandomString: "",
      Count: "0",
    });
    // A map body is its JSON text; no service.name: unknown; nothing else invented.
    assert.deepEqual([kv?.Body, kv?.ServiceName, kv?.SeverityText, kv?.SeverityNumber, kv?.LogAttributes, kv?.ResourceAttributes], ['{"a":"b","n":1}', "unknown", "", 0, {}, {}]);
  });
});

describe("retention: a record older than it is refused and counted, never half-stored (chDB)", () => {
  const { volume: VOLUME, patterns: PATTERNS, attributes: ATTRIBUTES } = tables(names);
  const days = model.settings.retention.logsDays;
  // Ages as in the issue for the default 7 days: 10, 8, 6 and 0 days.
  const ages = [days + 3, days + 1, days - 1, 0].map((d) => d * DAY_MS + 60_000);
  const count = (sql: string): number => Number(session.query(sql, "TSV").trim());

  test("container lines, JSON posts and OTLP records: otel_logs, the hourly rollup, volume and catalog agree; the rest is refused", async () => {
    for (const t of [TABLE, HOURLY, VOLUME, PATTERNS, ATTRIBUTES]) session.query(`TRUNCATE TABLE ${t}`);
    const lines = ages.map((age, i) => ({ time: agoTime(age, `00000000${i}`), stream: "stdout", log: `{"msg":"aged","count":${i}}`, file: FILE, node: NODE }));
    const posts = ages.map((age, i) => ({ time: agoTime(age, `00000001${i}`), input: "http", tag: "orders", log: { message: "aged post", n: i } }));
    const otlp = ages.map((age, i) => ({
      time: agoTime(age, `00000002${i}`),
      log: "aged record",
      trace_id: "",
      span_id: "",
      __internal__: { group_attributes: { resource: { attributes: { "service.name": "checkout" } }, scope: {} }, log_metadata: { otlp: { attributes: { n: i } } } },
    }));
    session.query(`${insertQuery(INGEST)}\n${[...lines, ...posts].map((r) => JSON.stringify(r)).join("\n")}\n`);
    session.query(`${insertQuery(OTLP_INGEST)}\n${otlp.map((r) => JSON.stringify(r)).join("\n")}\n`);

    const kept = 3 * 2;
    // otel_logs drops a part whose rows have all expired in the background, within moments.
    for (let i = 0; i < 100 && count(`SELECT count() FROM ${TABLE}`) > kept; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(count(`SELECT count() FROM ${TABLE}`), kept, "otel_logs: the two younger records of each input");
    assert.equal(count(`SELECT countMerge(LogCount) FROM ${HOURLY}`), kept, "the hourly rollup counts what otel_logs stores");
    assert.equal(count(`SELECT sum(Rows) FROM ${VOLUME} WHERE NOT Refused`), kept, "the volume table counts what otel_logs stores");
    assert.equal(count(`SELECT sum(Rows) FROM ${PATTERNS}`), kept, "the patterns table counts what otel_logs stores");
    assert.equal(count(`SELECT sum(Rows) FROM ${ATTRIBUTES} WHERE Scope = 'ResourceAttributes' AND Key = 'service.name'`), kept, "the attribute catalog counts what otel_logs stores");
    assert.equal(count(`SELECT min(toUnixTimestamp(Timestamp)) FROM ${TABLE}`) * 1000 > now() - days * DAY_MS, true, "nothing stored is older than retention");

    // Counted apart where `npm run report -- refused` looks, per hour of their time and service.
    const refused = new Map<string, number>();
    for (const l of session.query(`${refusedQuery(names, {})} FORMAT JSONEachRow`, "JSONEachRow").split("\n").filter((x) => x !== "")) {
      const r = JSON.parse(l) as { service: string; records: string | number };
      refused.set(r.service, (refused.get(r.service) ?? 0) + Number(r.records));
    }
    assert.deepEqual(Object.fromEntries(refused), { checkout: 2, loggen: 2, orders: 2 });
  });

  test("a retried chunk of old records is counted once", () => {
    session.query(`TRUNCATE TABLE ${VOLUME}`);
    const body = [1, 2].map((n) => JSON.stringify({ time: agoTime((days + 2) * DAY_MS, `00000000${n}`), stream: "stdout", log: `old ${n}`, file: FILE, node: NODE })).join("\n");
    for (let i = 0; i < 3; i++) session.query(`${insertQuery(INGEST)}\n${body}\n`);
    assert.equal(count(`SELECT sum(Rows) FROM ${VOLUME} WHERE Refused`), 2);
  });
});
