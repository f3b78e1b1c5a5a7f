// Names that several generated files must agree on, defined once in gen/names.json
// (Nix reads the same file: nix/names.nix) and validated here, so a typo fails
// generation instead of producing manifests that point at nothing.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FILE = fileURLToPath(new URL("../names.json", import.meta.url));

/** Kubernetes object names (RFC 1123 labels), ClickHouse identifiers, env var names. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;

const SHAPE = {
  namespace: K8S_NAME,
  database: IDENTIFIER,
  logsTable: IDENTIFIER,
  ingestTable: IDENTIFIER,
  ingestView: IDENTIFIER,
  hourlyTable: IDENTIFIER,
  hourlyView: IDENTIFIER,
  ingestUser: IDENTIFIER,
  readerUser: IDENTIFIER,
  readerPassword: /^[\x21-\x7e]{8,}$/,
  credentialsSecret: K8S_NAME,
  secretKeys: { defaultPassword: K8S_NAME, ingestPassword: K8S_NAME },
  passwordEnv: { default: ENV_VAR, ingest: ENV_VAR },
} as const;

type Shape<T> = { readonly [K in keyof T]: T[K] extends RegExp ? string : Shape<T[K]> };
export type Names = Shape<typeof SHAPE>;

function check(shape: object, value: unknown, path: string, problems: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path || "top level"}: expected an object`);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!(key in shape)) problems.push(`${path}${key}: unknown key`);
  for (const [key, rule] of Object.entries(shape)) {
    const v = obj[key];
    if (rule instanceof RegExp) {
      if (typeof v !== "string" || !rule.test(v)) problems.push(`${path}${key}: expected a string matching ${rule}, got ${JSON.stringify(v)}`);
    } else check(rule as object, v, `${path}${key}.`, problems);
  }
}

export function parseNames(raw: unknown, file = "gen/names.json"): Names {
  const problems: string[] = [];
  check(SHAPE, raw, "", problems);
  if (problems.length > 0) throw new Error(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return raw as Names;
}

const names = parseNames(JSON.parse(readFileSync(FILE, "utf8")), FILE);

export const NAMESPACE = names.namespace;

/** ClickHouse database and tables. */
export const DATABASE = names.database;
export const LOGS_TABLE = names.logsTable;
/** The Null table FluentBit inserts raw lines into, and the view that turns them into otel_logs rows. */
export const INGEST_TABLE = names.ingestTable;
export const INGEST_VIEW = names.ingestView;
export const HOURLY_TABLE = names.hourlyTable;
export const HOURLY_VIEW = names.hourlyView;

/** ClickHouse users: FluentBit may only INSERT, HyperDX may only read. */
export const INGEST_USER = names.ingestUser;
export const READER_USER = names.readerUser;

/**
 * The read-only user's password. Not a secret, on purpose: browser-only HyperDX sends it
 * from the page (its default connection reaches the browser in /__ENV.js), so anyone who
 * can load HyperDX can read it. What protects the data: this user may only SELECT from the
 * logs database, ClickHouse's HTTP port is forwarded to the host's 127.0.0.1 only, and
 * browsers on other origins cannot read the answers (CORS, gen/clickhouse/config.ts).
 */
export const READER_PASSWORD = names.readerPassword;

/**
 * The Secret that holds the other ClickHouse passwords, and its keys. It is not generated
 * (no password is committed): the VM creates it with random values on first boot; on
 * another cluster the README's `kubectl create secret` line does.
 */
export const CREDENTIALS_SECRET = names.credentialsSecret;
export const SECRET_KEYS = names.secretKeys;

/** Env vars that carry those passwords into the ClickHouse and FluentBit containers. */
export const PASSWORD_ENV = names.passwordEnv;
