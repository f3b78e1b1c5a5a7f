// FluentBit configuration (YAML): the DaemonSet's, and a local variant for tests and
// local runs. Both share every stage, so what the pipeline test proves holds for the
// cluster: tail (docker/CRI multiline) -> JSON merge -> lua/transform.lua -> HTTP INSERT
// into ClickHouse. Option names are checked against FluentBit's source (v3.2 - v4.2):
// plugins/in_tail/tail.c, plugins/filter_kubernetes/kubernetes.c, plugins/filter_lua/lua.c,
// plugins/out_http/http.c, src/flb_config.c, src/flb_output.c.
import { stringify } from "yaml";
import type { Model } from "../model/model.ts";
import { DATABASE, INGEST_USER, LOGS_TABLE, NAMESPACE, PASSWORD_ENV } from "../model/names.ts";

/** Where the DaemonSet mounts the config and the transform (one ConfigMap). */
export const CONFIG_DIR = "/fluent-bit/etc";
export const CONFIG_FILE = `${CONFIG_DIR}/fluent-bit.yaml`;
export const LUA_SCRIPT = `${CONFIG_DIR}/transform.lua`;
/** The global function lua/transform.lua defines. */
export const LUA_CALL = "otel_logs_row";
/** hostPath: tail offsets and buffered chunks survive pod restarts. */
export const STATE_DIR = "/var/lib/fluent-bit";
/** The loggen Deployment's pods are loggen-<hash>-<id>; files are <pod>_<namespace>_<container>-<id>.log. */
export const LOG_GLOB = "/var/log/containers/loggen-*.log";
/** Env var (from the Secret) holding the ingest user's password; FluentBit expands ${...}. */
export const INGEST_PASSWORD_ENV = PASSWORD_ENV.ingest;
/** Cluster DNS name of the ClickHouse Service. */
export const CLICKHOUSE_HOST = `clickhouse.${NAMESPACE}.svc.cluster.local`;

/**
 * Settings of every INSERT FluentBit sends (also used by the contract test).
 * input_format_skip_unknown_fields = 0: a key the table lacks fails the chunk loudly
 * (it is kept in the rejected folder) instead of silently dropping that field;
 * the transform emits only columns, so this only fires on schema drift.
 */
export const INSERT_SETTINGS = { input_format_skip_unknown_fields: 0 } as const;

