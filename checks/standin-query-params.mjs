// Test-only preload for ../shared/tools/clickhouse-http-chdb.mjs: that stand-in passes only
// ?query= and the body to chDB, but ClickHouse's HTTP interface also binds query parameters
// (?param_<name>=<value> for {name:Type} in the query), which HyperDX's client sends. This
// rewrites each {name:Type} into CAST('<value>' AS Type) (an Identifier into `name`) before
// the stand-in sees the request. Usage: node --import ./checks/standin-query-params.mjs <stand-in> ...
import http from "node:http";
import { Readable } from "node:stream";

const quote = (s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const bind = (sql, params) =>
  sql.replace(/\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g, (whole, name, type) => {
    if (!params.has(name)) return whole;
    const value = params.get(name);
    return type.trim() === "Identifier" ? `\`${value.replace(/`/g, "``")}\`` : `CAST(${quote(value)} AS ${type})`;
  });

const createServer = http.createServer;
http.createServer = (handler) =>
  createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const params = new Map([...url.searchParams].filter(([k]) => k.startsWith("param_")).map(([k, v]) => [k.slice(6), v]));
    if (params.size === 0 || req.headers["content-encoding"]) return handler(req, res);
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const query = url.searchParams.get("query");
      if (query !== null) url.searchParams.set("query", bind(query, params));
      const body = Readable.from([Buffer.from(bind(Buffer.concat(chunks).toString("utf8"), params))]);
      Object.assign(body, { url: `${url.pathname}${url.search}`, method: req.method, headers: req.headers });
      handler(body, res);
    });
  });
