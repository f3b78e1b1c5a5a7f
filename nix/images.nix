# The four OCI images (docker-archive tarballs), named and tagged from gen/images.json
# like the manifests. Each holds only its program's closure (no /nix/store bind
# mount), provides the absolute command the manifest runs, and declares the numeric
# user of the manifest contract; none has a package manager, and none adds a shell.
{
  lib,
  dockerTools,
  clickhouse,
  fluent-bit,
  loggen,
  hyperdx,
}:
let
  meta = (import ./ports.nix { }).images;
  image =
    key: args:
    dockerTools.buildLayeredImage (
      {
        inherit (meta.${key}) name tag;
      }
      // args
    );
in
{
  # /bin/loggen: compiled wrapper -> slim Node -> loggen's dist/ (uid 65532).
  loggen = image "loggen" {
    contents = [ loggen ];
    config = {
      Cmd = [ "/bin/loggen" ];
      User = "65532:65532";
    };
  };

  # /bin/fluent-bit; the DaemonSet mounts its config at /fluent-bit/etc and runs it as
  # root (it reads root-owned container logs) with every capability dropped.
  fluentbit = image "fluentbit" {
    contents = [ fluent-bit ];
    config = {
      Cmd = [
        "/bin/fluent-bit"
        "-c"
        "/fluent-bit/etc/fluent-bit.yaml"
      ];
      User = "0:0";
    };
  };

  # /bin/clickhouse; config from ConfigMaps at /etc/clickhouse-server, data on a PVC at
  # /var/lib/clickhouse and a writable /tmp from an emptyDir (read-only root fs).
  clickhouse = image "clickhouse" {
    contents = [ clickhouse ];
    config = {
      Cmd = [
        "/bin/clickhouse"
        "server"
        "--config-file=/etc/clickhouse-server/config.xml"
      ];
      User = "10001:10001";
    };
  };

  # /bin/hyperdx-serve: the static HyperDX UI (or the "not built yet" page).
  hyperdx = image "hyperdx" {
    contents = [ hyperdx ];
    config = {
      Cmd = [ "/bin/hyperdx-serve" ];
      User = "10001:10001";
    };
  };
}
