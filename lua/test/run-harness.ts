// Runs lua/transform.lua under LuaJIT through lua/test/harness.lua (FluentBit's calling
// convention and Lua->msgpack->JSON rules) and returns what FluentBit would POST.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const TRANSFORM = resolve(ROOT, "lua/transform.lua");
export const HARNESS = resolve(ROOT, "lua/test/harness.lua");
export const LUAJIT = process.env["LUAJIT"] ?? "luajit";

/** True when the LuaJIT binary runs. */
export function haveLuajit(): boolean {
  const r = spawnSync(LUAJIT, ["-v"], { encoding: "utf8" });
  return r.status === 0;
}

/** Bytes written as-is into a case (for invalid UTF-8): the harness reads "\xNN". */
export class Bytes {
  constructor(readonly data: Buffer) {}
}
export const bytes = (...parts: (string | number[])[]): Bytes =>
  new Bytes(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p)))));

/** A value FluentBit can hand to Lua. bigint: an exact integer literal. */
export type CaseValue = string | number | bigint | boolean | null | Bytes | readonly CaseValue[] | { readonly [k: string]: CaseValue };

export interface Case {
  readonly tag?: string;
  /** time_as_table's {sec, nsec}, or anything else to test the guards. */
  readonly ts?: CaseValue;
  readonly record?: CaseValue;
  /** A Lua chunk returning the record, for values JSON cannot describe. */
  readonly lua?: string;
}

function bytesText(b: Buffer): string {
  let out = '"';
  for (const c of b) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}

/** The harness's extended JSON: NaN/Infinity literals and \xNN raw bytes. */
export function caseText(v: CaseValue | undefined): string {
  if (v === undefined || v === null) return "null";
  if (v instanceof Bytes) return bytesText(v.data);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return String(v);
  }
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${(v as readonly CaseValue[]).map(caseText).join(",")}]`;
  const entries = Object.entries(v as { readonly [k: string]: CaseValue });
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${caseText(x)}`).join(",")}}`;
}

/** One row of otel_logs as the transform emits it. */
export interface Row {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  LogAttributes: Record<string, string>;
  RandomNumber?: number;
  RandomString?: string;
  Count?: number;
}

export interface Result {
  /** The filter's return code (2: record replaced, timestamp kept). */
  readonly code: number;
  /** The JSON line FluentBit's http output would send. */
  readonly json: string;
  readonly row: Row;
}

/** Runs the cases in one LuaJIT process; throws on anything FluentBit could not send. */
export function runCases(cases: readonly Case[], transform = TRANSFORM): Result[] {
  const input = cases
    .map((c) => {
      const parts = [`"tag":${JSON.stringify(c.tag ?? "kube.var.log.containers.test.log")}`, `"ts":${caseText(c.ts)}`];
      if (c.record !== undefined) parts.push(`"record":${caseText(c.record)}`);
      if (c.lua !== undefined) parts.push(`"lua":${JSON.stringify(c.lua)}`);
      return `{${parts.join(",")}}\n`;
    })
    .join("");
  const r = spawnSync(LUAJIT, [HARNESS, transform], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`luajit harness failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  if (lines.length !== cases.length) throw new Error(`expected ${cases.length} results, got ${lines.length}: ${r.stderr}`);
  return lines.map((line, i) => {
    const tab = line.indexOf("\t");
    const head = line.slice(0, tab);
    const json = line.slice(tab + 1);
    if (head === "ERROR") throw new Error(`case ${i} (${caseText(cases[i]?.record ?? null).slice(0, 200)}): ${json}`);
    // JSON.parse throws on what ClickHouse would also refuse (nan, unquoted keys).
    return { code: Number(head), json, row: JSON.parse(json) as Row };
  });
}

/** Current time as time_as_table gives it. */
export function nowTs(nsec = 123456789): { sec: number; nsec: number } {
  return { sec: Math.floor(Date.now() / 1000), nsec };
}
