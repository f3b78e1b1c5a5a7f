import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { osSeededRng, pick, randomIntInclusive, seededRng, STRINGS, stringsFor, xoshiro128, type Rng } from "../src/random.ts";
import { tickSource } from "../src/tick.ts";

// Statistical checks use fixed seeds (so they are deterministic) with bounds that a
// correct generator passes by a wide margin; the OS-seeded generator only gets bounds
// dozens of standard deviations wide, so these tests cannot flake.

/** Pearson's chi-squared statistic of observed counts against a uniform expectation. */
function chiSquared(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

function histogram(draw: () => number, bins: number, samples: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < samples; i++) {
    const v = draw();
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

describe("seededRng", () => {
  test("xoshiro128** matches the reference C implementation (state 1, 2, 3, 4)", () => {
    // Printed by prng.di.unimi.it/xoshiro128starstar.c compiled with gcc.
    const rng = xoshiro128([1, 2, 3, 4]);
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
    assert.deepEqual(Array.from({ length: 10 }, () => rng.nextUint32()), expected);
  });

  test("the same seed gives the same sequence, another seed another one", () => {
    const seq = (seed: number) => Array.from({ length: 8 }, ((r: Rng) => () => r.nextUint32())(seededRng(seed)));
    assert.deepEqual(seq(42), seq(42));
    assert.notDeepEqual(seq(42), seq(43));
    assert.notDeepEqual(seq(0), new Array(8).fill(0), "seed 0 must not give a dead all-zero state");
  });

  test("outputs are 32-bit unsigned integers with every bit varying", () => {
    const rng = seededRng(7);
    let ones = 0;
    let zeros = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = rng.nextUint32();
      assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32, `${v}`);
      ones |= v;
      zeros |= ~v;
    }
    assert.equal(ones >>> 0, 0xffffffff);
    assert.equal(zeros >>> 0, 0xffffffff);
  });
});

describe("randomIntInclusive", () => {
  test("stays in [0, max] and reaches both ends", () => {
    const rng = seededRng(1);
    for (const max of [0, 1, 3, 7, 100, 1000]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < 20_000; i++) {
        const v = randomIntInclusive(rng, max);
        assert.ok(Number.isInteger(v) && v >= 0 && v <= max, `max ${max}: ${v}`);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      assert.equal(lo, 0, `max ${max}: 0 never drawn`);
      assert.equal(hi, max, `max ${max}: max never drawn`);
    }
  });

  test("is uniform: chi-squared over 11 values, fixed seeds", () => {
    // 10 degrees of freedom: P(chi2 > 35.6) = 1e-4; a modulo bias or off-by-one is far above.
    for (const seed of [1, 2, 3]) {
      const rng = seededRng(seed);
      const chi2 = chiSquared(histogram(() => randomIntInclusive(rng, 10), 11, 110_000));
      assert.ok(chi2 < 35.6, `seed ${seed}: chi2 = ${chi2}`);
    }
  });

  test("is uniform at the top of the range (max-number 2147483647)", () => {
    const max = 2_147_483_647;
    const rng = seededRng(5);
    const n = 100_000;
    let sum = 0;
    let upperHalf = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = randomIntInclusive(rng, max);
      assert.ok(Number.isInteger(v) && v >= 0 && v <= max);
      sum += v;
      if (v > max / 2) upperHalf++;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // The mean's standard deviation is max / sqrt(12 n) ~ 0.09 % of max.
    assert.ok(Math.abs(sum / n / max - 0.5) < 0.01, `mean ${sum / n}`);
    assert.ok(Math.abs(upperHalf / n - 0.5) < 0.01, `upper half ${upperHalf / n}`);
    assert.ok(lo < max * 0.001 && hi > max * 0.999, `spread ${lo}..${hi}`);
  });

  test("the OS-seeded generator is uniform too (loose bounds)", () => {
    const rng = osSeededRng();
    const counts = histogram(() => randomIntInclusive(rng, 9), 10, 100_000);
    // Expected 10,000 per value with a standard deviation of ~95: 8,000..12,000 is > 20 sigma.
    for (const [v, c] of counts.entries()) assert.ok(c > 8_000 && c < 12_000, `value ${v}: ${c}`);
  });

  test("rejects draws from the partial top block (no modulo bias)", () => {
    // For n = 3 the accepted draws are 0 .. 2^32 - 2; 2^32 - 1 would favour 0 and is redrawn.
    const draws = [2 ** 32 - 1, 5];
    const fake: Rng = { nextUint32: () => draws.shift() ?? assert.fail("drew too often") };
    assert.equal(randomIntInclusive(fake, 2), 2);
    assert.equal(draws.length, 0);
  });

  test("refuses a max it cannot serve", () => {
    const rng = seededRng(1);
    for (const max of [-1, 1.5, 2 ** 32, NaN]) assert.throws(() => randomIntInclusive(rng, max), RangeError, `${max}`);
    assert.ok(randomIntInclusive(rng, 2 ** 32 - 1) < 2 ** 32);
  });
});

describe("strings", () => {
  test("the ten names in their documented order", () => {
    assert.deepEqual(STRINGS, ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]);
  });

  test("num-strings N uses exactly the first N, each about equally often", () => {
    const rng = seededRng(11);
    for (let n = 1; n <= 10; n++) {
      const subset = stringsFor(n);
      assert.deepEqual(subset, STRINGS.slice(0, n));
      const samples = 5_000 * n;
      const counts = new Map<string, number>();
      for (let i = 0; i < samples; i++) {
        const s = pick(rng, subset);
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      assert.deepEqual([...counts.keys()].sort(), [...subset].sort(), `n=${n}: strings outside the subset or missing`);
      // 5,000 expected per string, standard deviation < 71: +-1,000 is > 14 sigma.
      for (const [s, c] of counts) assert.ok(Math.abs(c - 5_000) < 1_000, `n=${n} ${s}: ${c}`);
    }
  });

  test("num-strings outside 1..10 is refused", () => {
    for (const n of [0, 11, -1, 2.5]) assert.throws(() => stringsFor(n), RangeError, `${n}`);
    assert.throws(() => pick(seededRng(1), []), RangeError);
  });
});

describe("tickSource", () => {
  test("builds the tick fields from the configured range and subset", () => {
    const next = tickSource(seededRng(3), 7, 3);
    for (let count = 1; count <= 1_000; count++) {
      const t = next(count);
      assert.deepEqual(Object.keys(t), ["count", "random_number", "random_string"]);
      assert.equal(t.count, count);
      assert.ok(Number.isInteger(t.random_number) && t.random_number >= 0 && t.random_number <= 7);
      assert.ok(["alpha", "beta", "gamma"].includes(t.random_string), t.random_string);
    }
  });
});
