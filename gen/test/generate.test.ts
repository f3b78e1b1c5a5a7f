// The generated manifests: valid for their kinds, consistent with ports.json,
// deterministic, and guarded by the drift check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { generate, K8S_DIR } from "../generate.ts";
import { loadModel } from "../model/model.ts";
import { SERVICE_PORTS } from "../model/ports.ts";
import { validateObject } from "./k8s-schema.ts";
import { requireEngine } from "../../checks/engines.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const GEN = [process.execPath, "--import", "tsx", join(ROOT, "gen/main.ts")];
const model = loadModel(ROOT);

function generateWith(mutate?: (ports: Record<string, any>) => void) { // `any`: see ports.test.ts
  let portsFile: string | undefined;
  if (mutate) {
    const ports = JSON.parse(readFileSync(join(ROOT, "ports.json"), "utf8"));
    mutate(ports);
    portsFile = join(mkdtempSync(join(tmpdir(), "ports-")), "ports.json");
    writeFileSync(portsFile, JSON.stringify(ports));
  }
  return generate(loadModel(ROOT, portsFile));
}

function objectsOf(files: ReturnType<typeof generate>): Record<string, unknown>[] {
  return files
    .filter((f) => f.path.startsWith(`${K8S_DIR}/`) && f.path.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(f.content).map((d) => {
        assert.deepEqual(d.errors, [], `${f.path} is not valid YAML`);
        return d.toJS() as Record<string, unknown>;
      }),
    );
}

const run = (args: string[], cwd = ROOT) => spawnSync(GEN[0]!, [...GEN.slice(1), ...args], { encoding: "utf8", cwd });

describe("generated manifests", () => {
  const files = generateWith();
  const objects = objectsOf(files).filter((o) => o["kind"] !== "Kustomization");

  it("every object validates against the Kubernetes schema of its kind", () => {
    assert.ok(objects.length >= 15, `expected the whole system, got ${objects.length} objects`);
    for (const o of objects) validateObject(o);
  });

  it("the schema check rejects what Kubernetes would reject (not vacuous)", () => {
    const sts = structuredClone(objects.find((o) => o["kind"] === "StatefulSet")!) as any; // `any`: broken on purpose
    sts.spec.replicas = "1";
    assert.throws(() => validateObject(sts), /StatefulSet\/clickhouse does not match the Kubernetes schema: .*replicas must be integer/);
    delete sts.spec.replicas;
    delete sts.spec.selector;
    assert.throws(() => validateObject(sts), /required property selector/);
  });

  it("every object has the system's kinds, names and namespace", () => {
    const kinds = objects.map((o) => `${o["kind"]}/${(o["metadata"] as { name: string }).name}`).sort();
    for (const expected of [
      "Namespace/otel-demo",
      "Deployment/loggen",
      "DaemonSet/fluentbit",
      "ConfigMap/fluentbit-config",
      "StatefulSet/clickhouse",
      "Service/clickhouse",
      "ConfigMap/clickhouse-config",
      "ConfigMap/clickhouse-init",
      "Deployment/hyperdx",
      "Service/hyperdx",
    ]) {
      assert.ok(kinds.includes(expected), `${expected} is missing; have ${kinds.join(", ")}`);
    }
    for (const o of objects) {
      const m = o["metadata"] as { namespace?: string };
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o["kind"] as string);
      assert.equal(m.namespace, clusterScoped ? undefined : model.names.namespace, `${String(o["kind"])} namespace`);
    }
  });

  it("every container is pinned to a local image, non-root where possible, with limits and probes", () => {
    const pods = objects.filter((o) => ["Deployment", "DaemonSet", "StatefulSet"].includes(o["kind"] as string));
    assert.equal(pods.length, 4);
    for (const o of pods) {
      const spec = (o["spec"] as any).template.spec; // `any`: schema-validated above; this reads a few fields
      for (const c of spec.containers) {
        assert.equal(c.imagePullPolicy, "Never");
        assert.match(c.image, /^otel-demo\/[a-z]+:[0-9.]+$/);
        assert.ok(c.resources.limits.memory && c.resources.limits.cpu, `${c.name} limits`);
        assert.ok(c.livenessProbe && c.readinessProbe, `${c.name} probes`);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        if (c.name !== "fluentbit") assert.equal(spec.securityContext.runAsNonRoot, true, `${c.name} runs as non-root`);
      }
    }
    const fb = pods.find((o) => o["kind"] === "DaemonSet") as any; // `any`: as above
    const c = fb.spec.template.spec.containers[0];
    assert.equal(c.livenessProbe.httpGet.path, "/");
    assert.equal(c.readinessProbe.httpGet.path, "/api/v1/health");
  });

  it("no password is written into any manifest: they come from the Secret", () => {
    const all = files.map((f) => f.content).join("\n");
    assert.doesNotMatch(all, /kind: Secret/);
    assert.match(all, /secretKeyRef:\n\s+name: clickhouse-credentials/);
  });

  it("forwarded ports get a LoadBalancer Service (the VM's guest port), others stay in-cluster", () => {
    const svc = (name: string) => objects.find((o) => o["kind"] === "Service" && (o["metadata"] as any).name === name) as any; // `any`: as above
    assert.deepEqual(svc("clickhouse-node").spec.ports.map((p: any) => p.port), [8123, 9000]);
    assert.equal(svc("clickhouse-node").spec.type, "LoadBalancer");
    assert.equal(svc("clickhouse").spec.type, "ClusterIP");
    assert.deepEqual(svc("clickhouse").spec.ports.map((p: any) => p.port), [8123, 9000, 9009]);
    assert.equal(svc("hyperdx-node").spec.ports[0].port, 8080);
    const unforwarded = generateWith((p) => (p["vm"]["forwards"] = p["vm"]["forwards"].filter((f: any) => !f.to.startsWith("fluentbit."))));
    assert.ok(!objectsOf(unforwarded).some((o) => (o["metadata"] as any)?.name === "fluentbit-node"));
    const fluentbitNode = svc("fluentbit-node");
    assert.deepEqual(fluentbitNode.spec.ports.map((p: any) => p.port), [2020, 4318, 9880], "FluentBit's health, OTLP and JSON ports reach the host");
  });

  it("is byte-for-byte deterministic, LF only, with a header and one trailing newline", () => {
    const again = generateWith();
    assert.deepEqual(again, files);
    for (const f of files) {
      assert.ok(!f.content.includes("\r"), `${f.path} has CR`);
      assert.ok(f.content.endsWith("\n") && !f.content.endsWith("\n\n"), `${f.path} trailing newline`);
      // YAML and SQL start with a comment; JSON, which has none, with a "_generated" key.
      const first = f.path.endsWith(".json") ? f.content.split("\n")[1]! : f.content.split("\n")[0]!;
      assert.match(first, /^(# |-- | {2}"_generated": ")Generated by `npm run gen` from ports\.json/, `${f.path} header`);
    }
  });
});

describe("changing a port in ports.json", () => {
  const all = (files: ReturnType<typeof generate>) => files.map((f) => `${f.path}:\n${f.content}`).join("\n");

  it("moves the ClickHouse HTTP port everywhere and leaves no stale 8123", () => {
    const out = all(generateWith((p) => (p["services"]["clickhouse"]["http"] = 18124)));
    assert.doesNotMatch(out, /\b8123\b/);
    const objects = objectsOf(generateWith((p) => (p["services"]["clickhouse"]["http"] = 18124))) as any[]; // `any`: reads nested fields
    const sts = objects.find((o) => o.kind === "StatefulSet");
    assert.ok(sts.spec.template.spec.containers[0].ports.some((p: any) => p.name === "http" && p.containerPort === 18124));
    const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === "clickhouse");
    assert.ok(svc.spec.ports.some((p: any) => p.name === "http" && p.port === 18124));
    const cfg = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "clickhouse-config");
    assert.match(cfg.data["config.xml"], /<http_port>18124<\/http_port>/);
    const fb = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "fluentbit-config");
    assert.match(fb.data["fluent-bit.yaml"], /\b18124\b/, "FluentBit's output follows the port");
  });

  it("moves every service port and leaves no stale occurrence of the old one", () => {
    const before = generateWith();
    let next = 41000;
    for (const [service, names] of Object.entries(SERVICE_PORTS)) {
      for (const name of names) {
        const port = next++;
        const old = (JSON.parse(readFileSync(join(ROOT, "ports.json"), "utf8")) as any).services[service][name]; // `any`: fixture
        assert.match(all(before), new RegExp(`\\b${old}\\b`), `${service}.${name} (${old}) is used somewhere`);
        const out = all(generateWith((p) => (p["services"][service][name] = port)));
        assert.doesNotMatch(out, new RegExp(`\\b${old}\\b`), `stale ${old} after moving ${service}.${name}`);
        assert.match(out, new RegExp(`\\b${port}\\b`), `${service}.${name} = ${port} appears`);
      }
    }
  });
});

