// The generated FluentBit configs: no-loss settings, ports and paths from the model,
// the ingest password only as an env reference, the same stages locally and in the cluster.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { Session } from "chdb";
import { parse } from "yaml";
import { ddlStatements } from "../clickhouse/ddl.ts";
import {
  fluentBitConfig,
  fluentBitLocalConfig,
  INGEST_PASSWORD_ENV,
  insertQuery,
  insertUri,
  logGlob,
  NODE_NAME_ENV,
  STATE_DIR,
  type LocalOptions,
} from "../fluentbit/config.ts";
import { loadModel } from "../model/model.ts";
import { DATABASE, INGEST_TABLE, INGEST_USER, LOGS_TABLE, NAMESPACE } from "../model/names.ts";
import { requireEngine } from "../../checks/engines.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const model = loadModel(ROOT);

type Section = Record<string, unknown>;
interface Config {
  service: Section;
  parsers?: Section[];
  pipeline: { inputs: Section[]; filters?: Section[]; outputs: Section[] };
}
const parsed = (text: string): Config => parse(text) as Config;
const only = (sections: Section[], name: string): Section => {
  const found = sections.filter((s) => s["name"] === name);
  assert.equal(found.length, 1, `one ${name} section`);
  return found[0] as Section;
};
const isOn = (v: unknown): boolean => ["on", "true", "yes"].includes(String(v).toLowerCase());