/** The INSERT statement FluentBit posts its JSON lines to. */
export function insertQuery(): string {
  const settings = Object.entries(INSERT_SETTINGS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");
  return `INSERT INTO ${DATABASE}.${LOGS_TABLE} SETTINGS ${settings} FORMAT JSONEachRow`;
}

/** The http output's uri: ClickHouse's HTTP interface takes the statement in ?query=. */
export function insertUri(): string {
  return `/?query=${encodeURIComponent(insertQuery())}`;
}

type Section = Record<string, string | number>;

interface ServiceOptions {
  readonly httpPort: number | undefined; // undefined: no HTTP server
  readonly stateDir: string;
  readonly logLevel: string;
}

function service(o: ServiceOptions): Section {
  return {
    flush: 1,
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
    "storage.max_chunks_up": 32,
    // Chunks ClickHouse refuses (4xx other than 408/429, never retried) are copied
    // to <storage.path>/rejected instead of being discarded (FluentBit >= 4.2; older
    // versions ignore unknown service keys).
    "storage.keep.rejected": "on",
    "storage.rejected.path": "rejected",
  };
}

function tailInput(tag: string, path: string, stateDir: string): Section {
  return {
    name: "tail",
    tag,
    path,
    // Both runtimes' formats; a long line split by the runtime (CRI "P") is rejoined.
    "multiline.parser": "docker, cri",
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

function luaFilter(match: string, script: string): Section {
  return {
    name: "lua",
    match,
    script,
    call: LUA_CALL,
    // ns timestamps as {sec, nsec}: a double would lose the last digits.
    time_as_table: "on",
    protected_mode: "on",
  };
}

interface HttpTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly passwordEnv: string | undefined;
}

function httpOutput(match: string, t: HttpTarget): Section {
  return {
    name: "http",
    match,
    host: t.host,
    port: t.port,
    uri: insertUri(),
    // One JSON object per line (Content-Type application/x-ndjson, set by the plugin).
    format: "json_lines",
    // Otherwise every row gets an extra "date" key that otel_logs does not have.
    json_date_key: "false",
    compress: "gzip",
    ...(t.user === undefined ? {} : { http_user: t.user }),
    ...(t.passwordEnv === undefined ? {} : { http_passwd: `\${${t.passwordEnv}}` }),
    // Default is 1 retry; unlimited retries with filesystem buffering = no loss while
    // ClickHouse is down. The backlog on disk is capped: beyond it the oldest chunks go.
    retry_limit: "no_limits",
    "storage.total_limit_size": "1G",
  };
}

/**
 * pino's JSON line -> top-level keys, before anything else needs them. A line that is not
 * JSON keeps `log` (the transform then uses it as Body). No time key: the record keeps the
 * container runtime's nanosecond timestamp.
 */
const JSON_PARSER = { name: "pino_json", format: "json" } as const;
const parseJson = (match: string): Section => ({
  name: "parser",
  match,
  key_name: "log",
  parser: JSON_PARSER.name,
  reserve_data: "on",
  preserve_key: "off",
});

function render(doc: object): string {
  return `# Generated by gen/fluentbit/config.ts (npm run gen). Do not edit.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The DaemonSet's config (-> /fluent-bit/etc/fluent-bit.yaml). */
export function fluentBitConfig(model: Model): string {
  const match = "kube.*";
  return render({
    service: service({ httpPort: model.ports.services.fluentbit.http, stateDir: STATE_DIR, logLevel: "info" }),
    parsers: [JSON_PARSER],
    pipeline: {
      inputs: [tailInput(match, LOG_GLOB, STATE_DIR)],
      filters: [
        parseJson(match),
        {
          name: "kubernetes",
          match,
          // Tail tags are kube.<path with / as .>; the filter reads pod, namespace and
          // container from the file name after this prefix.
          kube_tag_prefix: "kube.var.log.containers.",
          // The parser filter before it already parsed the JSON: merge_log would do the same
          // only when the API answers (when it cannot be reached this filter adds nothing and
          // leaves `log` untouched), so the fields never depend on the API server.
          merge_log: "off",
          labels: "on",
          annotations: "off",
          buffer_size: "256k",
        },
        luaFilter(match, LUA_SCRIPT),
      ],
      outputs: [
        httpOutput(match, {
          host: CLICKHOUSE_HOST,
          port: model.ports.services.clickhouse.http,
          user: INGEST_USER,
          passwordEnv: INGEST_PASSWORD_ENV,
        }),
      ],
    },
  });
}

export interface LocalOptions {
  /** File (or glob) of docker- or CRI-formatted container log lines to follow. */
  readonly logFile: string;
  readonly clickhouse: { readonly host: string; readonly port: number };
  /** Folder for the tail db and the chunk storage (created by FluentBit). */
  readonly stateDir: string;
  /** Path of lua/transform.lua. */
  readonly luaPath: string;
  /** ClickHouse user; omitted: no Authorization header (ClickHouse's passwordless default). */
  readonly user?: string;
  /** Name of the env var holding the password (never the password itself). */
  readonly passwordEnv?: string;
  /** FluentBit's HTTP server (health, metrics); omitted: off. */
  readonly httpPort?: number;
  readonly logLevel?: string;
}

/** The same pipeline without Kubernetes: tail -> JSON parser -> transform -> ClickHouse. */
export function fluentBitLocalConfig(o: LocalOptions): string {
  const match = "local.*";
  return render({
    service: service({ httpPort: o.httpPort, stateDir: o.stateDir, logLevel: o.logLevel ?? "info" }),
    parsers: [JSON_PARSER],
    pipeline: {
      inputs: [tailInput(match, o.logFile, o.stateDir)],
      filters: [
        parseJson(match),
        luaFilter(match, o.luaPath),
      ],
      outputs: [
        httpOutput(match, { host: o.clickhouse.host, port: o.clickhouse.port, user: o.user, passwordEnv: o.passwordEnv }),
      ],
    },
  });
}
