// ClickHouse: StatefulSet with a data volume, its generated server config, users
// and schema (applied by the server's startup_scripts before it serves), and Services.
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { serverConfigXml, startupScriptsXml, usersXml } from "../clickhouse/config.ts";
import { initSql } from "../clickhouse/ddl.ts";
import { schemaProbeQuery } from "../clickhouse/readiness.ts";
import { CLICKHOUSE_DATA_DIR, CONTAINERS } from "../model/containers.ts";
import type { Model } from "../model/model.ts";
import {
  configChecksum,
  containerResources,
  containerPorts,
  containerSecurity,
  httpProbe,
  image,
  labels,
  meta,
  podSecurity,
  secretEnv,
  selectorLabels,
  nameOf,
  serviceHost,
  services,
} from "./common.ts";

export const CLICKHOUSE_CONFIG_DIR = CONTAINERS.clickhouse.configDir;
export { CLICKHOUSE_DATA_DIR };

export function clickhouseConfigMaps(model: Model): ConfigMap[] {
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(model.names, "clickhouse", "clickhouse-config"),
      data: { "config.xml": serverConfigXml(model), "users.xml": usersXml(model) },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(model.names, "clickhouse", "clickhouse-init"),
      // init.xml is what the server runs; init.sql is the same schema for people and tools.
      data: { "init.xml": startupScriptsXml(model), "init.sql": initSql(model) },
    },
  ];
}

export function clickhouseStatefulSet(model: Model): StatefulSet {
  const { names } = model;
  const [config, init] = clickhouseConfigMaps(model) as [ConfigMap, ConfigMap];
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta(names, "clickhouse"),
    spec: {
      serviceName: nameOf(clickhouseServices(model)[0] as Service),
      replicas: 1,
      selector: { matchLabels: selectorLabels("clickhouse") },
      template: {
        metadata: { labels: labels(names, "clickhouse"), annotations: configChecksum(names, ...clickhouseConfigMaps(model)) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(CONTAINERS.clickhouse.uid),
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: "clickhouse",
              ...image(model, "clickhouse"),
              command: [...CONTAINERS.clickhouse.command, ...CONTAINERS.clickhouse.args],
              env: [
                secretEnv(names, names.passwordEnv.default, names.secretKeys.defaultPassword),
                secretEnv(names, names.passwordEnv.ingest, names.secretKeys.ingestPassword),
              ],
              ports: containerPorts(model, "clickhouse"),
              // Alive: the server answers. Ready: the schema FluentBit inserts into exists (a
              // failed startup script leaves a server that answers /ping without it).
              startupProbe: httpProbe("/ping", "http", 2, { failureThreshold: 60 }),
              livenessProbe: httpProbe("/ping", "http", 10),
              readinessProbe: {
                httpGet: {
                  path: `/?query=${encodeURIComponent(schemaProbeQuery(names))}`,
                  port: "http",
                  // The read-only user, whose password is public by design (gen/model/names-schema.ts).
                  httpHeaders: [
                    { name: "X-ClickHouse-User", value: names.readerUser },
                    { name: "X-ClickHouse-Key", value: names.readerPassword },
                  ],
                },
                periodSeconds: 5,
                timeoutSeconds: 2,
                failureThreshold: 3,
              },
              resources: containerResources(model.settings.resources.clickhouse),
              securityContext: containerSecurity(),
              volumeMounts: [
                { name: "data", mountPath: CLICKHOUSE_DATA_DIR },
                { name: "config", mountPath: CLICKHOUSE_CONFIG_DIR, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            {
              name: "config",
              projected: {
                sources: [
                  { configMap: { name: nameOf(config) } },
                  { configMap: { name: nameOf(init), items: [{ key: "init.xml", path: "config.d/init.xml" }] } },
                ],
              },
            },
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: labels(names, "clickhouse") },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
        },
      ],
    },
  };
}

export const clickhouseServices = (model: Model): Service[] => services(model, "clickhouse");

/** Where the other pods reach ClickHouse: the in-cluster Service's DNS name. */
export const clickhouseHost = (model: Model): string => serviceHost(clickhouseServices(model)[0] as Service);
