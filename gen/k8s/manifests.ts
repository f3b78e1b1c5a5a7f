// All Kubernetes objects, grouped into one file per component.
import type { Model } from "../model/model.ts";
import { clickhouseConfigMaps, clickhouseServices, clickhouseStatefulSet } from "./clickhouse.ts";
import { fluentbitConfigMap, fluentbitDaemonSet, fluentbitRbac, fluentbitServices } from "./fluentbit.ts";
import { hyperdxConfigMap, hyperdxDeployment, hyperdxServices } from "./hyperdx.ts";
import { loggenDeployment } from "./loggen.ts";
import { namespace } from "./namespace.ts";

/** A Kubernetes object as the writer sees it: only apiVersion and kind are needed. */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
}

export function manifests(model: Model): Record<string, K8sObject[]> {
  const fluentbitConfig = fluentbitConfigMap(model);
  const [fluentbitAccount, ...fluentbitAccess] = fluentbitRbac(model.names);
  return {
    "namespace.yaml": [namespace(model.names)],
    "loggen.yaml": [loggenDeployment(model)],
    "fluentbit.yaml": [
      fluentbitAccount,
      ...fluentbitAccess,
      fluentbitConfig,
      fluentbitDaemonSet(model, fluentbitConfig, fluentbitAccount),
      ...fluentbitServices(model),
    ],
    "clickhouse.yaml": [...clickhouseConfigMaps(model), clickhouseStatefulSet(model), ...clickhouseServices(model)],
    "hyperdx.yaml": [hyperdxConfigMap(model), hyperdxDeployment(model), ...hyperdxServices(model)],
  };
}

export function kustomization(files: readonly string[]): K8sObject & { resources: string[] } {
  return { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [...files] };
}
