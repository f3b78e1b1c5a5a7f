// Deployment settings (gen/settings.json): how long ClickHouse keeps rows, and each
// container's CPU and memory. The NixOS module's options (nix/module.nix) override them by
// handing the generator another file (`npm run gen -- --settings FILE`).
import { Problems, readJson } from "./validate.ts";

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

const DAYS_MAX = 3650;
const QUANTITIES = `{"requests": {"cpu", "memory"}, "limits": {"cpu", "memory"}}`;

export function parseSettings(raw: unknown, file = "gen/settings.json"): Settings {
  const problems = new Problems(file);
  const top = problems.object(raw, "", "an object with keys retention, resources");
  if (top === undefined) return problems.fail();
  problems.unknownKeys(top, "", ["retention", "resources"]);
  const retention = problems.object(top["retention"], "retention", `{"logsDays": <days>, "rollupDays": <days>}`);
  if (retention !== undefined) {
    problems.unknownKeys(retention, "retention", ["logsDays", "rollupDays"]);
    for (const k of ["logsDays", "rollupDays"]) {
      const v = retention[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > DAYS_MAX) problems.add(`retention.${k}`, `a whole number of days from 1 to ${DAYS_MAX}`, v);
    }
    const { logsDays, rollupDays } = retention;
    if (typeof logsDays === "number" && typeof rollupDays === "number" && rollupDays < logsDays) {
      problems.add("retention.rollupDays", `at least retention.logsDays (${logsDays}; the rollup summarises the raw rows)`, rollupDays);
    }
  }
  const resources = problems.object(top["resources"], "resources", `an object with keys ${CONTAINER_KEYS.join(", ")}`);
  if (resources !== undefined) {
    problems.unknownKeys(resources, "resources", CONTAINER_KEYS);
    for (const c of CONTAINER_KEYS) {
      const r = problems.object(resources[c], `resources.${c}`, QUANTITIES);
      if (r === undefined) continue;
      problems.unknownKeys(r, `resources.${c}`, ["requests", "limits"]);
      for (const side of ["requests", "limits"]) {
        const path = `resources.${c}.${side}`;
        const q = problems.object(r[side], path, `{"cpu": <quantity>, "memory": <quantity>}`);
        if (q === undefined) continue;
        problems.unknownKeys(q, path, ["cpu", "memory"]);
        problems.string(q["cpu"], `${path}.cpu`, CPU, `a CPU quantity such as "500m" or "2"`);
        problems.string(q["memory"], `${path}.memory`, MEMORY, `a memory quantity such as "256Mi" or "2Gi"`);
      }
    }
  }
  problems.done();
  return raw as Settings;
}

export function loadSettings(file: string): Settings {
  return parseSettings(readJson(file), file);
}
