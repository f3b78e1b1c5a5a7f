// The ClickHouse and FluentBit keys the generator may emit, each with the first version
// that reads it and where that version's source reads it. gen/test/versions.test.ts fails
// when the generator emits a key that is not here, or that the version recorded in
// gen/versions.json does not read. docs/versions.md explains how each row was checked.
import { compareVersions, type Versions } from "../model/versions.ts";

export interface Supported {
  /** First version that reads the key. */
  readonly since: string;
  /** File in the upstream repository that reads it (checked at the recorded version). */
  readonly source: string;
  /** This repository's patch that adds the key (nix/fluent-bit/), when upstream has none. */
  readonly patch?: string;
}

const FB_CONFIG = "src/flb_config.c";
const FB_TAIL = "plugins/in_tail/tail.c";
const FB_HTTP = "plugins/out_http/http.c";
const FB_KUBE = "plugins/filter_kubernetes/kubernetes.c";
const FB_OTLP = "plugins/in_opentelemetry/opentelemetry.c";
const FB_LUA = "plugins/filter_lua/lua.c";
/** fluent/fluent-bit: YAML configuration (every key below is read from it since 2.0). */
export const FLUENT_BIT_KEYS: Readonly<Record<string, Supported>> = {
  "service.flush": { since: "2.0", source: FB_CONFIG },
  "service.coro_stack_size": { since: "2.0", source: FB_CONFIG },
  "service.log_level": { since: "2.0", source: FB_CONFIG },
  "service.http_server": { since: "2.0", source: FB_CONFIG },
  "service.http_listen": { since: "2.0", source: FB_CONFIG },
  "service.http_port": { since: "2.0", source: FB_CONFIG },
  "service.health_check": { since: "2.0", source: FB_CONFIG },
  "service.hc_errors_count": { since: "2.0", source: FB_CONFIG },
  "service.hc_retry_failure_count": { since: "2.0", source: FB_CONFIG },
  "service.hc_period": { since: "2.0", source: FB_CONFIG },
  "service.scheduler.base": { since: "2.0", source: FB_CONFIG },
  "service.scheduler.cap": { since: "2.0", source: FB_CONFIG },
  "service.storage.path": { since: "2.0", source: FB_CONFIG },
  "service.storage.sync": { since: "2.0", source: FB_CONFIG },
  "service.storage.checksum": { since: "2.0", source: FB_CONFIG },
  "service.storage.metrics": { since: "2.0", source: FB_CONFIG },
  "service.storage.backlog.mem_limit": { since: "2.0", source: FB_CONFIG },
  "service.storage.max_chunks_up": { since: "2.0", source: FB_CONFIG },
  // Absent from v4.1.2's src/flb_config.c, present in v4.2.0's.
  "service.storage.keep.rejected": { since: "4.2", source: FB_CONFIG },
  "service.storage.rejected.path": { since: "4.2", source: FB_CONFIG },
  // Absent from v4.0.x's include/fluent-bit/flb_config.h, present in v4.1.0's (commit a4e572293).
  "service.json.escape_unicode": { since: "4.1", source: FB_CONFIG },
  "input.tail.tag": { since: "2.0", source: "src/flb_input.c" },
  "input.tail.storage.type": { since: "2.0", source: "src/flb_input.c" },
  "input.tail.path": { since: "2.0", source: FB_TAIL },
  "input.tail.path_key": { since: "2.0", source: FB_TAIL },
  "input.tail.multiline.parser": { since: "2.0", source: FB_TAIL },
  "input.tail.db": { since: "2.0", source: FB_TAIL },
  "input.tail.db.sync": { since: "2.0", source: FB_TAIL },
  "input.tail.db.locking": { since: "2.0", source: FB_TAIL },
  "input.tail.read_from_head": { since: "2.0", source: FB_TAIL },
  "input.tail.refresh_interval": { since: "2.0", source: FB_TAIL },
  "input.tail.rotate_wait": { since: "2.0", source: FB_TAIL },
  "input.tail.buffer_chunk_size": { since: "2.0", source: FB_TAIL },
  "input.tail.buffer_max_size": { since: "2.0", source: FB_TAIL },
  "input.tail.skip_long_lines": { since: "2.0", source: FB_TAIL },
  "filter.record_modifier.match": { since: "2.0", source: "src/flb_filter.c" },
  "filter.record_modifier.match_regex": { since: "2.0", source: "src/flb_filter.c" },
  "filter.record_modifier.record": { since: "2.0", source: "plugins/filter_record_modifier/filter_modifier.c" },
  "filter.record_modifier.allowlist_key": { since: "2.0", source: "plugins/filter_record_modifier/filter_modifier.c" },
  "filter.nest.match": { since: "2.0", source: "src/flb_filter.c" },
  "filter.nest.operation": { since: "2.0", source: "plugins/filter_nest/nest.c" },
  "filter.nest.nested_under": { since: "2.0", source: "plugins/filter_nest/nest.c" },
  "filter.nest.add_prefix": { since: "2.0", source: "plugins/filter_nest/nest.c" },
  "output.http.match": { since: "2.0", source: "src/flb_output.c" },
  "output.http.match_regex": { since: "2.0", source: "src/flb_output.c" },
  "output.http.host": { since: "2.0", source: "src/flb_output.c" },
  "output.http.port": { since: "2.0", source: "src/flb_output.c" },
  "output.http.retry_limit": { since: "2.0", source: "src/flb_output.c" },
  "output.http.storage.total_limit_size": { since: "2.0", source: "src/flb_output.c" },
  "output.http.uri": { since: "2.0", source: FB_HTTP },
  "output.http.format": { since: "2.0", source: FB_HTTP },
  "output.http.json_date_key": { since: "2.0", source: FB_HTTP },
  "output.http.http_user": { since: "2.0", source: FB_HTTP },
  "output.http.http_passwd": { since: "2.0", source: FB_HTTP },
  // Every container, the pods' labels and the two HTTP inputs (issue: every pod's logs).
  "input.tail.exclude_path": { since: "2.0", source: FB_TAIL },
  "filter.kubernetes.match": { since: "2.0", source: "src/flb_filter.c" },
  "filter.kubernetes.kube_tag_prefix": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.regex_parser": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.labels": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.annotations": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.merge_log": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.k8s-logging.parser": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.k8s-logging.exclude": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.buffer_size": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.kube_url": { since: "2.0", source: FB_KUBE },
  "filter.kubernetes.kube_meta_preload_cache_dir": { since: "2.0", source: FB_KUBE },
  // The YAML `parsers:` section of the main file: absent from v3.1.0's src/config_format/flb_cf_yaml.c.
  "parser.regex.regex": { since: "3.2", source: "src/config_format/flb_cf_yaml.c" },
  "input.opentelemetry.tag": { since: "2.0", source: "src/flb_input.c" },
  "input.opentelemetry.listen": { since: "2.0", source: "src/flb_input.c" },
  "input.opentelemetry.port": { since: "2.0", source: "src/flb_input.c" },
  "input.opentelemetry.storage.type": { since: "2.0", source: "src/flb_input.c" },
  "input.opentelemetry.tag_from_uri": { since: "3.0", source: FB_OTLP },
  "input.opentelemetry.logs_body_key": { since: "4.1", source: FB_OTLP },
  // An input's `processors:` (YAML): since v2.1.0.
  "input.opentelemetry.processors": { since: "2.1", source: "src/config_format/flb_cf_yaml.c" },
  "input.http.listen": { since: "2.0", source: "src/flb_input.c" },
  "input.http.port": { since: "2.0", source: "src/flb_input.c" },
  "input.http.storage.type": { since: "2.0", source: "src/flb_input.c" },
  "input.http.processors": { since: "2.1", source: "src/config_format/flb_cf_yaml.c" },
  // Read only by fluent-bit built with this repository's patch (nix/fluent-bit/), written
  // against v5.0.7's plugins/in_http, the version nixpkgs ships; the build fails where it no
  // longer applies.
  "input.http.raw_json_key": { since: "5.0", source: "plugins/in_http/http.c", patch: "nix/fluent-bit/http-raw-json.patch" },
  "processor.lua.call": { since: "2.1", source: FB_LUA },
  "processor.lua.code": { since: "2.1", source: FB_LUA },
  "processor.lua.time_as_table": { since: "2.1", source: FB_LUA },
};

