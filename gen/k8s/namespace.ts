// The namespace every component lives in.
import type { Namespace } from "kubernetes-types/core/v1.js";
import { NAMESPACE } from "../model/names.ts";

export function namespace(): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NAMESPACE, labels: { "app.kubernetes.io/name": NAMESPACE } },
  };
}
