// Loaded before every test file (package.json "test": node --import ./gen/test/engine-clock-preload.ts).
// Under `faketime` (CI runs the suite a year ahead) libfaketime is preloaded into this process
// and would reach chDB's engine through the libc functions it imports (time(), which MergeTree
// TTLs read) but not through its own clock_gettime (now()): one engine with two clocks, a year
// apart, which no deployment has. chDB is therefore loaded with RTLD_DEEPBIND, binding it to
// libc itself, so the engine keeps the real clock, as the programs under test do
// (engineClockEnv in gen/test/engine-clock.ts) and only the test code's own clock moves.
import { constants } from "node:os";

if ((process.env["LD_PRELOAD"] ?? "").includes("faketime")) {
  const dlopen = process.dlopen.bind(process);
  process.dlopen = (module: object, filename: string, flags: number = constants.dlopen.RTLD_LAZY): void =>
    dlopen(module, filename, filename.includes("chdb") ? flags | constants.dlopen.RTLD_DEEPBIND : flags);
}
