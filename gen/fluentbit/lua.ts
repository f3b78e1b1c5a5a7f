// The two Lua functions of the FluentBit config, one per HTTP input. Each only reshapes a
// record into the keys of ClickHouse's ingest table (gen/clickhouse/ingest.ts, INGEST_COLUMNS);
// the mapping to otel_logs columns stays in SQL, one copy for all three inputs. Lua is
// here because FluentBit has no native way to do these few things:
// - the http input's tag (the request path, which may name the service) is not a key of the
//   record, and no other filter can copy it there;
// - the opentelemetry input keeps trace and span ids as bytes, which FluentBit's JSON output
//   cannot carry (invalid UTF-8 is replaced; src/flb_utils.c, flb_utils_write_str_raw, v5.0.7);
// - the record's own time, to the nanosecond (time_as_table: no double on the way).
// Tail lines never pass through Lua: its cost per line is what docs/benchmarks.md measured away.

/** FluentBit's time as RFC 3339 with nanoseconds, the form the container runtimes write. */
const RFC3339 = `local function rfc3339(ts)
  return os.date("!%Y-%m-%dT%H:%M:%S", ts.sec) .. string.format(".%09dZ", ts.nsec)
end`;

/** http input: the posted object becomes the line (its JSON text in ClickHouse), the tag beside it. */
export const HTTP_RECORD = {
  call: "http_record",
  code: `${RFC3339}
function http_record(tag, ts, record)
  return 2, ts, { input = "http", tag = tag, time = rfc3339(ts), log = record }
end
`,
};

/** The key the opentelemetry input nests every body under (logs_body_key), read by OTLP_RECORD. */
export const OTLP_BODY_KEY = "body";

/**
 * opentelemetry input: the body (under logs_body_key) becomes the line; the ids in hex. The
 * metadata is returned as nil so FluentBit keeps it as it was (severity, attributes, flags
 * and the group's resource and scope reach ClickHouse in FluentBit's own JSON, exactly).
 */
export const OTLP_RECORD = {
  call: "otlp_record",
  code: `${RFC3339}
local function hex(bytes)
  if type(bytes) ~= "string" then return "" end
  return (bytes:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end
function otlp_record(tag, ts, group, metadata, record)
  local otlp = metadata["otlp"] or {}
  return 2, ts, nil, { time = rfc3339(ts), trace_id = hex(otlp["trace_id"]), span_id = hex(otlp["span_id"]), log = record["${OTLP_BODY_KEY}"] }
end
`,
};

