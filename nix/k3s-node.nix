# The NixOS configuration of the single k3s node, shared by the MicroVM
# (nix/microvm.nix) and the NixOS VM test (nix/vm-test.nix). It boots offline: every
# image is preloaded (ours plus k3s' airgap images: pause, coredns, klipper-lb,
# local-path-provisioner) and the generated manifests are auto-deployed.
{
  images,
  generated,
}:
{
  config,
  lib,
  pkgs,
  ...
}:
let
  model = import ./model.nix { };
  inherit (model) names;
  manifestDir = "/var/lib/rancher/k3s/server/manifests";
  # The manifests k3s applies: every generated YAML but kustomization.yaml (a kustomize
  # input, not an API object). The names come from the committed folder (pure, no
  # import-from-derivation); the contents from the generator's derivation.
  manifestFiles = builtins.filter (f: lib.hasSuffix ".yaml" f && f != "kustomization.yaml") (
    builtins.attrNames (builtins.readDir ../k8s.generated)
  );
in
{
  # The pinned nixpkgs ships the versions the generated configs were checked against.
  assertions = (import ./versions.nix { inherit lib pkgs; }).assertions;

  services.k3s = {
    enable = true;
    role = "server";
    # ServiceLB (klipper-lb) stays on: it binds the LoadBalancer Services on the node,
    # which is where the QEMU forwards arrive. local-storage backs the ClickHouse PVC.
    extraFlags = [
      "--disable traefik"
      "--disable metrics-server"
      "--write-kubeconfig-mode 0600"
    ];
    images = builtins.attrValues images ++ [ config.services.k3s.package.airgap-images ];
    manifests = builtins.listToAttrs (
      map (f: {
        name = lib.removeSuffix ".yaml" f;
        value.source = "${generated}/k8s.generated/${f}";
      }) manifestFiles
    );
  };

  # The ClickHouse passwords: random on first boot, kept on /var, never in the store.
  systemd.services.otel-demo-credentials = {
    description = "Create the ${names.credentialsSecret} Secret on first boot";
    wantedBy = [ "k3s.service" ];
    before = [ "k3s.service" ];
    path = [ pkgs.coreutils ];
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      UMask = "0077";
    };
    script = ''
      file=${manifestDir}/${names.credentialsSecret}.yaml
      if [ -e "$file" ]; then exit 0; fi
      mkdir -p ${manifestDir}
      password() { tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32; }
      cat >"$file.tmp" <<EOF
      apiVersion: v1
      kind: Secret
      metadata:
        name: ${names.credentialsSecret}
        namespace: ${names.namespace}
      type: Opaque
      stringData:
        ${names.secretKeys.defaultPassword}: "$(password)"
        ${names.secretKeys.ingestPassword}: "$(password)"
      EOF
      chmod 0600 "$file.tmp"
      mv "$file.tmp" "$file"
    '';
  };

  # Pods reach the API server and CoreDNS through cni0/flannel; the forwarded guest
  # ports (ssh and the LoadBalancer Services) are open to the VM's network.
  networking.firewall = {
    allowedTCPPorts = [ 6443 ] ++ model.guestPorts;
    trustedInterfaces = [
      "cni0"
      "flannel.1"
    ];
  };

  services.openssh = {
    enable = true;
    ports = [ model.ports.vm.guest.ssh ];
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "prohibit-password";
    };
  };

  environment.systemPackages = [
    pkgs.curl
    pkgs.jq
  ];

  system.stateVersion = "26.05";
}
