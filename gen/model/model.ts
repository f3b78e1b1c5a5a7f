// The whole model the generators read: ports.json plus the image definitions.
import { resolve } from "node:path";
import { loadImages, type Images } from "./images.ts";
import { loadPorts, type Ports } from "./ports.ts";
import { loadVersions, type Versions } from "./versions.ts";

export interface Model {
  readonly ports: Ports;
  readonly images: Images;
  /** What Nix ships; the generator emits only keys these versions read. */
  readonly versions: Versions;
}

export function loadModel(root: string, portsFile = resolve(root, "ports.json")): Model {
  return { ports: loadPorts(portsFile), images: loadImages(resolve(root, "gen/images.json")), versions: loadVersions(resolve(root, "gen/versions.json")) };
}
