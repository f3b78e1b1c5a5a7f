import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { MAX_LAG_MS, MIN_SLEEP_MS, Ticker, type TickerOptions } from "../src/ticker.ts";

interface Recorder {
  readonly ticks: number[];
  readonly skips: number[];
  limits: number;
}

function ticker(opts: Partial<TickerOptions> & Pick<TickerOptions, "intervalNs">): { t: Ticker; r: Recorder } {
  const r: Recorder = { ticks: [], skips: [], limits: 0 };
  const t = new Ticker({
    maxTicks: 0,
    onTick: (c) => r.ticks.push(c),
    onLimit: () => r.limits++,
    onSkip: (n) => r.skips.push(n),
    ...opts,
  });
  return { t, r };
}

const contiguous = (ticks: readonly number[]): boolean => ticks.every((c, i) => c === i + 1);

describe("Ticker", () => {
  test("paced: about one tick per interval, counts contiguous from 1", async () => {
    const { t, r } = ticker({ intervalNs: 5e6 });
    t.start();
    await sleep(300);
    t.stop();
    // 60 slots fall due in 300 ms; timers may fire late under load but are caught up.
    assert.ok(r.ticks.length >= 45 && r.ticks.length <= 61, `${r.ticks.length} ticks`);
    assert.ok(contiguous(r.ticks));
    assert.equal(t.count, r.ticks.length);
    assert.deepEqual(r.skips, []);
  });

  test(`sub-millisecond interval: bursts every >= ${MIN_SLEEP_MS} ms, never before a slot, no polling in between`, async () => {
    // 10,000 ticks/s. The clock is the real one, counted: a ticker that spins until the
    // next slot reads it thousands of times without writing anything.
    let reads = 0;
    const now = (): number => {
      reads++;
      return performance.now();
    };
    const at: number[] = [];
    const { t, r } = ticker({ intervalNs: 0.1e6, now, onTick: (c) => (r.ticks.push(c), at.push(performance.now())) });
    const start = performance.now();
    t.start();
    await sleep(300);
    t.stop();
    const elapsed = performance.now() - start; // 300 ms or more on a loaded machine
    assert.ok(r.ticks.length >= 2_250 && r.ticks.length <= elapsed / 0.1, `${r.ticks.length} ticks in ${elapsed} ms`);
    assert.ok(contiguous(r.ticks));
    // Slot n is due n * 0.1 ms after start() (which read the clock a moment after `start`).
    const early = at.findIndex((ms, i) => ms < start + (i + 1) * 0.1);
    assert.equal(early, -1, `tick ${early + 1} came before its slot`);
    // Bursts: a new one begins where the gap to the previous tick is at least 1 ms.
    const bursts = 1 + at.filter((ms, i) => i > 0 && ms - (at[i - 1] ?? 0) >= 1).length;
    assert.ok(bursts <= elapsed / MIN_SLEEP_MS + 2, `${bursts} bursts in ${elapsed} ms`);
    // One read per tick written, plus three per wakeup (start, the slot not yet due, the next delay).
    assert.ok(reads <= r.ticks.length + 3 * (elapsed / MIN_SLEEP_MS + 5), `${reads} clock reads for ${r.ticks.length} ticks`);
  });

  test("no tick after stop()", async () => {
    const { t, r } = ticker({ intervalNs: 1e6 });
    t.start();
    await sleep(30);
    t.stop();
    const n = r.ticks.length;
    assert.ok(n > 0);
    await sleep(30);
    assert.equal(r.ticks.length, n);
  });

  test("unpaced with a limit: exactly maxTicks, then onLimit once", async () => {
    const { t, r } = ticker({ intervalNs: 0, maxTicks: 50_000 });
    t.start();
    while (r.limits === 0) await sleep(5);
    await sleep(20);
    assert.equal(r.ticks.length, 50_000);
    assert.ok(contiguous(r.ticks));
    assert.equal(r.limits, 1);
  });

  test("unpaced still yields to the event loop (signals and probes get served)", async () => {
    const { t, r } = ticker({ intervalNs: 0 });
    t.start();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sleep(5);
      seen.push(r.ticks.length);
    }
    t.stop();
    // Every timer fired while ticks were being produced, and ticks went on between them.
    assert.ok(seen.every((n, i) => i === 0 || n > (seen[i - 1] ?? 0)), `${seen}`);
  });

  test("catches up ticks that fell due while busy, on the fixed grid", async () => {
    let now = 0;
    const { t, r } = ticker({ intervalNs: 100e6, now: () => now });
    t.start(); // ticks due at 100, 200, 300, ... (fake ms)
    now = 550; // busy for 550 ms: five slots are due when the first timer (100 real ms) fires
    await sleep(140);
    t.stop();
    assert.deepEqual(r.ticks, [1, 2, 3, 4, 5]);
    assert.deepEqual(r.skips, []);
  });

  test(`more than ${MAX_LAG_MS} ms behind: skips the missed slots and reports them`, async () => {
    let now = 0;
    const { t, r } = ticker({ intervalNs: 100e6, now: () => now });
    t.start();
    now = 5_000; // e.g. the VM was suspended: 50 slots are due
    await sleep(150);
    t.stop();
    assert.deepEqual(r.skips, [49]);
    assert.deepEqual(r.ticks, [1], "one line for the overdue slot, count still contiguous");
  });
});
