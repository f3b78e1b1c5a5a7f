// Every ClickHouse and FluentBit key the generator emits, as "where.key" names that
// gen/versions/supported.ts lists with the version that reads them.
import { parse } from "yaml";
import { serverConfigXml, startupScriptsXml, usersXml } from "../clickhouse/config.ts";
import { ddlStatements } from "../clickhouse/ddl.ts";
import { fluentBitConfig, fluentBitLocalConfig, INSERT_SETTINGS } from "../fluentbit/config.ts";
import type { Model } from "../model/model.ts";

type Section = Record<string, unknown>;

/**
 * FluentBit: "service.<key>", "parser.<format>.<key>", "<input|filter|output>.<plugin>.<key>"
 * and an input's "processor.<plugin>.<key>" of both configs.
 */
export function fluentBitKeys(model: Model): Set<string> {
  const keys = new Set<string>();
  const local = fluentBitLocalConfig(model.names, {
    logFile: "/x",
    clickhouse: { host: "h", port: 1 },
    stateDir: "/s",
    nodeName: "n",
    user: "u",
    passwordEnv: "P",
    httpPort: 2,
    otlpPort: 3,
    jsonPort: 4,
    podMetadata: { dir: "/m", podsDir: "/p" },
  });
  const add = (kind: string, s: Section): void => {
    for (const [k, v] of Object.entries(s)) {
      if (k === "name") continue;
      if (k === "processors") {
        for (const list of Object.values(v as Record<string, Section[]>)) for (const p of list) add("processor", p);
      }
      keys.add(`${kind}.${String(s["name"])}.${k}`);
    }
  };
  for (const text of [fluentBitConfig(model), local]) {
    const doc = parse(text) as { service: Section; parsers?: Section[]; pipeline: Record<string, Section[] | undefined> };
    for (const k of Object.keys(doc.service)) keys.add(`service.${k}`);
    for (const p of doc.parsers ?? []) for (const k of Object.keys(p)) if (k !== "name" && k !== "format") keys.add(`parser.${String(p["format"])}.${k}`);
    for (const [kind, sections] of Object.entries(doc.pipeline)) for (const s of sections ?? []) add(kind.replace(/s$/, ""), s);
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
