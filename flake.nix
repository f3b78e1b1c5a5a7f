{
  description = "OpenTelemetry logs pipeline (loggen -> FluentBit -> ClickHouse -> HyperDX) on k3s in a MicroVM";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    microvm = {
      url = "github:microvm-nix/microvm.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      self,
      nixpkgs,
      microvm,
    }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = nixpkgs.lib.genAttrs systems;
      pkgsFor = system: nixpkgs.legacyPackages.${system};

      # Everything built from this repository for one system.
      build =
        system:
        let
          pkgs = pkgsFor system;
          src = nixpkgs.lib.cleanSource ./.;
          generated = pkgs.callPackage ./nix/generated.nix { inherit src; };
          loggen = pkgs.callPackage ./nix/loggen.nix { };
          # nixpkgs' fluent-bit with this repository's patches (nix/fluent-bit/).
          fluent-bit = pkgs.callPackage ./nix/fluent-bit { };
          # HyperDX's static export behind HAProxy and static-web-server (site and TOML made from src).
          hyperdx = pkgs.callPackage ./nix/hyperdx { inherit src; };
          # callPackages (plural): the file returns a set of images, each made overridable;
          # callPackage would add `override`/`overrideDerivation` to the set itself.
          # Fails evaluation when this flake's nixpkgs (what the images are built from) ships a
          # version below what the generated config needs (nix/versions.nix).
          versions = import ./nix/versions.nix { };
          checkVersions = versions.checkFor {
            clickhouse = pkgs.clickhouse.version;
            # The version our patches are applied to (nix/fluent-bit/).
            fluent-bit = pkgs.fluent-bit.version;
            static-web-server = pkgs.static-web-server.version;
            nodejs = pkgs.nodejs.version;
          };
          # Each image is checked (not the set), so the outputs can still be listed.
          images = nixpkgs.lib.mapAttrs (_: checkVersions) (
            pkgs.callPackages ./nix/images.nix { inherit loggen hyperdx fluent-bit; }
          );
          # The demo node: the NixOS module plus SSH and tools (MicroVM and VM test).
          k3sNode = {
            imports = [
              self.nixosModules.default
              ./nix/node.nix
            ];
          };
        in
        {
          inherit
            pkgs
            src
            generated
            loggen
            fluent-bit
            hyperdx
            images
            k3sNode
            ;
        };

      vmFor =
        system:
        nixpkgs.lib.nixosSystem {
          inherit system;
          modules = [
            microvm.nixosModules.microvm
            (build system).k3sNode
            ./nix/microvm.nix
          ];
        };
    in
    {
      # services.otel-demo: the pipeline on a NixOS k3s server (nix/module.nix).
      nixosModules.default = import ./nix/module.nix {
        imagesFor = system: (build system).images;
        # settings: null for gen/settings.json, else the module's retention and resources.
        generatedFor =
          system: settings:
          if settings == null then
            (build system).generated
          else
            (build system).pkgs.callPackage ./nix/generated.nix {
              inherit (build system) src;
              inherit settings;
            };
      };

      nixosConfigurations = nixpkgs.lib.listToAttrs (
        map (system: {
          name = "otel-demo-${system}";
          value = vmFor system;
        }) systems
      );

      packages = forAllSystems (
        system:
        let
          b = build system;
        in
        nixpkgs.lib.mapAttrs' (name: image: nixpkgs.lib.nameValuePair "${name}-image" image) b.images
        // {
          inherit (b) generated loggen fluent-bit;
          all-images = b.pkgs.linkFarm "all-images" (
            nixpkgs.lib.mapAttrsToList (name: path: {
              name = "${name}.tar.gz";
              inherit path;
            }) b.images
          );
          microvm = self.nixosConfigurations."otel-demo-${system}".config.microvm.declaredRunner;
          default = self.packages.${system}.microvm;
        }
      );

      apps = forAllSystems (
        system:
        import ./nix/apps.nix {
          inherit (nixpkgs) lib;
          pkgs = pkgsFor system;
          runner = self.packages.${system}.microvm;
          inherit ((build system)) images;
        }
      );

      checks = forAllSystems (
        system:
        let
          b = build system;
        in
        import ./nix/checks.nix {
          inherit (nixpkgs) lib;
          inherit (b)
            pkgs
            src
            generated
            loggen
            fluent-bit
            hyperdx
            ;
          vmTest = import ./nix/vm-test.nix {
            inherit (b.pkgs) testers;
            inherit (b) k3sNode;
          };
        }
      );

      devShells = forAllSystems (system: {
        default = import ./nix/devshell.nix {
          pkgs = pkgsFor system;
          inherit ((build system)) fluent-bit;
        };
      });

      formatter = forAllSystems (system: (pkgsFor system).nixfmt);
    };
}
