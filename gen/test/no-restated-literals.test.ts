// Nothing restates the model: every port of ports.json, every user id of the container contract
// (gen/model/containers.ts) and the namespace, database, user and Secret names of gen/names.json
// are written only in the model's own files; everything else reads them from there. This test
// scans the repository's source files for each literal as a whole token and lists every
// restatement as file:line.
//
// Not scanned: the model's files, generated output (k8s.generated/, sql/, nix.generated/),
// documentation (docs/, *.md), tests (*/test/, checks/*.test.ts: they assert literal expected
// values on purpose) and lockfiles (hashes and revisions hold digits by chance).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { CONTAINERS } from "../model/containers.ts";
import { loadModel } from "../model/model.ts";
import { loadPorts } from "../model/ports.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const NAMES = loadModel(ROOT).names;

const MODEL_FILES = ["ports.json", "gen/names.json", "gen/images.json", "gen/settings.json", "gen/versions.json"];
const SKIPPED = [
  (f: string) => MODEL_FILES.includes(f) || f.startsWith("gen/model/"),
  (f: string) => ["k8s.generated/", "sql/", "nix.generated/", "docs/"].some((d) => f.startsWith(d)),
  (f: string) => f.endsWith(".md"),
  (f: string) => /(^|\/)test\//.test(f) || /^checks\/[^/]*\.test\.ts$/.test(f),
  (f: string) => /(^|\/)(package-lock\.json|flake\.lock)$/.test(f),
];

/** Not in a git checkout: .gitignore's entries (build output, dependencies) and git's own. */
const IGNORED = /^(node_modules|dist|\.git|\.tmp|result(-.*)?|.*\.log|.*\.img)$/;

