// No request can take a node's log collection down, and every 2xx means stored: hostile bodies
// sent to both HTTP inputs of the real fluent-bit (the patched build, nix/fluent-bit/) with the
// generated local config, into ClickHouse. JSON posts nested 1-200 and 10,000 levels deep,
// exact numbers, invalid UTF-8, bodies that are not JSON objects, a random-JSON sweep; OTLP/JSON
// and OTLP/protobuf with bodies nested as deep, and wrong types. After each group FluentBit is
// still the same process, and a canary line, JSON post and OTLP record arrive; at the end
// FluentBit is restarted on the same storage (nothing stored may crash it again) and every
// body that got a 2xx is in otel_logs. The summary table is printed (README, "Guarantees").
// fluent-bit: FLUENT_BIT or PATH. ClickHouse: see checks/pipeline-harness.ts.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { AnyValue } from "@opentelemetry/api-logs";
import { tables } from "../gen/clickhouse/tables.ts";
import { loadModel } from "../gen/model/model.ts";
import { requireEngine } from "./engines.ts";
import {
  type ClickHouse,
  criTime,
  type FluentBit,
  freePort,
  localConfig,
  missingPipelineEngines,
  nowNs,
  type PodLog,
  podLogFile,
  ROOT,
  sleep,
  startClickHouse,
  startFluentBit,
  untilListening,
} from "./pipeline-harness.ts";

const { names } = loadModel(ROOT);
const TABLE = tables(names).logs;
const CANARY_POD: PodLog = { namespace: "shop", pod: "canary-5d78c9869d-abcde", uid: "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d", container: "canary" };
/** How many random JSON bodies the sweep posts. */
const SWEEP = Number(process.env["HOSTILE_SWEEP"] ?? 3000);

const skip = requireEngine("hostile-input tests", missingPipelineEngines());

let dir: string;
let ch: ClickHouse;
let fb: FluentBit;
let config: string;
let env: Record<string, string>;
let otlpPort: number;
let jsonPort: number;
const RUN = `h${process.pid}`;

/** One case: what was sent where, and what came back. */
interface Sent {
  readonly group: string;
  readonly id: string;
  readonly status: number;
  /** The answer's text, for the summary of refusals. */
  readonly answer: string;
}
const sent: Sent[] = [];
let restarts = 0;
let canaries = 0;

const post = async (port: number, path: string, body: string | Uint8Array, contentType: string): Promise<{ status: number; answer: string }> => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { "Content-Type": contentType }, body: typeof body === "string" ? body : Buffer.from(body) });
  return { status: res.status, answer: (await res.text()).trim() };
};
const postJson = async (group: string, id: string, body: string | Uint8Array): Promise<Sent> => {
  const r = await post(jsonPort, "/hostile", body, "application/json");
  const s = { group, id, ...r };
  sent.push(s);
  return s;
};
const postOtlp = async (group: string, id: string, body: string | Uint8Array, contentType: string): Promise<Sent> => {
  const r = await post(otlpPort, "/v1/logs", body, contentType);
  const s = { group, id, ...r };
  sent.push(s);
  return s;
};

/** Polls `sql` (a count) until it reaches `expected` or ~30 s pass; returns the last count. */
async function countUntil(sql: string, expected: number): Promise<number> {
  let n = -1;
  for (let i = 0; i < 300; i++) {
    assertAlive();
    n = Number((await ch.query(sql)).trim());
    if (n >= expected) return n;
    await sleep(100);
  }
  return n;
}

function assertAlive(): void {
  if (fb.child.exitCode !== null || fb.child.signalCode !== null) {
    throw new Error(`fluent-bit died (exit ${fb.child.exitCode}, signal ${fb.child.signalCode}):\n${fb.log()}`);
  }
}

