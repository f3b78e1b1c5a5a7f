// Process-level tests: spawn the built program (dist/main.js) like Kubernetes would.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { SETTINGS } from "../src/config.ts";
import { STRINGS } from "../src/random.ts";
import { freePort, get, Loggen, runToExit } from "./helpers.ts";

type Rec = Record<string, unknown>;

/** The pino fields every line carries. */
function assertPinoBase(r: Rec, pid: number | undefined, t0: number, t1: number): void {
  assert.ok(Number.isInteger(r["level"]), `level: ${JSON.stringify(r)}`);
  const time = r["time"];
  assert.ok(typeof time === "number" && Number.isInteger(time) && time >= t0 - 1 && time <= t1 + 1, `time (epoch ms): ${JSON.stringify(r)}`);
  assert.equal(r["pid"], pid);
  assert.equal(typeof r["hostname"], "string");
  assert.equal(typeof r["msg"], "string");
  // Every field is a plain string or number: typed columns and LogAttributes take them as they are.
  for (const [k, v] of Object.entries(r)) assert.ok(typeof v === "string" || typeof v === "number", `${k} is ${JSON.stringify(v)}`);
}

// Alone, before the concurrent tests below, so other processes do not stretch its 2 s window.
test("10ms interval for 2 s: ~200 tick lines, valid JSON, contiguous counts; SIGTERM exits 0 with the final line in < 1 s", async () => {
  const port = await freePort();
  const t0 = Date.now();
  const p = new Loggen(["--sleep-duration", "10ms", "--max-number", "7", "--num-strings", "3", "--health-port", String(port)]);
  const started = await p.waitFor("loggen started");
  await sleep(2_000);
  const sigterm = performance.now();
  p.kill("SIGTERM");
  const exit = await p.exited;
  const t1 = Date.now();

  assert.deepEqual([exit.code, exit.signal], [0, null], p.stderr);
  assert.ok(exit.at - sigterm < 1_000, `exit took ${exit.at - sigterm} ms after SIGTERM`);
  assert.equal(p.stderr, "");
  assert.equal(p.partial, "", "stdout ends with a complete line");

  const records = p.records(); // throws on any line that is not JSON
  for (const r of records) assertPinoBase(r, p.child.pid, t0, t1);
  assert.deepEqual(records[0], started);
  assert.equal(started["msg"], "loggen started");
  assert.equal(started["level"], 30);
  assert.equal(started["sleep_duration"], "10ms");
  assert.equal(started["max_number"], 7);
  assert.equal(started["health_port"], port);

  const ticks = records.filter((r) => r["msg"] === "tick");
  assert.ok(ticks.length >= 150 && ticks.length <= 210, `${ticks.length} tick lines in 2 s`);
  ticks.forEach((r, i) => {
    assert.equal(r["level"], 30);
    assert.equal(r["count"], i + 1, "counts are 1, 2, 3, ... without gaps");
    const n = r["random_number"];
    assert.ok(typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 7, `random_number ${n}`);
    assert.ok((STRINGS.slice(0, 3) as readonly unknown[]).includes(r["random_string"]), `random_string ${String(r["random_string"])}`);
  });
  const spanMs = (ticks.at(-1)?.["time"] as number) - (ticks[0]?.["time"] as number);
  assert.ok(spanMs >= 1_400 && spanMs <= 2_100, `ticks span ${spanMs} ms`);

  const last = records.at(-1) ?? assert.fail("no lines");
  assert.equal(records.length, ticks.length + 2, "only the start line, ticks and the stop line");
  assert.deepEqual(
    { msg: last["msg"], level: last["level"], reason: last["reason"], total_count: last["total_count"] },
    { msg: "loggen stopped", level: 30, reason: "SIGTERM", total_count: ticks.length },
  );
  // By loggen's own clock: one line per 10 ms between the start and the stop line.
  const ownSpan = (last["time"] as number) - (started["time"] as number);
  // (+-10: a loaded machine may deliver SIGTERM before a late timer's catch-up runs.)
  assert.ok(Math.abs(ticks.length - ownSpan / 10) <= 10, `${ticks.length} ticks in ${ownSpan} ms`);
});

