// The versions of what Nix ships (gen/versions.json), recorded once: nix/versions.nix
// asserts them against the pinned nixpkgs at evaluation, and gen/versions/ checks every
// ClickHouse and FluentBit key the generator emits against them.
import { resolve } from "node:path";
import { Problems, readJson } from "./validate.ts";

export const PACKAGES = ["clickhouse", "fluent-bit", "k3s", "static-web-server", "nodejs"] as const;
export type Package = (typeof PACKAGES)[number];

export interface Versions {
  readonly nixpkgs: string;
  /** "major" or "major.minor" of each package the tests ran against (what nixos-26.05 ships). */
  readonly packages: { readonly [P in Package]: string };
  /** The Node.js each of this repository's npm packages declares it needs (engines.node ">=N"). */
  readonly nodeEngines: readonly { readonly file: string; readonly version: string }[];
}

/** The npm packages whose code Nix runs on its Node.js (root: the generator and checks; loggen; report). */
export const NODE_PACKAGE_FILES = ["package.json", "loggen/package.json", "report/package.json"] as const;

/** engines.node (">=20", ">=20.9") of each package.json -> its version, with one clear error per file. */
export function loadNodeEngines(root: string): Versions["nodeEngines"] {
  return NODE_PACKAGE_FILES.map((file) => {
    const raw = readJson(resolve(root, file)) as { engines?: { node?: unknown } } | undefined;
    const text = raw?.engines?.node;
    const m = /^>=\s*([0-9]+(?:\.[0-9]+)?)(?:\.[0-9]+)?$/.exec(typeof text === "string" ? text : "");
    if (m?.[1] === undefined) {
      const problems = new Problems(file);
      problems.add("engines.node", `">=<major>[.<minor>]" such as ">=20"`, text);
      return problems.fail();
    }
    return { file, version: m[1] };
  });
}

const VERSION = /^[0-9]+(\.[0-9]+)?$/;
const CHANNEL = /^nixos-[0-9]{2}\.[0-9]{2}$/;

export function parseVersions(raw: unknown, file = "gen/versions.json"): Omit<Versions, "nodeEngines"> {
  const problems = new Problems(file);
  const obj = problems.object(raw, "", "an object with keys nixpkgs, packages");
  if (obj === undefined) return problems.fail();
  problems.unknownKeys(obj, "", ["nixpkgs", "packages"]);
  problems.string(obj["nixpkgs"], "nixpkgs", CHANNEL, `a channel such as "nixos-26.05"`);
  const pkgs = problems.object(obj["packages"], "packages", `an object with keys ${PACKAGES.join(", ")}`);
  if (pkgs !== undefined) {
    problems.unknownKeys(pkgs, "packages", PACKAGES);
    for (const p of PACKAGES) problems.string(pkgs[p], `packages.${p}`, VERSION, `"major" or "major.minor" such as "26.4"`);
  }
  problems.done();
  return raw as Omit<Versions, "nodeEngines">;
}

export function loadVersions(file: string, root: string): Versions {
  return { ...parseVersions(readJson(file), file), nodeEngines: loadNodeEngines(root) };
}

/** Compares dotted versions numerically: -1, 0 or 1 (missing components count as 0). */
export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
