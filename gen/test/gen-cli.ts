// Runs `npm run gen -- --check` (gen/main.ts) as a user who edited one input file would: on a
// copy of gen/ and ports.json with that file replaced, from the copy's root, so messages name
// the file as the user typed it ("gen/images.json"). For the input-file error tests.
import { NODE_PACKAGE_FILES } from "../model/versions.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface GenRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `file`: the input relative to the repository root ("ports.json", "gen/names.json"); `text`: its new content. */
export function genWithInput(file: string, text: string): GenRun {
  const root = mkdtempSync(join(tmpdir(), "gen-input-"));
  try {
    cpSync(join(ROOT, "gen"), join(root, "gen"), { recursive: true });
    cpSync(join(ROOT, "ports.json"), join(root, "ports.json"));
    // The npm packages' engines.node (the Node.js floor, gen/model/versions.ts).
    for (const f of NODE_PACKAGE_FILES) cpSync(join(ROOT, f), join(root, f));
    // tsx and the generators' dependencies (yaml), resolved from the copy.
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    writeFileSync(join(root, file), text);
    const r = spawnSync(process.execPath, ["--import", "tsx", "gen/main.ts", "--check"], { cwd: root, encoding: "utf8" });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Exit 1, exactly `lines` on stderr (each `gen: <file>: <key>: expected ..., got ...`), nothing else. */
export function assertProblemLines(run: GenRun, lines: readonly string[]): void {
  assert.equal(run.status, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  for (const l of lines) assert.match(l, /^gen: [^:]+: (?:[^:]+: )?expected .+, got .+$/, `the shape of ${l}`);
  assert.equal(run.stderr, lines.map((l) => `${l}\n`).join(""));
}
