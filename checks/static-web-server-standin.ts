// A stand-in for static-web-server where its binary is absent (it is not packaged for Debian
// and crates cannot be fetched here): it serves a document root following the generated TOML,
// for the subset gen/hyperdx/static-server.ts emits, and refuses anything else. What it does,
// as read in static-web-server 2.42/2.43 (src/rewrites.rs, src/settings/mod.rs,
// src/custom_headers.rs, src/health.rs):
// - GET /health answers 200 when general.health is on;
// - the first [[advanced.rewrites]] whose glob matches the path replaces the path (`*` stays
//   within one segment: literal_separator);
// - a path is a file, else the same path + ".html", else a directory's index.html, else page404 (404);
// - every [[advanced.headers]] whose glob matches the rewritten path sets its headers, later wins.
// What is not real: HTTP details (ranges, compression, conditional requests, ETags), symlink
// policy, the precise order of static-web-server's suffix and index fallbacks for paths this
// site does not have. Under `nix flake check` the image's own server is not involved either.
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import TOML from "@iarna/toml";
import type { SwsConfig } from "../gen/hyperdx/static-server.ts";

/** A static-web-server glob as a RegExp, for the subset the generator emits. */
export function globRegExp(glob: string, literalSeparator: boolean): RegExp {
  if (/[?[\]{}!\\]/.test(glob)) throw new Error(`stand-in: glob ${glob} is outside the supported subset`);
  const body = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === "**" ? ".*" : part === "*" ? (literalSeparator ? "[^/]*" : ".*") : part.replace(/[.+^$()|]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/** The path static-web-server serves for a request path, after its rewrites. */
export function rewritePath(config: SwsConfig, path: string): string {
  for (const r of config.advanced.rewrites) if (globRegExp(r.source, true).test(path)) return r.destination;
  return path;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".zip": "application/zip",
  ".whl": "application/zip",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".md": "text/markdown; charset=utf-8",
};

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

export function readSwsConfig(tomlFile: string): SwsConfig {
  return TOML.parse(readFileSync(tomlFile, "utf8")) as unknown as SwsConfig;
}

/** Serves the site on 127.0.0.1 (port 0: any free port). */
export async function startStandin(config: SwsConfig, port = 0): Promise<{ server: Server; port: number }> {
  const root = config.general.root;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://standin");
    if (config.general.health && url.pathname === "/health") {
      res.end("OK");
      return;
    }
    const path = rewritePath(config, decodeURIComponent(url.pathname));
    const base = join(root, path);
    const file = [base, `${base}.html`, join(base, "index.html")].find(isFile);
    for (const h of config.advanced.headers) {
      if (globRegExp(h.source, false).test(path)) for (const [k, v] of Object.entries(h.headers)) res.setHeader(k, v);
    }
    const chosen = file ?? config.general.page404;
    res.statusCode = file === undefined ? 404 : 200;
    res.setHeader("Content-Type", TYPES[extname(chosen)] ?? "application/octet-stream");
    createReadStream(chosen).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
