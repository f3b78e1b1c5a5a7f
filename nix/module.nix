# NixOS module `services.otel-demo` (the flake's nixosModules.default): the logs pipeline on
# this host's single-node k3s, offline. Every image is preloaded (ours plus k3s' airgap images:
# pause, coredns, klipper-lb, local-path-provisioner) and the generated manifests are
# auto-deployed. The MicroVM (nix/microvm.nix) and the VM test (nix/vm-test.nix) use it; so can
# any NixOS k3s server.
#
# Ports and names come from the generator (ports.json and gen/*.json -> k8s.generated/,
# nix.generated/model.json): change those and regenerate. Retention and container resources
# are options here: the module runs the generator with them (nix/generated.nix `settings`).
# hostForwards is the MicroVM's host -> guest forwards (nix/microvm.nix reads it), by default
# those of ports.json; a host without a VM ignores it.
{
  imagesFor,
  generatedFor,
}:
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.otel-demo;
  inherit (lib)
    mkEnableOption
    mkOption
    mkIf
    mkDefault
    types
    literalExpression
    ;
  model = import ./model.nix { };
  inherit (model) names;
  allComponents = builtins.attrNames model.images;
  manifestDir = "/var/lib/rancher/k3s/server/manifests";
  defaults = model.settings;
  # The settings the generator reads (gen/settings.json's shape), from the options.
  settings = {
    retention = { inherit (cfg.retention) logsDays rollupDays; };
    inherit (cfg) resources;
  };
  # One container's CPU and memory, each leaf defaulting to gen/settings.json, so setting
  # one of them keeps the others.
  resourcesOption =
    name: value:
    let
      quantity =
        side: kind: pattern: example:
        mkOption {
          type = types.strMatching pattern;
          default = value.${side}.${kind};
          description = "${kind} ${side} of the ${name} container, as Kubernetes writes it (${example}).";
        };
      sideOptions = side: {
        cpu = quantity side "cpu" "([1-9][0-9]*m|[0-9]+([.][0-9]+)?)" "\"500m\", \"2\"";
        memory = quantity side "memory" "[1-9][0-9]*(Ki|Mi|Gi)" "\"256Mi\", \"2Gi\"";
      };
    in
    {
      requests = sideOptions "requests";
      limits = sideOptions "limits";
    };
  # One generated YAML per component, plus the namespace. The names come from the committed
  # folder (pure, no import-from-derivation); the contents from the generator's derivation.
  manifestOf = component: "${component}.yaml";
  committed = builtins.attrNames (builtins.readDir ../k8s.generated);
  manifestFiles = [ "namespace.yaml" ] ++ map manifestOf cfg.components;
  needsClickHouse = lib.any (c: lib.elem c cfg.components) [
    "fluentbit"
    "hyperdx"
  ];
  # ports.json's forwards in the option's shape, and the guest ports a forward may target:
  # SSH and the ports the LoadBalancer Services bind on the node (those ports.json forwards).
  modelForwards = map (f: {
    host = f.host.port;
    guest = f.guest.port;
    inherit (f) proto;
    inherit (f.host) address;
  }) model.forwards;
  exposedPorts = model.guestPorts;
  showForward = f: "${f.address}:${toString f.host}/${f.proto} -> ${toString f.guest}";
  showForwards = fs: lib.concatMapStringsSep ", " showForward fs;
  badPorts = lib.filter (f: f.host < 1 || f.guest < 1) cfg.hostForwards;
  # Forwards whose host port and protocol an earlier forward already uses.
  hostKey = f: "${f.proto}/${toString f.host}";
  duplicateHosts = lib.concatLists (
    lib.imap0 (
      i: f: lib.optional (lib.elem (hostKey f) (map hostKey (lib.take i cfg.hostForwards))) f
    ) cfg.hostForwards
  );
  unexposed = lib.filter (f: !(lib.elem f.guest exposedPorts)) cfg.hostForwards;
