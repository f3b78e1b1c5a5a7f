// gen/images.json: the one definition of image names and tags (Nix reads it too).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { imageRef, loadImages, parseImages } from "../model/images.ts";
import { InputError } from "../model/validate.ts";
import { assertProblemLines, genWithInput } from "./gen-cli.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const original = (): Record<string, Record<string, unknown>> => JSON.parse(readFileSync(join(ROOT, "gen/images.json"), "utf8"));

describe("gen/images.json", () => {
  it("defines a fixed tag for each component", () => {
    const images = loadImages(join(ROOT, "gen/images.json"));
    assert.deepEqual(Object.keys(images).sort(), ["clickhouse", "fluentbit", "hyperdx", "loggen"]);
    assert.equal(imageRef(images.loggen), "otel-demo/loggen:0.1.0");
  });

  it("refuses `latest`, upper-case names, unknown and missing components, naming the key", () => {
    const cases: [(i: Record<string, Record<string, unknown>>) => void, RegExp][] = [
      [(i) => (i["loggen"]!["tag"] = "latest"), /loggen\.tag: expected a fixed tag such as "0\.1\.0" \(not "latest"\), got "latest"/],
      [(i) => (i["clickhouse"]!["name"] = "Otel/ClickHouse"), /clickhouse\.name: expected a lower-case image name/],
      [(i) => (i["redis"] = { name: "redis", tag: "7" }), /redis: expected a key of the top level \("loggen", "fluentbit", "clickhouse", "hyperdx"\), got unknown key "redis"/],
      [(i) => delete i["hyperdx"], /hyperdx: expected \{"name": \.\.\., "tag": \.\.\.\}, got nothing \(missing\)/],
      [(i) => (i["loggen"]!["digest"] = "x"), /loggen\.digest: expected a key of loggen \("name", "tag"\), got unknown key "digest"/],
    ];
    for (const [mutate, pattern] of cases) {
      const images = original();
      mutate(images);
      assert.throws(() => parseImages(images), (e: Error) => e instanceof InputError && e.message.startsWith("gen/images.json: ") && pattern.test(e.message), String(pattern));
    }
  });

  it("npm run gen: a bad value is one gen: line naming the file and key, exit 1", () => {
    const images = original();
    images["loggen"]!["tag"] = "latest";
    assertProblemLines(genWithInput("gen/images.json", JSON.stringify(images)), [
      'gen: gen/images.json: loggen.tag: expected a fixed tag such as "0.1.0" (not "latest"), got "latest"',
    ]);
  });
});
