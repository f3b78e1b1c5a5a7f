// Typed, validating loader for ports.json: the single source of every port.
// Every error names the file and the key, and says what is allowed, so that a
// user who edits ports.json by hand knows exactly what to fix.
import { readFileSync } from "node:fs";

/** The services of the system and the names of their ports. Fixed: the generator wires each one. */
export const SERVICE_PORTS = {
  loggen: ["health"],
  // http: health and metrics; otlp: OTLP/HTTP logs; json: JSON objects POSTed to /<tag> (gen/fluentbit/config.ts).
  fluentbit: ["http", "otlp", "json"],
  clickhouse: ["http", "native", "interserver"],
  // ui: HAProxy, the origin the browser uses; static: static-web-server behind it (gen/hyperdx/proxy.ts).
  hyperdx: ["ui", "static"],
} as const;

/** Ports of the VM itself (not Kubernetes Services) that a forward may target. */
export const GUEST_PORTS = ["ssh"] as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
export type PortName<S extends ServiceName> = (typeof SERVICE_PORTS)[S][number];
export type ServicePorts = { readonly [S in ServiceName]: { readonly [P in PortName<S>]: number } };
export type GuestPortName = (typeof GUEST_PORTS)[number];

/** A forward target: "vm.ssh" or "<service>.<port>", e.g. "clickhouse.http". */
export type ForwardTarget = `vm.${GuestPortName}` | { [S in ServiceName]: `${S}.${PortName<S>}` }[ServiceName];

export interface Forward {
  /** Port on the host's 127.0.0.1. */
  readonly host: number;
  readonly to: ForwardTarget;
  /** Port inside the VM, resolved from `to`: never written twice in ports.json. */
  readonly guest: number;
}

export interface Ports {
  readonly services: ServicePorts;
  readonly vm: { readonly guest: { readonly [G in GuestPortName]: number }; readonly forwards: readonly Forward[] };
}

export class PortsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PortsError";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const show = (v: unknown): string => (v === undefined ? "nothing" : JSON.stringify(v));

