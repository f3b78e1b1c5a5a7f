# Names shared with the generator (namespace, Secret and its keys, database, tables,
# users), read from gen/names.json, the file gen/model/names.ts validates and exports.
# Builtins only, so checks/nix-forwards.test.ts can evaluate it with nix-instantiate.
{
  namesFile ? ../gen/names.json,
}:
builtins.fromJSON (builtins.readFile namesFile)
