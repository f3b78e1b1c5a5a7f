# The report command (report/, `nix run .#report -- <view>`), built like loggen
# (nix/loggen.nix): report/'s own package-lock.json through importNpmLock (the integrity
# hashes already in the lockfile, no npmDepsHash), `npm run build` (tsc), then production
# dependencies only on the slim Node runtime. The report imports the catalog's queries and
# the model from gen/, so the source is report/ with gen/ and ports.json beside it, and the
# build runs in report/ (sourceRoot); dist/ mirrors the repository's layout.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  makeBinaryWrapper,
  nodejs-slim,
}:
let
  root = ../.;
  # What the build reads, relative to the repository (cleanSourceWith rather than lib.fileset,
  # which needs builtins.readFileType, Nix >= 2.14). Parent folders of kept paths are kept.
  # The root package.json only for its "type": "module", which makes gen/*.ts ES modules.
  keep = [
    "package.json"
    "report/package.json"
    "report/package-lock.json"
    "report/tsconfig.json"
    "report/src"
    "gen"
    "ports.json"
  ];
  sourceName = "report-source";
  src = lib.cleanSourceWith {
    name = sourceName;
    src = root;
    filter =
      path: _type:
      let
        rel = lib.removePrefix (toString root + "/") (toString path);
      in
      lib.any (k: rel == k || lib.hasPrefix (k + "/") rel || lib.hasPrefix (rel + "/") k) keep;
  };
  package = lib.importJSON ../report/package.json;
  entry = package.bin.report or (throw "report/package.json needs \"bin\": { \"report\": ... }");
in
buildNpmPackage {
  pname = package.name;
  inherit (package) version;
  inherit src;
  sourceRoot = "${sourceName}/report";

  npmDeps = importNpmLock { npmRoot = ../report; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # `npm run build` (tsc, then ports.json and gen/names.json into dist/) is the default build.

  nativeBuildInputs = [ makeBinaryWrapper ];

  installPhase = import ./node-program-install.nix { inherit nodejs-slim; } "report" entry;

  meta = {
    description = "Know your data: attribute catalog, log patterns, volume and storage of the logs in ClickHouse";
    mainProgram = "report";
  };
}
