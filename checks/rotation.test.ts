// Log rotation through the real path (issue 23): a pod writes 3,000 CRI lines/s, each a pino
// JSON line with a unique increasing count, while its 0.log is rotated as the runtimes do it,
// and otel_logs must hold every count exactly once, under its pod.
// - The kubelet's way (pkg/kubelet/logs/container_log_manager.go): every monitor interval
//   (containerLogMonitorInterval, 10 s) a file past containerLogMaxSize is renamed to
//   0.log.<YYYYMMDD-HHMMSS>, after removing the oldest rotated files beyond
//   containerLogMaxFiles (5 files in all) and compressing every other rotated file to .gz
//   (through a .tmp); the runtime keeps writing into the renamed file until it reopens 0.log.
// - At once on size, as Docker's json-file rotates (max-size), with the kubelet's names and
//   clean-up: 1 MiB is ~2.3 s at this rate, so the previous file is compressed ~2.3 s after
//   its rename.
// Runs: 10 MiB the kubelet's way; 1 MiB at once; 1 MiB with FluentBit SIGKILLed at a
// rotation in the middle (between the rename and the runtime's reopen, so the renamed file
// holds lines FluentBit has not read); 1 MiB with ClickHouse unreachable for 60 s.
// Each prints a row: rotations, lines written, rows stored, missing, duplicated, rows without
// their pod, FluentBit's CPU per line (user+sys from /proc/<pid>/stat over the rows stored).
// fluent-bit: FLUENT_BIT or PATH. ClickHouse: see checks/pipeline-harness.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { tables } from "../gen/clickhouse/tables.ts";
import { loadModel } from "../gen/model/model.ts";
import { requireEngine } from "./engines.ts";
import {
  type ClickHouse,
  criTime,
  engineNow,
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
} from "./pipeline-harness.ts";

const { names } = loadModel(ROOT);
const LOGS = tables(names).logs;
const RATE = 3000; // lines per second
const MIB = 1024 * 1024;
/** The kubelet's defaults: containerLogMaxFiles, containerLogMonitorInterval. */
const MAX_FILES = 5;
const MONITOR_MS = 10_000;
/** How long the runtime writes into the renamed file before it opens a new 0.log (a CRI round trip). */
const REOPEN_MS = 20;
const SERVICE = "rotation";
const POD = { namespace: "otel-demo", pod: "rotation-7c9d8f6b5-q2w3e", uid: "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", container: "writer" };

const skip = requireEngine("rotation tests", missingPipelineEngines());

interface Scenario {
  readonly name: string;
  /** Rotate past this size. */
  readonly size: number;
  /** The kubelet checks sizes every MONITOR_MS; otherwise the file is rotated as soon as it is past `size`. */
  readonly monitor: boolean;
  readonly seconds: number;
  readonly fault?: { readonly kind: "kill" } | { readonly kind: "clickhouse"; readonly atSeconds: number; readonly forSeconds: number };
}

