// Deployment settings (gen/settings.json): how long ClickHouse keeps rows, and each
// container's CPU and memory. The NixOS module's options (nix/module.nix) override them by
// handing the generator another file (`npm run gen -- --settings FILE`).
import { readFileSync } from "node:fs";

export const CONTAINER_KEYS = ["loggen", "fluentbit", "clickhouse", "hyperdx", "hyperdxProxy"] as const;
export type ContainerKey = (typeof CONTAINER_KEYS)[number];

export interface Quantities {
  readonly cpu: string;
  readonly memory: string;
}
export interface Resources {
  readonly requests: Quantities;
  readonly limits: Quantities;
}
export interface Settings {
  /** Days of raw logs (otel_logs, the catalog) and of the hourly rollups kept. */
  readonly retention: { readonly logsDays: number; readonly rollupDays: number };
  readonly resources: { readonly [K in ContainerKey]: Resources };
}

// Kubernetes quantities as this project writes them: "500m" or "2" CPUs, "64Mi" or "1Gi".
const CPU = /^([1-9][0-9]*m|[0-9]+(\.[0-9]+)?)$/;
const MEMORY = /^[1-9][0-9]*(Ki|Mi|Gi)$/;

const keysOf = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push(`${path}${k}: unknown key; allowed: ${allowed.join(", ")}`);
}

export function parseSettings(raw: unknown, file = "gen/settings.json"): Settings {
  const problems: string[] = [];
  const top = keysOf(raw) ?? {};
  if (keysOf(raw) === undefined) problems.push("top level: expected an object with keys retention, resources");
  checkKeys(top, ["retention", "resources"], "", problems);
  const retention = keysOf(top["retention"]) ?? {};
  checkKeys(retention, ["logsDays", "rollupDays"], "retention.", problems);
  for (const k of ["logsDays", "rollupDays"]) {
    const v = retention[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 3650) problems.push(`retention.${k}: expected a whole number of days from 1 to 3650, got ${JSON.stringify(v)}`);
  }
  if (typeof retention["logsDays"] === "number" && typeof retention["rollupDays"] === "number" && retention["rollupDays"] < retention["logsDays"]) {
    problems.push(`retention.rollupDays: expected at least retention.logsDays (${retention["logsDays"]}): the rollup summarises the raw rows, got ${retention["rollupDays"]}`);
  }
  const resources = keysOf(top["resources"]) ?? {};
  checkKeys(resources, CONTAINER_KEYS, "resources.", problems);
  for (const c of CONTAINER_KEYS) {
    const r = keysOf(resources[c]);
    if (r === undefined) {
      problems.push(`resources.${c}: missing; expected {"requests": {"cpu", "memory"}, "limits": {"cpu", "memory"}}`);
      continue;
    }
    checkKeys(r, ["requests", "limits"], `resources.${c}.`, problems);
    for (const side of ["requests", "limits"]) {
      const q = keysOf(r[side]) ?? {};
      checkKeys(q, ["cpu", "memory"], `resources.${c}.${side}.`, problems);
      if (typeof q["cpu"] !== "string" || !CPU.test(q["cpu"])) problems.push(`resources.${c}.${side}.cpu: expected a CPU quantity such as "500m" or "2", got ${JSON.stringify(q["cpu"])}`);
      if (typeof q["memory"] !== "string" || !MEMORY.test(q["memory"])) problems.push(`resources.${c}.${side}.memory: expected a memory quantity such as "256Mi" or "2Gi", got ${JSON.stringify(q["memory"])}`);
    }
  }
  if (problems.length > 0) throw new Error(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return raw as Settings;
}

export function loadSettings(file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return parseSettings(raw, file);
}
