# The resolved model: nix.generated/model.json, written by `npm run gen` (gen/nix/model.ts)
# and drift-checked like every generated file. Ports, forwards, names, images and the
# container contract are read as the generator resolved them; nothing here re-derives them.
# Builtins only, so checks/nix-forwards.test.ts evaluates it with plain nix-instantiate.
{
  file ? ../nix.generated/model.json,
}:
let
  model = builtins.fromJSON (builtins.readFile file);
in
model
// {
  # Host port of a forward target such as "clickhouse.http", for apps that talk to the VM.
  hostPortOf =
    to: model.hostPorts.${to} or (throw "ports.json forwards nothing to \"${to}\" (nix.generated/model.json)");
}
