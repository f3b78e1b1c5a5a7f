-- lua/transform.lua: one FluentBit record -> one row of otel_logs (JSONEachRow).
--
-- FluentBit calls the global `otel_logs_row(tag, ts, record)` (lua filter,
-- `time_as_table: true`) after the tail input (multiline.parser docker, cri), the parser
-- filter (pino's JSON in `log` -> top-level keys; a non-JSON line keeps `log`) and, in the
-- cluster, the kubernetes filter (adds `kubernetes`; when the API server cannot be reached
-- it adds nothing and pod, namespace and container come from the tag). The row has
-- exactly the columns of the row contract:
--
--   Timestamp          ts (the container runtime's time, ns) as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" UTC
--   TraceId, SpanId    pino's trace_id / span_id when they are valid hex ids, else ""
--   TraceFlags         pino's trace_flags (hex string or 0..255), else 0
--   SeverityText/Number pino level 10/20/30/40/50/60 -> TRACE 1/DEBUG 5/INFO 9/WARN 13/ERROR 17/FATAL 21
--   ServiceName        pod label app.kubernetes.io/name, label app, container name, pino name, "unknown"
--   Body               pino msg; the raw line when the line was not JSON
--   ResourceAttributes service.name, k8s.* and container.* semconv keys, k8s.pod.label.<key>
--   ScopeName          pino name (the logger's name), else ""
--   LogAttributes      every other field, stringified (see below)
--   Count, RandomNumber, RandomString  pino count / random_number / random_string; the key
--                      is left out (column DEFAULT) when the value is missing or not valid
--                      for the column, and the value then stays in LogAttributes.
--
-- LogAttributes: nested maps are flattened with dotted keys (err.message), arrays
-- and maps deeper than MAX_DEPTH become compact JSON text, integral numbers below
-- 1e21 print as integers (42, never 42.0), others with 15 significant digits, or
-- 16/17 when needed to read back the same value (0.5, 1e+300, NaN, Infinity),
-- booleans "true"/"false". Never copied:
-- msg, level (when mapped), time (pino's epoch ms; Timestamp uses the runtime's
-- ns time), kubernetes (-> ResourceAttributes), _p (CRI partial flag), log (when
-- it only repeats a parsed line). stream becomes log.iostream (semconv).
--
-- Why this shape (FluentBit facts, see shared/ARCHITECTURE.md):
-- * A Lua error passes the chunk through unchanged and ClickHouse rejects it, so
--   everything runs under pcall and a failure still yields a valid row.
-- * Lua numbers are doubles: only integers within +-2^53 are written to integer
--   columns; FluentBit writes NaN/inf as bare `nan`/`inf`, which is not JSON.
-- * Every string is made valid UTF-8 (bad bytes -> U+FFFD): FluentBit's JSON
--   encoder differs across versions on invalid bytes (raw bytes, private-use
--   mapping, U+FFFD) and may write a surrogate escape (\ud800) that ClickHouse's
--   JSON parser refuses with a 400, which drops the whole chunk.
-- * Tables built here carry only string keys, so FluentBit packs them as maps
--   (an empty one as {}); no table is ever packed as an array.

local M = {}

local type, tostring, tonumber, pairs, pcall, next = type, tostring, tonumber, pairs, pcall, next
local getmetatable, rawget = getmetatable, rawget
local floor, huge = math.floor, math.huge
local sfmt, sbyte, ssub, sfind, slower = string.format, string.byte, string.sub, string.find, string.lower
local concat, sort = table.concat, table.sort

-- Accepted ranges of the integer columns: their ClickHouse types (Count UInt64,
-- RandomNumber Int32), capped at the doubles' exact range. Outside it ClickHouse
-- would refuse the row (a '-' in a UInt) or silently wrap it (300 in a UInt8).
-- lua/test/transform.test.ts checks them against the generated DDL.
M.LIMITS = {
  Count = { min = 0, max = 2 ^ 53 },
  RandomNumber = { min = -2147483648, max = 2147483647 },
}
M.MAX_ATTRIBUTES = 256 -- per map; further keys are counted in otel.dropped_attributes_count
M.MAX_DEPTH = 4 -- nesting flattened into dotted keys; deeper tables become JSON text
-- Latest accepted time (2106-01-30). DateTime64(9) goes to 2262, but the table's TTL
-- computes toDateTime(Timestamp), a UInt32 that wraps after 2106-02-07: such a row
-- would look expired and vanish at insert.
M.MAX_SECONDS = 4294967295 - 8 * 86400
M.CALL = "otel_logs_row"

-- FluentBit marks tables it builds from msgpack with a metatable {type = 1 array | 2 map}.
local FLB_ARRAY, FLB_MAP = 1, 2

local REPLACEMENT = "\239\191\189" -- U+FFFD

--- Returns s with every byte that is not part of a valid UTF-8 sequence (RFC 3629:
--- no overlongs, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
local function clean_utf8(s)
  if not sfind(s, "[\128-\255]") then return s end -- ASCII: the common case
  local out, n = {}, 0
  local done = 1 -- s[done..] is not copied yet
  local i = 1
  while true do
    local p = sfind(s, "[\128-\255]", i)
    if not p then break end
    local c = sbyte(s, p)
    local need, lo, hi = 0, 0x80, 0xBF
    if c >= 0xC2 and c <= 0xDF then need = 1
    elseif c == 0xE0 then need, lo = 2, 0xA0
    elseif c == 0xED then need, hi = 2, 0x9F
    elseif c >= 0xE1 and c <= 0xEF then need = 2
    elseif c == 0xF0 then need, lo = 3, 0x90
    elseif c == 0xF4 then need, hi = 3, 0x8F
    elseif c >= 0xF1 and c <= 0xF3 then need = 3
    end
    local ok = need > 0
    if ok then
      local b = sbyte(s, p + 1)
      if not b or b < lo or b > hi then ok = false end
      for k = 2, need do
        if not ok then break end
        b = sbyte(s, p + k)
        if not b or b < 0x80 or b > 0xBF then ok = false end
      end
    end
    if ok then
      i = p + need + 1
    else
      n = n + 1; out[n] = ssub(s, done, p - 1)
      n = n + 1; out[n] = REPLACEMENT
      done = p + 1
      i = p + 1
    end
  end
  if n == 0 then return s end
  n = n + 1; out[n] = ssub(s, done)
  return concat(out)
end
M.clean_utf8 = clean_utf8

--- A number as text: integers in full below 1e21, else %.15g (more digits if it would not read back the same).
local function number_text(x)
  if x ~= x then return "NaN" end
  if x == huge then return "Infinity" end
  if x == -huge then return "-Infinity" end
  if x == floor(x) and x > -1e21 and x < 1e21 then
    if x == 0 then return "0" end -- also -0
    return sfmt("%.0f", x)
  end
  local s = sfmt("%.15g", x)
  if tonumber(s) ~= x then
    s = sfmt("%.16g", x)
    if tonumber(s) ~= x then s = sfmt("%.17g", x) end
  end
  return s
end
M.number_text = number_text

local JSON_ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
local function json_escape_char(c)
  return JSON_ESCAPES[c] or sfmt("\\u%04x", sbyte(c))
end
local function json_string(s)
  return '"' .. clean_utf8(s):gsub('[%c"\\]', json_escape_char) .. '"'
end

--- FluentBit's own marking when present, else: keys exactly 1..n (n > 0) make an array.
local function is_array(t)
  local mt = getmetatable(t)
  local kind = type(mt) == "table" and rawget(mt, "type") or nil
  if kind == FLB_ARRAY then return true end
  if kind == FLB_MAP then return false end
  local count, max = 0, 0
  for k in pairs(t) do
    if type(k) ~= "number" or k < 1 or k ~= floor(k) then return false end
    count = count + 1
    if k > max then max = k end
  end
  return count > 0 and max == count
end

local function key_text(k)
  if type(k) == "string" then return clean_utf8(k) end
  if type(k) == "number" then return number_text(k) end
  return tostring(k)
end

--- Compact JSON text of any value; depth-limited, sorted keys (deterministic).
local function json_text(v, depth)
  local tv = type(v)
  if tv == "string" then return json_string(v) end
  if tv == "number" then
    if v ~= v or v == huge or v == -huge then return "null" end
    return number_text(v)
  end
  if tv == "boolean" then return v and "true" or "false" end
  if tv ~= "table" then return "null" end -- nil holes, functions, userdata (flb_null)
  if depth > 32 then return '"[too deep]"' end
  local parts = {}
  if is_array(v) then
    local max = 0
    for k in pairs(v) do if type(k) == "number" and k > max then max = k end end
    for i = 1, max do parts[i] = json_text(v[i], depth + 1) end
    return "[" .. concat(parts, ",") .. "]"
  end
  local keys, n = {}, 0
  for k in pairs(v) do n = n + 1; keys[n] = key_text(k) end
  local byText = {}
  for k, val in pairs(v) do byText[key_text(k)] = val end
  sort(keys)
  for i = 1, n do parts[i] = json_string(keys[i]) .. ":" .. json_text(byText[keys[i]], depth + 1) end
  return "{" .. concat(parts, ",") .. "}"
end
M.json_text = json_text

--- A scalar or table as attribute text.
local function value_text(v)
  local tv = type(v)
  if tv == "string" then return clean_utf8(v) end
  if tv == "number" then return number_text(v) end
  if tv == "boolean" then return v and "true" or "false" end
  if tv == "table" then return json_text(v, 1) end
  return "" -- unreachable from msgpack; nothing ClickHouse could refuse
end
M.value_text = value_text

-- A string->string map with a size cap (a row with 10^5 keys must not grow without bound).
local function new_attrs() return { map = {}, n = 0, dropped = 0 } end
local function put(a, k, v)
  if a.map[k] == nil then
    if a.n >= M.MAX_ATTRIBUTES then a.dropped = a.dropped + 1; return end
    a.n = a.n + 1
  end
  a.map[k] = v
end
local function finish(a)
  if a.dropped > 0 then a.map["otel.dropped_attributes_count"] = tostring(a.dropped) end
  return a.map
end

--- Flattens nested maps into dotted keys; arrays and deep maps become JSON text.
local function flatten(a, prefix, v, depth)
  if type(v) == "table" and depth < M.MAX_DEPTH and not is_array(v) and next(v) ~= nil then
    for k, sub in pairs(v) do flatten(a, prefix .. "." .. key_text(k), sub, depth + 1) end
  else
    put(a, prefix, value_text(v))
  end
end

local LEVELS_BY_NAME = {
  trace = 10, debug = 20, info = 30, information = 30, notice = 30, warn = 40, warning = 40,
  error = 50, err = 50, fatal = 60, critical = 60, crit = 60, panic = 60, emergency = 60,
}
local SEVERITY = { -- pino level band -> OTel SeverityText, SeverityNumber
  [10] = { "TRACE", 1 }, [20] = { "DEBUG", 5 }, [30] = { "INFO", 9 },
  [40] = { "WARN", 13 }, [50] = { "ERROR", 17 }, [60] = { "FATAL", 21 },
}

--- pino level (number, or a level name) -> text, number; nil when unknown.
local function severity(level)
  if type(level) == "string" then level = LEVELS_BY_NAME[slower(level)] end
  if type(level) ~= "number" or level ~= level or level < 10 or level == huge then return nil end
  local band = level >= 60 and 60 or floor(level / 10) * 10
  local s = SEVERITY[band]
  return s[1], s[2]
end
M.severity = severity

--- x when it is an integer within the column's range, else nil.
local function valid_int(x, limits)
  if type(x) ~= "number" or x ~= floor(x) or x < limits.min or x > limits.max then return nil end
  return x -- NaN fails x == floor(x); +-inf fail the range
end

local function hex_id(v, len)
  if type(v) == "string" and #v == len and not sfind(v, "[^0-9a-f]") and sfind(v, "[1-9a-f]") then return v end
  return nil
end

local function trace_flags(v)
  if type(v) == "string" and #v == 2 and not sfind(v, "[^0-9a-fA-F]") then return tonumber(v, 16) end
  if type(v) == "number" and v == floor(v) and v >= 0 and v <= 255 then return v end
  return nil
end

-- Days since 1970-01-01 -> year, month, day (proleptic Gregorian; H. Hinnant's civil_from_days).
local function civil_from_days(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local cached_sec, cached_prefix = nil, nil
local function seconds_text(sec)
  if sec ~= cached_sec then
    local days = floor(sec / 86400)
    local rem = sec - days * 86400
    local y, m, d = civil_from_days(days)
    cached_prefix = sfmt("%04d-%02d-%02d %02d:%02d:%02d", y, m, d, floor(rem / 3600), floor(rem % 3600 / 60), rem % 60)
    cached_sec = sec
  end
  return cached_prefix
end

--- FluentBit's time (a {sec, nsec} table; a number of seconds if time_as_table
--- were off) -> "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" UTC. A time outside
--- [0, MAX_SECONDS] falls back to now (a row stamped 1970 or 2262 would be dropped by the TTL).
local function timestamp_text(ts)
  local sec, nsec
  if type(ts) == "table" then
    sec, nsec = ts.sec, ts.nsec or 0
  elseif type(ts) == "number" then
    sec = ts == ts and floor(ts) or nil
    nsec = sec and floor((ts - sec) * 1e9 + 0.5) or 0
  end
  if type(sec) ~= "number" or sec ~= floor(sec) or sec < 0 or sec > M.MAX_SECONDS then
    sec, nsec = os.time(), 0
  end
  if type(nsec) ~= "number" or nsec ~= floor(nsec) or nsec < 0 or nsec > 999999999 then nsec = 0 end
  return seconds_text(sec) .. sfmt(".%09d", nsec)
end
M.timestamp_text = timestamp_text

local function text_or_nil(v)
  if type(v) == "string" and v ~= "" then return clean_utf8(v) end
  return nil
end

local function put_text(a, key, v)
  v = text_or_nil(v)
  if v then put(a, key, v) end
end

-- Memo for per-pod strings that every record of the pod repeats (bounded).
local memo, memo_size = {}, 0
local function remember(key, value)
  if memo_size >= 4096 then memo, memo_size = {}, 0 end
  memo[key] = value
  memo_size = memo_size + 1
  return value
end

--- The image reference split as semconv wants it: name without tag, the tag.
local function image_parts(image)
  local hit = memo["image\0" .. image]
  if hit == nil then
    local name, tag = image:match("^(.*[^/]):([%w_.%-]+)$")
    hit = remember("image\0" .. image, name and { clean_utf8(name), clean_utf8(tag) } or { clean_utf8(image) })
  end
  return hit[1], hit[2]
end

local function label_key(k)
  if type(k) ~= "string" then return "k8s.pod.label." .. key_text(k) end
  return memo[k] or remember(k, "k8s.pod.label." .. clean_utf8(k))
end

--- Pod, namespace, container and container id from the tail tag
--- (kube.var.log.containers.<pod>_<namespace>_<container>-<id>.log). The kubernetes
--- filter adds no `kubernetes` map at all when the API server cannot be reached; the
--- file name still says who wrote the line. Kubernetes names never contain "_".
local function k8s_from_tag(tag)
  if type(tag) ~= "string" then return nil end
  local file = tag:match("containers%.(.+)$")
  if not file then return nil end
  local pod, namespace, container, id = file:match("^([^_]+)_([^_]+)_([^_]+)%-(%x+)%.log$")
  if not pod then return nil end
  return { pod_name = pod, namespace_name = namespace, container_name = container, docker_id = id }
end
M.k8s_from_tag = k8s_from_tag

-- Keys that never go to LogAttributes (see the header).
local CONSUMED = { msg = true, time = true, kubernetes = true, _p = true, stream = true }

--- The row for one record. May raise on inputs nobody foresaw: the caller pcalls it.
local function build_row(ts, record, tag)
  if type(record) ~= "table" then record = { log = record } end
  local log = record.log
  local raw = log ~= nil and record.msg == nil and record.level == nil -- not merged: not JSON

  local row = {
    Timestamp = timestamp_text(ts),
    TraceId = "", SpanId = "", TraceFlags = 0,
    SeverityText = "", SeverityNumber = 0,
    ScopeName = "",
  }
  local attrs = new_attrs()
  local skip = {} -- record keys mapped to a column

  if raw then
    local line = type(log) == "string" and log or value_text(log)
    row.Body = clean_utf8((line:gsub("\r?\n$", "")))
    skip.log = true
  else
    local msg = record.msg
    row.Body = msg == nil and "" or value_text(msg)
    skip.log = true -- with keep_log on, `log` repeats the parsed line
    local text, number = severity(record.level)
    if text then row.SeverityText, row.SeverityNumber = text, number; skip.level = true end
    local count = valid_int(record.count, M.LIMITS.Count)
    if count then row.Count = count; skip.count = true end
    local rnd = valid_int(record.random_number, M.LIMITS.RandomNumber)
    if rnd then row.RandomNumber = rnd; skip.random_number = true end
    if type(record.random_string) == "string" then row.RandomString = clean_utf8(record.random_string); skip.random_string = true end
    local trace, span = hex_id(record.trace_id, 32), hex_id(record.span_id, 16)
    if trace and span then row.TraceId, row.SpanId = trace, span; skip.trace_id = true; skip.span_id = true end
    local flags = trace_flags(record.trace_flags)
    if flags then row.TraceFlags = flags; skip.trace_flags = true end
    local name = text_or_nil(record.name)
    if name then row.ScopeName = name; skip.name = true end
  end

  -- Resource: Kubernetes metadata from the kubernetes filter.
  local res = new_attrs()
  local k8s = type(record.kubernetes) == "table" and record.kubernetes or k8s_from_tag(tag) or {}
  local labels = type(k8s.labels) == "table" and not is_array(k8s.labels) and k8s.labels or {}
  local service = text_or_nil(labels["app.kubernetes.io/name"]) or text_or_nil(labels.app)
    or text_or_nil(k8s.container_name) or text_or_nil(record.name) or "unknown"
  row.ServiceName = service
  put(res, "service.name", service)
  put_text(res, "k8s.namespace.name", k8s.namespace_name)
  put_text(res, "k8s.pod.name", k8s.pod_name)
  put_text(res, "k8s.pod.uid", k8s.pod_id)
  put_text(res, "k8s.container.name", k8s.container_name)
  put_text(res, "k8s.node.name", k8s.host)
  put_text(res, "container.id", k8s.docker_id)
  if type(k8s.container_image) == "string" then
    local name, tag = image_parts(k8s.container_image)
    put_text(res, "container.image.name", name)
    put_text(res, "container.image.tags", tag)
  end
  for k, v in pairs(labels) do put(res, label_key(k), value_text(v)) end
  row.ResourceAttributes = finish(res)

  -- Everything else, stringified.
  if record.stream ~= nil then put(attrs, "log.iostream", value_text(record.stream)) end
  for k, v in pairs(record) do
    if not (CONSUMED[k] or skip[k]) then flatten(attrs, key_text(k), v, 1) end
  end
  row.LogAttributes = finish(attrs)
  return row
end
M.build_row = build_row

--- The last resort when build_row raised: a valid row that keeps the line.
local function fallback_row(ts, record, err)
  local ok, body = pcall(function() return value_text(record.log ~= nil and record.log or record.msg) end)
  if not ok or type(body) ~= "string" then body = "" end
  local ok2, stamp = pcall(timestamp_text, ts)
  if not ok2 then stamp = "1970-01-01 00:00:00.000000000" end
  local ok3, why = pcall(clean_utf8, tostring(err))
  return {
    Timestamp = stamp, TraceId = "", SpanId = "", TraceFlags = 0,
    SeverityText = "", SeverityNumber = 0, ServiceName = "unknown", Body = body,
    ResourceAttributes = { ["service.name"] = "unknown" }, ScopeName = "",
    LogAttributes = { ["otel.transform.error"] = ok3 and why or "error" },
  }
end

--- The FluentBit filter. Returns code 2 (record replaced, timestamp kept) and the row.
function otel_logs_row(tag, ts, record)
  local ok, row = pcall(build_row, ts, record, tag)
  if not ok then
    ok, row = pcall(fallback_row, ts, record, row)
    if not ok then row = fallback_row(nil, nil, "error") end -- constant inputs: cannot raise
  end
  return 2, ts, row
end
M.filter = otel_logs_row

return M
