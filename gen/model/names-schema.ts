// Names that several generated files must agree on, defined once in gen/names.json (Nix reads
// them from nix.generated/model.json): their shape and validation. loadModel (gen/model/model.ts)
// reads them into model.names, so a typo fails generation with `gen:` lines naming the key
// instead of producing manifests that point at nothing; every generator takes them from there.
import { at, Problems, readJson } from "./validate.ts";

/** Kubernetes object names (RFC 1123 labels), ClickHouse identifiers, env var names. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;

const SHAPE = {
  /** The Kubernetes namespace every component lives in. */
  namespace: K8S_NAME,
  /** ClickHouse database and tables (qualified by gen/clickhouse/tables.ts). */
  database: IDENTIFIER,
  logsTable: IDENTIFIER,
  /**
   * The Null tables FluentBit inserts records into, and the views that turn them into
   * otel_logs rows: container lines and JSON posts; OTLP records (gen/clickhouse/ingest.ts).
   */
  ingestTable: IDENTIFIER,
  otlpIngestTable: IDENTIFIER,
  ingestView: IDENTIFIER,
  otlpIngestView: IDENTIFIER,
  hourlyTable: IDENTIFIER,
  hourlyView: IDENTIFIER,
  /** The catalog ("know your data", gen/clickhouse/catalog.ts): tables and the views that fill them. */
  attributesTable: IDENTIFIER,
  attributesView: IDENTIFIER,
  patternsTable: IDENTIFIER,
  patternsView: IDENTIFIER,
  volumeTable: IDENTIFIER,
  volumeView: IDENTIFIER,
  /** ClickHouse users: FluentBit may only INSERT, HyperDX (and the report) may only read. */
  ingestUser: IDENTIFIER,
  readerUser: IDENTIFIER,
  /**
   * The read-only user's password. Not a secret, on purpose: browser-only HyperDX sends it
   * from the page (its default connection reaches the browser in /__ENV.js), so anyone who
   * can load HyperDX can read it. What protects the data: this user may only SELECT from the
   * logs database, ClickHouse's HTTP port is forwarded to the host's 127.0.0.1 only, and
   * browsers on other origins cannot read the answers (CORS, gen/clickhouse/config.ts).
   */
  readerPassword: /^[\x21-\x7e]{8,}$/,
  /**
   * The Secret that holds the other ClickHouse passwords, and its keys. It is not generated
   * (no password is committed): the VM creates it with random values on first boot; on
   * another cluster the README's `kubectl create secret` line does.
   */
  credentialsSecret: K8S_NAME,
  secretKeys: { defaultPassword: K8S_NAME, ingestPassword: K8S_NAME },
  /** Env vars that carry those passwords into the ClickHouse and FluentBit containers. */
  passwordEnv: { default: ENV_VAR, ingest: ENV_VAR },
} as const;

type Shape<T> = { readonly [K in keyof T]: T[K] extends RegExp ? string : Shape<T[K]> };
export type Names = Shape<typeof SHAPE>;

function check(shape: object, value: unknown, path: string, problems: Problems): void {
  const obj = problems.object(value, path, `an object with keys ${Object.keys(shape).join(", ")}`);
  if (obj === undefined) return;
  problems.unknownKeys(obj, path, Object.keys(shape));
  for (const [key, rule] of Object.entries(shape)) {
    if (rule instanceof RegExp) problems.string(obj[key], at(path, key), rule, `a string matching ${rule}`);
    else check(rule as object, obj[key], at(path, key), problems);
  }
}

export function parseNames(raw: unknown, file = "gen/names.json"): Names {
  const problems = new Problems(file);
  check(SHAPE, raw, "", problems);
  problems.done();
  return raw as Names;
}

/** Reads and validates gen/names.json (or `file`). */
export function loadNames(file: string): Names {
  return parseNames(readJson(file), file);
}
