// FluentBit configuration (YAML): the DaemonSet's, and a local variant for tests and
// benchmarks. Both share every stage, so what the pipeline test proves holds for the
// cluster. FluentBit only reads and ships; ClickHouse's ingest view makes the otel_logs row
// (gen/clickhouse/ingest.ts), one mapping for three inputs:
// - tail: every container's log file but FluentBit's own (docker/CRI multiline: split lines
//   rejoined, the runtime's time string kept) -> the pod's labels (kubernetes filter, labels
//   only: no JSON parsing; lifted out of its map) -> the node name, and only the keys the
//   ingest table reads;
// - opentelemetry: OTLP/HTTP logs, protobuf or JSON, on /v1/logs;
// - http: JSON objects POSTed to /<tag>.
// All go out in one HTTP INSERT per chunk into the ingest table. No parser filter and no
// Lua on the tail path: each cost more CPU per line than the whole bare chain
// (docs/benchmarks.md); the HTTP inputs' small Lua stages are in gen/fluentbit/lua.ts.
// Every key is checked against FluentBit's source at the version nixpkgs ships
// (versions.json; table in docs/versions.md).
import { stringify } from "yaml";
import { INGEST_COLUMNS } from "../clickhouse/ingest.ts";
import { tables } from "../clickhouse/tables.ts";
import { CONTAINERS, FLUENTBIT_STATE_DIR } from "../model/containers.ts";
import { clickhouseHost } from "../k8s/clickhouse.ts";
import { meta } from "../k8s/common.ts";
import { HTTP_JSON_KEY, httpRecord, OTLP_BODY_KEY, otlpRecord } from "./lua.ts";
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";

/** Where the DaemonSet mounts the config (one ConfigMap): the container contract's. */
export const CONFIG_DIR = CONTAINERS.fluentbit.configDir;
/** hostPath: tail offsets and buffered chunks survive pod restarts. */
export const STATE_DIR = FLUENTBIT_STATE_DIR;
/** The kubelet's log files: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log. */
export const PODS_LOG_DIR = "/var/log/pods";
/** Every container's log file. */
export const LOG_GLOB = `${PODS_LOG_DIR}/*/*/*.log`;
/**
 * What tail reads of a glob of live log files (`<n>.log`): also their rotated names. The
 * kubelet rotates `<n>.log` by renaming it to `<n>.log.<YYYYMMDD-HHMMSS>` (the runtime then
 * opens a new `<n>.log`), compresses the rotated files but the newest to `.gz` through a
 * `.tmp`, and keeps containerLogMaxFiles (5) files in all (pkg/kubelet/logs/
 * container_log_manager.go). The newest rotated file is still plain text: see tailInput.
 */
const tailGlob = (glob: string): string => `${glob}*`;
/** The kubelet's compressed and half-compressed rotated files: new inodes, never read (tailInput). */
const compressedGlobs = (glob: string): string[] => [`${glob}.*.gz`, `${glob}.*.tmp`];
/**
 * FluentBit's own pods (<daemonset>-<id>), never tailed, nor their rotated files: reading its
 * own log would feed back every warning it writes about what it read. The DaemonSet's name
 * and namespace come from the same metadata the DaemonSet is made with (gen/k8s/fluentbit.ts).
 */
export function ownLogGlob(names: Names): string {
  const { name, namespace } = meta(names, "fluentbit");
  return tailGlob(`${PODS_LOG_DIR}/${namespace}_${name}-*/*/*.log`);
}
/** The opentelemetry input's tag: its records go to their own ingest table. */
export const OTLP_TAG = "otlp";
/**
 * Every other tag (tail's, and the http input's, which is the request path: any name): the
 * lines' ingest table. A posted path equal to OTLP_TAG would go to the OTLP table instead.
 */
