# The lowest version of each package that runs what the generator emits
# (nix.generated/model.json `versionFloors`, resolved by gen/versions/floors.ts from the keys
# the generator emits and the first version that reads each, gen/versions/supported.ts).
# Evaluation fails only when a shipped version is below its floor, naming the key that needs
# more; any newer version passes. A version that is not a version number (no leading digit,
# e.g. a stand-in package set that carries none) proves nothing either way: it is warned about.
# Builtins only, so gen/test/versions.test.ts evaluates it with plain nix-instantiate.
{
  model ? import ./model.nix { },
}:
let
  file = "nix.generated/model.json";
  floors = model.versionFloors;
  known = have: builtins.match "[0-9].*" have != null;
  # shipped: { <package> = <version>; } for the packages one consumer runs.
  problems =
    shipped:
    builtins.concatLists (
      map (
        name:
        let
          have = shipped.${name};
          floor = floors.${name} or (throw "${file}: no version floor for ${name}");
        in
        if known have && builtins.compareVersions have floor.version < 0 then
          [
            "${name} ${have} is below ${floor.version}: ${floor.needs} (${floor.source}). Use a nixpkgs whose ${name} is ${floor.version} or newer (floors: ${file}, made by gen/versions/floors.ts)."
          ]
        else
          [ ]
      ) (builtins.attrNames shipped)
    );
  unknown = shipped: builtins.filter (name: !known shipped.${name}) (builtins.attrNames shipped);
  describeUnknown =
    shipped:
    builtins.concatStringsSep ", " (map (name: "${name} (${shipped.${name}})") (unknown shipped));
in
{
  inherit floors problems;
  # For NixOS modules (config.assertions), with the versions of the packages the module runs.
  assertionsFor =
    shipped:
    map (message: {
      assertion = false;
      inherit message;
    }) (problems shipped);
  # For everything built from `shipped`'s package set: returns `value`, or fails evaluation.
  checkFor =
    shipped: value:
    let
      failed = problems shipped;
      warned =
        if unknown shipped == [ ] then
          value
        else
          builtins.trace "evaluation warning: ${file}: the package set gives no version number for ${describeUnknown shipped}; their floors are not checked." value;
    in
    if failed == [ ] then warned else throw (builtins.concatStringsSep "\n" failed);
}
