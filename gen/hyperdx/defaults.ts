// STUB (issue 6 replaces it): HyperDX local-mode defaults (connection and sources).
import type { Model } from "../model/model.ts";

export function hyperdxDefaults(_model: Model): { connections: unknown[]; sources: unknown[] } {
  return { connections: [], sources: [] };
}
