// Pipeline benchmark: loggen -> CRI log file -> real fluent-bit -> ClickHouse over HTTP.
//
// 1. Throughput, same input, same fluent-bit, one run: LINES loggen lines in a pod's log file,
//    read from the head by
//    - the bare chain: tail -> http INSERT of the raw records into a plain MergeTree table;
//    - the full chain: the generated config (tail + path + pod labels + node -> the ingest
//      table, whose materialized view writes otel_logs, which feeds the hourly rollup and the
//      catalog's views).
//    Rows/s until every line is queryable; FluentBit's and ClickHouse's CPU-seconds per million
//    lines, and what their sum allows on this machine's cores (the ceiling of each chain).
//    Then both configs again, posting to a server that answers at once: FluentBit's own limit.
// 2. Latency at a steady RATE lines/s for SECONDS: emit (the line written to the file) ->
//    queryable (the row seen by a SELECT polling every POLL_MS), p50/p99/max.
//
// fluent-bit: FLUENT_BIT or PATH (prints SKIP without it). ClickHouse: as the pipeline tests
// (checks/pipeline-harness.ts); the output says which. Writes nothing tracked; with
// --write-doc it replaces the pipeline section of docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { tables } from "../gen/clickhouse/tables.ts";
import { labels } from "../gen/k8s/common.ts";
import { loadModel } from "../gen/model/model.ts";
import {
  type ClickHouse,
  criTime,
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
} from "../checks/pipeline-harness.ts";

const LINES = Number(process.env["BENCH_LINES"] ?? 1_000_000);
const RATE = Number(process.env["BENCH_RATE"] ?? 5000);
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 30);
const POLL_MS = 50;
const { names } = loadModel(ROOT);
const LOGS = tables(names).logs;
const RAW_TABLE = `${names.database}.bench_raw_lines`;
const POD = { namespace: names.namespace, pod: "loggen-6f8b9c7d5-bench", uid: "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11", container: "loggen" };

/** utime + stime of a live process, in seconds (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
}
/** Peak resident memory of a live process, in MiB. */
function peakMiB(pid: number | undefined): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** LINES real loggen lines, wrapped as containerd writes them, with distinct ns times. */
async function writeLoggenFile(file: string): Promise<void> {
  const main = process.env["LOGGEN"] ?? resolve(ROOT, "loggen/dist/main.js");
  if (!existsSync(main)) throw new Error(`${main} missing: npm --prefix loggen run build`);
  const r = spawnSync(process.execPath, [main, "--sleep-duration", "0s", "--max-lines", String(LINES), "--health-port", String(await freePort())], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`loggen: ${r.stderr}`);
  const start = nowNs();
  const out = r.stdout
    .split("\n")
    .filter((l) => l.includes('"msg":"tick"'))
    .map((l, i) => `${criTime(start + BigInt(i) * 1000n + 7n)} stdout F ${l}`);
  if (out.length !== LINES) throw new Error(`loggen wrote ${out.length} ticks, not ${LINES}`);
  writeFileSync(file, `${out.join("\n")}\n`);
}

interface Throughput {
  readonly rowsPerSecond: number;
  readonly seconds: number;
  readonly cpuPerMillion: number;
  /** ClickHouse's (server or stand-in) CPU-seconds per million lines; NaN without a process. */
  readonly clickhouseCpuPerMillion: number;
  readonly peakMiB: number;
}

/** Where a chain posts: ClickHouse, or a sink that answers at once (FluentBit alone). */
interface Target {
  readonly server: Pick<ClickHouse, "host" | "port" | "ingestUser">;
  readonly password: string;
  /** Lines stored (or received) so far. */
  stored(): Promise<number>;
  /** The receiving process, for its CPU time; undefined when it is this one or remote. */
  pid(): number | undefined;
}

const intoClickHouse = (ch: ClickHouse, table: string): Target => ({
  server: ch,
  password: ch.ingestPassword,
  stored: async () => Number((await ch.query(`SELECT count() FROM ${table}`)).trim()),
  pid: () => ch.pid(),
});

/** An HTTP server that answers 200 to every request at once and counts the lines posted. */
async function sink(): Promise<Target & { reset(): void; close(): void }> {
  let lines = 0;
  const server = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    req.on("end", () => res.end("Ok.\n"));
  });
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return {
    server: { host: "127.0.0.1", port, ingestUser: "sink" },
    password: "",
    stored: () => Promise.resolve(lines),
    pid: () => undefined,
    reset: () => void (lines = 0),
    close: () => server.close(),
  };
}

