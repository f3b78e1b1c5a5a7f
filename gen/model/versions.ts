// The versions of what Nix ships (gen/versions.json), recorded once: nix/versions.nix
// asserts them against the pinned nixpkgs at evaluation, and gen/versions/ checks every
// ClickHouse and FluentBit key the generator emits against them.
import { readFileSync } from "node:fs";

export const PACKAGES = ["clickhouse", "fluent-bit", "k3s", "static-web-server", "nodejs"] as const;
export type Package = (typeof PACKAGES)[number];

export interface Versions {
  readonly nixpkgs: string;
  /** "major" or "major.minor" of each package: a prefix, component by component, of the shipped version. */
  readonly packages: { readonly [P in Package]: string };
}

const VERSION = /^[0-9]+(\.[0-9]+)?$/;

export function parseVersions(raw: unknown, file = "gen/versions.json"): Versions {
  const problems: string[] = [];
  const obj = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (obj === undefined) throw new Error(`${file}: top level: expected an object with keys nixpkgs, packages`);
  for (const key of Object.keys(obj)) if (key !== "nixpkgs" && key !== "packages") problems.push(`${key}: unknown key; allowed: nixpkgs, packages`);
  if (typeof obj["nixpkgs"] !== "string" || !/^nixos-[0-9]{2}\.[0-9]{2}$/.test(obj["nixpkgs"])) problems.push(`nixpkgs: expected a channel such as "nixos-26.05", got ${JSON.stringify(obj["nixpkgs"])}`);
  const pkgs = typeof obj["packages"] === "object" && obj["packages"] !== null ? (obj["packages"] as Record<string, unknown>) : {};
  for (const key of Object.keys(pkgs)) if (!PACKAGES.includes(key as Package)) problems.push(`packages.${key}: unknown key; allowed: ${PACKAGES.join(", ")}`);
  for (const p of PACKAGES) {
    const v = pkgs[p];
    if (typeof v !== "string" || !VERSION.test(v)) problems.push(`packages.${p}: expected "major" or "major.minor" such as "26.4", got ${JSON.stringify(v)}`);
  }
  if (problems.length > 0) throw new Error(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return raw as Versions;
}

export function loadVersions(file: string): Versions {
  return parseVersions(JSON.parse(readFileSync(file, "utf8")), file);
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
