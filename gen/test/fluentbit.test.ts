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
  insertQuery,
  insertUri,
  LOG_GLOB,
  NODE_NAME_ENV,
  TAIL_REFRESH_SECONDS,
  TAIL_ROTATE_WAIT_SECONDS,
  ownLogGlob,
  OTLP_TAG,
  STATE_DIR,
  type LocalOptions,
} from "../fluentbit/config.ts";
import { HTTP_JSON_KEY } from "../fluentbit/lua.ts";
import { INGEST_COLUMNS } from "../clickhouse/ingest.ts";
import { tables } from "../clickhouse/tables.ts";
import { loadModel } from "../model/model.ts";
import { requireEngine } from "../../checks/engines.ts";
import { fluentBitBinary, missingFluentBit } from "../../checks/fluent-bit-build.ts";
import { engineNowMs, rfc3339 } from "./engine-clock.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const model = loadModel(ROOT);
const { names } = model;
const {
  namespace: NAMESPACE,
  database: DATABASE,
  logsTable: LOGS_TABLE,
  ingestTable: INGEST_TABLE,
  otlpIngestTable: OTLP_INGEST_TABLE,
  ingestUser: INGEST_USER,
} = names;
const INGEST_PASSWORD_ENV = names.passwordEnv.ingest;
const INGEST = tables(names).ingest;

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
  otlpPort: 14318,
  jsonPort: 19880,
  podMetadata: { dir: "/tmp/run/pod-metadata", podsDir: "/tmp/run/pods" },
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

/** FluentBit's glob: `*` is anything but "/". */
const globMatches = (glob: unknown, path: string): boolean => new RegExp(`^${String(glob).replace(/[.]/g, "\\.").replaceAll("*", "[^/]*")}$`).test(path);

test("tail follows every container's log file but FluentBit's own, with offsets and chunks on disk", () => {
  const tail = only(cluster.pipeline.inputs, "tail");
  assert.equal(tail["path"], `${LOG_GLOB}*`);
  const uid = "0b9ad0a4-1f7e-4d7c-9d3e-3f1f1f0c2a11";
  // exclude_path: comma-separated patterns (in_tail's CLIST).
  const excluded = (file: string): boolean => String(tail["exclude_path"]).split(",").some((p) => globMatches(p.trim(), file));
  const read = (file: string): boolean => globMatches(tail["path"], file) && !excluded(file);
  const loggen = `/var/log/pods/${NAMESPACE}_loggen-6d5f7c9b8-x2x7k_${uid}/loggen/0.log`;
  assert.ok(read(loggen));
  assert.ok(read(`/var/log/pods/${NAMESPACE}_clickhouse-0_${uid}/clickhouse/0.log`));
  assert.ok(read(`/var/log/pods/kube-system_coredns-5d78c9869d-abcde_${uid}/coredns/0.log`));
  assert.ok(read(`/var/log/pods/shop_fluentbit-abcde_${uid}/fluentbit/0.log`), "another namespace's pod of that name is the user's");
  assert.ok(!read(`/var/log/pods/${NAMESPACE}_fluentbit-abcde_${uid}/fluentbit/0.log`), "FluentBit's own lines would feed back");
  assert.ok(!read(`/var/log/pods/${NAMESPACE}_fluentbit-abcde_${uid}/fluentbit/0.log.20261121-093724`), "nor its rotated ones");
  assert.ok(String(tail["exclude_path"]).split(", ").includes(ownLogGlob(names)));
  // Rotation (checks/rotation.test.ts): a file renamed before a scan found it as 0.log is found
  // under its rotated name (FluentBit knows files by inode: one it already follows is skipped);
  // the kubelet's compressed copies are other inodes with the same lines, never read.
  assert.ok(read(`${loggen}.20261121-093724`), "the newest rotated file, still plain, is found by its rotated name");
  assert.ok(!read(`${loggen}.20261121-093724.gz`) && !read(`${loggen}.20261121-093724.tmp`), "compressed (and half-compressed) copies would be read twice");
  assert.ok(TAIL_REFRESH_SECONDS <= 1 && tail["refresh_interval"] === TAIL_REFRESH_SECONDS, "a scan every second finds a file before its rotation compresses it");
  assert.ok(TAIL_ROTATE_WAIT_SECONDS >= 365 * 24 * 3600 && tail["rotate_wait"] === TAIL_ROTATE_WAIT_SECONDS, "a renamed file is followed until it is deleted, else a scan would read it again");
  assert.equal(tail["multiline.parser"], "docker, cri");
  assert.equal(tail["path_key"], "file", "the ingest view reads the pod from the path");
  assert.equal(tail["db"], `${STATE_DIR}/tail.db`);
  assert.equal(tail["storage.type"], "filesystem");
  assert.ok(isOn(tail["read_from_head"]), "a file found at start is read from its beginning");
  assert.ok(isOn(tail["skip_long_lines"]), "one long line must not stop the whole file");
});

