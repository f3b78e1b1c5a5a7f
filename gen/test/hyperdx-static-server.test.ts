// static-web-server's config for HyperDX: every page of the export answers on a cold load of
// its URL (the dynamic ones through rewrites), the headers, and the TOML static-web-server
// reads. Over a fixture file list shaped like HyperDX 2.36's export, and over the real export
// when HYPERDX_DIST points at one (the build of nix/hyperdx.nix or of docs/hyperdx.md).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import TOML from "@iarna/toml";
import { globRegExp, readSwsConfig, rewritePath, startStandin } from "../../checks/static-web-server-standin.ts";
import { rootAliases, swsConfig, swsRewrites, swsToml, type SwsConfig } from "../hyperdx/static-server.ts";
import { buildSite, listExport } from "../hyperdx/static-site-main.ts";
import { CONFIG_FILES, siteLinks } from "../hyperdx/static-site.ts";
import { requireEngine } from "../../checks/engines.ts";

// The shape of HyperDX 2.36.0's export (pages/ of packages/app), trimmed.
const FIXTURE = [
  "404.html",
  "_next/static/chunks/pages/dashboards/[dashboardId]-0123abcd.js",
  "_next/static/chunks/main-0123abcd.js",
  "benchmark.html",
  "chart.html",
  "clickhouse.html",
  "dashboards.html",
  "dashboards/[dashboardId].html",
  "dashboards/import.html",
  "dashboards/list.html",
  "dashboards/templates.html",
  "drain3-0.9.11-py3-none-any.whl",
  "favicons/hyperdx/favicon.ico",
  "index.html",
  "jsonpickle-4.1.1-py3-none-any.whl",
  "pyodide/pyodide.asm.wasm",
  "pyodide/pyodide.js",
  "search.html",
  "search/[savedSearchId].html",
  "search/list.html",
  "sessions.html",
  "trace/[traceId].html",
];

/** The page file a cold load of `url` must get, as Next.js routes it (static before dynamic). */
const EXPECT: [string, string][] = [
  ["/clickstack/dashboards/abc123", "/clickstack/dashboards/[dashboardId].html"],
  ["/clickstack/dashboards/list", "/clickstack/dashboards/list.html"],
  ["/clickstack/dashboards/import", "/clickstack/dashboards/import.html"],
  ["/clickstack/dashboards/templates", "/clickstack/dashboards/templates.html"],
  ["/clickstack/search/6650f00dcafe", "/clickstack/search/[savedSearchId].html"],
  ["/clickstack/search/list", "/clickstack/search/list.html"],
  ["/clickstack/trace/4bf92f3577b34da6a3ce929d0e0e4736", "/clickstack/trace/[traceId].html"],
];

const config = (files: readonly string[]): SwsConfig => swsConfig({ exportFiles: files, root: "/site" });

