// Container log lines -> otel_logs rows, in ClickHouse.
//
// FluentBit only reads and ships: tail (+ the docker/CRI multiline parser, which rejoins
// split lines and keeps the runtime's time string) posts each line as it is to the
// ingest table (INGEST below), a Null table that stores nothing. The materialized view below turns every
// block inserted there into otel_logs rows, in C++: no Lua, no per-record JSON work in
// FluentBit (docs/benchmarks.md has the numbers that decided this). The line's JSON is
// parsed here, from the text the application wrote, so:
// - Timestamp is the runtime's RFC 3339 time parsed to the nanosecond (no double on the way);
// - a number is stored as written: a line whose numbers ClickHouse's JSON parser would not
//   read back exactly (a fraction or exponent, 19+ digits, -0) is first rewritten with every
//   number as a string ("N<text>") and every string marked ("S<text>"), so nothing is
//   converted (exactRewrite below); other lines take the fast path, where every number is an
//   integer of at most 18 digits and reads back exactly;
// - null stays "null", an unknown level stays in LogAttributes beside its severity.
// The pod's identity comes from the file path the tail input adds (path_key):
// /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log.
import { DATABASE, INGEST_TABLE, INGEST_VIEW, LOGS_TABLE } from "../model/names.ts";
import { OTEL_LOGS_COLUMNS, type OtelLogsColumn } from "./row-contract.ts";

export const INGEST = `${DATABASE}.${INGEST_TABLE}`;
export const INGEST_MV = `${DATABASE}.${INGEST_VIEW}`;
const LOGS = `${DATABASE}.${LOGS_TABLE}`;

/** The keys FluentBit sends for each line (JSONEachRow), and what they hold. */
export const INGEST_COLUMNS = {
  /** The container runtime's time, RFC 3339 with up to 9 decimals (CRI and docker). */
  time: "String",
  /** stdout or stderr. */
  stream: "LowCardinality(String)",
  /** The line as the application wrote it (a split line already rejoined). */
  log: "String",
  /** The log file (tail path_key): /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log. */
  file: "LowCardinality(String)",
  /** The node, from the downward API (spec.nodeName). */
  node: "LowCardinality(String)",
} as const;

/** Attributes per map beyond which keys are only counted (otel.dropped_attributes_count). */
export const MAX_ATTRIBUTES = 256;
/** Nesting flattened into dotted keys (err.message); deeper values are kept as JSON text. */
export const MAX_DEPTH = 4;
/**
 * Latest accepted time (2106-01-30). DateTime64(9) reaches 2262, but the TTL computes
 * toDateTime(Timestamp), a UInt32 that wraps after 2106-02-07: such a row would look
 * expired and vanish at insert.
 */
export const MAX_SECONDS = 4_294_967_295 - 8 * 86_400;

/** pino's levels (and the usual names) -> OTel SeverityText and SeverityNumber. */
export const SEVERITIES = [
  { level: 10, text: "TRACE", number: 1 },
  { level: 20, text: "DEBUG", number: 5 },
  { level: 30, text: "INFO", number: 9 },
  { level: 40, text: "WARN", number: 13 },
  { level: 50, text: "ERROR", number: 17 },
  { level: 60, text: "FATAL", number: 21 },
] as const;
/** Names that mean a level without being its SeverityText (kept in LogAttributes then). */
export const LEVEL_ALIASES: Readonly<Record<string, number>> = {
  information: 30,
  notice: 30,
  warning: 40,
  err: 50,
  critical: 60,
  crit: 60,
  panic: 60,
  emergency: 60,
};

/** ClickHouse string literal. */
export const sqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

// One JSON token: a string, a number, a literal, punctuation, or any other single character
// (so a line that is not JSON stays not JSON after the rewrite). Whitespace is dropped.
const TOKEN =
  '"(?:[^"\\\\]|\\\\.)*"|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|[{}\\[\\]:,]|[^\\s]';
/**
 * Lines with a number the JSON parser might not read back exactly take the exact path. A
 * cheap test on the whole line: it also matches inside strings (a date's "-0", "1.2"), which
 * only costs time; a number that needs the exact path always matches.
 */
const INEXACT_NUMBER = "[0-9][.eE]|[0-9]{19}|-0";

// ClickHouse may evaluate both branches of if() for every row when they hold lambdas, so the
// rewrites tokenize '' on the fast path (`if(exact, text, '')`): it costs nothing there.
/** The rewrite of the exact path: numbers -> "N<text>", strings -> "S<text>". */
const exactRewrite = (text: string): string =>
  `if(exact, arrayStringConcat(arrayMap(t -> multiIf(startsWith(t, '"'), concat('"S', substring(t, 2)), match(t, '^-?[0-9]'), concat('"N', t, '"'), t), extractAll(if(exact, ${text}, ''), ${sqlString(TOKEN)}))), ${text})`;
