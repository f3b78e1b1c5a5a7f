// Offline replacement for the Google Fonts CSS API, for `next build` of HyperDX.
//
// HyperDX loads its fonts with next/font/google, which downloads CSS and font files
// from fonts.googleapis.com at build time; the Nix sandbox has no network. Next.js
// reads NEXT_FONT_GOOGLE_MOCKED_RESPONSES (a module mapping each css2 URL to the CSS
// response) and then reads font URLs that start with "/" from the local disk
// (next/dist/compiled/@next/font/dist/google/fetch-{css-from-google-fonts,font-file}.js).
// This module answers every css2 URL with @font-face rules for the latin subset,
// pointing at the woff2 files of the matching @fontsource package (locked in
// nix/hyperdx/package-lock.json). It must sit in the npm root next to node_modules.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

/** Google family name -> @fontsource package name. */
const PACKAGES = {
  Inter: "inter",
  Roboto: "roboto",
  "Roboto Mono": "roboto-mono",
  "IBM Plex Mono": "ibm-plex-mono",
};

// The latin range Google Fonts serves; Next preloads only the "latin" subset block.
const LATIN =
  "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD";

/** css2?family=Inter:wght@100;200&display=swap -> CSS, or undefined (Next then fails the build). */
function cssFor(url) {
  if (typeof url !== "string" || !url.startsWith("https://fonts.googleapis.com/css2?")) return undefined;
  const params = new URL(url).searchParams;
  const family = params.get("family") ?? "";
  const display = params.get("display") ?? "swap";
  const [name, axes = ""] = family.split(":");
  const pkg = PACKAGES[name];
  if (pkg === undefined) return undefined;
  const [axisNames = "", values = ""] = axes.split("@");
  if (axisNames !== "wght") return undefined; // HyperDX asks for static weights only
  const dir = path.dirname(require.resolve(`@fontsource/${pkg}/package.json`, { paths: [__dirname] }));
  return values
    .split(";")
    .map((weight) => {
      const file = path.join(dir, "files", `${pkg}-latin-${weight}-normal.woff2`);
      if (!fs.existsSync(file)) throw new Error(`google-fonts-mock: ${name} ${weight} not in @fontsource/${pkg}`);
      return [
        "/* latin */",
        "@font-face {",
        `  font-family: '${name}';`,
        "  font-style: normal;",
        `  font-weight: ${weight};`,
        `  font-display: ${display};`,
        `  src: url(${file}) format('woff2');`,
        `  unicode-range: ${LATIN};`,
        "}",
      ].join("\n");
    })
    .join("\n");
}

module.exports = new Proxy({}, { get: (_target, url) => cssFor(url) });
