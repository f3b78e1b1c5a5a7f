# The versions of what Nix ships, as gen/versions.json records them: the generator checks
# every ClickHouse and FluentBit key it emits against that record (docs/versions.md), so
# evaluation fails when the pinned nixpkgs ships another major(.minor) than recorded. A
# package whose version is not a version number (no leading digit, e.g. a stand-in package
# set that carries none) proves nothing either way: evaluation warns and goes on.
{ lib, pkgs }:
let
  file = "gen/versions.json";
  recorded = (lib.importJSON ../gen/versions.json).packages;
  shipped = {
    clickhouse = pkgs.clickhouse.version;
    fluent-bit = pkgs.fluent-bit.version;
    k3s = pkgs.k3s.version;
    static-web-server = pkgs.static-web-server.version;
    nodejs = pkgs.nodejs.version;
  };
  # "26.4" matches 26.4.2.10-stable, "24" matches 24.19.0: the recorded components are a prefix.
  matches =
    want: have:
    let
      w = lib.splitVersion want;
    in
    lib.take (lib.length w) (lib.splitVersion have) == w;
  known = have: builtins.match "[0-9].*" have != null;
  unknown = lib.filterAttrs (name: _: !known shipped.${name}) recorded;
  warnUnknown = lib.warnIf (unknown != { }) "${file}: the pinned package set gives no version number for ${lib.concatStringsSep ", " (lib.mapAttrsToList (name: _: "${name} (${shipped.${name}})") unknown)}; their recorded versions are not checked.";
  assertions = lib.mapAttrsToList (name: want: {
    assertion =
      let
        have = shipped.${name} or (throw "${file}: unknown package ${name}");
      in
      !known have || matches want have;
    message = "${file} records ${name} ${want}, but the pinned nixpkgs ships ${shipped.${name}}: check every ${name} key listed in gen/versions/supported.ts against the source of ${shipped.${name}} (docs/versions.md), run the tests, then update ${file}.";
  }) recorded;
  failed = map (a: a.message) (lib.filter (a: !a.assertion) assertions);
in
{
  # For NixOS modules (config.assertions).
  inherit assertions;
  # For everything else built from these packages: returns `value`, or fails evaluation.
  check = value: warnUnknown (lib.throwIf (failed != [ ]) (lib.concatStringsSep "\n" failed) value);
}
