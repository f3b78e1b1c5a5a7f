import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatDuration, parseDuration } from "../src/duration.ts";

// Cases taken from Go's time.ParseDuration / Duration.String tests, so manifests written
// for the Go original mean the same thing here.
const VALID: ReadonlyArray<readonly [string, number]> = [
  ["0", 0],
  ["5s", 5e9],
  ["30s", 30e9],
  ["1478s", 1478e9],
  ["-5s", -5e9],
  ["+5s", 5e9],
  ["-0", 0],
  ["+0", 0],
  ["0s", 0],
  ["5.0s", 5e9],
  ["5.6s", 5.6e9],
  ["5.s", 5e9],
  [".5s", 0.5e9],
  ["1.004s", 1.004e9],
  ["100.00100s", 100.001e9],
  ["10ns", 10],
  ["11us", 11e3],
  ["12µs", 12e3],
  ["12μs", 12e3],
  ["13ms", 13e6],
  ["250ms", 250e6],
  ["15m", 15 * 60e9],
  ["16h", 16 * 3600e9],
  ["3h30m", 3.5 * 3600e9],
  ["1m30s", 90e9],
  ["10.5s4m", 4 * 60e9 + 10.5e9],
  ["-2m3.4s", -(2 * 60e9 + 3.4e9)],
  ["1h2m3s4ms5us6ns", 3600e9 + 2 * 60e9 + 3e9 + 4e6 + 5e3 + 6],
  ["39h9m14.425s", 39 * 3600e9 + 9 * 60e9 + 14.425e9],
  ["0.3333333333333333333h", 20 * 60e9 - 1], // exact arithmetic, truncated below 1 ns (Go rounds this one up by 1 ns)
  ["1.5ns", 1],
];

const INVALID = ["", "3", "-", "+", "s", ".", "-.", ".s", "+.s", "1d", "1.2.3s", " 5s", "5s ", "5 s", "1e3s", "5S", "5sec", "1h-5m", "0x10s", "--5s", "NaN", "Infinity"];

describe("parseDuration", () => {
  for (const [text, ns] of VALID) {
    test(`${JSON.stringify(text)} is ${ns} ns`, () => assert.equal(parseDuration(text), ns));
  }
  for (const text of INVALID) {
    test(`${JSON.stringify(text)} is not a duration`, () => assert.equal(parseDuration(text), undefined));
  }
  test("an absurdly long number stops at infinity instead of building a huge integer", () => {
    assert.equal(parseDuration(`${"9".repeat(10_000)}h`), Infinity);
    assert.equal(parseDuration(`-${"9".repeat(10_000)}h`), -Infinity);
  });
});

describe("formatDuration", () => {
  const CASES: ReadonlyArray<readonly [number, string]> = [
    [0, "0s"],
    [1, "1ns"],
    [1_100, "1.1µs"],
    [2_200_000, "2.2ms"],
    [3_300_000_000, "3.3s"],
    [4 * 60e9 + 5e9, "4m5s"],
    [4 * 60e9 + 5.001e9, "4m5.001s"],
    [5 * 3600e9 + 6 * 60e9 + 7.001e9, "5h6m7.001s"],
    [8 * 60e9 + 1, "8m0.000000001s"],
    [3600e9, "1h0m0s"],
    [5e9, "5s"],
    [250e6, "250ms"],
    [90e9, "1m30s"],
  ];
  for (const [ns, text] of CASES) test(`${ns} ns prints as ${text}`, () => assert.equal(formatDuration(ns), text));

  test("parse(format(x)) === x", () => {
    for (let ns = 1; ns < 48 * 3600e9; ns = Math.floor(ns * 1.7) + 13) assert.equal(parseDuration(formatDuration(ns)), ns, `${ns}`);
  });

  test("rejects what is not whole non-negative nanoseconds", () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(1.5), RangeError);
  });
});