/** FluentBit's tag match: "*" matches anything. */
const matches = (pattern: unknown, tag: string): boolean =>
  new RegExp(`^${String(pattern).split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(tag);

/** The tag tail gives a file: the `*` in the tag is the path with "/" as ".". */
const tailTag = (tag: unknown, file: string): string => String(tag).replace("*", file.replace(/^\//, "").replaceAll("/", "."));

const cluster = parsed(fluentBitConfig(model));
const local: LocalOptions = {
  logFile: "/tmp/run/loggen.log",
  clickhouse: { host: "127.0.0.1", port: 18123 },
  stateDir: "/tmp/run/state",
  nodeName: "node-1",
  user: INGEST_USER,
  passwordEnv: "TEST_INGEST_PASSWORD",
  httpPort: 12020,
};

test("service: health and metrics on the port from ports.json, buffered on the hostPath", () => {
  const s = cluster.service;
  assert.equal(s["http_port"], model.ports.services.fluentbit.http);
  assert.ok(isOn(s["http_server"]) && isOn(s["health_check"]), "/api/v1/health needs health_check on");
  assert.equal(s["http_listen"], "0.0.0.0", "kubelet probes reach the pod IP");
  assert.equal(s["storage.path"], `${STATE_DIR}/storage`);
  assert.equal(s["storage.sync"], "normal");
  assert.ok(isOn(s["storage.keep.rejected"]), "chunks ClickHouse refuses are kept");
  assert.ok(s["storage.backlog.mem_limit"] !== undefined && s["storage.max_chunks_up"] !== undefined);
});

test("tail follows exactly the loggen pods' log files, with offsets and chunks on disk", () => {
  const tail = only(cluster.pipeline.inputs, "tail");
  assert.equal(cluster.pipeline.inputs.length, 1);
  assert.equal(tail["path"], logGlob(model));
  const glob = new RegExp(`^${logGlob(model).replace(/[.]/g, "\\.").replaceAll("*", "[^/]*")}$`);
  const uid = "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11";
  assert.ok(glob.test(`/var/log/pods/${NAMESPACE}_loggen-6d5f7c9b8-x2x7k_${uid}/loggen/0.log`));
  assert.ok(!glob.test(`/var/log/pods/${NAMESPACE}_clickhouse-0_${uid}/clickhouse/0.log`));
  assert.ok(!glob.test(`/var/log/pods/${NAMESPACE}_fluentbit-abcde_${uid}/fluentbit/0.log`));
  assert.ok(!glob.test(`/var/log/pods/${NAMESPACE}_loggen-6d5f7c9b8-x2x7k_${uid}/loggen/0.log.20261121-093724`), "rotated files are followed by inode, not found again");
  assert.equal(tail["multiline.parser"], "docker, cri");
  assert.equal(tail["path_key"], "file", "the ingest view reads the pod from the path");
  assert.equal(tail["db"], `${STATE_DIR}/tail.db`);
  assert.equal(tail["storage.type"], "filesystem");
  assert.ok(isOn(tail["read_from_head"]), "a file found at start is read from its beginning");
  assert.ok(isOn(tail["skip_long_lines"]), "one long line must not stop the whole file");
});

test("the only filter adds the node's name from the downward API; no parsing in FluentBit", () => {
  const tag = tailTag(only(cluster.pipeline.inputs, "tail")["tag"], "/var/log/pods/x_y_z/loggen/0.log");
  const node = only(cluster.pipeline.filters ?? [], "record_modifier");
  assert.equal(cluster.pipeline.filters?.length, 1);
  assert.ok(matches(node["match"], tag));
  assert.equal(node["record"], `node \${${NODE_NAME_ENV}}`);
  assert.equal(cluster.parsers, undefined);
});

test("http output: INSERT into the ingest table on the ClickHouse Service, no-loss retries, no date key", () => {
  const http = only(cluster.pipeline.outputs, "http");
  assert.equal(cluster.pipeline.outputs.length, 1);
  assert.ok(matches(http["match"], tailTag(only(cluster.pipeline.inputs, "tail")["tag"], "/var/log/pods/x_y_z/loggen/0.log")));
  assert.equal(http["host"], `clickhouse.${NAMESPACE}.svc.cluster.local`);
  assert.equal(http["port"], model.ports.services.clickhouse.http);
  const uri = new URL(String(http["uri"]), "http://x");
  assert.equal(uri.pathname, "/");
  assert.equal(
    uri.searchParams.get("query"),
    `INSERT INTO ${DATABASE}.${INGEST_TABLE} SETTINGS input_format_skip_unknown_fields = 1, deduplicate_blocks_in_dependent_materialized_views = 1 FORMAT JSONEachRow`,
  );
  assert.equal(http["uri"], insertUri());
  assert.equal(http["format"], "json_lines");
  assert.equal(String(http["json_date_key"]), "false", "no extra date key");
  assert.equal(http["retry_limit"], "no_limits", "the default (1 retry) drops chunks");
  assert.equal(http["compress"], undefined, "gzip would cost FluentBit more CPU than the rest of its work");
  assert.ok(http["storage.total_limit_size"] !== undefined);
  assert.equal(http["http_user"], INGEST_USER);
  assert.equal(http["http_passwd"], `\${${INGEST_PASSWORD_ENV}}`);
});

test("no password is written into the config: only ${ENV} references", () => {
  for (const text of [fluentBitConfig(model), fluentBitLocalConfig(local)]) {
    const walk = (v: unknown, key: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (/pass|secret|token|key$/i.test(key) && !/^(path_key|json_date_key)$/.test(key)) {
        assert.match(String(v), /^\$\{[A-Z_][A-Z0-9_]*\}$/, `${key} must be an env reference`);
      }
    };
    walk(parse(text), "");
    assert.doesNotMatch(text, /password\s*[:=]\s*[^$\s]/i);
  }
});

test("ports come from ports.json: editing it changes the config", () => {
  const dir = mkdtempSync(join(tmpdir(), "ports-"));
  try {
    const raw = JSON.parse(readFileSync(resolve(ROOT, "ports.json"), "utf8")) as {
      services: { fluentbit: { http: number }; clickhouse: { http: number } };
    };
    raw.services.fluentbit.http = 3020;
    raw.services.clickhouse.http = 9123;
    writeFileSync(join(dir, "ports.json"), JSON.stringify(raw));
    const changed = parsed(fluentBitConfig(loadModel(ROOT, join(dir, "ports.json"))));
    assert.equal(changed.service["http_port"], 3020);
    assert.equal(only(changed.pipeline.outputs, "http")["port"], 9123);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deterministic output", () => {
  assert.equal(fluentBitConfig(model), fluentBitConfig(loadModel(ROOT)));
  assert.equal(fluentBitLocalConfig(local), fluentBitLocalConfig({ ...local }));
});

test("local variant: the cluster's stages, on a given glob, folder, node and ClickHouse", () => {
  const c = parsed(fluentBitLocalConfig(local));
  const tail = only(c.pipeline.inputs, "tail");
  assert.equal(tail["path"], local.logFile);
  assert.equal(tail["db"], `${local.stateDir}/tail.db`);
  assert.equal(c.service["storage.path"], `${local.stateDir}/storage`);
  assert.equal(c.service["http_port"], local.httpPort);
  const http = only(c.pipeline.outputs, "http");
  assert.deepEqual([http["host"], http["port"], http["http_user"], http["http_passwd"]], ["127.0.0.1", 18123, INGEST_USER, "${TEST_INGEST_PASSWORD}"]);
  assert.equal(only(c.pipeline.filters ?? [], "record_modifier")["record"], "node node-1");
  // Everything else is the cluster's, key for key.
  const without = (s: Section, ...keys: string[]): Section => Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
  assert.deepEqual(without(http, "host", "port", "http_user", "http_passwd", "match"), without(only(cluster.pipeline.outputs, "http"), "host", "port", "http_user", "http_passwd", "match"));
  assert.deepEqual(without(tail, "path", "db", "tag"), without(only(cluster.pipeline.inputs, "tail"), "path", "db", "tag"));
  assert.deepEqual(without(c.service, "storage.path", "http_port"), without(cluster.service, "storage.path", "http_port"));
  // No user: no credentials at all (ClickHouse's passwordless default user).
  const anonymous = parsed(fluentBitLocalConfig({ logFile: "/x", clickhouse: { host: "127.0.0.1", port: 1 }, stateDir: "/s", nodeName: "n" }));
  const out = only(anonymous.pipeline.outputs, "http");
  assert.ok(!("http_user" in out) && !("http_passwd" in out));
  assert.ok(!isOn(anonymous.service["http_server"]));
  // The benchmark's baseline: tail -> http into another table, nothing else.
  const bare = parsed(fluentBitLocalConfig({ ...local, bare: { table: "otel.raw_lines" } }));
  assert.equal(bare.pipeline.filters, undefined);
  assert.equal(only(bare.pipeline.inputs, "tail")["path_key"], undefined);
  assert.equal(only(bare.pipeline.outputs, "http")["uri"], insertUri("otel.raw_lines"));
});

test("ClickHouse accepts what FluentBit posts, and ignores FluentBit's own extra keys", () => {
  const session = new Session();
  try {
    for (const statement of ddlStatements(model)) session.query(statement);
    const now = new Date().toISOString().replace(/Z$/, "123456Z");
    session.query(`${insertQuery()}\n{"time":"${now}","stream":"stdout","_p":"F","log":"hello","file":"/var/log/pods/a_b_c/d/0.log","node":"n"}\n`);
    assert.equal(session.query(`SELECT Body FROM ${DATABASE}.${LOGS_TABLE}`, "TSV").trim(), "hello");
  } finally {
    session.cleanup();
  }
});

const fluentBit = process.env["FLUENT_BIT"] ?? "fluent-bit";
const haveFluentBit = spawnSync(fluentBit, ["--version"], { encoding: "utf8" }).status === 0;
const skipDryRun = requireEngine("fluent-bit --dry-run of the generated configs", haveFluentBit ? [] : [{ name: "fluent-bit", hint: "FLUENT_BIT or PATH" }]);

test("fluent-bit --dry-run accepts both configs (v5+ also checks every plugin property)", { skip: skipDryRun }, () => {
  const dir = mkdtempSync(join(tmpdir(), "fluentbit-"));
  try {
    const configs = {
      "cluster.yaml": fluentBitConfig(model).replaceAll(STATE_DIR, dir),
      "local.yaml": fluentBitLocalConfig({ ...local, stateDir: dir, logFile: join(dir, "x.log") }),
    };
    for (const [name, text] of Object.entries(configs)) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = spawnSync(fluentBit, ["--dry-run", "-c", file], {
        encoding: "utf8",
        cwd: dirname(file),
        env: { ...process.env, [INGEST_PASSWORD_ENV]: "dry-run", TEST_INGEST_PASSWORD: "dry-run", [NODE_NAME_ENV]: "dry-run" },
        timeout: 30_000,
      });
      assert.equal(r.status, 0, `${name}: ${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