/** Every file under `dir` (relative to ROOT), without IGNORED names. */
function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => !IGNORED.test(e.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/**
 * The repository's files: `git ls-files`, or, without a git checkout (the flake's source in
 * the Nix sandbox holds only the tracked files), every file but the ignored ones.
 */
function sourceFiles(): string[] {
  const git = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  const all = git.status === 0 ? git.stdout.split("\0").filter((f) => f !== "") : walk("");
  return all.filter((f) => !SKIPPED.some((skip) => skip(f)));
}

interface Literal {
  readonly text: string;
  /** Where the model defines it, for the message. */
  readonly source: string;
  readonly pattern: RegExp;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A number not inside a longer number, identifier or version ("22" is not in "22.6" or "0.22.1"). */
const numberToken = (n: number): RegExp => new RegExp(`(?<![\\w.])${n}(?!\\w|\\.\\d)`);
/** A name with `word` characters on neither side: Kubernetes names end at "_" or ".", identifiers at "-". */
const nameToken = (name: string, word: string): RegExp => new RegExp(`(?<![${word}])${escape(name)}(?![${word}])`);
const K8S_WORD = "A-Za-z0-9-";
const IDENT_WORD = "A-Za-z0-9_-";
/**
 * A ClickHouse user where a user is named: `user: "x"`, `--user x`, `TO x`, `USER x`,
 * `DEFINER = x`, `<x>` in users.xml, `x:password@` in a URL. User names are short words that are
 * also a component's name ("hyperdx") or plain English ("ingest"), so a bare token would be noise.
 */
const userToken = (u: string): RegExp =>
  new RegExp(
    `(?:(?:\\b|_)(?:user(?:name)?|User(?:name)?|USER(?:NAME)?)\\b["'\`]?\\s*(?:[:=]|:-|\\s)\\s*["'\`]?|--user[=\\s]+["']?|\\B-u\\s+["']?|\\bTO\\s+|\\bDEFINER\\s*=\\s*)${escape(u)}(?![\\w-])|</?${escape(u)}>|//${escape(u)}:[^@\\s/]*@`,
  );
/** User id 0 only where a user id is set: `runAsUser: 0`, `uid = 0`, `"0:0"`; a bare 0 is everywhere. */
const rootUidToken = /(?:\b(?:runAsUser|runAsGroup|fsGroup|uid|gid|[Uu]ser)\b["']?\s*[:=]\s*["']?0(?![\w.])|["']0:0["'])/;

function literals(): Literal[] {
  const ports = loadPorts(join(ROOT, "ports.json"));
  const out: Literal[] = [];
  for (const [service, named] of Object.entries(ports.services)) {
    for (const [name, port] of Object.entries(named as Record<string, number>)) out.push({ text: String(port), source: `ports.json services.${service}.${name}`, pattern: numberToken(port) });
  }
  for (const [name, port] of Object.entries(ports.vm.guest)) out.push({ text: String(port), source: `ports.json vm.guest.${name}`, pattern: numberToken(port) });
  for (const f of ports.vm.forwards) out.push({ text: String(f.host), source: `ports.json vm.forwards (host port to ${f.to})`, pattern: numberToken(f.host) });
  for (const [key, c] of Object.entries(CONTAINERS)) {
    out.push({ text: String(c.uid), source: `gen/model/containers.ts ${key}.uid`, pattern: c.uid === 0 ? rootUidToken : numberToken(c.uid) });
  }
  const name = (key: string, value: string, pattern: RegExp): void => void out.push({ text: value, source: `gen/names.json ${key}`, pattern });
  name("namespace", NAMES.namespace, nameToken(NAMES.namespace, K8S_WORD));
  name("database", NAMES.database, nameToken(NAMES.database, IDENT_WORD));
  name("ingestUser", NAMES.ingestUser, userToken(NAMES.ingestUser));
  name("readerUser", NAMES.readerUser, userToken(NAMES.readerUser));
  name("credentialsSecret", NAMES.credentialsSecret, nameToken(NAMES.credentialsSecret, K8S_WORD));
  for (const [k, v] of Object.entries(NAMES.secretKeys)) name(`secretKeys.${k}`, v, nameToken(v, K8S_WORD));
  for (const [k, v] of Object.entries(NAMES.passwordEnv)) name(`passwordEnv.${k}`, v, nameToken(v, IDENT_WORD));
  return out;
}

/**
 * Occurrences that are not restatements of the model, or that are in files this change may not
 * edit. Each is narrow: one literal, a line that must match `line`, and (most) one file.
 */
const ALLOWED: readonly { file?: string; text: string; line: RegExp; why: string }[] = [
  // The project's name, which the namespace shares, not the namespace:
  { text: NAMES.namespace, line: /\bservices\.otel-demo\b/, why: "the NixOS module's option path (services.otel-demo)" },
  { file: "nix/microvm.nix", text: NAMES.namespace, line: /networking\.hostName = /, why: "the VM's host name" },
  { file: "bench/catalog.ts", text: NAMES.namespace, line: / AS node$/, why: "the Kubernetes node name: the VM's host name (nix/microvm.nix)" },
  { file: "bench/clickhouse-storage.ts", text: NAMES.namespace, line: /'k8s\.node\.name', 'otel-demo'/, why: "the Kubernetes node name: the VM's host name (nix/microvm.nix)" },
  { file: "nix/hyperdx/local-mode.patch", text: NAMES.namespace, line: /^\+\/\/ \(otel-demo: /, why: "the project's name in a comment of the patch" },
  // OpenTelemetry's attribute name, not the database.
  { file: "gen/clickhouse/ingest.ts", text: NAMES.database, line: /otel\.dropped_attributes_count/, why: "the OTel attribute otel.dropped_attributes_count" },
  // loggen is its own package (nix/loggen.nix builds loggen/ alone), so it cannot read ports.json;
  // its CLI default equals the model's port, and the manifest always passes LOGGEN_HEALTH_PORT
  // from the model (gen/k8s/loggen.ts), so the default never decides the deployed port.
  { file: "loggen/src/config.ts", text: String(loadPorts(join(ROOT, "ports.json")).services.loggen.health), line: /^\s*defaultValue: \d+,$/, why: "loggen's own CLI default" },
];

const allowed = (file: string, text: string, line: string): boolean =>
  ALLOWED.some((a) => (a.file === undefined || a.file === file) && a.text === text && a.line.test(line));

describe("no port, user id or name of the model is restated outside it", () => {
  const lits = literals();

  it("each literal's pattern finds it in the generated output (the scan is not vacuous)", () => {
    const generated = ["k8s.generated", "sql", "nix.generated"]
      .flatMap((d) => readdirSync(join(ROOT, d), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const unseen = lits.filter((l) => !l.pattern.test(generated)).map((l) => `${l.source} (${l.text})`);
    assert.deepEqual(unseen, [], "patterns that match nothing in the generated output");
  });

  it("no source file restates one", () => {
    const files = sourceFiles();
    assert.ok(files.length > 50, `found only ${files.length} source files`);
    const hits: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), "utf8");
      if (text.includes("\0")) continue; // binary
      text.split("\n").forEach((line, i) => {
        for (const l of lits) {
          if (l.pattern.test(line) && !allowed(file, l.text, line)) hits.push(`${file}:${i + 1}: ${l.text} (${l.source}): ${line.trim().slice(0, 120)}`);
        }
      });
    }
    assert.deepEqual(hits, [], `restated model literals; read them from the model instead:\n${hits.join("\n")}`);
  });

  it("every allowance still matches something (none is stale)", () => {
    const files = sourceFiles();
    const stale = ALLOWED.filter((a) =>
      !files.some((f) => (a.file === undefined || a.file === f) && readFileSync(join(ROOT, f), "utf8").split("\n").some((line) => a.line.test(line) && lits.some((l) => l.text === a.text && l.pattern.test(line)))),
    );
    assert.deepEqual(stale.map((a) => `${a.file ?? "*"}: ${a.why}`), []);
  });
});
