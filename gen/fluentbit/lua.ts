// The two Lua functions of the FluentBit config, one per HTTP input, kept as Lua files in lua/
// (tested on LuaJIT by gen/test/lua.test.ts) and placed inline into the config (`code:`), so
// the ConfigMap needs no second file. Each only reshapes a record into the keys of
// ClickHouse's ingest table (gen/clickhouse/ingest.ts, INGEST_COLUMNS); the mapping to otel_logs
// columns stays in SQL, one copy for all three inputs. Lua is here because FluentBit has no
// native way to do these few things:
// - the http input's tag (the request path, which may name the service) is not a key of the
//   record, and no other filter can copy it there; the input keeps each posted object's text
//   under one key, which becomes the line;
// - the opentelemetry input keeps trace and span ids as bytes, which FluentBit's JSON output
//   cannot carry (invalid UTF-8 is replaced; src/flb_utils.c, flb_utils_write_str_raw, v5.0.7);
// - the record's own time, to the nanosecond (time_as_table: no double on the way).
// Tail lines never pass through Lua: its cost per line is what docs/benchmarks.md measured away.
import { readFileSync } from "node:fs";

/** The key the opentelemetry input nests every body under (logs_body_key), read by lua/otlp_record.lua. */
export const OTLP_BODY_KEY = "body";

/** A Lua processor's function: the name FluentBit calls and the file's code. */
export interface LuaFunction {
  readonly call: string;
  readonly code: string;
}

/** lua/<call>.lua, which must define the global function `call` (and may read `needs`). */
export const luaFile = (call: string): URL => new URL(`../../lua/${call}.lua`, import.meta.url);

function load(call: string, needs: readonly string[] = []): LuaFunction {
  const code = readFileSync(luaFile(call), "utf8");
  for (const text of [`function ${call}(`, ...needs]) {
    if (!code.includes(text)) throw new Error(`lua/${call}.lua: expected it to contain ${JSON.stringify(text)} (gen/fluentbit/lua.ts)`);
  }
  return { call, code };
}

/**
 * The key the http input keeps each posted JSON object's text under (raw_json_key, a patch of
 * this repository: nix/fluent-bit/http-raw-json.patch), read by lua/http_record.lua.
 */
export const HTTP_JSON_KEY = "json";

/** http input: the posted object's text becomes the line, the tag beside it. */
export const httpRecord = (): LuaFunction => load("http_record", [`record["${HTTP_JSON_KEY}"]`]);

/**
 * opentelemetry input: the body (under logs_body_key) becomes the line; the ids in hex. The
 * metadata is returned as nil so FluentBit keeps it as it was (severity, attributes, flags
 * and the group's resource and scope reach ClickHouse in FluentBit's own JSON, exactly).
 */
export const otlpRecord = (): LuaFunction => load("otlp_record", [`record["${OTLP_BODY_KEY}"]`]);
