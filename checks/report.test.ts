// The report command end to end: the real CLI, built as Nix builds it (report/dist, `npm run
// build`) and as `npm run report` runs it (tsx), against a ClickHouse HTTP endpoint
// (checks/clickhouse-endpoint.ts: a real server when a clickhouse binary is available, else
// ClickHouse's engine behind ../shared/tools/clickhouse-http-chdb.mjs) holding the generated
// schema and the known workload of gen/test/catalog-workload.ts. Each view's JSON must give the
// workload's answers; each mistake must give one line on stderr and a non-zero exit.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXACT_DISTINCT_UP_TO } from "../gen/clickhouse/catalog.ts";
import { tables } from "../gen/clickhouse/tables.ts";
import { loadModel } from "../gen/model/model.ts";
import { FAMILIES, hoursAgo, knownAttributes, knownVolume, workload } from "../gen/test/catalog-workload.ts";
import { endpointKind, freePort, startEndpoint, type Endpoint } from "./clickhouse-endpoint.ts";
import { insertQuery } from "../gen/fluentbit/config.ts";
import { DAY_MS, engineNowMsAsync, rfc3339 } from "../gen/test/engine-clock.ts";
import { requireEngine } from "./engines.ts";

const ROOT = resolve(import.meta.dirname, "..");
const MODEL = loadModel(ROOT);
const { logs: LOGS, ingest: INGEST } = tables(MODEL.names);
const LOGS_DAYS = MODEL.settings.retention.logsDays;
const OLD_FILE = "/var/log/pods/otel-demo_old-0_00000000-0000-0000-0000-000000000000/old/0.log";
const BUILT = join(ROOT, "report/dist/report/src/main.js");
const kind = endpointKind();
const skipAll = requireEngine("report end-to-end tests", kind === undefined ? [{ name: "clickhouse", hint: "clickhouse on PATH / CLICKHOUSE, or ../shared/tools/clickhouse-http-chdb.mjs beside the repository" }] : []);
const skipGrants = kind === undefined ? "no ClickHouse" : requireEngine("report test of real grants (a stub gives ClickHouse's error texts instead)", kind === "server" ? [] : [{ name: "clickhouse-server", hint: "clickhouse on PATH or CLICKHOUSE" }]);

// The workload lives on the engine's clock (gen/test/engine-clock.ts): set once the endpoint is up.
let NOW = 0;
let FIRST_HOUR = 0;
let rows: ReturnType<typeof workload> = [];
/** --since that starts the window at the workload's hour `offset` (half an hour of margin). */
const since = (offset: number): string => `${Math.floor((NOW - FIRST_HOUR - (offset + 0.5) * 3_600_000) / 1000)}s`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the report: the built program, or `tsx` on the sources as `npm run report` does. */
function report(args: readonly string[], env: Record<string, string> = {}, how: "built" | "tsx" = "built"): Promise<Run> {
  const entry = how === "built" ? [BUILT] : ["--import", "tsx", join(ROOT, "report/src/main.ts")];
  // Nothing from the caller's environment chooses the endpoint or the user.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLICKHOUSE_")));
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", fail);
    child.once("close", (code) => ok({ code, stdout, stderr }));
  });
}

/** A failure: exit code, one line on stderr starting "report: ", nothing on stdout. */
function oneLineError(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? "", /^report: /);
  assert.match(lines[0] ?? "", pattern);
}