test("tailed lines get their pod's labels (kubernetes filter, labels only) and the node's name; no parsing in FluentBit", () => {
  const tag = tailTag(only(cluster.pipeline.inputs, "tail")["tag"], `/var/log/pods/${NAMESPACE}_web-1_u-1/web/0.log`);
  const filters = cluster.pipeline.filters ?? [];
  assert.deepEqual(filters.map((f) => f["name"]), ["kubernetes", "nest", "record_modifier"]);
  const kube = only(filters, "kubernetes");
  assert.ok(matches(kube["match"], tag));
  // The filter strips kube_tag_prefix and reads namespace and pod with the regex parser.
  const rest = tag.slice(String(kube["kube_tag_prefix"]).length);
  assert.ok(tag.startsWith(String(kube["kube_tag_prefix"])));
  const parser = only(cluster.parsers ?? [], String(kube["regex_parser"]));
  const groups = new RegExp(String(parser["regex"]).replaceAll("(?<", "(?<")).exec(rest)?.groups;
  assert.deepEqual({ ...groups }, { namespace_name: NAMESPACE, pod_name: "web-1", pod_id: "u-1", container_name: "web", restart_count: "0" });
  // A file first found under its rotated name (after a restart, or a fast rotation) is the same pod.
  const rotatedTag = tailTag(only(cluster.pipeline.inputs, "tail")["tag"], `/var/log/pods/${NAMESPACE}_web-1_u-1/web/0.log.20261121-093724`);
  const rotatedGroups = new RegExp(String(parser["regex"])).exec(rotatedTag.slice(String(kube["kube_tag_prefix"]).length))?.groups;
  assert.deepEqual({ ...rotatedGroups }, { ...groups });
  assert.ok(isOn(kube["labels"]) && !isOn(kube["annotations"]) && !isOn(kube["merge_log"]), "labels only: the line is parsed in ClickHouse");
  assert.equal(kube["kube_meta_preload_cache_dir"], undefined, "the cluster asks the API");
  // The map's labels become the ingest table's kubernetes_labels; every other key stays behind.
  const lift = only(filters, "nest");
  assert.ok(matches(lift["match"], tag));
  assert.deepEqual([lift["operation"], lift["nested_under"], `${String(lift["add_prefix"])}labels`], ["lift", "kubernetes", "kubernetes_labels"]);
  // The node's name goes on lines and JSON posts (any tag but the OTLP input's), not on OTLP records.
  const node = only(filters, "record_modifier");
  const nodeMatches = (t: string): boolean => new RegExp(`^(?:${String(node["match_regex"])})$`).test(t);
  assert.deepEqual([tag, "checkout", OTLP_TAG].map(nodeMatches), [true, true, false]);
  assert.equal(node["record"], `node \${${NODE_NAME_ENV}}`);
  assert.deepEqual(node["allowlist_key"], Object.keys(INGEST_COLUMNS), "only what the ingest table reads goes out");
  assert.ok(Object.keys(INGEST_COLUMNS).includes("kubernetes_labels"));
});

test("OTLP/HTTP and JSON inputs on the ports from ports.json, on disk before they answer", () => {
  const otlp = only(cluster.pipeline.inputs, "opentelemetry");
  const json = only(cluster.pipeline.inputs, "http");
  assert.equal(otlp["port"], model.ports.services.fluentbit.otlp);
  assert.equal(json["port"], model.ports.services.fluentbit.json);
  for (const input of [otlp, json]) {
    assert.equal(input["listen"], "0.0.0.0");
    assert.equal(input["storage.type"], "filesystem");
    const lua = (input["processors"] as { logs: Section[] }).logs;
    assert.equal(lua.length, 1);
    assert.equal(lua[0]?.["name"], "lua");
    assert.ok(isOn(lua[0]?.["time_as_table"]), "the record's time to the nanosecond");
  }
  assert.equal(cluster.pipeline.inputs.length, 3);
  // Each posted object reaches the Lua stage as its text (nix/fluent-bit/http-raw-json.patch).
  assert.equal(json["raw_json_key"], HTTP_JSON_KEY);
});

/** Which of the config's outputs FluentBit routes `tag` to (match or match_regex, anchored at the start). */
const routes = (outputs: Section[], tag: string): Section[] =>
  outputs.filter((o) => (o["match"] !== undefined && matches(o["match"], tag)) || (o["match_regex"] !== undefined && new RegExp(`^(?:${String(o["match_regex"])})`).test(tag)));

