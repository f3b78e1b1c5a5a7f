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