const NOT_OTLP = `^(?!${OTLP_TAG}$).*`;
/** The tail input's tag prefix: FluentBit appends the file's path with / turned into dots. */
export const TAIL_TAG_PREFIX = "kube.";
/** The regex parser that reads a pod's identity from that tag (the kubernetes filter's regex_parser). */
const POD_PATH_PARSER = "k8s-pod-log-path";
/** The tag of a file under `podsDir`, up to the pod's folder: what the kubernetes filter strips. */
const tagPathPrefix = (podsDir: string): string => `${TAIL_TAG_PREFIX}${podsDir.replace(/^\/+/, "").replaceAll("/", ".")}.`;
/** Env var (downward API: spec.nodeName) naming the node, for k8s.node.name. */
export const NODE_NAME_ENV = "NODE_NAME";

/**
 * Settings of every INSERT FluentBit sends (also used by the tests).
 * - input_format_skip_unknown_fields = 1: FluentBit's own keys that the ingest table does not
 *   take (the CRI partial flag `_p`) are ignored; the line itself is one key, `log`.
 * - deduplicate_blocks_in_dependent_materialized_views = 1: a chunk sent again (FluentBit
 *   retries one whose answer it lost, or resends it after a crash) is recognised by otel_logs
 *   and by every view behind it, not only by the first table (the default only from 26.2).
 */
export const INSERT_SETTINGS = {
  input_format_skip_unknown_fields: 1,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // A posted JSON body or an OTLP body is an object (or array, number, bool) under `log`,
  // and the OTLP metadata one under `__internal__`: each is stored as its JSON text, which
  // the view parses (these are the defaults since 23.x; said here so nothing depends on it).
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
  input_format_json_read_numbers_as_strings: 1,
  input_format_json_read_bools_as_strings: 1,
  // ClickHouse plans the ingest view's SELECT again for every INSERT, i.e. for every chunk.
  // Two optimizations cost most of that planning and gain nothing for a SELECT without
  // WHERE, joins or aggregation: deriving comparisons from AND chains (its work grows with
  // each AND times the view's nesting depth) and merging the stages' expression steps into
  // one. On chDB, a 10-row INSERT into the lines view: ~165 -> ~80 ms (docs/benchmarks.md).
  optimize_and_compare_chain: 0,
  query_plan_merge_expressions: 0,
} as const;

