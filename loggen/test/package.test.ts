// The package facts the Nix build (buildNpmPackage + importNpmLock) relies on.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { VERSION } from "../src/version.ts";

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
const pkg = JSON.parse(read("package.json")) as {
  version: string;
  type: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(read("package-lock.json")) as {
  lockfileVersion: number;
  packages: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }>;
};

test("the version loggen reports is package.json's", () => {
  assert.equal(VERSION, pkg.version);
});

test("pino is the only runtime dependency; build and start need no dev tooling at run time", () => {
  assert.deepEqual(Object.keys(pkg.dependencies), ["pino"]);
  assert.equal(pkg.type, "module");
  assert.equal(pkg.scripts["start"], "node dist/main.js");
  assert.equal(pkg.scripts["build"], "tsc -p tsconfig.json");
});

test("every locked package has a registry address and an integrity hash (importNpmLock needs both)", () => {
  assert.equal(lock.lockfileVersion, 3);
  const entries = Object.entries(lock.packages).filter(([path]) => path !== "");
  assert.ok(entries.length > 0);
  for (const [path, entry] of entries) {
    assert.match(entry.resolved ?? "", /^https:\/\/registry\.npmjs\.org\//u, `${path}: resolved`);
    assert.match(entry.integrity ?? "", /^sha512-/u, `${path}: integrity`);
  }
  assert.match(read(".npmrc"), /^omit-lockfile-registry-resolved=false$/mu, "keeps `resolved` in the lockfile on the next npm install");
});
