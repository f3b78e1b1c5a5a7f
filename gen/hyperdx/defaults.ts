// HyperDX's browser-only local mode: the default ClickHouse connection and the Logs
// source the user lands on, and the /__ENV.js that hands them to the static export.
// The connection is the page's own origin plus CLICKHOUSE_PATH (gen/hyperdx/proxy.ts),
// computed in the browser from window.location, so any host name the user types works.
//
// The export reads these at runtime, not at build time: HyperDX's src/config.ts takes
// NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS / _SOURCES through next-runtime-env's env(),
// which in the browser returns window.__ENV[key], and pages/_document.tsx loads
// <script src="/__ENV.js"> before the app. So one image serves any ports.json: the
// Kubernetes ConfigMap carries hyperdxRuntimeEnvJs(names) and the static server answers
// /__ENV.js with it. (NEXT_PUBLIC_IS_LOCAL_MODE is inlined by the build, see nix/hyperdx.nix.)
//
// Field names and rules are HyperDX's zod schemas at the pinned tag
// (packages/common-utils/src/types.ts: ConnectionSchema, LogSourceSchema);
// gen/test/hyperdx.test.ts validates against them.
import type { Names } from "../model/names-schema.ts";
import { CLICKHOUSE_PATH } from "./proxy.ts";

