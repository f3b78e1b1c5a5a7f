// The whole model the generators read: ports.json, the names several files must agree on
// (gen/names.json), the images, the versions Nix ships and the deployment settings
// (retention, resources).
import { resolve } from "node:path";
import { loadImages, type Images } from "./images.ts";
import { loadNames, type Names } from "./names-schema.ts";
import { loadPorts, type Ports } from "./ports.ts";
import { loadSettings, type Settings } from "./settings.ts";
import { loadVersions, type Versions } from "./versions.ts";

export interface Model {
  readonly ports: Ports;
  /** Namespace, database, tables, users and the credentials Secret (gen/names.json). */
  readonly names: Names;
  readonly images: Images;
  /** What Nix ships; the generator emits only keys these versions read. */
  readonly versions: Versions;
  readonly settings: Settings;
}

export function loadModel(root: string, portsFile = resolve(root, "ports.json"), settingsFile = resolve(root, "gen/settings.json")): Model {
  return {
    ports: loadPorts(portsFile),
    names: loadNames(resolve(root, "gen/names.json")),
    images: loadImages(resolve(root, "gen/images.json")),
    versions: loadVersions(resolve(root, "gen/versions.json"), root),
    settings: loadSettings(settingsFile),
  };
}
