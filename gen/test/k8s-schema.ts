// Validates a Kubernetes object against the official OpenAPI schema of its kind,
// through kubernetes-models (which ships the upstream schemas with a validator).
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** kubernetes-models lays out its classes as <group>/<version>/<Kind>; the core group is plain "v1". */
function modelPath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

interface Validatable {
  validate(): void;
}

export function validateObject(o: Record<string, unknown>): void {
  const apiVersion = o["apiVersion"];
  const kind = o["kind"];
  assert.ok(typeof apiVersion === "string" && typeof kind === "string", "apiVersion and kind are set");
  const mod = require(modelPath(apiVersion, kind)) as Record<string, new (data: unknown) => Validatable>;
  const Model = mod[kind];
  assert.ok(Model, `kubernetes-models has no ${apiVersion} ${kind}`);
  const name = (o["metadata"] as { name?: string } | undefined)?.name ?? "?";
  try {
    new Model(o).validate();
  } catch (e) {
    assert.fail(`${kind}/${name} does not match the Kubernetes schema: ${(e as Error).message}`);
  }
}
