// gen/settings.json (retention, resources): validated with clear errors, and each value
// reaches the generated schema and manifests; `--settings FILE` (what the NixOS module
// passes) replaces it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { parseSettings, type Settings } from "../model/settings.ts";
import { InputError } from "../model/validate.ts";
import { assertProblemLines, genWithInput } from "./gen-cli.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const committed = (): Settings => JSON.parse(readFileSync(join(ROOT, "gen/settings.json"), "utf8")) as Settings;

describe("gen/settings.json", () => {
  it("the committed file is valid", () => {
    assert.equal(parseSettings(committed()).retention.logsDays, 7);
  });

  it("rejects bad values, naming the key and what is allowed", () => {
    const cases: [(s: Record<string, any>) => void, RegExp][] = [ // `any`: fixtures broken on purpose
      [(s) => (s["retention"]["logsDays"] = 0), /retention\.logsDays: expected a whole number of days from 1 to 3650, got 0/],
      [(s) => (s["retention"]["rollupDays"] = 3), /retention\.rollupDays: expected at least retention\.logsDays \(7; the rollup summarises the raw rows\), got 3/],
      [(s) => (s["resources"]["fluentbit"]["limits"]["cpu"] = "lots"), /resources\.fluentbit\.limits\.cpu: expected a CPU quantity such as "500m" or "2", got "lots"/],
      [(s) => (s["resources"]["clickhouse"]["requests"]["memory"] = "1G"), /resources\.clickhouse\.requests\.memory: expected a memory quantity/],
      [(s) => delete s["resources"]["loggen"], /resources\.loggen: expected \{"requests": .*\}, got nothing \(missing\)/],
      [(s) => (s["resources"]["grafana"] = {}), /resources\.grafana: expected a key of resources \("loggen", "fluentbit", "clickhouse", "hyperdx", "hyperdxProxy"\), got unknown key "grafana"/],
    ];
    for (const [mutate, pattern] of cases) {
      const s = committed() as unknown as Record<string, any>; // `any`: see above
      mutate(s);
      assert.throws(() => parseSettings(s), (e: Error) => e instanceof InputError && e.message.startsWith("gen/settings.json: ") && pattern.test(e.message), String(pattern));
    }
  });

  it("npm run gen: a bad value is one gen: line naming the file and key, exit 1", () => {
    const s = committed() as unknown as { retention: { logsDays: unknown } };
    s.retention.logsDays = "7";
    assertProblemLines(genWithInput("gen/settings.json", JSON.stringify(s)), [
      'gen: gen/settings.json: retention.logsDays: expected a whole number of days from 1 to 3650, got "7"',
    ]);
  });

  it("--settings FILE changes retention in the schema and resources in the manifests", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    try {
      const s = committed() as unknown as { retention: { logsDays: number; rollupDays: number }; resources: Record<string, { limits: { cpu: string } }> };
      s.retention = { logsDays: 3, rollupDays: 30 };
      const fb = s.resources["fluentbit"];
      assert.ok(fb);
      fb.limits.cpu = "750m";
      writeFileSync(join(dir, "settings.json"), JSON.stringify(s));
      const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "gen/main.ts"), "--settings", join(dir, "settings.json"), "--out", dir], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const sql = readFileSync(join(dir, "sql/init.sql"), "utf8");
      assert.match(sql, /TTL toDateTime\(Timestamp\) \+ INTERVAL 3 DAY/);
      assert.match(sql, /TTL Hour \+ INTERVAL 30 DAY/);
      const docs = parseAllDocuments(readFileSync(join(dir, "k8s.generated/fluentbit.yaml"), "utf8")).map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { containers: { resources: { limits: { cpu: string } } }[] } } } });
      const ds = docs.find((d) => d.kind === "DaemonSet");
      assert.equal(ds?.spec?.template.spec.containers[0]?.resources.limits.cpu, "750m");
      assert.equal((parse(readFileSync(join(dir, "nix.generated/model.json"), "utf8")) as { settings: { retention: { logsDays: number } } }).settings.retention.logsDays, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
