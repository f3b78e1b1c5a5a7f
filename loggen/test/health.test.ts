import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { startHealthServer, type HealthServer } from "../src/health.ts";

/** A raw request, so HEAD and odd methods are sent exactly as written. */
function send(port: number, method: string, path: string): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: res.headers["content-type"] }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("health server", () => {
  let server: HealthServer;
  before(async () => {
    server = await startHealthServer(0, "127.0.0.1");
  });
  after(async () => {
    await server.close();
  });

  test("GET /health: 200 ok", async () => {
    assert.deepEqual(await send(server.port, "GET", "/health"), { status: 200, body: "ok", type: "text/plain; charset=utf-8" });
  });

  test("GET /ready: 200 ready while running", async () => {
    assert.deepEqual(await send(server.port, "GET", "/ready"), { status: 200, body: "ready", type: "text/plain; charset=utf-8" });
  });

  test("HEAD works like GET without a body; a query string is ignored", async () => {
    assert.deepEqual(await send(server.port, "HEAD", "/health"), { status: 200, body: "", type: "text/plain; charset=utf-8" });
    assert.equal((await send(server.port, "GET", "/ready?probe=1")).status, 200);
  });

  test("everything else: 404", async () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/healthz"],
      ["GET", "/health/"],
      ["GET", "/ready/x"],
      ["GET", "/metrics"],
      ["POST", "/health"],
      ["PUT", "/ready"],
      ["DELETE", "/ready"],
    ] as const) {
      assert.equal((await send(server.port, method, path)).status, 404, `${method} ${path}`);
    }
  });

  test("once shutdown begins: /ready 503, /health still 200", async () => {
    server.setReady(false);
    assert.deepEqual(await send(server.port, "GET", "/ready"), { status: 503, body: "shutting down", type: "text/plain; charset=utf-8" });
    assert.equal((await send(server.port, "GET", "/health")).status, 200);
    server.setReady(true);
    assert.equal((await send(server.port, "GET", "/ready")).status, 200);
  });

  test("a second server on the same port is refused (EADDRINUSE)", async () => {
    await assert.rejects(startHealthServer(server.port, "127.0.0.1"), { code: "EADDRINUSE" });
  });
});

test("close() is prompt even with a keep-alive connection open", async () => {
  const server = await startHealthServer(0, "127.0.0.1");
  const res = await fetch(`http://127.0.0.1:${server.port}/health`); // undici keeps the socket alive
  assert.equal(await res.text(), "ok");
  const t0 = performance.now();
  await server.close();
  assert.ok(performance.now() - t0 < 500, `close took ${performance.now() - t0} ms`);
  await assert.rejects(fetch(`http://127.0.0.1:${server.port}/health`));
});
