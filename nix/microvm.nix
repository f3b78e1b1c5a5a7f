# The MicroVM around the k3s node: QEMU, 8 GB, 4 vCPU, the host's /nix/store shared
# read-only over 9p, a persistent /var disk image (k3s state, images, the ClickHouse
# PVC, the generated Secret) and user networking with the host's forwards into the VM:
# services.otel-demo.hostForwards (nix/module.nix), by default those of ports.json, bound to
# the host's 127.0.0.1.
{ config, ... }:
let
  # Your SSH public key(s), one per line; `git add` the file so the flake sees it.
  # Without it nobody can log in: there is no password.
  authorizedKeys = ../ssh/authorized_keys;
  keyFiles = if builtins.pathExists authorizedKeys then [ authorizedKeys ] else [ ];
in
{
  networking.hostName = "otel-demo";

  microvm = {
    hypervisor = "qemu";
    mem = 8192;
    vcpu = 4;
    # Created in the directory `nix run .#vm` starts from; delete it to start afresh.
    volumes = [
      {
        image = "otel-demo-var.img";
        mountPoint = "/var";
        size = 20480;
      }
    ];
    shares = [
      {
        proto = "9p";
        tag = "ro-store";
        source = "/nix/store";
        mountPoint = "/nix/.ro-store";
      }
    ];
    interfaces = [
      {
        type = "user";
        id = "qemu";
        mac = "02:00:00:01:01:01";
      }
    ];
    forwardPorts = map (f: {
      from = "host";
      inherit (f) proto;
      host = {
        inherit (f) address;
        port = f.host;
      };
      guest.port = f.guest;
    }) config.services.otel-demo.hostForwards;
  };

  users.users.root.openssh.authorizedKeys = { inherit keyFiles; };
}
