// Container log lines -> otel_logs rows, in ClickHouse.
//
// FluentBit only reads and ships: tail (+ the docker/CRI multiline parser, which rejoins
// split lines and keeps the runtime's time string) posts each line as it is to the
// ingest table (gen/clickhouse/tables.ts), a Null table that stores nothing. The materialized view below turns every
// block inserted there into otel_logs rows, in C++: no Lua, no per-record JSON work in
// FluentBit (docs/benchmarks.md has the numbers that decided this). The line's JSON is
// parsed here, from the text the application wrote, so:
// - Timestamp is the runtime's RFC 3339 time parsed to the nanosecond (no double on the way);
//   a JSON post's own `time` or `timestamp` (RFC 3339, or epoch s/ms/us/ns) when it has one,
//   else its arrival time;
// - a number is stored as written: a line whose numbers ClickHouse's JSON parser would not
//   read back exactly (a fraction or exponent, 19+ digits, -0) is first rewritten with every
//   number as a string ("N<text>") and every string marked ("S<text>"), so nothing is
//   converted (exactRewrite below); other lines take the fast path, where every number is an
//   integer of at most 18 digits and reads back exactly;
// - null stays "null", an unknown level stays in LogAttributes beside its severity.
// The pod's identity comes from the file path the tail input adds (path_key):
// /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log, or the kubelet's rotated
// name of that file, <restarts>.log.<YYYYMMDD-HHMMSS>, when FluentBit first found it renamed.
import type { Names } from "../model/names-schema.ts";
import { OTEL_LOGS_COLUMNS, type OtelLogsColumn } from "./row-contract.ts";
import { tables } from "./tables.ts";

/**
 * The keys FluentBit sends for each record (JSONEachRow) of the tail and http inputs, and what
 * they hold (gen/fluentbit/config.ts); a key an input does not send is the column's default.
 */
export const INGEST_COLUMNS = {
  /** The record's time, RFC 3339 with up to 9 decimals: the container runtime's, or FluentBit's Lua stage's. */
  time: "String",
  /** tail: stdout or stderr. */
  stream: "LowCardinality(String)",
  /**
   * tail: the line as the application wrote it (a split line already rejoined); http: the
   * posted JSON object, as its JSON text (INSERT_SETTINGS in gen/fluentbit/config.ts).
   */
  log: "String",
  /** tail (path_key): /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log (or <n>.log.<YYYYMMDD-HHMMSS>, rotated). */
  file: "LowCardinality(String)",
  /** tail: the node, from the downward API (spec.nodeName). */
  node: "LowCardinality(String)",
  /** tail: the pod's labels, from FluentBit's kubernetes filter (lifted out of its map); none: empty. */
  kubernetes_labels: "Map(String, String)",
  /** Which input: '' (tail) or 'http' (set by that input's Lua stage). */
  input: "LowCardinality(String)",
  /** http: the request's path, FluentBit's tag (e.g. "checkout" for POST /checkout). */
  tag: "LowCardinality(String)",
} as const;

/** The keys of the opentelemetry input's records (after its Lua stage, gen/fluentbit/lua.ts). */
export const OTLP_INGEST_COLUMNS = {
  /** The record's time (time_unix_nano, else observed, else arrival), RFC 3339 with 9 decimals. */
  time: "String",
  /** The log record's body: a string as itself, a map, list, number or bool as its JSON text. */
  log: "String",
  /** The record's trace and span ids in hex (FluentBit holds them as bytes). */
  trace_id: "String",
  span_id: "String",
  /**
   * FluentBit's JSON rendering of the OTLP group (resource and scope) and of the record's
   * metadata (severity, attributes, flags, event name), exactly as received
   * (src/flb_pack.c, flb_pack_msgpack_to_json_format, in fluent-bit v5.0.7).
   */
  __internal__: "String",
} as const;

/** Attributes per map beyond which keys are only counted (otel.dropped_attributes_count). */
export const MAX_ATTRIBUTES = 256;
/** Nesting flattened into dotted keys (err.message); deeper values are kept as JSON text. */
export const MAX_DEPTH = 4;
/**
 * How far ahead of ClickHouse's clock a record's time may be, in seconds. A time further
 * ahead (a client with a wrong clock, a bad OTLP timeUnixNano) would be stored where no time
 * range a user looks at reaches it, and kept past retention: the row takes the arrival time
 * instead, and the time as sent stays in LogAttributes[ORIGINAL_TIME_ATTRIBUTE] (so does a
 * time that is not one, or is beyond DateTime64(9)'s 2262).
 */
