// Contract test: loggen's real output -> container log lines (CRI, as containerd writes them
// under /var/log/pods) -> the records FluentBit's tail input makes of them (the cri multiline
// parser's time/stream/_p/log, path_key `file`, the node) -> FluentBit's own INSERT into the
// ingest table -> the materialized view -> otel_logs, on the real ClickHouse engine: chDB, or
// `clickhouse local` when CLICKHOUSE (a path to the clickhouse binary) is set, as under Nix.
//
// It fails when a row is lost anywhere, when any value differs from what loggen wrote, and
// when the ingest table refuses what FluentBit sends.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { Session } from "chdb";
import { loadModel } from "../gen/model/model.ts";
import { ddlStatements, exampleQueries, hourlyQuery } from "../gen/clickhouse/ddl.ts";
import { tables } from "../gen/clickhouse/tables.ts";
import { insertQuery } from "../gen/fluentbit/config.ts";
import { engineClockEnv, engineNowMs } from "../gen/test/engine-clock.ts";
import { freePort } from "./net.ts";

const ROOT = resolve(import.meta.dirname, "..");
const model = loadModel(ROOT);
const { logs: LOGS, ingest: INGEST } = tables(model.names);
const HOURLY_QUERY = hourlyQuery(model.names);
const EXAMPLE_QUERIES = exampleQueries(model.names);
const TICKS = 300;
// The pod the lines come from, as its log file's path names it, and the node.
const POD = {
  pod_name: "loggen-6f8b9c7d5-x7k2p",
  namespace_name: "otel-demo",
  pod_id: "3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d00",
  container_name: "loggen",
};
const NODE = "otel-demo";
const FILE = `/var/log/pods/${POD.namespace_name}_${POD.pod_name}_${POD.pod_id}/${POD.container_name}/0.log`;
const LEVELS: ReadonlyArray<readonly [number, string, number]> = [
  [10, "TRACE", 1],
  [20, "DEBUG", 5],
  [30, "INFO", 9],
  [40, "WARN", 13],
  [50, "ERROR", 17],
  [60, "FATAL", 21],
];

/** What the contract test needs from ClickHouse: run SQL, insert JSON lines. */
interface Engine {
  query(sql: string): string;
  insert(statement: string, body: string): void;
  close(): void;
}

function chdbEngine(): Engine {
  const s = new Session();
  return {
    query: (sql) => s.query(sql, "TSV").replace(/\n$/, ""),
    insert: (statement, body) => void s.query(`${statement}\n${body}`),
    close: () => s.close(),
  };
}

function clickhouseLocalEngine(bin: string): Engine {
  const dir = mkdtempSync(join(tmpdir(), "contract-ch-"));
  const run = (sql: string, input?: string): string => {
    const r = spawnSync(bin, ["local", "--path", dir, "--format", "TSV", "--query", sql], { input: input ?? "", encoding: "utf8" });
    if (r.status !== 0) throw new Error(`clickhouse local failed (${r.status}): ${r.stderr}`);
    return r.stdout.replace(/\n$/, "");
  };
  return { query: (sql) => run(sql), insert: (statement, body) => void run(statement, body), close: () => rmSync(dir, { recursive: true, force: true }) };
}


