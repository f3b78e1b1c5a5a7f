// The lowest version of each package Nix ships that runs what the generator emits: for
// ClickHouse and FluentBit, the newest first version (gen/versions/supported.ts) among the
// keys the generator emits (gen/versions/emitted.ts), named, so Nix can say which key needs
// more; for Node.js, what the packages' `engines` fields declare; for k3s and
// static-web-server (no table of keys yet), the version the tests ran against
// (gen/versions.json). Written to nix.generated/model.json; nix/versions.nix fails evaluation
// only when a shipped version is below its floor.
import type { Model } from "../model/model.ts";
import { compareVersions, type Package } from "../model/versions.ts";
import { clickhouseKeys, fluentBitKeys } from "./emitted.ts";
import { CLICKHOUSE_KEYS, FLUENT_BIT_KEYS, type Supported } from "./supported.ts";

export interface Floor {
  /** Lowest version ("major" or "major.minor") that runs what is emitted. */
  readonly version: string;
  /** Why, as a clause: the emitted key that needs it, or where the floor comes from. */
  readonly needs: string;
  /** The key that needs it, when a key does. */
  readonly key?: string;
  /** Where that is read: a file of the package's source, or of this repository. */
  readonly source: string;
}

export type Floors = { readonly [P in Package]: Floor };

/** The emitted key with the newest first version (ties: the first by name). */
function newestKey(emitted: Iterable<string>, table: Readonly<Record<string, Supported>>, pkg: string): Floor {
  let best: Floor | undefined;
  for (const key of [...emitted].sort()) {
    const row = table[key];
    if (row === undefined) throw new Error(`${pkg} key ${key}: not in gen/versions/supported.ts; check it in the package's source and add it`);
    if (best === undefined || compareVersions(row.since, best.version) > 0) best = { version: row.since, needs: `the generated config sets ${key}, read from ${row.since} on${row.patch === undefined ? "" : ` with ${row.patch}`}`, key, source: row.source };
  }
  if (best === undefined) throw new Error(`no ${pkg} key emitted`);
  return best;
}

export function versionFloors(model: Model): Floors {
  const node = model.versions.nodeEngines.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a));
  const nodeFloor: Floor = { version: node.version, needs: `engines.node of ${node.file} asks for >=${node.version}`, source: node.file };
  const tested = (p: Package): Floor => ({ version: model.versions.packages[p], needs: `the tests ran against ${model.versions.packages[p]} (no table of ${p} keys yet)`, source: "gen/versions.json" });
  return {
    clickhouse: newestKey(clickhouseKeys(model), CLICKHOUSE_KEYS, "clickhouse"),
    "fluent-bit": newestKey(fluentBitKeys(model), FLUENT_BIT_KEYS, "fluent-bit"),
    k3s: tested("k3s"),
    "static-web-server": tested("static-web-server"),
    nodejs: nodeFloor,
  };
}
