// FluentBit configuration (YAML): the DaemonSet's, and a local variant for tests and
// benchmarks. Both share every stage, so what the pipeline test proves holds for the
// cluster. FluentBit only reads and ships: tail (docker/CRI multiline: split lines
// rejoined, the runtime's time string kept) -> the node name -> HTTP INSERT of each line,
// as written, into ClickHouse's ingest table, where a materialized view makes the otel_logs
// row (gen/clickhouse/ingest.ts). No parser, kubernetes or Lua filter: each cost more CPU
// per line than the whole bare chain (docs/benchmarks.md).
// Every key is checked against FluentBit's source at the version nixpkgs ships
// (versions.json; table in docs/versions.md).
import { stringify } from "yaml";
import { INGEST } from "../clickhouse/ingest.ts";
import { CONTAINERS, FLUENTBIT_STATE_DIR } from "../model/containers.ts";
import { clickhouseHost } from "../k8s/clickhouse.ts";
import { loggenDeployment } from "../k8s/loggen.ts";
import type { Model } from "../model/model.ts";
import { INGEST_USER, NAMESPACE, PASSWORD_ENV } from "../model/names.ts";

/** Where the DaemonSet mounts the config (one ConfigMap): the container contract's. */
export const CONFIG_DIR = CONTAINERS.fluentbit.configDir;
export const CONFIG_FILE = `${CONFIG_DIR}/fluent-bit.yaml`;
/** hostPath: tail offsets and buffered chunks survive pod restarts. */
export const STATE_DIR = FLUENTBIT_STATE_DIR;
/** The kubelet's log files: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log. */
export const PODS_LOG_DIR = "/var/log/pods";
/** The loggen Deployment's pods (<deployment>-<hash>-<id>) and container, from the Deployment object. */
export function logGlob(model: Model): string {
  const deployment = loggenDeployment(model);
  const container = deployment.spec?.template.spec?.containers[0]?.name;
  return `${PODS_LOG_DIR}/${deployment.metadata?.namespace}_${deployment.metadata?.name}-*/${container}/*.log`;
}
/** Env var (from the Secret) holding the ingest user's password; FluentBit expands ${...}. */
export const INGEST_PASSWORD_ENV = PASSWORD_ENV.ingest;
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
} as const;

/** The INSERT statement FluentBit posts its JSON lines to. */
export function insertQuery(table = INGEST): string {
  const settings = Object.entries(INSERT_SETTINGS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");
  return `INSERT INTO ${table} SETTINGS ${settings} FORMAT JSONEachRow`;
}

/** The http output's uri: ClickHouse's HTTP interface takes the statement in ?query=. */
export function insertUri(table = INGEST): string {
  return `/?query=${encodeURIComponent(insertQuery(table))}`;
}

type Section = Record<string, string | number>;

interface ServiceOptions {
  readonly httpPort: number | undefined; // undefined: no HTTP server
  readonly stateDir: string;
  readonly logLevel: string;
}

/** See service(): also the upper bound of the pipeline's added latency. */
export const FLUSH_SECONDS = 0.25;

function service(o: ServiceOptions): Section {
  return {
    // Seconds between flushes: a line is queryable about this long after it is written
    // (plus the INSERT), so emit -> queryable stays under a second at p99.
    flush: FLUSH_SECONDS,
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
  };
}

function tailInput(tag: string, path: string, stateDir: string, withPath = true): Section {
  return {
    name: "tail",
    tag,
    path,
    // Both runtimes' formats; a long line split by the runtime (CRI "P") is rejoined. Both
    // parsers keep the runtime's time string (time_keep), which ClickHouse parses to the ns.
    "multiline.parser": "docker, cri",
    // The file's path names the pod: the ingest view reads namespace, pod, uid and container.
    ...(withPath ? { path_key: "file" } : {}),
    db: `${stateDir}/tail.db`,
    "db.sync": "normal",
    "db.locking": "on",
    "storage.type": "filesystem",
    // A file found at start without an offset in the db is read from its beginning.
    read_from_head: "on",
    refresh_interval: 5,
    rotate_wait: 30,
    buffer_chunk_size: "64k",
    buffer_max_size: "1M",
    // A line longer than buffer_max_size is skipped with a warning; without this the
    // whole file would stop being followed.
    skip_long_lines: "on",
  };
}

/** Adds the node's name to every line (one short key; the node is not in the file path). */
function nodeFilter(match: string, nodeName: string): Section {
  return { name: "record_modifier", match, record: `node ${nodeName}` };
}

interface HttpTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly passwordEnv: string | undefined;
  readonly uri: string;
}

function httpOutput(match: string, t: HttpTarget): Section {
  return {
    name: "http",
    match,
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

function render(doc: object): string {
  return `# Generated by gen/fluentbit/config.ts (npm run gen). Do not edit.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The DaemonSet's config (-> /fluent-bit/etc/fluent-bit.yaml). */
export function fluentBitConfig(model: Model): string {
  const match = "kube.*";
  return render({
    service: service({ httpPort: model.ports.services.fluentbit.http, stateDir: STATE_DIR, logLevel: "info" }),
    pipeline: {
      inputs: [tailInput(match, logGlob(model), STATE_DIR)],
      filters: [nodeFilter(match, `\${${NODE_NAME_ENV}}`)],
      outputs: [
        httpOutput(match, {
          host: clickhouseHost(model),
          port: model.ports.services.clickhouse.http,
          user: INGEST_USER,
          passwordEnv: INGEST_PASSWORD_ENV,
          uri: insertUri(),
        }),
      ],
    },
  });
}

export interface LocalOptions {
  /** Glob of docker- or CRI-formatted log files, best laid out like /var/log/pods. */
  readonly logFile: string;
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
  readonly logLevel?: string;
  /**
   * "bare": tail -> http into `table` and nothing else (the benchmark's baseline); the
   * default is the generated chain.
   */
  readonly bare?: { readonly table: string };
}

/** The same pipeline without Kubernetes: tail -> node -> ClickHouse. */
export function fluentBitLocalConfig(o: LocalOptions): string {
  const match = "local.*";
  const target = { host: o.clickhouse.host, port: o.clickhouse.port, user: o.user, passwordEnv: o.passwordEnv };
  return render({
    service: service({ httpPort: o.httpPort, stateDir: o.stateDir, logLevel: o.logLevel ?? "info" }),
    pipeline:
      o.bare === undefined
        ? {
            inputs: [tailInput(match, o.logFile, o.stateDir)],
            filters: [nodeFilter(match, o.nodeName)],
            outputs: [httpOutput(match, { ...target, uri: insertUri() })],
          }
        : {
            inputs: [tailInput(match, o.logFile, o.stateDir, false)],
            outputs: [httpOutput(match, { ...target, uri: insertUri(o.bare.table) })],
          },
  });
}
