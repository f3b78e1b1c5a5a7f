// static-web-server's configuration for HyperDX's static export, as a pure function of the
// export's file list: every client route of the export answers with its page on a cold load
// (reload, bookmark, shared link), plus cache and security headers.
//
// Why rewrites: Next.js exports a dynamic route (pages/dashboards/[dashboardId].tsx) as ONE
// file, `dashboards/[dashboardId].html`, whose router reads the id from the URL. A server must
// answer /clickstack/dashboards/<any id> with that file; static-web-server does that only with
// `[[advanced.rewrites]]` in its TOML config file (no CLI flag). Its rules, read at the version
// nixpkgs 26.05 ships (2.42/2.43; src/settings/mod.rs, src/rewrites.rs, src/custom_headers.rs):
// - rewrite `source` is a glob compiled with literal_separator (`*` never crosses "/") and
//   matched against the request path; the FIRST matching entry wins; `destination` replaces
//   the path (the query string stays);
// - header `source` is a glob without literal_separator, matched against the path after
//   rewriting; every matching entry inserts its headers, so a later entry overrides an earlier one;
// - general settings in the file override the same CLI flags; host and port stay on the CLI.
//
// nix/hyperdx/default.nix runs gen/hyperdx/static-site-main.ts over the real export at build
// time; checks/hyperdx-ui.test.ts and gen/test/hyperdx-static-server.test.ts run the same code.
import TOML from "@iarna/toml";
import { HYPERDX_BASE_PATH } from "./defaults.ts";

/** A rewrite as static-web-server's `[[advanced.rewrites]]` has it (no redirect: internal). */
export interface SwsRewrite {
  readonly source: string;
  readonly destination: string;
}

/** One `[[advanced.headers]]` entry. */
export interface SwsHeaders {
  readonly source: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The TOML document, in static-web-server's kebab-case keys (src/settings/file.rs). */
export interface SwsConfig {
  readonly general: {
    readonly root: string;
    readonly page404: string;
    readonly health: boolean;
    readonly "log-level": string;
    readonly "redirect-trailing-slash": boolean;
    readonly "disable-symlinks": boolean;
    readonly "cache-control-headers": boolean;
    readonly "security-headers": boolean;
    readonly "directory-listing": boolean;
  };
  readonly advanced: {
    readonly headers: readonly SwsHeaders[];
    readonly rewrites: readonly SwsRewrite[];
  };
}

/**
 * Files HyperDX requests from the origin's root although the export puts them under the
 * basePath, so the site links them at the root too (static-site.ts):
 * - favicons/: pages/_document.tsx links /favicons/... without the basePath;
 * - pyodide/: pages/_document.tsx loads /pyodide/pyodide.js (kept by nix/hyperdx/local-mode.patch),
 *   and pyodide fetches its runtime and packages next to that script;
 * - *.whl: src/hooks/usePatterns.tsx installs /drain3-….whl and /jsonpickle-….whl from the origin.
 */
export function rootAliases(exportFiles: readonly string[]): string[] {
  const top = new Set(exportFiles.map((f) => f.split("/")[0] ?? ""));
  const dirs = ["favicons", "pyodide"];
  for (const d of dirs) {
    if (!exportFiles.some((f) => f.startsWith(`${d}/`))) {
      throw new Error(`HyperDX export has no ${d}/ (the page loads /${d}/...; see gen/hyperdx/static-server.ts)`);
    }
  }
  const wheels = [...top].filter((f) => f.endsWith(".whl")).sort();
  if (wheels.length === 0) throw new Error("HyperDX export has no *.whl (the Patterns tab installs drain3 from the origin)");
  return [...dirs, ...wheels];
}

/** A route segment of a file name: "[id]" is one dynamic segment, "[...all]" the rest of the path. */
type Segment = { kind: "static"; name: string } | { kind: "param" } | { kind: "catchAll" };

function segmentOf(name: string, file: string): Segment {
  if (/^\[\[?\.\.\.[^\]]+\]\]?$/.test(name)) return { kind: "catchAll" };
  if (/^\[[^\].]+\]$/.test(name)) return { kind: "param" };
  // Glob metacharacters in a literal segment would change the meaning of the source glob.
  if (/[[\]{}*?!\\]/.test(name)) throw new Error(`HyperDX export: cannot route ${file} (segment ${name})`);
  return { kind: "static", name };
}

/** The URL path of an exported page: "search.html" -> "search", "dashboards/[id].html" stays as segments. */
function routeOf(file: string): Segment[] {
  const path = file.slice(0, -".html".length);
  const parts = path.split("/");
  if (parts[parts.length - 1] === "index") parts.pop();
  return parts.map((p) => segmentOf(p, file));
}

const isDynamic = (route: readonly Segment[]): boolean => route.some((s) => s.kind !== "static");

