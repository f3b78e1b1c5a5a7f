// ports.json validation: every mistake a user can make by hand gets a message that
// names the file, the key and what is allowed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { loadPorts, parsePorts } from "../model/ports.ts";
import { InputError } from "../model/validate.ts";
import { assertProblemLines, genWithInput } from "./gen-cli.ts";

const ROOT = resolve(import.meta.dirname, "../..");
// `any`: fixtures are broken on purpose, key by key; typing them would restate the loader.
type Fixture = Record<string, any>;
const original = (): Fixture => JSON.parse(readFileSync(join(ROOT, "ports.json"), "utf8"));

function problemsOf(raw: unknown): string[] {
  try {
    parsePorts(raw);
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.match(e.message, /^ports\.json: /);
    // Each line: ports.json: <key>: expected ..., got ...; the problems without the file.
    return e.message.split("\n").map((l) => l.replace(/^ports\.json: /, ""));
  }
  assert.fail("expected ports.json to be rejected");
}

function expectProblem(mutate: (p: Fixture) => void, pattern: RegExp): void {
  const p = original();
  mutate(p);
  const problems = problemsOf(p);
  assert.ok(problems.some((m) => pattern.test(m)), `no problem matched ${pattern}; got:\n${problems.join("\n")}`);
}

describe("ports.json", () => {
  it("the committed file loads and resolves every forward to its guest port", () => {
    const ports = loadPorts(join(ROOT, "ports.json"));
    assert.equal(ports.services.clickhouse.http, 8123);
    const byTo = Object.fromEntries(ports.vm.forwards.map((f) => [f.to, [f.host, f.guest]]));
    assert.deepEqual(byTo, {
      "vm.ssh": [22022, 22],
      "hyperdx.ui": [28080, 8080],
      "clickhouse.http": [28123, 8123],
      "clickhouse.native": [29000, 9000],
      "fluentbit.http": [22020, 2020],
      "fluentbit.otlp": [24318, 4318],
      "fluentbit.json": [29880, 9880],
    });
  });

  it("rejects unknown keys and lists the allowed ones", () => {
    expectProblem((p) => (p["extra"] = 1), /^extra: expected a key of the top level \("services", "vm"\), got unknown key "extra"$/);
    expectProblem((p) => (p["services"]["redis"] = { tcp: 6379 }), /^services\.redis: expected a key of services \("loggen", "fluentbit", "clickhouse", "hyperdx"\), got unknown key "redis"$/);
    expectProblem((p) => (p["services"]["clickhouse"]["grpc"] = 9100), /^services\.clickhouse\.grpc: expected a key of services\.clickhouse \("http", "native", "interserver"\), got unknown key "grpc"$/);
    expectProblem((p) => (p["vm"]["forwards"][0]["proto"] = "udp"), /^vm\.forwards\[0\]\.proto: expected a key of vm\.forwards\[0\] \("host", "to"\), got unknown key "proto"$/);
  });

  it("rejects missing keys", () => {
    expectProblem((p) => delete p["services"]["clickhouse"]["http"], /^services\.clickhouse\.http: expected a value \(services\.clickhouse needs "http", "native", "interserver"\), got nothing \(missing\)$/);
    expectProblem((p) => delete p["vm"], /^vm: expected a value .*, got nothing \(missing\)$/);
    expectProblem((p) => delete p["vm"]["forwards"][1]["host"], /^vm\.forwards\[1\]\.host: expected a value .*, got nothing \(missing\)$/);
  });

  it("rejects ports that are not integers from 1 to 65535", () => {
    for (const bad of [8123.5, "8123", 0, -1, 65536, null, true]) {
      expectProblem((p) => (p["services"]["clickhouse"]["http"] = bad), new RegExp(`^services\\.clickhouse\\.http: expected an integer port from 1 to 65535, got ${JSON.stringify(bad).replace(/[.[\]]/g, "\\$&")}$`));
    }
  });

  it("rejects two services on one port", () => {
    expectProblem((p) => (p["services"]["hyperdx"]["ui"] = 8123), /^services\.hyperdx\.ui: expected a port no other key uses \(every port must be unique\), got 8123, already used by services\.clickhouse\.http$/);
    expectProblem((p) => (p["vm"]["guest"]["ssh"] = 2020), /^vm\.guest\.ssh: expected a port no other key uses .*, got 2020, already used by services\.fluentbit\.http$/);
  });

  it("rejects two forwards on one host port, and one target forwarded twice", () => {
    expectProblem((p) => (p["vm"]["forwards"][2]["host"] = 28080), /^vm\.forwards\[2\]\.host: expected a host port no other forward uses \(each host port forwards once\), got 28080, already forwarded by vm\.forwards\[1\]$/);
    expectProblem((p) => p["vm"]["forwards"].push({ host: 30000, to: "hyperdx.ui" }), /^vm\.forwards\[7\]\.to: expected a target no other forward uses \(forward each target once\), got "hyperdx\.ui", already forwarded by vm\.forwards\[1\]$/);
  });

  it("rejects host ports below 1024", () => {
    expectProblem((p) => (p["vm"]["forwards"][0]["host"] = 22), /^vm\.forwards\[0\]\.host: expected an integer port from 1024 to 65535 \(host ports below 1024 need root and are refused\), got 22$/);
  });

  it("rejects forwards to unknown targets and names the allowed ones", () => {
    expectProblem((p) => (p["vm"]["forwards"][1]["to"] = "hyperdx.api"), /^vm\.forwards\[1\]\.to: expected a forward target \(allowed targets: "vm\.ssh", "loggen\.health", "fluentbit\.http", "fluentbit\.otlp", "fluentbit\.json", "clickhouse\.http", "clickhouse\.native", "clickhouse\.interserver", "hyperdx\.ui", "hyperdx\.static"\), got unknown target "hyperdx\.api"$/);
  });

  it("reports every problem at once, not only the first", () => {
    const p = original();
    p["services"]["loggen"]["health"] = "x";
    p["vm"]["forwards"][0]["host"] = 80;
    assert.equal(problemsOf(p).length, 2);
  });

  it("names the file when it is not JSON or cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "ports-"));
    const file = join(dir, "ports.json");
    writeFileSync(file, "{ services: }");
    assert.throws(() => loadPorts(file), (e: Error) => e instanceof InputError && e.message.startsWith(`${file}: expected valid JSON, got `));
    assert.throws(() => loadPorts(join(dir, "absent.json")), /absent\.json: expected a readable file, got ENOENT/);
  });

  it("`npm run gen` exits non-zero with the message and writes nothing for an invalid file", () => {
    const dir = mkdtempSync(join(tmpdir(), "ports-cli-"));
    const p = original();
    p["services"]["clickhouse"]["http"] = 70000;
    const file = join(dir, "ports.json");
    writeFileSync(file, JSON.stringify(p));
    const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "gen/main.ts"), "--ports", file, "--out", dir], { encoding: "utf8", cwd: ROOT });
    assert.equal(run.status, 1, run.stderr);
    // Outside the working directory, the file is named by its absolute path.
    assert.equal(run.stderr, `gen: ${file}: services.clickhouse.http: expected an integer port from 1 to 65535, got 70000\n`);
    assert.deepEqual(readdirSync(dir), ["ports.json"], "nothing written");
  });

  it("a bad value in the repository's ports.json: one gen: line naming the file and key, exit 1", () => {
    const p = original();
    p["vm"]["forwards"][0]["host"] = 80;
    assertProblemLines(genWithInput("ports.json", JSON.stringify(p)), [
      "gen: ports.json: vm.forwards[0].host: expected an integer port from 1024 to 65535 (host ports below 1024 need root and are refused), got 80",
    ]);
  });
});
