# The demo's k3s node: the pipeline (services.otel-demo, nix/module.nix) plus what the MicroVM
# (nix/microvm.nix) and the VM test (nix/vm-test.nix) need around it: key-only SSH on the
# guest port ports.json forwards, and curl/jq for looking around.
{ pkgs, ... }:
let
  model = import ./model.nix { };
in
{
  services.otel-demo.enable = true;

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
