// The fluent-bit the tests run: the build the images ship, v5.0.7 with this repository's
// patches (nix/fluent-bit/). The generated config sets a key only the patched build reads
// (raw_json_key), so a stock build refuses it at start; that is reported as a missing engine
// naming the patches, not as a failing test.
import { spawnSync } from "node:child_process";
import { HTTP_JSON_KEY } from "../gen/fluentbit/lua.ts";
import { findBinary } from "./binaries.ts";
import type { Engine } from "./engines.ts";

/** FLUENT_BIT or `fluent-bit` on PATH, patched or not; undefined when there is none. */
export const fluentBitBinary = (): string | undefined => findBinary(process.env["FLUENT_BIT"] ?? "fluent-bit");

const checked = new Map<string, boolean>();

/** Whether `binary` reads the patched http input's raw_json_key (a dry run, ~10 ms). */
function isPatched(binary: string): boolean {
  let patched = checked.get(binary);
  if (patched === undefined) {
    const r = spawnSync(binary, ["-i", "http", "-p", `raw_json_key=${HTTP_JSON_KEY}`, "-p", "port=1", "-o", "null", "--dry-run"], { encoding: "utf8", timeout: 30_000 });
    patched = r.status === 0;
    checked.set(binary, patched);
  }
  return patched;
}

/** What the tests lack to run fluent-bit: nothing, no binary at all, or a build without the patches. */
export function missingFluentBit(): Engine[] {
  const binary = fluentBitBinary();
  if (binary === undefined) return [{ name: "fluent-bit", hint: "FLUENT_BIT or PATH; `nix develop` provides the patched build" }];
  if (!isPatched(binary)) {
    return [{ name: "fluent-bit", hint: `${binary} lacks this repository's patches (nix/fluent-bit/*.patch): use \`nix develop\`, or apply them to fluent-bit v5.0.7's source and build it` }];
  }
  return [];
}