interface Result {
  readonly rotations: number;
  readonly written: number;
  readonly rows: number;
  readonly distinct: number;
  readonly missing: number;
  readonly duplicated: number;
  readonly withoutPod: number;
  readonly cpuUsPerLine: number;
  readonly note: string;
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
/** user + sys CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** FluentBit's CPU over its lifetimes: counted up to each SIGKILL, then from the new process's start. */
class CpuMeter {
  private spent = 0;
  private base: number;
  constructor(private readonly fb: FluentBit) {
    this.base = cpuSeconds(fb.child.pid);
  }
  async crash(): Promise<void> {
    this.spent += cpuSeconds(this.fb.child.pid) - this.base;
    await this.fb.crash();
    this.base = cpuSeconds(this.fb.child.pid);
  }
  total(): number {
    return this.spent + cpuSeconds(this.fb.child.pid) - this.base;
  }
}

/** The kubelet's rotated-file name: <log>.<YYYYMMDD-HHMMSS>. */
const rotatedName = (log: string): string => `${log}.${new Date(engineNow()).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}`;

/**
 * The kubelet's rotateLog, before its rename: drop leftover .tmp files and plain files already
 * compressed, remove the oldest rotated files beyond MAX_FILES - 2 (the live file and the one
 * about to be renamed make MAX_FILES), compress the others to .gz through a .tmp.
 */
function kubeletCleanUp(log: string): void {
  const dir = dirname(log);
  const all = readdirSync(dir).filter((n) => n.startsWith(`${basename(log)}.`));
  const inUse = all.filter((n) => !n.endsWith(".tmp") && !all.includes(`${n}.gz`));
  for (const n of all.filter((n) => !inUse.includes(n))) unlinkSync(join(dir, n));
  const sorted = inUse.sort();
  const excess = Math.max(0, sorted.length - (MAX_FILES - 2));
  for (const n of sorted.slice(0, excess)) unlinkSync(join(dir, n));
  for (const n of sorted.slice(excess)) {
    if (n.endsWith(".gz")) continue;
    const plain = join(dir, n);
    writeFileSync(`${plain}.tmp`, gzipSync(readFileSync(plain)));
    renameSync(`${plain}.tmp`, `${plain}.gz`);
    unlinkSync(plain);
  }
}

async function run(s: Scenario): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "rotation-"));
  let ch: ClickHouse | undefined;
  let fb: FluentBit | undefined;
  try {
    ch = await startClickHouse(dir);
    const log = podLogFile(dir, POD);
    writeFileSync(log, "");
    podMetadata(dir, POD, { "app.kubernetes.io/name": SERVICE });
    const config = join(dir, "fluent-bit.yaml");
    writeFileSync(config, localConfig(ch, dir, { stateDir: join(dir, "fb"), nodeName: "rotation", passwordEnv: "ROTATION_PASSWORD", httpPort: await freePort() }));
    fb = startFluentBit(config, { ROTATION_PASSWORD: ch.ingestPassword });
    await sleep(1000);
    if (fb.child.exitCode !== null) throw new Error(`fluent-bit exited ${fb.child.exitCode}: ${fb.log()}`);
    const cpu = new CpuMeter(fb);
    const run = `rotation-${process.pid}-${Date.now()}`;
    let note = "";

    // The runtime: RATE lines/s in 10 ms batches into the file it has open.
    let fd = openSync(log, "a");
    let size = 0;
    let written = 0;
    let rotations = 0;
    let reopenAt: number | undefined; // renamed, not yet reopened
    let nextCheck = Date.now() + MONITOR_MS;
    let killed = false;
    let outage: Promise<void> | undefined;
    const start = Date.now();
    const end = start + s.seconds * 1000;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - start) / 1000) * RATE);
      const batch: string[] = [];
      for (; written < due; ) {
        written++;
        batch.push(`${criTime(nowNs())} stdout F {"level":30,"time":${engineNow()},"pid":${process.pid},"hostname":"${POD.pod}","count":${written},"random_string":"${run}","msg":"rotation ${written}"}`);
      }
      if (batch.length > 0) {
        const text = `${batch.join("\n")}\n`;
        writeSync(fd, text);
        size += Buffer.byteLength(text);
      }
      const now = Date.now();
      if (reopenAt !== undefined && now >= reopenAt) {
        closeSync(fd);
        fd = openSync(log, "a");
        size = 0;
        reopenAt = undefined;
      }
      const check = !s.monitor || now >= nextCheck;
      if (s.monitor && check) nextCheck += MONITOR_MS;
      const rotated = rotatedName(log);
      // Two rotations in one second would need the same name: the next check does it.
      if (reopenAt === undefined && check && size >= s.size && !existsSync(rotated)) {
        kubeletCleanUp(log);
        renameSync(log, rotated);
        rotations++;
        reopenAt = Date.now() + REOPEN_MS;
        if (s.fault?.kind === "kill" && !killed && now - start >= (s.seconds * 1000) / 2) {
          killed = true;
          await cpu.crash();
          note = `SIGKILL after rotation ${rotations}`;
        }
      }
      const fault = s.fault;
      if (fault?.kind === "clickhouse" && outage === undefined && now - start >= fault.atSeconds * 1000) {
        // SIGKILLed, and started again on the same port and data 60 s later: connections refused meanwhile.
        outage = ch.crash(fault.forSeconds * 1000);
        note = `ClickHouse down ${fault.atSeconds}-${fault.atSeconds + fault.forSeconds} s`;
      }
      await sleep(10);
    }
    closeSync(fd);
    await outage;

    // Drain: every count stored, or no progress for 45 s (retries back off to 30 s); then a
    // while longer, for a late duplicate to show.
    const stats = async (): Promise<{ rows: number; distinct: number; min: number; max: number; withoutPod: number }> => {
      const [rows = 0, distinct = 0, min = 0, max = 0, withoutPod = 0] = (
        await (ch as ClickHouse).query(
          `SELECT count(), uniqExact(Count), min(Count), max(Count), countIf(ResourceAttributes['k8s.pod.name'] != '${POD.pod}' OR ServiceName != '${SERVICE}') FROM ${LOGS} WHERE RandomString = '${run}' FORMAT TSV`,
        )
      )
        .trim()
        .split("\t")
        .map(Number);
      return { rows, distinct, min, max, withoutPod };
    };
    let st = await stats();
    let lastRows = st.rows;
    let stalledSince = Date.now();
    while (st.distinct < written && Date.now() - stalledSince < 45_000) {
      if (fb.child.exitCode !== null) throw new Error(`fluent-bit exited ${fb.child.exitCode}: ${fb.log()}`);
      await sleep(1000);
      st = await stats();
      if (st.rows !== lastRows) [lastRows, stalledSince] = [st.rows, Date.now()];
    }
    await sleep(3000);
    st = await stats();
    if (st.rows > 0) assert.deepEqual([st.min >= 1, st.max <= written], [true, true], "only counts that were written");
    return {
      rotations,
      written,
      rows: st.rows,
      distinct: st.distinct,
      missing: written - st.distinct,
      duplicated: st.rows - st.distinct,
      withoutPod: st.withoutPod,
      cpuUsPerLine: st.rows > 0 ? (cpu.total() / st.rows) * 1e6 : 0,
      note,
    };
  } finally {
    await fb?.stop();
    await ch?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number): string => n.toLocaleString("en-US");
