# NixOS VM test (needs KVM): the MicroVM's k3s node module without the microvm.nix
# parts, asserting that the whole pipeline runs offline.
{
  testers,
  k3sNode,
}:
let
  model = import ./model.nix { };
  inherit (model) names;
  svc = model.ports.services;
  # One record each way in, as the README's curl examples send them.
  otlpBody = builtins.toJSON {
    resourceLogs = [
      {
        resource.attributes = [
          {
            key = "service.name";
            value.stringValue = "vm-test-otlp";
          }
        ];
        scopeLogs = [
          {
            logRecords = [
              {
                severityNumber = 9;
                severityText = "INFO";
                body.stringValue = "hello over OTLP/HTTP";
              }
            ];
          }
        ];
      }
    ];
  };
  jsonBody = builtins.toJSON {
    message = "hello over HTTP";
    level = "warn";
    service = "vm-test-json";
  };
in
testers.runNixOSTest {
  name = "otel-demo-k3s";

  nodes.machine = {
    imports = [ k3sNode ];
    virtualisation = {
      memorySize = 8192;
      cores = 4;
      diskSize = 20480;
    };
  };

  testScript = ''
    start_all()
    machine.wait_for_unit("k3s.service")
    machine.wait_until_succeeds("k3s kubectl get nodes | grep -w Ready", timeout=600)

    with subtest("every pod is Ready"):
        machine.wait_until_succeeds("k3s kubectl -n ${names.namespace} get pods -o name | grep -q .", timeout=900)
        machine.wait_until_succeeds(
            "k3s kubectl wait --for=condition=Ready pods --all --all-namespaces"
            " --field-selector=status.phase!=Succeeded --timeout=30s",
            timeout=1800,
        )

    node_ip = machine.succeed(
        "k3s kubectl get nodes -o json | jq -r"
        " '.items[0].status.addresses[] | select(.type == \"InternalIP\") | .address'"
    ).strip()

    with subtest("rows with at least 5 distinct RandomString values reach ${names.logsTable}"):
        machine.wait_until_succeeds(
            "pw=$(k3s kubectl -n ${names.namespace} get secret ${names.credentialsSecret} -o json"
            " | jq -r '.data[\"${names.secretKeys.defaultPassword}\"]' | base64 -d)"
            f" && n=$(curl -sf -u \"default:$pw\" http://{node_ip}:${toString svc.clickhouse.http}/"
            " --data-binary 'SELECT uniqExact(RandomString) FROM ${names.database}.${names.logsTable}')"
            " && test \"$n\" -ge 5",
            timeout=600,
        )

    clickhouse = (
        "pw=$(k3s kubectl -n ${names.namespace} get secret ${names.credentialsSecret} -o json"
        " | jq -r '.data[\"${names.secretKeys.defaultPassword}\"]' | base64 -d)"
        f" && curl -sf -u \"default:$pw\" http://{node_ip}:${toString svc.clickhouse.http}/ --data-binary"
    )

    with subtest("every pod's logs: rows from at least three services, named by their pods' labels"):
        machine.wait_until_succeeds(
            clickhouse + " 'SELECT uniqExact(ServiceName) FROM ${names.database}.${names.logsTable}'"
            " | { read n; test \"$n\" -ge 3; }",
            timeout=600,
        )
        services = machine.succeed(
            clickhouse + " 'SELECT DISTINCT ServiceName FROM ${names.database}.${names.logsTable} ORDER BY ServiceName FORMAT TSV'"
        ).split()
        print(f"services with rows: {services}")
        for name in ["loggen", "clickhouse"]:
            assert name in services, f"no rows from {name}: {services}"
        # FluentBit's own pods are never read (their lines would feed back).
        assert "fluentbit" not in services, f"FluentBit's own logs were ingested: {services}"

    with subtest("OTLP/HTTP and JSON over HTTP land as rows"):
        otlp_body = ${builtins.toJSON otlpBody}
        json_body = ${builtins.toJSON jsonBody}
        machine.succeed(
            "curl -sf -H 'Content-Type: application/json'"
            f" http://{node_ip}:${toString svc.fluentbit.otlp}/v1/logs -d '" + otlp_body + "'"
        )
        machine.succeed(
            "curl -sf -H 'Content-Type: application/json'"
            f" http://{node_ip}:${toString svc.fluentbit.json}/vmtest -d '" + json_body + "'"
        )
        machine.wait_until_succeeds(
            clickhouse + " \"SELECT count() FROM ${names.database}.${names.logsTable}"
            " WHERE (ServiceName, Body) IN (('vm-test-otlp', 'hello over OTLP/HTTP'), ('vm-test-json', 'hello over HTTP'))\""
            " | grep -qx 2",
            timeout=120,
        )

    with subtest("the HyperDX page is served"):
        ui = f"http://{node_ip}:${toString svc.hyperdx.ui}"
        machine.succeed(f"curl -sf {ui}/ | grep -q /clickstack/search")
        machine.succeed(f"curl -sf {ui}/clickstack/search | grep -qi hyperdx")
        machine.succeed(f"curl -sf {ui}/__ENV.js | grep -q NEXT_PUBLIC_HDX_LOCAL_DEFAULT_SOURCES")

    def fluentbit_metric(name):
        metrics = machine.succeed(f"curl -sf http://{node_ip}:${toString svc.fluentbit.http}/api/v2/metrics/prometheus")
        values = [float(l.split()[-1]) for l in metrics.splitlines() if l.startswith(name + "{") or l.startswith(name + " ")]
        assert values, f"FluentBit reports no {name}"
        return sum(values)

    with subtest("FluentBit dropped nothing and is not retrying without end"):
        for name in ["fluentbit_output_dropped_records_total", "fluentbit_output_errors_total", "fluentbit_output_retries_failed_total"]:
            assert fluentbit_metric(name) == 0, f"{name} is not 0"
        # Retries happen on first boot (ClickHouse starts after FluentBit); once rows flow
        # they must stop: a chunk retried forever would keep this counter growing.
        before = fluentbit_metric("fluentbit_output_retries_total")
        machine.sleep(30)
        assert fluentbit_metric("fluentbit_output_retries_total") == before, "FluentBit keeps retrying chunks"
        machine.succeed("k3s kubectl -n ${names.namespace} wait --for=condition=Ready pod -l app.kubernetes.io/name=fluentbit --timeout=10s")
  '';
}
