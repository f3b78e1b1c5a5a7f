// The HyperDX defaults a user lands on: they point the browser at ClickHouse through the
// page's own origin as the read-only user, their expressions run on our otel_logs (chDB),
// the /__ENV.js the page loads carries them, and HyperDX's own zod schemas at the
// pinned tag accept them (when that build is at hand: HYPERDX_COMMON_UTILS).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { after, before, describe, it } from "node:test";
import { Session } from "chdb";
import { ddlStatements } from "../clickhouse/ddl.ts";
import { tables } from "../clickhouse/tables.ts";
import { serverConfigXml } from "../clickhouse/config.ts";
import {
  CONNECTION_ID,
  DEFAULT_SELECT_COLUMNS,
  HYPERDX_BASE_PATH,
  hyperdxDefaults,
  hyperdxLandingHtml,
  hyperdxLandingPath,
  hyperdxRuntimeEnvJs,
  type HyperdxLogSource,
} from "../hyperdx/defaults.ts";
import { CLICKHOUSE_PATH } from "../hyperdx/proxy.ts";
import { loadModel } from "../model/model.ts";
import { requireEngine } from "../../checks/engines.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const model = loadModel(ROOT);
const { names } = model;
const { database: DATABASE, logsTable: LOGS_TABLE, readerUser: READER_USER } = names;
const LOGS = tables(names).logs;

const ORIGINS = ["http://localhost:28080", "http://127.0.0.1:28080", "http://hyperdx.lan:8080", "https://tunnel.example:443"];

const logsSource = (): HyperdxLogSource => {
  const s = hyperdxDefaults(names, ORIGINS[0] ?? "").sources[0];
  assert.ok(s, "no default source");
  return s;
};

/** Runs /__ENV.js as the browser would on a page loaded from `origin`. */
function runEnvJs(origin: string): Record<string, string> {
  const window: { __ENV?: Record<string, string>; location: { origin: string } } = { location: { origin } };
  runInNewContext(hyperdxRuntimeEnvJs(names), { window });
  assert.ok(window.__ENV);
  return window.__ENV;
}

describe("HyperDX defaults", () => {
  it("connect the browser to ClickHouse on the page's own origin as the read-only user", () => {
    for (const origin of ORIGINS) {
      const { connections, sources } = hyperdxDefaults(names, origin);
      assert.equal(connections.length, 1);
      const c = connections[0];
      assert.ok(c);
      assert.equal(c.host, `${origin}${CLICKHOUSE_PATH}`);
      assert.equal(c.username, READER_USER);
      assert.deepEqual(
        sources.map((s) => [s.kind, s.connection, s.from.databaseName, s.from.tableName]),
        [["log", CONNECTION_ID, DATABASE, LOGS_TABLE]],
      );
    }
  });

  it("need no CORS exception from ClickHouse: the server config has none", () => {
    assert.doesNotMatch(serverConfigXml(model), /Access-Control|http_options_response/);
  });

  it("reach the page through /__ENV.js, which takes the origin from window.location", () => {
    for (const origin of ORIGINS) {
      const env = runEnvJs(origin);
      assert.equal(env["NEXT_PUBLIC_IS_LOCAL_MODE"], "true");
      const { connections, sources } = hyperdxDefaults(names, origin);
      assert.deepEqual(JSON.parse(env["NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS"] ?? "null"), connections);
      assert.deepEqual(JSON.parse(env["NEXT_PUBLIC_HDX_LOCAL_DEFAULT_SOURCES"] ?? "null"), sources);
      for (const v of Object.values(env)) assert.equal(typeof v, "string");
    }
    assert.equal(hyperdxRuntimeEnvJs(names), hyperdxRuntimeEnvJs(names), "deterministic");
    assert.ok(!hyperdxRuntimeEnvJs(names).includes("localhost"), "no host name is baked in");
  });

  it("land the user on the search of the Logs source (the export does not pick one by itself)", () => {
    const logs = logsSource();
    assert.equal(hyperdxLandingPath(names), `${HYPERDX_BASE_PATH}/search?source=${logs.id}`);
    const html = hyperdxLandingHtml(names);
    assert.match(html, new RegExp(`<meta http-equiv="refresh" content="0; url=${HYPERDX_BASE_PATH}/search\\?source=${logs.id}">`));
    assert.match(html, /^<!doctype html>/);
  });
});