/** Reports keys that are missing or not allowed in `obj` at `path`. */
function checkKeys(obj: Record<string, unknown>, path: string, allowed: readonly string[], problems: string[]): void {
  const list = allowed.map((k) => `"${k}"`).join(", ");
  const where = path === "" ? "the top level" : path;
  const at = (key: string): string => (path === "" ? key : `${path}.${key}`);
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${at(key)}: unknown key; allowed keys of ${where}: ${list}`);
  }
  for (const key of allowed) {
    if (!(key in obj)) problems.push(`${at(key)}: missing; ${where} needs ${list}`);
  }
}

function checkPort(value: unknown, path: string, problems: string[], min = 1): value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 65535) {
    const why = min > 1 ? ` (host ports below ${min} need root and are refused)` : "";
    problems.push(`${path}: expected an integer port from ${min} to 65535${why}, got ${show(value)}`);
    return false;
  }
  return true;
}

/** Validates parsed JSON; `file` only names the source in messages. */
export function parsePorts(raw: unknown, file = "ports.json"): Ports {
  const problems: string[] = [];
  const fail = (): never => {
    throw new PortsError(file, problems);
  };
  if (!isObject(raw)) {
    problems.push(`top level: expected an object with keys "services", "vm", got ${show(raw)}`);
    return fail();
  }
  checkKeys(raw, "", ["services", "vm"], problems);

  // Who already uses a port, to report two services on one port.
  const owners = new Map<number, string>();
  const claim = (port: number, path: string): void => {
    const other = owners.get(port);
    if (other !== undefined) problems.push(`${path}: port ${port} is already used by ${other}; every port must be unique`);
    else owners.set(port, path);
  };

  const services: Record<string, Record<string, number>> = {};
  const rawServices = raw["services"];
  if (raw["services"] !== undefined && !isObject(rawServices)) {
    problems.push(`services: expected an object, got ${show(rawServices)}`);
  } else if (isObject(rawServices)) {
    checkKeys(rawServices, "services", Object.keys(SERVICE_PORTS), problems);
    for (const [service, portNames] of Object.entries(SERVICE_PORTS) as [ServiceName, readonly string[]][]) {
      const rawPorts = rawServices[service];
      if (rawPorts === undefined) continue;
      const path = `services.${service}`;
      if (!isObject(rawPorts)) {
        problems.push(`${path}: expected an object with keys ${portNames.map((p) => `"${p}"`).join(", ")}, got ${show(rawPorts)}`);
        continue;
      }
      checkKeys(rawPorts, path, portNames, problems);
      services[service] = {};
      for (const name of portNames) {
        const value = rawPorts[name];
        if (value === undefined) continue;
        if (checkPort(value, `${path}.${name}`, problems)) {
          services[service][name] = value;
          claim(value, `${path}.${name}`);
        }
      }
    }
  }

  const guest: Record<string, number> = {};
  const forwards: Forward[] = [];
  const rawVm = raw["vm"];
  if (rawVm !== undefined && !isObject(rawVm)) {
    problems.push(`vm: expected an object with keys "guest", "forwards", got ${show(rawVm)}`);
  } else if (isObject(rawVm)) {
    checkKeys(rawVm, "vm", ["guest", "forwards"], problems);
    const rawGuest = rawVm["guest"];
    if (rawGuest !== undefined && !isObject(rawGuest)) {
      problems.push(`vm.guest: expected an object with keys ${GUEST_PORTS.map((p) => `"${p}"`).join(", ")}, got ${show(rawGuest)}`);
    } else if (isObject(rawGuest)) {
      checkKeys(rawGuest, "vm.guest", GUEST_PORTS, problems);
      for (const name of GUEST_PORTS) {
        const value = rawGuest[name];
        if (value !== undefined && checkPort(value, `vm.guest.${name}`, problems)) {
          guest[name] = value;
          claim(value, `vm.guest.${name}`);
        }
      }
    }

    const targets = new Map<string, () => number | undefined>();
    for (const name of GUEST_PORTS) targets.set(`vm.${name}`, () => guest[name]);
    for (const [service, portNames] of Object.entries(SERVICE_PORTS)) {
      for (const name of portNames) targets.set(`${service}.${name}`, () => services[service]?.[name]);
    }
    const allowedTargets = [...targets.keys()].map((t) => `"${t}"`).join(", ");

    const rawForwards = rawVm["forwards"];
    if (rawForwards !== undefined && !Array.isArray(rawForwards)) {
      problems.push(`vm.forwards: expected a list of {"host": <port>, "to": <target>}, got ${show(rawForwards)}`);
    } else if (Array.isArray(rawForwards)) {
      const hostOwners = new Map<number, string>();
      const targetOwners = new Map<string, string>();
      rawForwards.forEach((fwd: unknown, i: number) => {
        const path = `vm.forwards[${i}]`;
        if (!isObject(fwd)) {
          problems.push(`${path}: expected an object {"host": <port>, "to": <target>}, got ${show(fwd)}`);
          return;
        }
        checkKeys(fwd, path, ["host", "to"], problems);
        const host = fwd["host"];
        const to = fwd["to"];
        let hostOk = false;
        if (host !== undefined && checkPort(host, `${path}.host`, problems, 1024)) {
          hostOk = true;
          const other = hostOwners.get(host);
          if (other !== undefined) {
            problems.push(`${path}.host: host port ${host} is already forwarded by ${other}; each host port forwards once`);
            hostOk = false;
          } else hostOwners.set(host, path);
        }
        if (to === undefined) return;
        if (typeof to !== "string" || !targets.has(to)) {
          problems.push(`${path}.to: unknown target ${show(to)}; allowed targets: ${allowedTargets}`);
          return;
        }
        const otherTarget = targetOwners.get(to);
        if (otherTarget !== undefined) {
          problems.push(`${path}.to: "${to}" is already forwarded by ${otherTarget}; forward each target once`);
          return;
        }
        targetOwners.set(to, path);
        const guestPort = targets.get(to)?.();
        if (hostOk && guestPort !== undefined) forwards.push({ host: host as number, to: to as ForwardTarget, guest: guestPort });
      });
    }
  }

  if (problems.length > 0) fail();
  return {
    services: services as unknown as ServicePorts, // every key was checked present above
    vm: { guest: guest as { [G in GuestPortName]: number }, forwards },
  };
}

/** Reads and validates a ports.json file. */
export function loadPorts(file: string): Ports {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PortsError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PortsError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  return parsePorts(raw, file);
}

/** The forward whose guest side is `to`, if ports.json forwards it. */
export function forwardOf(ports: Ports, to: ForwardTarget): Forward | undefined {
  return ports.vm.forwards.find((f) => f.to === to);
}
