// Crash storms through the real path (issue: every line exactly once through crashes):
// a pod writes 8,000 lines/s for FAULT_SECONDS (default 120) while fluent-bit is SIGKILLed
// every ~5 s, and, in a second run, while ClickHouse is SIGKILLed every ~7 s. Afterwards
// otel_logs holds every line exactly once and the hourly view equals a GROUP BY over it.
// Slow (minutes): runs only with FAULTS=1 (or REQUIRE_ENGINES=1), and needs fluent-bit.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hourlyQuery } from "../gen/clickhouse/ddl.ts";
import { tables } from "../gen/clickhouse/tables.ts";
import { loadModel } from "../gen/model/model.ts";
import { requireEngine } from "./engines.ts";
import {
  criTime,
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
} from "./pipeline-harness.ts";

const { names } = loadModel(ROOT);
const LOGS = tables(names).logs;
const HOURLY_QUERY = hourlyQuery(names);

const SECONDS = Number(process.env["FAULT_SECONDS"] ?? 120);
const RATE = Number(process.env["FAULT_RATE"] ?? 8000);
// Not an engine but a choice: minutes of crash storms are not part of every test run.
const wanted = process.env["FAULTS"] === "1";
const skip = !wanted
  ? "slow: set FAULTS=1"
  : requireEngine("crash-storm tests", missingPipelineEngines());
if (!wanted) console.log("SKIP: crash-storm tests are slow (minutes); run them with FAULTS=1");

async function storm(victim: "fluent-bit" | "clickhouse", everyMs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `storm-${victim}-`));
  const ch = await startClickHouse(dir);
  const stopAt = Date.now() + SECONDS * 1000;
  try {
    const pod = { namespace: "otel-demo", pod: "storm-0", uid: "00000000-0000-0000-0000-000000000001", container: "storm" };
    const logFile = podLogFile(dir, pod);
    writeFileSync(logFile, "");
    podMetadata(dir, pod, { "app.kubernetes.io/name": "storm" });
    const config = join(dir, "fluent-bit.yaml");
    writeFileSync(
      config,
      localConfig(ch, dir, { stateDir: join(dir, "fb"), nodeName: "storm", passwordEnv: "STORM_PASSWORD", httpPort: await freePort(), logLevel: "warn" }),
    );
    const fb = startFluentBit(config, { STORM_PASSWORD: ch.ingestPassword });
    // The writer: RATE lines/s in 10 ms batches, each line numbered (count) and timestamped.
    let emitted = 0;
    const writer = (async () => {
      const start = Date.now();
      while (Date.now() < stopAt) {
        const due = Math.floor(((Date.now() - start) / 1000) * RATE);
        const batch: string[] = [];
        for (; emitted < due; ) {
          emitted++;
          batch.push(`${criTime(nowNs())} stdout F {"level":30,"count":${emitted},"random_string":"storm","msg":"storm ${emitted}"}`);
        }
        if (batch.length > 0) appendFileSync(logFile, `${batch.join("\n")}\n`);
        await sleep(10);
      }
    })();
    let kills = 0;
    while (Date.now() + everyMs < stopAt) {
      await sleep(everyMs * (0.8 + Math.random() * 0.4));
      if (victim === "fluent-bit") await fb.crash();
      else await ch.crash();
      kills++;
    }
    await writer;
    // Drain: every line stored, then a while longer for late resends to show.
    const stats = async (): Promise<{ rows: number; distinct: number; min: number; max: number }> => {
      const [rows = 0, distinct = 0, min = 0, max = 0] = (await ch.query(`SELECT count(), uniqExact(Count), min(Count), max(Count) FROM ${LOGS} FORMAT TSV`)).trim().split("\t").map(Number);
      return { rows, distinct, min, max };
    };
    let s = await stats();
    for (let i = 0; i < 300 && s.distinct < emitted; i++) {
      await sleep(1000);
      s = await stats();
    }
    await sleep(5000);
    s = await stats();
    const hourly = (await ch.query(`SELECT sum(logs) FROM (${HOURLY_QUERY}) FORMAT TSV`)).trim();
    const grouped = (await ch.query(`SELECT count() FROM ${LOGS} FORMAT TSV`)).trim();
    const perHour = (await ch.query(`SELECT (SELECT groupArray((Hour, ServiceName, RandomString, logs)) FROM (${HOURLY_QUERY})) = (SELECT groupArray((h, s, r, c)) FROM (SELECT toStartOfHour(Timestamp) AS h, ServiceName AS s, RandomString AS r, count() AS c FROM ${LOGS} GROUP BY h, s, r ORDER BY h, s, r)) FORMAT TSV`)).trim();
    console.log(
      `storm ${victim}: ${SECONDS} s at ${RATE} lines/s, ${kills} SIGKILLs every ~${everyMs / 1000} s; ClickHouse: ${ch.description}\n` +
        `  lines emitted ${emitted}, rows stored ${s.rows}, distinct counts ${s.distinct} (${s.min}..${s.max}), duplicates ${s.rows - s.distinct}, missing ${emitted - s.distinct}; hourly view ${hourly} rows vs GROUP BY ${grouped}: ${perHour === "1" ? "equal" : "DIFFERENT"}`,
    );
    await fb.stop();
    assert.equal(s.distinct, emitted, "no line missing");
    assert.equal(s.rows, emitted, "no line stored twice");
    assert.deepEqual([s.min, s.max], [1, emitted]);
    assert.equal(perHour, "1", "otel_logs_hourly equals a GROUP BY over otel_logs");
  } finally {
    await ch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("fluent-bit SIGKILLed every ~5 s under load: nothing lost, nothing twice", { skip, timeout: (SECONDS + 400) * 1000 }, () => storm("fluent-bit", 5000));
test("ClickHouse SIGKILLed every ~7 s under load: nothing lost, nothing twice", { skip, timeout: (SECONDS + 400) * 1000 }, () => storm("clickhouse", 7000));