/** The INSERT statement FluentBit posts its JSON lines to `table` (the ingest tables: gen/clickhouse/tables.ts). */
export function insertQuery(table: string): string {
  const settings = Object.entries(INSERT_SETTINGS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");
  return `INSERT INTO ${table} SETTINGS ${settings} FORMAT JSONEachRow`;
}

/** The http output's uri: ClickHouse's HTTP interface takes the statement in ?query=. */
export function insertUri(table: string): string {
  return `/?query=${encodeURIComponent(insertQuery(table))}`;
}

type Section = Record<string, string | number | readonly string[]>;

interface ServiceOptions {
  readonly httpPort: number | undefined; // undefined: no HTTP server
  readonly stateDir: string;
  readonly logLevel: string;
}

/** See service(): also the upper bound of the pipeline's added latency. */
export const FLUSH_SECONDS = 0.25;
/** Stack of each flush's coroutine (service()): 256 KiB. */
export const CORO_STACK_BYTES = 262_144;

function service(o: ServiceOptions): Section {
  return {
    // Seconds between flushes: a line is queryable about this long after it is written
    // (plus the INSERT), so emit -> queryable stays under a second at p99.
    flush: FLUSH_SECONDS,
    // Each flush runs as a coroutine on a stack of its own, 24 KiB by default
    // (include/fluent-bit/flb_coro.h, v5.0.7), and the http output's JSON encoder recurses once
    // per level of a record's nesting: an OTLP record nested ~31 levels deep overflowed it into
    // the heap and killed FluentBit, again at every restart (its chunk is replayed). Records
    // nest at most 32 levels with the system msgpack-c nixpkgs links, 64 with the bundled one
    // (deeper ones cannot be unpacked, and the patched inputs refuse them: nix/fluent-bit/),
    // which 256 KiB holds several times over (checks/hostile-input.test.ts).
    coro_stack_size: CORO_STACK_BYTES,
    log_level: o.logLevel,
    ...(o.httpPort === undefined
      ? { http_server: "off" }
      : {
          // "/" always answers; "/api/v1/health" fails after too many output errors
          // or retry failures per period (readiness); metrics at /api/v2/metrics/prometheus.
          http_server: "on",
          http_listen: "0.0.0.0",
          http_port: o.httpPort,
          health_check: "on",
          hc_errors_count: 5,
          hc_retry_failure_count: 5,
          hc_period: 60,
        }),
    // Retries back off exponentially from scheduler.base up to scheduler.cap seconds;
    // the default cap (2000 s) would leave logs waiting half an hour after ClickHouse
    // comes back (e.g. on first boot, when ClickHouse starts after FluentBit).
    "scheduler.base": 2,
    "scheduler.cap": 30,
    // Chunks are written to disk before they are sent: a crash or a ClickHouse
    // outage loses nothing; the backlog is replayed at start.
    "storage.path": `${o.stateDir}/storage`,
    "storage.sync": "normal",
    "storage.checksum": "off",
    "storage.metrics": "on",
    "storage.backlog.mem_limit": "16M",
    // Chunks held in memory (each up to ~2 MB); the rest of a backlog waits on disk.
    "storage.max_chunks_up": 16,
    // Chunks ClickHouse refuses (4xx other than 408/429, never retried) are copied
    // to <storage.path>/rejected instead of being discarded (FluentBit >= 4.2).
    "storage.keep.rejected": "on",
    "storage.rejected.path": "rejected",
    // JSON sent to ClickHouse carries UTF-8 as it is, and each byte of invalid UTF-8 becomes
    // U+FFFD (src/flb_utils.c, flb_utils_write_str_raw, v5.0.7); escaping (the default) turns
    // valid characters into \u sequences and each invalid byte into a private-use character
    // (U+E0xx), and costs more CPU per line.
    "json.escape_unicode": "off",
  };
}

/** Seconds between two scans of tail's glob for new files (tailInput). */
export const TAIL_REFRESH_SECONDS = 1;
/** How long FluentBit follows a file after it was renamed: in effect until it is deleted (tailInput). */
export const TAIL_ROTATE_WAIT_SECONDS = 365 * 24 * 3600;

/**
 * The tail input over `glob` (`<n>.log` files), for the DaemonSet and the local config alike.
 * How FluentBit 5.0.7 meets rotation (plugins/in_tail/, checks/rotation.test.ts):
 * - It knows a file by its inode (tail_file.c, flb_tail_file_exists): renamed, a file it
 *   follows is still the same file, read on to its end; found again under its new name by a
 *   scan, it is skipped; and the tail db finds its offset by inode after a restart.
 * - It finds a new file two ways: when it handles the rename of a file it follows, it looks
 *   for a new file under the old name at once (tail_file.c, flb_tail_file_rotated); but the
 *   runtime opens that file only after the rename (containerd when the kubelet asks it to
 *   reopen, Docker after its own rename), so there is usually none yet. Otherwise only the
 *   next scan of `path` finds it (tail_scan_glob.c, every refresh_interval). With a scan
 *   every 5 s over `*.log` only, every file renamed before a scan came by was never read:
 *   35-52% of the lines at 3,000 lines/s rotated every 1 MiB (~2.3 s), without a word in
 *   FluentBit's log. So the scan runs every second and also matches the rotated names: a
 *   file is found while it is either the live file or the newest rotated one (until the
 *   next rotation compresses it), and a restarted FluentBit finds the end of a file that was
 *   renamed while it was down.
 * - It forgets a renamed file rotate_wait seconds after the rename, whether it still exists
 *   or not (tail_file.c, flb_tail_file_purge, which deletes its db row too): a scan over the
 *   rotated names would then read it again from its start (a whole duplicate file per
 *   rotation, measured). The newest rotated file stays plain until the container's next
 *   rotation, hours later for a quiet pod, so FluentBit follows a renamed file until it is
 *   deleted (the kubelet's compression or clean-up; it notices within progress_check_interval,
 *   2 s): one more open file per container that has rotated.
 * - The compressed files are never read: `.gz` is a new inode with the same lines, which
 *   FluentBit would decompress and send again (tail_file.c, flb_tail_file_append).
 */
function tailInput(tag: string, glob: string, stateDir: string, o: { withPath: boolean; exclude?: string }): Section {
  return {
    name: "tail",
    tag,
    path: tailGlob(glob),
    exclude_path: [...(o.exclude === undefined ? [] : [o.exclude]), ...compressedGlobs(glob)].join(", "),
    // Both runtimes' formats; a long line split by the runtime (CRI "P") is rejoined. Both
    // parsers keep the runtime's time string (time_keep), which ClickHouse parses to the ns.
    "multiline.parser": "docker, cri",
    // The file's path names the pod: the ingest view reads namespace, pod, uid and container.
    // It is the name FluentBit first found the file under (tail_file.c, orig_name): a file
    // first found renamed carries its rotated name, <n>.log.<YYYYMMDD-HHMMSS>, which names
    // the same pod (the view and podPathParser read both).
    ...(o.withPath ? { path_key: "file" } : {}),
    db: `${stateDir}/tail.db`,
    "db.sync": "normal",
    "db.locking": "on",
    "storage.type": "filesystem",
    // A file found at start without an offset in the db is read from its beginning.
    read_from_head: "on",
    refresh_interval: TAIL_REFRESH_SECONDS,
    rotate_wait: TAIL_ROTATE_WAIT_SECONDS,
    buffer_chunk_size: "64k",
    buffer_max_size: "1M",
    // A line longer than buffer_max_size is skipped with a warning; without this the
    // whole file would stop being followed.
    skip_long_lines: "on",
  };
}

/** Reads namespace, pod, uid and container from the tail tag of a /var/log/pods file. */
function podPathParser(): Section {
  return {
    name: POD_PATH_PARSER,
    format: "regex",
    // <n>.log, or a file first found under its rotated name <n>.log.<YYYYMMDD-HHMMSS> (tailInput).
    regex: "^(?<namespace_name>[^_]+)_(?<pod_name>[^_]+)_(?<pod_id>[^.]+)\\.(?<container_name>[^.]+)\\.(?<restart_count>[0-9]+)\\.log(?:\\.[0-9]{8}-[0-9]{6})?$",
  };
}

/** Where the kubernetes filter finds pod metadata: the API server, or files (tests, no cluster). */
type PodMetadata = { readonly from: "api" } | ({ readonly from: "files" } & PodMetadataFiles);

export interface PodMetadataFiles {
  /** Files named <namespace>_<pod>.meta holding the API's answer for each pod. */
  readonly dir: string;
  /** The folder laid out like /var/log/pods that the tail input reads. */
  readonly podsDir: string;
}

/**
 * The pod's labels, for ServiceName (app.kubernetes.io/name, then app). Only what is cheap:
 * no annotations, no JSON parsing of the line (merge_log: the view parses it), no per-pod
 * parser or exclusion annotations. One API request per new pod, then a cache.
 */
function kubernetesFilter(match: string, source: PodMetadata): Section {
  return {
    name: "kubernetes",
    match,
    kube_tag_prefix: tagPathPrefix(source.from === "api" ? PODS_LOG_DIR : source.podsDir),
    regex_parser: POD_PATH_PARSER,
    labels: "on",
    annotations: "off",
    merge_log: "off",
    "k8s-logging.parser": "off",
    "k8s-logging.exclude": "off",
    // A pod's JSON may exceed the default 32k buffer; 0 = as large as the answer.
    buffer_size: "0",
    ...(source.from === "api"
      ? {}
      : // Files named <namespace>_<pod>.meta hold the API's answer; nothing is asked of a server.
        { kube_meta_preload_cache_dir: source.dir, kube_url: "http://127.0.0.1:1" }),
  };
}

/** The HTTP inputs: records are on disk before the 2xx answer, so an accepted record is never lost. */
function httpListener(port: number): Section {
  return { listen: "0.0.0.0", port, "storage.type": "filesystem" };
}

/** OTLP/HTTP logs, protobuf or JSON, on /v1/logs. */
function otlpInput(tag: string, port: number): object {
  return {
    name: "opentelemetry",
    tag,
    ...httpListener(port),
    // One tag for every path (/v1/logs): the route does not depend on the URL.
    tag_from_uri: "false",
    logs_body_key: OTLP_BODY_KEY,
    processors: { logs: [{ name: "lua", ...otlpRecord(), time_as_table: "on" }] },
  };
}

/**
 * JSON objects (one, or an array of them) POSTed to /<tag>. raw_json_key (this repository's
 * patch, nix/fluent-bit/http-raw-json.patch) keeps each object as the text that was sent:
 * the ingest view parses it as it parses a container's JSON line, so numbers keep every
 * digit, and no nesting depth reaches the Lua stage or the http output's JSON encoder (which
 * recurses on a coroutine's stack: a post nested 40 levels deep killed FluentBit, and every
 * restart replayed it). A body that is not a JSON object or an array of objects gets a 400.
 */
function jsonInput(port: number): object {
  return {
    name: "http",
    ...httpListener(port),
    raw_json_key: HTTP_JSON_KEY,
    processors: { logs: [{ name: "lua", ...httpRecord(), time_as_table: "on" }] },
  };
}

/**
 * Adds the node's name to every line and JSON post (one short key; the node is not in the file
 * path, and a post names the node that received it) and keeps only the ingest table's keys.
 */
function nodeFilter(nodeName: string): Section {
  return {
    name: "record_modifier",
    match_regex: NOT_OTLP,
    record: `node ${nodeName}`,
    // Only the keys the ingest table reads go on: the CRI flag `_p` and the rest of the
    // kubernetes filter's map (pod name, ids, image, ...: the path says who the pod is)
    // would cost bytes in every chunk, and ClickHouse plans the ingest view once per chunk.
    allowlist_key: Object.keys(INGEST_COLUMNS),
  };
}

/**
 * The pod's labels as the ingest table's `kubernetes_labels`: the kubernetes filter's map,
 * lifted to top-level keys (`labels` becomes `kubernetes_labels`; nodeFilter drops the rest).
 */
function podLabelFilters(match: string, source: PodMetadata): Section[] {
  return [kubernetesFilter(match, source), { name: "nest", match, operation: "lift", nested_under: "kubernetes", add_prefix: "kubernetes_" }];
}

interface HttpTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly passwordEnv: string | undefined;
  readonly uri: string;
}