test("http outputs: lines and JSON posts to the ingest table, OTLP to its own; on the ClickHouse Service, no-loss retries, no date key", () => {
  const outputs = cluster.pipeline.outputs;
  assert.equal(outputs.length, 2);
  const tailTagged = tailTag(only(cluster.pipeline.inputs, "tail")["tag"], "/var/log/pods/x_y_z/loggen/0.log");
  const otlpTag = String(only(cluster.pipeline.inputs, "opentelemetry")["tag"]);
  // Every tag goes to exactly one output: the http input's tag is whatever path was posted to.
  for (const [tag, table] of [[tailTagged, INGEST_TABLE], ["checkout", INGEST_TABLE], ["otlp.x", INGEST_TABLE], ["xotlp", INGEST_TABLE], [otlpTag, OTLP_INGEST_TABLE]] as const) {
    const to = routes(outputs, tag);
    assert.equal(to.length, 1, `${tag}: one output`);
    assert.match(decodeURIComponent(String(to[0]?.["uri"])), new RegExp(`INSERT INTO ${DATABASE}\\.${table} `), `${tag} -> ${table}`);
  }
  for (const http of outputs) {
    assert.equal(http["name"], "http");
    assert.equal(http["host"], `clickhouse.${NAMESPACE}.svc.cluster.local`);
    assert.equal(http["port"], model.ports.services.clickhouse.http);
    assert.equal(http["format"], "json_lines");
    assert.equal(String(http["json_date_key"]), "false", "no extra date key");
    assert.equal(http["retry_limit"], "no_limits", "the default (1 retry) drops chunks");
    assert.equal(http["compress"], undefined, "gzip would cost FluentBit more CPU than the rest of its work");
    assert.ok(http["storage.total_limit_size"] !== undefined);
    assert.equal(http["http_user"], INGEST_USER);
    assert.equal(http["http_passwd"], `\${${INGEST_PASSWORD_ENV}}`);
  }
  const uri = new URL(String(routes(outputs, tailTagged)[0]?.["uri"]), "http://x");
  assert.equal(uri.pathname, "/");
  assert.equal(
    uri.searchParams.get("query"),
    `INSERT INTO ${DATABASE}.${INGEST_TABLE} SETTINGS input_format_skip_unknown_fields = 1, deduplicate_blocks_in_dependent_materialized_views = 1, input_format_json_read_objects_as_strings = 1, input_format_json_read_arrays_as_strings = 1, input_format_json_read_numbers_as_strings = 1, input_format_json_read_bools_as_strings = 1, optimize_and_compare_chain = 0, query_plan_merge_expressions = 0 FORMAT JSONEachRow`,
  );
  assert.equal(routes(outputs, tailTagged)[0]?.["uri"], insertUri(INGEST));
});

