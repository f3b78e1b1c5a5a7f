// Building blocks shared by the component manifests: labels, security contexts,
// probes and Services. Values that production manifests always want live here once.
import { createHash } from "node:crypto";
import type { ConfigMap, Container, EnvVar, Probe, ResourceRequirements, SecurityContext, PodSecurityContext } from "kubernetes-types/core/v1.js";
import type { Service, ServicePort } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { ROOT_UID } from "../model/containers.ts";
import { imageRef } from "../model/images.ts";
import type { Model } from "../model/model.ts";
import type { Names } from "../model/names-schema.ts";
import type { Resources } from "../model/settings.ts";
import { SERVICE_PORTS, type PortName, type ServiceName } from "../model/ports.ts";

/** The label every object of a component carries; selectors use it. */
export const selectorLabels = (app: ServiceName): Record<string, string> => ({ "app.kubernetes.io/name": app });

export const labels = (names: Names, app: ServiceName): Record<string, string> => ({
  ...selectorLabels(app),
  "app.kubernetes.io/part-of": names.namespace,
  "app.kubernetes.io/managed-by": "otel-demo-gen",
});

export const meta = (names: Names, app: ServiceName, name: string = app): ObjectMeta => ({
  name,
  namespace: names.namespace,
  labels: labels(names, app),
});

/** Non-root, nothing to escalate, read-only root filesystem unless a program cannot. */
export function containerSecurity(opts: { readOnlyRoot?: boolean; runAsRoot?: boolean } = {}): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: opts.readOnlyRoot ?? true,
    ...(opts.runAsRoot ? { runAsNonRoot: false, runAsUser: ROOT_UID } : { runAsNonRoot: true }),
  };
}

export function podSecurity(uid: number | null): PodSecurityContext {
  const base: PodSecurityContext = { seccompProfile: { type: "RuntimeDefault" } };
  return uid === null ? base : { ...base, runAsUser: uid, runAsGroup: uid, fsGroup: uid, runAsNonRoot: true };
}

export const httpProbe = (path: string, port: string, periodSeconds: number, extra: Partial<Probe> = {}): Probe => ({
  httpGet: { path, port },
  periodSeconds,
  timeoutSeconds: 2,
  failureThreshold: 3,
  ...extra,
});

export const image = (model: Model, app: ServiceName): Pick<Container, "image" | "imagePullPolicy"> => ({
  image: imageRef(model.images[app]),
  // Images are built by Nix and preloaded into the node: never pull.
  imagePullPolicy: "Never",
});

/** An env var from the credentials Secret (gen/names.json: credentialsSecret). */
export const secretEnv = (names: Names, name: string, key: string): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: names.credentialsSecret, key } },
});

/** Port names are the ones in ports.json; Kubernetes port names allow at most 15 chars. */
export function containerPorts<S extends ServiceName>(model: Model, app: S): NonNullable<Container["ports"]> {
  const ports = model.ports.services[app] as Record<string, number>;
  return (SERVICE_PORTS[app] as readonly string[]).map((name) => ({
    name,
    containerPort: ports[name] as number,
    protocol: "TCP",
  }));
}

function servicePorts<S extends ServiceName>(model: Model, app: S, names: readonly string[]): ServicePort[] {
  const ports = model.ports.services[app] as Record<string, number>;
  return names.map((name) => ({ name, port: ports[name] as number, targetPort: name, protocol: "TCP" }));
}

/**
 * The in-cluster Service of a component (ClusterIP, every port), and, when ports.json
 * forwards some of its ports to the host, a LoadBalancer Service with exactly those ports:
 * k3s' ServiceLB binds a LoadBalancer Service's ports on the node, which is where the VM's
 * port forwards arrive. On clusters without a load balancer it just stays pending.
 */
export function services<S extends ServiceName>(model: Model, app: S, names: readonly PortName<S>[] = SERVICE_PORTS[app]): Service[] {
  const internal: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(model.names, app),
    spec: { type: "ClusterIP", selector: selectorLabels(app), ports: servicePorts(model, app, names) },
  };
  const forwarded = names.filter((name) => model.ports.vm.forwards.some((f) => f.to === `${app}.${name}`));
  if (forwarded.length === 0) return [internal];
  const node: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(model.names, app, `${app}-node`),
    spec: { type: "LoadBalancer", selector: selectorLabels(app), ports: servicePorts(model, app, forwarded) },
  };
  return [internal, node];
}

/**
 * Pod template annotations that change whenever the mounted ConfigMaps change, so that
 * applying regenerated manifests (e.g. after editing ports.json) restarts the pods that
 * read them; Kubernetes does not restart pods for a changed ConfigMap by itself.
 */
export function configChecksum(names: Names, ...configMaps: ConfigMap[]): Record<string, string> {
  const hash = createHash("sha256");
  for (const cm of configMaps) hash.update(JSON.stringify([cm.metadata?.name, cm.data]));
  return { [`${names.namespace}/config-sha256`]: hash.digest("hex") };
}

/** A container's CPU and memory (gen/settings.json) as Kubernetes writes them. */
export const containerResources = (r: Resources): ResourceRequirements => ({
  requests: { cpu: r.requests.cpu, memory: r.requests.memory },
  limits: { cpu: r.limits.cpu, memory: r.limits.memory },
});

/** A Service's cluster DNS name, from the Service object itself. */
export function serviceHost(service: Service): string {
  const { name, namespace } = service.metadata ?? {};
  if (name === undefined || namespace === undefined) throw new Error("generator bug: a Service without name or namespace");
  return `${name}.${namespace}.svc.cluster.local`;
}

/** An object's name, for references to it (a volume's ConfigMap, a StatefulSet's Service). */
export function nameOf(o: { readonly kind?: string; readonly metadata?: ObjectMeta }): string {
  const name = o.metadata?.name;
  if (name === undefined) throw new Error(`generator bug: a ${o.kind ?? "object"} without a name`);
  return name;
}