/** `route`: FluentBit's `match` (a tag pattern) or `match_regex`. */
function httpOutput(route: { match: string } | { match_regex: string }, t: HttpTarget): Section {
  return {
    name: "http",
    ...route,
    host: t.host,
    port: t.port,
    uri: t.uri,
    // One JSON object per line (Content-Type application/x-ndjson, set by the plugin).
    format: "json_lines",
    // Otherwise every row gets an extra "date" key that otel_logs does not have.
    json_date_key: "false",
    // No compression: the Service is on the same node or cluster network, and gzip would
    // cost FluentBit more CPU per line than the rest of its work.
    ...(t.user === undefined ? {} : { http_user: t.user }),
    ...(t.passwordEnv === undefined ? {} : { http_passwd: `\${${t.passwordEnv}}` }),
    // Default is 1 retry; unlimited retries with filesystem buffering = no loss while
    // ClickHouse is down. The backlog on disk is capped: beyond it the oldest chunks go.
    retry_limit: "no_limits",
    "storage.total_limit_size": "1G",
  };
}

/** Lines and JSON posts to their ingest table, OTLP records to theirs: each INSERT plans one view. */
function ingestOutputs(names: Names, target: Omit<HttpTarget, "uri">): Section[] {
  const t = tables(names);
  return [httpOutput({ match_regex: NOT_OTLP }, { ...target, uri: insertUri(t.ingest) }), httpOutput({ match: OTLP_TAG }, { ...target, uri: insertUri(t.otlpIngest) })];
}

