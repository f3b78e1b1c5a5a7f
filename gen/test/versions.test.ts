// The versions Nix ships (gen/versions.json) and the keys the generator emits: every key is
// read by the recorded version, and the record itself is valid.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { loadModel } from "../model/model.ts";
import { compareVersions, parseVersions } from "../model/versions.ts";
import { assertProblemLines, genWithInput } from "./gen-cli.ts";
import { clickhouseKeys, fluentBitKeys } from "../versions/emitted.ts";
import { CLICKHOUSE_KEYS, FLUENT_BIT_KEYS, unsupported } from "../versions/supported.ts";
import { versionFloors } from "../versions/floors.ts";
import { spawnSync } from "node:child_process";
import { requireEngine } from "../../checks/engines.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const model = loadModel(ROOT);

test("every ClickHouse key the generator emits is read by the ClickHouse Nix ships", () => {
  assert.deepEqual(unsupported(clickhouseKeys(model), CLICKHOUSE_KEYS, model.versions.packages.clickhouse), []);
});

test("every FluentBit key the generator emits is read by the fluent-bit Nix ships", () => {
  assert.deepEqual(unsupported(fluentBitKeys(model), FLUENT_BIT_KEYS, model.versions.packages["fluent-bit"]), []);
});

test("the check catches a key the recorded version does not read (ClickHouse 25.3: throw_on_error)", () => {
  const problems = unsupported(clickhouseKeys(model), CLICKHOUSE_KEYS, "25.3");
  assert.deepEqual(problems, ["server.startup_scripts.throw_on_error: read only from 25.5 on (programs/server/Server.cpp), but gen/versions.json records 25.3"]);
  assert.match(unsupported(["server.no_such_key"], CLICKHOUSE_KEYS, "26.4")[0] ?? "", /not in gen\/versions\/supported.ts/);
  // fluent-bit 4.0 (nixpkgs 25.05) does not keep rejected chunks.
  assert.ok(unsupported(fluentBitKeys(model), FLUENT_BIT_KEYS, "4.0").some((p) => p.startsWith("service.storage.keep.rejected")));
});

test("gen/versions.json is validated with clear errors", () => {
  assert.throws(() => parseVersions({ nixpkgs: "nixos-26.05", packages: { clickhouse: "26.4" } }, "v.json"), /v\.json: packages\.fluent-bit: expected "major" or "major\.minor" such as "26\.4", got nothing \(missing\)$/m);
  assert.throws(() => parseVersions({ nixpkgs: "unstable", packages: {}, extra: 1 }, "v.json"), /v\.json: extra: expected a key of the top level \("nixpkgs", "packages"\), got unknown key "extra"$/m);
  assert.throws(() => parseVersions({ nixpkgs: "nixos-26.05", packages: [] }, "v.json"), /v\.json: packages: expected an object with keys clickhouse, .*, got \[\]$/m);
  assert.equal(compareVersions("25.3", "25.5"), -1);
  assert.equal(compareVersions("26.4", "26.4.0"), 0);
});

test("npm run gen: a bad value in gen/versions.json is one gen: line naming the file and key, exit 1", () => {
  const v = JSON.parse(readFileSync(resolve(ROOT, "gen/versions.json"), "utf8")) as { packages: Record<string, unknown> };
  v.packages["k3s"] = "1.35.0";
  assertProblemLines(genWithInput("gen/versions.json", JSON.stringify(v)), [
    'gen: gen/versions.json: packages.k3s: expected "major" or "major.minor" such as "26.4", got "1.35.0"',
  ]);
});

test("docs/versions.md names every key and the recorded versions", () => {
  const doc = readFileSync(resolve(ROOT, "docs/versions.md"), "utf8");
  for (const key of [...Object.keys(CLICKHOUSE_KEYS), ...Object.keys(FLUENT_BIT_KEYS)]) assert.ok(doc.includes(`\`${key}\``), `docs/versions.md lacks ${key}`);
  for (const [pkg, v] of Object.entries(model.versions.packages)) assert.match(doc, new RegExp(`\\| ${pkg} \\| ${v.replace(".", "\\.")} \\|`), `docs/versions.md: ${pkg} ${v}`);
});

test("version floors: the newest first version among the emitted keys, named; Node.js from engines.node", () => {
  const floors = versionFloors(model);
  const newest = (emitted: Set<string>, table: typeof CLICKHOUSE_KEYS): string =>
    [...emitted].map((k) => table[k]?.since ?? "0").reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  assert.equal(floors.clickhouse.version, newest(clickhouseKeys(model), CLICKHOUSE_KEYS));
  assert.equal(floors["fluent-bit"].version, newest(fluentBitKeys(model), FLUENT_BIT_KEYS));
  assert.deepEqual([floors.clickhouse.version, floors.clickhouse.key], ["25.5", "server.startup_scripts.throw_on_error"]);
  // Read only by the patched build (nix/fluent-bit/http-raw-json.patch), which the floor names.
  assert.deepEqual([floors["fluent-bit"].version, floors["fluent-bit"].key], ["5.0", "input.http.raw_json_key"]);
  assert.match(floors["fluent-bit"].needs, /with nix\/fluent-bit\/http-raw-json\.patch$/);
  assert.equal(floors.nodejs.version, "20");
  // The versions the tests ran against are at or above every floor.
  for (const [pkg, floor] of Object.entries(floors)) assert.ok(compareVersions(model.versions.packages[pkg as keyof typeof floors], floor.version) >= 0, pkg);
});

const hasNix = spawnSync("nix-instantiate", ["--version"], { stdio: "ignore" }).status === 0;
const skipNix = requireEngine("nix/versions.nix evaluation", hasNix ? [] : [{ name: "nix-instantiate", hint: "PATH; Debian package nix-bin" }]);

test("nix/versions.nix: below a floor fails naming the key; any newer version, a patch level or a stand-in's non-version passes", { skip: skipNix }, () => {
  const evalProblems = (shipped: Record<string, string>): string[] => {
    const attrs = Object.entries(shipped).map(([k, v]) => `"${k}" = "${v}";`).join(" ");
    const r = spawnSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", `(import ./nix/versions.nix { }).problems { ${attrs} }`], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  // nixos-26.05 as it may be pinned (26.4 or 26.2), and master in August 2026.
  assert.deepEqual(evalProblems({ clickhouse: "26.4.2.10-stable", "fluent-bit": "5.0.7", "static-web-server": "2.42.0", nodejs: "24.18.0", k3s: "1.35.6+k3s1" }), []);
  assert.deepEqual(evalProblems({ clickhouse: "26.2.5.45-stable" }), []);
  assert.deepEqual(evalProblems({ clickhouse: "26.6.1.1193-stable", "static-web-server": "2.43.0" }), []);
  assert.deepEqual(evalProblems({ clickhouse: "stub", nodejs: "" }), []);
  const [problem, ...rest] = evalProblems({ clickhouse: "25.3.4.190-lts", "fluent-bit": "5.0.7" });
  assert.deepEqual(rest, []);
  assert.match(problem ?? "", /^clickhouse 25\.3\.4\.190-lts is below 25\.5: the generated config sets server\.startup_scripts\.throw_on_error, read from 25\.5 on \(programs\/server\/Server\.cpp\)\. Use a nixpkgs whose clickhouse is 25\.5 or newer/);
  assert.match(evalProblems({ "fluent-bit": "4.2.3" })[0] ?? "", /^fluent-bit 4\.2\.3 is below 5\.0: the generated config sets input\.http\.raw_json_key, read from 5\.0 on with nix\/fluent-bit\/http-raw-json\.patch/);
});
