// What the pipeline tests and the pipeline benchmark share: a ClickHouse to insert into,
// real fluent-bit with the generated local config, and container log files laid out as
// the kubelet lays them out (/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log).
//
// ClickHouse, in order of preference:
// - CLICKHOUSE_URL: a running server (http://user:password@host:port); the schema is created;
// - CLICKHOUSE (or `clickhouse` on PATH): a server started on loopback with the generated
//   server config, users and startup scripts;
// - CLICKHOUSE_HTTP_STANDIN (or ../shared/tools/clickhouse-http-chdb.mjs when it exists):
//   ClickHouse's engine (chDB) behind a stand-in for its HTTP interface. Not a server: no
//   users, no server config; every report names it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { serverConfigXml, startupScriptsXml, usersXml } from "../gen/clickhouse/config.ts";
import { ddlStatements } from "../gen/clickhouse/ddl.ts";
import { fluentBitLocalConfig, type LocalOptions } from "../gen/fluentbit/config.ts";
import { CLICKHOUSE_DATA_DIR } from "../gen/model/containers.ts";
import { loadModel } from "../gen/model/model.ts";
import { chdbNowMs, engineClockEnv } from "../gen/test/engine-clock.ts";
import { findBinary } from "./binaries.ts";
import { fluentBitBinary, missingFluentBit } from "./fluent-bit-build.ts";
import type { Engine } from "./engines.ts";
import { freePort } from "./net.ts";

export { freePort };

export const ROOT = resolve(import.meta.dirname, "..");
const DEFAULT_STANDIN = resolve(ROOT, "../shared/tools/clickhouse-http-chdb.mjs");

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export { fluentBitBinary };

type ClickHouseKind = "url" | "server" | "standin";

/** Which ClickHouse the tests would use here, or undefined when there is none. */
export function clickhouseKind(): ClickHouseKind | undefined {
  if (process.env["CLICKHOUSE_URL"]) return "url";
  if (findBinary(process.env["CLICKHOUSE"] ?? "clickhouse") !== undefined) return "server";
  const standin = process.env["CLICKHOUSE_HTTP_STANDIN"] ?? DEFAULT_STANDIN;
  return existsSync(standin) ? "standin" : undefined;
}

/** What the pipeline suites need and this machine lacks: fluent-bit and a ClickHouse (for requireEngine). */
export const missingPipelineEngines = (): Engine[] => [
  ...missingFluentBit(),
  ...(clickhouseKind() === undefined ? [{ name: "clickhouse", hint: "CLICKHOUSE_URL, CLICKHOUSE, or ../shared/tools/clickhouse-http-chdb.mjs" }] : []),
];

export interface ClickHouse {
  /** What it is, for reports: a server, or the chDB stand-in. */
  readonly description: string;
  readonly host: string;
  readonly port: number;
  /** The user FluentBit inserts as, and its password. */
  readonly ingestUser: string;
  readonly ingestPassword: string;
  /** Runs SQL as the admin; returns the response text. */
  query(sql: string): Promise<string>;
  /**
   * SIGKILLs the server (or stand-in) and starts it again on the same port and data, after
   * `downMs` (default 0) without it: an outage as clients see one (connections refused).
   */
  crash(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** The server's (or stand-in's) process id, for CPU accounting; undefined for CLICKHOUSE_URL. */
  pid(): number | undefined;
}

