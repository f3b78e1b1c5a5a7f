// Typed, validating loader for ports.json: the single source of every port.
// Every problem names the file and the key, and says what is allowed (gen/model/validate.ts),
// so that a user who edits ports.json by hand knows exactly what to fix.
import { at, Problems, quoted, readJson } from "./validate.ts";

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

/** The highest TCP/UDP port. */
const PORT_MAX = 65535;
/** Host ports below this need root and are refused. */
const HOST_PORT_MIN = 1024;

function checkPort(value: unknown, path: string, problems: Problems, min = 1): value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > PORT_MAX) {
    const why = min > 1 ? ` (host ports below ${min} need root and are refused)` : "";
    problems.add(path, `an integer port from ${min} to ${PORT_MAX}${why}`, value);
    return false;
  }
  return true;
}

/** Validates parsed JSON; `file` only names the source in messages. */
export function parsePorts(raw: unknown, file = "ports.json"): Ports {
  const problems = new Problems(file);
  const top = problems.object(raw, "", `an object with keys ${quoted(["services", "vm"])}`);
  if (top === undefined) return problems.fail();
  const keys = (obj: Record<string, unknown>, path: string, allowed: readonly string[]): void => {
    problems.unknownKeys(obj, path, allowed);
    problems.missingKeys(obj, path, allowed);
  };
  keys(top, "", ["services", "vm"]);

  // Who already uses a port, to report two services on one port.
  const owners = new Map<number, string>();
  const claim = (port: number, path: string): void => {
    const other = owners.get(port);
    if (other !== undefined) problems.addText(path, "a port no other key uses (every port must be unique)", `${port}, already used by ${other}`);
    else owners.set(port, path);
  };

  const services: Record<string, Record<string, number>> = {};
  const rawServices = top["services"];
  const serviceObj = rawServices === undefined ? undefined : problems.object(rawServices, "services", `an object with keys ${quoted(Object.keys(SERVICE_PORTS))}`);
  if (serviceObj !== undefined) {
    keys(serviceObj, "services", Object.keys(SERVICE_PORTS));
    for (const [service, portNames] of Object.entries(SERVICE_PORTS) as [ServiceName, readonly string[]][]) {
      const rawPorts = serviceObj[service];
      if (rawPorts === undefined) continue;
      const path = `services.${service}`;
      const portObj = problems.object(rawPorts, path, `an object with keys ${quoted(portNames)}`);
      if (portObj === undefined) continue;
      keys(portObj, path, portNames);
      services[service] = {};
      for (const name of portNames) {
        const value = portObj[name];
        if (value === undefined) continue;
        if (checkPort(value, at(path, name), problems)) {
          services[service][name] = value;
          claim(value, at(path, name));
        }
      }
    }
  }

  const guest: Record<string, number> = {};
  const forwards: Forward[] = [];
  const rawVm = top["vm"];
  const vm = rawVm === undefined ? undefined : problems.object(rawVm, "vm", `an object with keys ${quoted(["guest", "forwards"])}`);
  if (vm !== undefined) {
    keys(vm, "vm", ["guest", "forwards"]);
    const rawGuest = vm["guest"];
    const guestObj = rawGuest === undefined ? undefined : problems.object(rawGuest, "vm.guest", `an object with keys ${quoted(GUEST_PORTS)}`);
    if (guestObj !== undefined) {
      keys(guestObj, "vm.guest", GUEST_PORTS);
      for (const name of GUEST_PORTS) {
        const value = guestObj[name];
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
    const allowedTargets = quoted([...targets.keys()]);
    const forwardShape = `{"host": <port>, "to": <target>}`;

    const rawForwards = vm["forwards"];
    if (rawForwards !== undefined && !Array.isArray(rawForwards)) {
      problems.add("vm.forwards", `a list of ${forwardShape}`, rawForwards);
    } else if (Array.isArray(rawForwards)) {
      const hostOwners = new Map<number, string>();
      const targetOwners = new Map<string, string>();
      rawForwards.forEach((fwd: unknown, i: number) => {
        const path = `vm.forwards[${i}]`;
        const fwdObj = problems.object(fwd, path, `an object ${forwardShape}`);
        if (fwdObj === undefined) return;
        keys(fwdObj, path, ["host", "to"]);
        const host = fwdObj["host"];
        const to = fwdObj["to"];
        let hostOk = false;
        if (host !== undefined && checkPort(host, `${path}.host`, problems, HOST_PORT_MIN)) {
          hostOk = true;
          const other = hostOwners.get(host);
          if (other !== undefined) {
            problems.addText(`${path}.host`, "a host port no other forward uses (each host port forwards once)", `${host}, already forwarded by ${other}`);
            hostOk = false;
          } else hostOwners.set(host, path);
        }
        if (to === undefined) return;
        if (typeof to !== "string" || !targets.has(to)) {
          problems.addText(`${path}.to`, `a forward target (allowed targets: ${allowedTargets})`, `unknown target ${JSON.stringify(to)}`);
          return;
        }
        const otherTarget = targetOwners.get(to);
        if (otherTarget !== undefined) {
          problems.addText(`${path}.to`, "a target no other forward uses (forward each target once)", `"${to}", already forwarded by ${otherTarget}`);
          return;
        }
        targetOwners.set(to, path);
        const guestPort = targets.get(to)?.();
        if (hostOk && guestPort !== undefined) forwards.push({ host: host as number, to: to as ForwardTarget, guest: guestPort });
      });
    }
  }

  problems.done();
  return {
    services: services as unknown as ServicePorts, // every key was checked present above
    vm: { guest: guest as { [G in GuestPortName]: number }, forwards },
  };
}

/** Reads and validates a ports.json file. */
export function loadPorts(file: string): Ports {
  return parsePorts(readJson(file), file);
}

/** The forward whose guest side is `to`, if ports.json forwards it. */
export function forwardOf(ports: Ports, to: ForwardTarget): Forward | undefined {
  return ports.vm.forwards.find((f) => f.to === to);
}
