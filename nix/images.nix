# The four OCI images (docker-archive tarballs). Name, tag, command and numeric user come
# from the resolved model (nix.generated/model.json: gen/images.json and the container
# contract in gen/model/containers.ts), the same values the manifests use. Each image holds
# only its program's closure (no /nix/store bind mount); none has a package manager or a shell.
{
  lib,
  dockerTools,
  clickhouse,
  fluent-bit,
  loggen,
  hyperdx,
}:
let
  inherit ((import ./model.nix { })) images;
  image =
    key: contents:
    dockerTools.buildLayeredImage {
      inherit (images.${key}) name tag;
      inherit contents;
      config = {
        Cmd = images.${key}.cmd;
        User = images.${key}.user;
      };
    };
in
{
  # /bin/loggen: compiled wrapper -> slim Node -> loggen's dist/.
  loggen = image "loggen" [ loggen ];
  # /bin/fluent-bit; the DaemonSet mounts its config and runs it as root (it reads root-owned
  # container logs) with every capability dropped.
  fluentbit = image "fluentbit" [ fluent-bit ];
  # /bin/clickhouse; config from ConfigMaps, data on a PVC, a writable /tmp from an emptyDir.
  clickhouse = image "clickhouse" [ clickhouse ];
  # /bin/hyperdx-serve (static-web-server) and /bin/haproxy (the UI's origin).
  hyperdx = image "hyperdx" [ hyperdx ];
}
