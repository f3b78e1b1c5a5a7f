// The Nix side of ports.json (nix/ports.nix, nix/names.nix) evaluated with the real
// `nix-instantiate` and compared with the TypeScript model, so the VM's port forwards
// and the names its first-boot Secret uses cannot drift from what the generator emits.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadImages } from "../gen/model/images.ts";
import * as names from "../gen/model/names.ts";
import { loadPorts } from "../gen/model/ports.ts";
import { requireEngine } from "./engines.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const hasNix = spawnSync("nix-instantiate", ["--version"], { stdio: "ignore" }).status === 0;
const skip = requireEngine("Nix forward-list comparisons", hasNix ? [] : [{ name: "nix-instantiate", hint: "PATH; Debian package nix-bin" }]);

interface NixForward {
  from: string;
  proto: string;
  host: { address: string; port: number };
  guest: { port: number };
}

/** Evaluates a Nix expression strictly and parses its JSON. */
function nixEval(expr: string): unknown {
  const out = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

/** The forwards nix/ports.nix computes from a given ports.json. */
const nixForwards = (portsFile: string): NixForward[] =>
  nixEval(`(import ./nix/ports.nix { portsFile = ${JSON.stringify(portsFile)}; }).forwards`) as NixForward[];

/** The TypeScript model's forwards in microvm.nix's `forwardPorts` shape. */
const expected = (portsFile: string): NixForward[] =>
  loadPorts(portsFile).vm.forwards.map((f) => ({
    from: "host",
    proto: "tcp",
    host: { address: "127.0.0.1", port: f.host },
    guest: { port: f.guest },
  }));

test("nix/ports.nix forwards every ports.json forward to the guest port the model resolves", { skip }, () => {
  const file = join(ROOT, "ports.json");
  const forwards = nixForwards(file);
  assert.ok(forwards.length > 0, "ports.json forwards something");
  assert.deepEqual(forwards, expected(file));
  assert.ok(forwards.every((f) => f.host.address === "127.0.0.1"), "forwards bind to loopback only");
});

test("editing ports.json changes the Nix forward list the same way", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nix-forwards-"));
  try {
    const file = join(dir, "ports.json");
    copyFileSync(join(ROOT, "ports.json"), file);
    const raw = JSON.parse(readFileSync(file, "utf8")) as { services: { clickhouse: { http: number } } };
    const before = raw.services.clickhouse.http;
    raw.services.clickhouse.http = before + 1;
    writeFileSync(file, JSON.stringify(raw));
    const forwards = nixForwards(file);
    assert.deepEqual(forwards, expected(file));
    const ch = loadPorts(file).vm.forwards.find((f) => f.to === "clickhouse.http");
    assert.ok(ch, "clickhouse.http is forwarded");
    const nixCh = forwards.find((f) => f.host.port === ch.host);
    assert.equal(nixCh?.guest.port, before + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nix/ports.nix rejects a forward to an unknown target", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nix-forwards-"));
  try {
    const file = join(dir, "ports.json");
    const raw = JSON.parse(readFileSync(join(ROOT, "ports.json"), "utf8")) as { vm: { forwards: unknown[] } };
    raw.vm.forwards.push({ host: 23456, to: "clickhouse.nope" });
    writeFileSync(file, JSON.stringify(raw));
    assert.throws(() => nixForwards(file), /unknown forward target "clickhouse.nope"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nix/ports.nix tags images exactly as gen/images.json does", { skip }, () => {
  const images = loadImages(join(ROOT, "gen/images.json"));
  const refs = nixEval("(import ./nix/ports.nix { }).imageRefs") as Record<string, string>;
  assert.deepEqual(refs, Object.fromEntries(Object.entries(images).map(([k, v]) => [k, `${v.name}:${v.tag}`])));
});

test("nix/names.nix reads the same names as gen/model/names.ts", { skip }, () => {
  const nix = nixEval("import ./nix/names.nix { }") as Record<string, unknown>;
  assert.deepEqual(
    {
      namespace: nix["namespace"],
      database: nix["database"],
      logsTable: nix["logsTable"],
      readerUser: nix["readerUser"],
      readerPassword: nix["readerPassword"],
      credentialsSecret: nix["credentialsSecret"],
      secretKeys: nix["secretKeys"],
    },
    {
      namespace: names.NAMESPACE,
      database: names.DATABASE,
      logsTable: names.LOGS_TABLE,
      readerUser: names.READER_USER,
      readerPassword: names.READER_PASSWORD,
      credentialsSecret: names.CREDENTIALS_SECRET,
      secretKeys: names.SECRET_KEYS,
    },
  );
});
