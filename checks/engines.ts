// Tests that need an engine (a program, a built artefact, a service) skip visibly without
// it: one `SKIP:` line naming what is missing and how to provide it. REQUIRE_ENGINES turns
// that into a failure: `REQUIRE_ENGINES=1` for every engine (the Nix checks), or a comma
// list of engine names (.ci/run names those CI installs).

/** An engine a suite needs, by the name REQUIRE_ENGINES uses, and how to provide it. */
export interface Engine {
  readonly name: string;
  readonly hint: string;
}

const required = (name: string): boolean => {
  const setting = process.env["REQUIRE_ENGINES"] ?? "";
  return setting === "1" || setting.split(",").map((s) => s.trim()).includes(name);
};

/**
 * The node:test `skip` value for a suite: false when nothing is missing; otherwise prints a
 * SKIP line naming what is missing, or throws when REQUIRE_ENGINES requires it.
 */
export function requireEngine(suite: string, missing: readonly Engine[]): false | string {
  if (missing.length === 0) return false;
  const what = missing.map((m) => `${m.name} (${m.hint})`).join(", ");
  const must = missing.filter((m) => required(m.name));
  if (must.length > 0) throw new Error(`REQUIRE_ENGINES=${process.env["REQUIRE_ENGINES"]}: ${suite} need ${must.map((m) => m.name).join(", ")}, which is missing: ${what}`);
  console.log(`SKIP: ${suite} need ${what}`);
  return `missing ${missing.map((m) => m.name).join(", ")}`;
}
