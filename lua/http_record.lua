-- FluentBit's Lua processor on the http input (JSON objects POSTed to /<tag>), placed inline into
-- the generated config by gen/fluentbit/lua.ts. The input keeps each posted object as the text
-- that was sent, under record["json"] (raw_json_key: nix/fluent-bit/http-raw-json.patch); that
-- text becomes the line, which ClickHouse parses as it parses a container's JSON line. A form
-- post (application/x-www-form-urlencoded) arrives as its fields, which go on as they are. The
-- tag (the request path) goes beside the line, and the time to the nanosecond.
local function rfc3339(ts)
  return os.date("!%Y-%m-%dT%H:%M:%S", ts.sec) .. string.format(".%09dZ", ts.nsec)
end
function http_record(tag, ts, record)
  local line = record["json"]
  if type(line) ~= "string" then line = record end
  return 2, ts, { input = "http", tag = tag, time = rfc3339(ts), log = line }
end
