// gen/names.json: names several generated files and Nix must agree on, validated once.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
