// The log path with the real binaries: loggen -> a pod's log file (CRI lines, as containerd
// writes them) -> fluent-bit with the generated local config -> ClickHouse's ingest table ->
// the materialized view -> otel_logs. Every line written arrives exactly once, with the
// runtime's time to the nanosecond and the line's values exactly as written.
// fluent-bit: FLUENT_BIT or PATH. ClickHouse: see checks/pipeline-harness.ts.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { tables } from "../gen/clickhouse/tables.ts";
import { labels } from "../gen/k8s/common.ts";
import { loadModel } from "../gen/model/model.ts";
import { engineClockEnv } from "../gen/test/engine-clock.ts";
import { requireEngine } from "./engines.ts";
import {
  type ClickHouse,
  criTime,
  type FluentBit,
  fluentBitBinary,
  freePort,
  localConfig,
  missingPipelineEngines,
  nowNs,
  podLogFile,
  podMetadata,
  ROOT,
  sleep,
  startClickHouse,
  startFluentBit,
  storedTime,
} from "./pipeline-harness.ts";

const { names } = loadModel(ROOT);
const TABLE = tables(names).logs;
const LINES = 300; // loggen ticks
const RATE = 300; // per second
const NODE = "node-under-test";
const POD = { namespace: "otel-demo", pod: "loggen-6f8b9c7d5-x7k2p", uid: "3b1f0c2e-9a4d-4c7e-8f21-5d6a7b8c9d00", container: "loggen" };

const skip = requireEngine("pipeline tests", missingPipelineEngines());

let dir: string;
let ch: ClickHouse;
let fb: FluentBit;
let logFile: string;
const children: ChildProcess[] = [];

const count = async (where: string): Promise<number> => Number((await ch.query(`SELECT count() FROM ${TABLE} WHERE ${where}`)).trim());
/** Waits until `expected` rows match, then a little longer: a late duplicate would show. */
async function settle(where: string, expected: number): Promise<number> {
  let seen = 0;
  for (let i = 0; i < 600 && seen < expected; i++) {
    if (fb.child.exitCode !== null) throw new Error(`fluent-bit exited ${fb.child.exitCode}: ${fb.log()}`);
    await sleep(100);
    seen = await count(where);
  }
  await sleep(2000);
  return count(where);
}