export const MAX_FUTURE_SECONDS = 3600;
export const ORIGINAL_TIME_ATTRIBUTE = "log.original_time";

/**
 * A container log file's name, live (`<n>.log`) or as the kubelet renames it when it rotates
 * (`<n>.log.<YYYYMMDD-HHMMSS>`): FluentBit reports a file under the name it first found it
 * by (gen/fluentbit/config.ts, tailInput). RE2; removing it leaves the restart count.
 */
const LOG_FILE_NAME = "\\.log(\\.[0-9]{8}-[0-9]{6})?$";

/** The record's time as sent (the ingest tables' `time`), or NULL when it is no time. */
const RECORD_TIME = "parseDateTime64BestEffortOrNull(time, 9, 'UTC')";


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
  emerg: 60,
};

/**
 * Level names that only a text line's form gives, looked up beside the names above: klog's
 * letters (`I1207 …`) and Go's `fatal error: `. A JSON level of "e" or "i" is no level.
 */
export const TEXT_LEVEL_ALIASES: Readonly<Record<string, number>> = {
  i: 30,
  w: 40,
  e: 50,
  f: 60,
  "fatal error": 60,
};

/** ClickHouse string literal. */
export const sqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

// One JSON token: a string, a number, a literal, punctuation, or any other single character
// (so a line that is not JSON stays not JSON after the rewrite). Whitespace is dropped.
const TOKEN =
  '"(?:[^"\\\\]|\\\\.)*"|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|[{}\\[\\]:,]|[^\\s]';
/**
 * Lines with a number the JSON parser might not read back exactly (a fraction or exponent, 19+
 * digits, -0) take the exact path. A cheap test on the whole line: such a number is a value, so
 * it follows a key's `":` or an array's `[` or `,` (and JSON whitespace). The test can still
 * match inside a string (`"a, 1.5"`), which only costs time, but not on a hex id, a date or a
 * time of day (`"10:00:00.123"`): without the anchor it matched a random 32-hex trace id 72.6%
 * of the time, so nearly every line of an application's JSON took the slower path.
 */
export const INEXACT_NUMBER = '("\\s*:|[,\\[])\\s*(-?[0-9]+[.eE]|-?[0-9]{19}|-0)';

// ClickHouse may evaluate both branches of if() for every row when they hold lambdas, so the
// rewrites tokenize '' on the fast path (`if(exact, text, '')`): it costs nothing there.
/** The line, without the newline docker's json-file keeps; invalid UTF-8 -> U+FFFD. */
const LINE = "toValidUTF8(if(endsWith(log, '\\n'), substring(log, 1, length(log) - if(endsWith(log, '\\r\\n'), 2, 1)), log))";

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
 * One stage: a SELECT list over the previous stage (a subquery) or over the ingest table
 * (`{ table }`). Each stage names the columns it passes on: the planner's work grows with
 * nesting depth times columns, and ClickHouse plans this query again for every INSERT.
 */
const stage = (select: readonly string[], from: string | { readonly table: string }, helpers: readonly string[] = []): string =>
  `${helpers.length > 0 ? `WITH\n    ${helpers.join(",\n    ")}\n` : ""}SELECT\n    ${select.join(",\n    ")}\nFROM ${typeof from === "string" ? `(${from})` : from.table}`;

/**
 * Fields of a JSON line (or a posted JSON body) that can become columns, each looked up by its
 * own key; the rest goes to LogAttributes. pino's: count, random_number, random_string,
 * trace_id, span_id, trace_flags, name (and time, below).
 */
const LINE_FIELDS = ["count", "random_number", "random_string", "trace_id", "span_id", "trace_flags", "name"] as const;

// Keys read in order, the first the record has wins (a key written as a dotted name is a
// top-level key with a dot in it, ECS's style; nested maps are not looked into).
/** Body (JSON lines and posts): pino's msg, then other loggers' names for the message. */
export const BODY_KEYS = ["msg", "message", "body", "log", "text"] as const;
/**
 * Severity (JSON lines and posts): pino's `level` (its number, or a name), ECS's `log.level`,
 * Python logging's `levelname`, `severity_text`, and `severity` (OTel's number 1-24, or a
 * name). Apart from those two numbers, a level is a name (SEVERITIES, LEVEL_ALIASES).
 */