/** Runs the real loggen for `ticks` ticks and returns its stdout lines. */
async function runLoggen(ticks: number): Promise<string[]> {
  const dist = join(ROOT, "loggen/dist/main.js");
  const entry = existsSync(dist) ? [dist] : ["--import", "tsx", join(ROOT, "loggen/src/main.ts")];
  const args = [...entry, "--sleep-duration", "10ms", "--max-lines", String(ticks), "--health-port", String(await freePort())];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000, env: engineClockEnv() });
  assert.equal(r.status, 0, `loggen exited ${r.status}: ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "");
}

/** One container log line as the CRI runtime writes it; `ns` is the runtime's receive time. */
function criLine(ns: bigint, line: string): string {
  const d = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  return `${d}.${String(ns % 1_000_000_000n).padStart(9, "0")}Z stdout F ${line}`;
}

/**
 * The record FluentBit's tail input makes of a CRI line: the built-in `cri` multiline
 * parser (regex ^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$, time kept),
 * path_key `file`, the record_modifier's `node`; as the http output's json_lines writes it.
 */
function fluentBitRecord(cri: string): string {
  const m = /^(.+?) (stdout|stderr) (F|P) (.*)$/.exec(cri);
  assert.ok(m, `not a CRI line: ${cri}`);
  const [, time = "", stream = "", p = "", log = ""] = m;
  return JSON.stringify({ time, stream, _p: p, log, file: FILE, node: NODE });
}

describe("contract: loggen -> CRI log -> FluentBit record -> ingest view -> otel_logs", () => {
  let engine: Engine;
  /** The pino lines in the order they were written, with the runtime time each got. */
  let sent: { ns: bigint; line: string; pino: Record<string, unknown> | undefined }[];
  let ticks: Record<string, unknown>[];

  before(async () => {
    const bin = process.env["CLICKHOUSE"];
    engine = bin !== undefined && bin !== "" ? clickhouseLocalEngine(bin) : chdbEngine();
    for (const stmt of ddlStatements(model)) engine.query(stmt);

    const lines = await runLoggen(TICKS);
    // Other things a pino app writes: every level once, and a line that is not JSON.
    // The engine's clock, which loggen shares (gen/test/engine-clock.ts).
    const t0 = engineNowMs((sql) => engine.query(sql));
    lines.push(...LEVELS.map(([level], i) => JSON.stringify({ level, time: t0 + i, pid: 7, hostname: POD.pod_name, msg: `level ${level}` })));
    lines.push("plain text, not JSON");
    // The runtime stamps each line when it reads it: a little after pino's ms time.
    sent = lines.map((line, i) => {
      let pino: Record<string, unknown> | undefined;
      try {
        pino = JSON.parse(line) as Record<string, unknown>;
      } catch {
        pino = undefined;
      }
      const ms = typeof pino?.["time"] === "number" ? pino["time"] : t0 + 1000;
      return { ns: BigInt(ms) * 1_000_000n + 250_000n + BigInt(i), line, pino };
    });
    ticks = sent.flatMap((s) => (s.pino?.["msg"] === "tick" ? [s.pino] : []));

    engine.insert(insertQuery(INGEST), sent.map((s) => fluentBitRecord(criLine(s.ns, s.line))).join("\n"));
  });
  after(() => engine.close());

  const q = (sql: string): string => engine.query(sql);

  it("stores one row per line loggen wrote, none lost, none extra", () => {
    assert.equal(ticks.length, TICKS);
    assert.equal(q(`SELECT count() FROM ${LOGS}`), String(sent.length));
    assert.equal(q(`SELECT count() FROM ${LOGS} WHERE Body = 'tick'`), String(TICKS));
  });

  it("keeps Count contiguous from 1 with the tick's number and string", () => {
    assert.equal(q(`SELECT min(Count), max(Count), uniqExact(Count) FROM ${LOGS} WHERE Body = 'tick'`), `1\t${TICKS}\t${TICKS}`);
    const stored = q(`SELECT Count, RandomNumber, RandomString FROM ${LOGS} WHERE Body = 'tick' ORDER BY Count`);
    assert.equal(stored, ticks.map((t) => `${String(t["count"])}\t${String(t["random_number"])}\t${String(t["random_string"])}`).join("\n"));
  });

  it("stores each line's time to the nanosecond, in UTC, matching pino's millisecond time", () => {
    const stored = q(`SELECT toUnixTimestamp64Nano(Timestamp) FROM ${LOGS} ORDER BY Timestamp`).split("\n");
    assert.deepEqual(stored, sent.map((s) => s.ns.toString()).sort());
    const ms = q(`SELECT toUnixTimestamp64Milli(Timestamp) FROM ${LOGS} WHERE Body = 'tick' ORDER BY Count`).split("\n");
    assert.deepEqual(ms, ticks.map((t) => String(t["time"])));
  });

  it("maps pino levels to OTel severities", () => {
    for (const [level, text, num] of LEVELS) {
      assert.equal(q(`SELECT SeverityText, SeverityNumber FROM ${LOGS} WHERE Body = 'level ${level}'`), `${text}\t${num}`);
    }
    assert.equal(q(`SELECT DISTINCT SeverityText, SeverityNumber FROM ${LOGS} WHERE Body = 'tick'`), "INFO\t9");
  });

  it("keeps a line that is not JSON as the Body, with the demo columns' defaults", () => {
    assert.equal(q(`SELECT RandomNumber IS NULL, RandomString, Count FROM ${LOGS} WHERE Body = 'plain text, not JSON'`), "1\t\t0");
  });

  it("puts the pod's metadata in ResourceAttributes under OTel semantic-convention keys", () => {
    const attrs = q(`SELECT DISTINCT ServiceName, ResourceAttributes['service.name'], ResourceAttributes['k8s.namespace.name'],
      ResourceAttributes['k8s.pod.name'], ResourceAttributes['k8s.pod.uid'], ResourceAttributes['k8s.container.name'],
      ResourceAttributes['k8s.node.name'] FROM ${LOGS}`);
    assert.equal(attrs, ["loggen", "loggen", POD.namespace_name, POD.pod_name, POD.pod_id, POD.container_name, NODE].join("\t"));
    // pino's other fields stay searchable in LogAttributes.
    assert.equal(q(`SELECT DISTINCT LogAttributes['hostname'] FROM ${LOGS} WHERE Body = 'tick'`), String(ticks[0]?.["hostname"]));
  });

  it("keeps the hourly materialized view equal to a GROUP BY over the table", () => {
    const direct = q(`SELECT toStartOfHour(Timestamp) AS Hour, ServiceName, RandomString, count(), avg(RandomNumber), min(RandomNumber), max(RandomNumber)
      FROM ${LOGS} GROUP BY Hour, ServiceName, RandomString ORDER BY Hour, ServiceName, RandomString`);
    assert.equal(q(HOURLY_QUERY), direct);
    assert.ok(direct.split("\n").length >= 2);
  });

  it("answers the design's example queries with what the input implies", () => {
    const byString = new Map<string, number>();
    for (const t of ticks) byString.set(String(t["random_string"]), (byString.get(String(t["random_string"])) ?? 0) + 1);
    const nonTicks = sent.length - ticks.length; // their RandomString is ''
    const expected = [...byString.entries(), ["", nonTicks] as [string, number]].sort(([a], [b]) => (a < b ? -1 : 1));
    assert.equal(q(EXAMPLE_QUERIES.countByString), expected.map(([s, n]) => `${s}\t${n}`).join("\n"));

    const n = Number(ticks[Math.floor(ticks.length / 2)]?.["random_number"]);
    const withN = ticks.filter((t) => t["random_number"] === n).map((t) => String(t["count"]));
    assert.deepEqual(q(EXAMPLE_QUERIES.rowsWithNumber(n)).split("\n").map((l) => l.split("\t")[5]), withN);

    const perMinute = new Map<number, number>();
    for (const s of sent) {
      const minute = Math.floor(Number(s.ns / 1_000_000n) / 60_000) * 60;
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    const series = q(EXAMPLE_QUERIES.perMinute.replace("toStartOfMinute(Timestamp) AS minute", "toUnixTimestamp(toStartOfMinute(Timestamp)) AS minute"));
    assert.equal(series, [...perMinute.entries()].sort(([a], [b]) => a - b).map(([m, c]) => `${m}\t${c}`).join("\n"));
  });

  it("finds the rows a HyperDX search `random_number:N random_string:S` means", () => {
    const t = ticks[0];
    assert.ok(t);
    // HyperDX matches a string field by substring (ILIKE '%S%'): "eta" also finds beta, zeta and theta.
    const needle = String(t["random_string"]).toLowerCase();
    const expected = ticks.filter((x) => x["random_number"] === t["random_number"] && String(x["random_string"]).toLowerCase().includes(needle)).length;
    const where = `(random_number = CAST('${String(t["random_number"])}', 'Float64')) AND (random_string ILIKE '%${String(t["random_string"])}%')`;
    assert.equal(q(`SELECT count() FROM ${LOGS} WHERE ${where}`), String(expected));
  });
});

