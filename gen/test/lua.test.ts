// The Lua FluentBit runs (lua/*.lua), on LuaJIT (FluentBit embeds LuaJIT), with records shaped
// as FluentBit hands them to a Lua processor: the tag, the time as a table (time_as_table:
// {sec, nsec}), the group and metadata of an OTLP record, nested tables, ids as raw bytes, and
// the hostile shapes of a JSON post (deep nesting, binary, huge). Each case runs the file in a
// fresh LuaJIT and prints the function's results as JSON (a small encoder below, in Lua).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { requireEngine } from "../../checks/engines.ts";
import { HTTP_JSON_KEY, httpRecord, luaFile, otlpRecord } from "../fluentbit/lua.ts";

const LUAJIT = process.env["LUAJIT"] ?? "luajit";
const hasLuajit = spawnSync(LUAJIT, ["-v"], { stdio: "ignore" }).status === 0;
const skip = requireEngine("Lua tests", hasLuajit ? [] : [{ name: "luajit", hint: "LUAJIT or PATH; Debian package luajit" }]);

// Results as JSON: strings escaped byte by byte (\u00XX for control and non-ASCII bytes, so
// binary shows exactly), nil as null, a table with [1] as an array, else an object.
const ENCODER = String.raw`
local function enc(v, depth)
  depth = depth or 0
  if depth > 50 then return '"<deeper than 50>"' end
  local t = type(v)
  if v == nil then return "null"
  elseif t == "boolean" or t == "number" then return tostring(v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\\128-\255]', function(c)
      if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
      return string.format("\\u%04x", string.byte(c))
    end) .. '"'
  elseif t == "table" then
    local out = {}
    if v[1] ~= nil then
      for _, x in ipairs(v) do out[#out + 1] = enc(x, depth + 1) end
      return "[" .. table.concat(out, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    for _, k in ipairs(keys) do out[#out + 1] = enc(k) .. ":" .. enc(v[k], depth + 1) end
    return "{" .. table.concat(out, ",") .. "}"
  end
  return '"<' .. t .. '>"'
end
local function results(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = enc((select(i, ...))) end
  io.write("[" .. table.concat(out, ",") .. "]")
end
`;

