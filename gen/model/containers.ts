// The container contract: what each image provides (its commands, its numeric user) and the
// paths the manifests mount into it. The manifests (gen/k8s/) and the images (nix/images.nix,
// through nix.generated/model.json) read it here, so the two cannot drift apart.
import type { ServiceName } from "./ports.ts";

export interface Container {
  /** The image's entrypoint, an absolute path inside the image. */
  readonly command: readonly string[];
  /** Arguments after the command (the manifest's `args`, the image's Cmd tail). */
  readonly args: readonly string[];
  /** Numeric user and group the image declares and the pod runs as (0: root, no capabilities). */
  readonly uid: number;
  /** Where the pod mounts the component's generated configuration. */
  readonly configDir: string;
}

/** root: a container that runs as root, with every capability dropped. */
export const ROOT_UID = 0;

const FLUENTBIT_CONFIG_DIR = "/fluent-bit/etc";
const CLICKHOUSE_CONFIG_DIR = "/etc/clickhouse-server";

/** FluentBit's config, a key of its ConfigMap and so a file in configDir. */
export const FLUENTBIT_CONFIG_FILE = "fluent-bit.yaml";

export const CONTAINERS = {
  // A compiled wrapper -> slim Node -> loggen's dist/ (nix/loggen.nix).
  loggen: { command: ["/bin/loggen"], args: [], uid: 65532, configDir: "" },
  // Root only to read the root-owned container logs; every capability dropped (gen/k8s/fluentbit.ts).
  fluentbit: { command: ["/bin/fluent-bit"], args: ["-c", `${FLUENTBIT_CONFIG_DIR}/${FLUENTBIT_CONFIG_FILE}`], uid: ROOT_UID, configDir: FLUENTBIT_CONFIG_DIR },
  clickhouse: { command: ["/bin/clickhouse", "server"], args: [`--config-file=${CLICKHOUSE_CONFIG_DIR}/config.xml`], uid: 10001, configDir: CLICKHOUSE_CONFIG_DIR },
  // The static UI (static-web-server); the same image also runs /bin/haproxy (HYPERDX_PROXY).
  hyperdx: { command: ["/bin/hyperdx-serve"], args: [], uid: 10001, configDir: "/etc/hyperdx" },
} as const satisfies { readonly [S in ServiceName]: Container };

/** The HyperDX image's second program: the UI's origin in front of the static server. */
export const HYPERDX_PROXY = { command: ["/bin/haproxy"] } as const;

/** FluentBit's tail offsets and buffered chunks (a hostPath, so they survive pod restarts). */
export const FLUENTBIT_STATE_DIR = "/var/lib/fluent-bit";
/** ClickHouse's data (the StatefulSet's volume). */
export const CLICKHOUSE_DATA_DIR = "/var/lib/clickhouse";

/** "uid:gid", as an image's config.User. */
export const imageUser = (c: Container): string => `${c.uid}:${c.uid}`;
