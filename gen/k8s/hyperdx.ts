// HyperDX: the browser-only UI (local mode, no MongoDB), served as static files; the
// browser then talks to ClickHouse's HTTP port directly through the host forward. The
// default connection and Logs source reach the page at runtime through /__ENV.js, which
// this ConfigMap supplies, so the image does not depend on ports.json.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { hyperdxLandingHtml, hyperdxRuntimeEnvJs } from "../hyperdx/defaults.ts";
import type { Model } from "../model/model.ts";
import {
  configChecksum,
  containerPorts,
  containerSecurity,
  httpProbe,
  image,
  labels,
  meta,
  podSecurity,
  selectorLabels,
  services,
} from "./common.ts";

/** Where the static server expects /__ENV.js and /index.html (nix/hyperdx/default.nix links them). */
export const HYPERDX_CONFIG_DIR = "/etc/hyperdx";

export function hyperdxConfigMap(model: Model): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("hyperdx", "hyperdx-defaults"),
    data: { "__ENV.js": hyperdxRuntimeEnvJs(model), "index.html": hyperdxLandingHtml(model) },
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
        metadata: { labels: labels("hyperdx"), annotations: configChecksum(hyperdxConfigMap(model)) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(10001),
          containers: [
            {
              name: "hyperdx",
              ...image(model, "hyperdx"),
              // static-web-server with the site baked in; only the port comes from here.
              command: ["/bin/hyperdx-serve"],
              args: ["--port", String(model.ports.services.hyperdx.ui)],
              ports: containerPorts(model, "hyperdx"),
              // /health is the server's own endpoint: it does not depend on the ConfigMap.
              livenessProbe: httpProbe("/health", "ui", 10, { initialDelaySeconds: 2 }),
              readinessProbe: httpProbe("/health", "ui", 5, { initialDelaySeconds: 1 }),
              resources: {
                requests: { cpu: "10m", memory: "32Mi" },
                limits: { cpu: "200m", memory: "128Mi" },
              },
              securityContext: containerSecurity(),
              // The whole folder, not subPath mounts: those would not see ConfigMap updates.
              volumeMounts: [{ name: "defaults", mountPath: HYPERDX_CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: "defaults", configMap: { name: "hyperdx-defaults" } }],
        },
      },
    },
  };
}

export const hyperdxServices = (model: Model): Service[] => services(model, "hyperdx");
