// gen/names.json: names several generated files and Nix must agree on, validated once.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { loadModel } from "../model/model.ts";
import { parseNames } from "../model/names-schema.ts";
import { InputError } from "../model/validate.ts";
import { assertProblemLines, genWithInput } from "./gen-cli.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const original = (): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, "gen/names.json"), "utf8"));

describe("gen/names.json", () => {
  it("the committed file is valid, and is the model's names", () => {
    assert.equal(parseNames(original()).namespace, "otel-demo");
    assert.deepEqual(loadModel(ROOT).names, original());
  });

  it("rejects names Kubernetes or ClickHouse would refuse, naming the key", () => {
    const cases: [(n: Record<string, any>) => void, RegExp][] = [ // `any`: fixtures broken on purpose
      [(n) => (n["namespace"] = "Otel_Demo"), /namespace: expected a string matching/],
      [(n) => (n["logsTable"] = "otel-logs"), /logsTable: expected a string matching/],
      [(n) => (n["secretKeys"]["ingestPassword"] = ""), /secretKeys\.ingestPassword: expected a string/],
      [(n) => delete n["readerUser"], /readerUser: expected a string matching .* got nothing \(missing\)/],
      [(n) => (n["extra"] = "x"), /extra: expected a key of the top level \("namespace", .*\), got unknown key "extra"/],
      [(n) => (n["passwordEnv"] = "X"), /passwordEnv: expected an object with keys default, ingest, got "X"/],
    ];
    for (const [mutate, pattern] of cases) {
      const n = original();
      mutate(n);
      assert.throws(() => parseNames(n), (e: Error) => e instanceof InputError && e.message.startsWith("gen/names.json: ") && pattern.test(e.message), String(pattern));
    }
  });
});

describe("npm run gen with a broken gen/names.json", () => {
  it("reports the file and key in one gen: line and exits 1, no stack trace", () => {
    assertProblemLines(genWithInput("gen/names.json", JSON.stringify({ ...original(), database: "otel-db" })), [
      `gen: gen/names.json: database: expected a string matching ${String(/^[A-Za-z_][A-Za-z0-9_]*$/)}, got "otel-db"`,
    ]);
  });

  it("a file that is not JSON is one line naming the file", () => {
    const r = genWithInput("gen/names.json", "{ not json");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^gen: gen\/names\.json: expected valid JSON, got .*JSON.*\n$/);
  });
});
