-- lua/test/harness.lua: runs lua/transform.lua the way FluentBit's lua filter does
-- and prints each result as FluentBit's http output (format json_lines) would send it.
--
--   luajit lua/test/harness.lua lua/transform.lua < cases.jsonl
--
-- Input, one case per line: {"tag": "...", "ts": {"sec": S, "nsec": N} | <number>, "record": {...}}
-- in JSON extended for what FluentBit can hold but JSON cannot say: "\xNN" in a
-- string is one raw byte (invalid UTF-8), and NaN, Infinity, -Infinity are numbers.
-- A case may instead give "lua": a Lua chunk that returns the record (cycles,
-- erroring metatables, non-table records).
-- Output, one line per case: "<code>\t<row as JSON>" or "ERROR\t<why>" when FluentBit
-- would not send the row (the script raised, or returned something it cannot encode).
--
-- What is reproduced (FluentBit src/flb_lua.c, plugins/filter_lua/lua.c, src/flb_pack.c,
-- src/flb_utils.c, v4.0):
-- * msgpack -> Lua: integers arrive as Lua numbers (doubles); a null map value is
--   not set (key absent), a null array item leaves a hole; every map/array table
--   gets FluentBit's metatable {type = 2 map | 1 array}; ts is {sec=, nsec=} (time_as_table).
-- * protected mode: the function runs under pcall; an error keeps the record unchanged.
-- * Lua -> msgpack (flb_lua_tomsgpack): a number is an integer when (int64)n == n,
--   else a double; a table with FluentBit's metatable follows it; otherwise
--   table.maxn(t) > 0 makes an array of maxn items (string keys dropped, holes
--   -> nil), keys exactly 1..n make an array, anything else (also {}) a map;
--   functions/userdata cannot be serialised. The record must pack as a map.
-- * msgpack -> JSON (msgpack2json): integers as %d; doubles as "%.1f" when
--   (long long)d == d, else "%.16g" (so NaN -> nan, inf -> inf: not JSON); map keys
--   are written as their own JSON (a number key is unquoted: not JSON); strings
--   escape " \ \n \r \t \b \f, other controls and 0x7f as \u00XX, non-ASCII as
--   \uXXXX (surrogate pairs above U+FFFF). Invalid UTF-8 is reported as an ERROR:
--   FluentBit versions differ on it (raw bytes, private-use mapping, U+FFFD, dropped).

local transform_path = arg[1] or "lua/transform.lua"
dofile(transform_path)
local CALL = arg[2] or "otel_logs_row"

local FLB_ARRAY, FLB_MAP = 1, 2
local sbyte, schar, ssub, sfind, sfmt = string.byte, string.char, string.sub, string.find, string.format
local floor, huge = math.floor, math.huge
local concat = table.concat