describe("pipeline: real fluent-bit into ClickHouse", () => {
  before(async () => {
    if (skip !== false) return;
    dir = mkdtempSync(join(tmpdir(), "pipeline-"));
    ch = await startClickHouse(dir);
    console.log(`pipeline: fluent-bit ${fluentBitBinary()}; ClickHouse: ${ch.description}`);
    logFile = podLogFile(dir, POD);
    writeFileSync(logFile, "");
    // The labels the generated Deployment gives loggen's pods, where the kubernetes filter finds them.
    podMetadata(dir, POD, labels(names, "loggen"));
    const passwordEnv = "PIPELINE_INGEST_PASSWORD";
    const config = join(dir, "fluent-bit.yaml");
    writeFileSync(
      config,
      localConfig(ch, dir, { stateDir: join(dir, "fluent-bit"), nodeName: NODE, passwordEnv, httpPort: await freePort() }),
    );
    fb = startFluentBit(config, { [passwordEnv]: ch.ingestPassword });
  });
  after(async () => {
    if (skip !== false) return;
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await fb?.stop();
    await ch?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("every line loggen writes arrives exactly once, with the runtime's time to the nanosecond", { skip, timeout: 180_000 }, async () => {
    const loggenMain = process.env["LOGGEN"] ?? resolve(ROOT, "loggen/dist/main.js");
    assert.ok(existsSync(loggenMain), `${loggenMain} missing: build loggen first (npm --prefix loggen run build) or set LOGGEN`);
    const loggen = spawn(process.execPath, [loggenMain, "--max-lines", String(LINES), "--rate", String(RATE), "--health-port", String(await freePort())], {
      env: engineClockEnv(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(loggen);
    // Fractions that a double cannot carry (a parse through one is a nanosecond off).
    const odd = [500_668_410n, 1n, 999_999_999n, 123_456_789n];
    const written = new Map<number, string>(); // tick count -> CRI time
    let lines = 0;
    for await (const line of createInterface({ input: loggen.stdout as NodeJS.ReadableStream })) {
      const ns = nowNs();
      const time = criTime(lines < odd.length ? (ns / 1_000_000_000n) * 1_000_000_000n + (odd[lines] ?? 0n) : ns);
      appendFileSync(logFile, `${time} stdout F ${line}\n`);
      lines++;
      const tick = JSON.parse(line) as { msg?: string; count?: number };
      if (tick.msg === "tick" && tick.count !== undefined) written.set(tick.count, time);
    }
    assert.equal(written.size, LINES, "loggen wrote every tick");
    // A line that is not JSON arrives too, as its own text.
    const raw = `not json: pipeline test ${process.pid}`;
    appendFileSync(logFile, `${criTime(nowNs())} stderr F ${raw}\n`);
    lines++;

    const where = `LogAttributes['pid'] = '${loggen.pid}' OR Body = '${raw}'`;
    assert.equal(await settle(where, lines), lines, `rows for ${lines} lines; fluent-bit said:\n${fb.log()}`);
    const ticks = (await ch.query(`SELECT Count, toString(Timestamp) FROM ${TABLE} WHERE LogAttributes['pid'] = '${loggen.pid}' AND Body = 'tick' ORDER BY Count FORMAT TSV`))
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    assert.deepEqual(ticks.map(([c]) => Number(c)), Array.from({ length: LINES }, (_, i) => i + 1), "Count 1..N, each once");
    for (const [c, ts] of ticks) assert.equal(ts, storedTime(written.get(Number(c)) ?? ""), `tick ${c}: the runtime's time, to the nanosecond`);
    const rawRow = (await ch.query(`SELECT SeverityNumber, LogAttributes['log.iostream'] FROM ${TABLE} WHERE Body = '${raw}' FORMAT TSV`)).trim();
    assert.equal(rawRow, "0\tstderr");
    const resource = JSON.parse(await ch.query(`SELECT ServiceName, ResourceAttributes FROM ${TABLE} WHERE Body = '${raw}' FORMAT JSONEachRow`)) as unknown;
    assert.deepEqual(resource, {
      ServiceName: "loggen",
      ResourceAttributes: {
        ...Object.fromEntries(Object.entries(labels(names, "loggen")).map(([k, v]) => [`k8s.pod.label.${k}`, v])),
        "service.name": "loggen",
        "k8s.namespace.name": POD.namespace,
        "k8s.pod.name": POD.pod,
        "k8s.pod.uid": POD.uid,
        "k8s.container.name": POD.container,
        "k8s.container.restart_count": "0",
        "k8s.node.name": NODE,
      },
    });
  });

  test("numbers, nulls and unknown levels arrive exactly as written", { skip, timeout: 60_000 }, async () => {
    const id = `numbers-${process.pid}`;
    // Written as text: JSON.stringify would round them.
    const line = `{"level":99,"msg":"${id}","max":9223372036854775807,"min":-9223372036854775808,"two63":9223372036854775808,"two64":18446744073709551616,"below":-9223372036854775809,"huge":1e400,"pi":3.14159265358979323846,"one":1.0,"none":null,"nested":{"n":null,"big":18446744073709551616},"list":[1e400,null,"x"]}`;
    appendFileSync(logFile, `${criTime(nowNs())} stdout F ${line}\n`);
    assert.equal(await settle(`Body = '${id}'`, 1), 1, fb.log());
    const row = JSON.parse(await ch.query(`SELECT SeverityText, SeverityNumber, LogAttributes FROM ${TABLE} WHERE Body = '${id}' FORMAT JSONEachRow`)) as unknown;
    assert.deepEqual(row, {
      SeverityText: "FATAL",
      SeverityNumber: 21,
      LogAttributes: {
        "log.iostream": "stdout",
        level: "99",
        max: "9223372036854775807",
        min: "-9223372036854775808",
        two63: "9223372036854775808",
        two64: "18446744073709551616",
        below: "-9223372036854775809",
        huge: "1e400",
        pi: "3.14159265358979323846",
        one: "1.0",
        none: "null",
        "nested.n": "null",
        "nested.big": "18446744073709551616",
        list: '[1e400,null,"x"]',
      },
    });
  });
});
