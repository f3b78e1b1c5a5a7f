// Finding the external programs some tests need (fluent-bit, clickhouse, chromium):
// an explicit path from an env var, or a name looked up on PATH like a shell would.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** An executable: a path, or a name looked up on PATH; undefined when there is none. */
export function findBinary(nameOrPath: string | undefined): string | undefined {
  if (nameOrPath === undefined || nameOrPath === "") return undefined;
  const candidates = nameOrPath.includes("/")
    ? [nameOrPath]
    : (process.env["PATH"] ?? "").split(delimiter).map((dir) => join(dir, nameOrPath));
  return candidates.find(isExecutable);
}
