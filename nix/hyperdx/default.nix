# The HyperDX image's program: bin/hyperdx-serve, static-web-server serving the static
# export of nix/hyperdx.nix. The flake picks this file up as `hyperdx` (nix/images.nix puts
# it in the image; gen/k8s/hyperdx.ts runs /bin/hyperdx-serve --port <hyperdx.ui>).
#
# Document root (read-only, in the store):
#   /clickstack/...  the export (HyperDX fixes Next's basePath to /clickstack for it)
#   /favicons/...    the export's favicons: pages/_document links them without the basePath
#   /index.html  -> /etc/hyperdx/index.html  } generated from ports.json by gen/hyperdx/defaults.ts,
#   /__ENV.js    -> /etc/hyperdx/__ENV.js    } mounted from the ConfigMap at /etc/hyperdx
# So one image serves any ports.json: the connection URL and the landing redirect are data.
{
  lib,
  callPackage,
  runCommand,
  makeBinaryWrapper,
  static-web-server,
}:
let
  static = callPackage ../hyperdx.nix { };

  site = runCommand "hyperdx-site-${static.version}" { } ''
    mkdir -p $out
    ln -s ${static} $out/clickstack
    ln -s ${static}/favicons $out/favicons
    ln -s /etc/hyperdx/index.html $out/index.html
    ln -s /etc/hyperdx/__ENV.js $out/__ENV.js
  '';

  # static-web-server (https://static-web-server.net) answers /clickstack/search from
  # search.html (its .html suffix fallback), which is what a Next.js export needs.
  flags = [
    "--root=${site}"
    # Pods are IPv4 only here; the default "::" fails where IPv6 is off.
    "--host=0.0.0.0"
    # /clickstack/dashboards is both a directory and dashboards.html: serve the page, no redirect
    # to a trailing slash the app's router does not expect.
    "--redirect-trailing-slash=false"
    # The root links into the store and the ConfigMap (whose files are symlinks themselves).
    "--disable-symlinks=false"
    # A changed ports.json must reach browsers: no year-long caching of /__ENV.js.
    "--cache-control-headers=false"
    # GET /health for the Kubernetes probes, independent of the ConfigMap.
    "--health"
    "--page404=${static}/404.html"
    "--log-level=info"
  ];
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
    makeWrapper ${lib.getExe static-web-server} $out/bin/hyperdx-serve \
      --add-flags ${lib.escapeShellArg (lib.concatStringsSep " " flags)}
  ''