describe("npm run gen -- --check", () => {
  it("passes on the committed output", () => {
    const r = run(["--check"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /generated files are up to date/);
  });

  it("fails, naming the file, after a generated file is hand-edited, removed or added", () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-"));
    assert.equal(run(["--out", dir]).status, 0);
    assert.equal(run(["--check", "--out", dir]).status, 0);

    const edited = join(dir, K8S_DIR, "clickhouse.yaml");
    writeFileSync(edited, readFileSync(edited, "utf8").replace("replicas: 1", "replicas: 2"));
    rmSync(join(dir, "sql/init.sql"));
    writeFileSync(join(dir, K8S_DIR, "extra.yaml"), "kind: ConfigMap\n");
    const r = run(["--check", "--out", dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /differs\s+k8s\.generated\/clickhouse\.yaml/);
    assert.match(r.stderr, /missing\s+sql\/init\.sql/);
    assert.match(r.stderr, /stale\s+k8s\.generated\/extra\.yaml/);

    assert.equal(run(["--out", dir]).status, 0, "regenerating repairs it");
    assert.ok(!existsSync(join(dir, K8S_DIR, "extra.yaml")), "a stale output is removed");
    assert.equal(run(["--check", "--out", dir]).status, 0);
  });
});

describe("kustomization", () => {
  it("lists every manifest, and `kubectl kustomize` builds it", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "kustomize-"));
    assert.equal(run(["--out", dir]).status, 0);
    cpSync(join(ROOT, "ports.json"), join(dir, "ports.json"));
    const k = JSON.parse(JSON.stringify(parseAllDocuments(readFileSync(join(dir, K8S_DIR, "kustomization.yaml"), "utf8"))[0]!.toJS()));
    for (const res of k.resources as string[]) assert.ok(existsSync(join(dir, K8S_DIR, res)), `${res} exists`);
    const kubectl = spawnSync("kubectl", ["kustomize", join(dir, K8S_DIR)], { encoding: "utf8" });
    if (kubectl.error) {
      const skipped = requireEngine("`kubectl kustomize` of the manifests (the resource list was checked)", [{ name: "kubectl", hint: "PATH" }]);
      t.skip(skipped === false ? undefined : skipped);
      return;
    }
    assert.equal(kubectl.status, 0, kubectl.stderr);
    const built = parseAllDocuments(kubectl.stdout).map((d) => d.toJS() as { kind: string });
    assert.equal(built.length, objectsOf(generateWith()).length - 1, "every object except the Kustomization itself");
  });
});
