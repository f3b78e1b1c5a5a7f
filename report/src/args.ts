// The command line: which view, its window and filters, output and connection. Every
// mistake is one line naming the flag or value and what is allowed (UsageError, exit 2).
import { parseArgs } from "node:util";

export const VIEWS = ["attributes", "patterns", "volume", "storage", "refused"] as const;
export type View = (typeof VIEWS)[number];

export class UsageError extends Error {}

export interface Options {
  readonly view: View;
  readonly sinceSeconds?: number;
  /** --since as given, for messages. */
  readonly sinceText?: string;
  readonly service?: string;
  readonly severity?: string;
  readonly threshold: number;
  readonly exact: boolean;
  readonly limit: number;
  readonly json: boolean;
  readonly url?: string;
  readonly user?: string;
  readonly timeoutSeconds: number;
}

export const DEFAULT_THRESHOLD = 1000;
export const DEFAULT_LIMIT = 20;
export const DEFAULT_TIMEOUT_SECONDS = 30;

export const USAGE = `Usage: report <view> [options]     (npm run report -- <view>, nix run .#report -- <view>)
Views:
  attributes   attribute keys (LogAttributes, ResourceAttributes) by distinct values, flagged above --threshold
  patterns     message templates (numbers, ids, IPs, quoted strings masked) by rows, with services and severities
  volume       rows and Body bytes per hour, service and severity
  storage      bytes per column and compression ratio of every table in the logs database
  refused      records not stored because they were older than retention when they arrived, per hour of their time and service
Options:
  --since D        the hours since D ago, e.g. 30m, 1h, 6h, 7d, 1h30m (the window starts at that hour's start); not for storage
  --service NAME   one service only (attributes, patterns, volume)
  --severity S     one severity only, e.g. ERROR (patterns, volume)
  --threshold N    attributes: flag keys with more than N distinct values (default ${DEFAULT_THRESHOLD})
  --exact          attributes: exact distinct counts (uniqExact) from otel_logs itself instead of the catalog (scans the window)
  --limit N        patterns: the N templates with the most rows (default ${DEFAULT_LIMIT})
  --json           a JSON array instead of a table
  --url URL        ClickHouse's HTTP endpoint (default: $CLICKHOUSE_URL, else the VM's forwarded port from ports.json)
  --user NAME      (default: $CLICKHOUSE_USER, else the read-only user); the password comes from $CLICKHOUSE_PASSWORD
  --timeout S      seconds to wait for ClickHouse (default ${DEFAULT_TIMEOUT_SECONDS})`;

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "30m", "1h", "7d", "1h30m" -> seconds; undefined when it is not such a duration. */
export function parseSince(text: string): number | undefined {
  if (!/^(\d+[smhdw])+$/.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+)([smhdw])/g)) seconds += Number(m[1]) * (UNITS[m[2] ?? ""] ?? NaN);
  // Zero says nothing; more than ten years is a typo (and overflows nothing, but helps no one).
  return seconds > 0 && seconds <= 10 * 365 * 86_400 ? seconds : undefined;
}

function positiveInt(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number of at least 1`);
  }
  return Number(text);
}

/** Options, or "help" when the user asked for it. */
export function parseOptions(argv: readonly string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        since: { type: "string" },
        service: { type: "string" },
        severity: { type: "string" },
        threshold: { type: "string" },
        exact: { type: "boolean", default: false },
        limit: { type: "string" },
        json: { type: "boolean", default: false },
        url: { type: "string" },
        user: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    // node:util's messages go on to explain positionals after "--": keep what is wrong.
    const message = (e as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown === null ? (message.split("\n")[0] ?? "invalid arguments") : `unknown option ${unknown[1]}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return "help";
  if (positionals.length === 0) throw new UsageError(`which view? expected one of ${VIEWS.join(", ")}`);
  if (positionals.length > 1) throw new UsageError(`one view at a time, got ${positionals.map((p) => JSON.stringify(p)).join(" ")}`);
  const name = positionals[0] ?? "";
  const view = VIEWS.find((x) => x === name);
  if (view === undefined) throw new UsageError(`unknown view ${JSON.stringify(name)}: expected one of ${VIEWS.join(", ")}`);

  let sinceSeconds: number | undefined;
  if (v.since !== undefined) {
    sinceSeconds = parseSince(v.since);
    if (sinceSeconds === undefined) throw new UsageError(`--since ${JSON.stringify(v.since)}: expected a duration like 30m, 1h, 6h, 7d or 1h30m (s, m, h, d, w; at most 10 years)`);
    if (view === "storage") throw new UsageError("--since does not apply to the storage view: it shows the parts on disk now");
  }
  if (v.service !== undefined && view === "storage") throw new UsageError("--service does not apply to the storage view");
  if (v.severity !== undefined && (view === "storage" || view === "attributes" || view === "refused")) {
    throw new UsageError(`--severity does not apply to the ${view} view (only patterns and volume)`);
  }
  if (v.threshold !== undefined && view !== "attributes") throw new UsageError("--threshold applies to the attributes view only");
  if (v.exact && view !== "attributes") throw new UsageError("--exact applies to the attributes view only");
  if (v.limit !== undefined && view !== "patterns") throw new UsageError("--limit applies to the patterns view only");
  for (const [flag, value] of [["--service", v.service], ["--severity", v.severity], ["--user", v.user], ["--url", v.url]] as const) {
    if (value === "") throw new UsageError(`${flag}: expected a value, got an empty string`);
  }

  return {
    view,
    ...(sinceSeconds === undefined || v.since === undefined ? {} : { sinceSeconds, sinceText: v.since }),
    ...(v.service === undefined ? {} : { service: v.service }),
    ...(v.severity === undefined ? {} : { severity: v.severity }),
    threshold: positiveInt("--threshold", v.threshold, DEFAULT_THRESHOLD),
    exact: v.exact,
    limit: positiveInt("--limit", v.limit, DEFAULT_LIMIT),
    json: v.json,
    ...(v.url === undefined ? {} : { url: v.url }),
    ...(v.user === undefined ? {} : { user: v.user }),
    timeoutSeconds: positiveInt("--timeout", v.timeout, DEFAULT_TIMEOUT_SECONDS),
  };
}
