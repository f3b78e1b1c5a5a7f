// HyperDX: the browser-only UI, served as static files; the browser then talks to
// ClickHouse's HTTP port directly through the host forward.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { hyperdxDefaults } from "../hyperdx/defaults.ts";
import type { Model } from "../model/model.ts";
import { containerPorts, containerSecurity, httpProbe, image, labels, meta, podSecurity, selectorLabels, services } from "./common.ts";

export function hyperdxConfigMap(model: Model): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("hyperdx", "hyperdx-defaults"),
    data: { "defaults.json": `${JSON.stringify(hyperdxDefaults(model), null, 2)}\n` },
  };
}

export function hyperdxDeployment(model: Model): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta("hyperdx"),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels("hyperdx") },
      template: {
        metadata: { labels: labels("hyperdx") },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(10001),
          containers: [
            {
              name: "hyperdx",
              ...image(model, "hyperdx"),
              command: ["/bin/hyperdx-serve"],
              env: [{ name: "PORT", value: String(model.ports.services.hyperdx.ui) }],
              ports: containerPorts(model, "hyperdx"),
              livenessProbe: httpProbe("/", "ui", 10, { initialDelaySeconds: 2 }),
              readinessProbe: httpProbe("/", "ui", 5, { initialDelaySeconds: 1 }),
              resources: {
                requests: { cpu: "10m", memory: "32Mi" },
                limits: { cpu: "200m", memory: "128Mi" },
              },
              securityContext: containerSecurity(),
            },
          ],
        },
      },
    },
  };
}

export const hyperdxServices = (model: Model): Service[] => services(model, "hyperdx");