/** Runs `call` from lua/<call>.lua with the arguments `args` (Lua expressions); its results as JSON. */
function run(call: string, args: string, setup = ""): unknown[] {
  const script = `${ENCODER}\ndofile(${JSON.stringify(fileURLToPath(luaFile(call)))})\n${setup}\nresults(${call}(${args}))\n`;
  const r = spawnSync(LUAJIT, ["-"], { input: script, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `luajit: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

const TS = "{ sec = 1700000000, nsec = 5 }";
const TIME = "2023-11-14T22:13:20.000000005Z";

test("lua/ holds exactly the functions FluentBit runs, and the generator places them", () => {
  const files = readdirSync(new URL("../../lua/", import.meta.url)).sort();
  assert.deepEqual(files, ["http_record.lua", "otlp_record.lua"]);
  for (const f of [httpRecord(), otlpRecord()]) assert.ok(files.includes(`${f.call}.lua`), f.call);
});

test("http_record: the posted object's text as the line, the tag beside it, the time to the nanosecond", { skip }, () => {
  const text = '{"message":"hi","n":18446744073709551616,"user":{"id":7}}';
  assert.deepEqual(run("http_record", `"orders", ${TS}, { ${HTTP_JSON_KEY} = ${JSON.stringify(text)} }`), [
    2,
    { sec: 1700000000, nsec: 5 },
    { input: "http", tag: "orders", time: TIME, log: text },
  ]);
  // Every nanosecond digit, at both ends of the second.
  const t = (nsec: number): unknown => (run("http_record", `"t", { sec = 0, nsec = ${nsec} }, { ${HTTP_JSON_KEY} = "{}" }`)[2] as { time: string }).time;
  assert.deepEqual([t(0), t(1), t(999_999_999)], ["1970-01-01T00:00:00.000000000Z", "1970-01-01T00:00:00.000000001Z", "1970-01-01T00:00:00.999999999Z"]);
});

test("http_record: a form post (urlencoded fields, no JSON text) goes on as its fields", { skip }, () => {
  assert.deepEqual(run("http_record", `"form", ${TS}, { message = "hi", level = "warn" }`)[2], { input: "http", tag: "form", time: TIME, log: { message: "hi", level: "warn" } });
});

test("http_record: hostile text passes through untouched (deep, binary, empty, huge)", { skip }, () => {
  // The text is never parsed here: 10,000 levels cost the function nothing.
  const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
  const [code, , rec] = run("http_record", `"deep", ${TS}, { ${HTTP_JSON_KEY} = string.rep("[", 10000) .. string.rep("]", 10000) }`) as [number, unknown, { input: string; log: unknown }];
  assert.deepEqual([code, rec.input, rec.log], [2, "http", deep]);
  assert.deepEqual(run("http_record", `"bin", ${TS}, { ${HTTP_JSON_KEY} = "\\0\\255\\192\\175" }`)[2], { input: "http", tag: "bin", time: TIME, log: "\u0000\u00ff\u00c0\u00af" });
  assert.deepEqual(run("http_record", `"", ${TS}, { ${HTTP_JSON_KEY} = "" }`)[2], { input: "http", tag: "", time: TIME, log: "" });
  const [, , big] = run("http_record", `"big", ${TS}, { ${HTTP_JSON_KEY} = string.rep("x", 5 * 1024 * 1024) }`) as [number, unknown, { log: string }];
  assert.equal(big.log.length, 5 * 1024 * 1024);
});

test("otlp_record: the body as the line, ids in hex, the metadata left as it was (nil)", { skip }, () => {
  const meta = `{ otlp = { trace_id = "\\91\\142\\255\\247\\152\\3\\129\\3\\210\\105\\182\\51\\129\\63\\198\\12", span_id = "\\238\\225\\155\\126\\195\\193\\177\\116", severity_number = 17 } }`;
  assert.deepEqual(run("otlp_record", `"v1_logs", ${TS}, { resource = {} }, ${meta}, { body = "payment failed" }`), [
    2,
    { sec: 1700000000, nsec: 5 },
    null,
    { time: TIME, trace_id: "5b8efff798038103d269b633813fc60c", span_id: "eee19b7ec3c1b174", log: "payment failed" },
  ]);
  // A map body stays a table (ClickHouse gets its JSON text); a number stays a number.
  assert.deepEqual((run("otlp_record", `"t", ${TS}, {}, { otlp = {} }, { body = { a = "b" } }`)[3] as { log: unknown }).log, { a: "b" });
  assert.deepEqual((run("otlp_record", `"t", ${TS}, {}, { otlp = {} }, { body = 42 }`)[3] as { log: unknown }).log, 42);
  // A body of the wrong type reaches Lua as its wrapper (no "body" key): kept as sent.
  assert.deepEqual((run("otlp_record", `"t", ${TS}, {}, { otlp = {} }, { stringValue = 42 }`)[3] as { log: unknown }).log, { stringValue: 42 });
});

test("otlp_record: no ids, ids of another type, no otlp metadata, no body: empty ids, no error", { skip }, () => {
  const empty = { time: TIME, trace_id: "", span_id: "" };
  assert.deepEqual(run("otlp_record", `"t", ${TS}, {}, {}, {}`)[3], empty);
  assert.deepEqual(run("otlp_record", `"t", ${TS}, {}, { otlp = { trace_id = 7, span_id = { "x" } } }, {}`)[3], empty);
  assert.deepEqual(run("otlp_record", `"t", ${TS}, {}, { otlp = { trace_id = "", span_id = "\\0" } }, {}`)[3], { ...empty, span_id: "00" });
});
