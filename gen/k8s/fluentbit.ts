// FluentBit: DaemonSet tailing container logs on each node, its config (generated YAML)
// and Services. It never talks to the Kubernetes API (the pod's identity is in the log
// file's path, the node's name comes from the downward API), so it has no RBAC and no
// service account token.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { CONFIG_DIR, CONFIG_FILE, fluentBitConfig, INGEST_PASSWORD_ENV, NODE_NAME_ENV, STATE_DIR } from "../fluentbit/config.ts";
import { CONTAINERS } from "../model/containers.ts";
import type { Model } from "../model/model.ts";
import { SECRET_KEYS } from "../model/names.ts";
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
  services,
} from "./common.ts";

export function fluentbitConfigMap(model: Model): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("fluentbit", "fluentbit-config"),
    data: { "fluent-bit.yaml": fluentBitConfig(model) },
  };
}

/** `config` is the ConfigMap the pods mount: its checksum restarts them when it changes. */
export function fluentbitDaemonSet(model: Model, config: ConfigMap): DaemonSet {
  const configName = config.metadata?.name;
  if (configName === undefined) throw new Error("generator bug: the FluentBit ConfigMap has no name");
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta("fluentbit"),
    spec: {
      selector: { matchLabels: selectorLabels("fluentbit") },
      updateStrategy: { type: "RollingUpdate" },
      template: {
        metadata: { labels: labels("fluentbit"), annotations: configChecksum(config) },
        spec: {
          automountServiceAccountToken: false,
          // Runs as root only to read the root-owned container logs; no capabilities.
          securityContext: podSecurity(null),
          // Enough time to flush buffered chunks to ClickHouse on shutdown.
          terminationGracePeriodSeconds: 30,
          tolerations: [{ operator: "Exists" }],
          containers: [
            {
              name: "fluentbit",
              ...image(model, "fluentbit"),
              command: [...CONTAINERS.fluentbit.command],
              args: [...CONTAINERS.fluentbit.args],
              env: [
                secretEnv(INGEST_PASSWORD_ENV, SECRET_KEYS.ingestPassword),
                { name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
              ],
              ports: containerPorts(model, "fluentbit"),
              // "/" answers whenever the process serves; /api/v1/health turns unhealthy on output errors.
              livenessProbe: httpProbe("/", "http", 10, { initialDelaySeconds: 5 }),
              readinessProbe: httpProbe("/api/v1/health", "http", 10, { initialDelaySeconds: 5 }),
              // Measured (docs/benchmarks.md): ~8 CPU-s per million lines, so 10,000 lines/s
              // need ~0.08 CPU; the limit leaves room to drain a backlog several times faster
              // than it grows. Memory peaks with a backlog (chunks up in memory, see
              // storage.max_chunks_up in gen/fluentbit/config.ts).
              resources: containerResources(model.settings.resources.fluentbit),
              securityContext: containerSecurity({ runAsRoot: true }),
              volumeMounts: [
                { name: "varlog", mountPath: "/var/log", readOnly: true },
                // Docker-runtime nodes keep the log files here (/var/log/containers links to them).
                { name: "dockercontainers", mountPath: "/var/lib/docker/containers", readOnly: true },
                // Tail positions and filesystem buffers survive pod restarts: nothing read twice or lost.
                { name: "state", mountPath: STATE_DIR },
                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
            { name: "dockercontainers", hostPath: { path: "/var/lib/docker/containers", type: "DirectoryOrCreate" } },
            { name: "state", hostPath: { path: STATE_DIR, type: "DirectoryOrCreate" } },
            { name: "config", configMap: { name: configName } },
          ],
        },
      },
    },
  };
}

export const fluentbitServices = (model: Model): Service[] => services(model, "fluentbit");