---------------------------------------------------------------- extended JSON in
local function decoder(text)
  local pos = 1
  local function fail(what) error(sfmt("bad case JSON at byte %d: %s", pos, what), 0) end
  local function ws() pos = sfind(text, "[^ \t\r\n]", pos) or #text + 1 end
  local value
  local function str()
    pos = pos + 1
    local parts, n = {}, 0
    while true do
      local q = sfind(text, '["\\]', pos)
      if not q then fail("unterminated string") end
      n = n + 1; parts[n] = ssub(text, pos, q - 1)
      if sbyte(text, q) == 34 then pos = q + 1; return concat(parts) end
      local e = ssub(text, q + 1, q + 1)
      local simple = ({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" })[e]
      if simple then n = n + 1; parts[n] = simple; pos = q + 2
      elseif e == "x" then n = n + 1; parts[n] = schar(tonumber(ssub(text, q + 2, q + 3), 16)); pos = q + 4
      elseif e == "u" then
        local cp = tonumber(ssub(text, q + 2, q + 5), 16)
        pos = q + 6
        if cp >= 0xD800 and cp <= 0xDBFF and ssub(text, pos, pos + 1) == "\\u" then
          local lo = tonumber(ssub(text, pos + 2, pos + 5), 16)
          if lo >= 0xDC00 and lo <= 0xDFFF then cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00); pos = pos + 6 end
        end
        local s
        if cp < 0x80 then s = schar(cp)
        elseif cp < 0x800 then s = schar(0xC0 + floor(cp / 64), 0x80 + cp % 64)
        elseif cp < 0x10000 then s = schar(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
        else s = schar(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64, 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64) end
        n = n + 1; parts[n] = s -- a lone surrogate becomes its (invalid) 3-byte form, as in CESU-8
      else fail("bad escape \\" .. e) end
    end
  end
  function value()
    ws()
    local c = ssub(text, pos, pos)
    if c == "{" then
      local t = setmetatable({}, { type = FLB_MAP })
      pos = pos + 1; ws()
      if ssub(text, pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws()
        if ssub(text, pos, pos) ~= '"' then fail("expected a key") end
        local k = str(); ws()
        if ssub(text, pos, pos) ~= ":" then fail("expected :") end
        pos = pos + 1
        t[k] = value() -- nil (null) leaves the key out, as lua_settable(t, k, nil)
        ws()
        local d = ssub(text, pos, pos); pos = pos + 1
        if d == "}" then return t end
        if d ~= "," then fail("expected , or }") end
      end
    elseif c == "[" then
      local t = setmetatable({}, { type = FLB_ARRAY })
      pos = pos + 1; ws()
      if ssub(text, pos, pos) == "]" then pos = pos + 1; return t end
      local i = 0
      while true do
        i = i + 1
        t[i] = value() -- null leaves a hole, as lua_rawseti(t, i, nil)
        ws()
        local d = ssub(text, pos, pos); pos = pos + 1
        if d == "]" then return t end
        if d ~= "," then fail("expected , or ]") end
      end
    elseif c == '"' then return str()
    elseif ssub(text, pos, pos + 3) == "true" then pos = pos + 4; return true
    elseif ssub(text, pos, pos + 4) == "false" then pos = pos + 5; return false
    elseif ssub(text, pos, pos + 3) == "null" then pos = pos + 4; return nil
    elseif ssub(text, pos, pos + 2) == "NaN" then pos = pos + 3; return 0 / 0
    elseif ssub(text, pos, pos + 7) == "Infinity" then pos = pos + 8; return huge
    elseif ssub(text, pos, pos + 8) == "-Infinity" then pos = pos + 9; return -huge
    else
      local s, e = sfind(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not s then fail("unexpected " .. c) end
      pos = e + 1
      local token = ssub(text, s, e)
      local n = tonumber(token)
      -- An integer is packed as msgpack int64/uint64 and pushed as
      -- lua_pushinteger((double) v): a uint64 >= 2^63 overflows the cast to
      -- INT64_MIN (x86-64). Integers beyond uint64 are parsed as doubles.
      if not sfind(token, "[-.eE]") and (#token < 20 or (#token == 20 and token <= "18446744073709551615"))
        and n >= 2 ^ 63 then return -2 ^ 63 end
      return n
    end
  end
  return value
end

---------------------------------------------------------------- Lua -> msgpack -> JSON
-- (int64)n == n with x86-64 semantics: NaN and out-of-range casts give INT64_MIN.
local function is_integer(n)
  return n == n and n == floor(n) and n >= -2 ^ 63 and n < 2 ^ 63
end

local function maxn(t)
  local m = 0
  for k in pairs(t) do if type(k) == "number" and k > m then m = k end end
  return m
end

-- flb_lua_arraylength
local function array_length(t)
  local m = maxn(t)
  if is_integer(m) and m > 0 then return m end
  local count, max = 0, 0
  for k in pairs(t) do
    if type(k) ~= "number" or k <= 0 then return -1 end
    local n = k >= 0 and floor(k) or -floor(-k) -- the C cast to int truncates
    if n > max then max = n end
    count = count + 1
  end
  if max ~= count then return -1 end
  return max
end

local function utf8_decode(s, i)
  local c = sbyte(s, i)
  local need, lo, hi, cp = 0, 0x80, 0xBF, 0
  if c >= 0xC2 and c <= 0xDF then need, cp = 1, c - 0xC0
  elseif c == 0xE0 then need, lo, cp = 2, 0xA0, 0
  elseif c == 0xED then need, hi, cp = 2, 0x9F, 0xD
  elseif c >= 0xE1 and c <= 0xEF then need, cp = 2, c - 0xE0
  elseif c == 0xF0 then need, lo, cp = 3, 0x90, 0
  elseif c == 0xF4 then need, hi, cp = 3, 0x8F, 4
  elseif c >= 0xF1 and c <= 0xF3 then need, cp = 3, c - 0xF0
  else return nil end
  for k = 1, need do
    local b = sbyte(s, i + k)
    if not b then return nil end
    if k == 1 then if b < lo or b > hi then return nil end
    elseif b < 0x80 or b > 0xBF then return nil end
    cp = cp * 64 + (b - 0x80)
  end
  return cp, need + 1
end

local ESC = { [34] = '\\"', [92] = "\\\\", [10] = "\\n", [13] = "\\r", [9] = "\\t", [8] = "\\b", [12] = "\\f" }

local function json_str(s, out)
  if not sfind(s, '[%z\1-\31"\\\127-\255]') then out[#out + 1] = '"' .. s .. '"'; return end
  local buf, n, i, len = { '"' }, 1, 1, #s
  while i <= len do
    local p = sfind(s, '[%z\1-\31"\\\127-\255]', i)
    if not p then n = n + 1; buf[n] = ssub(s, i); break end
    if p > i then n = n + 1; buf[n] = ssub(s, i, p - 1) end
    local c = sbyte(s, p)
    if c < 128 then
      n = n + 1; buf[n] = ESC[c] or sfmt("\\u%04x", c)
      i = p + 1
    else
      local cp, size = utf8_decode(s, p)
      if not cp then error(sfmt("INVALID_UTF8 at byte %d of a %d-byte string", p, len), 0) end
      if cp > 0xFFFF then
        n = n + 1; buf[n] = sfmt("\\u%04x\\u%04x", 0xD800 + floor((cp - 0x10000) / 1024), 0xDC00 + (cp - 0x10000) % 1024)
      else
        n = n + 1; buf[n] = sfmt("\\u%04x", cp)
      end
      i = p + size
    end
  end
  n = n + 1; buf[n] = '"'
  out[#out + 1] = concat(buf)
end

local to_json
local function map_json(t, out)
  out[#out + 1] = "{"
  local first = true
  for k, v in pairs(t) do
    if not first then out[#out + 1] = "," end
    first = false
    to_json(k, out); out[#out + 1] = ":"; to_json(v, out)
  end
  out[#out + 1] = "}"
end
local function array_json(t, len, out)
  out[#out + 1] = "["
  for i = 1, len do
    if i > 1 then out[#out + 1] = "," end
    to_json(t[i], out)
  end
  out[#out + 1] = "]"
end

function to_json(v, out)
  local tv = type(v)
  if tv == "string" then json_str(v, out)
  elseif tv == "number" then
    if is_integer(v) then out[#out + 1] = sfmt("%d", v)
    elseif v ~= v then out[#out + 1] = "nan"
    elseif v == huge then out[#out + 1] = "inf"
    elseif v == -huge then out[#out + 1] = "-inf"
    else out[#out + 1] = sfmt("%.16g", v) end
  elseif tv == "boolean" then out[#out + 1] = v and "true" or "false"
  elseif tv == "nil" then out[#out + 1] = "null"
  elseif tv == "table" then
    local mt = getmetatable(v)
    local kind = type(mt) == "table" and type(rawget(mt, "type")) == "number" and rawget(mt, "type") or nil
    if kind == FLB_ARRAY then array_json(v, #v, out)
    elseif kind ~= nil then map_json(v, out)
    else
      local len = array_length(v)
      if len > 0 then array_json(v, len, out) else map_json(v, out) end
    end
  else
    error("UNSERIALIZABLE " .. tv .. " value (FluentBit writes nothing: corrupt record)", 0)
  end
end

local function record_kind(v)
  if type(v) ~= "table" then return type(v) end
  local mt = getmetatable(v)
  local kind = type(mt) == "table" and rawget(mt, "type") or nil
  if kind == FLB_ARRAY then return "array" end
  if kind ~= nil then return "map" end
  return array_length(v) > 0 and "array" or "map"
end

---------------------------------------------------------------- the loop
local out = io.stdout
for line in io.stdin:lines() do
  if line ~= "" then
    local ok, result = pcall(function()
      local case = decoder(line)()
      if case.lua then -- a Lua chunk returning the record: values JSON cannot describe
        local chunk = assert(loadstring(case.lua))
        case.record = chunk()
      end
      local ts = case.ts
      if type(ts) == "table" then ts = { sec = ts.sec, nsec = ts.nsec } end -- no metatable, as flb_lua_pushtimetable
      local fn = _G[CALL]
      if type(fn) ~= "function" then error("no global function " .. CALL, 0) end
      local called, code, _, record = pcall(fn, case.tag or "kube.test", ts, case.record)
      if not called then error("LUA_ERROR (FluentBit keeps the record unchanged): " .. tostring(code), 0) end
      code = tonumber(code) or 0
      if code ~= 1 and code ~= 2 then return sfmt("%d\t", code) end
      if record_kind(record) ~= "map" then error("NOT_A_MAP: the record packs as " .. record_kind(record), 0) end
      local parts = {}
      to_json(record, parts)
      return sfmt("%d\t%s", code, concat(parts))
    end)
    if ok then out:write(result, "\n") else out:write("ERROR\t", (tostring(result):gsub("[\r\n]", " ")), "\n") end
  end
end