export const LEVEL_KEYS = ["level", "log.level", "levelname", "severity_text", "severity"] as const;
/** Timestamp (JSON posts only; a container line has the runtime's time, pino's `time` aside). */
export const POST_TIME_KEYS = ["time", "timestamp"] as const;
/** ServiceName (JSON posts only, before the request path): a non-empty string. */
export const POST_SERVICE_KEYS = ["service.name", "service"] as const;

/**
 * A posted epoch time (a JSON number, or a string of digits, with an optional fraction) has
 * its unit told apart by the digits of its integer part: up to 10 (below 1e10: seconds, up to
 * 2286-11-20), up to 13 (below 1e13: milliseconds), up to 16 (below 1e16: microseconds), else
 * nanoseconds (up to 19 digits, DateTime64(9)'s 2262). The fraction is kept to the nanosecond
 * (1733565600.123456789 is seconds), never through a double. Milliseconds before 1970-04-26
 * would read as seconds: no log is that old.
 */
export const EPOCH_UNITS = [
  { unit: "s", maxDigits: 10, fractionDigits: 9 },
  { unit: "ms", maxDigits: 13, fractionDigits: 6 },
  { unit: "us", maxDigits: 16, fractionDigits: 3 },
  { unit: "ns", maxDigits: 19, fractionDigits: 0 },
] as const;

/**
 * Severity written in a line that is not JSON, in the forms common in logs (RE2; the first
 * group is a level name, or a TEXT_LEVEL_ALIASES one). The first that matches wins: the forms
 * that fix the start of the line come first, so a level its message quotes (`[ERROR]`,
 * `level=info`) does not override the line's own.
 */
export const TEXT_SEVERITY_PATTERNS = [
  // klog (every Kubernetes component, k3s, CoreDNS's Kubernetes client): a letter, MMDD and
  // a time, `I1207 10:00:00.123456    1234 controller.go:123] …`: I, W, E, F.
  "^([IWEF])[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}",
  // Spring Boot / Logback: a level after a date and time (a space or T between them),
  // `2026-12-07 10:00:00.123  WARN 1 --- [main] …`, `2026-12-07T10:00:00.123+01:00 ERROR 1 --- […] …`.
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}\\S*\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s",
  // Go's runtime: `panic: …` or `fatal error: …` starting the line (FATAL); in mid-line
  // (`recovered from panic: …`) it is a message's words, not the line's level.
  "^(panic|fatal error): ",
  // ClickHouse's text log: `<Error>`.
  "<(Trace|Debug|Information|Notice|Warning|Error|Critical|Fatal)>",
  // logfmt: `level=warn`, `lvl=ERROR`, `severity=info`.
  "(?i)\\b(?:level|lvl|severity)=[\"']?([a-z]+)",
  // Bracketed (CoreDNS, nginx): `[ERROR]`, `[warn]`.
  "(?i)\\[(trace|debug|info|information|notice|warn|warning|error|err|crit|critical|fatal|panic|emerg|emergency)\\]",
  // A capitalised prefix: `ERROR: …`, `FATAL: …` (PostgreSQL).
  "\\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|PANIC):",
  // A level after a leading timestamp: `2026-…Z  INFO …` (Rust's tracing, e.g. static-web-server).
  "^\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s",
] as const;

/** Pod labels that name the service, in order; else the container's name (OTel's k8s conventions). */
export const SERVICE_LABELS = ["app.kubernetes.io/name", "app"] as const;

/** A JSON value's text as an attribute: a string unquoted, anything else as its JSON text. */
const plainText = (v: string): string => `if(startsWith(${v}, '"'), JSONExtractString(${v}), ${v})`;
/** An OTLP attribute map (object text) as a Map(String, String), the way the Collector's exporter stores it. */
const attributeMap = (obj: string): string => `CAST(arrayMap(p -> (p.1, ${plainText("p.2")}), JSONExtractKeysAndValuesRaw(${obj})), 'Map(String, String)')`;

/**
 * Which records a view takes: "lines" (container lines and JSON posts, from the ingest table)
 * or "otlp" (OTLP records, from the OTLP ingest table). The stages and the row mapping below
 * are written once; where the two kinds differ the generator picks the kind's expression, so neither view
 * evaluates the other's (one view with if(is_otlp, ...) for both cost ~7 us more per line:
 * ClickHouse computes both branches), and each INSERT plans only its own view (ClickHouse
 * plans a materialized view's SELECT again for every inserted block; docs/benchmarks.md).
 */
