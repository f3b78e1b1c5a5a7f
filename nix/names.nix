# Names shared with the generator (namespace, Secret, its keys, database, tables,
# users), read from gen/model/names.ts so they are written once. Builtins only: it
# matches the simple `export const NAME = "value";` lines and the `key: "value",`
# lines of SECRET_KEYS; checks/nix-forwards.test.ts compares the result with the
# TypeScript module, so a change of format there fails a test instead of drifting.
{
  namesFile ? ../gen/model/names.ts,
}:
let
  lines = builtins.filter builtins.isString (builtins.split "\n" (builtins.readFile namesFile));
  pick =
    regex:
    builtins.listToAttrs (
      map (m: {
        name = builtins.elemAt m 0;
        value = builtins.elemAt m 1;
      }) (builtins.filter (m: m != null) (map (builtins.match regex) lines))
    );
  consts = pick "export const ([A-Z_]+) = \"([^\"]*)\";";
  secretKeys = pick "  ([a-zA-Z]+): \"([a-z-]+)\",?";
  need =
    set: name:
    set.${name} or (throw "nix/names.nix: ${name} not found in ${toString namesFile}");
in
{
  namespace = need consts "NAMESPACE";
  database = need consts "DATABASE";
  logsTable = need consts "LOGS_TABLE";
  readerUser = need consts "READER_USER";
  readerPassword = need consts "READER_PASSWORD";
  credentialsSecret = need consts "CREDENTIALS_SECRET";
  defaultPasswordKey = need secretKeys "defaultPassword";
  ingestPasswordKey = need secretKeys "ingestPassword";
}
