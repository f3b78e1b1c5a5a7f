// A log workload whose true catalog answers are known: explicit message families with fixed
// counts, services, severities, hours and attributes. Shared by the catalog tests on chDB
// (gen/test/clickhouse-catalog.test.ts) and the report's end-to-end test (checks/report.test.ts).
import { createHash } from "node:crypto";

export interface LogRow {
  Timestamp: string;
  ServiceName: string;
  SeverityText: string;
  SeverityNumber: number;
  Body: string;
  LogAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

const HOUR_MS = 3_600_000;
const SEVERITY_NUMBER: Readonly<Record<string, number>> = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 };

/** "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" in UTC, as otel_logs parses it. */
export function chTime(ms: number, extraNs = 0): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}.${String((ms % 1000) * 1_000_000 + extraNs).padStart(9, "0")}`;
}

/** `width` hex digits, a fixed function of n (what a trace or span id looks like). */
const hex = (n: number, width: number): string => createHash("sha256").update(String(n)).digest("hex").slice(0, width);
const uuid = (n: number): string => {
  const h = hex(n, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * http.method by n: 70/30/12/5/2/1 of every 120, so the top five are unambiguous. A family
 * spread over several hours passes its row's index within its hour, so that every hour (and
 * any window of whole hours) has the same shares: by the row's own index, the rows of one
 * hour of three had PATCH and HEAD once each per 120, a tie topK may break either way.
 */
const METHODS: readonly (readonly [string, number])[] = [
  ["GET", 70],
  ["POST", 30],
  ["PUT", 12],
  ["DELETE", 5],
  ["PATCH", 2],
  ["HEAD", 1],
];
function method(i: number): string {
  let k = i % 120;
  for (const [m, n] of METHODS) {
    if (k < n) return m;
    k -= n;
  }
  return "HEAD";
}

export interface Family {
  /** The template the catalog must find (masks from gen/clickhouse/catalog.ts). */
  readonly pattern: string;
  readonly service: string;
  readonly severity: string;
  readonly rows: number;
  /** Hours (offsets from the first hour) the rows are spread over, round-robin. */
  readonly hours: readonly number[];
  readonly body: (i: number) => string;
  readonly attributes: (i: number) => Record<string, string>;
}

export const FAMILIES: readonly Family[] = [
  {
    pattern: "GET /api/orders/<num> took <num>ms",
    service: "checkout",
    severity: "INFO",
    rows: 1200,
    hours: [0, 1, 2],
    body: (i) => `GET /api/orders/${1000 + i} took ${10 + (i % 90)}ms`,
    // method() by the row's index within its hour: its three hours take rows round-robin (i % 3).
    attributes: (i) => ({ "http.method": method(Math.floor(i / 3)), user_id: `u${i % 37}`, request_id: `r${i}` }),
  },
  {
    pattern: "payment <uuid> declined: <str>",
    service: "payments",
    severity: "ERROR",
    rows: 300,
    hours: [1, 2],
    body: (i) => `payment ${uuid(i)} declined: "insufficient funds"`,
    attributes: (i) => ({ user_id: `u${i % 37}` }),
  },
  {
    pattern: "connection from <ip>:<num> reset",
    service: "payments",
    severity: "WARN",
    rows: 90,
    hours: [2],
    body: (i) => `connection from 10.1.${i % 256}.${i % 7}:${40000 + i} reset`,
    attributes: () => ({}),
  },
  {
    pattern: "trace <hex> span <hex>",
    service: "checkout",
    severity: "DEBUG",
    rows: 60,
    hours: [0],
    body: (i) => `trace ${hex(i, 32)} span ${hex(i + 7, 16)}`,
    attributes: (i) => ({ "http.method": "GET", request_id: `t${i}` }),
  },
  {
    // Far more distinct values than the exact set holds (EXACT_DISTINCT_UP_TO): an estimate.
    pattern: "tick",
    service: "loggen",
    severity: "INFO",
    rows: 20_000,
    hours: [0, 1, 2],
    body: () => "tick",
    attributes: (i) => ({ session_id: `s${i}`, pid: String(7 + (i % 2)) }),
  },
];

export const PODS: Readonly<Record<string, number>> = { checkout: 3, payments: 2, loggen: 2 };

/** The workload's rows, in a fixed order, from `firstHourMs` (a whole hour) on. */
export function workload(firstHourMs: number): LogRow[] {
  const rows: LogRow[] = [];
  for (const f of FAMILIES) {
    for (let i = 0; i < f.rows; i++) {
      const hour = f.hours[i % f.hours.length] ?? 0;
      // Spread over the hour, never past it: i * 997 ms modulo 59 minutes.
      const ms = firstHourMs + hour * HOUR_MS + ((i * 997) % 3_540_000);
      rows.push({
        Timestamp: chTime(ms, i % 1000),
        ServiceName: f.service,
        SeverityText: f.severity,
        SeverityNumber: SEVERITY_NUMBER[f.severity] ?? 0,
        Body: f.body(i),
        LogAttributes: f.attributes(i),
        ResourceAttributes: { "service.name": f.service, "k8s.pod.name": `${f.service}-${i % (PODS[f.service] ?? 1)}` },
      });
    }
  }
  return rows;
}

/** The start of the current hour minus `hoursBack` hours, in ms: workloads live in the recent past. */
export const hoursAgo = (hoursBack: number, now = Date.now()): number => Math.floor(now / HOUR_MS) * HOUR_MS - hoursBack * HOUR_MS;

export interface KnownAttribute {
  scope: string;
  key: string;
  distinct: number;
  rows: number;
  valueBytes: number;
  services: string[];
  /** value -> rows */
  counts: Map<string, number>;
  firstSeen: string;
  lastSeen: string;
}

/** The catalog's answers, counted from the rows themselves. */
export function knownAttributes(rows: readonly LogRow[]): KnownAttribute[] {
  const byKey = new Map<string, KnownAttribute & { serviceSet: Set<string> }>();
  for (const r of rows) {
    for (const [scope, map] of [
      ["LogAttributes", r.LogAttributes],
      ["ResourceAttributes", r.ResourceAttributes],
    ] as const) {
      for (const [key, value] of Object.entries(map)) {
        const id = `${scope}\u0000${key}`;
        const a = byKey.get(id) ?? { scope, key, distinct: 0, rows: 0, valueBytes: 0, services: [], counts: new Map(), firstSeen: r.Timestamp, lastSeen: r.Timestamp, serviceSet: new Set() };
        a.rows++;
        a.valueBytes += Buffer.byteLength(value);
        a.counts.set(value, (a.counts.get(value) ?? 0) + 1);
        a.serviceSet.add(r.ServiceName);
        if (r.Timestamp < a.firstSeen) a.firstSeen = r.Timestamp;
        if (r.Timestamp > a.lastSeen) a.lastSeen = r.Timestamp;
        byKey.set(id, a);
      }
    }
  }
  return [...byKey.values()].map(({ serviceSet, ...a }) => ({ ...a, distinct: a.counts.size, services: [...serviceSet].sort() }));
}

export interface KnownVolume {
  hour: string;
  service: string;
  severity: string;
  rows: number;
  bodyBytes: number;
}

export function knownVolume(rows: readonly LogRow[]): KnownVolume[] {
  const m = new Map<string, KnownVolume>();
  for (const r of rows) {
    const hour = `${r.Timestamp.slice(0, 13)}:00:00`;
    const id = `${hour}|${r.ServiceName}|${r.SeverityText}`;
    const v = m.get(id) ?? { hour, service: r.ServiceName, severity: r.SeverityText, rows: 0, bodyBytes: 0 };
    v.rows++;
    v.bodyBytes += Buffer.byteLength(r.Body);
    m.set(id, v);
  }
  return [...m.values()];
}
