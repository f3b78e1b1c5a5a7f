# The HyperDX image's programs: bin/hyperdx-serve (static-web-server serving the static
# export of nix/hyperdx.nix) and bin/haproxy (the UI's origin in front of it). The flake picks
# this file up as `hyperdx` (nix/images.nix puts it in the image; gen/k8s/hyperdx.ts runs
# hyperdx-serve --port <hyperdx.static> and haproxy on <configDir>/haproxy.cfg, with the
# commands and configDir from nix.generated/model.json).
#
# The document root and static-web-server's TOML config are made by the project's generator
# from the export's own file list (gen/hyperdx/static-site-main.ts): rewrites for every
# dynamic route of the export, cache and security headers, and the root's symlinks:
#   /clickstack/...  the export (HyperDX fixes Next's basePath to /clickstack for it)
#   /favicons, /pyodide, /*.whl   files HyperDX requests without the basePath
#   /index.html, /__ENV.js -> <configDir>/...  generated from ports.json (gen/hyperdx/defaults.ts),
#                                             mounted from the ConfigMap
# So one image serves any ports.json: the connection URL and the landing redirect are data.
{
  lib,
  callPackage,
  runCommand,
  buildNpmPackage,
  importNpmLock,
  makeBinaryWrapper,
  static-web-server,
  haproxy,
  # The repository's sources (the flake's cleanSource), for the generator.
  src,
}:
let
  static = callPackage ../hyperdx.nix { };
  package = lib.importJSON ../../package.json;

  # gen/hyperdx/static-site-main.ts over the built export: $out/site and
  # $out/static-web-server.toml. Same npm setup as nix/generated.nix.
  site = buildNpmPackage {
    pname = "hyperdx-site";
    inherit (static) version;
    inherit src;
    npmDeps = importNpmLock {
      inherit package;
      packageLock = import ../npm-lock.nix { inherit lib; } ../../package-lock.json;
    };
    npmConfigHook = importNpmLock.npmConfigHook;
    # The root `postinstall` installs loggen/ from the network; the generator needs no install script.
    npmRebuildFlags = [ "--ignore-scripts" ];
    buildPhase = ''
      runHook preBuild
      node --import tsx gen/hyperdx/static-site-main.ts --export ${static} --out $out
      runHook postBuild
    '';
    installPhase = ''
      runHook preInstall
      test -f $out/static-web-server.toml
      runHook postInstall
    '';
  };
in
runCommand "hyperdx-serve-${static.version}"
  {
    nativeBuildInputs = [ makeBinaryWrapper ];
    passthru = {
      inherit static site;
      # HyperDX's zod schemas for gen/test/hyperdx.test.ts (HYPERDX_COMMON_UTILS).
      commonUtils = static.commonUtils;
    };
    meta.mainProgram = "hyperdx-serve";
  }
  ''
    mkdir -p $out/bin
    # Everything but the address is in the TOML; the port comes from the manifest.
    # Pods are IPv4 only here; the default "::" fails where IPv6 is off.
    makeWrapper ${lib.getExe static-web-server} $out/bin/hyperdx-serve \
      --add-flags "--config-file=${site}/static-web-server.toml --host=0.0.0.0"
    ln -s ${lib.getExe haproxy} $out/bin/haproxy
  ''
