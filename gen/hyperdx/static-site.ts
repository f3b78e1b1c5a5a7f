// The document root static-web-server serves for HyperDX, as a list of symlinks: the export
// under its basePath, the files HyperDX asks for at the root (rootAliases), and the two files
// the ConfigMap supplies at run time. A pure function; static-site-main.ts makes the links.
import { HYPERDX_CONFIG_DIR } from "../k8s/hyperdx.ts";
import { HYPERDX_BASE_PATH } from "./defaults.ts";
import { rootAliases } from "./static-server.ts";

/** The ConfigMap's keys that the site serves at the root (gen/k8s/hyperdx.ts writes them). */
export const CONFIG_FILES = ["__ENV.js", "index.html"] as const;

export interface SiteLink {
  /** Path in the document root. */
  readonly name: string;
  /** Absolute target. */
  readonly target: string;
}

export function siteLinks(exportFiles: readonly string[], exportDir: string, configDir: string = HYPERDX_CONFIG_DIR): SiteLink[] {
  return [
    { name: HYPERDX_BASE_PATH.slice(1), target: exportDir },
    ...rootAliases(exportFiles).map((name) => ({ name, target: `${exportDir}/${name}` })),
    ...CONFIG_FILES.map((name) => ({ name, target: `${configDir}/${name}` })),
  ];
}