const CH_SERVER = "src/Core/ServerSettings.cpp";
const CH_MAIN = "programs/server/Server.cpp";
const CH_USERS = "src/Access/UsersConfigAccessStorage.cpp";
const CH_MERGETREE = "src/Storages/MergeTree/MergeTreeSettings.cpp";
const CH_SETTINGS = "src/Core/Settings.cpp";
const CH_FORMATS = "src/Core/FormatFactorySettings.h";
/** ClickHouse/ClickHouse: server config.xml, users.xml, MergeTree and query settings. */
export const CLICKHOUSE_KEYS: Readonly<Record<string, Supported>> = {
  "server.logger": { since: "20.3", source: "src/Loggers/Loggers.cpp" },
  "server.logger.level": { since: "20.3", source: "src/Loggers/Loggers.cpp" },
  "server.logger.console": { since: "20.3", source: "src/Loggers/Loggers.cpp" },
  "server.listen_host": { since: "20.3", source: CH_MAIN },
  "server.http_port": { since: "20.3", source: CH_MAIN },
  "server.tcp_port": { since: "20.3", source: CH_MAIN },
  "server.interserver_http_port": { since: "20.3", source: CH_MAIN },
  "server.path": { since: "20.3", source: CH_MAIN },
  "server.tmp_path": { since: "20.3", source: CH_MAIN },
  "server.user_files_path": { since: "20.3", source: CH_MAIN },
  "server.format_schema_path": { since: "20.3", source: CH_MAIN },
  "server.user_directories": { since: "20.4", source: "src/Access/AccessControl.cpp" },
  "server.user_directories.users_xml": { since: "20.4", source: "src/Access/AccessControl.cpp" },
  "server.user_directories.users_xml.path": { since: "20.4", source: "src/Access/AccessControl.cpp" },
  "server.user_directories.local_directory": { since: "20.4", source: "src/Access/AccessControl.cpp" },
  "server.user_directories.local_directory.path": { since: "20.4", source: "src/Access/AccessControl.cpp" },
  "server.default_profile": { since: "20.3", source: CH_SERVER },
  "server.default_database": { since: "20.3", source: CH_SERVER },
  "server.timezone": { since: "20.3", source: CH_MAIN },
  "server.mlock_executable": { since: "20.3", source: CH_SERVER },
  "server.max_server_memory_usage_to_ram_ratio": { since: "20.3", source: CH_SERVER },
  "server.mark_cache_size": { since: "20.3", source: CH_SERVER },
  "server.index_mark_cache_size": { since: "22.6", source: CH_SERVER },
  "server.uncompressed_cache_size": { since: "20.3", source: CH_SERVER },
  "server.max_concurrent_queries": { since: "20.3", source: CH_SERVER },
  "server.http_options_response": { since: "22.1", source: "src/Server/HTTPHandlerFactory.cpp" },
  "server.http_options_response.header": { since: "22.1", source: "src/Server/HTTPHandlerFactory.cpp" },
  "server.http_options_response.header.name": { since: "22.1", source: "src/Server/HTTPHandlerFactory.cpp" },
  "server.http_options_response.header.value": { since: "22.1", source: "src/Server/HTTPHandlerFactory.cpp" },
  // System logs for HyperDX's ClickHouse dashboard (gen/clickhouse/config.ts). SystemLog.cpp
  // builds "ENGINE = MergeTree PARTITION BY (<partition_by>) TTL <ttl> ORDER BY ..." from these;
  // `ttl` is read there since the 21.x series (the exact first release was not pinned down here).
  "server.query_log": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.query_log.database": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.query_log.table": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.query_log.partition_by": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.query_log.flush_interval_milliseconds": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.query_log.ttl": { since: "21.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log.database": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log.table": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log.partition_by": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log.flush_interval_milliseconds": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.metric_log.ttl": { since: "21.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log.database": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log.table": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log.partition_by": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log.flush_interval_milliseconds": { since: "20.3", source: "src/Interpreters/SystemLog.cpp" },
  "server.asynchronous_metric_log.ttl": { since: "21.3", source: "src/Interpreters/SystemLog.cpp" },
  // Read by AccessControl::setUpFromMainConfig; added in the 23.x series (first release not pinned down here).
  "server.access_control_improvements": { since: "23.8", source: "src/Access/AccessControl.cpp" },
  "server.access_control_improvements.select_from_system_db_requires_grant": { since: "23.8", source: "src/Access/AccessControl.cpp" },
  "server.access_control_improvements.select_from_information_schema_requires_grant": { since: "23.8", source: "src/Access/AccessControl.cpp" },
  "server.startup_scripts": { since: "24.3", source: CH_MAIN },
  "server.startup_scripts.scripts": { since: "24.3", source: CH_MAIN },
  "server.startup_scripts.scripts.query": { since: "24.3", source: CH_MAIN },
  // loadStartupScripts skips this key only from ClickHouse#79732 on; 25.3 reads it as a
  // script, fails on its missing .query, and runs no script at all.
  "server.startup_scripts.throw_on_error": { since: "25.5", source: CH_MAIN },
  "users.profiles": { since: "20.3", source: CH_USERS },
  "users.profiles.*": { since: "20.3", source: CH_USERS },
  "users.profiles.*.max_memory_usage": { since: "20.3", source: CH_SETTINGS },
  "users.profiles.*.readonly": { since: "20.3", source: CH_SETTINGS },
  "users.profiles.*.constraints": { since: "20.3", source: CH_USERS },
  "users.profiles.*.constraints.max_memory_usage": { since: "20.3", source: CH_USERS },
  "users.profiles.*.constraints.max_memory_usage.max": { since: "20.3", source: CH_USERS },
  "users.users": { since: "20.3", source: CH_USERS },
  "users.users.*": { since: "20.3", source: CH_USERS },
  "users.users.*.password": { since: "20.3", source: CH_USERS },
  "users.users.*.password[from_env]": { since: "20.3", source: "src/Common/Config/ConfigProcessor.cpp" },
  "users.users.*.networks": { since: "20.3", source: CH_USERS },
  "users.users.*.networks.ip": { since: "20.3", source: CH_USERS },
  "users.users.*.profile": { since: "20.3", source: CH_USERS },
  "users.users.*.quota": { since: "20.3", source: CH_USERS },
  "users.users.*.access_management": { since: "20.3", source: CH_USERS },
  "users.users.*.grants": { since: "22.11", source: CH_USERS },
  "users.users.*.grants.query": { since: "22.11", source: CH_USERS },
  "users.quotas": { since: "20.3", source: CH_USERS },
  "users.quotas.*": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.duration": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.queries": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.errors": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.result_rows": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.read_rows": { since: "20.3", source: CH_USERS },
  "users.quotas.*.interval.execution_time": { since: "20.3", source: CH_USERS },
  "table.index_granularity": { since: "20.3", source: CH_MERGETREE },
  "table.ttl_only_drop_parts": { since: "20.3", source: CH_MERGETREE },
  "table.non_replicated_deduplication_window": { since: "21.1", source: CH_MERGETREE },
  "query.input_format_skip_unknown_fields": { since: "20.3", source: CH_SETTINGS },
  "query.deduplicate_blocks_in_dependent_materialized_views": { since: "20.3", source: CH_SETTINGS },
  // Read by 23.9 (src/Core/SettingsChangesHistory.cpp turns them on by default there), bools by 24.1.
  "query.input_format_json_read_objects_as_strings": { since: "23.9", source: CH_FORMATS },
  "query.input_format_json_read_arrays_as_strings": { since: "23.9", source: CH_FORMATS },
  "query.input_format_json_read_numbers_as_strings": { since: "23.9", source: CH_FORMATS },
  "query.input_format_json_read_bools_as_strings": { since: "24.1", source: CH_FORMATS },
  // optimize_and_compare_chain: ClickHouse#73164, 25.2 (SettingsChangesHistory: "A new setting");
  // query_plan_merge_expressions: ClickHouse#57152, 23.11.
  "query.optimize_and_compare_chain": { since: "25.2", source: CH_SETTINGS },
  "query.query_plan_merge_expressions": { since: "23.11", source: CH_SETTINGS },
};

/** Keys emitted but missing from the table, or newer than the recorded version. */
export function unsupported(emitted: Iterable<string>, table: Readonly<Record<string, Supported>>, recorded: string): string[] {
  const problems: string[] = [];
  for (const key of [...emitted].sort()) {
    const row = table[key];
    if (row === undefined) problems.push(`${key}: not in gen/versions/supported.ts; check it in the source of version ${recorded} and add it`);
    else if (compareVersions(row.since, recorded) > 0) problems.push(`${key}: read only from ${row.since} on (${row.source}), but gen/versions.json records ${recorded}`);
  }
  return problems;
}

export const recordedOf = (v: Versions, p: "clickhouse" | "fluent-bit"): string => v.packages[p];
