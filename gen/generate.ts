// Everything the generator produces, as a pure function of the model and its inputs.
import { initSql } from "./clickhouse/ddl.ts";
import { kustomization, manifests } from "./k8s/manifests.ts";
import type { Model } from "./model/model.ts";
import { nixModel } from "./nix/model.ts";
import { jsonFile, sortFiles, sqlFile, yamlFile, type GeneratedFile } from "./write.ts";

export const K8S_DIR = "k8s.generated";

export function generate(model: Model): GeneratedFile[] {
  const byFile = manifests(model);
  const names = Object.keys(byFile).sort();
  return sortFiles([
    ...names.map((name) => yamlFile(`${K8S_DIR}/${name}`, byFile[name] ?? [])),
    yamlFile(`${K8S_DIR}/kustomization.yaml`, [kustomization(names)]),
    sqlFile("sql/init.sql", initSql(model)),
    jsonFile("nix.generated/model.json", nixModel(model)),
  ]);
}
