// gen/names.json: names several generated files and Nix must agree on, validated once.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parseNames } from "../model/names.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const original = (): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, "gen/names.json"), "utf8"));

describe("gen/names.json", () => {
  it("the committed file is valid", () => {
    assert.equal(parseNames(original()).namespace, "otel-demo");
  });

  it("rejects names Kubernetes or ClickHouse would refuse, naming the key", () => {
    const cases: [(n: Record<string, any>) => void, RegExp][] = [ // `any`: fixtures broken on purpose
      [(n) => (n["namespace"] = "Otel_Demo"), /namespace: expected a string matching/],
      [(n) => (n["logsTable"] = "otel-logs"), /logsTable: expected a string matching/],
      [(n) => (n["secretKeys"]["ingestPassword"] = ""), /secretKeys\.ingestPassword: expected a string/],
      [(n) => delete n["readerUser"], /readerUser: expected a string matching .* got undefined/],
      [(n) => (n["extra"] = "x"), /extra: unknown key/],
    ];
    for (const [mutate, pattern] of cases) {
      const n = original();
      mutate(n);
      assert.throws(() => parseNames(n), (e: Error) => e.message.startsWith("gen/names.json is invalid:") && pattern.test(e.message), String(pattern));
    }
  });
});

describe("npm run gen with a broken gen/names.json", () => {
  it("reports the file and key in one gen: message and exits 1, writing nothing", () => {
    // A copy of gen/ beside a broken names.json: the generator reads the file next to itself.
    const root = mkdtempSync(join(tmpdir(), "names-"));
    try {
      cpSync(join(ROOT, "gen"), join(root, "gen"), { recursive: true });
      cpSync(join(ROOT, "package.json"), join(root, "package.json"));
      const broken = { ...original(), database: "otel-db" };
      writeFileSync(join(root, "gen/names.json"), JSON.stringify(broken));
      const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "gen/main.ts"), "--check"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^gen: .*gen\/names\.json is invalid:\n  - database: expected a string matching .* got "otel-db"\n$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      writeFileSync(join(root, "gen/names.json"), "{ not json");
      const bad = spawnSync(process.execPath, ["--import", "tsx", join(root, "gen/main.ts"), "--check"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^gen: .*gen\/names\.json: .*JSON/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
