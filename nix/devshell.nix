# `nix develop`: the tools the repository's scripts and tests use. tsx comes from
# node_modules (`npm ci`), pinned by package-lock.json like every other npm tool.
{ pkgs }:
pkgs.mkShell {
  packages = [
    pkgs.nodejs
    pkgs.clickhouse
    pkgs.fluent-bit
    pkgs.kubectl
    pkgs.k9s
    pkgs.jq
    pkgs.nixfmt
  ];
  shellHook = ''
    export PATH="$PWD/node_modules/.bin:$PATH"
    export FLUENT_BIT=${pkgs.fluent-bit}/bin/fluent-bit
    export CLICKHOUSE=${pkgs.clickhouse}/bin/clickhouse
  '';
}
