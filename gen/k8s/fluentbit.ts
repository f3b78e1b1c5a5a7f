// FluentBit: DaemonSet tailing container logs on each node, with the RBAC its
// kubernetes filter needs, its config (generated YAML + lua/transform.lua) and Services.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { ClusterRole, ClusterRoleBinding } from "kubernetes-types/rbac/v1.js";
import { CONFIG_DIR, CONFIG_FILE, fluentBitConfig, INGEST_PASSWORD_ENV, STATE_DIR } from "../fluentbit/config.ts";
import type { Model } from "../model/model.ts";
import { NAMESPACE, SECRET_KEYS } from "../model/names.ts";
import {
  configChecksum,
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

export function fluentbitConfigMap(model: Model, transformLua: string): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("fluentbit", "fluentbit-config"),
    data: { "fluent-bit.yaml": fluentBitConfig(model), "transform.lua": transformLua },
  };
}

export function fluentbitRbac(): [ServiceAccount, ClusterRole, ClusterRoleBinding] {
  const name = "fluentbit";
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("fluentbit") },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name, labels: labels("fluentbit") },
      rules: [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, labels: labels("fluentbit") },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: NAMESPACE }],
    },
  ];
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
          serviceAccountName: "fluentbit",
          // Runs as root only to read the root-owned container logs; no capabilities.
          securityContext: podSecurity(null),
          // Enough time to flush buffered chunks to ClickHouse on shutdown.
          terminationGracePeriodSeconds: 30,
          tolerations: [{ operator: "Exists" }],
          containers: [
            {
              name: "fluentbit",
              ...image(model, "fluentbit"),
              command: ["/bin/fluent-bit"],
              args: ["-c", CONFIG_FILE],
              env: [secretEnv(INGEST_PASSWORD_ENV, SECRET_KEYS.ingestPassword)],
              ports: containerPorts(model, "fluentbit"),
              // "/" answers whenever the process serves; /api/v1/health turns unhealthy on output errors.
              livenessProbe: httpProbe("/", "http", 10, { initialDelaySeconds: 5 }),
              readinessProbe: httpProbe("/api/v1/health", "http", 10, { initialDelaySeconds: 5 }),
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "200m", memory: "128Mi" },
              },
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
