-- FluentBit's Lua processor on the opentelemetry input (OTLP/HTTP logs), placed inline into the
-- generated config by gen/fluentbit/lua.ts. The body (under logs_body_key "body") becomes the
-- line; trace and span ids, bytes in FluentBit, become hex; the metadata is returned as nil so
-- FluentBit keeps it as it was (severity, attributes, flags, resource and scope).
local function rfc3339(ts)
  return os.date("!%Y-%m-%dT%H:%M:%S", ts.sec) .. string.format(".%09dZ", ts.nsec)
end
local function hex(bytes)
  if type(bytes) ~= "string" then return "" end
  return (bytes:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end
-- A body that is not a valid AnyValue ({"stringValue": 42}, {"boolValue": "yes"}) is not put
-- under "body": its wrapper, as sent, is the whole record; that becomes the line (its JSON
-- text), so the row keeps what was sent instead of an empty Body.
function otlp_record(tag, ts, group, metadata, record)
  local otlp = metadata["otlp"] or {}
  local line = record["body"]
  if line == nil and next(record) ~= nil then line = record end
  return 2, ts, nil, { time = rfc3339(ts), trace_id = hex(otlp["trace_id"]), span_id = hex(otlp["span_id"]), log = line }
end
