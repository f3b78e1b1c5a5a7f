// Lua transform throughput on LuaJIT: records/s of lua/transform.lua's filter function.
// `runLuaBench()` returns the report lines (the root `npm run bench` prints them);
// run directly: node --import tsx bench/lua-transform.ts [records]
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(import.meta.dirname, "..");
const LUAJIT = process.env["LUAJIT"] ?? "luajit";

export async function runLuaBench(records = 500_000): Promise<string[]> {
  const version = spawnSync(LUAJIT, ["-v"], { encoding: "utf8" });
  if (version.status !== 0) return ["SKIP: Lua transform benchmark needs luajit (PATH or LUAJIT)"];
  const r = spawnSync(LUAJIT, [resolve(ROOT, "bench/lua-transform.lua"), resolve(ROOT, "lua/transform.lua"), String(records)], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`lua benchmark failed: ${r.stderr}`);
  const engine = version.stdout.trim().split(" -- ")[0] ?? "LuaJIT";
  const lines = [`Lua transform on ${engine}, one core, filter call only (CPU time; FluentBit's msgpack<->Lua conversion not included):`];
  for (const line of r.stdout.trim().split("\n")) {
    const [name = "", n = "", seconds = "", perSecond = ""] = line.split("\t");
    lines.push(`  ${Math.round(Number(perSecond)).toLocaleString("en-US")} records/s  ${name}; ${Number(n).toLocaleString("en-US")} records in ${seconds} s`);
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  for (const line of await runLuaBench(n)) console.log(line);
}