const mib = (bytes: number): string => `${bytes / MIB} MiB`;

const SCENARIOS: readonly Scenario[] = [
  { name: "10 MiB, the kubelet's way (checked every 10 s)", size: 10 * MIB, monitor: true, seconds: 60 },
  { name: "1 MiB, at once on size", size: MIB, monitor: false, seconds: 40 },
  { name: "1 MiB, at once on size, FluentBit SIGKILLed once", size: MIB, monitor: false, seconds: 40, fault: { kind: "kill" } },
  { name: "1 MiB, at once on size, ClickHouse unreachable 60 s", size: MIB, monitor: false, seconds: 70, fault: { kind: "clickhouse", atSeconds: 5, forSeconds: 60 } },
];

describe(`rotation at ${fmt(RATE)} lines/s: every line stored once, under its pod`, () => {
  for (const s of SCENARIOS) {
    const url = s.fault?.kind === "clickhouse" && process.env["CLICKHOUSE_URL"] ? "CLICKHOUSE_URL: a server this test did not start cannot be taken down" : false;
    test(s.name, { skip: skip || url, timeout: (s.seconds + 150) * 1000 }, async () => {
      const r = await run(s);
      console.log(
        [
          `rotation (${fluentBitBinary()}): ${s.name}${r.note ? `; ${r.note}` : ""}`,
          "| rotation | rotations | lines written | rows stored | missing | duplicated | without their pod | FluentBit CPU per line |",
          "| --- | --- | --- | --- | --- | --- | --- | --- |",
          `| ${mib(s.size)}${s.monitor ? " (every 10 s)" : ""} | ${r.rotations} | ${fmt(r.written)} | ${fmt(r.rows)} | ${fmt(r.missing)} | ${fmt(r.duplicated)} | ${fmt(r.withoutPod)} | ${r.cpuUsPerLine.toFixed(1)} us |`,
        ].join("\n"),
      );
      assert.ok(r.rotations >= (s.monitor ? 1 : 10), `rotated ${r.rotations} times`);
      assert.equal(r.missing, 0, "no line missing");
      assert.equal(r.duplicated, 0, "no line stored twice");
      assert.equal(r.withoutPod, 0, "every row under its pod: namespace, pod, uid and container from the file's path (rotated names too), ServiceName from its labels");
    });
  }
});
