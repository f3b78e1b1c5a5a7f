// Image names and tags, defined once in gen/images.json: the manifests reference
// them here and Nix (nix/images.nix) tags the images it builds from the same file.
import { readFileSync } from "node:fs";
import type { ServiceName } from "./ports.ts";

export interface Image {
  readonly name: string;
  readonly tag: string;
}
export type Images = { readonly [S in ServiceName]: Image };

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SERVICES: readonly ServiceName[] = ["loggen", "fluentbit", "clickhouse", "hyperdx"];

export function parseImages(raw: unknown, file = "gen/images.json"): Images {
  const problems: string[] = [];
  const obj = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (obj !== raw) problems.push(`top level: expected an object keyed by ${SERVICES.join(", ")}`);
  for (const key of Object.keys(obj)) {
    if (!SERVICES.includes(key as ServiceName)) problems.push(`${key}: unknown key; allowed: ${SERVICES.join(", ")}`);
  }
  for (const s of SERVICES) {
    const v = obj[s] as Record<string, unknown> | undefined;
    if (typeof v !== "object" || v === null) {
      problems.push(`${s}: missing; expected {"name": ..., "tag": ...}`);
      continue;
    }
    if (typeof v["name"] !== "string" || !NAME.test(v["name"])) {
      problems.push(`${s}.name: expected a lower-case image name such as "otel-demo/${s}", got ${JSON.stringify(v["name"])}`);
    }
    if (typeof v["tag"] !== "string" || !TAG.test(v["tag"]) || v["tag"] === "latest") {
      problems.push(`${s}.tag: expected a fixed tag such as "0.1.0" (not "latest"), got ${JSON.stringify(v["tag"])}`);
    }
    for (const k of Object.keys(v)) if (k !== "name" && k !== "tag") problems.push(`${s}.${k}: unknown key; allowed: name, tag`);
  }
  if (problems.length > 0) throw new Error(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return raw as Images;
}

export function loadImages(file: string): Images {
  return parseImages(JSON.parse(readFileSync(file, "utf8")), file);
}

/** "name:tag", as the manifests and `docker load` see it. */
export const imageRef = (image: Image): string => `${image.name}:${image.tag}`;
