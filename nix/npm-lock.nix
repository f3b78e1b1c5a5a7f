# A package-lock.json as importNpmLock should see it: without optional entries that
# have no `resolved` URL. npm writes such an entry for a platform package the registry
# does not serve (chDB 3.4 lists `@chdb/lib-linux-arm64-gnu`, which is not published),
# so no build can fetch it; npm skips a failed optional install, but only after trying
# the network. Dropping the entry, and the references to it, makes the offline build
# deterministic on every platform (checked with npm 11: `npm install --offline` accepts
# the result). The package is then simply absent, as it is for npm everywhere.
{ lib }:
lockFile:
let
  lock = lib.importJSON lockFile;
  unfetchable = _: m: (m.optional or false) && !(m ? resolved);
  dropped = lib.attrNames (lib.filterAttrs unfetchable lock.packages);
  droppedNames = map (lib.removePrefix "node_modules/") dropped;
  withoutRefs =
    m:
    m
    // lib.optionalAttrs (m ? optionalDependencies) {
      optionalDependencies = removeAttrs m.optionalDependencies droppedNames;
    };
in
lock
// {
  packages = lib.mapAttrs (_: withoutRefs) (removeAttrs lock.packages dropped);
}
