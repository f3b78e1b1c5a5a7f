// Builds HyperDX's document root and static-web-server's config from a built export:
//   node --import tsx gen/hyperdx/static-site-main.ts --export DIR --out DIR [--config-dir DIR]
// writes OUT/site/ (symlinks, siteLinks) and OUT/static-web-server.toml (swsToml, root = OUT/site).
// nix/hyperdx/default.nix runs it on the export it builds; checks/hyperdx-ui.test.ts on HYPERDX_DIST.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { siteLinks } from "./static-site.ts";
import { swsToml } from "./static-server.ts";

/** Every file under dir (following symlinks), relative, with "/" separators, sorted. */
export function listExport(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && readdirSafe(p))) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

function readdirSafe(p: string): boolean {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Writes OUT/site and OUT/static-web-server.toml; returns the TOML's path. */
export function buildSite(exportDir: string, out: string, configDir?: string): string {
  const files = listExport(exportDir);
  const site = join(out, "site");
  mkdirSync(site, { recursive: true });
  for (const link of siteLinks(files, exportDir, configDir)) symlinkSync(link.target, join(site, link.name));
  const toml = join(out, "static-web-server.toml");
  writeFileSync(toml, swsToml({ exportFiles: files, root: site }));
  return toml;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { export: { type: "string" }, out: { type: "string" }, "config-dir": { type: "string" } },
    strict: true,
  });
  if (values.export === undefined || values.out === undefined) {
    console.error("usage: static-site-main.ts --export DIR --out DIR [--config-dir DIR]");
    process.exitCode = 2;
  } else {
    const toml = buildSite(resolve(values.export), resolve(values.out), values["config-dir"]);
    console.log(`wrote ${toml}`);
  }
}