in
{
  options.services.otel-demo = {
    enable = mkEnableOption "the OpenTelemetry logs pipeline (loggen, FluentBit, ClickHouse, HyperDX) on this host's k3s";

    components = mkOption {
      type = types.listOf (types.enum allComponents);
      default = allComponents;
      example = [
        "fluentbit"
        "clickhouse"
        "hyperdx"
      ];
      description = ''
        The components to deploy, each as its generated manifest (k8s.generated/<name>.yaml)
        and its image. Without "loggen", FluentBit ships nothing until your own pods log.
      '';
    };

    images = mkOption {
      type = types.attrsOf types.package;
      default = imagesFor pkgs.stdenv.hostPlatform.system;
      defaultText = literalExpression "the flake's packages.<system>.<name>-image";
      description = "The OCI image tarballs k3s imports at start, keyed by component.";
    };

    retention = {
      logsDays = mkOption {
        type = types.ints.between 1 3650;
        default = defaults.retention.logsDays;
        description = "Days ClickHouse keeps raw log rows (otel_logs and the catalog); whole days are dropped.";
      };
      rollupDays = mkOption {
        type = types.ints.between 1 3650;
        default = defaults.retention.rollupDays;
        description = "Days ClickHouse keeps the hourly rollups; at least retention.logsDays.";
      };
    };

    # CPU and memory per container; defaults from gen/settings.json (FluentBit's are sized
    # from docs/benchmarks.md).
    resources = lib.mapAttrs resourcesOption defaults.resources;

    generated = mkOption {
      type = types.package;
      default = generatedFor pkgs.stdenv.hostPlatform.system (if settings == defaults then null else settings);
      defaultText = literalExpression "the generator run on this repository with the retention and resources options";
      description = "The generator's output (k8s.generated/ among it) the node deploys.";
    };

    hostForwards = mkOption {
      type = types.listOf (
        types.submodule {
          options = {
            host = mkOption {
              type = types.port;
              description = "Port on the host that runs the MicroVM (from 1 to 65535; one forward per port and protocol).";
            };
            guest = mkOption {
              type = types.port;
              description = ''
                Port inside the VM the host port forwards to: one the model exposes on the node, that
                is SSH or a port of a LoadBalancer Service (the targets of ports.json's `vm.forwards`).
              '';
            };
            proto = mkOption {
              type = types.enum [
                "tcp"
                "udp"
              ];
              default = "tcp";
              description = "The protocol to forward.";
            };
            address = mkOption {
              type = types.str;
              default = "127.0.0.1";
              description = ''
                The host address the forward listens on. The loopback keeps the pipeline (and
                ClickHouse's read-only user, whose password is public) reachable from this machine only.
              '';
            };
          };
        }
      );
      default = modelForwards;
      defaultText = literalExpression "the forwards of ports.json, as the generator resolved them (nix.generated/model.json)";
      # The first forward of ports.json, reachable from every host address.
      example = map (f: f // { address = "0.0.0.0"; }) (lib.take 1 modelForwards);
      description = ''
        The MicroVM's forwards from the host into the VM (microvm.nix's `microvm.forwardPorts`,
        nix/microvm.nix). Only the MicroVM reads it: on a NixOS host without a VM the node's ports
        are the host's own. To forward another service port, add it to ports.json's `vm.forwards`
        and regenerate: that also makes its LoadBalancer Service and opens it in the firewall.
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Open the guest ports that ports.json forwards (the LoadBalancer Services k3s' ServiceLB
        binds on the node, and SSH) and the Kubernetes API port 6443.
      '';
    };

    createCredentials = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Create the ${names.credentialsSecret} Secret with random ClickHouse passwords on first
        boot (kept under ${manifestDir}). Turn off to provide it yourself.
      '';
    };
  };

  config = mkIf cfg.enable {
    # The images carry their own packages (built from this flake's nixpkgs and checked there,
    # flake.nix); k3s is this system's own.
    assertions = (import ./versions.nix { inherit model; }).assertionsFor { k3s = config.services.k3s.package.version; } ++ [
      {
        assertion = config.services.k3s.role == "server";
        message = "services.otel-demo deploys its manifests through k3s' auto-deploy folder: set services.k3s.role = \"server\" (it is \"${config.services.k3s.role}\").";
      }
      {
        assertion = cfg.retention.rollupDays >= cfg.retention.logsDays;
        message = "services.otel-demo.retention.rollupDays (${toString cfg.retention.rollupDays}) must be at least retention.logsDays (${toString cfg.retention.logsDays}): the rollup summarises the raw rows.";
      }
      {
        assertion = !needsClickHouse || lib.elem "clickhouse" cfg.components;
        message = "services.otel-demo.components: FluentBit and HyperDX need ClickHouse; add \"clickhouse\" (allowed: ${lib.concatStringsSep ", " allComponents}).";
      }
      {
        assertion = lib.all (c: cfg.images ? ${c}) cfg.components;
        message = "services.otel-demo.images lacks ${lib.concatStringsSep ", " (lib.filter (c: !(cfg.images ? ${c})) cfg.components)} (components: ${lib.concatStringsSep ", " cfg.components}).";
      }
      {
        assertion = badPorts == [ ];
        message = "services.otel-demo.hostForwards: ports must be from 1 to 65535; not ${showForwards badPorts}.";
      }
      {
        assertion = duplicateHosts == [ ];
        message = "services.otel-demo.hostForwards: each host port forwards once per protocol; ${showForwards duplicateHosts} repeats a host port an earlier forward uses.";
      }
      {
        assertion = unexposed == [ ];
        message = "services.otel-demo.hostForwards: ${showForwards unexposed} targets a guest port the model does not expose; allowed: ${lib.concatMapStringsSep ", " toString exposedPorts} (SSH and the LoadBalancer Services of ports.json's vm.forwards).";
      }
      {
        assertion = lib.all (f: lib.elem f committed) manifestFiles;
        message = "k8s.generated/ lacks ${lib.concatStringsSep ", " (lib.filter (f: !(lib.elem f committed)) manifestFiles)}: run `npm run gen`.";
      }
    ];

    services.k3s = {
      enable = mkDefault true;
      role = mkDefault "server";
      # ServiceLB (klipper-lb) stays on: it binds the LoadBalancer Services on the node,
      # which is where forwarded ports arrive. local-storage backs the ClickHouse PVC.
      extraFlags = [
        "--disable traefik"
        "--disable metrics-server"
        "--write-kubeconfig-mode 0600"
      ];
      images = map (c: cfg.images.${c}) cfg.components ++ [ config.services.k3s.package.airgap-images ];
      manifests = builtins.listToAttrs (
        map (f: {
          name = lib.removeSuffix ".yaml" f;
          value.source = "${cfg.generated}/k8s.generated/${f}";
        }) manifestFiles
      );
    };

    # The ClickHouse passwords: random on first boot, kept on /var, never in the store.
    systemd.services.otel-demo-credentials = mkIf cfg.createCredentials {
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

    # Pods reach the API server and CoreDNS through cni0/flannel.
    networking.firewall = {
      allowedTCPPorts = lib.optionals cfg.openFirewall ([ 6443 ] ++ model.guestPorts);
      trustedInterfaces = [
        "cni0"
        "flannel.1"
      ];
    };
  };
}
