# `nix develop`: the tools the repository's scripts and tests use. tsx comes from
# node_modules (`npm ci`), pinned by package-lock.json like every other npm tool.
# fluent-bit: the patched build the images ship (nix/fluent-bit/), which the pipeline tests need.
{ pkgs, fluent-bit }:
pkgs.mkShell {
  packages = [
    pkgs.nodejs
    pkgs.clickhouse
    fluent-bit
    pkgs.kubectl
    pkgs.k9s
    pkgs.jq
    pkgs.nixfmt
  ];
  shellHook = ''
    export PATH="$PWD/node_modules/.bin:$PATH"
    export FLUENT_BIT=${fluent-bit}/bin/fluent-bit
    export CLICKHOUSE=${pkgs.clickhouse}/bin/clickhouse
  '';
}
