// The shape of gen/names.json and its validation, without reading the file, so that
// gen/main.ts can check the file and report a problem in one `gen:` message before anything
// that imports the names is loaded (gen/model/names.ts reads them at import).
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

