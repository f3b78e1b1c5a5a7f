// loggen: the Deployment whose logs the pipeline carries (design 9.2, Appendix B).
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { CONTAINERS } from "../model/containers.ts";
import type { Model } from "../model/model.ts";
import { containerPorts, containerResources, containerSecurity, httpProbe, image, labels, meta, podSecurity, selectorLabels } from "./common.ts";

/** Appendix B's defaults, passed as env so `kubectl edit` can change them. */
export const LOGGEN_ENV = {
  LOGGEN_MAX_NUMBER: "100",
  LOGGEN_NUM_STRINGS: "10",
  LOGGEN_SLEEP_DURATION: "5s",
} as const;

export function loggenDeployment(model: Model): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(model.names, "loggen"),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels("loggen") },
      template: {
        metadata: { labels: labels(model.names, "loggen") },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(CONTAINERS.loggen.uid),
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: "loggen",
              ...image(model, "loggen"),
              command: [...CONTAINERS.loggen.command],
              env: [
                ...Object.entries(LOGGEN_ENV).map(([name, value]) => ({ name, value })),
                { name: "LOGGEN_HEALTH_PORT", value: String(model.ports.services.loggen.health) },
              ],
              ports: containerPorts(model, "loggen"),
              livenessProbe: httpProbe("/health", "health", 10, { initialDelaySeconds: 5 }),
              readinessProbe: httpProbe("/ready", "health", 5, { initialDelaySeconds: 2 }),
              resources: containerResources(model.settings.resources.loggen),
              securityContext: containerSecurity(),
            },
          ],
        },
      },
    },
  };
}
