# `nix flake check`: everything but vm-test runs in the build sandbox without KVM.
# Binaries only Nix provides (fluent-bit, a ClickHouse server) are on PATH, and also
# named by FLUENT_BIT and CLICKHOUSE for tests that prefer a variable.
{
  lib,
  pkgs,
  src,
  generated,
  loggen,
  fluent-bit,
  hyperdx,
  vmTest,
}:
let
  inherit (pkgs) importNpmLock;
  model = import ./model.nix { };
  package = lib.importJSON ../package.json;

  engines = [
    # The patched build the images ship (nix/fluent-bit/).
    fluent-bit
    pkgs.clickhouse
    # lua/*.lua unit tests (gen/test/lua.test.ts): FluentBit embeds LuaJIT.
    pkgs.luajit
  ];
  engineEnv = {
    # A test whose engine is missing fails instead of skipping (checks/engines.ts).
    REQUIRE_ENGINES = "fluent-bit,clickhouse,clickhouse-server,luajit,proc";
    FLUENT_BIT = lib.getExe fluent-bit;
    CLICKHOUSE = "${pkgs.clickhouse}/bin/clickhouse";
    # The loggen the image runs (checks/pipeline.test.ts starts it with node).
    LOGGEN = "${loggen}/lib/loggen/${(lib.importJSON ../loggen/package.json).bin.loggen}";
  };

  # loggen/ has its own lockfile; `npm test` type-checks and builds it too.
  loggenModules = importNpmLock.buildNodeModules {
    npmRoot = ../loggen;
    inherit (pkgs) nodejs;
  };
  # So has report/; `npm test` type-checks and builds it too.
  reportModules = importNpmLock.buildNodeModules {
    npmRoot = ../report;
    inherit (pkgs) nodejs;
  };

  # A check that runs `script` in a copy of the repository with node_modules installed
  # from the root lockfile (importNpmLock: no network, no npmDepsHash).
  npmCheck = name: script: npmCheckWith name { } script;
  npmCheckWith =
    name: extraEnv: script:
    pkgs.buildNpmPackage {
      pname = "check-${name}";
      inherit (package) version;
      inherit src;
      npmDeps = importNpmLock {
        inherit package;
        packageLock = import ./npm-lock.nix { inherit lib; } ../package-lock.json;
      };
      npmConfigHook = importNpmLock.npmConfigHook;
      # The root `postinstall` would install loggen/ from the network.
      npmRebuildFlags = [ "--ignore-scripts" ];
      nativeBuildInputs = engines;
      env = engineEnv // extraEnv;
      buildPhase = ''
        runHook preBuild
        ln -s ${loggenModules}/node_modules loggen/node_modules
        ln -s ${reportModules}/node_modules report/node_modules
        ${script}
        runHook postBuild
      '';
      installPhase = ''
        runHook preInstall
        touch $out
        runHook postInstall
      '';
    };
in
{
  # The committed generated files equal a fresh generation from this source.
  generated-up-to-date = pkgs.runCommand "check-generated-up-to-date" { } ''
    for dir in k8s.generated sql nix.generated; do
      diff -ru ${src}/$dir ${generated}/$dir
    done
    touch $out
  '';

  # The row contract: every line -> otel_logs row rule of the ingest view.
  ingest = npmCheck "ingest" "node --import tsx --test gen/test/ingest.test.ts";

  # The DDL and the contract test on `clickhouse local` (CLICKHOUSE is set) instead of chDB.
  contract = npmCheck "contract" "node --import tsx --test checks/contract.test.ts";

  # The HyperDX defaults against HyperDX's own zod schemas (common-utils built from the
  # pinned tag by nix/hyperdx.nix), and their expressions on otel_logs.
  hyperdx-defaults = npmCheckWith "hyperdx-defaults" {
    REQUIRE_ENGINES = "hyperdx-common-utils";
    HYPERDX_COMMON_UTILS = "${hyperdx.commonUtils}";
  } "node --import tsx --test gen/test/hyperdx.test.ts";

  # HyperDX in headless Chromium: the built export served as the image serves it (HAProxy in
  # front of static-web-server, the generated site and TOML), a real ClickHouse server with
  # the generated users and grants, rows through the ingest view; every request must stay on
  # the UI's origin. Screenshots go to the build log's directory only.
  hyperdx-ui = npmCheckWith "hyperdx-ui" {
    REQUIRE_ENGINES = "hyperdx-export,chromium,haproxy,clickhouse";
    HYPERDX_DIST = "${hyperdx.static}";
    CHROMIUM = lib.getExe pkgs.chromium;
    HAPROXY = lib.getExe pkgs.haproxy;
    STATIC_WEB_SERVER = lib.getExe pkgs.static-web-server;
  } "node --import tsx --test checks/hyperdx-ui.test.ts";

  # The local pipeline: real fluent-bit and a real ClickHouse server on loopback; loggen's
  # lines, other pods' lines, OTLP/HTTP and JSON posts, hostile bodies on both HTTP inputs, and
  # log rotation (~5 min).
  pipeline = npmCheck "pipeline" "node --import tsx --test checks/pipeline.test.ts checks/inputs.test.ts checks/hostile-input.test.ts checks/rotation.test.ts";

  # The generated FluentBit config (from its ConfigMap) passes `fluent-bit --dry-run`,
  # which checks every plugin property.
  fluent-bit-dry-run =
    pkgs.runCommand "check-fluent-bit-dry-run"
      {
        nativeBuildInputs = [
          fluent-bit
          pkgs.yq-go
        ];
        # The variable the config expands for the ingest user's password (gen/names.json).
        ${model.names.passwordEnv.ingest} = "dry-run";
        NODE_NAME = "dry-run";
      }
      ''
        mkdir etc state
        cm='select(.kind == "ConfigMap" and .data["fluent-bit.yaml"] != null)'
        yq "$cm | .data[\"fluent-bit.yaml\"]" ${generated}/k8s.generated/fluentbit.yaml \
          | sed -e "s|${model.images.fluentbit.configDir}/|$PWD/etc/|g" -e "s|${model.paths.fluentbitState}|$PWD/state|g" >etc/fluent-bit.yaml
        test -s etc/fluent-bit.yaml
        fluent-bit --dry-run -c etc/fluent-bit.yaml
        touch $out
      '';

  # Needs KVM: the k3s node boots and the whole pipeline runs.
  vm-test = vmTest;
}
// lib.optionalAttrs (pkgs.stdenv.hostPlatform.system == "x86_64-linux") {
  # The whole npm suite (typecheck, loggen build, drift, every *.test.ts with engines on
  # PATH). x86_64 only: the root lockfile holds chDB's native library for linux-x64 only.
  npm-test = npmCheck "npm-test" "npm test";
}