/** Its inverse, for values kept as JSON text (arrays, deep maps). */
const exactUnrewrite = (raw: string): string =>
  `if(exact, arrayStringConcat(arrayMap(t -> multiIf(startsWith(t, '"S'), concat('"', substring(t, 3)), startsWith(t, '"N'), substring(t, 3, length(t) - 3), t), extractAll(if(exact, ${raw}, ''), ${sqlString(TOKEN)}))), ${raw})`;

// One JSON value (raw text from JSONExtractKeysAndValuesRaw), classified by its first
// character (cheaper than parsing it again), under the row's path (`exact`):
// kind '' (absent), String, Number, Bool, Null, Array or Object, and its text as an attribute.
const kindOf = (v: string): string =>
  `multiIf(${v} = '', '', startsWith(${v}, '"'), if(exact AND substring(${v}, 2, 1) = 'N', 'Number', 'String'), startsWith(${v}, '{'), 'Object', startsWith(${v}, '['), 'Array', ${v} IN ('true', 'false'), 'Bool', ${v} = 'null', 'Null', 'Number')`;
const textOf = (v: string): string =>
  `multiIf(startsWith(${v}, '"'), substring(if(position(${v}, '\\\\') = 0, substring(${v}, 2, length(${v}) - 2), JSONExtractString(${v})), if(exact, 2, 1)), startsWith(${v}, '{') OR startsWith(${v}, '['), ${exactUnrewrite(v)}, ${v})`;
const keyOf = (key: string): string => `if(exact, substring(${key}, 2), ${key})`;

/** One level of flattening: a non-empty map becomes its entries under "<key>.<subkey>". */
const flattenOnce = (pairs: string): string =>
  `arrayFlatten(arrayMap(p -> if(startsWith(p.2, '{') AND p.2 != '{}', arrayMap(q -> (concat(p.1, '.', ${keyOf("q.1")}), q.2), JSONExtractKeysAndValuesRaw(if(startsWith(p.2, '{'), p.2, '{}'))), [p]), ${pairs}))`;

/** A capped Map(String, String) from arrays of keys and values, counting what did not fit. */
const cappedMap = (keys: string, values: string): string =>
  `mapFromArrays(
        arrayConcat(arraySlice(${keys}, 1, ${MAX_ATTRIBUTES}), if(length(${keys}) > ${MAX_ATTRIBUTES}, ['otel.dropped_attributes_count'], [])),
        arrayConcat(arraySlice(${values}, 1, ${MAX_ATTRIBUTES}), if(length(${keys}) > ${MAX_ATTRIBUTES}, [toString(length(${keys}) - ${MAX_ATTRIBUTES})], [])))`;

/**
 * One stage: a SELECT list over the previous stage (or the ingest table). Each stage names
 * the columns it passes on: the planner's work grows with nesting depth times columns, and
 * ClickHouse plans this query again for every INSERT.
 */
const stage = (select: readonly string[], from: string, helpers: readonly string[] = []): string =>
  `${helpers.length > 0 ? `WITH\n    ${helpers.join(",\n    ")}\n` : ""}SELECT\n    ${select.join(",\n    ")}\nFROM ${from === INGEST ? INGEST : `(${from})`}`;

/** pino's fields that can become columns; the rest of the line goes to LogAttributes. */
const PINO_FIELDS = ["msg", "level", "count", "random_number", "random_string", "trace_id", "span_id", "trace_flags", "name", "time"] as const;

/**
 * The materialized view's SELECT: one otel_logs row for every line inserted into INGEST.
 * Built as nested stages so that each expression is written once and later stages read
 * its result as a column (an alias would be inlined at every use).
 */
export function ingestSelect(): string {
  return ingestStages().at(-1) ?? "";
}