describe("loggen process", { concurrency: true }, () => {
  test("health endpoints; /ready turns 503 as soon as shutdown begins; the server closes at exit", async () => {
    const port = await freePort();
    const p = new Loggen(["--sleep-duration", "50ms", "--health-port", String(port), "--shutdown-delay", "600ms"]);
    await p.waitFor("loggen started");
    assert.deepEqual(await get(port, "/health"), { status: 200, body: "ok" });
    assert.deepEqual(await get(port, "/ready"), { status: 200, body: "ready" });
    assert.equal((await get(port, "/nope")).status, 404);
    assert.equal((await get(port, "/health", "POST")).status, 404);

    const sigterm = performance.now();
    p.kill("SIGTERM");
    const stopped = await p.waitFor("loggen stopped");
    assert.deepEqual(await get(port, "/ready"), { status: 503, body: "shutting down" });
    assert.deepEqual(await get(port, "/health"), { status: 200, body: "ok" }, "still alive while draining");
    const ticksBefore = p.records().filter((r) => r["msg"] === "tick").length;
    assert.equal(stopped["total_count"], ticksBefore);

    const exit = await p.exited;
    assert.deepEqual([exit.code, exit.signal], [0, null]);
    const took = exit.at - sigterm;
    assert.ok(took >= 550 && took < 2_500, `exit ${took} ms after SIGTERM with a 600ms shutdown delay`);
    assert.equal(p.records().filter((r) => r["msg"] === "tick").length, ticksBefore, "no tick after the stop line");
    assert.equal(p.records().at(-1)?.["msg"], "loggen stopped");
    await assert.rejects(get(port, "/health"), "the server is closed");
  });

  test("after a stall of more than 1 s (SIGSTOP/SIGCONT, like a suspended VM) missed ticks are skipped and reported", async () => {
    const p = new Loggen(["--sleep-duration", "10ms", "--health-port", String(await freePort())]);
    await p.waitFor("loggen started");
    await sleep(200);
    p.kill("SIGSTOP");
    await sleep(1_500);
    p.kill("SIGCONT");
    const warn = await p.waitFor("loggen behind schedule");
    await sleep(200);
    p.kill("SIGTERM");
    assert.equal((await p.exited).code, 0);
    assert.equal(warn["level"], 40);
    const skipped = warn["skipped_ticks"];
    assert.ok(typeof skipped === "number" && Number.isInteger(skipped) && skipped >= 100, `skipped_ticks ${String(skipped)}`);
    const ticks = p.records().filter((r) => r["msg"] === "tick");
    assert.ok(ticks.every((r, i) => r["count"] === i + 1), "count stays contiguous: it counts lines, not slots");
    assert.ok(ticks.length < 120, `${ticks.length} ticks: the stall was not replayed as a burst`);
  });

  test("SIGINT is handled like SIGTERM", async () => {
    const p = new Loggen(["--sleep-duration", "20ms", "--health-port", String(await freePort())]);
    await p.waitFor("loggen started");
    await sleep(100);
    p.kill("SIGINT");
    const exit = await p.exited;
    assert.deepEqual([exit.code, exit.signal], [0, null]);
    const last = p.records().at(-1);
    assert.equal(last?.["msg"], "loggen stopped");
    assert.equal(last?.["reason"], "SIGINT");
  });

  test("a second signal exits at once (128 + signal number)", async () => {
    const port = await freePort();
    const p = new Loggen(["--health-port", String(port), "--shutdown-delay", "20s"]);
    await p.waitFor("loggen started");
    p.kill("SIGTERM");
    await p.waitFor("loggen stopped");
    const second = performance.now();
    p.kill("SIGTERM");
    const exit = await p.exited;
    assert.deepEqual([exit.code, exit.signal], [143, null]);
    assert.ok(exit.at - second < 1_000, `took ${exit.at - second} ms`);
  });

  test("unpaced (--sleep-duration 0s) with --max-lines: exactly N lines through the pipe, none lost", async () => {
    const p = new Loggen(["--sleep-duration", "0s", "--max-lines", "20000", "--health-port", String(await freePort())]);
    const exit = await p.exited;
    assert.deepEqual([exit.code, exit.signal], [0, null], p.stderr);
    assert.equal(p.partial, "");
    const records = p.records();
    const ticks = records.filter((r) => r["msg"] === "tick");
    assert.equal(ticks.length, 20_000);
    assert.ok(ticks.every((r, i) => r["count"] === i + 1));
    assert.equal(records[0]?.["mode"], "unpaced");
    assert.deepEqual([records.at(-1)?.["msg"], records.at(-1)?.["reason"], records.at(-1)?.["total_count"]], ["loggen stopped", "max-lines", 20_000]);
  });

  test("--rate paces the lines (500 lines at 1000/s take about half a second)", async () => {
    const p = new Loggen(["--rate", "1000", "--max-lines", "500", "--sleep-duration", "1h", "--health-port", String(await freePort())]);
    const exit = await p.exited;
    assert.equal(exit.code, 0, p.stderr);
    const records = p.records();
    assert.equal(records[0]?.["mode"], "rate");
    const ticks = records.filter((r) => r["msg"] === "tick");
    assert.equal(ticks.length, 500);
    const span = (ticks.at(-1)?.["time"] as number) - (records[0]?.["time"] as number);
    // The 500th slot is due 500 ms after the start; it cannot come earlier.
    assert.ok(span >= 498 && span < 3_000, `500 lines took ${span} ms`);
  });

  test("environment variables configure the process; flags win over them", async () => {
    const port = await freePort();
    const p = new Loggen(["--num-strings", "2", "--max-lines", "300"], {
      LOGGEN_MAX_NUMBER: "3",
      LOGGEN_NUM_STRINGS: "9",
      LOGGEN_SLEEP_DURATION: "0s",
      LOGGEN_HEALTH_PORT: String(port),
    });
    assert.equal((await p.exited).code, 0, p.stderr);
    const records = p.records();
    assert.deepEqual(
      [records[0]?.["max_number"], records[0]?.["num_strings"], records[0]?.["sleep_duration"], records[0]?.["health_port"]],
      [3, 2, "0s", port],
    );
    const ticks = records.filter((r) => r["msg"] === "tick");
    assert.deepEqual(new Set(ticks.map((r) => r["random_number"])), new Set([0, 1, 2, 3]));
    assert.deepEqual(new Set(ticks.map((r) => r["random_string"])), new Set(["alpha", "beta"]));
  });

  test("health port in use: exit 1, an error line on stdout and one line on stderr", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : assert.fail("no port");
    try {
      const r = await runToExit(["--health-port", String(port)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^loggen: cannot listen on health port ${port}: .*EADDRINUSE.*\\n$`, "u"));
      const line = JSON.parse(r.stdout) as Rec;
      assert.deepEqual([line["level"], line["msg"], line["health_port"], line["error_code"]], [50, "health server failed", port, "EADDRINUSE"]);
      assert.match(String(line["error"]), /EADDRINUSE/u);
    } finally {
      blocker.close();
    }
  });

  test("stdout closed by the reader (EPIPE, like loggen | head): exits 0 quietly", async () => {
    const p = new Loggen(["--sleep-duration", "0s", "--health-port", String(await freePort())]);
    await p.waitFor("tick");
    p.child.stdout.destroy();
    const exit = await Promise.race([p.exited, sleep(5_000, undefined)]);
    if (exit === undefined) {
      p.kill("SIGKILL");
      assert.fail("loggen kept running after its stdout was closed");
    }
    assert.deepEqual([exit.code, exit.signal], [0, null]);
    assert.equal(p.stderr, "");
  });

  test("--help exits 0 and documents every flag and env var; --version", async () => {
    const help = await runToExit(["--help"], { LOGGEN_MAX_NUMBER: "-1" });
    assert.equal(help.code, 0);
    assert.equal(help.stderr, "");
    for (const s of SETTINGS) {
      assert.ok(help.stdout.includes(`--${s.flag}`), s.flag);
      assert.ok(help.stdout.includes(s.env), s.env);
    }
    const version = await runToExit(["--version"]);
    assert.deepEqual([version.code, version.stdout], [0, "loggen 0.1.0"]);
  });
});

describe("invalid configuration: exit 2 and one stderr line naming the flag or variable", { concurrency: 4 }, () => {
  const cases: ReadonlyArray<{ args?: string[]; env?: Record<string, string>; names: string; value: string }> = [
    { args: ["--max-number", "-1"], names: "--max-number", value: "-1" },
    { args: ["--max-number=2147483648"], names: "--max-number", value: "2147483648" },
    { env: { LOGGEN_MAX_NUMBER: "1e9" }, names: "LOGGEN_MAX_NUMBER", value: "1e9" },
    { args: ["--num-strings", "0"], names: "--num-strings", value: "0" },
    { args: ["--num-strings", "11"], names: "--num-strings", value: "11" },
    { env: { LOGGEN_NUM_STRINGS: "11" }, names: "LOGGEN_NUM_STRINGS", value: "11" },
    { args: ["--sleep-duration", "5"], names: "--sleep-duration", value: "5" },
    { args: ["--sleep-duration", "-1s"], names: "--sleep-duration", value: "-1s" },
    { env: { LOGGEN_SLEEP_DURATION: "five seconds" }, names: "LOGGEN_SLEEP_DURATION", value: "five seconds" },
    { args: ["--rate", "2000000"], names: "--rate", value: "2000000" },
    { env: { LOGGEN_RATE: "-5" }, names: "LOGGEN_RATE", value: "-5" },
    { args: ["--max-lines", "1.5"], names: "--max-lines", value: "1.5" },
    { env: { LOGGEN_MAX_LINES: "many" }, names: "LOGGEN_MAX_LINES", value: "many" },
    { args: ["--health-port", "0"], names: "--health-port", value: "0" },
    { args: ["--health-port", "65536"], names: "--health-port", value: "65536" },
    { env: { LOGGEN_HEALTH_PORT: "http" }, names: "LOGGEN_HEALTH_PORT", value: "http" },
    { args: ["--shutdown-delay", "1m"], names: "--shutdown-delay", value: "1m" },
    { env: { LOGGEN_SHUTDOWN_DELAY: "-1s" }, names: "LOGGEN_SHUTDOWN_DELAY", value: "-1s" },
    { args: ["--num-strings", "5"], env: { LOGGEN_NUM_STRINGS: "0" }, names: "LOGGEN_NUM_STRINGS", value: "0" },
    { args: ["--bogus", "1"], names: "--bogus", value: "" },
    { args: ["--max-number"], names: "--max-number", value: "" },
    { args: ["extra"], names: "extra", value: "" },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.args ?? [])} ${JSON.stringify(c.env ?? {})}`, async () => {
      const r = await runToExit(c.args ?? [], c.env ?? {});
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "", "nothing on stdout: no log line for a process that never started");
      assert.match(r.stderr, /^loggen: [^\n]+\n$/u, "exactly one line");
      assert.ok(r.stderr.includes(c.names), `names ${c.names}: ${r.stderr}`);
      if (c.value !== "") assert.ok(r.stderr.includes(`"${c.value}"`), `quotes the value: ${r.stderr}`);
    });
  }
});