export type IngestKind = "lines" | "otlp";

/**
 * A materialized view's SELECT: one otel_logs row for every record of its kind inserted
 * into its ingest table. Built as nested stages so that each expression is written once and
 * later stages read its result as a column (an alias would be inlined at every use).
 */
export function ingestSelect(names: Names, kind: IngestKind): string {
  return ingestStages(names, kind).at(-1) ?? "";
}

/** Every stage of ingestSelect (the last is the whole SELECT), for tests and profiling. */
export function ingestStages(names: Names, kind: IngestKind): string[] {
  const t = tables(names);
  const pick = (otlp: string, lines: string): string => (kind === "otlp" ? otlp : lines);
  const levelNames = [...SEVERITIES.map((s) => [s.text.toLowerCase(), s.level] as const), ...Object.entries(LEVEL_ALIASES)];
  const levelOf = (name: string, known: readonly (readonly [string, number])[] = levelNames): string =>
    `transform(lower(${name}), [${known.map(([n]) => sqlString(n)).join(", ")}], [${known.map(([, level]) => `${level}.0`).join(", ")}], 0.0)`;
  const flat = Array.from({ length: MAX_DEPTH - 1 }).reduce<string>((acc) => flattenOnce(acc), "attr_pairs");
  const lookup = (what: "kinds" | "texts", f: string): string => `${what}[indexOf(top.1, ${sqlString(f)})]`;
  /** The index in `top` of the first of `keys` the record has, else 0 (kinds[0], texts[0] and top.1[0] are ''). */
  const firstOf = (keys: readonly string[]): string => `coalesce(${keys.map((k) => `nullIf(indexOf(top.1, ${sqlString(k)}), 0)`).join(", ")}, 0)`;
  // Carried from stage to stage: the record's source fields (only the kind's own: every
  // column a stage passes on costs planning time, and ClickHouse plans the view per INSERT).
  // A line's time is decided with its fields (a JSON post may carry its own), an OTLP record's at once.
  const source =
    kind === "otlp"
      ? ["time", "ts", "time_kept", "otlp_meta", "otlp_group", "trace_id", "span_id", "line"]
      : ["time", "stream", "node", "pod_path", "label_service", "label_attributes", "input", "tag", "line"];
  /** A time the row cannot take: none, or more than MAX_FUTURE_SECONDS ahead of the engine's clock. */
  const unusable = (time: string): string => `${time} IS NULL OR ${time} > now64(9, 'UTC') + INTERVAL ${MAX_FUTURE_SECONDS} SECOND`;
  // The row's time: the record's, else (none, unreadable, or too far ahead) `fallback`; then
  // the time as sent (`sent`, when there was one) is kept as an attribute (time_kept).
  const when = (record: string, fallback: string, sent: string): string[] => [
    `${record} AS record_time`,
    `${unusable("record_time")} AS replaced`,
    `if(replaced, ${fallback}, assumeNotNull(record_time)) AS ts`,
    `replaced AND ${sent} != '' AS time_kept`,
  ];

  // 1. The line (or body), without the newline docker's json-file keeps; invalid UTF-8 ->
  //    U+FFFD. The document whose keys become attributes: the line when it is a JSON object,
  //    an OTLP record's attributes. Which path it takes (exact: numbers rewritten to strings
  //    first; or fast). The pod from the file path
  //    /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log (file is
  //    LowCardinality: the path is split once per pod, not once per line) and its labels
  //    from the kubernetes filter.
  const s1 = stage(
    kind === "otlp"
      ? [
          "time",
          ...when(RECORD_TIME, "now64(9, 'UTC')", "time"),
          "trace_id",
          "span_id",
          "JSONExtractRaw(__internal__, 'log_metadata', 'otlp') AS otlp_meta",
          "JSONExtractRaw(__internal__, 'group_attributes') AS otlp_group",
          `${LINE} AS line`,
          "toValidUTF8(JSONExtractRaw(otlp_meta, 'attributes')) AS doc_text",
          "startsWith(doc_text, '{') AS object_like",
          `object_like AND match(doc_text, ${sqlString(INEXACT_NUMBER)}) AS exact`,
        ]
      : [
          "time",
          "stream",
          "node",
          "input",
          "tag",
          "splitByChar('/', file) AS file_parts",
          "splitByChar('_', arrayElement(file_parts, -3)) AS pod_dir",
          `if(length(file_parts) >= 4 AND length(pod_dir) = 3 AND match(file, ${sqlString(LOG_FILE_NAME)}), [pod_dir[1], pod_dir[2], pod_dir[3], arrayElement(file_parts, -2), replaceRegexpOne(arrayElement(file_parts, -1), ${sqlString(LOG_FILE_NAME)}, '')], ['', '', '', '', '']) AS pod_path`,
          // The label that names the service, and every label as k8s.pod.label.<key>.
          `coalesce(${SERVICE_LABELS.map((l) => `nullIf(kubernetes_labels[${sqlString(l)}], '')`).join(", ")}, '') AS label_service`,
          "mapApply((k, v) -> (concat('k8s.pod.label.', k), v), kubernetes_labels) AS label_attributes",
          `${LINE} AS line`,
          "line AS doc_text",
          "startsWith(trimLeft(doc_text), '{') AS object_like",
          `object_like AND match(doc_text, ${sqlString(INEXACT_NUMBER)}) AS exact`,
        ],
    { table: kind === "otlp" ? t.otlpIngest : t.ingest },
  );
  const s2 = stage([...source, "object_like", "exact", `${exactRewrite("doc_text")} AS doc`], s1);
  // 2. The top-level keys with their raw values (an invalid document gives none: the parser
  //    validates the whole line), and every value's kind and text, once.
  const s3 = stage(
    [
      ...source,
      "exact",
      "if(object_like, JSONExtractKeysAndValuesRaw(doc), []) AS pairs",
      "object_like AND (notEmpty(pairs) OR match(doc, '^\\\\s*\\\\{\\\\s*\\\\}\\\\s*$')) AS is_json",
      "if(exact, arrayMap(p -> (substring(p.1, 2), p.2), pairs), pairs) AS top",
    ],
    s2,
  );
  // 3-4, lines only: the line's fields -> column values, the severity, and what stays an attribute.
  const lineFieldStages = (): string[] => {
    // Every value's kind and text; and for body, severity, a post's time and its service, the
    // first key of each list the record has (its index in top, 0: none), read as columns by
    // the next stage (an alias would be inlined, and resolved again, at every use).
    const s3b = stage(
      [
        ...source,
        "exact",
        "is_json",
        "top",
        `arrayMap(v -> ${kindOf("v")}, top.2) AS kinds`,
        `arrayMap(v -> ${textOf("v")}, top.2) AS texts`,
        `${firstOf(BODY_KEYS)} AS body_i`,
        `${firstOf(LEVEL_KEYS)} AS level_i`,
        // A container line's `time` is pino's (its number leaves LogAttributes: Timestamp holds the runtime's time).
        `if(input = 'http', ${firstOf(POST_TIME_KEYS)}, indexOf(top.1, 'time')) AS time_i`,
        `if(input = 'http', ${firstOf(POST_SERVICE_KEYS)}, 0) AS service_i`,
      ],
      s3,
    );
    // The time a post carries: epoch digits to the nanosecond, in the unit its integer part's
    // length says (EPOCH_UNITS); else RFC 3339.
    const epochInteger = "splitByChar('.', time_text)[1]";
    const digits = Array.from({ length: EPOCH_UNITS.at(-1)?.maxDigits ?? 0 }, (_, i) => i + 1);
    const scale = `transform(length(${epochInteger}), [${digits.join(", ")}], [${digits.map((d) => EPOCH_UNITS.find((u) => d <= u.maxDigits)?.fractionDigits ?? 0).join(", ")}], 0)`;
    const epochTime = `fromUnixTimestamp64Nano(toInt64OrNull(concat(${epochInteger}, rightPad(splitByChar('.', time_text)[2], ${scale}, '0'))), 'UTC')`;
    // 3. The line's fields -> column values, when they fit the column (indexOf: no lambda).
    const s4 = stage(
      [
        ...source,
        "exact",
        "is_json",
        "top",
        "time_i",
        ...LINE_FIELDS.flatMap((f) => [`${lookup("kinds", f)} AS ${f}_kind`, `${lookup("texts", f)} AS ${f}_text`]),
        "top.1[level_i] AS level_key",
        "kinds[level_i] AS level_kind",
        "texts[level_i] AS level_text",
        "kinds[time_i] AS time_kind",
        "texts[time_i] AS time_text",
        // The severity: the level key's name, or pino's number (`level`), or OTel's (`severity`,
        // 1-24, by fours); else, in a line that is not JSON, a level written in a common form.
        // No lambda here: if() then skips the patterns for JSON lines (short-circuit evaluation).
        `if(is_json, '', coalesce(${TEXT_SEVERITY_PATTERNS.map((p) => `nullIf(extract(line, ${sqlString(p)}), '')`).join(", ")}, '')) AS text_level`,
        `multiIf(level_kind = 'String', ${levelOf("level_text")},
          level_kind = 'Number' AND level_key = 'level', toFloat64OrNull(level_text),
          level_kind = 'Number' AND level_key = 'severity' AND match(level_text, '^([1-9]|1[0-9]|2[0-4])$'), (intDiv(toUInt8OrZero(level_text) - 1, 4) + 1) * 10.0,
          text_level != '', ${levelOf("text_level", [...levelNames, ...Object.entries(TEXT_LEVEL_ALIASES)])}, NULL) AS level_value`,
        "if(count_kind = 'Number' AND match(count_text, '^(0|[1-9][0-9]*)$'), toUInt64OrNull(count_text), NULL) AS count_value",
        "if(random_number_kind = 'Number' AND match(random_number_text, '^-?(0|[1-9][0-9]*)$'), toInt32OrNull(random_number_text), NULL) AS rnd_value",
        "random_string_kind = 'String' AS rstr_valid",
        "trace_id_kind = 'String' AND match(trace_id_text, '^[0-9a-f]{32}$') AND match(trace_id_text, '[1-9a-f]') AND span_id_kind = 'String' AND match(span_id_text, '^[0-9a-f]{16}$') AND match(span_id_text, '[1-9a-f]') AS ids_valid",
        "multiIf(trace_flags_kind = 'String' AND match(trace_flags_text, '^[0-9a-fA-F]{2}$'), reinterpretAsUInt8(unhex(trace_flags_text)), trace_flags_kind = 'Number' AND match(trace_flags_text, '^[0-9]{1,3}$') AND toUInt16OrZero(trace_flags_text) <= 255, toUInt8OrNull(trace_flags_text), NULL) AS flags_value",
        "if(name_kind = 'String', name_text, '') AS scope_name",
        // Body: a JSON line with none of BODY_KEYS keeps all its keys as attributes.
        "top.1[body_i] AS body_key",
        "texts[body_i] AS body_text",
        // The http input's body may name its service.
        "top.1[service_i] AS service_key",
        "if(kinds[service_i] = 'String', texts[service_i], '') AS body_service",
        // The record's times: a container line's is the runtime's (the ingest table's `time`);
        // a post's is its own (its time key, a string or a number) when it has one, else its
        // arrival (`time`).
        `${RECORD_TIME} AS arrival_time`,
        "input = 'http' AND time_kind IN ('String', 'Number') AS time_posted",
        `multiIf(NOT time_posted, NULL, match(time_text, '^(0|[1-9][0-9]*)([.][0-9]+)?$'), ${epochTime}, time_kind = 'String', parseDateTime64BestEffortOrNull(time_text, 9, 'UTC'), NULL) AS posted_time`,
        "if(time_posted, time_text, time) AS sent_time",
      ],
      s3b,
    );
    // 4. The row's time, the severity, the keys that became columns; then everything else
    //    the line said (flattened to dotted keys in the next stage).
    const bands = `[${SEVERITIES.map((x) => x.level).join(", ")}]`;
    const sev = (field: "text" | "number"): string =>
      field === "text"
        ? `transform(level_band, ${bands}, [${SEVERITIES.map((x) => sqlString(x.text)).join(", ")}], '')`
        : `transform(level_band, ${bands}, [${SEVERITIES.map((x) => x.number).join(", ")}], 0)`;
    // From here on the time as sent is sent_time.
    const carry = [...source.filter((c) => c !== "time"), "exact", "is_json", "top", "body_text", "trace_id_text", "span_id_text", "random_string_text", "count_value", "rnd_value", "rstr_valid", "ids_valid", "flags_value", "scope_name", "body_service"];
    const s5 = stage(
      [
        ...carry,
        "sent_time",
        // A post's own time, else (none, unreadable, too far ahead) its arrival time, else now.
        ...when("if(time_posted, posted_time, arrival_time)", `if(time_posted AND NOT (${unusable("arrival_time")}), assumeNotNull(arrival_time), now64(9, 'UTC'))`, "sent_time"),
        "if(level_value >= 10, if(level_value >= 60, 60, intDiv(toUInt64(level_value), 10) * 10), 0) AS level_band",
        `${sev("text")} AS sev_text`,
        `toUInt8(${sev("number")}) AS sev_number`,
        // The keys that became columns. The level key leaves LogAttributes only when
        // SeverityText and SeverityNumber say all it said; a post's time key leaves (its text
        // is log.original_time when the row could not take it), and so does pino's numeric time.
        `arrayConcat(if(body_key != '', [body_key], []),
        if(level_band > 0 AND ((level_kind = 'String' AND upper(level_text) = sev_text) OR (level_kind = 'Number' AND if(level_key = 'level', match(level_text, '^[1-6]0$'), level_text = toString(sev_number)))), [level_key], []),
        if(time_posted OR time_kind = 'Number', [top.1[time_i]], []),
        if(body_service != '', [service_key], []),
        if(count_value IS NOT NULL, ['count'], []),
        if(rnd_value IS NOT NULL, ['random_number'], []),
        if(rstr_valid, ['random_string'], []),
        if(ids_valid, ['trace_id', 'span_id'], []),
        if(flags_value IS NOT NULL, ['trace_flags'], []),
        if(scope_name != '', ['name'], [])) AS column_keys`,
      ],
      s4,
    );
    const s6 = stage(
      [
        ...carry,
        "ts",
        "time_kept",
        "sent_time",
        "sev_text",
        "sev_number",
        // ServiceName: the posted body's service (POST_SERVICE_KEYS), else the http path; the
        // pod's labels, else its container; pino's logger name; else unknown.
        "multiIf(body_service != '', body_service, input = 'http' AND tag != '', tag, label_service != '', label_service, pod_path[4] != '', pod_path[4], scope_name != '', scope_name, 'unknown') AS service",
        "arrayFilter(p -> NOT has(column_keys, p.1), top) AS attr_pairs",
      ],
      s5,
    );
    return [s3b, s4, s5, s6];
  };
  // What the remaining stages pass on: from here on only what the row needs.
  const rest =
    kind === "otlp"
      ? ["time", "ts", "time_kept", "otlp_meta", "otlp_group", "trace_id", "span_id", "line", "exact"]
      : ["sent_time", "ts", "time_kept", "stream", "node", "pod_path", "label_attributes", "line", "exact", "is_json", "body_text", "trace_id_text", "span_id_text", "random_string_text", "count_value", "rnd_value", "rstr_valid", "ids_valid", "flags_value", "scope_name", "sev_text", "sev_number", "service"];
  // OTLP: every attribute stays an attribute (the line's stages 3-4 do not apply).
  const attrStages = kind === "otlp" ? [stage([...rest, "top AS attr_pairs"], s3)] : lineFieldStages();
  const attrs = attrStages.at(-1) ?? s3;
  // Flattening only runs for records that have a non-empty map.
  const s7 = stage([...rest, `if(arrayExists(p -> startsWith(p.2, '{') AND p.2 != '{}', attr_pairs), ${flat}, attr_pairs) AS leaves`], attrs);
  const s8 = stage(
    [
      ...rest,
      // The time as sent, when the row took the arrival time instead.
      pick(
        `arrayConcat(if(time_kept, [${sqlString(ORIGINAL_TIME_ATTRIBUTE)}], []), arrayMap(p -> toValidUTF8(p.1), leaves)) AS attr_keys`,
        `arrayConcat(if(stream != '', ['log.iostream'], []), if(time_kept, [${sqlString(ORIGINAL_TIME_ATTRIBUTE)}], []), arrayMap(p -> toValidUTF8(p.1), leaves)) AS attr_keys`,
      ),
      pick(
        `arrayConcat(if(time_kept, [toValidUTF8(time)], []), arrayMap(p -> ${textOf("p.2")}, leaves)) AS attr_values`,
        `arrayConcat(if(stream != '', [toValidUTF8(stream)], []), if(time_kept, [toValidUTF8(sent_time)], []), arrayMap(p -> ${textOf("p.2")}, leaves)) AS attr_values`,
      ),
    ],
    s7,
  );
  const resource = ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.container.name", "k8s.container.restart_count", "k8s.node.name"];
  const resourceValues = "[pod_path[1], pod_path[2], pod_path[3], pod_path[4], pod_path[5], node]";
  const helpers = [
    ...(kind === "otlp"
      ? [
          `${attributeMap("JSONExtractRaw(otlp_group, 'resource', 'attributes')")} AS otlp_resource`,
          // ServiceName: OTLP's service.name, else unknown.
          "if(otlp_resource['service.name'] != '', otlp_resource['service.name'], 'unknown') AS service",
        ]
      : []),
  ];
  // One expression per column of the row contract (gen/clickhouse/row-contract.ts), for
  // every input. OTLP records map as the OpenTelemetry Collector's ClickHouse exporter maps
  // them: attributes to maps of strings, the body as its text, severity as sent.
  const row: Record<OtelLogsColumn, string> = {
    Timestamp: "ts",
    TraceId: pick("lower(trace_id)", "if(ids_valid, trace_id_text, '')"),
    SpanId: pick("lower(span_id)", "if(ids_valid, span_id_text, '')"),
    TraceFlags: pick("toUInt8(JSONExtractUInt(otlp_meta, 'trace_flags') % 256)", "ifNull(flags_value, 0)"),
    SeverityText: pick("JSONExtractString(otlp_meta, 'severity_text')", "sev_text"),
    SeverityNumber: pick("toUInt8(least(JSONExtractUInt(otlp_meta, 'severity_number'), 24))", "sev_number"),
    ServiceName: "service",
    Body: pick("line", "if(is_json, body_text, line)"),
    ResourceSchemaUrl: pick("JSONExtractString(otlp_group, 'resource', 'schema_url')", "''"),
    ResourceAttributes: pick("otlp_resource", `mapUpdate(label_attributes, mapFromArrays(arrayConcat(['service.name'], arrayFilter((k, v) -> v != '', [${resource.map(sqlString).join(", ")}], ${resourceValues})), arrayConcat([service], arrayFilter(v -> v != '', ${resourceValues}))))`),
    ScopeSchemaUrl: pick("JSONExtractString(otlp_group, 'scope', 'schema_url')", "''"),
    ScopeName: pick("JSONExtractString(otlp_group, 'scope', 'name')", "scope_name"),
    ScopeVersion: pick("JSONExtractString(otlp_group, 'scope', 'version')", "''"),
    ScopeAttributes: pick(attributeMap("JSONExtractRaw(otlp_group, 'scope', 'attributes')"), "map()"),
    LogAttributes: `${cappedMap("attr_keys", "attr_values")}`,
    EventName: pick("JSONExtractString(otlp_meta, 'event_name')", "''"),
    RandomNumber: pick("CAST(NULL, 'Nullable(Int32)')", "rnd_value"),
    RandomString: pick("''", "if(rstr_valid, random_string_text, '')"),
    Count: pick("0", "ifNull(count_value, 0)"),
  };
  const columns = OTEL_LOGS_COLUMNS.map((c) => `${row[c.name]} AS ${c.name}`);
  return [s1, s2, s3, ...attrStages, s7, s8, stage(columns, s8, helpers)];
}

const nullTable = (table: string, columns: Readonly<Record<string, string>>): string => `CREATE TABLE IF NOT EXISTS ${table}
(
${Object.entries(columns)
  .map(([name, type]) => `    ${name} ${type}`)
  .join(",\n")}
)
ENGINE = Null`;

/** The two Null tables FluentBit inserts into: lines and JSON posts; OTLP records. */
export const ingestTables = (names: Names): string[] => [nullTable(tables(names).ingest, INGEST_COLUMNS), nullTable(tables(names).otlpIngest, OTLP_INGEST_COLUMNS)];

// DEFINER = default: the view writes otel_logs with the admin's rights, so the ingest user
// needs INSERT on the Null table only.
export const ingestViews = (names: Names): string[] => {
  const t = tables(names);
  return (
    [
      [t.ingestView, "lines"],
      [t.otlpIngestView, "otlp"],
    ] as const
  ).map(
    ([view, kind]) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} TO ${t.logs}
DEFINER = default SQL SECURITY DEFINER
AS ${ingestSelect(names, kind)}`,
  );
};
