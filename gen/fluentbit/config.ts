// STUB (issue 4 replaces it): FluentBit YAML config for the DaemonSet.
import type { Model } from "../model/model.ts";

export function fluentBitConfig(model: Model): string {
  return `service:
  flush: 1
  http_server: on
  http_listen: 0.0.0.0
  http_port: ${model.ports.services.fluentbit.http}
  health_check: on
pipeline:
  inputs:
    - name: dummy
      tag: stub
  outputs:
    - name: stdout
      match: "*"
`;
}