async function throughput(target: Target, dir: string, name: string, bare: boolean): Promise<Throughput> {
  const state = join(dir, `fb-${name}`);
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    localConfig(target.server, dir, { stateDir: state, nodeName: "bench", passwordEnv: "BENCH_PASSWORD", logLevel: "warn", ...(bare ? { bare: { table: RAW_TABLE } } : {}) }),
  );
  const receiverCpu0 = cpuSeconds(target.pid());
  const t0 = performance.now();
  const fb = startFluentBit(config, { BENCH_PASSWORD: target.password });
  let rows = 0;
  let cpu = 0;
  let peak = 0;
  while (rows < LINES) {
    await sleep(100);
    if (fb.child.exitCode !== null) throw new Error(`fluent-bit exited: ${fb.log()}`);
    cpu = cpuSeconds(fb.child.pid);
    peak = peakMiB(fb.child.pid);
    rows = await target.stored();
    if (performance.now() - t0 > 600_000) throw new Error(`only ${rows} of ${LINES} rows after 10 min: ${fb.log()}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  // Includes this loop's SELECT count() every 100 ms (the same for both chains).
  const receiverCpu = cpuSeconds(target.pid()) - receiverCpu0;
  await fb.stop();
  if (rows !== LINES) throw new Error(`${rows} rows for ${LINES} lines`);
  return { rowsPerSecond: LINES / seconds, seconds, cpuPerMillion: (cpu / LINES) * 1e6, clickhouseCpuPerMillion: (receiverCpu / LINES) * 1e6, peakMiB: peak };
}

async function latency(ch: ClickHouse, dir: string): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const steady = join(dir, "steady");
  const pod = { ...POD, pod: "loggen-steady" };
  const file = podLogFile(steady, pod);
  writeFileSync(file, "");
  podMetadata(steady, pod, labels(names, "loggen"));
  const config = join(dir, "steady.yaml");
  writeFileSync(
    config,
    localConfig(ch, steady, { stateDir: join(dir, "fb-steady"), nodeName: "bench", passwordEnv: "BENCH_PASSWORD", logLevel: "warn" }),
  );
  const fb = startFluentBit(config, { BENCH_PASSWORD: ch.ingestPassword });
  await sleep(1000);
  const emitted: number[] = []; // count -> emit time (ms, performance clock)
  const seen: number[] = [];
  let done = false;
  const writer = (async () => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      const batch: string[] = [];
      for (; n < due; ) {
        n++;
        batch.push(`${criTime(nowNs())} stdout F {"level":30,"msg":"steady","count":${n}}`);
        emitted[n] = performance.now();
      }
      if (batch.length > 0) appendFileSync(file, `${batch.join("\n")}\n`);
      await sleep(5);
    }
    done = true;
    return n;
  })();
  // Chunks may land out of order: poll above the highest count below which every row was seen.
  let complete = 0;
  const where = `ResourceAttributes['k8s.pod.name'] = 'loggen-steady'`;
  const deadline = performance.now() + (SECONDS + 120) * 1000;
  for (;;) {
    const counts = (await ch.query(`SELECT Count FROM ${LOGS} WHERE ${where} AND Count > ${complete} FORMAT TSV`)).trim();
    const now = performance.now();
    for (const c of counts === "" ? [] : counts.split("\n").map(Number)) seen[c] ??= now;
    while (seen[complete + 1] !== undefined) complete++;
    if (done && complete >= emitted.length - 1) break;
    if (now > deadline) throw new Error(`latency: rows up to count ${complete} of ${emitted.length - 1} arrived, then none`);
    await sleep(POLL_MS);
  }
  const total = await writer;
  await fb.stop();
  const lat: number[] = [];
  for (let c = 1; c <= total; c++) lat.push(((seen[c] ?? NaN) - (emitted[c] ?? NaN)) / 1000);
  lat.sort((a, b) => a - b);
  const at = (q: number): number => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: lat.at(-1) ?? NaN, n: total };
}

async function main(): Promise<void> {
  const missing = missingPipelineEngines();
  if (missing.length > 0) {
    console.log(`SKIP: pipeline benchmark needs ${missing.map((m) => `${m.name} (${m.hint})`).join(", ")}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-pipeline-"));
  const ch = await startClickHouse(dir);
  try {
    await ch.query(`CREATE TABLE ${RAW_TABLE} (time String, stream LowCardinality(String), _p String, log String) ENGINE = MergeTree ORDER BY tuple()`);
    await writeLoggenFile(podLogFile(dir, POD));
    podMetadata(dir, POD, labels(names, "loggen"));
    const version = spawnSync(fluentBitBinary() as string, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
    const bare = await throughput(intoClickHouse(ch, RAW_TABLE), dir, "bare", true);
    const full = await throughput(intoClickHouse(ch, LOGS), dir, "full", false);
    // The same two configs posting to a sink: what FluentBit alone allows, ClickHouse aside.
    const nothing = await sink();
    const bareAlone = await throughput(nothing, dir, "bare-alone", true);
    nothing.reset();
    const fullAlone = await throughput(nothing, dir, "full-alone", false);
    nothing.close();
    const lat = await latency(ch, dir);
    const f = (x: number, d = 0): string => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
    // FluentBit and ClickHouse share the machine: LINES lines need (FluentBit + ClickHouse)
    // CPU-seconds, so no chain can beat cores / (CPU-seconds per line), however it overlaps.
    const cores = cpus().length;
    const usPerLine = (t: Throughput): number => t.cpuPerMillion + t.clickhouseCpuPerMillion;
    const ceiling = (t: Throughput): number => (cores * 1e6) / usPerLine(t);
    const row = (name: string, t: Throughput): string =>
      `| ${name} | ${f(t.rowsPerSecond)} | ${f(t.seconds, 1)} | ${f(t.cpuPerMillion, 1)} | ${f(t.clickhouseCpuPerMillion, 1)} | ${f(ceiling(t))} | ${f(t.peakMiB)} |`;
    const target = 0.6 * bare.rowsPerSecond;
    const report = [
      `Pipeline benchmark (bench/pipeline.ts): ${version}; ClickHouse: ${ch.description}; ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), shared.`,
      `Throughput: ${f(LINES)} loggen lines (CRI, one pod's file), read from the head by each chain in turn.`,
      `| chain | rows/s | s | FluentBit CPU-s per 1M lines | ClickHouse CPU-s per 1M lines | ceiling rows/s on ${cores} cores | FluentBit peak RSS MiB |`,
      `| --- | --- | --- | --- | --- | --- | --- |`,
      row("bare: tail -> http, raw records into a MergeTree table", bare),
      row("full: the generated config -> ingest view -> otel_logs", full),
      `Ratio full/bare: ${f(full.rowsPerSecond / bare.rowsPerSecond, 2)}. Rows stored = lines written in both (${f(LINES)}).`,
      `FluentBit in the full chain: ${f(1e6 / full.cpuPerMillion)} lines per CPU-second.`,
      `FluentBit alone (the same configs posting to a server that answers at once): bare ${f(bareAlone.rowsPerSecond)} lines/s, full ${f(fullAlone.rowsPerSecond)} lines/s (${f(fullAlone.cpuPerMillion, 1)} CPU-s per 1M lines), ${f(fullAlone.rowsPerSecond / bare.rowsPerSecond, 2)}x of the bare chain above.`,
      `CPU per line, FluentBit + ClickHouse: bare ${f(usPerLine(bare), 1)} us, full ${f(usPerLine(full), 1)} us. 0.6x of the bare chain (${f(target)} rows/s) allows at most ${f((cores * 1e6) / target, 1)} us per line on ${cores} cores. (ClickHouse's CPU includes this benchmark's SELECT count() every 100 ms.)`,
      `Latency, emit (line written to the file) -> queryable (seen by a SELECT every ${POLL_MS} ms), steady ${f(RATE)} lines/s for ${SECONDS} s (${f(lat.n)} lines): p50 ${f(lat.p50, 2)} s, p99 ${f(lat.p99, 2)} s, max ${f(lat.max, 2)} s.`,
    ].join("\n");
    console.log(report);
    if (process.argv.includes("--write-doc")) {
      const doc = resolve(ROOT, "docs/benchmarks.md");
      const text = readFileSync(doc, "utf8");
      const begin = "<!-- pipeline benchmark: begin -->";
      const end = "<!-- pipeline benchmark: end -->";
      const block = `${begin}\n\`\`\`\n${report}\n\`\`\`\n${end}`;
      writeFileSync(doc, text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${text.trimEnd()}\n\n${block}\n`);
      console.log(`wrote ${doc}`);
    }
  } finally {
    await ch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
