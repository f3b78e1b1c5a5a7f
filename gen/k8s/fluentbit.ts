// FluentBit: DaemonSet tailing every container's logs on each node and taking OTLP/HTTP and
// JSON over HTTP, its config (generated YAML), Services and RBAC. It asks the Kubernetes
// API only for pods (get: their labels name the service); the pod's identity is in the log
// file's path and the node's name comes from the downward API.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { ClusterRole, ClusterRoleBinding } from "kubernetes-types/rbac/v1.js";
import { CONFIG_DIR, fluentBitConfig, NODE_NAME_ENV, STATE_DIR } from "../fluentbit/config.ts";
import { CONTAINERS, FLUENTBIT_CONFIG_FILE } from "../model/containers.ts";
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
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

/** The pods' identity towards the API: it may read pods, nothing else. */
export function fluentbitRbac(names: Names): [ServiceAccount, ClusterRole, ClusterRoleBinding] {
  const account = meta(names, "fluentbit");
  const { name, namespace } = account;
  if (name === undefined || namespace === undefined) throw new Error("generator bug: FluentBit's metadata has no name or namespace");
  // Cluster-wide objects carry no namespace; the same name says whose they are.
  const clusterMeta = { name: `${namespace}-${name}`, labels: labels(names, "fluentbit") };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: account },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: clusterMeta,
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: clusterMeta,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterMeta.name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  ];
}

export function fluentbitConfigMap(model: Model): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(model.names, "fluentbit", "fluentbit-config"),
    data: { [FLUENTBIT_CONFIG_FILE]: fluentBitConfig(model) },
  };
}

/** `config` is the ConfigMap the pods mount: its checksum restarts them when it changes. */
export function fluentbitDaemonSet(model: Model, config: ConfigMap, account: ServiceAccount): DaemonSet {
  const configName = config.metadata?.name;
  if (configName === undefined) throw new Error("generator bug: the FluentBit ConfigMap has no name");
  const accountName = account.metadata?.name;
  if (accountName === undefined) throw new Error("generator bug: the FluentBit ServiceAccount has no name");
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta(model.names, "fluentbit"),
    spec: {
      selector: { matchLabels: selectorLabels("fluentbit") },
      updateStrategy: { type: "RollingUpdate" },
      template: {
        metadata: { labels: labels(model.names, "fluentbit"), annotations: configChecksum(model.names, config) },
        spec: {
          // The kubernetes filter reads the token and CA from the mounted service account.
          serviceAccountName: accountName,
          automountServiceAccountToken: true,
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
                // The ingest user's password, which the config reads as ${...} (gen/fluentbit/config.ts).
                secretEnv(model.names, model.names.passwordEnv.ingest, model.names.secretKeys.ingestPassword),
                { name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
              ],
              ports: containerPorts(model, "fluentbit"),
              // "/" answers whenever the process serves; /api/v1/health turns unhealthy on output errors.
              livenessProbe: httpProbe("/", "http", 10, { initialDelaySeconds: 5 }),
              readinessProbe: httpProbe("/api/v1/health", "http", 10, { initialDelaySeconds: 5 }),
              // Measured (docs/benchmarks.md): 13-15 CPU-s per million lines, so 10,000 lines/s
              // need ~0.15 CPU; the limit leaves room to drain a backlog several times faster
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
