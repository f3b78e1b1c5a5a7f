// The HyperDX defaults a user lands on: they point the browser at ClickHouse through the
// page's own origin as the read-only user, their expressions run on our otel_logs (chDB),
// the /__ENV.js the page loads carries them, and HyperDX's own zod schemas at the
// pinned tag accept them (when that build is at hand: HYPERDX_COMMON_UTILS).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
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
  HYPERDX_THEME,
  hyperdxDefaults,
  hyperdxLandingHtml,
  hyperdxLandingPath,
  hyperdxRuntimeEnvJs,
  type HyperdxLogSource,
} from "../hyperdx/defaults.ts";
import { CLICKHOUSE_PATH, CLICKHOUSE_UNREACHABLE, clickhouseUnreachableBody, haproxyConfig } from "../hyperdx/proxy.ts";
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

  it("give the page the theme the export was built with (another one fails React's hydration, #418)", () => {
    const nix = readFileSync(join(ROOT, "nix/hyperdx.nix"), "utf8");
    const built = nix.match(/^\s*NEXT_PUBLIC_THEME = "([^"]+)";/m)?.[1];
    assert.equal(built, HYPERDX_THEME, "nix/hyperdx.nix builds another theme");
    for (const origin of ORIGINS) assert.equal(runEnvJs(origin)["NEXT_PUBLIC_THEME"], HYPERDX_THEME);
  });

  it("land the user on the search of the Logs source, named in the URL", () => {
    const logs = logsSource();
    assert.equal(hyperdxLandingPath(names), `${HYPERDX_BASE_PATH}/search?source=${logs.id}`);
    const html = hyperdxLandingHtml(names);
    assert.match(html, new RegExp(`<meta http-equiv="refresh" content="0; url=${HYPERDX_BASE_PATH}/search\\?source=${logs.id}">`));
    assert.match(html, /^<!doctype html>/);
    // An icon, so the browser does not ask for /favicon.ico (the export has none: a 404).
    assert.match(html, new RegExp(`<link rel="icon" type="image/svg\\+xml" href="/favicons/${HYPERDX_THEME}/favicon\\.svg">`));
  });
});

describe("HyperDX's proxy when ClickHouse is down", () => {
  const cfg = haproxyConfig({
    listen: { host: "0.0.0.0", port: 8080 },
    staticServer: { host: "127.0.0.1", port: 8090 },
    clickhouse: { host: "clickhouse", port: 8123 },
    resolveAtRuntime: true,
  });
  const backend = (name: string): string => cfg.split(/\n(?=\S)/).find((s) => s.startsWith(`backend ${name}\n`)) ?? "";

  it("answers HAProxy's 502, 503 and 504 for ClickHouse with ClickHouse's error shape, not HTML", () => {
    const body = clickhouseUnreachableBody();
    // ClickHouse's `Code: N. DB::Exception: <message> (TYPE)`; the client keeps <message>.
    assert.equal(body, `Code: 210. DB::Exception: ${CLICKHOUSE_UNREACHABLE.message} (NETWORK_ERROR)`);
    for (const status of [502, 503, 504]) {
      assert.ok(
        backend("clickhouse").includes(`    http-error status ${status} content-type "text/plain; charset=UTF-8" hdr X-ClickHouse-Exception-Code "210" string "${body}"\n`),
        `no http-error ${status} in:\n${backend("clickhouse")}`,
      );
    }
    assert.doesNotMatch(backend("static"), /http-error/, "the static site keeps HAProxy's own errors");
  });

  it("says it in one plain sentence that HAProxy's quoted string can hold", () => {
    const m = CLICKHOUSE_UNREACHABLE.message;
    assert.match(m, /^ClickHouse is not reachable\b/);
    assert.match(m, /^[^.]+\.$/, "one sentence");
    assert.doesNotMatch(m, /["\\()\n]/, "no quote, backslash, newline, or parenthesis (the client takes `(` as the error type's start)");
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

  it("shows when, who, how bad and the message in the default search table, not loggen's demo columns", () => {
    // The demo columns read blank, null and a false 0 for any other service (Count is UInt64 DEFAULT 0).
    assert.deepEqual([...DEFAULT_SELECT_COLUMNS], ["Timestamp", "ServiceName", "SeverityText", "Body"]);
    assert.equal(s.defaultTableSelectExpression.split(", ").at(-1), s.bodyExpression, "the message is the last column: it takes the rest of the width");
    assert.equal(
      q(`SELECT ${s.defaultTableSelectExpression} FROM ${table} WHERE random_string ILIKE '%gamma%' ORDER BY ${s.timestampValueExpression} DESC`),
      `${ts}\tloggen\tINFO\ttick`,
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