describe("static-web-server config for HyperDX (fixture export)", () => {
  it("routes every dynamic URL to its page, and static siblings to theirs", () => {
    const c = config(FIXTURE);
    for (const [url, file] of EXPECT) assert.equal(rewritePath(c, url), file, url);
  });

  it("leaves pages the .html fallback finds, assets and the root files alone", () => {
    const c = config(FIXTURE);
    for (const url of ["/clickstack/search", "/clickstack/dashboards", "/clickstack/chart", "/__ENV.js", "/index.html", "/pyodide/pyodide.js", "/clickstack/_next/static/chunks/main-0123abcd.js"]) {
      assert.equal(rewritePath(c, url), url, url);
    }
    // A deeper path is not a dashboard id (Next.js would 404 it too).
    assert.equal(rewritePath(c, "/clickstack/dashboards/a/b"), "/clickstack/dashboards/a/b");
  });

  it("derives the rewrites from the file list: a new dynamic route gets one, a removed one loses it", () => {
    const more = [...FIXTURE, "alerts/[alertId].html", "alerts.html"];
    assert.equal(rewritePath(config(more), "/clickstack/alerts/42"), "/clickstack/alerts/[alertId].html");
    const fewer = FIXTURE.filter((f) => !f.startsWith("trace/"));
    assert.equal(rewritePath(config(fewer), "/clickstack/trace/x"), "/clickstack/trace/x");
    assert.deepEqual(swsRewrites(["404.html", "index.html", "search.html"]), []);
  });

  it("supports catch-all routes and refuses file names it cannot express as a glob", () => {
    const c = config([...FIXTURE, "docs/[...slug].html"]);
    assert.equal(rewritePath(c, "/clickstack/docs/a/b/c"), "/clickstack/docs/[...slug].html");
    assert.throws(() => swsRewrites(["we*ird/[id].html"]), /cannot route/);
  });

  it("caches only content-hashed assets, and limits the page's connections to its own origin", () => {
    const c = config(FIXTURE);
    const headersFor = (path: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const h of c.advanced.headers) if (globRegExp(h.source, false).test(path)) Object.assign(out, h.headers);
      return out;
    };
    assert.equal(headersFor("/__ENV.js")["Cache-Control"], "no-cache");
    assert.equal(headersFor("/clickstack/dashboards/[dashboardId].html")["Cache-Control"], "no-cache");
    assert.match(headersFor("/clickstack/_next/static/chunks/main-0123abcd.js")["Cache-Control"] ?? "", /immutable/);
    assert.match(headersFor("/clickstack/search")["Content-Security-Policy"] ?? "", /connect-src 'self'/);
    assert.equal(headersFor("/clickstack/search")["X-Content-Type-Options"], "nosniff");
  });

  it("links the files HyperDX requests from the root, and the ConfigMap's files", () => {
    assert.deepEqual(rootAliases(FIXTURE), ["favicons", "pyodide", "drain3-0.9.11-py3-none-any.whl", "jsonpickle-4.1.1-py3-none-any.whl"]);
    const links = siteLinks(FIXTURE, "/store/export", "/etc/hyperdx");
    assert.deepEqual(
      links.map((l) => `${l.name} -> ${l.target}`),
      [
        "clickstack -> /store/export",
        "favicons -> /store/export/favicons",
        "pyodide -> /store/export/pyodide",
        "drain3-0.9.11-py3-none-any.whl -> /store/export/drain3-0.9.11-py3-none-any.whl",
        "jsonpickle-4.1.1-py3-none-any.whl -> /store/export/jsonpickle-4.1.1-py3-none-any.whl",
        ...CONFIG_FILES.map((f) => `${f} -> /etc/hyperdx/${f}`),
      ],
    );
    assert.throws(() => rootAliases(FIXTURE.filter((f) => !f.startsWith("pyodide/"))), /no pyodide\//);
  });

  it("writes TOML that parses back to the same config, with static-web-server's key names", () => {
    const toml = swsToml({ exportFiles: FIXTURE, root: "/site" });
    assert.match(toml, /^# Generated by gen\/hyperdx\/static-server\.ts/);
    assert.deepEqual(JSON.parse(JSON.stringify(TOML.parse(toml))), JSON.parse(JSON.stringify(config(FIXTURE))));
    assert.match(toml, /\[\[advanced\.rewrites\]\]/);
    assert.match(toml, /\[\[advanced\.headers\]\]/);
    for (const key of ["root", "page404", "health", "redirect-trailing-slash", "disable-symlinks", "cache-control-headers", "security-headers", "directory-listing", "log-level"]) {
      assert.match(toml, new RegExp(`^${key} = `, "m"), key);
    }
    // Host and port stay on the command line (the file would override them).
    assert.doesNotMatch(toml, /^(host|port) = /m);
    assert.equal(swsToml({ exportFiles: [...FIXTURE].reverse(), root: "/site" }), toml, "deterministic, whatever the listing order");
  });
});

const dist = process.env["HYPERDX_DIST"];
const skipReal =
  dist === undefined ? "HYPERDX_DIST is not set (a built HyperDX export; docs/hyperdx.md)" : !existsSync(join(dist, "404.html")) ? `HYPERDX_DIST=${dist} has no 404.html` : false;
if (skipReal !== false) requireEngine("static-web-server config over the real HyperDX export", [{ name: "hyperdx-export", hint: skipReal }]);

describe("static-web-server config over the real HyperDX export", () => {
  it("answers every page of the export, dynamic ones included, on a cold load", { skip: skipReal }, async () => {
    const out = mkdtempSync(join(tmpdir(), "hyperdx-site-"));
    try {
      const c = readSwsConfig(buildSite(dist ?? "", out, out));
      const pages = listExport(dist ?? "").filter((f) => f.endsWith(".html") && !f.startsWith("_next/") && f !== "404.html");
      const dynamic = pages.filter((f) => f.includes("["));
      assert.ok(dynamic.length >= 3, `expected dynamic routes in the export, got ${dynamic.join(", ")}`);
      const { server, port } = await startStandin(c);
      try {
        for (const page of pages) {
          const route = page.replace(/\.html$/, "").replace(/(^|\/)index$/, "");
          const url = `/clickstack/${route.replace(/\[\.\.\.[^\]]+\]/g, "x/y").replace(/\[[^\]]+\]/g, "some-id-123")}`;
          const res = await fetch(`http://127.0.0.1:${port}${url}`);
          const body = await res.text();
          assert.equal(res.status, 200, `${url} (${page})`);
          assert.equal(body, readFileSync(join(dist ?? "", page), "utf8"), `${url} is not ${page}`);
        }
        const missing = await fetch(`http://127.0.0.1:${port}/clickstack/no/such/page`);
        assert.equal(missing.status, 404);
        assert.match(await missing.text(), /could not be found/);
      } finally {
        server.close();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
