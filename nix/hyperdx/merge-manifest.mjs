// Writes nix/hyperdx/package.json: one npm root holding the dependencies of HyperDX's
// packages/app and packages/common-utils (the UI needs no other workspace), because
// importNpmLock handles a single package better than npm workspace links.
// Usage: node nix/hyperdx/merge-manifest.mjs <unpacked HyperDX source> nix/hyperdx/package.json
// (docs/hyperdx.md, "Bumping HyperDX"). Reads HyperDX's manifests; builds nothing.
import { readFileSync, writeFileSync } from "node:fs";
const [src, out] = process.argv.slice(2);
const read = (p) => JSON.parse(readFileSync(`${src}/${p}`, "utf8"));
const root = read("package.json"), app = read("packages/app/package.json"), cu = read("packages/common-utils/package.json");
const merge = (...maps) => Object.fromEntries(Object.entries(Object.assign({}, ...maps.reverse())).sort(([a], [b]) => a.localeCompare(b)));
const drop = (m, ...names) => Object.fromEntries(Object.entries(m).filter(([k]) => !names.includes(k)));
const ROOT_TOOLING = ["@changesets/cli", "@dotenvx/dotenvx", "concurrently", "dotenv-cli", "husky", "knip", "lint-staged", "nx"];
const fonts = { "@fontsource/ibm-plex-mono": "^5.2.4", "@fontsource/inter": "^5.3.0", "@fontsource/roboto": "^5.3.0", "@fontsource/roboto-mono": "^5.3.0" };
const pkg = {
  name: "hyperdx-static-build",
  version: app.version,
  private: true,
  description: `npm root for the Nix build of HyperDX ${app.version} (local-mode static export): the dependencies of packages/app and packages/common-utils, flattened; generated, see docs/hyperdx.md`,
  dependencies: drop(merge(app.dependencies, cu.dependencies), "@hyperdx/api", "@hyperdx/common-utils"),
  // The yarn root's devDependencies hold build needs too (babel-plugin-react-compiler for
  // reactCompiler, @ungap/structured-clone and its types for the type check); its
  // repository tooling is left out.
  devDependencies: merge(app.devDependencies, cu.devDependencies, drop(root.devDependencies, ...ROOT_TOOLING), fonts),
};
// yarn "resolutions" for the React types pin the whole tree; npm wants the direct
// dependency itself pinned and the override to refer to it ("$name").
pkg.overrides = {};
for (const [name, version] of Object.entries(root.resolutions).filter(([k]) => k.startsWith("@types/react"))) {
  for (const deps of [pkg.dependencies, pkg.devDependencies]) if (name in deps) deps[name] = version;
  pkg.overrides[name] = `$${name}`;
}
writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
