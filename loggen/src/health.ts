// Health endpoints for Kubernetes probes: liveness GET /health, readiness GET /ready.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServer {
  /** The bound port (useful when listening on port 0 in tests). */
  readonly port: number;
  /** false once shutdown has begun: /ready answers 503 from then on. */
  setReady(ready: boolean): void;
  /** Stops accepting connections and drops open ones; resolves when closed. */
  close(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body); // Node omits the body for HEAD itself
}

export function handleHealthRequest(req: IncomingMessage, res: ServerResponse, ready: boolean): void {
  const path = (req.url ?? "/").split("?", 1)[0];
  // HEAD is GET without a body; curl -I and some probes use it.
  const readable = req.method === "GET" || req.method === "HEAD";
  if (readable && path === "/health") reply(res, 200, "ok");
  else if (readable && path === "/ready") reply(res, ready ? 200 : 503, ready ? "ready" : "shutting down");
  else reply(res, 404, "not found");
}

/** Listens on all interfaces; rejects if the port cannot be bound (e.g. EADDRINUSE). */
export async function startHealthServer(port: number, host?: string): Promise<HealthServer> {
  let ready = true;
  const server: Server = createServer((req, res) => handleHealthRequest(req, res, ready));
  // Probes are tiny; do not let a stuck client hold a socket for Node's 300 s default.
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port; // a TCP listener always has an AddressInfo
  return {
    port: bound,
    setReady(value: boolean) {
      ready = value;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive probe connections would otherwise hold close() open
      });
    },
  };
}
