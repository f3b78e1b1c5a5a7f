// A ClickHouse HTTP endpoint on loopback for end-to-end tests, with the generated schema:
// - a real server (a `clickhouse` binary on PATH or in CLICKHOUSE, as under `nix flake check`)
//   started with the generated config.xml, users.xml and startup scripts, so users and grants
//   are the real ones;
// - otherwise ../shared/tools/clickhouse-http-chdb.mjs beside the repository (ClickHouse's
//   engine, chDB, behind a stand-in of its HTTP interface: no users, no grants), with the
//   schema applied over HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { serverConfigXml, startupScriptsXml, usersXml } from "../gen/clickhouse/config.ts";
import { ddlStatements } from "../gen/clickhouse/ddl.ts";
import { CLICKHOUSE_DATA_DIR } from "../gen/model/containers.ts";
import { loadModel } from "../gen/model/model.ts";
import { engineClockEnv } from "../gen/test/engine-clock.ts";
import { findBinary } from "./binaries.ts";
import { freePort } from "./net.ts";

export { freePort };

const ROOT = resolve(import.meta.dirname, "..");
export const CHDB_HTTP = resolve(ROOT, "../shared/tools/clickhouse-http-chdb.mjs");

export interface Endpoint {
  readonly kind: "server" | "chdb-http";
  readonly url: string;
  /** Runs SQL as the admin. */
  query(sql: string): Promise<string>;
  /** A user that may only INSERT into otel_logs (real server only). */
  readonly ingest?: { readonly user: string; readonly password: string };
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What is available here, or why nothing is. */
export function endpointKind(): "server" | "chdb-http" | undefined {
  if (findBinary(process.env["CLICKHOUSE"] ?? "clickhouse") !== undefined) return "server";
  if (existsSync(CHDB_HTTP)) return "chdb-http";
  return undefined;
}

function client(base: string, user: string, password: string): (sql: string) => Promise<string> {
  return async (sql) => {
    const res = await fetch(base, { method: "POST", body: sql, headers: { "X-ClickHouse-User": user, "X-ClickHouse-Key": password } });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text}`);
    return text;
  };
}

async function waitReady(base: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`ClickHouse endpoint exited ${child.exitCode}: ${log()}`);
    if (await fetch(new URL("/ping", base)).then((r) => r.ok, () => false)) return;
    if (i > 600) throw new Error(`ClickHouse endpoint not ready after 60 s: ${log()}`);
    await sleep(100);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Starts an endpoint with the schema in `dir` (a fresh temporary folder). */
export async function startEndpoint(kind: "server" | "chdb-http", dir: string): Promise<Endpoint> {
  let stderr = "";
  const keep = (d: Buffer): void => void (stderr = (stderr + d.toString()).slice(-4000));
  if (kind === "chdb-http") {
    const port = await freePort();
    const child = spawn(process.execPath, [CHDB_HTTP, String(port), join(dir, "chdb")], {
      env: { ...engineClockEnv(), NODE_PATH: resolve(ROOT, "node_modules") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", keep);
    const url = `http://127.0.0.1:${port}/`;
    await waitReady(url, child, () => stderr);
    const query = client(url, "default", "");
    for (const statement of ddlStatements(loadModel(ROOT))) await query(statement);
    return { kind, url, query, stop: () => stopChild(child) };
  }
  // The generated server config on loopback, with free ports and the data in `dir`.
  const raw = JSON.parse(readFileSync(resolve(ROOT, "ports.json"), "utf8")) as { services: { clickhouse: Record<string, number> } };
  for (const name of Object.keys(raw.services.clickhouse)) raw.services.clickhouse[name] = await freePort();
  writeFileSync(join(dir, "ports.json"), JSON.stringify(raw));
  const model = loadModel(ROOT, join(dir, "ports.json"));
  const etc = join(dir, "clickhouse-etc");
  const data = join(dir, "clickhouse-data");
  mkdirSync(join(etc, "config.d"), { recursive: true });
  const local = (xml: string): string =>
    xml.replaceAll(CLICKHOUSE_DATA_DIR, data).replace(/<listen_host>[^<]*<\/listen_host>/g, "<listen_host>127.0.0.1</listen_host>");
  writeFileSync(join(etc, "config.xml"), local(serverConfigXml(model)));
  writeFileSync(join(etc, "users.xml"), local(usersXml(model)));
  writeFileSync(join(etc, "config.d", "init.xml"), local(startupScriptsXml(model)));
  const admin = `admin-${process.pid}-${Date.now()}`;
  const ingest = `ingest-${process.pid}-${Date.now()}`;
  const child = spawn(findBinary(process.env["CLICKHOUSE"] ?? "clickhouse") as string, ["server", `--config-file=${join(etc, "config.xml")}`], {
    cwd: dir,
    env: { ...engineClockEnv(), [model.names.passwordEnv.default]: admin, [model.names.passwordEnv.ingest]: ingest },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${model.ports.services.clickhouse.http}/`;
  await waitReady(url, child, () => stderr);
  return { kind, url, query: client(url, "default", admin), ingest: { user: model.names.ingestUser, password: ingest }, stop: () => stopChild(child) };
}
