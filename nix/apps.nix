# `nix run .#<app>`: vm, gen, query, report, load-images.
{
  lib,
  pkgs,
  runner,
  images,
}:
let
  model = import ./model.nix { };
  inherit (model) names;
  clickhouseUrl = "http://127.0.0.1:${toString (model.hostPortOf "clickhouse.http")}/";

  gen = pkgs.writeShellApplication {
    name = "gen";
    runtimeInputs = [ pkgs.nodejs ];
    text = ''
      if [ ! -f package.json ] || [ ! -f ports.json ]; then
        echo "gen: run this from the repository root" >&2
        exit 1
      fi
      [ -d node_modules ] || npm ci
      npm run gen -- "$@"
    '';
  };

  query = pkgs.writeShellApplication {
    name = "query";
    runtimeInputs = [ pkgs.curl ];
    text = ''
      if [ "$#" -ne 1 ]; then
        echo "usage: nix run .#query -- \"SELECT RandomString, count() FROM ${names.logsTable} GROUP BY 1\"" >&2
        echo "  user: \$CLICKHOUSE_USER (default: the read-only ${names.readerUser}), password: \$CLICKHOUSE_PASSWORD" >&2
        exit 2
      fi
      curl --silent --show-error --fail-with-body \
        --user "''${CLICKHOUSE_USER:-${names.readerUser}}:''${CLICKHOUSE_PASSWORD:-${names.readerPassword}}" \
        --data-binary "$1" \
        "${clickhouseUrl}?database=${names.database}&default_format=PrettyCompact"
    '';
  };

  # Reads the catalog as the read-only user; its default endpoint is the forwarded port in ports.json.
  report = pkgs.callPackage ./report.nix { };

  load-images = pkgs.writeShellApplication {
    name = "load-images";
    text = ''
      if command -v docker >/dev/null; then tool=docker
      elif command -v podman >/dev/null; then tool=podman
      else
        echo "load-images: neither docker nor podman is on PATH" >&2
        exit 1
      fi
      ${lib.concatMapStrings (i: ''
        "$tool" load --input ${i}
      '') (builtins.attrValues images)}
    '';
  };
in
{
  vm = {
    type = "app";
    program = "${runner}/bin/microvm-run";
    meta.description = "Boot the k3s MicroVM (QEMU, 8 GB RAM, 4 vCPU; /var image in the current directory)";
  };
  gen = {
    type = "app";
    program = lib.getExe gen;
    meta.description = "Regenerate k8s.generated/ and sql/ after editing ports.json or gen/images.json";
  };
  query = {
    type = "app";
    program = lib.getExe query;
    meta.description = "Run SQL against the VM's ClickHouse through the forwarded HTTP port";
  };
  report = {
    type = "app";
    program = lib.getExe report;
    meta.description = "Know your data: attributes, patterns, volume or storage of the VM's logs (report -- <view>)";
  };
  load-images = {
    type = "app";
    program = lib.getExe load-images;
    meta.description = "Load the images into docker or podman, for your own kind/Minikube cluster";
  };
}
