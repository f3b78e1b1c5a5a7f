// Tests that need an engine (a binary or a service) skip visibly without it, and fail
// instead when REQUIRE_ENGINES=1 (CI sets it for what it installs; the Nix checks for all).
/**
 * Returns the node:test `skip` value for a suite: false when nothing is missing; otherwise
 * prints a SKIP line naming what is missing, or throws when REQUIRE_ENGINES=1.
 */
export function requireEngine(suite: string, missing: readonly string[]): false | string {
  if (missing.length === 0) return false;
  const what = missing.join(", ");
  if (process.env["REQUIRE_ENGINES"] === "1") throw new Error(`REQUIRE_ENGINES=1: ${suite} need ${what}, which is missing`);
  console.log(`SKIP: ${suite} need ${what}`);
  return `missing ${what}`;
}