/** The glob for a route under the basePath: a dynamic segment is `*`, a catch-all `**`. */
function globOf(route: readonly Segment[]): string {
  const parts = route.map((s) => (s.kind === "static" ? s.name : s.kind === "param" ? "*" : "**"));
  return `${HYPERDX_BASE_PATH}/${parts.join("/")}`;
}

/** Whether a static route would also match a dynamic route's glob (then it needs its own rule first). */
function shadows(dynamic: readonly Segment[], route: readonly Segment[]): boolean {
  for (let i = 0; i < dynamic.length; i++) {
    const d = dynamic[i];
    if (d === undefined) return false;
    if (d.kind === "catchAll") return route.length > i;
    const r = route[i];
    if (r === undefined) return false;
    if (d.kind === "static" && (r.kind !== "static" || r.name !== d.name)) return false;
  }
  return route.length === dynamic.length;
}

/** The HTML pages of the export (paths relative to the export, "/" separators). */
const pagesOf = (exportFiles: readonly string[]): string[] =>
  exportFiles.filter((f) => f.endsWith(".html") && !f.startsWith("_next/") && !f.startsWith("pyodide/")).sort();

/**
 * Rewrites for every dynamic route of the export: first the static pages a dynamic glob
 * would also match (Next.js prefers static routes, e.g. /dashboards/list over
 * /dashboards/[dashboardId]), then the dynamic routes, fewest wildcards first.
 */
export function swsRewrites(exportFiles: readonly string[]): SwsRewrite[] {
  const pages = pagesOf(exportFiles).map((file) => ({ file, route: routeOf(file) }));
  const dynamic = pages.filter((p) => isDynamic(p.route));
  const wildcards = (r: readonly Segment[]): number => r.filter((s) => s.kind !== "static").length * 2 + (r.some((s) => s.kind === "catchAll") ? 1 : 0);
  dynamic.sort((a, b) => wildcards(a.route) - wildcards(b.route) || (a.file < b.file ? -1 : 1));
  const shadowed = pages.filter((p) => !isDynamic(p.route) && dynamic.some((d) => shadows(d.route, p.route)));
  const page = (p: { file: string; route: Segment[] }): SwsRewrite => ({ source: globOf(p.route), destination: `${HYPERDX_BASE_PATH}/${p.file}` });
  return [...shadowed.map(page), ...dynamic.map(page)];
}

/**
 * Headers: nothing is cached without asking again (the HTML pages and /__ENV.js change with
 * the ConfigMap or a new image), except Next's content-hashed assets, which never change.
 * The Content-Security-Policy lets the page talk to its own origin only (ClickHouse is
 * reached through the same origin, nix/hyperdx/default.nix), so a link or script that would
 * call another host fails in the browser instead of leaking the user's activity.
 */
export function swsHeaders(): SwsHeaders[] {
  return [
    {
      source: "**",
      headers: {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
      },
    },
    { source: `${HYPERDX_BASE_PATH}/_next/static/**`, headers: { "Cache-Control": "public, max-age=31536000, immutable" } },
  ];
}

export interface SwsInputs {
  /** Every file of the export, relative to it ("/" separators). */
  readonly exportFiles: readonly string[];
  /** The document root (the site of static-site.ts). */
  readonly root: string;
}

export function swsConfig({ exportFiles, root }: SwsInputs): SwsConfig {
  if (!exportFiles.includes("404.html")) throw new Error("HyperDX export has no 404.html");
  return {
    general: {
      root,
      page404: `${root}${HYPERDX_BASE_PATH}/404.html`,
      // GET /health for the Kubernetes probes, independent of the ConfigMap.
      health: true,
      "log-level": "info",
      // /clickstack/dashboards is both a directory and dashboards.html: serve the page, no
      // redirect to a trailing slash the app's router does not expect.
      "redirect-trailing-slash": false,
      // The root links into the store and the ConfigMap (whose files are symlinks themselves);
      // the default is true since 2.41.
      "disable-symlinks": false,
      // Its defaults would cache /__ENV.js for a year; swsHeaders() sets Cache-Control instead.
      "cache-control-headers": false,
      // Its set includes HSTS, meaningless over plain HTTP; swsHeaders() sets the rest.
      "security-headers": false,
      "directory-listing": false,
    },
    advanced: { headers: swsHeaders(), rewrites: swsRewrites(exportFiles) },
  };
}

/** The TOML file static-web-server reads (`--config-file`). */
export function swsToml(inputs: SwsInputs): string {
  const header = "# Generated by gen/hyperdx/static-server.ts from the HyperDX export's file list. Do not edit.\n";
  // @iarna/toml's JsonMap type wants mutable records; the config is plain data.
  return header + TOML.stringify(swsConfig(inputs) as unknown as TOML.JsonMap);
}