/** A ClickHouse connection as HyperDX's ConnectionSchema has it. */
export interface HyperdxConnection {
  readonly id: string;
  readonly name: string;
  /** The URL the user's browser sends queries to: the page's origin + CLICKHOUSE_PATH. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

/** A log source as HyperDX's LogSourceSchema has it (the fields we set). */
export interface HyperdxLogSource {
  readonly id: string;
  readonly kind: "log";
  readonly name: string;
  /** The id of a connection. */
  readonly connection: string;
  readonly from: { readonly databaseName: string; readonly tableName: string };
  readonly timestampValueExpression: string;
  readonly displayedTimestampValueExpression: string;
  readonly defaultTableSelectExpression: string;
  readonly serviceNameExpression: string;
  readonly severityTextExpression: string;
  readonly bodyExpression: string;
  readonly eventAttributesExpression: string;
  readonly resourceAttributesExpression: string;
  readonly traceIdExpression: string;
  readonly spanIdExpression: string;
  readonly implicitColumnExpression: string;
}

export interface HyperdxDefaults {
  readonly connections: HyperdxConnection[];
  readonly sources: HyperdxLogSource[];
}

/**
 * Where the static export lives on the UI's origin. HyperDX's static export
 * (NEXT_PUBLIC_CLICKHOUSE_BUILD, the `build:clickhouse` recipe) fixes Next's basePath to
 * /clickstack (packages/app/next.config.mjs), while /__ENV.js is loaded from the root.
 */
export const HYPERDX_BASE_PATH = "/clickstack";

/** Stable ids: local mode keeps sources in the browser's storage and links them by id. */
export const CONNECTION_ID = "otel-demo-clickhouse";
export const LOGS_SOURCE_ID = "otel-demo-logs";

/**
 * The otel_logs columns of the search table: when, who, how bad, the message. loggen's demo
 * columns (RandomString, RandomNumber, Count) are not among them: they mean something for
 * loggen's lines only, and for every other service they would read blank, null and 0, where
 * the 0 is false (Count is `UInt64 DEFAULT 0`, gen/clickhouse/ddl.ts). A row's panel shows
 * them under Column Values, and `random_string:gamma` / `random_number:42` search them.
 */
export const DEFAULT_SELECT_COLUMNS = ["Timestamp", "ServiceName", "SeverityText", "Body"] as const;

/**
 * HyperDX's theme. The static export is rendered with the theme of its build
 * (NEXT_PUBLIC_THEME in nix/hyperdx.nix, HyperDX's `build:clickhouse` recipe: clickstack), and
 * the page reads it again at runtime from /__ENV.js: another value there makes React's
 * hydration fail (error #418) on every page load. gen/test/hyperdx.test.ts compares the two.
 */
export const HYPERDX_THEME = "clickstack";

/** The default connection for a page loaded from `origin` (e.g. the host's forward of hyperdx.ui on 127.0.0.1). */
export function hyperdxConnections(names: Names, origin: string): HyperdxConnection[] {
  return [
    {
      id: CONNECTION_ID,
      name: `ClickHouse (${names.namespace})`,
      host: `${origin}${CLICKHOUSE_PATH}`,
      // The read-only user, whose password is public by design (gen/model/names-schema.ts).
      username: names.readerUser,
      password: names.readerPassword,
    },
  ];
}

export function hyperdxSources(names: Names): HyperdxLogSource[] {
  const logs: HyperdxLogSource = {
    id: LOGS_SOURCE_ID,
    kind: "log",
    name: "Logs",
    connection: CONNECTION_ID,
    from: { databaseName: names.database, tableName: names.logsTable },
    timestampValueExpression: "Timestamp",
    displayedTimestampValueExpression: "Timestamp",
    defaultTableSelectExpression: DEFAULT_SELECT_COLUMNS.join(", "),
    serviceNameExpression: "ServiceName",
    severityTextExpression: "SeverityText",
    bodyExpression: "Body",
    eventAttributesExpression: "LogAttributes",
    resourceAttributesExpression: "ResourceAttributes",
    traceIdExpression: "TraceId",
    spanIdExpression: "SpanId",
    // Bare words in the search box match the log message.
    implicitColumnExpression: "Body",
  };
  return [logs];
}

/** Connections and sources as a page loaded from `origin` sees them. */
export function hyperdxDefaults(names: Names, origin: string): HyperdxDefaults {
  return { connections: hyperdxConnections(names, origin), sources: hyperdxSources(names) };
}

/**
 * window.__ENV for the static export (served as /__ENV.js). Values are strings, as
 * next-runtime-env writes them; the two defaults are JSON inside those strings.
 */
export function hyperdxRuntimeEnv(names: Names, origin: string): Record<string, string> {
  const { connections, sources } = hyperdxDefaults(names, origin);
  return {
    // Also inlined at build time (nix/hyperdx.nix); repeated so the page's runtime view agrees.
    NEXT_PUBLIC_IS_LOCAL_MODE: "true",
    NEXT_PUBLIC_CLICKHOUSE_BUILD: "true",
    // Read at runtime (src/theme/index.ts, the inline script in pages/_document.tsx); must be
    // the build's (HYPERDX_THEME).
    NEXT_PUBLIC_THEME: HYPERDX_THEME,
    NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS: JSON.stringify(connections),
    NEXT_PUBLIC_HDX_LOCAL_DEFAULT_SOURCES: JSON.stringify(sources),
  };
}

/**
 * The landing page at "/": straight to the search of the Logs source. The source goes in
 * the URL: unpatched, HyperDX 2.36's static export does not pick a default source by itself
 * (under the basePath it took /clickstack/search for a saved search; nix/hyperdx/local-mode.patch
 * fixes that), and naming it keeps the landing independent of what a user selected last.
 */
export function hyperdxLandingPath(names: Names): string {
  const logs = hyperdxSources(names)[0];
  const query = logs === undefined ? "" : `?source=${encodeURIComponent(logs.id)}`;
  return `${HYPERDX_BASE_PATH}/search${query}`;
}

/**
 * The "/" page: a redirect to hyperdxLandingPath (no script needed, so it works first thing).
 * Its icon is the theme's, from the export's favicons/ (served at the root): without one the
 * browser asks for /favicon.ico, which the export does not have (a 404 in the console).
 */
export function hyperdxLandingHtml(names: Names): string {
  const path = hyperdxLandingPath(names).replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=${path}">
<link rel="icon" type="image/svg+xml" href="/favicons/${HYPERDX_THEME}/favicon.svg">
<title>HyperDX</title>
</head>
<body><p><a href="${path}">Open HyperDX search</a></p></body>
</html>
`;
}

/**
 * The /__ENV.js file: next-runtime-env's `window.__ENV = {...}`, with the connection's host
 * completed from window.location.origin in the browser (the same origin serves the page and
 * proxies ClickHouse). A placeholder origin is replaced at load time; the rest is static JSON.
 */
export function hyperdxRuntimeEnvJs(names: Names): string {
  const placeholder = "__ORIGIN__";
  const env = hyperdxRuntimeEnv(names, placeholder);
  const connections = env["NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS"] ?? "[]";
  const { NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS: _computed, ...fixed } = env;
  return `// Generated by gen/hyperdx/defaults.ts (npm run gen). Do not edit.
// HyperDX's runtime settings; ClickHouse is reached through this page's own origin.
window.__ENV = ${JSON.stringify(fixed)};
window.__ENV.NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS = ${JSON.stringify(connections)}.split(${JSON.stringify(placeholder)}).join(window.location.origin);
`;
}
