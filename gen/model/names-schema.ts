// The shape of gen/names.json and its validation, apart from gen/model/names.ts (which reads
// the names at import), so that gen/main.ts can check the file and report its problems as
// `gen:` lines before anything that imports the names is loaded.
import { at, Problems, readJson } from "./validate.ts";

/** Kubernetes object names (RFC 1123 labels), ClickHouse identifiers, env var names. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;

const SHAPE = {
  namespace: K8S_NAME,
  database: IDENTIFIER,
  logsTable: IDENTIFIER,
  ingestTable: IDENTIFIER,
  otlpIngestTable: IDENTIFIER,
  ingestView: IDENTIFIER,
  otlpIngestView: IDENTIFIER,
  hourlyTable: IDENTIFIER,
  hourlyView: IDENTIFIER,
  attributesTable: IDENTIFIER,
  attributesView: IDENTIFIER,
  patternsTable: IDENTIFIER,
  patternsView: IDENTIFIER,
  volumeTable: IDENTIFIER,
  volumeView: IDENTIFIER,
  ingestUser: IDENTIFIER,
  readerUser: IDENTIFIER,
  readerPassword: /^[\x21-\x7e]{8,}$/,
  credentialsSecret: K8S_NAME,
  secretKeys: { defaultPassword: K8S_NAME, ingestPassword: K8S_NAME },
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
