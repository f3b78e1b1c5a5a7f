// The Nix side of the model: nix/model.nix evaluated with the real `nix-instantiate`. It reads
// nix.generated/model.json (gen/nix/model.ts) and re-derives nothing, so what Nix sees (the
// VM's forwards, firewall, apps, image names, commands and users) is what the generator resolved.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CONTAINERS } from "../gen/model/containers.ts";
import { loadImages } from "../gen/model/images.ts";
import { loadModel } from "../gen/model/model.ts";
import { loadPorts } from "../gen/model/ports.ts";
import { requireEngine } from "./engines.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const hasNix = spawnSync("nix-instantiate", ["--version"], { stdio: "ignore" }).status === 0;
const skip = requireEngine("Nix model comparisons", hasNix ? [] : [{ name: "nix-instantiate", hint: "PATH; Debian package nix-bin" }]);

interface NixForward {
  from: string;
  proto: string;
  host: { address: string; port: number };
  guest: { port: number };
}

/** Evaluates a Nix expression strictly and parses its JSON. */
function nixEval(expr: string): unknown {
  const out = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out);
}
const model = (file?: string): string => `(import ./nix/model.nix ${file === undefined ? "{ }" : `{ file = ${JSON.stringify(file)}; }`})`;

/** The TypeScript model's forwards in microvm.nix's `forwardPorts` shape. */
const expected = (portsFile: string): NixForward[] =>
  loadPorts(portsFile).vm.forwards.map((f) => ({ from: "host", proto: "tcp", host: { address: "127.0.0.1", port: f.host }, guest: { port: f.guest } }));

test("nix/model.nix forwards every ports.json forward to the guest port the model resolves", { skip }, () => {
  const forwards = nixEval(`${model()}.forwards`) as NixForward[];
  assert.ok(forwards.length > 0, "ports.json forwards something");
  assert.deepEqual(forwards, expected(join(ROOT, "ports.json")));
  assert.ok(forwards.every((f) => f.host.address === "127.0.0.1"), "forwards bind to loopback only");
  assert.deepEqual(nixEval(`${model()}.guestPorts`), forwards.map((f) => f.guest.port));
  const ch = loadPorts(join(ROOT, "ports.json")).vm.forwards.find((f) => f.to === "clickhouse.http");
  assert.equal(nixEval(`${model()}.hostPortOf "clickhouse.http"`), ch?.host);
  assert.throws(() => nixEval(`${model()}.hostPortOf "clickhouse.nope"`), /ports.json forwards nothing to "clickhouse.nope"/);
});

test("editing ports.json and regenerating changes what Nix reads the same way", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nix-model-"));
  try {
    const file = join(dir, "ports.json");
    copyFileSync(join(ROOT, "ports.json"), file);
    const raw = JSON.parse(readFileSync(file, "utf8")) as { services: { clickhouse: { http: number } } };
    const before = raw.services.clickhouse.http;
    raw.services.clickhouse.http = before + 1;
    writeFileSync(file, JSON.stringify(raw));
    const gen = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "gen/main.ts"), "--ports", file, "--out", dir], { cwd: ROOT, encoding: "utf8" });
    assert.equal(gen.status, 0, gen.stderr);
    const forwards = nixEval(`${model(join(dir, "nix.generated/model.json"))}.forwards`) as NixForward[];
    assert.deepEqual(forwards, expected(file));
    const ch = loadPorts(file).vm.forwards.find((f) => f.to === "clickhouse.http");
    assert.equal(forwards.find((f) => f.host.port === ch?.host)?.guest.port, before + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("images get gen/images.json's names and tags and the container contract's commands and users", { skip }, () => {
  const images = loadImages(join(ROOT, "gen/images.json"));
  const nix = nixEval(`${model()}.images`) as Record<string, { ref: string; cmd: string[]; user: string }>;
  for (const [key, image] of Object.entries(images)) {
    const c = CONTAINERS[key as keyof typeof CONTAINERS];
    assert.deepEqual(nix[key], { name: image.name, tag: image.tag, ref: `${image.name}:${image.tag}`, cmd: [...c.command, ...c.args], user: `${c.uid}:${c.uid}`, configDir: c.configDir });
  }
});

test("Nix reads the same names as the TypeScript model (gen/names.json)", { skip }, () => {
  assert.deepEqual(nixEval(`${model()}.names`), loadModel(ROOT).names);
});