function render(doc: object): string {
  return `# Generated by gen/fluentbit/config.ts (npm run gen). Do not edit.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The DaemonSet's config (its ConfigMap's FLUENTBIT_CONFIG_FILE). */
export function fluentBitConfig(model: Model): string {
  const tail = `${TAIL_TAG_PREFIX}*`;
  const fb = model.ports.services.fluentbit;
  return render({
    service: service({ httpPort: fb.http, stateDir: STATE_DIR, logLevel: "info" }),
    parsers: [podPathParser()],
    pipeline: {
      inputs: [tailInput(tail, LOG_GLOB, STATE_DIR, { withPath: true, exclude: ownLogGlob(model.names) }), otlpInput(OTLP_TAG, fb.otlp), jsonInput(fb.json)],
      filters: [...podLabelFilters(tail, { from: "api" }), nodeFilter(`\${${NODE_NAME_ENV}}`)],
      outputs: ingestOutputs(model.names, {
        host: clickhouseHost(model),
        port: model.ports.services.clickhouse.http,
        user: model.names.ingestUser,
        // From the Secret (gen/k8s/fluentbit.ts); FluentBit expands ${...}.
        passwordEnv: model.names.passwordEnv.ingest,
      }),
    },
  });
}

export interface LocalOptions {
  /** Glob of docker- or CRI-formatted log files, best laid out like /var/log/pods. */
  readonly logFile: string;
  /** Files the tail input skips (the DaemonSet's: FluentBit's own pods). */
  readonly excludeFile?: string;
  readonly clickhouse: { readonly host: string; readonly port: number };
  /** Folder for the tail db and the chunk storage (created by FluentBit). */
  readonly stateDir: string;
  /** The node name the rows carry. */
  readonly nodeName: string;
  /** ClickHouse user; omitted: no Authorization header (ClickHouse's passwordless default). */
  readonly user?: string;
  /** Name of the env var holding the password (never the password itself). */
  readonly passwordEnv?: string;
  /** FluentBit's HTTP server (health, metrics); omitted: off. */
  readonly httpPort?: number;
  /** The opentelemetry input's port; omitted: no such input. */
  readonly otlpPort?: number;
  /** The http (JSON) input's port; omitted: no such input. */
  readonly jsonPort?: number;
  /** Pod metadata files for the kubernetes filter, instead of the API; omitted: no kubernetes filter. */
  readonly podMetadata?: PodMetadataFiles;
  readonly logLevel?: string;
  /**
   * "bare": tail -> http into `table` and nothing else (the benchmark's baseline); the
   * default is the generated chain.
   */
  readonly bare?: { readonly table: string };
}

/** The same pipeline without Kubernetes: tail (+ the HTTP inputs) -> labels -> node -> ClickHouse's ingest tables (`names`). */
export function fluentBitLocalConfig(names: Names, o: LocalOptions): string {
  const tail = `${TAIL_TAG_PREFIX}*`;
  const target = { host: o.clickhouse.host, port: o.clickhouse.port, user: o.user, passwordEnv: o.passwordEnv };
  return render({
    service: service({ httpPort: o.httpPort, stateDir: o.stateDir, logLevel: o.logLevel ?? "info" }),
    ...(o.bare === undefined ? { parsers: [podPathParser()] } : {}),
    pipeline:
      o.bare === undefined
        ? {
            inputs: [
              tailInput(tail, o.logFile, o.stateDir, { withPath: true, ...(o.excludeFile === undefined ? {} : { exclude: o.excludeFile }) }),
              ...(o.otlpPort === undefined ? [] : [otlpInput(OTLP_TAG, o.otlpPort)]),
              ...(o.jsonPort === undefined ? [] : [jsonInput(o.jsonPort)]),
            ],
            filters: [...(o.podMetadata === undefined ? [] : podLabelFilters(tail, { from: "files", ...o.podMetadata })), nodeFilter(o.nodeName)],
            outputs: ingestOutputs(names, target),
          }
        : {
            inputs: [tailInput(tail, o.logFile, o.stateDir, { withPath: false })],
            outputs: [httpOutput({ match: tail }, { ...target, uri: insertUri(o.bare.table) })],
          },
  });
}
