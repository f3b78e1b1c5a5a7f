-- FluentBit's Lua processor on the http input (JSON objects POSTed to /<tag>), placed inline into
-- the generated config by gen/fluentbit/lua.ts. The posted object becomes the line (its JSON
-- text in ClickHouse), the tag (the request path) beside it, the time to the nanosecond.
local function rfc3339(ts)
  return os.date("!%Y-%m-%dT%H:%M:%S", ts.sec) .. string.format(".%09dZ", ts.nsec)
end
function http_record(tag, ts, record)
  return 2, ts, { input = "http", tag = tag, time = rfc3339(ts), log = record }
end
