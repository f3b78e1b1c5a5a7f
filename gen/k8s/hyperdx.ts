// HyperDX: the browser-only UI (local mode, no MongoDB). One pod, two containers from one
// image: HAProxy on the UI port (the origin the browser uses) sends /clickhouse/... to the
// ClickHouse Service and the rest to static-web-server, which serves the export. The default
// connection (the page's own origin) and the Logs source reach the page at runtime through
// /__ENV.js, which this ConfigMap supplies with HAProxy's config, so the image does not depend
// on ports.json.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { hyperdxLandingHtml, hyperdxRuntimeEnvJs } from "../hyperdx/defaults.ts";
import { clickhouseHost } from "./clickhouse.ts";
import { haproxyConfig } from "../hyperdx/proxy.ts";
import { CONTAINERS, HYPERDX_PROXY } from "../model/containers.ts";
import type { Model } from "../model/model.ts";
import {
  nameOf,
  configChecksum,
  containerResources,
  containerSecurity,
  httpProbe,
  image,
  labels,
  meta,
  podSecurity,
  selectorLabels,
  services,
} from "./common.ts";

/** Where the static server expects /__ENV.js and /index.html (gen/hyperdx/static-site.ts links them). */
export const HYPERDX_CONFIG_DIR = CONTAINERS.hyperdx.configDir;

/** HAProxy's config in the ConfigMap. */
export const PROXY_CONFIG = "haproxy.cfg";

/** The proxy in the pod: listens on the UI port, reaches static-web-server on localhost. */
export function hyperdxProxyConfig(model: Model): string {
  const p = model.ports.services;
  return haproxyConfig({
    listen: { host: "0.0.0.0", port: p.hyperdx.ui },
    staticServer: { host: "127.0.0.1", port: p.hyperdx.static },
    clickhouse: { host: clickhouseHost(model), port: p.clickhouse.http },
    resolveAtRuntime: true,
  });
}

export function hyperdxConfigMap(model: Model): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(model.names, "hyperdx", "hyperdx-defaults"),
    data: { "__ENV.js": hyperdxRuntimeEnvJs(model.names), "index.html": hyperdxLandingHtml(model.names), [PROXY_CONFIG]: hyperdxProxyConfig(model) },
  };
}

export function hyperdxDeployment(model: Model): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(model.names, "hyperdx"),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels("hyperdx") },
      template: {
        metadata: { labels: labels(model.names, "hyperdx"), annotations: configChecksum(model.names, hyperdxConfigMap(model)) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(CONTAINERS.hyperdx.uid),
          containers: [
            {
              name: "proxy",
              ...image(model, "hyperdx"),
              // HAProxy (nixpkgs haproxy, in the image): -db stays in the foreground.
              command: [...HYPERDX_PROXY.command],
              args: ["-db", "-f", `${HYPERDX_CONFIG_DIR}/${PROXY_CONFIG}`],
              ports: [{ name: "ui", containerPort: model.ports.services.hyperdx.ui, protocol: "TCP" }],
              // Alive: it accepts connections. Ready: the page is served through it.
              livenessProbe: { tcpSocket: { port: "ui" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, initialDelaySeconds: 2 },
              readinessProbe: httpProbe("/health", "ui", 5, { initialDelaySeconds: 1 }),
              resources: containerResources(model.settings.resources.hyperdxProxy),
              securityContext: containerSecurity(),
              volumeMounts: [{ name: "defaults", mountPath: HYPERDX_CONFIG_DIR, readOnly: true }],
            },
            {
              name: "static",
              ...image(model, "hyperdx"),
              // static-web-server with the site and its generated TOML baked in; only the port
              // comes from here (the config file leaves host and port to the command line).
              command: [...CONTAINERS.hyperdx.command],
              args: ["--port", String(model.ports.services.hyperdx.static)],
              ports: [{ name: "static", containerPort: model.ports.services.hyperdx.static, protocol: "TCP" }],
              // /health is the server's own endpoint: it does not depend on the ConfigMap.
              livenessProbe: httpProbe("/health", "static", 10, { initialDelaySeconds: 2 }),
              readinessProbe: httpProbe("/health", "static", 5, { initialDelaySeconds: 1 }),
              resources: containerResources(model.settings.resources.hyperdx),
              securityContext: containerSecurity(),
              // The whole folder, not subPath mounts: those would not see ConfigMap updates.
              volumeMounts: [{ name: "defaults", mountPath: HYPERDX_CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: "defaults", configMap: { name: nameOf(hyperdxConfigMap(model)) } }],
        },
      },
    },
  };
}

// Only the UI port: static-web-server is reached through the proxy, in the pod.
export const hyperdxServices = (model: Model): Service[] => services(model, "hyperdx", ["ui"]);