/** A container line, a JSON post and an OTLP record, each unique, all stored. */
async function canary(after: string): Promise<void> {
  assertAlive();
  const id = `${RUN}-canary-${++canaries}`;
  appendFileSync(podLogFile(dir, CANARY_POD), `${criTime(nowNs())} stdout F ${id} line\n`);
  const json = await post(jsonPort, "/canary", JSON.stringify({ message: `${id} post` }), "application/json");
  assert.equal(json.status, 201, `canary post after ${after}: ${json.answer}`);
  const otlp = await post(
    otlpPort,
    "/v1/logs",
    JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: `${id} otlp` } }] }] }] }),
    "application/json",
  );
  assert.equal(otlp.status, 201, `canary OTLP record after ${after}: ${otlp.answer}`);
  const n = await countUntil(`SELECT count() FROM ${TABLE} WHERE Body IN ('${id} line', '${id} post', '${id} otlp')`, 3);
  assert.equal(n, 3, `the canaries after ${after} arrived (${n} of 3)`);
}

/** `{"message": id, "a": {"a": ... {"a": 1}}}`: the object nested `depth` levels deep. */
const deepObject = (id: string, depth: number): string => `{"message":"${id}","a":${'{"a":'.repeat(depth - 1)}1${"}".repeat(depth - 1)}}`;
/** An array nested `depth` levels deep inside the object. */
const deepArray = (id: string, depth: number): string => `{"message":"${id}","a":${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}`;

