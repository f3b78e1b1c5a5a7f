// Loaded before every test file (package.json "test": node --import ./gen/test/engine-preload.ts).
//
// 1. Which ClickHouse engine chDB runs: CHDB_ENGINE=<folder of an @chdb/lib-linux-x64-gnu
//    package> (e.g. 26.5.x, the release closest to what Nix ships: `npm run test:engine`,
//    docs/versions.md) instead of the one package-lock.json pins. The chdb package loads its
//    engine with require("@chdb/lib-linux-x64-gnu"); that one name is resolved to the folder.
//
// 2. Under `faketime` (CI runs the suite a year ahead) libfaketime is preloaded into this process
// and would reach chDB's engine through the libc functions it imports (time(), which MergeTree
// TTLs read) but not through its own clock_gettime (now()): one engine with two clocks, a year
// apart, which no deployment has. chDB is therefore loaded with RTLD_DEEPBIND, binding it to
// libc itself, so the engine keeps the real clock, as the programs under test do
// (engineClockEnv in gen/test/engine-clock.ts) and only the test code's own clock moves.
import { createRequire } from "node:module";
import Module from "node:module";
import { constants } from "node:os";
import { resolve } from "node:path";

const engine = process.env["CHDB_ENGINE"];
if (engine !== undefined && engine !== "") {
  const entry = createRequire(import.meta.url).resolve(resolve(engine));
  // Module._resolveFilename is CommonJS's resolver (the chdb package is CommonJS); not in @types/node.
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = mod._resolveFilename.bind(Module);
  mod._resolveFilename = (request: string, ...rest: unknown[]): string => (request === "@chdb/lib-linux-x64-gnu" ? entry : original(request, ...rest));
}

if ((process.env["LD_PRELOAD"] ?? "").includes("faketime")) {
  const dlopen = process.dlopen.bind(process);
  process.dlopen = (module: object, filename: string, flags: number = constants.dlopen.RTLD_LAZY): void =>
    dlopen(module, filename, filename.includes("chdb") ? flags | constants.dlopen.RTLD_DEEPBIND : flags);
}
