// The generated ClickHouse server config, users and startup scripts: well-formed XML,
// every port from ports.json, the users' rights, and startup scripts that are exactly
// the DDL (which the DDL test runs on chDB).
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { loadModel, type Model } from "../model/model.ts";
import { parsePorts } from "../model/ports.ts";
import { READER_SYSTEM_TABLES, SYSTEM_LOGS, SYSTEM_LOG_DAYS, serverConfigXml, startupScriptsXml, usersXml } from "../clickhouse/config.ts";
import { ddlStatements } from "../clickhouse/ddl.ts";

interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&([^;]*);/g, (_, e: string) => {
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity &${e}; in ${where}`);
    return v;
  });
}

/** A strict parser for the XML subset ClickHouse configs use; throws on anything malformed. */
function parseXml(xml: string): XmlElement {
  let body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  if (/&(?![a-z]+;)/.test(body.replace(/<!--[\s\S]*?-->/g, ""))) throw new Error("bare & outside an entity");
  body = body.replace(/<!--([\s\S]*?)-->/g, (_, c: string) => {
    if (c.includes("--")) throw new Error("'--' inside a comment");
    return "";
  });
  const root: XmlElement = { name: "#root", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const top = stack[stack.length - 1];
    if (top === undefined) throw new Error("content after the root element");
    if (m[6] !== undefined) throw new Error(`stray '<' at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      top.text += decode(m[5], top.name);
      continue;
    }
    const [, close, name = "", rawAttrs = "", selfClose] = m;
    if (close === "/") {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) attrs[a[1] ?? ""] = decode(a[2] ?? "", name);
    const el: XmlElement = { name, attrs, children: [], text: "" };
    top.children.push(el);
    if (selfClose !== "/") stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== "") throw new Error("expected exactly one root element");
  const only = elements[0];
  if (only === undefined) throw new Error("no root element");
  return only;
}

const child = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);
const path = (el: XmlElement | undefined, ...names: string[]): XmlElement | undefined => names.reduce(child, el);
const text = (el: XmlElement | undefined, ...names: string[]): string | undefined => path(el, ...names)?.text.trim();

const model = loadModel(resolve(import.meta.dirname, "../.."));
const {
  database: DATABASE,
  ingestTable: INGEST_TABLE,
  otlpIngestTable: OTLP_INGEST_TABLE,
  ingestUser: INGEST_USER,
  readerUser: READER_USER,
  readerPassword: READER_PASSWORD,
  passwordEnv: PASSWORD_ENV,
} = model.names;

describe("ClickHouse server config", () => {
  const cfg = parseXml(serverConfigXml(model));

  it("is a well-formed <clickhouse> document", () => assert.equal(cfg.name, "clickhouse"));

  it("listens on the ports from ports.json", () => {
    const p = model.ports.services.clickhouse;
    assert.equal(text(cfg, "http_port"), String(p.http));
    assert.equal(text(cfg, "tcp_port"), String(p.native));
    assert.equal(text(cfg, "interserver_http_port"), String(p.interserver));
    assert.equal(text(cfg, "listen_host"), "0.0.0.0");
  });

  it("follows an edited ports.json", () => {
    const raw = { services: { loggen: { health: 18081 }, fluentbit: { http: 12020, otlp: 14318, json: 19880 }, clickhouse: { http: 18123, native: 19000, interserver: 19009 }, hyperdx: { ui: 18080, static: 18090 } }, vm: { guest: { ssh: 22 }, forwards: [{ host: 38080, to: "hyperdx.ui" }] } };
    const edited: Model = { ...model, ports: parsePorts(raw) };
    const c = parseXml(serverConfigXml(edited));
    assert.equal(text(c, "http_port"), "18123");
    assert.equal(text(c, "tcp_port"), "19000");
    assert.equal(text(c, "interserver_http_port"), "19009");
  });

  it("keeps data under /var/lib/clickhouse/, logs to the console only, runs in UTC", () => {
    assert.equal(text(cfg, "path"), "/var/lib/clickhouse/");
    for (const p of ["tmp_path", "user_files_path", "format_schema_path"]) assert.ok(text(cfg, p)?.startsWith("/var/lib/clickhouse/"), p);
    assert.equal(text(cfg, "logger", "console"), "1");
    assert.equal(path(cfg, "logger", "log"), undefined);
    assert.equal(path(cfg, "logger", "errorlog"), undefined);
    assert.equal(text(cfg, "timezone"), "UTC");
    const ratio = Number(text(cfg, "max_server_memory_usage_to_ram_ratio"));
    assert.ok(ratio > 0.5 && ratio < 0.9);
  });

  it("sends no CORS headers: the browser reaches ClickHouse through HyperDX's own origin", () => {
    assert.equal(path(cfg, "http_options_response"), undefined);
  });

  it("keeps the logs HyperDX's ClickHouse dashboard reads, with a retention", () => {
    assert.deepEqual([...SYSTEM_LOGS], ["query_log", "metric_log", "asynchronous_metric_log"]);
    for (const log of SYSTEM_LOGS) {
      assert.equal(text(cfg, log, "database"), "system", log);
      assert.equal(text(cfg, log, "table"), log);
      assert.equal(text(cfg, log, "ttl"), `event_date + INTERVAL ${SYSTEM_LOG_DAYS} DAY DELETE`, log);
      assert.equal(path(cfg, log, "engine"), undefined, `${log}: engine and partition_by/ttl exclude each other`);
    }
  });

  it("makes every system table but the harmless ones need a grant", () => {
    assert.equal(text(cfg, "access_control_improvements", "select_from_system_db_requires_grant"), "true");
    assert.equal(text(cfg, "access_control_improvements", "select_from_information_schema_requires_grant"), "true");
  });
});

