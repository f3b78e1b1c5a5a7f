-- bench/lua-transform.lua: records/s of lua/transform.lua's filter on LuaJIT.
--   luajit bench/lua-transform.lua lua/transform.lua [records]
-- Records look like FluentBit's after tail (cri) + kubernetes merge_log: a loggen tick
-- (pino fields) plus the kubernetes map, tables marked with FluentBit's map metatable.
-- Only the filter call is timed (CPU time, os.clock); FluentBit's own msgpack <-> Lua
-- conversion in C is not part of it. Prints one tab-separated line per workload:
--   <name>\t<records>\t<seconds>\t<records per second>
local script = arg[1] or "lua/transform.lua"
local N = tonumber(arg[2]) or 500000
dofile(script)
local filter = otel_logs_row

local MAP = { type = 2 }
local function map(t) return setmetatable(t, MAP) end
local STRINGS = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa" }

local kubernetes = map({
  pod_name = "loggen-6d5f7c9b8-x2x7k", namespace_name = "otel-demo",
  pod_id = "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11", container_name = "loggen",
  docker_id = "4f1c0ab3e9d2c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
  container_hash = "sha256:6b0b7c3f4e5d", container_image = "otel-demo/loggen:0.1.0", host = "otel-demo",
  labels = map({ app = "loggen", ["app.kubernetes.io/name"] = "loggen", ["pod-template-hash"] = "6d5f7c9b8" }),
})

-- A pool of distinct records, reused (the transform does not modify its input).
local POOL = 1024
local ticks, raws = {}, {}
for i = 1, POOL do
  ticks[i] = map({
    stream = "stdout", _p = "F", level = 30, time = 1795238712748 + i, pid = 1, hostname = "loggen-6d5f7c9b8-x2x7k",
    count = i, random_number = (i * 7919) % 101, random_string = STRINGS[i % 10 + 1], msg = "tick",
    kubernetes = kubernetes,
  })
  raws[i] = map({ stream = "stderr", _p = "F", time = "2026-11-21T05:28:02.123456789Z", log = "panic: runtime error: index out of range [" .. i .. "]", kubernetes = kubernetes })
end

local function run(records, n)
  local ts = { sec = 1795238712, nsec = 0 }
  local start = os.clock()
  for i = 1, n do
    -- ~100 records per second of log time, as a busy node would see.
    if i % 100 == 0 then ts = { sec = ts.sec + 1, nsec = 0 } end
    ts.nsec = (i * 9973) % 1000000000
    local code, _, row = filter("kube.var.log.containers.loggen.log", ts, records[(i % POOL) + 1])
    if code ~= 2 or row.Body == nil then error("unexpected result") end
  end
  return os.clock() - start
end

run(ticks, 50000) -- let the JIT compile the hot paths
for _, w in ipairs({ { "loggen tick lines (pino JSON merged, Kubernetes metadata)", ticks }, { "non-JSON lines (raw text, Kubernetes metadata)", raws } }) do
  local seconds = run(w[2], N)
  io.write(string.format("%s\t%d\t%.3f\t%.0f\n", w[1], N, seconds, N / seconds))
end