test("no password is written into the config: only ${ENV} references", () => {
  for (const text of [fluentBitConfig(model), fluentBitLocalConfig(names, local)]) {
    const walk = (v: unknown, key: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (/pass|secret|token|key$/i.test(key) && !/^(path_key|json_date_key|logs_body_key|raw_json_key|allowlist_key)$/.test(key)) {
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
      services: { fluentbit: { http: number; otlp: number; json: number }; clickhouse: { http: number } };
    };
    raw.services.fluentbit.http = 3020;
    raw.services.fluentbit.otlp = 5318;
    raw.services.fluentbit.json = 5880;
    raw.services.clickhouse.http = 9123;
    writeFileSync(join(dir, "ports.json"), JSON.stringify(raw));
    const changed = parsed(fluentBitConfig(loadModel(ROOT, join(dir, "ports.json"))));
    assert.equal(changed.service["http_port"], 3020);
    assert.equal(only(changed.pipeline.inputs, "opentelemetry")["port"], 5318);
    assert.equal(only(changed.pipeline.inputs, "http")["port"], 5880);
    assert.deepEqual(changed.pipeline.outputs.map((o) => o["port"]), [9123, 9123]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deterministic output", () => {
  assert.equal(fluentBitConfig(model), fluentBitConfig(loadModel(ROOT)));
  assert.equal(fluentBitLocalConfig(names, local), fluentBitLocalConfig(names, { ...local }));
});

test("local variant: the cluster's stages, on a given glob, folder, node and ClickHouse", () => {
  const c = parsed(fluentBitLocalConfig(names, local));
  const tail = only(c.pipeline.inputs, "tail");
  assert.equal(tail["path"], `${local.logFile}*`);
  assert.equal(tail["db"], `${local.stateDir}/tail.db`);
  assert.equal(c.service["storage.path"], `${local.stateDir}/storage`);
  assert.equal(c.service["http_port"], local.httpPort);
  assert.equal(c.pipeline.outputs.length, 2);
  const http = c.pipeline.outputs[0] as Section;
  assert.deepEqual([http["host"], http["port"], http["http_user"], http["http_passwd"]], ["127.0.0.1", 18123, INGEST_USER, "${TEST_INGEST_PASSWORD}"]);
  assert.equal(only(c.pipeline.filters ?? [], "record_modifier")["record"], "node node-1");
  // Everything else is the cluster's, key for key.
  const without = (s: Section, ...keys: string[]): Section => Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
  c.pipeline.outputs.forEach((o, i) => assert.deepEqual(without(o, "host", "port", "http_user", "http_passwd"), without(cluster.pipeline.outputs[i] as Section, "host", "port", "http_user", "http_passwd")));
  assert.deepEqual(without(tail, "path", "db", "tag", "exclude_path"), without(only(cluster.pipeline.inputs, "tail"), "path", "db", "tag", "exclude_path"));
  for (const name of ["opentelemetry", "http"]) assert.deepEqual(without(only(c.pipeline.inputs, name), "port"), without(only(cluster.pipeline.inputs, name), "port"));
  assert.equal(only(c.pipeline.inputs, "opentelemetry")["port"], local.otlpPort);
  assert.equal(only(c.pipeline.inputs, "http")["port"], local.jsonPort);
  const kube = only(c.pipeline.filters ?? [], "kubernetes");
  assert.equal(kube["kube_meta_preload_cache_dir"], local.podMetadata?.dir);
  assert.equal(kube["kube_tag_prefix"], "kube.tmp.run.pods.");
  const apiOnly = ["kube_tag_prefix", "kube_meta_preload_cache_dir", "kube_url"];
  assert.deepEqual(without(kube, ...apiOnly), without(only(cluster.pipeline.filters ?? [], "kubernetes"), ...apiOnly));
  assert.deepEqual(c.parsers, cluster.parsers);
  assert.deepEqual(without(c.service, "storage.path", "http_port"), without(cluster.service, "storage.path", "http_port"));
  // No user: no credentials at all (ClickHouse's passwordless default user).
  const anonymous = parsed(fluentBitLocalConfig(names, { logFile: "/x", clickhouse: { host: "127.0.0.1", port: 1 }, stateDir: "/s", nodeName: "n" }));
  for (const out of anonymous.pipeline.outputs) assert.ok(!("http_user" in out) && !("http_passwd" in out));
  assert.ok(!isOn(anonymous.service["http_server"]));
  // Without ports or metadata: tail only, no kubernetes filter.
  assert.deepEqual(anonymous.pipeline.inputs.map((i) => i["name"]), ["tail"]);
  assert.deepEqual(anonymous.pipeline.filters?.map((f) => f["name"]), ["record_modifier"]);
  // The benchmark's baseline: tail -> http into another table, nothing else.
  const bare = parsed(fluentBitLocalConfig(names, { ...local, bare: { table: "otel.raw_lines" } }));
  assert.equal(bare.pipeline.filters, undefined);
  assert.deepEqual(bare.pipeline.inputs.map((i) => i["name"]), ["tail"]);
  assert.equal(only(bare.pipeline.inputs, "tail")["path_key"], undefined);
  assert.equal(only(bare.pipeline.outputs, "http")["uri"], insertUri("otel.raw_lines"));
});

test("ClickHouse accepts what FluentBit posts, and ignores FluentBit's own extra keys", () => {
  const session = new Session();
  try {
    for (const statement of ddlStatements(model)) session.query(statement);
    const now = rfc3339(engineNowMs((sql) => session.query(sql, "TSV")), "123456000");
    session.query(`${insertQuery(INGEST)}\n{"time":"${now}","stream":"stdout","_p":"F","log":"hello","file":"/var/log/pods/a_b_c/d/0.log","node":"n"}\n`);
    assert.equal(session.query(`SELECT Body FROM ${DATABASE}.${LOGS_TABLE}`, "TSV").trim(), "hello");
  } finally {
    session.cleanup();
  }
});

const fluentBit = fluentBitBinary() ?? "fluent-bit";
const skipDryRun = requireEngine("fluent-bit --dry-run of the generated configs", missingFluentBit());

test("fluent-bit --dry-run accepts both configs (v5+ also checks every plugin property)", { skip: skipDryRun }, () => {
  const dir = mkdtempSync(join(tmpdir(), "fluentbit-"));
  try {
    const configs = {
      "cluster.yaml": fluentBitConfig(model).replaceAll(STATE_DIR, dir),
      "local.yaml": fluentBitLocalConfig(names, { ...local, stateDir: dir, logFile: join(dir, "x.log"), podMetadata: { dir, podsDir: dir } }),
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
