// Image names and tags, defined once in gen/images.json: the manifests reference
// them here and Nix (nix/images.nix) tags the images it builds from the same file.
import { SERVICE_PORTS, type ServiceName } from "./ports.ts";
import { Problems, readJson } from "./validate.ts";

export interface Image {
  readonly name: string;
  readonly tag: string;
}
export type Images = { readonly [S in ServiceName]: Image };

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SERVICES = Object.keys(SERVICE_PORTS) as readonly ServiceName[];
const FIXED_TAG = `a fixed tag such as "0.1.0" (not "latest")`;

export function parseImages(raw: unknown, file = "gen/images.json"): Images {
  const problems = new Problems(file);
  const obj = problems.object(raw, "", `an object keyed by ${SERVICES.join(", ")}`);
  if (obj === undefined) return problems.fail();
  problems.unknownKeys(obj, "", SERVICES);
  for (const s of SERVICES) {
    const v = problems.object(obj[s], s, `{"name": ..., "tag": ...}`);
    if (v === undefined) continue;
    problems.string(v["name"], `${s}.name`, NAME, `a lower-case image name such as "otel-demo/${s}"`);
    if (v["tag"] === "latest") problems.add(`${s}.tag`, FIXED_TAG, v["tag"]);
    else problems.string(v["tag"], `${s}.tag`, TAG, FIXED_TAG);
    problems.unknownKeys(v, s, ["name", "tag"]);
  }
  problems.done();
  return raw as Images;
}

export function loadImages(file: string): Images {
  return parseImages(readJson(file), file);
}

/** "name:tag", as the manifests and `docker load` see it. */
export const imageRef = (image: Image): string => `${image.name}:${image.tag}`;
