// The namespace every component lives in.
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { Names } from "../model/names-schema.ts";

export function namespace(names: Names): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: names.namespace, labels: { "app.kubernetes.io/name": names.namespace } },
  };
}