describe("ClickHouse users", () => {
  const users = parseXml(usersXml(model));
  const user = (name: string): XmlElement | undefined => path(users, "users", name);

  it("takes the admin's and the ingest user's passwords from the environment, never inline", () => {
    assert.equal(path(user("default"), "password")?.attrs["from_env"], PASSWORD_ENV.default);
    assert.equal(text(user("default"), "password"), "");
    assert.equal(text(user("default"), "access_management"), "1");
    assert.equal(path(user(INGEST_USER), "password")?.attrs["from_env"], PASSWORD_ENV.ingest);
    assert.equal(text(user(INGEST_USER), "password"), "");
  });

  it("lets the ingest user only INSERT into the ingest table, and no one else manage access", () => {
    assert.deepEqual(path(user(INGEST_USER), "grants")?.children.map((g) => g.text), [`GRANT INSERT ON ${DATABASE}.${INGEST_TABLE}`, `GRANT INSERT ON ${DATABASE}.${OTLP_INGEST_TABLE}`]);
    assert.equal(path(user(INGEST_USER), "access_management"), undefined);
    assert.equal(path(user(READER_USER), "access_management"), undefined);
  });

  it("makes the HyperDX user read-only but able to send per-query settings", () => {
    assert.deepEqual(path(user(READER_USER), "grants")?.children.map((g) => g.text), [
      `GRANT SELECT ON ${DATABASE}.*`,
      "GRANT SELECT ON system.query_log",
      "GRANT SELECT ON system.metric_log",
      "GRANT SELECT ON system.asynchronous_metric_log",
      "GRANT SELECT ON system.parts",
      "GRANT SELECT ON system.data_skipping_indices",
      "GRANT SELECT ON system.parts_columns",
    ]);
    assert.deepEqual([...READER_SYSTEM_TABLES], [...SYSTEM_LOGS, "parts", "data_skipping_indices", "parts_columns"]);
    const profile = text(user(READER_USER), "profile") ?? "";
    assert.equal(text(users, "profiles", profile, "readonly"), "2");
    assert.equal(text(user(READER_USER), "password"), READER_PASSWORD);
  });

  it("refers only to profiles and quotas it defines", () => {
    for (const u of path(users, "users")?.children ?? []) {
      assert.ok(path(users, "profiles", text(u, "profile") ?? "?"), `${u.name}: profile`);
      assert.ok(path(users, "quotas", text(u, "quota") ?? "?"), `${u.name}: quota`);
    }
  });
});

describe("ClickHouse startup scripts", () => {
  const doc = parseXml(startupScriptsXml(model));
  it("apply exactly the DDL statements, in order, and stop the server on error", () => {
    const scripts = path(doc, "startup_scripts");
    assert.equal(text(scripts, "throw_on_error"), "true");
    const queries = (scripts?.children ?? []).filter((c) => c.name === "scripts").map((s) => path(s, "query")?.text);
    assert.deepEqual(queries, ddlStatements(model));
  });
});
