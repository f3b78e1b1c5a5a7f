// Every ClickHouse and FluentBit key the generator emits, as "where.key" names that
// gen/versions/supported.ts lists with the version that reads them.
import { parse } from "yaml";
import { serverConfigXml, startupScriptsXml, usersXml } from "../clickhouse/config.ts";
import { ddlStatements } from "../clickhouse/ddl.ts";
import { fluentBitConfig, fluentBitLocalConfig, INSERT_SETTINGS } from "../fluentbit/config.ts";
import type { Model } from "../model/model.ts";

/** FluentBit: "service.<key>" and "<input|filter|output>.<plugin>.<key>" of both configs. */
export function fluentBitKeys(model: Model): Set<string> {
  const keys = new Set<string>();
  const local = fluentBitLocalConfig({ logFile: "/x", clickhouse: { host: "h", port: 1 }, stateDir: "/s", nodeName: "n", user: "u", passwordEnv: "P", httpPort: 2 });
  for (const text of [fluentBitConfig(model), local]) {
    const doc = parse(text) as { service: Record<string, unknown>; pipeline: Record<string, Record<string, unknown>[] | undefined> };
    for (const k of Object.keys(doc.service)) keys.add(`service.${k}`);
    for (const [kind, sections] of Object.entries(doc.pipeline)) {
      for (const s of sections ?? []) for (const k of Object.keys(s)) if (k !== "name") keys.add(`${kind.replace(/s$/, "")}.${String(s["name"])}.${k}`);
    }
  }
  return keys;
}

// Under these elements the children are names the config chooses (a user, a profile...).
const NAMED_CHILDREN = new Set(["users", "profiles", "quotas"]);

/** Element paths of an XML document ("a.b.c", attributes as "a.b[attr]"); user-chosen names as "*". */
export function xmlPaths(xml: string): Set<string> {
  const paths = new Set<string>();
  const stack: string[] = [];
  const body = xml.replace(/<\?xml[^>]*\?>/, "").replace(/<!--[\s\S]*?-->/g, "");
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name = "", attrs = "", selfClose] = m;
    if (close) {
      stack.pop();
      continue;
    }
    const parent = stack.at(-1);
    const segment = parent !== undefined && NAMED_CHILDREN.has(parent) && stack.length === 2 ? "*" : name;
    const path = [...stack.slice(1), segment].join(".");
    if (stack.length > 0) paths.add(path);
    for (const a of attrs.matchAll(/([A-Za-z_][\w-]*)=/g)) paths.add(`${path}[${a[1]}]`);
    if (!selfClose) stack.push(segment);
  }
  return paths;
}

/** ClickHouse: "server.<path>", "users.<path>", "table.<MergeTree setting>", "query.<setting>". */
export function clickhouseKeys(model: Model): Set<string> {
  const keys = new Set<string>();
  for (const p of xmlPaths(serverConfigXml(model))) keys.add(`server.${p}`);
  for (const p of xmlPaths(startupScriptsXml(model))) keys.add(`server.${p}`);
  for (const p of xmlPaths(usersXml(model))) keys.add(`users.${p}`);
  for (const statement of ddlStatements(model)) {
    const settings = /\nSETTINGS ([^\n]+)$/.exec(statement)?.[1];
    for (const s of settings?.split(",") ?? []) keys.add(`table.${s.split("=")[0]?.trim()}`);
  }
  for (const k of Object.keys(INSERT_SETTINGS)) keys.add(`query.${k}`);
  return keys;
}