/** OTLP/JSON with a kvlist body nested `depth` levels deep. */
function otlpJsonDeep(id: string, depth: number): string {
  let value = `{"stringValue":"${id}"}`;
  for (let i = 1; i < depth; i++) value = `{"kvlistValue":{"values":[{"key":"a","value":${value}}]}}`;
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value},"attributes":[{"key":"case.id","value":{"stringValue":"${id}"}}]}]}]}]}`;
}

/** OTLP/protobuf, as the OpenTelemetry SDK encodes it, of records with these bodies and attributes. */
function otlpProtobuf(records: { body: AnyValue; attributes: Record<string, AnyValue> }[]): Uint8Array {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ "service.name": "hostile" }), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("hostile");
  for (const r of records) logger.emit({ body: r.body, attributes: r.attributes as Record<string, never> });
  const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  if (bytes === undefined) throw new Error("the SDK's serializer returned nothing");
  return bytes;
}
const nested = (depth: number, leaf: AnyValue): AnyValue => (depth <= 1 ? leaf : { a: nested(depth - 1, leaf) });

/** A random JSON value: every type, extreme numbers written as text, any UTF-8, nesting up to `depth`. */
function randomJson(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const numbers = ["0", "-0", "1", "-1", "0.1", "1e400", "-1e400", "1e-400", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "3.14159265358979323846", "123456789012345678901234567890", "1.5E+10", "2e-5"];
  const chars = ["a", "é", "€", "😀", "\\n", "\\t", '\\"', "\\\\", "\\u0000", "\\ud83d\\ude00", "\\u00e9", " ", "{", "]", ":", ",", "level", "msg"];
  const str = (): string => `"${Array.from({ length: Math.floor(rand() * 12) }, () => pick(chars)).join("")}"`;
  const value = (d: number): string => {
    const kind = d >= depth ? Math.floor(rand() * 4) : Math.floor(rand() * 6);
    switch (kind) {
      case 0:
        return pick(numbers);
      case 1:
        return str();
      case 2:
        return pick(["true", "false", "null"]);
      case 3:
        return str();
      case 4:
        return `[${Array.from({ length: Math.floor(rand() * 4) }, () => value(d + 1)).join(",")}]`;
      default:
        return `{${Array.from({ length: Math.floor(rand() * 5) }, () => `${str()}:${value(d + 1)}`).join(",")}}`;
    }
  };
  return `{${Array.from({ length: 1 + Math.floor(rand() * 6) }, () => `${str()}:${value(1)}`).join(",")}}`;
}

/** A small seeded generator (mulberry32): the sweep is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("hostile input: no request stops FluentBit, every 2xx is stored", () => {
  before(async () => {
    if (skip !== false) return;
    dir = mkdtempSync(join(tmpdir(), "hostile-"));
    ch = await startClickHouse(dir);
    otlpPort = await freePort();
    jsonPort = await freePort();
    const passwordEnv = "HOSTILE_INGEST_PASSWORD";
    config = join(dir, "fluent-bit.yaml");
    writeFileSync(config, localConfig(ch, dir, { stateDir: join(dir, "fluent-bit"), nodeName: "node-under-test", passwordEnv, otlpPort, jsonPort }));
    writeFileSync(podLogFile(dir, CANARY_POD), "");
    env = { [passwordEnv]: ch.ingestPassword };
    fb = startFluentBit(config, env);
    await untilListening(jsonPort);
    await canary("start");
  });
  after(async () => {
    if (skip !== false) return;
    await fb?.stop();
    await ch?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("JSON posts nested 1-200 and 10,000 levels deep (objects and arrays): 201 and stored", { skip, timeout: 180_000 }, async () => {
    for (const depth of [...Array.from({ length: 200 }, (_, i) => i + 1), 10_000]) {
      const o = await postJson("JSON nested 1-200, 10,000 (object)", `${RUN}-obj-${depth}`, deepObject(`${RUN}-obj-${depth}`, depth));
      assert.equal(o.status, 201, `object depth ${depth}: ${o.answer}`);
      const a = await postJson("JSON nested 1-200, 10,000 (array)", `${RUN}-arr-${depth}`, deepArray(`${RUN}-arr-${depth}`, depth));
      assert.equal(a.status, 201, `array depth ${depth}: ${a.answer}`);
      if (depth % 50 === 0) await canary(`depth ${depth}`);
    }
    await canary("depth 10,000");
  });

  test("JSON posts keep numbers, null and text exactly as the container-line path does; invalid UTF-8 becomes U+FFFD", { skip, timeout: 60_000 }, async () => {
    const id = `${RUN}-numbers`;
    const body = `{"message":"${id}","max":9223372036854775807,"min":-9223372036854775808,"two64":18446744073709551616,"huge":1e400,"tenth":0.1,"pi":3.14159265358979323846,"nothing":null,"neg0":-0}`;
    assert.equal((await postJson("exact numbers", id, body)).status, 201);
    const bad = `${RUN}-utf8`;
    const bytes = Buffer.concat([Buffer.from(`{"message":"${bad}","s":"a`), Buffer.from([0xc3]), Buffer.from(`b","t":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`"}`)]);
    assert.equal((await postJson("invalid UTF-8", bad, bytes)).status, 201);
    assert.equal(await countUntil(`SELECT count() FROM ${TABLE} WHERE Body IN ('${id}', '${bad}')`, 2), 2);
    const attrs = JSON.parse((await ch.query(`SELECT LogAttributes FROM ${TABLE} WHERE Body = '${id}' FORMAT JSONEachRow`)).trim()) as { LogAttributes: Record<string, string> };
    assert.deepEqual(attrs.LogAttributes, {
      max: "9223372036854775807",
      min: "-9223372036854775808",
      two64: "18446744073709551616",
      huge: "1e400",
      tenth: "0.1",
      pi: "3.14159265358979323846",
      nothing: "null",
      neg0: "-0",
    });
    const utf8 = JSON.parse((await ch.query(`SELECT LogAttributes FROM ${TABLE} WHERE Body = '${bad}' FORMAT JSONEachRow`)).trim()) as { LogAttributes: Record<string, string> };
    assert.deepEqual(utf8.LogAttributes, { s: "a\ufffdb", t: "\ufffd\ufffd" });
    await canary("numbers and UTF-8");
  });

  test("bodies that are not JSON objects get a 400 naming why, and store nothing", { skip, timeout: 60_000 }, async () => {
    const cases: [string, string, RegExp][] = [
      ["a number", "42", /expected a JSON object or an array of JSON objects/],
      ["a string", '"hello"', /expected a JSON object/],
      ["null", "null", /expected a JSON object/],
      ["an array of numbers", "[1,2]", /expected a JSON object/],
      ["an array mixing objects and numbers", `[{"message":"${RUN}-mixed"},5]`, /expected a JSON object/],
      ["an empty array", "[]", /expected a JSON object/],
      ["a cut-off object", `{"message":"${RUN}-cut"`, /not valid JSON/],
      ["a cut-off array", `[{"message":"${RUN}-cut2"},{"message":`, /not valid JSON/],
      ["trailing garbage", `{"message":"${RUN}-trail"} garbage`, /not valid JSON/],
      ["whitespace only", "   ", /not valid JSON/],
      ["XML", "<log><message>x</message></log>", /not valid JSON/],
    ];
    for (const [what, body, why] of cases) {
      const r = await postJson("not a JSON object (400)", `${RUN}-${what}`, body);
      assert.equal(r.status, 400, `${what}: ${r.answer}`);
      assert.match(r.answer, why, what);
    }
    await canary("bodies that are not objects");
    assert.equal(Number((await ch.query(`SELECT count() FROM ${TABLE} WHERE Body LIKE '${RUN}-%' AND (Body LIKE '%mixed%' OR Body LIKE '%cut%' OR Body LIKE '%trail%')`)).trim()), 0);
  });

  test(`a random-JSON sweep (${SWEEP} bodies, seeded): every body 201 and stored`, { skip, timeout: 300_000 }, async () => {
    const rand = seeded(20261208);
    const batch = 16;
    for (let i = 0; i < SWEEP; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, SWEEP - i) }, async (_, j) => {
          const id = `${RUN}-sweep-${i + j}`;
          // The marker first, then random keys (a random `message` key may follow it: JSON's
          // last duplicate key is not ours to choose, so the marker has its own key).
          const random = randomJson(rand, 1 + Math.floor(rand() * 12));
          const body = `{"case_id":"${id}",${random.slice(1)}`.replace(/,}$/, "}");
          const r = await postJson("random JSON objects", id, body);
          assert.equal(r.status, 201, `${body}: ${r.answer}`);
        }),
      );
      if ((i / batch) % 50 === 0) assertAlive();
    }
    await canary("the sweep");
  });

  test("OTLP/JSON and OTLP/protobuf nested 1-200 and 10,000 levels, and wrong types: never 503, every 2xx stored", { skip, timeout: 180_000 }, async () => {
    for (const depth of [...Array.from({ length: 200 }, (_, i) => i + 1), 10_000]) {
      const id = `${RUN}-otlpjson-${depth}`;
      const r = await postOtlp("OTLP/JSON nested 1-200, 10,000", id, otlpJsonDeep(id, depth), "application/json");
      assert.ok([200, 201, 400].includes(r.status), `OTLP/JSON depth ${depth}: ${r.status} ${r.answer}`);
      if (depth % 50 === 0) await canary(`OTLP/JSON depth ${depth}`);
    }
    // The SDK's own encoding: bodies of nested maps (kvlist), and an attribute nested as deep.
    for (const depth of [1, 2, 16, 31, 32, 33, 40, 50, 63, 64, 65, 100, 200, 1000]) {
      const id = `${RUN}-otlpproto-${depth}`;
      const bytes = otlpProtobuf([{ body: nested(depth, id), attributes: { "case.id": id, deep: nested(depth, 1) } }]);
      const r = await postOtlp("OTLP/protobuf nested (SDK)", id, bytes, "application/x-protobuf");
      assert.ok([200, 201, 400].includes(r.status), `OTLP/protobuf depth ${depth}: ${r.status} ${r.answer}`);
    }
    await canary("deep OTLP");
    const wrong: [string, string][] = [
      ["stringValue a number", `{"stringValue":42}`],
      ["intValue not a number", `{"intValue":"abc"}`],
      ["doubleValue 1e400", `{"doubleValue":1e400}`],
      ["boolValue a string", `{"boolValue":"yes"}`],
      ["kvlistValue a string", `{"kvlistValue":"x"}`],
      ["arrayValue an object", `{"arrayValue":{"values":{}}}`],
      ["bytesValue not base64", `{"bytesValue":"***"}`],
    ];
    for (const [what, value] of wrong) {
      const id = `${RUN}-otlpwrong-${what}`;
      const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value},"attributes":[{"key":"case.id","value":{"stringValue":"${id}"}}]}]}]}]}`;
      const r = await postOtlp("OTLP/JSON wrong types", id, body, "application/json");
      assert.ok([200, 201, 400].includes(r.status), `${what}: ${r.status} ${r.answer}`);
    }
    await canary("OTLP wrong types");
  });

  test("restarted on the same storage, FluentBit stays up; every body that got a 2xx is in otel_logs", { skip, timeout: 300_000 }, async () => {
    // Alive until now (a crash in any test above fails it; nothing restarted it).
    assertAlive();
    await fb.stop();
    fb = startFluentBit(config, env);
    restarts++;
    await sleep(3000);
    await canary("a restart on the same storage");
    const accepted = sent.filter((s) => s.status >= 200 && s.status < 300);
    // A JSON post's id is its Body (message), or its case_id attribute; an OTLP record's, its
    // case.id attribute. A post nested deeper than ClickHouse's JSON parser reads (1,024 levels)
    // is kept whole as Body text, as a container line would be: its id is in that text.
    const ids = new Set(accepted.map((s) => s.id));
    const idOf = (r: { Body: string; LogAttributes: Record<string, string> }): string =>
      r.Body.startsWith(`${RUN}-`) ? r.Body : (r.LogAttributes["case_id"] ?? r.LogAttributes["case.id"] ?? new RegExp(`^\\{"message":"(${RUN}-[^"]+)"`).exec(r.Body)?.[1] ?? "");
    const storedIds = async (): Promise<string[]> =>
      (
        await ch.query(
          `SELECT substring(Body, 1, 200) AS Body, LogAttributes FROM ${TABLE} WHERE (Body LIKE '${RUN}-%' OR Body LIKE '{"message":"${RUN}-%' OR LogAttributes['case_id'] LIKE '${RUN}-%' OR LogAttributes['case.id'] LIKE '${RUN}-%') AND Body NOT LIKE '%canary%' FORMAT JSONEachRow`,
        )
      )
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => idOf(JSON.parse(l) as { Body: string; LogAttributes: Record<string, string> }));
    let rows = await storedIds();
    let stored = new Set(rows.filter((id) => ids.has(id)));
    for (let i = 0; i < 300 && stored.size < ids.size; i++) {
      assertAlive();
      await sleep(200);
      rows = await storedIds();
      stored = new Set(rows.filter((id) => ids.has(id)));
    }
    const duplicated = rows.length - new Set(rows).size;
    // The summary (README, "Guarantees, and their limits").
    const groups = [...new Set(sent.map((s) => s.group))];
    console.log("hostile input summary (fluent-bit patched v5.0.7; ClickHouse: " + ch.description + ")");
    console.log("| case | sent | answers | 2xx stored |");
    console.log("| --- | --- | --- | --- |");
    for (const g of groups) {
      const mine = sent.filter((s) => s.group === g);
      const statuses = [...new Set(mine.map((s) => s.status))].sort().map((st) => `${st} x${mine.filter((s) => s.status === st).length}`);
      const ok = mine.filter((s) => s.status < 300);
      console.log(`| ${g} | ${mine.length} | ${statuses.join(", ")} | ${ok.filter((s) => stored.has(s.id)).length} of ${ok.length} |`);
    }
    console.log(`FluentBit: ${restarts} deliberate restart, 0 crashes; canaries: ${canaries} of ${canaries} arrived (a line, a post and an OTLP record each); rows stored twice: ${duplicated}`);
    const missing = [...ids].filter((id) => !stored.has(id));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} bodies got a 2xx and are not in otel_logs`);
    assert.equal(duplicated, 0, "no body stored twice");
    assert.ok(!sent.some((s) => s.status === 503), "no 503 for a request that can never succeed");
  });
});