/** Every stage of ingestSelect (the last is the whole SELECT), for tests and profiling. */
export function ingestStages(): string[] {
  const levelNames = [...SEVERITIES.map((s) => [s.text.toLowerCase(), s.level] as const), ...Object.entries(LEVEL_ALIASES)];
  const flat = Array.from({ length: MAX_DEPTH - 1 }).reduce<string>((acc) => flattenOnce(acc), "attr_pairs");
  const lookup = (what: "kinds" | "texts", f: string): string => `${what}[indexOf(keys, ${sqlString(f)})]`;

  // 1. The line, without the newline docker's json-file keeps; invalid UTF-8 -> U+FFFD;
  //    which path (exact: numbers rewritten to strings first; or fast); the pod from the
  //    file path /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log (file is
  //    LowCardinality: this runs once per file, not once per line).
  const s1 = stage(
    [
      "time",
      "stream",
      "node",
      "splitByChar('/', file) AS file_parts",
      "splitByChar('_', arrayElement(file_parts, -3)) AS pod_dir",
      "if(length(file_parts) >= 4 AND length(pod_dir) = 3 AND endsWith(file, '.log'), [pod_dir[1], pod_dir[2], pod_dir[3], arrayElement(file_parts, -2), replaceOne(arrayElement(file_parts, -1), '.log', '')], ['', '', '', '', '']) AS pod_path",
      "toValidUTF8(if(endsWith(log, '\\n'), substring(log, 1, length(log) - if(endsWith(log, '\\r\\n'), 2, 1)), log)) AS line",
      "startsWith(trimLeft(line), '{') AS object_like",
      `object_like AND match(line, ${sqlString(INEXACT_NUMBER)}) AS exact`,
    ],
    INGEST,
  );
  const s2 = stage(["time", "stream", "node", "pod_path", "line", "object_like", "exact", `${exactRewrite("line")} AS doc`], s1);
  // 2. The top-level keys with their raw values (an invalid document gives none: the parser
  //    validates the whole line), and every value's kind and text, once.
  const s3 = stage(
    [
      "time",
      "stream",
      "node",
      "pod_path",
      "line",
      "exact",
      "if(object_like, JSONExtractKeysAndValuesRaw(doc), []) AS pairs",
      "object_like AND (notEmpty(pairs) OR match(doc, '^\\\\s*\\\\{\\\\s*\\\\}\\\\s*$')) AS is_json",
      "if(exact, arrayMap(p -> (substring(p.1, 2), p.2), pairs), pairs) AS top",
    ],
    s2,
  );
  const s3b = stage(
    ["time", "stream", "node", "pod_path", "line", "exact", "is_json", "top", "top.1 AS keys", `arrayMap(v -> ${kindOf("v")}, top.2) AS kinds`, `arrayMap(v -> ${textOf("v")}, top.2) AS texts`],
    s3,
  );
  // 3. pino's fields -> column values, when they fit the column (indexOf: no lambda).
  const s4 = stage(
    [
      "time",
      "stream",
      "node",
      "pod_path",
      "line",
      "exact",
      "is_json",
      "top",
      ...PINO_FIELDS.flatMap((f) => [`${lookup("kinds", f)} AS ${f}_kind`, `${lookup("texts", f)} AS ${f}_text`]),
      `multiIf(level_kind = 'Number', toFloat64OrNull(level_text), level_kind = 'String', transform(lower(level_text), [${levelNames
        .map(([name]) => sqlString(name))
        .join(", ")}], [${levelNames.map(([, level]) => `${level}.0`).join(", ")}], 0.0), NULL) AS level_value`,
      "if(count_kind = 'Number' AND match(count_text, '^(0|[1-9][0-9]*)$'), toUInt64OrNull(count_text), NULL) AS count_value",
      "if(random_number_kind = 'Number' AND match(random_number_text, '^-?(0|[1-9][0-9]*)$'), toInt32OrNull(random_number_text), NULL) AS rnd_value",
      "random_string_kind = 'String' AS rstr_valid",
      "trace_id_kind = 'String' AND match(trace_id_text, '^[0-9a-f]{32}$') AND match(trace_id_text, '[1-9a-f]') AND span_id_kind = 'String' AND match(span_id_text, '^[0-9a-f]{16}$') AND match(span_id_text, '[1-9a-f]') AS ids_valid",
      "multiIf(trace_flags_kind = 'String' AND match(trace_flags_text, '^[0-9a-fA-F]{2}$'), reinterpretAsUInt8(unhex(trace_flags_text)), trace_flags_kind = 'Number' AND match(trace_flags_text, '^[0-9]{1,3}$') AND toUInt16OrZero(trace_flags_text) <= 255, toUInt8OrNull(trace_flags_text), NULL) AS flags_value",
      "if(name_kind = 'String', name_text, '') AS scope_name",
    ],
    s3b,
  );
  // 4. Severity, and everything else the line said, flattened to dotted keys.
  const bands = `[${SEVERITIES.map((x) => x.level).join(", ")}]`;
  const sev = (field: "text" | "number"): string =>
    field === "text"
      ? `transform(level_band, ${bands}, [${SEVERITIES.map((x) => sqlString(x.text)).join(", ")}], '')`
      : `transform(level_band, ${bands}, [${SEVERITIES.map((x) => x.number).join(", ")}], 0)`;
  const carry = ["time", "stream", "node", "pod_path", "line", "exact", "is_json", "top", "msg_text", "trace_id_text", "span_id_text", "random_string_text", "count_value", "rnd_value", "rstr_valid", "ids_valid", "flags_value", "scope_name"];
  const s5 = stage(
    [
      ...carry,
      "time_kind",
      "if(level_value >= 10, if(level_value >= 60, 60, intDiv(toUInt64(level_value), 10) * 10), 0) AS level_band",
      `${sev("text")} AS severity_text`,
      `toUInt8(${sev("number")}) AS severity_number`,
      // level leaves LogAttributes only when SeverityText says all it said.
      "level_band > 0 AND ((level_kind = 'Number' AND match(level_text, '^[1-6]0$')) OR (level_kind = 'String' AND upper(level_text) = severity_text)) AS level_mapped",
    ],
    s4,
  );
  const s6 = stage(
    [
      ...carry,
      "severity_text",
      "severity_number",
      // The keys that became columns (pino's numeric time: Timestamp holds the runtime's ns time).
      `arrayFilter(p -> NOT has(arrayConcat(['msg'],
        if(level_mapped, ['level'], []),
        if(count_value IS NOT NULL, ['count'], []),
        if(rnd_value IS NOT NULL, ['random_number'], []),
        if(rstr_valid, ['random_string'], []),
        if(ids_valid, ['trace_id', 'span_id'], []),
        if(flags_value IS NOT NULL, ['trace_flags'], []),
        if(scope_name != '', ['name'], []),
        if(time_kind = 'Number', ['time'], [])), p.1), top) AS attr_pairs`,
    ],
    s5,
  );
  // Flattening only runs for lines that have a non-empty map.
  const s7 = stage(
    [...carry.filter((c) => c !== "top"), "severity_text", "severity_number", `if(arrayExists(p -> startsWith(p.2, '{') AND p.2 != '{}', attr_pairs), ${flat}, attr_pairs) AS leaves`],
    s6,
  );
  const s8 = stage(
    [
      ...carry.filter((c) => c !== "top"),
      "severity_text",
      "severity_number",
      "arrayConcat(if(stream != '', ['log.iostream'], []), arrayMap(p -> toValidUTF8(p.1), leaves)) AS attr_keys",
      `arrayConcat(if(stream != '', [toValidUTF8(stream)], []), arrayMap(p -> ${textOf("p.2")}, leaves)) AS attr_values`,
    ],
    s7,
  );
  const resource = ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.container.name", "k8s.container.restart_count", "k8s.node.name"];
  const resourceValues = "[pod_path[1], pod_path[2], pod_path[3], pod_path[4], pod_path[5], node]";
  const helpers = [
    "parseDateTime64BestEffortOrNull(time, 9, 'UTC') AS runtime_time",
    "multiIf(pod_path[4] != '', pod_path[4], scope_name != '', scope_name, 'unknown') AS service",
  ];
  // One expression per column of the row contract (gen/clickhouse/row-contract.ts).
  const row: Record<OtelLogsColumn, string> = {
    Timestamp: `if(runtime_time IS NULL OR toUnixTimestamp64Second(runtime_time) > ${MAX_SECONDS}, now64(9, 'UTC'), runtime_time)`,
    TraceId: "if(ids_valid, trace_id_text, '')",
    SpanId: "if(ids_valid, span_id_text, '')",
    TraceFlags: "ifNull(flags_value, 0)",
    SeverityText: "severity_text",
    SeverityNumber: "severity_number",
    ServiceName: "service",
    Body: "if(is_json, msg_text, line)",
    ResourceSchemaUrl: "''",
    ResourceAttributes: `mapFromArrays(arrayConcat(['service.name'], arrayFilter((k, v) -> v != '', [${resource.map(sqlString).join(", ")}], ${resourceValues})), arrayConcat([service], arrayFilter(v -> v != '', ${resourceValues})))`,
    ScopeSchemaUrl: "''",
    ScopeName: "scope_name",
    ScopeVersion: "''",
    ScopeAttributes: "map()",
    LogAttributes: `${cappedMap("attr_keys", "attr_values")}`,
    EventName: "''",
    RandomNumber: "rnd_value",
    RandomString: "if(rstr_valid, random_string_text, '')",
    Count: "ifNull(count_value, 0)",
  };
  const columns = OTEL_LOGS_COLUMNS.map((c) => `${row[c.name]} AS ${c.name}`);
  return [s1, s2, s3, s3b, s4, s5, s6, s7, s8, stage(columns, s8, helpers)];
}

export const ingestTable = (): string => `CREATE TABLE IF NOT EXISTS ${INGEST}
(
${Object.entries(INGEST_COLUMNS)
  .map(([name, type]) => `    ${name} ${type}`)
  .join(",\n")}
)
ENGINE = Null`;

// DEFINER = default: the view writes otel_logs with the admin's rights, so the ingest user
// needs INSERT on the Null table only.
export const ingestView = (): string => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${INGEST_MV} TO ${LOGS}
DEFINER = default SQL SECURITY DEFINER
AS ${ingestSelect()}`;
