// Fills "resolved"/"integrity" of package-lock.json entries that npm took from an
// installed node_modules (yarn's, so the versions are HyperDX's yarn.lock ones): npm
// leaves them empty, and importNpmLock needs both. The values come from the registry
// documents (packuments) npm cached while installing those packages, so no extra
// registry look-ups. Usage: node nix/hyperdx/fill-lock-integrity.mjs package-lock.json
// (after `npm ci` has run once on that lockfile; docs/hyperdx.md, "Bumping HyperDX").
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
// npm's own cache library, from the npm that filled the cache.
const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
const require = createRequire(`${npmRoot}/npm/`);
const cacache = require("cacache");
const cache = `${homedir()}/.npm/_cacache`;
const lockFile = process.argv[2];
const lock = JSON.parse(readFileSync(lockFile, "utf8"));
const PREFIX = "make-fetch-happen:request-cache:";
const entries = await cacache.ls(cache);
const packuments = new Map(), tarballs = new Map();
for (const [key, e] of Object.entries(entries)) {
  if (!key.startsWith(PREFIX)) continue;
  const url = key.slice(PREFIX.length);
  if (url.endsWith(".tgz")) tarballs.set(url, e.integrity);
  else packuments.set(decodeURIComponent(url.replace("https://registry.npmjs.org/", "")), e);
}
let filled = 0; const missing = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === "" || entry.link || entry.resolved) continue;
  const name = entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const p = packuments.get(name);
  let manifest;
  if (p) manifest = JSON.parse((await cacache.get.byDigest(cache, p.integrity)).toString()).versions?.[entry.version];
  if (!manifest) { missing.push(`${name}@${entry.version}`); continue; }
  entry.resolved = manifest.dist.tarball;
  entry.integrity = manifest.dist.integrity ?? tarballs.get(manifest.dist.tarball);
  if (!entry.integrity) { missing.push(`${name}@${entry.version} (no integrity)`); continue; }
  filled++;
}
writeFileSync(lockFile, JSON.stringify(lock, null, 2) + "\n");
console.log(`filled ${filled}; missing ${missing.length}`, missing.slice(0, 20));