function httpClient(base: URL, user: string, password: string): (sql: string) => Promise<string> {
  return async (sql) => {
    // base.origin: fetch refuses a URL with credentials; they go in headers.
    const res = await fetch(new URL("/", base.origin), {
      method: "POST",
      body: sql,
      headers: { "X-ClickHouse-User": user, "X-ClickHouse-Key": password },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text}`);
    return text;
  };
}

async function waitForPing(base: URL, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`ClickHouse exited ${child.exitCode}: ${log()}`);
    const ok = await fetch(new URL("/ping", base)).then((r) => r.ok, () => false);
    if (ok) return;
    if (i > 1200) throw new Error(`ClickHouse not ready after 120 s: ${log()}`);
    await sleep(100);
  }
}

const killAndWait = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  await exited;
};

/** A process that answers /ping at `base`, and can be SIGKILLed and started again the same way. */
async function restartable(base: URL, spawnOnce: () => ChildProcess): Promise<Pick<ClickHouse, "crash" | "stop" | "pid">> {
  let log = "";
  const start = async (): Promise<ChildProcess> => {
    const c = spawnOnce();
    c.stderr?.on("data", (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
    await waitForPing(base, c, () => log);
    return c;
  };
  let child = await start();
  return {
    crash: async (downMs = 0) => {
      await killAndWait(child, "SIGKILL");
      if (downMs > 0) await sleep(downMs);
      child = await start();
    },
    stop: () => killAndWait(child, "SIGTERM"),
    pid: () => child.pid,
  };
}

/** A running ClickHouse with the generated schema. */
export async function startClickHouse(dir: string): Promise<ClickHouse> {
  const kind = clickhouseKind();
  if (kind === undefined) throw new Error("no ClickHouse: set CLICKHOUSE_URL, CLICKHOUSE or CLICKHOUSE_HTTP_STANDIN");
  const { names } = loadModel(ROOT);
  if (kind === "url") {
    const url = new URL(process.env["CLICKHOUSE_URL"] ?? "");
    const user = decodeURIComponent(url.username) || "default";
    const password = decodeURIComponent(url.password);
    const query = httpClient(url, user, password);
    for (const statement of ddlStatements(loadModel(ROOT))) await query(statement);
    const refuse = (): Promise<void> => Promise.reject(new Error("CLICKHOUSE_URL: a server this test did not start cannot be crashed"));
    return { description: `ClickHouse at ${url.host}`, host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)), query, ingestUser: user, ingestPassword: password, crash: refuse, stop: async () => {}, pid: () => undefined };
  }
  const port = await freePort();
  const base = new URL(`http://127.0.0.1:${port}`);
  if (kind === "server") {
    const bin = findBinary(process.env["CLICKHOUSE"] ?? "clickhouse") as string;
    // The generated server config with loopback, free ports and a temp data folder.
    const raw = JSON.parse(readFileSync(resolve(ROOT, "ports.json"), "utf8")) as { services: { clickhouse: Record<string, number> } };
    for (const name of Object.keys(raw.services.clickhouse)) raw.services.clickhouse[name] = name === "http" ? port : await freePort();
    writeFileSync(join(dir, "ports.json"), JSON.stringify(raw));
    const model = loadModel(ROOT, join(dir, "ports.json"));
    const etc = join(dir, "clickhouse-etc");
    const data = join(dir, "clickhouse-data");
    mkdirSync(join(etc, "config.d"), { recursive: true });
    const local = (xml: string): string => xml.replaceAll(CLICKHOUSE_DATA_DIR, data).replace(/<listen_host>[^<]*<\/listen_host>/g, "<listen_host>127.0.0.1</listen_host>");
    writeFileSync(join(etc, "config.xml"), local(serverConfigXml(model)));
    writeFileSync(join(etc, "users.xml"), local(usersXml(model)));
    writeFileSync(join(etc, "config.d", "init.xml"), local(startupScriptsXml(model)));
    const admin = `admin-${process.pid}-${Date.now()}`;
    const ingest = `ingest-${process.pid}-${Date.now()}`;
    const server = await restartable(base, () =>
      spawn(bin, ["server", `--config-file=${join(etc, "config.xml")}`], {
        cwd: dir,
        env: { ...engineClockEnv(), [names.passwordEnv.default]: admin, [names.passwordEnv.ingest]: ingest },
        stdio: ["ignore", "ignore", "pipe"],
      }),
    );
    return {
      description: `clickhouse server (${bin}) with the generated config`,
      host: "127.0.0.1",
      port,
      ingestUser: names.ingestUser,
      ingestPassword: ingest,
      query: httpClient(base, "default", admin),
      ...server,
    };
  }
  const standin = process.env["CLICKHOUSE_HTTP_STANDIN"] ?? DEFAULT_STANDIN;
  const data = join(dir, "chdb-data");
  // The stand-in resolves `chdb` from NODE_PATH: this repository's node_modules. It binds no
  // query parameters, which HyperDX sends: checks/standin-query-params.mjs does.
  const standinProcess = await restartable(base, () =>
    spawn(process.execPath, ["--import", resolve(ROOT, "checks/standin-query-params.mjs"), standin, String(port), data], {
      env: { ...engineClockEnv(), NODE_PATH: resolve(ROOT, "node_modules") },
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  const query = httpClient(base, "default", "");
  for (const statement of ddlStatements(loadModel(ROOT))) await query(statement);
  const version = (await query("SELECT version()")).trim();
  return {
    description: `chDB ${version} behind ${standin.replace(`${dirname(ROOT)}/`, "../")} (ClickHouse's engine; not a server: no users or server config)`,
    host: "127.0.0.1",
    port,
    ingestUser: names.ingestUser,
    ingestPassword: "",
    query,
    ...standinProcess,
  };
}

/** The kubelet's layout; the ingest view reads the pod from it. */
export interface PodLog {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly container: string;
}

/** The folder under `root` laid out like /var/log/pods. */
export const podsDir = (root: string): string => join(root, "pods");

export function podLogFile(root: string, p: PodLog, restarts = 0): string {
  const dir = join(podsDir(root), `${p.namespace}_${p.pod}_${p.uid}`, p.container);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${restarts}.log`);
}

/** The folder of pod metadata files the local config's kubernetes filter reads (see podMetadata). */
export const podMetadataDir = (root: string): string => join(root, "pod-metadata");

/**
 * Writes what the Kubernetes API would answer for the pod (its labels, its container), where
 * the kubernetes filter looks before asking a server: <namespace>_<pod>.meta.
 */
export function podMetadata(root: string, p: PodLog, labels: Record<string, string>): void {
  mkdirSync(podMetadataDir(root), { recursive: true });
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.pod, namespace: p.namespace, uid: p.uid, labels },
    spec: { nodeName: "node", containers: [{ name: p.container, image: `example/${p.container}:1` }] },
    status: { containerStatuses: [{ name: p.container, image: `example/${p.container}:1`, imageID: "sha256:0", containerID: "containerd://0" }] },
  };
  writeFileSync(join(podMetadataDir(root), `${p.namespace}_${p.pod}.meta`), JSON.stringify(pod));
}

/** A CRI time (RFC 3339, 9 decimals, UTC) from epoch nanoseconds. */
export function criTime(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = String(ns % 1_000_000_000n).padStart(9, "0");
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}
/** otel_logs' Timestamp as toString() prints it. */
export const storedTime = (cri: string): string => cri.replace("T", " ").replace("Z", "");

// Record times follow the engine's clock (gen/test/engine-clock.ts): this process's clock
// may be moved (faketime), ClickHouse's and the programs' under test are not.
const ENGINE_CLOCK_OFFSET_MS = chdbNowMs() - Date.now();
/** Epoch milliseconds on the engine's clock. */
export const engineNow = (): number => Date.now() + ENGINE_CLOCK_OFFSET_MS;

/** Epoch nanoseconds now on the engine's clock (ms precision, with a distinct sub-ms part per call). */
let lastNs = 0n;
export function nowNs(): bigint {
  let ns = BigInt(engineNow()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
  if (ns <= lastNs) ns = lastNs + 1n;
  lastNs = ns;
  return ns;
}

export interface FluentBit {
  child: ChildProcess;
  log(): string;
  /** SIGKILL, then start again with the same config and state. */
  crash(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startFluentBit(config: string, env: Record<string, string>): FluentBit {
  const bin = fluentBitBinary();
  if (bin === undefined) throw new Error("no fluent-bit (PATH or FLUENT_BIT)");
  let out = "";
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-8000));
  const start = (): ChildProcess => {
    const c = spawn(bin, ["-c", config], { env: { ...engineClockEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    c.stdout?.on("data", keep);
    c.stderr?.on("data", keep);
    return c;
  };
  const fb = {
    child: start(),
    log: () => out,
    crash: async () => {
      await killAndWait(fb.child, "SIGKILL");
      fb.child = start();
    },
    stop: (signal: NodeJS.Signals = "SIGTERM") => killAndWait(fb.child, signal),
  };
  return fb;
}

/** Resolves once something answers HTTP on 127.0.0.1:`port` (FluentBit's HTTP inputs listen once it has started), or after ~10 s. */
export async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "" }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await sleep(100);
  }
}

/**
 * The generated chain's local config for the pods under `root` (podLogFile), sending to `ch`
 * as its ingest user, with the kubernetes filter reading the pods' labels from podMetadata's
 * files instead of the API.
 */
export function localConfig(ch: Pick<ClickHouse, "host" | "port" | "ingestUser">, root: string, o: Omit<LocalOptions, "logFile" | "clickhouse" | "user" | "podMetadata">): string {
  const { names } = loadModel(ROOT);
  return fluentBitLocalConfig(names, {
    logFile: join(podsDir(root), "*", "*", "*.log"),
    clickhouse: { host: ch.host, port: ch.port },
    user: ch.ingestUser,
    podMetadata: { dir: podMetadataDir(root), podsDir: podsDir(root) },
    ...o,
  });
}
