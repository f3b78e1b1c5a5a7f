// STUB (issue 4 replaces it): ClickHouse server config, users, and the startup
// scripts that apply the schema before the server accepts connections.
import type { Model } from "../model/model.ts";
import { ddlStatements } from "./ddl.ts";

const xmlEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function serverConfigXml(model: Model): string {
  const p = model.ports.services.clickhouse;
  return `<clickhouse>
  <listen_host>0.0.0.0</listen_host>
  <http_port>${p.http}</http_port>
  <tcp_port>${p.native}</tcp_port>
  <interserver_http_port>${p.interserver}</interserver_http_port>
  <path>/var/lib/clickhouse/</path>
  <logger><console>1</console><level>information</level></logger>
  <users_config>users.xml</users_config>
</clickhouse>
`;
}

export function usersXml(_model: Model): string {
  return `<clickhouse>
  <users>
    <default>
      <password from_env="CLICKHOUSE_DEFAULT_PASSWORD"/>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <profiles><default/></profiles>
  <quotas><default/></quotas>
</clickhouse>
`;
}

export function startupScriptsXml(model: Model): string {
  const scripts = ddlStatements(model)
    .map((q) => `    <scripts>\n      <query>${xmlEscape(q)}</query>\n    </scripts>\n`)
    .join("");
  return `<clickhouse>\n  <startup_scripts>\n    <throw_on_error>true</throw_on_error>\n${scripts}  </startup_scripts>\n</clickhouse>\n`;
}
