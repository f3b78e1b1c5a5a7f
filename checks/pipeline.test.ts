// The log path with the real binaries: loggen -> CRI log file -> fluent-bit (the generated
// local config, lua/transform.lua) -> ClickHouse. Every line written must arrive exactly once.
// ClickHouse: CLICKHOUSE_URL (http://user:password@host:port, schema created here), or a
// `clickhouse` binary (PATH or CLICKHOUSE) started on loopback with the generated
// server config, users and startup scripts. fluent-bit: PATH or FLUENT_BIT.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { serverConfigXml, startupScriptsXml, usersXml } from "../gen/clickhouse/config.ts";
import { ddlStatements } from "../gen/clickhouse/ddl.ts";
import { fluentBitLocalConfig } from "../gen/fluentbit/config.ts";
import { loadModel } from "../gen/model/model.ts";
import { DATABASE, INGEST_USER, LOGS_TABLE } from "../gen/model/names.ts";
import { findBinary } from "./binaries.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TABLE = `${DATABASE}.${LOGS_TABLE}`;
const LINES = 300; // loggen ticks
const RATE = 300; // per second

const fluentBit = findBinary(process.env["FLUENT_BIT"] ?? "fluent-bit");
const clickhouseUrl = process.env["CLICKHOUSE_URL"];
const clickhouseBin = clickhouseUrl ? undefined : findBinary(process.env["CLICKHOUSE"] ?? "clickhouse");
const skip = fluentBit !== undefined && (clickhouseUrl !== undefined || clickhouseBin !== undefined) ? false : "fluent-bit or ClickHouse not found";
if (skip) console.log("SKIP: pipeline test needs fluent-bit (PATH or FLUENT_BIT) and ClickHouse (CLICKHOUSE_URL, or clickhouse on PATH / CLICKHOUSE)");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

interface ClickHouse {
  readonly host: string;
  readonly port: number;
  /** Runs SQL as the admin; returns the response text. */
  query(sql: string): Promise<string>;
  /** The user FluentBit inserts as, and its password. */
  readonly ingestUser: string;
  readonly ingestPassword: string;
}