describe("HyperDX Logs source expressions on otel_logs (chDB)", () => {
  let session: Session;
  const q = (sql: string): string => session.query(sql, "TSV").trim();
  const s = logsSource();
  const table = `${s.from.databaseName}.${s.from.tableName}`;
  // Recent: otel_logs drops parts older than its TTL. Format as otel_logs prints it.
  const ts = `${new Date(Date.now() - 60_000).toISOString().slice(0, 19).replace("T", " ")}.123456789`;

  before(() => {
    session = new Session();
    for (const stmt of ddlStatements(model)) session.query(stmt);
    const row = {
      Timestamp: ts,
      TraceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      SpanId: "00f067aa0ba902b7",
      SeverityText: "INFO",
      SeverityNumber: 9,
      ServiceName: "loggen",
      Body: "tick",
      ResourceAttributes: { "service.name": "loggen", "k8s.pod.name": "loggen-0" },
      LogAttributes: { pid: "1", hostname: "loggen-0" },
      RandomNumber: 42,
      RandomString: "gamma",
      Count: 7,
    };
    session.query(`INSERT INTO ${LOGS} FORMAT JSONEachRow\n${JSON.stringify(row)}`);
  });
  after(() => session.close());

  it("names the table the DDL creates", () => {
    assert.equal(table, LOGS);
  });

  it("shows the demo fields in the default search table, newest first", () => {
    assert.deepEqual([...DEFAULT_SELECT_COLUMNS], ["Timestamp", "ServiceName", "SeverityText", "RandomString", "RandomNumber", "Count", "Body"]);
    assert.equal(
      q(`SELECT ${s.defaultTableSelectExpression} FROM ${table} WHERE random_string ILIKE '%gamma%' ORDER BY ${s.timestampValueExpression} DESC`),
      `${ts}\tloggen\tINFO\tgamma\t42\t7\ttick`,
    );
  });

  it("evaluates every expression HyperDX uses for the row panel, facets and trace links", () => {
    const exprs = [
      s.timestampValueExpression,
      s.displayedTimestampValueExpression,
      s.serviceNameExpression,
      s.severityTextExpression,
      s.bodyExpression,
      s.implicitColumnExpression,
      s.traceIdExpression,
      s.spanIdExpression,
      `${s.eventAttributesExpression}['hostname']`,
      `${s.resourceAttributesExpression}['k8s.pod.name']`,
    ];
    assert.equal(
      q(`SELECT ${exprs.join(", ")} FROM ${table}`),
      [
        ts,
        ts,
        "loggen",
        "INFO",
        "tick",
        "tick",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
        "loggen-0",
        "loggen-0",
      ].join("\t"),
    );
    // The attribute expressions are maps: HyperDX lists their keys for the filter panel.
    assert.equal(q(`SELECT toTypeName(${s.eventAttributesExpression}), toTypeName(${s.resourceAttributesExpression}) FROM ${table}`), "Map(LowCardinality(String), String)\tMap(LowCardinality(String), String)");
  });
});

/**
 * HyperDX's zod schemas at the pinned tag: packages/common-utils built from the source
 * nix/hyperdx.nix fetches (its `commonUtils` output, or the npm build of docs/hyperdx.md).
 * They are not on npm (@hyperdx/common-utils stops at 0.1.0; the tag has 0.27.0) and their
 * code is not copied here, so this needs HYPERDX_COMMON_UTILS=<that package directory>.
 */
const commonUtilsDir = process.env["HYPERDX_COMMON_UTILS"];
const commonUtilsTypes = commonUtilsDir === undefined ? undefined : join(commonUtilsDir, "dist", "types.js");
const skipSchema =
  commonUtilsTypes === undefined
    ? "HYPERDX_COMMON_UTILS is not set (HyperDX common-utils built from the pinned tag; see docs/hyperdx.md)"
    : !existsSync(commonUtilsTypes)
      ? `HYPERDX_COMMON_UTILS=${commonUtilsDir} has no dist/types.js`
      : false;
if (skipSchema !== false) requireEngine("HyperDX zod schema checks", [{ name: "hyperdx-common-utils", hint: skipSchema }]);

// A zod schema, as far as this test uses it.
interface ZodLike {
  safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } };
  strict?: () => ZodLike;
}

describe("HyperDX's own zod schemas accept the defaults", () => {
  const load = (): Record<string, ZodLike> => createRequire(import.meta.url)(commonUtilsTypes ?? "") as Record<string, ZodLike>;
  const accept = (schema: ZodLike | undefined, value: unknown, what: string): void => {
    assert.ok(schema, `${what}: schema not exported by common-utils`);
    const r = schema.safeParse(value);
    assert.ok(r.success, `${what}: ${JSON.stringify(r.error?.issues)}`);
  };

  it("ConnectionSchema (strict: no field HyperDX does not know)", { skip: skipSchema }, () => {
    const t = load();
    for (const c of ORIGINS.flatMap((o) => hyperdxDefaults(names, o).connections)) {
      accept(t["ConnectionSchema"], c, "connection");
      accept(t["ConnectionSchema"]?.strict?.(), c, "connection (strict)");
    }
  });

  it("SourceSchema and LogSourceSchema (strict)", { skip: skipSchema }, () => {
    const t = load();
    for (const s of hyperdxDefaults(names, ORIGINS[0] ?? "").sources) {
      accept(t["SourceSchema"], s, "source");
      accept(t["LogSourceSchema"]?.strict?.(), s, "log source (strict)");
    }
  });

  it("rejects what HyperDX rejects (the check is not vacuous)", { skip: skipSchema }, () => {
    const t = load();
    const s = logsSource();
    const { defaultTableSelectExpression: _dropped, ...noSelect } = s;
    assert.equal(t["SourceSchema"]?.safeParse(noSelect).success, false);
    assert.equal(t["LogSourceSchema"]?.strict?.().safeParse({ ...s, typo: "x" }).success, false);
  });
});
