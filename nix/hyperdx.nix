# HyperDX's browser-only UI (local mode, no API server, no MongoDB) as a static export,
# built from a pinned release with npm and no network.
#
# - Source: the release tag @hyperdx/app@2.36.0 (commit below); the hash is the NAR hash of
#   `git archive` of that commit, computed offline with `nix hash path` (docs/hyperdx.md).
# - Dependencies: HyperDX develops with yarn 4 workspaces; nix/hyperdx/package.json is an
#   npm root that flattens the dependencies of packages/app and packages/common-utils
#   (the only two the UI needs), pinned to the versions of HyperDX's yarn.lock, and
#   nix/hyperdx/package-lock.json locks them with registry URLs and integrity hashes, which
#   importNpmLock turns into fetchurl calls: no dependency hash that cannot be checked.
#   Install scripts are not run, as in HyperDX's own Dockerfile (`yarn install --mode=skip-build`).
# - Fonts: next/font/google downloads CSS and fonts at build time; NEXT_FONT_GOOGLE_MOCKED_RESPONSES
#   points Next.js at nix/hyperdx/google-fonts-mock.cjs, which answers with the same families
#   from the @fontsource packages in the lockfile.
# - Offline local mode (hyperdx/local-mode.patch, plus two page deletions in postPatch): pyodide
#   and the drain3 wheels stay in the export (Patterns tab), nothing in the UI calls another
#   host or points at a server that does not exist, pages that need sources this pipeline does
#   not have are not offered, and an unreachable ClickHouse reads as one sentence the page
#   recovers from by itself (docs/hyperdx.md, "Patches").
# - Build: HyperDX's own `build:clickhouse` recipe (packages/app/package.json): local mode and
#   `output: 'export'` under the basePath /clickstack; the ConfigMap-provided /__ENV.js then
#   supplies the default connection and sources at runtime (gen/hyperdx/defaults.ts).
{
  lib,
  stdenv,
  fetchFromGitHub,
  importNpmLock,
  nodejs_22,
}:
let
  version = "2.36.0";
in
stdenv.mkDerivation {
  pname = "hyperdx-static";
  inherit version;

  src = fetchFromGitHub {
    owner = "hyperdxio";
    repo = "hyperdx";
    # The commit of the tags @hyperdx/app@2.36.0 and @hyperdx/common-utils@0.27.0.
    rev = "ae53d993e2c7771e56ba67263cf523d06c7d543c";
    hash = "sha256-YVkqPkmgd9dbMJseDFAbRofTBNtbOtI3+4eWakFSSsk=";
  };

  outputs = [
    "out"
    "commonUtils"
  ];

  npmDeps = importNpmLock {
    package = lib.importJSON ./hyperdx/package.json;
    packageLock = lib.importJSON ./hyperdx/package-lock.json;
  };
  # HyperDX builds with yarn, which ignores peer ranges (nuqs 1.17 asks for next 14).
  npmFlags = [ "--legacy-peer-deps" ];
  # Link bins only; no install scripts (HyperDX's Dockerfile: yarn install --mode=skip-build).
  npmRebuildFlags = [ "--ignore-scripts" ];

  nativeBuildInputs = [
    nodejs_22
    importNpmLock.npmConfigHook
  ];

  patches = [ ./hyperdx/local-mode.patch ];

  # Our npm root in place of HyperDX's yarn root; the workspaces' own manifests stay.
  # Pages that need HyperDX's API server or call other hosts are not built: the careers page
  # (api.github.com, boards-api.greenhouse.io) and the alerts pages (alerts run on the server;
  # in local mode they wait forever). Their URLs answer with the export's 404 page.
  postPatch = ''
    rm packages/app/pages/careers.tsx
    rm -r packages/app/pages/alerts
    cp ${./hyperdx/package.json} package.json
    cp ${./hyperdx/package-lock.json} package-lock.json
    cp ${./hyperdx/.npmrc} .npmrc
    cp ${./hyperdx/google-fonts-mock.cjs} google-fonts-mock.cjs
    rm -f yarn.lock .yarnrc.yml
  '';

  env = {
    NEXT_TELEMETRY_DISABLED = "1";
    # Measured peaks: 2.6 GB (common-utils type declarations), 3.9 GB (next build).
    NODE_OPTIONS = "--max-old-space-size=8192";
    # The variables of packages/app's `build:clickhouse` script; Next inlines them.
    NEXT_PUBLIC_IS_LOCAL_MODE = "true";
    NEXT_PUBLIC_CLICKHOUSE_BUILD = "true";
    NEXT_PUBLIC_THEME = "clickstack";
  };

  buildPhase = ''
    runHook preBuild
    # An absolute path: Next.js require()s it from its own directory.
    export NEXT_FONT_GOOGLE_MOCKED_RESPONSES="$PWD/google-fonts-mock.cjs"

    # The app imports @hyperdx/common-utils/dist/*: link the workspace and build it (tsup).
    mkdir -p node_modules/@hyperdx
    ln -s ../../packages/common-utils node_modules/@hyperdx/common-utils
    (cd packages/common-utils && ../../node_modules/.bin/tsup)

    # next build (webpack) with output 'export', then HyperDX's own clean-up of out/.
    (cd packages/app && ../../node_modules/.bin/next build --webpack && node scripts/prepare-clickhouse-build-export.js)
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    test -f packages/app/out/search.html
    test -f packages/app/out/pyodide/pyodide.asm.wasm
    cp -r packages/app/out $out

    # HyperDX's zod schemas (connections, sources) for gen/test/hyperdx.test.ts:
    # HYPERDX_COMMON_UTILS=$commonUtils. dist/types.js needs zod and object-hash.
    mkdir -p $commonUtils/node_modules
    cp packages/common-utils/package.json $commonUtils/
    cp -r packages/common-utils/dist $commonUtils/dist
    cp -rL node_modules/zod node_modules/object-hash $commonUtils/node_modules/
    runHook postInstall
  '';

  # Static files for a browser; nothing to patch or strip.
  dontFixup = true;

  meta = {
    description = "HyperDX UI (local mode) as a static export";
    homepage = "https://github.com/hyperdxio/hyperdx";
    license = lib.licenses.mit;
  };
}
