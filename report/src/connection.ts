// Where ClickHouse is and who we are: flags, then environment, then the model (the VM's
// forwarded HTTP port from ports.json, the read-only user from gen/names.json), and the
// one-line message for every way a query can fail.
import { resolve } from "node:path";
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import type { Names } from "../../gen/model/names-schema.ts";
import { forwardOf, loadPorts } from "../../gen/model/ports.ts";
import { UsageError, type Options } from "./args.ts";

/** The repository root in the source tree; in the built package, dist/ mirrors its layout. */
export const ROOT = resolve(import.meta.dirname, "../..");

export interface Endpoint {
  /** Without credentials: it is printed in messages. */
  readonly url: URL;
  readonly user: string;
  readonly password: string;
}

function defaultUrl(): string {
  const fwd = forwardOf(loadPorts(resolve(ROOT, "ports.json")), "clickhouse.http");
  if (fwd === undefined) throw new UsageError("ports.json forwards no host port to clickhouse.http: give --url or CLICKHOUSE_URL");
  return `http://127.0.0.1:${fwd.host}/`;
}

export function endpoint(names: Names, o: Options, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const text = o.url ?? (env["CLICKHOUSE_URL"] || undefined) ?? defaultUrl();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(text)}: expected an http(s) URL such as http://127.0.0.1:<port>`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url ${JSON.stringify(text)}: expected http:// or https://`);
  // Credentials in the URL count as given, below the flag and the variables.
  const urlUser = decodeURIComponent(url.username);
  const urlPassword = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  const user = o.user ?? (env["CLICKHOUSE_USER"] || undefined) ?? (urlUser || undefined) ?? names.readerUser;
  const password = env["CLICKHOUSE_PASSWORD"] ?? (urlPassword || undefined) ?? (user === names.readerUser ? names.readerPassword : "");
  return { url, user, password };
}

export function connect(e: Endpoint, timeoutSeconds: number): ClickHouseClient {
  return createClient({
    url: e.url,
    username: e.user,
    password: e.password,
    request_timeout: timeoutSeconds * 1000,
    application: "otel-demo-report",
    // The client would log each failure with a stack trace; explain() says it in one line.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Node's socket errors carry a code; Happy Eyeballs wraps several in an AggregateError. */
function socketCodes(err: unknown): string[] {
  if (err instanceof AggregateError) return err.errors.flatMap(socketCodes);
  const code = (err as { code?: unknown } | null)?.code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return [...(typeof code === "string" ? [code] : []), ...(cause === undefined ? [] : socketCodes(cause))];
}

const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim();

/** What went wrong, as the one line the user reads; `what` names the view or table asked for. */
export function explain(err: unknown, e: Endpoint, what: string): string {
  const where = e.url.toString();
  if (err instanceof ClickHouseError) {
    const msg = oneLine(err.message).replace(/\.$/, "");
    switch (err.type) {
      case "AUTHENTICATION_FAILED":
      case "REQUIRED_PASSWORD":
      case "UNKNOWN_USER":
        return `ClickHouse at ${where} refused user ${JSON.stringify(e.user)}: wrong password or no such user (${err.type}; the password comes from CLICKHOUSE_PASSWORD)`;
      case "ACCESS_DENIED":
        return `user ${JSON.stringify(e.user)} may not read what the ${what} view needs: ${msg} (ACCESS_DENIED)`;
      case "UNKNOWN_TABLE":
      case "UNKNOWN_DATABASE":
        return `ClickHouse at ${where} has no catalog for the ${what} view: ${msg} (${err.type}); its schema predates the catalog: restart it with this version's startup scripts (sql/init.sql)`;
      default:
        return `ClickHouse at ${where} failed the ${what} query: ${msg} (${err.type}, code ${err.code})`;
    }
  }
  const codes = socketCodes(err);
  const message = oneLine(err instanceof Error ? err.message : String(err));
  if (codes.some((c) => ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EAI_AGAIN"].includes(c))) {
    return `cannot reach ClickHouse at ${where} (${[...new Set(codes)].join(", ")}): is it running? (the VM: nix run .#vm; elsewhere: --url or CLICKHOUSE_URL)`;
  }
  if (/timeout/i.test(message) || codes.includes("ETIMEDOUT")) return `ClickHouse at ${where} did not answer within the timeout (--timeout): ${message}`;
  return `query to ClickHouse at ${where} failed: ${message.slice(0, 300)}`;
}
