# loggen built from loggen/ with its own package-lock.json: importNpmLock fetches each
# tarball by the integrity hash already in the lockfile, so there is no npmDepsHash.
# bin/loggen is a compiled wrapper (no shell) running package.json's `bin.loggen`
# on the slim Node runtime (no npm) with production dependencies only.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  makeBinaryWrapper,
  nodejs-slim,
}:
let
  src = ../loggen;
  package = lib.importJSON (src + "/package.json");
  entry = package.bin.loggen or (throw "loggen/package.json needs \"bin\": { \"loggen\": ... }");
in
buildNpmPackage {
  pname = package.name;
  inherit (package) version;
  inherit src;

  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # `npm run build` (tsc) is buildNpmPackage's default build script.

  nativeBuildInputs = [ makeBinaryWrapper ];

  installPhase = import ./node-program-install.nix { inherit nodejs-slim; } "loggen" entry;

  meta = {
    description = "Demo log generator (pino JSON lines on stdout)";
    mainProgram = "loggen";
  };
}
