# Data-shaping Nix for ports.json and gen/images.json, in builtins only (no nixpkgs
# lib), so that checks/nix-forwards.test.ts can evaluate it with plain
# `nix-instantiate --eval` and compare it with the TypeScript model.
{
  portsFile ? ../ports.json,
  imagesFile ? ../gen/images.json,
}:
let
  ports = builtins.fromJSON (builtins.readFile portsFile);
  images = builtins.fromJSON (builtins.readFile imagesFile);

  # "clickhouse.http" -> services.clickhouse.http; "vm.ssh" -> vm.guest.ssh.
  resolve =
    to:
    let
      m = builtins.match "([a-z]+)\\.([a-z]+)" to;
      group = builtins.elemAt m 0;
      name = builtins.elemAt m 1;
      table = if group == "vm" then ports.vm.guest else ports.services.${group} or { };
    in
    if m == null || !(table ? ${name}) then
      throw "ports.json: unknown forward target \"${to}\""
    else
      table.${name};

  # The shape of microvm.nix's `microvm.forwardPorts` entries, bound to the host's loopback.
  forwards = map (f: {
    from = "host";
    proto = "tcp";
    host = {
      address = "127.0.0.1";
      port = f.host;
    };
    guest.port = resolve f.to;
  }) ports.vm.forwards;
in
{
  inherit ports images forwards;

  # Guest ports the VM's firewall must open.
  guestPorts = map (f: f.guest.port) forwards;

  # Host port of a forward target such as "clickhouse.http", for apps that talk to the VM.
  hostPortOf =
    to:
    let
      hits = builtins.filter (f: f.to == to) ports.vm.forwards;
    in
    if hits == [ ] then
      throw "ports.json forwards nothing to \"${to}\""
    else
      (builtins.head hits).host;

  # "name:tag" of each image, as the manifests reference them.
  imageRefs = builtins.mapAttrs (_: i: "${i.name}:${i.tag}") images;
}