describe("report: the four views against ClickHouse's HTTP interface", { skip: skipAll }, () => {
  let ch: Endpoint;
  let dir: string;
  const json = async <T>(args: readonly string[], env: Record<string, string> = {}): Promise<T[]> => {
    const r = await report([...args, "--url", ch.url, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    return JSON.parse(r.stdout) as T[];
  };

  before(async () => {
    // The program as nix/report.nix builds it: tsc into report/dist plus the model's JSON files.
    const build = spawnSync("npm", ["--prefix", join(ROOT, "report"), "run", "build"], { encoding: "utf8" });
    assert.equal(build.status, 0, `npm run build in report/: ${build.stderr}${build.stdout}`);
    dir = mkdtempSync(join(tmpdir(), "report-test-"));
    ch = await startEndpoint(kind ?? "chdb-http", dir);
    NOW = await engineNowMsAsync((sql) => ch.query(sql));
    FIRST_HOUR = hoursAgo(3, NOW);
    rows = workload(FIRST_HOUR);
    console.log(`report test: ClickHouse endpoint: ${ch.kind === "server" ? "a clickhouse server" : "chDB behind ../shared/tools/clickhouse-http-chdb.mjs"}`);
    // Three container lines older than retention, as FluentBit posts them after a long outage.
    const old = (i: number): string => JSON.stringify({ time: rfc3339(NOW - (LOGS_DAYS + 1 + i) * DAY_MS), stream: "stdout", log: `old ${i}`, file: OLD_FILE, node: "n" });
    await ch.query(`${insertQuery(INGEST)}\n${[0, 1, 2].map(old).join("\n")}`);
    // otel_logs drops their parts (every row expired) in the background: wait, so the views
    // below read settled parts.
    for (let i = 0; i < 100 && Number((await ch.query(`SELECT count() FROM ${LOGS}`)).trim()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    // otel_logs writes wide parts (a file per column) from the first row, as it does in the VM
    // once parts pass 10 MiB; the catalog tables keep compact ones: the storage view meets both.
    await ch.query(`ALTER TABLE ${LOGS} MODIFY SETTING min_bytes_for_wide_part = 0`);
    // Two inserts: two parts per table.
    const half = Math.floor(rows.length / 2);
    for (const part of [rows.slice(0, half), rows.slice(half)]) {
      await ch.query(`INSERT INTO ${LOGS} FORMAT JSONEachRow\n${part.map((r) => JSON.stringify(r)).join("\n")}`);
    }
  });
  after(async () => {
    await ch?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`attributes: keys by distinct values, exact up to ${EXACT_DISTINCT_UP_TO.toLocaleString("en-US")}, flagged above the threshold`, async () => {
    type A = { scope: string; key: string; distinct_values: number; distinct_exact: boolean; above_threshold: boolean; rows: number; top_values: string[]; services: string[] };
    const got = await json<A>(["attributes", "--threshold", "1000"]);
    const known = knownAttributes(rows);
    assert.equal(got.length, known.length);
    assert.equal(got[0]?.key, "session_id");
    assert.equal(got[0]?.distinct_exact, false);
    assert.equal(got[0]?.above_threshold, true);
    for (const k of known.filter((x) => x.distinct <= EXACT_DISTINCT_UP_TO)) {
      const a = got.find((x) => x.scope === k.scope && x.key === k.key);
      assert.deepEqual([a?.distinct_values, a?.distinct_exact, a?.above_threshold, a?.rows, a?.services], [k.distinct, true, k.distinct > 1000, k.rows, k.services], k.key);
    }
    assert.deepEqual(got.find((x) => x.key === "http.method")?.top_values, ["GET", "POST", "PUT", "DELETE", "PATCH"]);
    // --exact asks otel_logs itself: the estimate becomes the count.
    const exact = await json<A>(["attributes", "--exact", "--service", "loggen", "--since", since(1)]);
    assert.deepEqual(
      exact.map((a) => [a.key, a.distinct_values, a.distinct_exact, a.rows]),
      [
        ["session_id", 13_333, true, 13_333],
        ["pid", 2, true, 13_333],
        ["k8s.pod.name", 2, true, 13_333],
        ["service.name", 1, true, 13_333],
      ],
    );
  });

  it("patterns: templates by rows with services and severities, filtered and limited", async () => {
    type P = { pattern: string; rows: number; services: string[]; severities: Record<string, number> };
    const got = await json<P>(["patterns"]);
    assert.deepEqual(
      got.map((p) => [p.pattern, p.rows, p.services, p.severities]),
      [...FAMILIES].sort((a, b) => b.rows - a.rows).map((f) => [f.pattern, f.rows, [f.service], { [f.severity]: f.rows }]),
    );
    const errors = await json<P>(["patterns", "--severity", "ERROR", "--limit", "1", "--since", since(2)]);
    assert.deepEqual(
      errors.map((p) => [p.pattern, p.rows]),
      [["payment <uuid> declined: <str>", 150]],
    );
  });

  it("volume: rows and Body bytes per hour, service and severity", async () => {
    type V = { hour: string; service: string; severity: string; rows: number; body_bytes: number };
    const got = await json<V>(["volume"]);
    const iso = (h: string): string => `${h.replace(" ", "T")}Z`;
    assert.deepEqual(
      got.map((v) => [v.hour, v.service, v.severity, v.rows, v.body_bytes]).sort(),
      knownVolume(rows)
        .map((v) => [iso(v.hour), v.service, v.severity, v.rows, v.bodyBytes])
        .sort(),
    );
    const lastHour = await json<V>(["volume", "--since", since(2), "--service", "payments"]);
    assert.deepEqual(
      lastHour.map((v) => [v.service, v.severity, v.rows]),
      [
        ["payments", "WARN", 90],
        ["payments", "ERROR", 150],
      ],
    );
  });

  it("refused: records older than retention when they arrived, per hour of their time and service", async () => {
    type R = { hour: string; service: string; records: number };
    const got = await json<R>(["refused"]);
    assert.deepEqual(got.map((r) => [r.service, r.records]), [["old", 1], ["old", 1], ["old", 1]]);
    assert.deepEqual(await json<R>(["refused", "--since", "1h"]), [], "--since counts the records' own hours");
    const table = await report(["refused", "--url", ch.url]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^HOUR OF THEIR TIME \(UTC\)\s+SERVICE\s+RECORDS$/m);
    assert.match(table.stdout, /^3 records in all retained hours not stored/m);
  });

  it("storage: bytes per column and compression ratio from system.parts_columns", async () => {
    type S = { table: string; column: string | null; part_type: string; rows: number; parts: number; compressed_bytes: number; uncompressed_bytes: number; compression_ratio: number | null };
    const got = await json<S>(["storage"]);
    // otel_logs: wide parts, one line per column, each holding every row.
    // (The parts TTL emptied of the refused lines stay, compact and with 0 rows, until cleaned up.)
    const logs = got.filter((s) => s.table === "otel_logs" && !(s.part_type === "Compact" && s.rows === 0));
    assert.ok(logs.every((s) => s.column !== null && s.part_type === "Wide" && s.rows === rows.length && s.parts >= 1), JSON.stringify(logs));
    const body = logs.find((s) => s.column === "Body");
    assert.ok(body !== undefined && body.compressed_bytes > 0 && body.uncompressed_bytes > body.compressed_bytes, JSON.stringify(body));
    assert.equal(body.compression_ratio, Math.round((body.uncompressed_bytes / body.compressed_bytes) * 100) / 100);
    // Sorted by compressed bytes within a table.
    assert.deepEqual(logs.map((s) => s.compressed_bytes), [...logs.map((s) => s.compressed_bytes)].sort((a, b) => b - a));
    // The catalog tables: small, compact parts, one line each for all their columns.
    for (const t of ["otel_attributes", "otel_log_patterns", "otel_logs_volume"]) {
      const lines = got.filter((s) => s.table === t);
      assert.equal(lines.length, 1, t);
      assert.ok(lines[0]?.column === null && lines[0].part_type === "Compact" && lines[0].compressed_bytes > 0, JSON.stringify(lines));
    }
  });

  it("prints each view as a table on a terminal (npm run report: tsx on the sources)", async () => {
    const expectations: [string[], RegExp, RegExp][] = [
      [["attributes"], /^SCOPE\s+KEY\s+DISTINCT\s+ROWS\s+VALUE BYTES\s+SERVICES\s+TOP VALUES$/, /^LogAttributes\s+session_id\s+~[\d,]+\s+!\s+20,000\s/m],
      [["patterns", "--limit", "3"], /^\s*ROWS\s+SEVERITIES\s+SERVICES\s+PATTERN$/, /^\s*1,200\s+INFO 1,200\s+checkout\s+GET \/api\/orders\/<num> took <num>ms$/m],
      [["volume", "--service", "payments"], /^HOUR \(UTC\)\s+SERVICE\s+SEVERITY\s+ROWS\s+BODY BYTES$/, /^\d{4}-\d\d-\d\d \d\d:00\s+payments\s+WARN\s+90\s+[\d.]+ KiB$/m],
      [["storage"], /^TABLE\s+ROWS\s+COMPRESSED\s+UNCOMPRESSED\s+RATIO\s+BYTES\/ROW$/, /^otel_logs\s+Body\s+21,650\s+\d+\s+[\d.]+ KiB\s+[\d.]+ KiB\s+[\d.]+x$/m],
    ];
    for (const [args, header, line] of expectations) {
      const r = await report([...args, "--url", ch.url], {}, args[0] === "attributes" ? "tsx" : "built");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.split("\n")[0] ?? "", header, r.stdout);
      assert.match(r.stdout, line, r.stdout);
    }
  });

  it("fails in one line when the user may not read the catalog", { skip: skipGrants }, async () => {
    const ingest = ch.ingest;
    assert.ok(ingest !== undefined);
    const r = await report(["attributes", "--url", ch.url, "--user", ingest.user], { CLICKHOUSE_PASSWORD: ingest.password });
    oneLineError(r, 1, new RegExp(`user "${ingest.user}" may not read .*ACCESS_DENIED`));
    const wrong = await report(["volume", "--url", ch.url], { CLICKHOUSE_PASSWORD: "not-the-password" });
    oneLineError(wrong, 1, /refused user "hyperdx": wrong password or no such user \(AUTHENTICATION_FAILED/);
  });
});

describe("report: mistakes and failures are one line and a non-zero exit", () => {
  it("names an unknown view and the views there are (exit 2)", async () => {
    oneLineError(await report(["atributes"]), 2, /unknown view "atributes": expected one of attributes, patterns, volume, storage/);
    oneLineError(await report([]), 2, /which view\? expected one of attributes, patterns, volume, storage/);
  });

  it("names a bad --since value and what it accepts (exit 2)", async () => {
    oneLineError(await report(["volume", "--since", "1 hour"]), 2, /--since "1 hour": expected a duration like 30m, 1h, 6h, 7d/);
    oneLineError(await report(["volume", "--since", "0h"]), 2, /--since "0h"/);
    oneLineError(await report(["storage", "--since", "1h"]), 2, /--since does not apply to the storage view/);
    oneLineError(await report(["patterns", "--limit", "ten"]), 2, /--limit "ten": expected a whole number/);
    oneLineError(await report(["volume", "--bogus"]), 2, /unknown option --bogus/);
  });

  it("says ClickHouse cannot be reached, and where (exit 1)", async () => {
    const port = await freePort(); // nothing listens there
    oneLineError(await report(["volume", "--url", `http://127.0.0.1:${port}`]), 1, new RegExp(`cannot reach ClickHouse at http://127\\.0\\.0\\.1:${port}/ \\(ECONNREFUSED\\)`));
    // The default endpoint is the VM's forwarded port from ports.json; CLICKHOUSE_URL overrides it.
    oneLineError(await report(["volume"], { CLICKHOUSE_URL: `http://127.0.0.1:${port}` }), 1, new RegExp(`127\\.0\\.0\\.1:${port}/`));
  });

  describe("answers of a server that refuses (a stub speaking ClickHouse's HTTP errors)", () => {
    // ClickHouse answers an HTTP query it refuses with the exception text as the body
    // ("Code: N. DB::Exception: ... (TYPE) (version ...)") and X-ClickHouse-Exception-Code;
    // the texts below are ClickHouse's messages for a missing grant and a wrong password.
    let server: Server;
    let url: string;
    before(async () => {
      server = createServer((req, res) => {
        const user = Buffer.from(String(req.headers["authorization"] ?? "").replace(/^Basic /, ""), "base64").toString().split(":")[0];
        req.resume();
        req.on("end", () => {
          const [status, code, text]: [number, number, string] =
            user === "ingest"
              ? [403, 497, "Code: 497. DB::Exception: ingest: Not enough privileges. To execute this query, it's necessary to have the grant SELECT(Hour, ServiceName, SeverityText, Rows, BodyBytes, SeverityNumber) ON otel.otel_logs_volume. (ACCESS_DENIED) (version 25.8.1.1)\n"]
              : user === "old-schema"
                ? [404, 60, "Code: 60. DB::Exception: Unknown table expression identifier 'otel.otel_logs_volume' in scope SELECT Hour AS hour FROM otel.otel_logs_volume. (UNKNOWN_TABLE) (version 25.8.1.1)\n"]
                : [401, 516, "Code: 516. DB::Exception: hyperdx: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 25.8.1.1)\n"];
          res.statusCode = status;
          res.setHeader("X-ClickHouse-Exception-Code", String(code));
          res.end(text);
        });
      });
      const port = await freePort();
      await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
      url = `http://127.0.0.1:${port}`;
    });
    after(() => new Promise<void>((ok) => server.close(() => ok())));

    it("a user without the grant: names the user, what ClickHouse says is missing, ACCESS_DENIED (exit 1)", async () => {
      oneLineError(await report(["volume", "--url", url, "--user", "ingest"]), 1, /user "ingest" may not read what the volume view needs: .*grant SELECT\(.*\) ON otel\.otel_logs_volume \(ACCESS_DENIED\)$/);
    });
    it("a server without the catalog tables: says its schema predates the catalog (exit 1)", async () => {
      oneLineError(await report(["volume", "--url", url, "--user", "old-schema"]), 1, /has no catalog for the volume view: .*\(UNKNOWN_TABLE\); its schema predates the catalog/);
    });
    it("a wrong password: names the user and where the password comes from (exit 1)", async () => {
      oneLineError(await report(["volume", "--url", url]), 1, /refused user "hyperdx": wrong password or no such user \(AUTHENTICATION_FAILED; the password comes from CLICKHOUSE_PASSWORD\)/);
    });
  });
});
