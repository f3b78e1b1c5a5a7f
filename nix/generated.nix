# The generator run as a derivation: `npm run gen --out $out` on the repository's
# sources. Its output (k8s.generated/, sql/, nix.generated/) is what the VM, the images and
# the checks consume; the drift check compares it with the committed copy. `settings`
# (retention and resources, the shape of gen/settings.json) replaces gen/settings.json: the
# NixOS module passes its options this way.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs,
  writeText,
  src,
  settings ? null,
}:
let
  package = lib.importJSON ../package.json;
  settingsFlag = lib.optionalString (settings != null) "--settings ${writeText "otel-demo-settings.json" (builtins.toJSON settings)}";
in
buildNpmPackage {
  pname = "${package.name}-generated";
  inherit (package) version;
  inherit src nodejs;

  # The root lockfile keeps `resolved` URLs and integrity hashes (.npmrc), which is
  # all importNpmLock needs.
  npmDeps = importNpmLock {
    inherit package;
    packageLock = import ./npm-lock.nix { inherit lib; } ../package-lock.json;
  };
  npmConfigHook = importNpmLock.npmConfigHook;
  # The root `postinstall` installs loggen/ from the network; no package needs its
  # install script for the generator (tsx's esbuild ships its binary in a package).
  npmRebuildFlags = [ "--ignore-scripts" ];

  # Our own phases replace buildNpmPackage's npm build and npm install hooks.

  buildPhase = ''
    runHook preBuild
    mkdir -p $out
    npm run gen -- --out $out ${settingsFlag}
    runHook postBuild
  '';
  installPhase = ''
    runHook preInstall
    runHook postInstall
  '';
}
