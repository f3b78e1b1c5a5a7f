#!/usr/bin/env node
// `report <view>`: reads the catalog ClickHouse keeps about the logs (gen/clickhouse/catalog.ts)
// as the read-only user and prints a table, or JSON with --json. Exit 0 with the answer,
// 2 for a usage mistake, 1 when ClickHouse cannot answer; every error is one line on stderr.
import { resolve } from "node:path";
import { loadNames } from "../../gen/model/names-schema.ts";
import { parseOptions, USAGE, UsageError } from "./args.ts";
import { connect, endpoint, explain, ROOT, type Endpoint } from "./connection.ts";
import { queryOf, shape, text } from "./views.ts";

async function main(argv: readonly string[]): Promise<number> {
  // The database, tables and read-only user (gen/names.json, beside the program in dist/).
  const names = loadNames(resolve(ROOT, "gen/names.json"));
  let options;
  let target: Endpoint;
  try {
    options = parseOptions(argv);
    if (options === "help") {
      console.log(USAGE);
      return 0;
    }
    target = endpoint(names, options);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`report: ${e.message} (report --help)`);
    return 2;
  }
  const client = connect(target, options.timeoutSeconds);
  let raw: Record<string, unknown>[];
  try {
    const result = await client.query({ query: queryOf(names, options), format: "JSONEachRow" });
    raw = await result.json<Record<string, unknown>>();
  } catch (e) {
    console.error(`report: ${explain(e, target, options.view)}`);
    return 1;
  } finally {
    await client.close();
  }
  const rows = shape(options, raw);
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else console.log(text(names, options, rows).join("\n"));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
