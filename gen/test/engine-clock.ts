
// The clock that decides a row's fate is ClickHouse's own: the ingest views compare a record's
// time with now() (retention, too far ahead). Tests therefore build record times from the
// engine's clock, never from fixed dates or this process's clock, so they hold on any day.
// It also keeps them right under `faketime` (CI runs the suite a year ahead): libfaketime moves
// this process's clock, but ClickHouse (chDB included) reads the time through its own vDSO
// call, which libfaketime does not reach, so the two clocks differ there by design.

import { query as chdbQuery } from "chdb";

/** An RFC 3339 UTC time with 9 decimals: `ms` (epoch milliseconds) in whole seconds plus `fraction`. */
export const rfc3339 = (ms: number, fraction = "000000000"): string => `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;

/** How otel_logs shows an RFC 3339 UTC time with 9 decimals (toString(Timestamp)). */
export const storedTime = (time: string): string => time.replace("T", " ").replace("Z", "");

/** The SQL that reads the engine's clock, in epoch milliseconds. */
export const ENGINE_NOW_MS = "SELECT toUnixTimestamp64Milli(now64(3))";

const parseNowMs = (answer: string): number => {
  const ms = Number(answer.trim());
  if (!Number.isSafeInteger(ms)) throw new Error(`the engine's clock: unexpected answer ${JSON.stringify(answer)} to ${ENGINE_NOW_MS}`);
  return ms;
};

/** The engine's clock from a synchronous query function (chDB's Session.query). */
export const engineNowMs = (query: (sql: string) => string): number => parseNowMs(query(ENGINE_NOW_MS));

/**
 * chDB's clock, for a test file's module level: chDB's standalone query, which works only while
 * no Session is open (each test file runs in its own process, before its sessions).
 */
export const chdbNowMs = (): number => engineNowMs((sql) => chdbQuery(sql, "TSV"));

/** The same over HTTP (an Endpoint's query). */
export const engineNowMsAsync = async (query: (sql: string) => Promise<string>): Promise<number> => parseNowMs(await query(ENGINE_NOW_MS));

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * The environment for a program under test (loggen, fluent-bit) without libfaketime: in a
 * cluster the programs and ClickHouse read one clock, so under `faketime` they run on the
 * engine's (real) clock too, and only this test process's clock is moved.
 */
export function engineClockEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith("FAKETIME")) continue;
    if (k === "LD_PRELOAD") {
      const kept = (v ?? "").split(/[:\s]+/).filter((lib) => lib !== "" && !lib.includes("faketime"));
      if (kept.length > 0) out[k] = kept.join(":");
      continue;
    }
    out[k] = v;
  }
  return out;
}
