// The random values in each tick line. A small seedable generator (xoshiro128**)
// instead of Math.random: tests can fix the seed, and rejection sampling makes
// every integer in [0, max] exactly equally likely (Math.floor(Math.random() * n) is not).
import { randomBytes } from "node:crypto";

/** The strings a tick may carry; --num-strings N uses the first N. */
export const STRINGS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"] as const;
export type TickString = (typeof STRINGS)[number];

export interface Rng {
  /** Uniform over the integers 0 .. 2^32-1. */
  nextUint32(): number;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** xoshiro128** (Blackman & Vigna): fast, 128-bit state, passes BigCrush. */
class Xoshiro128 implements Rng {
  readonly #s: Uint32Array;
  constructor(state: Uint32Array) {
    this.#s = state;
  }
  nextUint32(): number {
    const s = this.#s;
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s[2] = (s[2] ?? 0) ^ s0;
    s[3] = (s[3] ?? 0) ^ s1;
    s[1] = s1 ^ (s[2] ?? 0);
    s[0] = s0 ^ (s[3] ?? 0);
    s[2] = (s[2] ?? 0) ^ t;
    s[3] = rotl(s[3] ?? 0, 11);
    return result;
  }
}

/** xoshiro128** from an explicit state (not all zero); exported for the reference-vector test. */
export function xoshiro128(state: readonly [number, number, number, number]): Rng {
  return new Xoshiro128(Uint32Array.from(state));
}

/** A reproducible generator: the same seed gives the same sequence. */
export function seededRng(seed: number): Rng {
  // splitmix32 spreads any seed (even 0) over the whole state, which must not be all zero.
  let a = seed | 0;
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    a = (a + 0x9e3779b9) | 0;
    let z = a ^ (a >>> 16);
    z = Math.imul(z, 0x21f0aaad);
    z ^= z >>> 15;
    z = Math.imul(z, 0x735a2d97);
    state[i] = z ^ (z >>> 15);
  }
  return new Xoshiro128(state);
}

/** A generator seeded from the OS: what the program uses. */
export function osSeededRng(): Rng {
  const state = new Uint32Array(randomBytes(16).buffer.slice(0, 16));
  if (state.every((w) => w === 0)) state[0] = 1; // all-zero state would only ever yield 0
  return new Xoshiro128(state);
}

const TWO_POW_32 = 2 ** 32;

/** Uniform integer in [0, max]; max is an integer from 0 to 2^32-1. */
export function randomIntInclusive(rng: Rng, max: number): number {
  if (!Number.isInteger(max) || max < 0 || max >= TWO_POW_32) throw new RangeError(`randomIntInclusive: max must be an integer in [0, 2^32-1], got ${max}`);
  const n = max + 1;
  if (n === TWO_POW_32) return rng.nextUint32();
  // Reject the top partial block of 2^32 so each residue has the same number of sources.
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (;;) {
    const r = rng.nextUint32();
    if (r < limit) return r % n;
  }
}

/** The first numStrings of STRINGS (1..10). */
export function stringsFor(numStrings: number): readonly TickString[] {
  if (!Number.isInteger(numStrings) || numStrings < 1 || numStrings > STRINGS.length) {
    throw new RangeError(`stringsFor: numStrings must be an integer in [1, ${STRINGS.length}], got ${numStrings}`);
  }
  return STRINGS.slice(0, numStrings);
}

/** Uniform choice from a non-empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[randomIntInclusive(rng, items.length - 1)];
  if (item === undefined) throw new RangeError("pick: empty list");
  return item;
}
