// npm run bench: the most tick lines per second loggen sustains, unpaced
// (--sleep-duration 0s), with stdout to /dev/null and to a pipe read by `wc -l`;
// how closely --rate holds a target; and the CPU time paced runs cost. Not a test: it
// prints figures, asserts nothing except that no line was lost on the pipe.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { clockTicks, cpuSeconds, noProcCpu } from "../test/helpers.ts";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const SMALL = 100_000;
const LARGE = 1_100_000;
const REPEATS = 3;
let nextPort = 38_100; // each run gets its own health port; loopback only

const loggenArgs = (lines: number, extra: readonly string[] = []): string[] => [
  MAIN,
  "--sleep-duration",
  "0s",
  "--max-lines",
  String(lines),
  "--health-port",
  String(nextPort++),
  ...extra,
];

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Wall time of one run, stdout to /dev/null. */
async function runToDevNull(lines: number): Promise<number> {
  const fd = openSync("/dev/null", "w");
  const t0 = performance.now();
  const child = spawn(process.execPath, loggenArgs(lines), { stdio: ["ignore", fd, "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  closeSync(fd);
  if (code !== 0) throw new Error(`loggen exited ${code}`);
  return performance.now() - t0;
}

/** Wall time of one run through `loggen | wc -l`; checks that every line arrived. */
function runToPipe(lines: number, extra: readonly string[] = []): number {
  const cmd = `${[process.execPath, ...loggenArgs(lines, extra)].map(quote).join(" ")} | wc -l`;
  const t0 = performance.now();
  const out = execFileSync("/bin/sh", ["-c", cmd], { encoding: "utf8" });
  const ms = performance.now() - t0;
  const expected = lines + 2; // start and stop lines
  if (Number(out.trim()) !== expected) throw new Error(`pipe delivered ${out.trim()} lines, expected ${expected}`);
  return ms;
}

/** Lines per second from two run lengths, so process start-up and exit cancel out. */
async function sustained(run: (lines: number) => number | Promise<number>): Promise<{ best: number; median: number }> {
  const rates: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const small = await run(SMALL);
    const large = await run(LARGE);
    rates.push(((LARGE - SMALL) / (large - small)) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { best: rates.at(-1) ?? 0, median: rates[Math.floor(rates.length / 2)] ?? 0 };
}

function lineBytes(): number {
  const out = execFileSync(process.execPath, loggenArgs(1000), { encoding: "utf8" });
  const ticks = out.split("\n").filter((l) => l.includes('"msg":"tick"'));
  return Math.round(ticks.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) / ticks.length);
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

console.log(`loggen throughput benchmark`);
console.log(`machine: ${availableParallelism()} cores (os.availableParallelism), ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
console.log(
  `workload: unpaced (--sleep-duration 0s), default --max-number 100 and --num-strings 10, ` +
    `tick lines of ~${lineBytes()} bytes; lines/s = (${fmt(LARGE)} - ${fmt(SMALL)}) lines / difference in wall time ` +
    `of the two runs (start-up cancels out); best and median of ${REPEATS}`,
);
const devNull = await sustained(runToDevNull);
console.log(`stdout > /dev/null:   ${fmt(devNull.best)} lines/s (median ${fmt(devNull.median)})`);
const pipe = await sustained(runToPipe);
console.log(`stdout | wc -l:       ${fmt(pipe.best)} lines/s (median ${fmt(pipe.median)}), no line lost`);

/** Achieved --rate, from the start and stop lines' own timestamps (start-up excluded). */
function rateRun(target: number, lines: number): { perSecond: number; seconds: number } {
  // awk passes on the first line, the last line and the line count.
  const cmd = `${[process.execPath, ...loggenArgs(lines, ["--rate", String(target)])].map(quote).join(" ")} | awk 'NR==1{print} END{print; print NR}'`;
  const [first = "", last = "", count = ""] = execFileSync("/bin/sh", ["-c", cmd], { encoding: "utf8" }).trim().split("\n");
  if (Number(count) !== lines + 2) throw new Error(`pipe delivered ${count} lines, expected ${lines + 2}`);
  const ms = (JSON.parse(last) as { time: number }).time - (JSON.parse(first) as { time: number }).time;
  return { perSecond: (lines / ms) * 1000, seconds: ms / 1000 };
}

for (const target of [1_000, 50_000]) {
  const r = rateRun(target, 2 * target);
  console.log(`--rate ${fmt(target)} | awk: ${fmt(r.perSecond)} lines/s over ${r.seconds.toFixed(2)} s (target ${fmt(target)})`);
}

/** CPU seconds of a process's first `seconds` (start-up included), stdout read through a pipe. */
async function cpuOfRun(args: readonly string[], seconds: number, hz: number): Promise<{ cpuS: number; lines: number }> {
  const child = spawn(process.execPath, [MAIN, ...args, "--health-port", String(nextPort++)], { stdio: ["ignore", "pipe", "inherit"] });
  let lines = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  await sleep(seconds * 1000);
  const cpuS = cpuSeconds(child.pid ?? Number.NaN, hz);
  const linesThen = lines;
  child.kill("SIGTERM");
  await closed;
  return { cpuS, lines: linesThen };
}

const CPU_SECONDS = 6;
if (noProcCpu) {
  console.log(`SKIP: CPU time of paced runs: ${noProcCpu}`);
} else {
  const hz = clockTicks();
  console.log(`CPU time (utime + stime, /proc/<pid>/stat) of the first ${CPU_SECONDS} s of a process, start-up included, stdout through a pipe:`);
  const idle = await cpuOfRun(["--sleep-duration", "1h"], CPU_SECONDS, hz);
  console.log(`  idle (--sleep-duration 1h, i.e. start-up only): ${idle.cpuS.toFixed(2)} CPU-s`);
  for (const rate of [1_000, 20_000, 50_000]) {
    const r = await cpuOfRun(["--rate", String(rate)], CPU_SECONDS, hz);
    const share = ((r.cpuS - idle.cpuS) / CPU_SECONDS) * 100;
    console.log(`  --rate ${fmt(rate)}: ${r.cpuS.toFixed(2)} CPU-s for ${fmt(r.lines)} lines (${share.toFixed(1)}% of a core after start-up)`);
  }
}