function httpClient(base: URL, user: string, password: string): (sql: string) => Promise<string> {
  return async (sql) => {
    // base.origin: fetch refuses a URL with credentials (CLICKHOUSE_URL may carry them); they go in headers.
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

/** A running ClickHouse with the schema, and a way to stop it. */
async function startClickHouse(dir: string, children: ChildProcess[]): Promise<ClickHouse> {
  if (clickhouseUrl !== undefined) {
    const url = new URL(clickhouseUrl);
    const user = decodeURIComponent(url.username) || "default";
    const password = decodeURIComponent(url.password);
    const query = httpClient(url, user, password);
    for (const statement of ddlStatements(loadModel(ROOT))) await query(statement);
    return { host: url.hostname, port: Number(url.port || 8123), query, ingestUser: user, ingestPassword: password };
  }
  // The generated server config with loopback, free ports and a temp data folder.
  const raw = JSON.parse(readFileSync(resolve(ROOT, "ports.json"), "utf8")) as { services: { clickhouse: Record<string, number> } };
  for (const name of Object.keys(raw.services.clickhouse)) raw.services.clickhouse[name] = await freePort();
  writeFileSync(join(dir, "ports.json"), JSON.stringify(raw));
  const model = loadModel(ROOT, join(dir, "ports.json"));
  const etc = join(dir, "clickhouse-etc");
  const data = join(dir, "clickhouse-data");
  mkdirSync(join(etc, "config.d"), { recursive: true });
  const local = (xml: string): string =>
    xml.replaceAll("/var/lib/clickhouse", data).replace(/<listen_host>[^<]*<\/listen_host>/g, "<listen_host>127.0.0.1</listen_host>");
  writeFileSync(join(etc, "config.xml"), local(serverConfigXml(model)));
  writeFileSync(join(etc, "users.xml"), local(usersXml(model)));
  writeFileSync(join(etc, "config.d", "init.xml"), local(startupScriptsXml(model)));
  const adminPassword = `admin-${process.pid}-${Date.now()}`;
  const ingestPassword = `ingest-${process.pid}-${Date.now()}`;
  const server = spawn(clickhouseBin as string, ["server", `--config-file=${join(etc, "config.xml")}`], {
    cwd: dir,
    env: { ...process.env, CLICKHOUSE_DEFAULT_PASSWORD: adminPassword, CLICKHOUSE_INGEST_PASSWORD: ingestPassword },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(server);
  let stderr = "";
  server.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const port = model.ports.services.clickhouse.http;
  const base = new URL(`http://127.0.0.1:${port}`);
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`clickhouse server exited ${server.exitCode}: ${stderr}`);
    const ok = await fetch(new URL("/ping", base)).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error(`clickhouse server not ready after 60 s: ${stderr}`);
    await sleep(100);
  }
  return { host: "127.0.0.1", port, query: httpClient(base, "default", adminPassword), ingestUser: INGEST_USER, ingestPassword };
}

/** CRI time: RFC 3339 with nanoseconds, as containerd writes it. */
const criTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

test("every line loggen writes reaches ClickHouse exactly once through fluent-bit", { skip, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-"));
  const children: ChildProcess[] = [];
  try {
    const ch = await startClickHouse(dir, children);
    const logFile = join(dir, "loggen_otel-demo_loggen-0.log");
    writeFileSync(logFile, "");

    const passwordEnv = "PIPELINE_INGEST_PASSWORD";
    const config = join(dir, "fluent-bit.yaml");
    writeFileSync(
      config,
      fluentBitLocalConfig({
        logFile,
        clickhouse: { host: ch.host, port: ch.port },
        stateDir: join(dir, "fluent-bit"),
        luaPath: resolve(ROOT, "lua/transform.lua"),
        user: ch.ingestUser,
        passwordEnv,
        httpPort: await freePort(),
      }),
    );
    let fbLog = "";
    const fb = spawn(fluentBit as string, ["-c", config], { env: { ...process.env, [passwordEnv]: ch.ingestPassword }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(fb);
    const keep = (d: Buffer): void => void (fbLog = (fbLog + d.toString()).slice(-8000));
    fb.stdout?.on("data", keep);
    fb.stderr?.on("data", keep);

    // loggen's stdout, wrapped as the container runtime would write it.
    const loggenMain = process.env["LOGGEN"] ?? resolve(ROOT, "loggen/dist/main.js");
    assert.ok(existsSync(loggenMain), `${loggenMain} missing: build loggen first (npm --prefix loggen run build) or set LOGGEN`);
    const loggen = spawn(process.execPath, [loggenMain, "--max-lines", String(LINES), "--rate", String(RATE), "--health-port", String(await freePort())], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(loggen);
    const written = new Map<number, string>(); // tick count -> CRI time
    let lines = 0;
    for await (const line of createInterface({ input: loggen.stdout as NodeJS.ReadableStream })) {
      const time = criTime(Date.now());
      appendFileSync(logFile, `${time} stdout F ${line}\n`);
      lines++;
      const tick = JSON.parse(line) as { msg?: string; count?: number };
      if (tick.msg === "tick" && tick.count !== undefined) written.set(tick.count, time);
    }
    // A line that is not JSON must arrive too, as its own text.
    const raw = `not json: pipeline test ${process.pid}`;
    appendFileSync(logFile, `${criTime(Date.now())} stderr F ${raw}\n`);
    lines++;
    assert.equal(written.size, LINES, "loggen wrote every tick");

    const where = `LogAttributes['pid'] = '${loggen.pid}' OR Body = '${raw}'`;
    const count = async (): Promise<number> => Number((await ch.query(`SELECT count() FROM ${TABLE} WHERE ${where}`)).trim());
    let seen = 0;
    for (let i = 0; i < 600 && seen < lines; i++) {
      if (fb.exitCode !== null) throw new Error(`fluent-bit exited ${fb.exitCode}: ${fbLog}`);
      await sleep(100);
      seen = await count();
    }
    await sleep(3000); // a late duplicate (a retried chunk) would land within a few flushes
    seen = await count();
    assert.equal(seen, lines, `rows for ${lines} lines; fluent-bit said:\n${fbLog}`);

    const ticks = (await ch.query(`SELECT Count, toString(Timestamp) FROM ${TABLE} WHERE LogAttributes['pid'] = '${loggen.pid}' AND Body = 'tick' ORDER BY Count FORMAT TSV`))
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    assert.deepEqual(
      ticks.map(([c]) => Number(c)),
      Array.from({ length: LINES }, (_, i) => i + 1),
      "Count 1..N, each once",
    );
    for (const [c, ts] of ticks) assert.equal(ts, written.get(Number(c))?.replace("T", " ").replace("Z", ""), `tick ${c}: the runtime's time`);
    const rawRow = (await ch.query(`SELECT SeverityNumber, LogAttributes['log.iostream'] FROM ${TABLE} WHERE Body = '${raw}' FORMAT TSV`)).trim();
    assert.equal(rawRow, "0\tstderr");
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
    await sleep(500);
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
